"""The row key: what makes two rows the same prescription (docs/formats.md).

The key is the MD5 of the layout and ``KEY_COLUMNS`` joined by U+001F, kept as
a UUID (``Prescription.row_key``). Stored keys are compared with the keys of a
new file, so the text hashed and the hash must never change.
"""

import hashlib

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

# What makes two rows the same prescription (docs/formats.md), hashed into the row key.
KEY_COLUMNS = ["number", "date", "atc", "description", "strength", "units", "dosage"]


def key_texts(rows: pa.Table, source: str) -> pa.Array:
    """What the row key hashes: the layout and KEY_COLUMNS joined by U+001F, as UTF-8."""
    columns = [rows.column(c).cast(pa.string()) for c in KEY_COLUMNS]
    return pc.binary_join_element_wise(source, *columns, "\x1f").combine_chunks()


def key_digests(rows: pa.Table, source: str) -> list[bytes]:
    """The row key of each row as 16 bytes: MD5 of ``key_texts`` (the only place it is made)."""
    texts = key_texts(rows, source).cast(pa.binary())
    # A key to find the same row again, not a safeguard: MD5 is fine here.
    return [hashlib.md5(text, usedforsecurity=False).digest()
            for text in texts.to_numpy(zero_copy_only=False)]


def row_keys(rows: pd.DataFrame | pa.Table, source: str) -> list[str]:
    """The row key of each row as hex (a UUID's digits): see ``key_digests``."""
    if isinstance(rows, pd.DataFrame):
        rows = pa.Table.from_pandas(rows[KEY_COLUMNS], preserve_index=False)
    return [digest.hex() for digest in key_digests(rows, source)]
