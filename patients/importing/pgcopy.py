"""PostgreSQL's binary COPY format, built a column at a time with Arrow and numpy.

``COPY … FROM STDIN (FORMAT binary)`` skips parsing text into dates, numbers
and UUIDs on the server, which is about a third of the work of loading a
prescription (bench/README.md). A row is a 16-bit field count, then per field
a 32-bit length (-1 for NULL) and that many bytes, all big-endian; see
https://www.postgresql.org/docs/current/sql-copy.html#id-1.9.3.55.9.4.

``rows`` joins the fields of every row with one Arrow call; fixed-width fields
come from a numpy structured array, text from Arrow's UTF-8 buffers, and
fields with few distinct values (dates, strengths, substances) are encoded
once per value in Python. ``copy`` sends them; the loader (postgres.py) runs it
in its database thread, so the server takes in one chunk while Python prepares
the next.
"""

import io
from collections.abc import Callable
from datetime import date
from decimal import Decimal
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

SIGNATURE = b"PGCOPY\n\xff\r\n\x00" + bytes(8)  # no flags, no header extension
TRAILER = b"\xff\xff"
NULL = b"\xff\xff\xff\xff"
EPOCH_FROM_1970 = (date(2000, 1, 1) - date(1970, 1, 1)).days  # PostgreSQL counts from 2000
INT8 = (8).to_bytes(4, "big")
FOUR_PLACES = Decimal("0.0001")


def fixed(block: np.ndarray) -> pa.Array:
    """Each record of a numpy structured array (big-endian fields) as one binary value."""
    block = np.ascontiguousarray(block)
    width = block.dtype.itemsize
    values = pa.FixedSizeBinaryArray.from_buffers(pa.binary(width), len(block),
                                                  [None, pa.py_buffer(block.tobytes())])
    return values.cast(pa.binary())


def text(values: pa.Array | pa.ChunkedArray) -> list[pa.Array]:
    """A text field (no NULLs): its length, then its UTF-8 bytes."""
    if isinstance(values, pa.ChunkedArray):
        values = values.combine_chunks()
    lengths = pc.binary_length(values).to_numpy(zero_copy_only=False).astype(">i4")
    return [fixed(lengths), values.cast(pa.binary())]


def by_value(values: pa.Array | pa.ChunkedArray, encode: Callable[[Any], bytes]) -> pa.Array:
    """A field encoded once per distinct value of ``values`` (few distinct values; a null
    is one of them, given to ``encode`` as None)."""
    if isinstance(values, pa.ChunkedArray):
        values = values.combine_chunks()
    encoded = pc.dictionary_encode(values, null_encoding="encode")
    fields = pa.array([encode(v) for v in encoded.dictionary.to_pylist()], pa.binary())
    return fields.take(encoded.indices)


def days(values: pa.Array | pa.ChunkedArray) -> np.ndarray:
    """ISO dates (no empty ones) as PostgreSQL counts them: days since 2000-01-01."""
    since_1970 = pc.cast(pc.cast(values, pa.date32()), pa.int32())
    return since_1970.to_numpy(zero_copy_only=False) - EPOCH_FROM_1970


def date_fields(values: pa.Array | pa.ChunkedArray) -> pa.Array:
    """A date field per ISO date text, NULL for ''."""
    if isinstance(values, pa.ChunkedArray):
        values = values.combine_chunks()
    empty = pc.equal(values, "")
    block = np.empty(len(values), dtype=[("size", ">i4"), ("day", ">i4")])
    block["size"] = 4
    block["day"] = days(pc.if_else(empty, "2000-01-01", values))
    return pc.if_else(empty, pa.scalar(NULL, pa.binary()), fixed(block))


def int8_field(value: int | None) -> bytes:
    return NULL if value is None else INT8 + value.to_bytes(8, "big", signed=True)


def numeric_field(value: str) -> bytes:
    """A positive decimal with at most four places (``parse`` makes no other), or NULL for ''.

    PostgreSQL's numeric: base-10000 digits after a header of digit count, weight of the
    first digit, sign and display scale (the column's scale, 4, applies on the way in).
    """
    if not value:
        return NULL
    scaled = int(Decimal(value).quantize(FOUR_PLACES).scaleb(4))
    if scaled <= 0 or Decimal(value) != Decimal(scaled).scaleb(-4):
        raise ValueError(f"not a positive number with at most four places: {value!r}")
    whole, fraction = divmod(scaled, 10000)
    digits: list[int] = []
    while whole:
        whole, digit = divmod(whole, 10000)
        digits.insert(0, digit)
    weight = len(digits) - 1
    digits.append(fraction)
    while digits and digits[0] == 0:  # only a fraction: its first digit has weight -1 or less
        digits.pop(0)
        weight -= 1
    while digits and digits[-1] == 0:
        digits.pop()
    payload = b"".join(n.to_bytes(2, "big", signed=True)
                       for n in (len(digits), weight, 0, 4, *digits))
    return len(payload).to_bytes(4, "big") + payload


def rows(fields: list[pa.Array], order: np.ndarray | None = None) -> bytes:
    """Whole rows in the binary format: the fields of each row, joined (field count first);
    in the ``order`` given, if one is."""
    joined = pc.binary_join_element_wise(*fields, b"")
    if isinstance(joined, pa.ChunkedArray):
        joined = joined.combine_chunks()
    if order is not None:
        joined = joined.take(pa.array(order))
    if joined.null_count:  # a null field would lose its whole row
        raise ValueError("a field is null; encode NULL as pgcopy.NULL")
    if not len(joined):
        return b""
    offsets = np.frombuffer(joined.buffers()[1], dtype=np.int32,
                            count=len(joined) + 1, offset=4 * joined.offset)
    return joined.buffers()[2][int(offsets[0]):int(offsets[-1])].to_pybytes()


def copy(cursor, target: str, payload: bytes) -> int:
    """``COPY`` of ``payload`` (whole rows, as ``rows`` makes them) into ``target``, a table
    with its column list (``patients_patient (id, …)``); the number of rows copied."""
    cursor.copy_expert(f"COPY {target} FROM STDIN (FORMAT binary)",
                       io.BytesIO(SIGNATURE + payload + TRAILER), size=1 << 20)
    return cursor.rowcount


UUID_ROW = np.dtype([("fields", ">i2"), ("size", ">i4"), ("value", "V16")])


def uuids_out(cursor, query: str, params: list) -> list[bytes]:
    """The one column of ``query``, UUIDs without NULLs, as 16-byte values: by a binary
    ``COPY … TO STDOUT``, read with numpy (no Python object per row until the last)."""
    out = io.BytesIO()
    statement = cursor.mogrify(query, params).decode()
    cursor.copy_expert(f"COPY ({statement}) TO STDOUT (FORMAT binary)", out)
    data = out.getbuffer()
    if bytes(data[:len(SIGNATURE)]) != SIGNATURE or bytes(data[-2:]) != TRAILER:
        raise ValueError("not PostgreSQL's binary COPY format without a header extension")
    count, rest = divmod(len(data) - len(SIGNATURE) - len(TRAILER), UUID_ROW.itemsize)
    rows = np.frombuffer(data, dtype=UUID_ROW, offset=len(SIGNATURE), count=count)
    if rest or not ((rows["fields"] == 1) & (rows["size"] == 16)).all():
        raise ValueError("expected one UUID column without NULLs")
    blob = rows["value"].tobytes()
    del rows, data
    return [blob[i:i + 16] for i in range(0, len(blob), 16)]
