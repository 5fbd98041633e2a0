"""Read an export file into clean prescription rows and rejected rows (FORMATS.md).

No database here: ``open_export`` decodes the bytes, detects the layout from
the header and refuses a file it cannot read; ``ExportReader.chunks`` yields
the accepted rows (an Arrow table; ``Chunk.prescriptions`` gives them as a
pandas frame) and the rejections, chunk by chunk. Every data record of the
file ends up in exactly one of the two.

Speed (bench/README.md): a well-formed file is read by Arrow's streaming CSV
reader, block by block in a thread of its own, while the blocks before are
cleaned (``arrow_chunks``; a cp1252 file as bytes, each distinct non-ASCII
value then decoded by Python's codec: Arrow's own transcoding took most of
the read); any other file by Python's csv module (``csv_chunks``). The row
rules run
on the *distinct* values of the columns they read, not on every row: an
export of 500,000 rows holds a few hundred dates, ATC codes, quantities and
strengths. The rules themselves are the pandas code below, unchanged, so a
value is judged the same whichever rows it stands in; Arrow only takes the
results back to the rows.
"""

import codecs
import csv
import io
import queue
import re
import threading
import unicodedata
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from functools import cached_property
from operator import itemgetter
from typing import TypeVar

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext

from ..clinical import BENZO_ATC_PREFIXES
from .layouts import APOTHEEK, HIS, LAYOUTS, Layout

try:  # CPython's own MD5 is half again as fast as OpenSSL's on short texts (row keys)
    from _md5 import md5
except ImportError:  # pragma: no cover - a Python built without it
    from hashlib import md5

NOT_TEXT = gettext_lazy("The file is not a text file. A CSV file was expected: an export "
                        "from the GP information system or a list of dispensings from the "
                        "pharmacy. Save the export as CSV and try again.")
EMPTY = gettext_lazy("The file is empty: it holds no lines with prescriptions.")
# ASCII digits only ([0-9], not \d): other scripts' digits are no ATC code or number,
# and PostgreSQL would refuse them as numeric.
ATC_FORM = re.compile(r"^[A-Z](?:[0-9]{2}(?:[A-Z](?:[A-Z](?:[0-9]{2})?)?)?)?$")
ARTICLE_STRENGTH = re.compile(
    r"([0-9]+(?:[.,][0-9]+)?)\s*(mg|milligram|microgram|mcg|µg|ug|gram|g)\b", re.IGNORECASE)
UNIT_FACTORS = {"": Decimal(1), "mg": Decimal(1), "milligram": Decimal(1),
                "g": Decimal(1000), "gram": Decimal(1000),
                "mcg": Decimal("0.001"), "µg": Decimal("0.001"), "ug": Decimal("0.001"),
                "microgram": Decimal("0.001")}
MAX_UNITS = 100_000
MAX_NUMBER_LENGTH = 50  # Patient.number
MAX_STRENGTH_DIGITS = 8  # Prescription.strength_mg: 12 digits, 4 of them decimals
FOUR_PLACES = Decimal("0.0001")
SURNAME_PREFIXES = {"van", "de", "der", "den", "het", "'t", "t", "ten", "ter", "te", "in",
                    "op", "von", "la", "le", "du", "d'", "des", "del", "da", "dos", "el"}
LIMITS = {"surname": 100, "prefix": 30, "initials": 30, "street": 200, "house_number": 30,
          "postcode": 10, "city": 100, "phone": 50, "gp_name": 100, "description": 300,
          "dosage": 300, "prescriber": 100}
PRESCRIPTION_COLUMNS = [
    "line", "number", "surname", "prefix", "initials", "sex", "birth_date", "street",
    "house_number", "postcode", "city", "phone", "gp_name", "date", "atc", "description",
    "strength", "units", "dosage", "prescriber", "is_benzo",
]
# What makes two rows the same prescription (FORMATS.md), hashed into the row key.
KEY_COLUMNS = ["number", "date", "atc", "description", "strength", "units", "dosage"]
# Bytes that cp1252 leaves undefined: a file holding one is not cp1252 (Python's codec
# refuses exactly these).
CP1252_UNDEFINED = (b"\x81", b"\x8d", b"\x8f", b"\x90", b"\x9d")
ARROW_BLOCK = 4 << 20  # bytes Arrow reads at a time: about 25,000 rows of an export
READ_AHEAD = 8  # blocks Arrow may read ahead of the cleaning
LINE_COUNT_SLICE = 1 << 24  # bytes numpy compares at a time in _line_count


def key_texts(rows: pa.Table, source: str) -> pa.Array:
    """What the row key hashes: the layout and KEY_COLUMNS joined by U+001F, as UTF-8."""
    columns = [rows.column(c).cast(pa.string()) for c in KEY_COLUMNS]
    return pc.binary_join_element_wise(source, *columns, "\x1f").combine_chunks()


def key_digests(rows: pa.Table, source: str) -> list[bytes]:
    """The row key of each row as 16 bytes: MD5 of ``key_texts`` (the only place it is made)."""
    texts = key_texts(rows, source).cast(pa.binary())
    # A key to find the same row again, not a safeguard: MD5 is fine (and fast) here.
    return [md5(text).digest() for text in texts.to_numpy(zero_copy_only=False)]  # noqa: S324


def row_keys(rows: pd.DataFrame | pa.Table, source: str) -> list[str]:
    """The row key of each row as hex (a UUID's digits): see ``key_digests``."""
    if isinstance(rows, pd.DataFrame):
        rows = pa.Table.from_pandas(rows[KEY_COLUMNS], preserve_index=False)
    return [digest.hex() for digest in key_digests(rows, source)]

csv.field_size_limit(16 * 1024 * 1024)
T = TypeVar("T")


class NotForArrow(Exception):
    """Arrow cannot read this file the way the csv module does (``arrow_chunks``): read it
    again with ``csv_chunks``, dropping what Arrow gave."""


class FileRefused(Exception):
    """The whole file is refused; ``message`` says why, in Dutch."""

    def __init__(self, message: str):
        message = str(message)  # translated now, in the language active
        super().__init__(message)
        self.message = message


@dataclass
class Rejection:
    line: int
    reason: str
    raw: str


@dataclass
class Chunk:
    records: int  # data records read (blank lines not counted)
    rows: pa.Table  # the accepted rows, PRESCRIPTION_COLUMNS
    rejections: list[Rejection] = field(default_factory=list)

    @cached_property
    def prescriptions(self) -> pd.DataFrame:
        """The accepted rows as a pandas frame (line and units int64, is_benzo bool)."""
        return self.rows.to_pandas()


def fold(name: str) -> str:
    """Header name as compared: no accents, lower case, single spaces, no quotes/BOM."""
    name = unicodedata.normalize("NFKD", name.replace("\ufeff", ""))
    name = "".join(c for c in name if not unicodedata.combining(c))
    return " ".join(name.strip().strip('"').lower().split())


def decode(data: bytes) -> tuple[str, str]:
    """The file's encoding (UTF-8, UTF-8 with BOM, else cp1252) and its first 64 KiB as text.

    The whole file is checked to decode; only the head is kept, for the header.
    """
    if not data or data.isspace():  # as ``not data.strip()``, without copying the file
        raise FileRefused(EMPTY)
    if b"\x00" in data:
        raise FileRefused(NOT_TEXT)
    # A byte-order mark is dropped also when the rest turns out to be cp1252.
    bom = data.startswith(codecs.BOM_UTF8)
    body = data[len(codecs.BOM_UTF8):] if bom else data
    if body.isascii():
        encoding = "utf-8"
    else:
        try:
            body.decode("utf-8")
            encoding = "utf-8"
        except UnicodeDecodeError:
            # What decoding as cp1252 would refuse, without building the text.
            if any(byte in body for byte in CP1252_UNDEFINED):
                raise FileRefused(NOT_TEXT) from None
            encoding = "cp1252"
    head = body[:65536].decode(encoding, errors="ignore")
    if bom and encoding == "utf-8":
        encoding = "utf-8-sig"
    controls = len(re.findall(r"[\x01-\x08\x0b\x0c\x0e-\x1f\x7f]", head))
    if controls > max(3, len(head) // 200):
        raise FileRefused(NOT_TEXT)
    return encoding, head


def _first_line(text: str) -> str:
    # Only the line ends the csv module knows (str.splitlines also splits at U+2028, \f, ...).
    for line in re.split(r"\r\n|\r|\n", text):
        if line.strip():
            return line
    raise FileRefused(EMPTY)


def detect(header_line: str) -> tuple[Layout, str]:
    """The layout and delimiter whose columns the header holds, or a refusal saying why."""
    best: tuple[int, Layout, set[str]] | None = None
    for layout in LAYOUTS:
        for delimiter in (layout.delimiter, ";", ",", "\t"):
            names = {fold(n) for n in next(csv.reader([header_line], delimiter=delimiter))}
            missing = set(layout.columns) - names
            if not missing:
                return layout, delimiter
            found = len(layout.columns) - len(missing)
            if best is None or found > best[0]:
                best = (found, layout, missing)
    found, layout, missing = best
    if found * 2 >= len(layout.columns):
        raise _missing_columns(layout, missing)
    shown = header_line.strip()[:200]
    raise FileRefused(_(
        "The header line fits neither layout, so nothing was read. Expected was a "
        "%(his)s with the columns %(his_columns)s (separated by semicolons), or a "
        "%(pharmacy)s with the columns %(pharmacy_columns)s (separated by commas). The "
        "file's first line is: “%(shown)s”.") % {
            "his": HIS.label, "his_columns": ", ".join(HIS.columns),
            "pharmacy": APOTHEEK.label, "pharmacy_columns": ", ".join(APOTHEEK.columns),
            "shown": shown})


def _missing_columns(layout: Layout, missing: set[str]) -> FileRefused:
    columns = ", ".join(c for c in layout.columns if c in missing)
    return FileRefused(_("This looks like a %(layout)s, but the header line lacks these "
                         "columns: %(columns)s. Nothing was read.")
                       % {"layout": layout.label, "columns": columns})


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


def meanwhile(function: Callable[..., T], *args) -> Callable[[], T]:
    """``function(*args)`` in a thread, for work that lets go of the GIL (hashlib, numpy,
    a database round trip); the function returned waits for the result (or raises the
    error) in the caller's thread."""
    outcome: list = []

    def run() -> None:
        try:
            outcome.append(function(*args))
        except BaseException as error:
            outcome.append(error)

    thread = threading.Thread(target=run, daemon=True)
    thread.start()

    def result() -> T:
        thread.join()
        if isinstance(outcome[0], BaseException):
            raise outcome[0]
        return outcome[0]

    return result


class ExportReader:
    def __init__(self, data: bytes, encoding: str, head: str):
        self.data = data
        self.encoding = encoding  # as detected: utf-8, utf-8-sig or cp1252
        self._codec = "utf-8" if encoding == "utf-8-sig" else encoding
        self.layout, self.delimiter = detect(_first_line(head))
        self.header: list[str] = []
        self.header_lines = (0, 0)  # first and last line of the header record
        if not any(True for _ in self.records()):
            raise FileRefused(EMPTY)
        # The header as the csv module reads it (a quoted line break, say) must still hold
        # every column, or the rows could not be read by name.
        missing = set(self.layout.columns) - {fold(name) for name in self.header}
        if missing:
            raise _missing_columns(self.layout, missing)

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
            chunks = list(self.arrow_chunks(size, first))
        except NotForArrow:
            chunks = self.csv_chunks(size, first)
        yield from chunks

    def csv_chunks(self, size: int = 100_000, first: int | None = None) -> Iterator[Chunk]:
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

    def arrow_chunks(self, size: int = 100_000, first: int | None = None) -> Iterator[Chunk]:
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
        lines = meanwhile(_line_count, self.data)
        wanted, offset, pending, buffered = first or size, 0, [], 0
        for block in self._arrow_blocks():
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
        # Arrow reads a quoted line break inside a field all the same: then a record is no
        # longer one line, and only the csv module numbers the lines right.
        if offset != lines() - 1:
            raise NotForArrow

    def _arrow_blocks(self) -> Iterator[pa.Table]:
        """The file's rows as Arrow reads them, a block at a time, every field text;
        NotForArrow where a row is not as wide as the first, or an extra column holds
        something. Arrow reads on in a thread of its own (it lets go of the GIL) while the
        blocks already read are cleaned."""
        # cp1252 is read as bytes and made text afterwards, value by distinct value (Arrow's
        # own transcoding of the whole file took most of the read). Delimiters, quotes and
        # line ends are the same bytes in either encoding, so the fields are the same.
        cp1252 = self._codec != "utf-8" and not self.data.isascii()
        width = len(self.header)
        blocks: queue.Queue = queue.Queue(maxsize=READ_AHEAD)
        stop = threading.Event()
        reading = threading.Thread(target=self._read_blocks, args=(cp1252, blocks, stop),
                                   daemon=True)
        reading.start()
        try:
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
        finally:
            stop.set()

    def _read_blocks(self, cp1252: bool, blocks: queue.Queue, stop: threading.Event) -> None:
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
        accepted, rejected = _clean(frame, self.layout)
        raw = {}
        if rejected:
            lines = [line for line, _reason in rejected]
            which = np.zeros(part.num_rows, dtype=bool)
            which[np.array(lines) - offset - 2] = True
            records = part.filter(pa.array(which)).to_pylist()  # in line order, as lines
            raw = {line: self._raw(list(record.values()))
                   for line, record in zip(lines, records, strict=True)}
        return Chunk(records=frame.num_rows, rows=accepted,
                     rejections=[Rejection(line, reason, raw[line])
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
                    rejections.append(Rejection(line, _(
                        "%(found)s fields instead of %(expected)s; check the delimiters and "
                        "quotes") % {"found": len(fields), "expected": width},
                        self._raw(fields)))
                    continue
            rows.append(pick(fields))
            lines.append(line)
        columns = [pc.utf8_trim_whitespace(pa.array([row[i] for row in rows], pa.string()))
                   for i in range(len(self.layout.columns))]
        frame = pa.table([pa.array(lines, pa.int64()), *columns],
                         names=["line", *self.layout.columns])
        accepted, rejected = _clean(frame, self.layout)
        if rejected:
            raw_by_line = dict(batch)
            rejections += [Rejection(line, reason, self._raw(raw_by_line[line]))
                           for line, reason in rejected]
        rejections.sort(key=lambda r: r.line)
        return Chunk(records=len(batch), rows=accepted, rejections=rejections)

    def _raw(self, fields: list[str]) -> str:
        out = io.StringIO()
        csv.writer(out, delimiter=self.delimiter, lineterminator="").writerow(fields)
        return out.getvalue()[:1000]


def open_export(data: bytes) -> ExportReader:
    encoding, head = decode(data)
    if data.startswith(codecs.BOM_UTF8):
        data = data[len(codecs.BOM_UTF8):]
    return ExportReader(data, encoding, head)


# --- Row rules (FORMATS.md "Rows that are rejected") -----------------------------------

class _Reasons:
    def __init__(self, index: pd.Index):
        self.text = pd.Series("", index=index, dtype=object)

    def add(self, mask: pd.Series, message: str, **values) -> None:
        """Give the values ``mask`` picks the reason ``message`` (translated); its
        ``%(name)s`` placeholders are filled in from ``values``: text, or a Series (one
        value per row, read for the failing rows only)."""
        if not mask.any():
            return
        fixed = {n: v for n, v in values.items() if not isinstance(v, pd.Series)}
        if len(fixed) < len(values):
            picked = {n: v[mask] for n, v in values.items() if isinstance(v, pd.Series)}
            message = pd.Series([message % {**fixed, **dict(zip(picked, row, strict=True))}
                                 for row in zip(*picked.values(), strict=True)],
                                index=mask[mask].index, dtype=object)
        elif fixed:
            message = message % fixed
        current = self.text[mask]
        self.text[mask] = current.where(current == "", current + "; ") + message


def _dates(values: pd.Series, layout: Layout, what: str, reasons: _Reasons,
           required: bool) -> pd.Series:
    parsed = pd.to_datetime(values, format=layout.date_format, errors="coerce")
    empty = values == ""
    if required:
        reasons.add(empty, _("%(what)s is missing"), what=what)
    shape = (r"^[0-9]{1,2}-[0-9]{1,2}-[0-9]{4}$" if layout is HIS
             else r"^[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}$")
    bad = ~empty & parsed.isna()
    well_formed = values.str.match(shape)
    reasons.add(bad & well_formed, _("%(what)s %(value)s does not exist"), what=what,
                value=values)
    reasons.add(bad & ~well_formed, _("%(what)s “%(value)s” is not a date in the form "
                                      "%(form)s"), what=what, form=layout.date_hint,
                value=values)
    return parsed


def _canonical_mg(value: str, factor: Decimal) -> str:
    """Exact strength in mg as plain decimal text, e.g. '7.5' (unit factor applied)."""
    try:
        amount = (Decimal(value) * factor).quantize(FOUR_PLACES)
    except InvalidOperation:
        return ""
    return format(amount.normalize(), "f") if amount > 0 else ""


def _strengths(frame: pd.DataFrame, layout: Layout, is_benzo: pd.Series,
               reasons: _Reasons) -> pd.Series:
    """Strength in mg as a canonical decimal text ('' when none), with the rules applied."""
    if layout is HIS:
        given = frame["sterkte"]
        units = frame["eenheid"].str.lower().str.replace("μ", "µ", regex=False)
    else:
        found = frame["artikel"].str.extract(ARTICLE_STRENGTH)
        given = found[0].fillna("").astype("str")
        units = found[1].fillna("").astype("str").str.lower()
    number = given.str.replace(",", ".", regex=False)
    present = given != ""
    shaped = number.str.fullmatch(r"[0-9]+(?:\.[0-9]+)?|\.[0-9]+")
    plain = shaped & units.isin(["", "mg", "milligram"]) & ~number.str.contains(
        r"\.[0-9]{5}", regex=True)
    # The common case (mg, at most four decimals) as text; the rest exactly via Decimal.
    mg = number.where(plain, "").str.replace(r"^0+(\d)", r"\1", regex=True)
    mg = mg.str.replace(r"(\.\d*?)0+$", r"\1", regex=True).str.replace(r"\.$", "", regex=True)
    mg = mg.str.replace(r"^\.", "0.", regex=True)
    mg = mg.where(mg.str.contains(r"[1-9]", regex=True), "")
    known_unit = units.isin(list(UNIT_FACTORS))
    special = present & shaped & ~plain & known_unit
    if special.any():
        mg[special] = [_canonical_mg(v, UNIT_FACTORS[u])
                       for v, u in zip(number[special], units[special], strict=True)]
    not_positive = present & (~shaped | ((mg == "") & (plain | special)))
    reasons.add(not_positive, _("strength “%(value)s” is not a number above zero"),
                value=given)
    too_large = ~not_positive & mg.str.contains(
        rf"^[0-9]{{{MAX_STRENGTH_DIGITS + 1}}}", regex=True)
    reasons.add(too_large, _("strength “%(value)s” is improbably large"), value=given)
    unknown_unit = present & shaped & ~known_unit
    reasons.add(unknown_unit & is_benzo,
                _("unit “%(value)s” of the strength is unknown (mg expected)"), value=units)
    reasons.add(~present & is_benzo, _("no strength for a benzodiazepine"))
    return mg.where(~not_positive & ~unknown_unit & ~too_large, "")


class _Distinct:
    """The distinct values (or combinations of values) of some columns, for rules that
    read only those columns: each rule runs once per distinct value, and ``rows`` takes
    a result per distinct value back to every row."""

    def __init__(self, *columns: pa.Array | pa.ChunkedArray):
        codes, values = [], []
        for column in columns:
            if isinstance(column, pa.ChunkedArray):
                column = column.combine_chunks()
            if pa.types.is_boolean(column.type):
                codes.append(column.to_numpy(zero_copy_only=False).astype(np.int64))
                values.append(pa.array([False, True]))
            else:
                encoded = pc.dictionary_encode(column)
                codes.append(encoded.indices.to_numpy(zero_copy_only=False).astype(np.int64))
                values.append(encoded.dictionary)
        if len(columns) == 1:
            self.index, self.values = codes[0], values
            return
        combined = codes[0]
        for code, options in zip(codes[1:], values[1:], strict=True):
            combined = combined * max(len(options), 1) + code
        unique, self.index = np.unique(combined, return_inverse=True)
        picks = []
        for options in reversed(values[1:]):
            picks.append(unique % max(len(options), 1))
            unique = unique // max(len(options), 1)
        picks.append(unique)
        self.values = [options.take(pa.array(pick))
                       for options, pick in zip(values, reversed(picks), strict=True)]

    def series(self, i: int = 0) -> pd.Series:
        """The distinct values of column ``i``, as the pandas rules take a column."""
        values = self.values[i]
        if pa.types.is_boolean(values.type):
            return pd.Series(values.to_numpy(zero_copy_only=False), dtype=bool)
        return values.to_pandas()

    def rows(self, result: pd.Series | np.ndarray, which: np.ndarray | None = None) -> pa.Array:
        """A result per distinct value, taken to every row (or to the rows ``which`` picks)."""
        index = self.index if which is None else self.index[which]
        if isinstance(result, pd.Series):
            if pd.api.types.is_bool_dtype(result) or pd.api.types.is_integer_dtype(result):
                result = result.to_numpy()
            else:  # text, NaN where there is none
                result = pa.array(result.to_numpy(dtype=object), pa.string(), from_pandas=True)
        if not isinstance(result, pa.Array):
            result = pa.array(result)
        return result.take(pa.array(index))


@dataclass
class _Rule:
    """Reasons to reject, per distinct value of the columns a rule reads ('' when none)."""

    distinct: _Distinct
    reasons: pd.Series

    @cached_property
    def failing(self) -> np.ndarray:
        return (self.reasons != "").to_numpy(dtype=bool)[self.distinct.index]


def _date_rule(values: pa.Array, layout: Layout, what: str,
               required: bool) -> tuple[_Rule, pd.Series]:
    """The rule for a date column, and each distinct value as ISO text (NaN if none)."""
    distinct = _Distinct(values)
    given = distinct.series()
    reasons = _Reasons(given.index)
    parsed = _dates(given, layout, what, reasons, required=required)
    return _Rule(distinct, reasons.text), parsed.dt.strftime("%Y-%m-%d")


def _atc_rule(values: pa.Array) -> tuple[_Rule, pd.Series, pd.Series]:
    """The ATC rule, and each distinct code in upper case and whether it is a benzo."""
    distinct = _Distinct(values)
    given = distinct.series()
    reasons = _Reasons(given.index)
    atc = given.str.upper()
    reasons.add(atc == "", _("ATC code is missing"))
    reasons.add((atc != "") & ~atc.str.match(ATC_FORM.pattern),
                _("ATC code “%(value)s” does not have the form of an ATC code"), value=given)
    return _Rule(distinct, reasons.text), atc, atc.str.startswith(BENZO_ATC_PREFIXES)


def _units_rule(values: pa.Array) -> tuple[_Rule, pd.Series]:
    """The rule for the number of units, and each distinct value as a number (0 if none)."""
    distinct = _Distinct(values)
    units_text = distinct.series()
    reasons = _Reasons(units_text.index)
    whole = units_text.str.match(r"^[0-9]+$")
    units = pd.to_numeric(units_text.where(whole, "0"), errors="coerce").fillna(0)
    reasons.add(~whole | (units <= 0),
                _("number of units “%(value)s” is not a whole number above zero"),
                value=units_text)
    reasons.add(whole & (units > MAX_UNITS),
                _("number of units “%(value)s” is improbably large"), value=units_text)
    return _Rule(distinct, reasons.text), units.where(reasons.text == "", 0).astype("int64")


def _strength_rule(table: pa.Table, layout: Layout,
                   is_benzo: pa.Array) -> tuple[_Rule, pd.Series]:
    """The strength rules, and each distinct strength in mg as canonical text."""
    names = ["sterkte", "eenheid"] if layout is HIS else ["artikel"]
    distinct = _Distinct(*(table.column(n) for n in names), is_benzo)
    frame = pd.DataFrame({name: distinct.series(i) for i, name in enumerate(names)})
    reasons = _Reasons(frame.index)
    mg = _strengths(frame, layout, distinct.series(len(names)), reasons)
    return _Rule(distinct, reasons.text), mg


def _clean(table: pa.Table, layout: Layout) -> tuple[pa.Table, list[tuple[int, str]]]:
    """Apply the row rules to ``line`` and the layout's columns (stripped text); return the
    accepted rows (PRESCRIPTION_COLUMNS) and the rejected ones (line, reasons)."""
    if table.num_rows == 0:
        return _EMPTY_ROWS, []
    column = table.column
    number = column(layout.number)
    no_number = pc.equal(number, "").to_numpy(zero_copy_only=False)
    long_number = pc.greater(pc.utf8_length(number), MAX_NUMBER_LENGTH).to_numpy(
        zero_copy_only=False)
    date, date_iso = _date_rule(column(layout.date), layout,
                                pgettext("a row's field, in a reason to reject it", "date"),
                                required=True)
    birth, birth_iso = _date_rule(column(layout.birth_date), layout,
                                  pgettext("a row's field, in a reason to reject it",
                                           "date of birth"),
                                  required=False)
    atc, atc_upper, benzo = _atc_rule(column(layout.atc))
    is_benzo = atc.distinct.rows(benzo.to_numpy(dtype=bool))
    units, units_value = _units_rule(column(layout.units))
    strength, mg = _strength_rule(table, layout, is_benzo)
    rules = [date, birth, atc, units, strength]  # the order the reasons are given in

    rejected_mask = no_number | long_number
    for rule in rules:
        rejected_mask |= rule.failing
    rejected = []
    if rejected_mask.any():
        which = np.flatnonzero(rejected_mask)
        number_reasons = pa.array(np.where(
            no_number[which], _("patient number is missing"),
            np.where(long_number[which],
                     _("patient number is longer than %(limit)s characters")
                     % {"limit": MAX_NUMBER_LENGTH}, "")))
        texts = [number_reasons] + [
            rule.distinct.rows(rule.reasons.astype(object), which) for rule in rules]
        texts = [pc.if_else(pc.equal(text, ""), None, text) for text in texts]
        joined = pc.binary_join_element_wise(*texts, "; ", null_handling="skip")
        rejected = list(zip(pc.take(column("line"), pa.array(which)).to_pylist(),
                            joined.to_pylist(), strict=True))

    ok = np.flatnonzero(~rejected_mask)
    accepted = table.filter(pa.array(~rejected_mask))
    out = {
        "line": accepted.column("line"), "number": accepted.column(layout.number),
        "date": date.distinct.rows(date_iso, ok),
        "birth_date": pc.fill_null(birth.distinct.rows(birth_iso, ok), ""),
        "atc": atc.distinct.rows(atc_upper, ok),
        "description": accepted.column(layout.description),
        "strength": strength.distinct.rows(mg, ok),
        "units": units.distinct.rows(units_value.to_numpy(dtype=np.int64), ok),
        "dosage": accepted.column(layout.dosage),
        "is_benzo": is_benzo.filter(pa.array(~rejected_mask)),
        **_people(accepted, layout),
    }
    for name, limit in LIMITS.items():
        values = out[name]
        if len(values) and pc.max(pc.binary_length(values)).as_py() > limit:
            out[name] = pc.utf8_slice_codeunits(values, 0, limit)
    return pa.table([out[c] for c in PRESCRIPTION_COLUMNS], schema=ROWS_SCHEMA), rejected


ROWS_SCHEMA = pa.schema([(c, pa.int64() if c in ("line", "units") else
                          pa.bool_() if c == "is_benzo" else pa.string())
                         for c in PRESCRIPTION_COLUMNS])
_EMPTY_ROWS = ROWS_SCHEMA.empty_table()


def _postcode(values: pd.Series) -> pd.Series:
    compact = values.str.replace(" ", "", regex=False).str.upper()
    dutch = compact.str.match(r"^\d{4}[A-Z]{2}$")
    return compact.where(~dutch, compact.str.slice(0, 4) + " " + compact.str.slice(4))


def _people(rows: pa.Table, layout: Layout) -> dict[str, pa.Array]:
    """Patient details in the common shape; the prescriber is the patient's GP here."""
    column = rows.column
    postcode = _Distinct(column("postcode"))
    postcodes = postcode.rows(_postcode(postcode.series()))
    if layout is HIS:
        sex = pc.utf8_upper(column("geslacht"))
        return {
            "surname": column("achternaam"), "prefix": pc.utf8_lower(column("tussenvoegsel")),
            "initials": column("voorletters"),
            "sex": pc.if_else(pc.is_in(sex, pa.array(["M", "V"])), sex, "X"),
            "street": column("straat"), "house_number": column("huisnummer"),
            "postcode": postcodes, "city": column("woonplaats"), "phone": column("telefoon"),
            "gp_name": column("huisarts"), "prescriber": column("huisarts"),
        }
    name = _Distinct(column("naam"))
    surname, prefix, initials = split_names(name.series())
    address = _Distinct(column("adres"))
    street, house_number = split_addresses(address.series())
    constant = lambda value: pa.array([value] * rows.num_rows, pa.string())  # noqa: E731
    return {
        "surname": name.rows(surname), "prefix": name.rows(prefix),
        "initials": name.rows(initials), "sex": constant("X"),
        "street": address.rows(street), "house_number": address.rows(house_number),
        "postcode": postcodes, "city": column("woonplaats"), "phone": constant(""),
        "gp_name": column("voorschrijver"), "prescriber": column("voorschrijver"),
    }


PREFIX_PATTERN = (r"^((?:(?:" + "|".join(re.escape(p) for p in sorted(SURNAME_PREFIXES))
                  + r")\s+)+)(\S.*)$")


def split_names(names: pd.Series) -> tuple[pd.Series, pd.Series, pd.Series]:
    """'van der Meer, A.' → ('Meer', 'van der', 'A.'), for a whole column at once."""
    parts = names.str.extract(r"^(.*),([^,]*)$")
    surname = parts[0].fillna(names).str.strip()
    initials = parts[1].fillna("").str.strip()
    prefixed = surname.str.extract(PREFIX_PATTERN, flags=re.IGNORECASE)
    prefix = prefixed[0].fillna("").str.strip().str.lower()
    surname = prefixed[1].fillna(surname)
    return surname.astype("str"), prefix.astype("str"), initials.astype("str")


def split_addresses(addresses: pd.Series) -> tuple[pd.Series, pd.Series]:
    """'Burgemeester de Kockstraat 110' → ('Burgemeester de Kockstraat', '110').

    The house number is the last number (with a suffix such as '-2', 'a' or ' bis'), so a
    street with a number in its name keeps it: 'Plein 1944 12' → ('Plein 1944', '12').
    """
    parts = addresses.str.extract(r"^(.*\S)\s+([0-9]+\S*(?:\s+[^\s0-9]\S*)?)$")
    return parts[0].fillna(addresses).astype("str"), parts[1].fillna("").astype("str")
