"""PostgreSQL's binary COPY format, built a column at a time with Arrow and numpy.

``COPY … FROM STDIN (FORMAT binary)`` skips parsing text into dates, numbers
and UUIDs on the server, which is about a third of the work of loading a
prescription (bench/README.md). A row is a 16-bit field count, then per field
a 32-bit length (-1 for NULL) and that many bytes, all big-endian; see
https://www.postgresql.org/docs/current/sql-copy.html#id-1.9.3.55.9.4.

``rows`` joins the fields of every row with one Arrow call; fixed-width fields
come from a numpy structured array, text from Arrow's UTF-8 buffers, and
fields with few distinct values (dates, strengths, substances) are encoded
once per value in Python. ``CopyStream`` sends the rows from a thread of its
own, so the server takes in one chunk while Python prepares the next.
"""

import queue
import threading
from collections.abc import Callable
from datetime import date
from decimal import Decimal

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

SIGNATURE = b"PGCOPY\n\xff\r\n\x00" + bytes(8)  # no flags, no header extension
TRAILER = b"\xff\xff"
NULL = b"\xff\xff\xff\xff"
EPOCH = date(2000, 1, 1).toordinal()  # PostgreSQL's dates count days from here
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


def by_value(values: pa.Array | pa.ChunkedArray, encode: Callable[[object], bytes]) -> pa.Array:
    """A field encoded once per distinct value of ``values`` (few distinct values; a null
    is one of them, given to ``encode`` as None)."""
    if isinstance(values, pa.ChunkedArray):
        values = values.combine_chunks()
    encoded = pc.dictionary_encode(values, null_encoding="encode")
    fields = pa.array([encode(v) for v in encoded.dictionary.to_pylist()], pa.binary())
    return fields.take(encoded.indices)


def days(values: pa.Array | pa.ChunkedArray) -> np.ndarray:
    """ISO dates as PostgreSQL counts them: days since 2000-01-01."""
    if isinstance(values, pa.ChunkedArray):
        values = values.combine_chunks()
    encoded = pc.dictionary_encode(values)
    offsets = np.array([date.fromisoformat(v).toordinal() - EPOCH
                        for v in encoded.dictionary.to_pylist()], dtype=np.int32)
    return offsets[encoded.indices.to_numpy(zero_copy_only=False)]


def date_field(value: str) -> bytes:
    """A date given as ISO text, or NULL for ''."""
    if not value:
        return NULL
    return (4).to_bytes(4, "big") + (date.fromisoformat(value).toordinal() - EPOCH).to_bytes(
        4, "big", signed=True)


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
    digits = []
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


class _Abort(Exception):
    pass


_ABORT = object()


class CopyStream:
    """``COPY <statement> FROM STDIN (FORMAT binary)`` on a psycopg2 connection, fed with
    ``write`` from this thread while a thread of its own sends the data.

    psycopg2 lets go of the GIL while it waits on the socket, so Python prepares
    the next rows while PostgreSQL takes in the last. Nothing else may use the
    connection until ``close`` (which returns the number of rows) or ``abort``.
    """

    def __init__(self, db, statement: str):
        self.cursor = db.cursor()
        self.statement = statement
        self.queue: queue.Queue = queue.Queue(maxsize=2)
        self.queue.put(SIGNATURE)
        self.error: BaseException | None = None
        self.thread = threading.Thread(target=self._run, name="pg-copy", daemon=True)
        self.thread.start()

    def _run(self) -> None:
        try:
            self.cursor.copy_expert(self.statement, self)
        except BaseException as error:  # handed to the caller's thread by _check
            self.error = error

    def read(self, size: int = -1) -> bytes:
        """psycopg2 takes the data from here (in the COPY thread); b"" ends it."""
        item = self.queue.get()
        if item is _ABORT:
            raise _Abort("import stopped")
        return item

    def _put(self, item) -> None:
        while self.thread.is_alive():
            try:
                self.queue.put(item, timeout=0.05)
                return
            except queue.Full:
                continue
        self._check()

    def _check(self) -> None:
        if self.error is not None:
            raise self.error

    def write(self, data: bytes) -> None:
        self._check()
        if data:
            self._put(data)

    def close(self) -> int:
        self.write(TRAILER)
        self._put(b"")
        self.thread.join()
        self._check()
        return self.cursor.rowcount

    def abort(self) -> None:
        """Make the COPY fail (the transaction is rolled back by the caller)."""
        if self.thread.is_alive():
            self._put(_ABORT)
            self.thread.join()
