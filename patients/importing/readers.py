"""Reading an export's records into chunks of clean rows and rejections (docs/formats.md).

``open_export`` decodes the bytes and detects the layout (``detect``);
``ExportReader.chunks`` yields the accepted rows (an Arrow table;
``Chunk.prescriptions`` gives them as a pandas frame) and the rejections,
chunk by chunk. Every data record of the file ends up in exactly one of the two.

Two readers give the same chunks. A well-formed file is read by Arrow's
streaming CSV reader, block by block in a worker thread, while the blocks
before are cleaned (``arrow_chunks``; a cp1252 file as bytes, each distinct
non-ASCII value then decoded by Python's codec: Arrow's own transcoding took
most of the read). Any other file is read by Python's csv module
(``csv_chunks``), which numbers the lines of any file the rules allow. The row
rules (``rules.clean``) are the same for both.
"""

import codecs
import csv
import io
import queue
import threading
from collections.abc import Generator, Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from functools import cached_property
from operator import itemgetter

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
from django.utils.translation import gettext as _

from .detect import EMPTY, FileRefused, decode, detect, first_line, fold, missing_columns
from .rules import clean

ARROW_BLOCK = 4 << 20  # bytes Arrow reads at a time: about 25,000 rows of an export
READ_AHEAD = 8  # blocks Arrow may read ahead of the cleaning
LINE_COUNT_SLICE = 1 << 24  # bytes numpy compares at a time in _line_count

csv.field_size_limit(16 * 1024 * 1024)


class NotForArrow(Exception):
    """Arrow cannot read this file the way the csv module does (``arrow_chunks``): read it
    again with ``csv_chunks``, dropping what Arrow gave."""



@dataclass
class Rejection:
    line: int
    reason: str
    raw: str
    number: str = ""  # the row's patient number as in the file (for the access log)


@dataclass
class Chunk:
    records: int  # data records read (blank lines not counted)
    rows: pa.Table  # the accepted rows, PRESCRIPTION_COLUMNS
    rejections: list[Rejection] = field(default_factory=list)

    @cached_property
    def prescriptions(self) -> pd.DataFrame:
        """The accepted rows as a pandas frame (line and units int64, is_benzo bool)."""
        return self.rows.to_pandas()



def _from_cp1252(table: pa.Table) -> pa.Table:
    """Binary columns of cp1252 bytes as text: as they are where all ASCII, else each
    distinct value decoded by Python's codec (names and streets repeat row after row)."""
    columns = []
    for column in table.columns:
        if not pa.types.is_binary(column.type):
            columns.append(column)
            continue
        text = pa.chunked_array([chunk.view(pa.string()) for chunk in column.chunks],
                                pa.string())
        if pc.all(pc.string_is_ascii(text)).as_py() is not False:
            columns.append(text)  # ASCII: the same bytes in UTF-8
            continue
        encoded = pc.dictionary_encode(column.combine_chunks())
        values = pa.array([v.decode("cp1252") for v in encoded.dictionary.to_pylist()],
                          pa.string())
        columns.append(values.take(encoded.indices))
    return pa.table(columns, names=table.column_names)


def _line_count(data: bytes) -> int:
    """Lines as the csv module and Arrow count them: ended by CR LF, LF or CR.

    Counted by numpy a slice at a time: it lets go of the GIL while it counts, so this
    can run in a thread beside the reading (bytes.count keeps the GIL).
    """
    if not data:
        return 0
    octets = np.frombuffer(data, dtype=np.uint8)
    breaks = 0
    for start in range(0, len(octets), LINE_COUNT_SLICE):
        part = octets[start:start + LINE_COUNT_SLICE + 1]  # one byte more: a CR LF across
        returns = part[:LINE_COUNT_SLICE] == 13
        feeds = part == 10
        # LF and lone CR end a line; a CR followed by LF is counted at its LF.
        breaks += int(np.count_nonzero(feeds[:LINE_COUNT_SLICE]))
        breaks += int(np.count_nonzero(returns[:len(part) - 1] & ~feeds[1:len(returns) + 1]))
        if len(part) <= LINE_COUNT_SLICE and returns[-1]:
            breaks += 1  # a CR as the very last byte
    return breaks + (0 if data.endswith((b"\n", b"\r")) else 1)


class ExportReader:
    def __init__(self, data: bytes, encoding: str, head: str):
        self.data = data
        self.encoding = encoding  # as detected: utf-8, utf-8-sig or cp1252
        self._codec = "utf-8" if encoding == "utf-8-sig" else encoding
        self.layout, self.delimiter = detect(first_line(head))
        self.header: list[str] = []
        self.header_lines = (0, 0)  # first and last line of the header record
        if not any(True for _ in self.records()):
            raise FileRefused(EMPTY)
        # The header as the csv module reads it (a quoted line break, say) must still hold
        # every column, or the rows could not be read by name.
        missing = set(self.layout.columns) - {fold(name) for name in self.header}
        if missing:
            raise missing_columns(self.layout, missing)

    def approx_records(self) -> int:
        return max(self.data.count(b"\n"), 1)

    def records(self) -> Iterator[tuple[int, list[str]]]:
        """(line number where the record starts, fields) for every non-blank data record.

        The text is decoded as it is read, so a large file is never held twice.
        """
        text = io.TextIOWrapper(io.BytesIO(self.data), encoding=self._codec, newline="")
        reader = csv.reader(text, delimiter=self.delimiter)
        previous_end = 0
        header_seen = False
        while True:
            try:
                fields = next(reader)
            except StopIteration:
                return
            except csv.Error:
                # Only a field past csv.field_size_limit: an opening quote never closed.
                raise FileRefused(_(
                    "From line %(line)s on, one field runs on past %(megabytes)s MB: a "
                    "closing quote (\") is probably missing. Nothing was read.") % {
                        "line": previous_end + 1,
                        "megabytes": csv.field_size_limit() // 2 ** 20}) from None
            start, previous_end = previous_end + 1, reader.line_num
            if not "".join(fields).strip():
                continue
            if not header_seen:
                # A trailing delimiter on the header line only names no column.
                while fields and not fields[-1].strip():
                    fields.pop()
                self.header = fields
                self.header_lines = (start, previous_end)
                header_seen = True
                continue
            yield start, fields

    def preview(self, n: int = 10) -> list[dict[str, str]]:
        rows = []
        for _line, fields in self.records():
            rows.append(dict(zip(self.header, fields, strict=False)))
            if len(rows) == n:
                break
        return rows

    def chunks(self, size: int = 100_000, first: int | None = None) -> Iterator[Chunk]:
        """Accepted rows and rejections, ``size`` records at a time (``first`` in the first):
        Arrow's reading where the file allows it, else the csv module's.

        Arrow's chunks are all read before the first is given (a file may turn out half-way
        to need the csv module): for tests and small files. The importer streams
        ``arrow_chunks`` instead and undoes what it stored when NotForArrow comes.
        """
        try:
            chunks: Iterable[Chunk] = list(self.arrow_chunks(size, first))
        except NotForArrow:
            chunks = self.csv_chunks(size, first)
        yield from chunks

    def csv_chunks(self, size: int = 100_000,
                   first: int | None = None) -> Generator[Chunk, None, None]:
        """``chunks`` read by Python's csv module, which reads any file the rules allow and
        tracks the line where each record starts."""
        batch: list[tuple[int, list[str]]] = []
        wanted = first or size
        for record in self.records():
            batch.append(record)
            if len(batch) == wanted:
                yield self._chunk(batch)
                batch, wanted = [], size
        if batch:
            yield self._chunk(batch)

    def arrow_chunks(self, size: int = 100_000,
                     first: int | None = None) -> Generator[Chunk, None, None]:
        """``chunks`` read by Arrow's streaming CSV reader, block by block, so the first rows
        are clean while the rest of the file is still being read.

        Only for a well-formed file: the header on line 1, every row as wide as the
        header (extra columns empty throughout), no line breaks inside fields; there the
        record number and the line number coincide. Raises NotForArrow as soon as the file
        turns out otherwise, which may be after some chunks were given (the last check,
        that no field held a line break, needs the whole file).
        """
        if self.header_lines != (1, 1):
            raise NotForArrow  # blank lines before the header: only the csv module numbers them
        # Two workers beside this thread: Arrow's reading and the line count (both let go
        # of the GIL). ``stop`` ends the reading when the chunks are not all taken (an
        # error, NotForArrow); the pool is shut down, and its threads joined, on the way out.
        blocks: queue.Queue = queue.Queue(maxsize=READ_AHEAD)
        stop = threading.Event()
        # cp1252 is read as bytes and made text afterwards, value by distinct value (Arrow's
        # own transcoding of the whole file took most of the read). Delimiters, quotes and
        # line ends are the same bytes in either encoding, so the fields are the same.
        cp1252 = self._codec != "utf-8" and not self.data.isascii()
        with ThreadPoolExecutor(max_workers=2, thread_name_prefix="import-read") as pool:
            try:
                lines = pool.submit(_line_count, self.data)
                reading = pool.submit(self._read_blocks, cp1252, blocks, stop)
                wanted, offset, pending, buffered = first or size, 0, [], 0
                for block in self._arrow_blocks(blocks, cp1252):
                    pending.append(block)
                    buffered += block.num_rows
                    while buffered >= wanted:
                        table = pa.concat_tables(pending)
                        yield self._arrow_chunk(table.slice(0, wanted), offset)
                        offset += wanted
                        pending, buffered = [table.slice(wanted)], buffered - wanted
                        wanted = size
                if buffered:
                    yield self._arrow_chunk(pa.concat_tables(pending), offset)
                    offset += buffered
                reading.result()
                # Arrow reads a quoted line break inside a field all the same: then a record
                # is no longer one line, and only the csv module numbers the lines right.
                if offset != lines.result() - 1:
                    raise NotForArrow
            finally:
                stop.set()

    def _arrow_blocks(self, blocks: queue.Queue, cp1252: bool) -> Iterator[pa.Table]:
        """The blocks ``_read_blocks`` puts in ``blocks``, every field text; NotForArrow where
        a row is not as wide as the first, or an extra column holds something."""
        width = len(self.header)
        while (batch := blocks.get()) is not None:
            if isinstance(batch, BaseException):
                raise NotForArrow from batch  # a row of another width, not UTF-8, ...
            if batch.schema.names[:width] != [f"f{i}" for i in range(width)]:
                raise NotForArrow  # rows narrower than the header
            # Extra columns only when empty throughout, or the rows are rejected one by
            # one as the csv module's reading does.
            if any(pa.types.is_binary(column.type)  # not UTF-8, so not empty either
                   or pc.max(pc.utf8_length(pc.utf8_trim_whitespace(
                       column.cast(pa.string())))).as_py()
                   for column in batch.columns[width:]):
                raise NotForArrow
            block = pa.Table.from_batches([batch])
            yield _from_cp1252(block) if cp1252 else block

    def _read_blocks(self, cp1252: bool, blocks: queue.Queue,
                     stop: threading.Event) -> None:
        """Arrow's streaming reader, each block (or the error met) put in ``blocks``; None
        at the end. At most READ_AHEAD blocks wait, so a large file is not all in memory
        at once; the reading ends early when ``stop`` is set."""

        def put(item) -> bool:
            while not stop.is_set():
                try:
                    blocks.put(item, timeout=0.05)
                    return True
                except queue.Full:
                    continue
            return False

        try:
            reader = pacsv.open_csv(
                pa.BufferReader(self.data),
                read_options=pacsv.ReadOptions(skip_rows=1, autogenerate_column_names=True,
                                               block_size=ARROW_BLOCK),
                # An empty line is a row of empty fields (skipped later as blank, as the csv
                # module skips it), so every line is one row and line numbers stay right.
                parse_options=pacsv.ParseOptions(delimiter=self.delimiter,
                                                 newlines_in_values=False,
                                                 ignore_empty_lines=False),
                convert_options=pacsv.ConvertOptions(
                    column_types={f"f{i}": pa.binary() if cp1252 else pa.string()
                                  for i in range(len(self.header))},
                    strings_can_be_null=False, quoted_strings_can_be_null=False,
                    null_values=[]),  # "NULL" in an extra column is text, not empty
            )
            for batch in reader:
                if not put(batch):
                    return
        except (pa.ArrowException, UnicodeDecodeError) as error:
            put(error)
        put(None)

    def _arrow_chunk(self, part: pa.Table, offset: int) -> Chunk:
        """One chunk of Arrow's rows, the first of them record ``offset`` (on line
        ``offset + 2``: the header is line 1 and every record one line)."""
        width = len(self.header)
        number_at = self.layout.columns.index(self.layout.number)
        columns = [pc.utf8_trim_whitespace(part.column(i)) for i in self._wanted_columns()]
        frame = pa.table([pa.array(np.arange(offset + 2, offset + 2 + part.num_rows)),
                          *columns], names=["line", *self.layout.columns])
        # A blank line (every field empty or spaces) is no record. Its patient number is
        # empty, so only rows with an empty number are looked at.
        # (Tables here are in many chunks: filter, not take, which joins them first.)
        no_number = pc.equal(columns[number_at], "")
        if pc.any(no_number).as_py():
            fields = part.filter(no_number).columns[:width]
            blank = np.logical_and.reduce([pc.equal(pc.utf8_length(pc.utf8_trim_whitespace(
                f)), 0).to_numpy(zero_copy_only=False) for f in fields])
            if blank.any():
                keep = np.ones(part.num_rows, dtype=bool)
                keep[np.flatnonzero(no_number.to_numpy(zero_copy_only=False))[blank]] = False
                frame = frame.filter(pa.array(keep))
        accepted, rejected = clean(frame, self.layout)
        raw = {}
        if rejected:
            lines = [line for line, _reason in rejected]
            which = np.zeros(part.num_rows, dtype=bool)
            which[np.array(lines) - offset - 2] = True
            records = part.filter(pa.array(which)).to_pylist()  # in line order, as lines
            raw = {line: list(record.values())
                   for line, record in zip(lines, records, strict=True)}
        return Chunk(records=frame.num_rows, rows=accepted,
                     rejections=[self._rejection(line, reason, raw[line])
                                 for line, reason in rejected])

    def _wanted_columns(self) -> list[int]:
        """The header position of each layout column (the first, when a name repeats)."""
        index = {fold(name): i for i, name in reversed(list(enumerate(self.header)))}
        return [index[c] for c in self.layout.columns]

    def _chunk(self, batch: list[tuple[int, list[str]]]) -> Chunk:
        width = len(self.header)
        pick = itemgetter(*self._wanted_columns())
        rows, lines, rejections = [], [], []
        for line, fields in batch:
            if len(fields) != width:
                if len(fields) > width and not "".join(fields[width:]).strip():
                    fields = fields[:width]  # trailing empty fields are harmless
                else:
                    rejections.append(self._rejection(line, _(
                        "%(found)s fields instead of %(expected)s; check the delimiters and "
                        "quotes") % {"found": len(fields), "expected": width}, fields))
                    continue
            rows.append(pick(fields))
            lines.append(line)
        columns = [pc.utf8_trim_whitespace(pa.array([row[i] for row in rows], pa.string()))
                   for i in range(len(self.layout.columns))]
        frame = pa.table([pa.array(lines, pa.int64()), *columns],
                         names=["line", *self.layout.columns])
        accepted, rejected = clean(frame, self.layout)
        if rejected:
            raw_by_line = dict(batch)
            rejections += [self._rejection(line, reason, raw_by_line[line])
                           for line, reason in rejected]
        rejections.sort(key=lambda r: r.line)
        return Chunk(records=len(batch), rows=accepted, rejections=rejections)

    def number_of(self, fields: list) -> str:
        """The patient number of a record read in header order ("" when it has none)."""
        at = self._wanted_columns()[self.layout.columns.index(self.layout.number)]
        value = fields[at] if at < len(fields) else ""
        if isinstance(value, bytes):  # Arrow reads a cp1252 file as bytes
            value = value.decode(self._codec, "replace")
        return str(value or "").strip()

    def _rejection(self, line: int, reason: str, fields: list) -> Rejection:
        return Rejection(line, reason, self._raw(fields), self.number_of(fields))

    def _raw(self, fields: list[str]) -> str:
        out = io.StringIO()
        csv.writer(out, delimiter=self.delimiter, lineterminator="").writerow(fields)
        return out.getvalue()[:1000]


def open_export(data: bytes) -> ExportReader:
    encoding, head = decode(data)
    if data.startswith(codecs.BOM_UTF8):
        data = data[len(codecs.BOM_UTF8):]
    return ExportReader(data, encoding, head)
