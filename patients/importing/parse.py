"""Read an export file into clean prescription rows and rejected rows (FORMATS.md).

No database here: ``open_export`` decodes the bytes, detects the layout from
the header and refuses a file it cannot read; ``ExportReader.chunks`` yields
pandas frames of accepted rows and the rejections, chunk by chunk, so memory
stays bounded for large files. Every data record of the file ends up in
exactly one of the two.
"""

import codecs
import csv
import hashlib
import io
import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from functools import reduce
from operator import itemgetter

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

from .layouts import APOTHEEK, BENZO_ATC_PREFIXES, HIS, LAYOUTS, Layout

NOT_TEXT = ("Het bestand is geen tekstbestand. Verwacht werd een CSV-bestand: een HIS-export "
            "of een afleverlijst van de apotheek. Sla de export op als CSV en probeer het "
            "opnieuw.")
EMPTY = "Het bestand is leeg: er staan geen regels met voorschriften in."
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


def row_keys(rows: pd.DataFrame, source: str) -> list[str]:
    """The row key of each row: MD5 of the layout and KEY_COLUMNS joined by U+001F.

    The PostgreSQL loader computes the same in SQL (md5 of concat_ws).
    """
    text = pd.Series(source, index=rows.index, dtype="str")
    for column in KEY_COLUMNS:
        text = text + "\x1f" + rows[column].astype("str")
    return [hashlib.md5(k.encode(), usedforsecurity=False).hexdigest() for k in text]

csv.field_size_limit(16 * 1024 * 1024)


class FileRefused(Exception):
    """The whole file is refused; ``message`` says why, in Dutch."""

    def __init__(self, message: str):
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
    prescriptions: pd.DataFrame
    rejections: list[Rejection] = field(default_factory=list)


def fold(name: str) -> str:
    """Header name as compared: no accents, lower case, single spaces, no quotes/BOM."""
    name = unicodedata.normalize("NFKD", name.replace("\ufeff", ""))
    name = "".join(c for c in name if not unicodedata.combining(c))
    return " ".join(name.strip().strip('"').lower().split())


def decode(data: bytes) -> tuple[str, str]:
    """The file's encoding (UTF-8, UTF-8 with BOM, else cp1252) and its first 64 KiB as text.

    The whole file is checked to decode; only the head is kept, for the header.
    """
    if not data.strip():
        raise FileRefused(EMPTY)
    if b"\x00" in data:
        raise FileRefused(NOT_TEXT)
    # A byte-order mark is dropped also when the rest turns out to be cp1252.
    bom = data.startswith(codecs.BOM_UTF8)
    body = data[len(codecs.BOM_UTF8):] if bom else data
    for encoding in ("utf-8", "cp1252"):
        try:
            body.decode(encoding)
        except UnicodeDecodeError:
            continue
        break
    else:
        raise FileRefused(NOT_TEXT)
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
    raise FileRefused(
        "De kopregel past bij geen van beide indelingen, dus er is niets ingelezen. Verwacht "
        f"werd een {HIS.label} met de kolommen {', '.join(HIS.columns)} (gescheiden door "
        f"puntkomma's), of een {APOTHEEK.label} met de kolommen "
        f"{', '.join(APOTHEEK.columns)} (gescheiden door komma's). De eerste regel van het "
        f"bestand is: “{shown}”.")


def _missing_columns(layout: Layout, missing: set[str]) -> FileRefused:
    columns = ", ".join(c for c in layout.columns if c in missing)
    return FileRefused(f"Dit lijkt een {layout.label}, maar deze kolommen ontbreken in de "
                       f"kopregel: {columns}. Er is niets ingelezen.")


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
                raise FileRefused(
                    f"Vanaf regel {previous_end + 1} loopt één veld door tot voorbij "
                    f"{csv.field_size_limit() // 2 ** 20} MB: waarschijnlijk ontbreekt een "
                    f"afsluitend aanhalingsteken (\"). Er is niets ingelezen.") from None
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

    def chunks(self, size: int = 100_000) -> Iterator[Chunk]:
        """Accepted rows and rejections, ``size`` records at a time.

        A well-formed file (no blank lines between rows, no line breaks inside
        fields, every row as wide as the header) is read by Arrow's CSV reader,
        where record number and line number coincide; any other file by
        Python's csv module, which tracks the line where each record starts.
        """
        table = self._arrow_table()
        if table is not None:
            yield from self._arrow_chunks(table, size)
            return
        batch: list[tuple[int, list[str]]] = []
        for record in self.records():
            batch.append(record)
            if len(batch) == size:
                yield self._chunk(batch)
                batch = []
        if batch:
            yield self._chunk(batch)

    def _arrow_table(self) -> pa.Table | None:
        body = self.data.rstrip()
        if (self.header_lines != (1, 1) or b"\n\n" in body or b"\n\r" in body
                or b"\r\r" in body):
            return None  # blank lines: only the csv module keeps line numbers right
        width = len(self.header)
        try:
            table = pacsv.read_csv(
                io.BytesIO(self.data),
                read_options=pacsv.ReadOptions(encoding=self._codec, skip_rows=1,
                                               autogenerate_column_names=True),
                parse_options=pacsv.ParseOptions(delimiter=self.delimiter,
                                                 newlines_in_values=False),
                convert_options=pacsv.ConvertOptions(
                    column_types={f"f{i}": pa.string() for i in range(width)},
                    strings_can_be_null=False, quoted_strings_can_be_null=False,
                    null_values=[]),  # "NULL" in an extra column is text, not empty
            )
        except (pa.ArrowInvalid, UnicodeDecodeError):
            return None  # a row of another width, a quoted line break: the slow path
        # Every row as wide as the header (extra columns only when empty throughout), or
        # the rows are rejected one by one as the slow path does.
        if table.num_columns < width or any(
                pc.max(pc.utf8_length(pc.utf8_trim_whitespace(
                    table.column(i).cast(pa.string())))).as_py()
                for i in range(width, table.num_columns)):
            return None
        # Arrow reads a quoted line break inside a field all the same: then a record is no
        # longer one line, and only the csv module numbers the lines right.
        lines = body.count(b"\n") + body.count(b"\r") - body.count(b"\r\n") + 1
        if table.num_rows != lines - 1:
            return None
        return table

    def _arrow_chunks(self, table: pa.Table, size: int) -> Iterator[Chunk]:
        index = {fold(name): i for i, name in reversed(list(enumerate(self.header)))}
        wanted = [f"f{index[c]}" for c in self.layout.columns]
        for offset in range(0, table.num_rows, size):
            part = table.slice(offset, size)
            frame = part.select(wanted).to_pandas()
            frame.columns = list(self.layout.columns)
            for column in frame.columns:
                frame[column] = frame[column].str.strip()
            blank = reduce(pc.and_, (pc.equal(pc.utf8_length(pc.utf8_trim_whitespace(c)), 0)
                                     for c in part.columns[:len(self.header)]))
            # The header is line 1 and every record is one line here.
            lines = pd.Series(range(offset + 2, offset + 2 + part.num_rows), dtype="int64")
            frame.insert(0, "line", lines)
            frame = frame[~blank.to_numpy(zero_copy_only=False)].reset_index(drop=True)
            accepted, rejected = _clean(frame, self.layout)
            raw = {line: self._raw(list(part.slice(line - offset - 2, 1).to_pylist()[0].values()))
                   for line, _reason in rejected}
            yield Chunk(records=len(frame), prescriptions=accepted,
                        rejections=[Rejection(line, reason, raw[line])
                                    for line, reason in rejected])

    def _chunk(self, batch: list[tuple[int, list[str]]]) -> Chunk:
        width = len(self.header)
        index = {fold(name): i for i, name in reversed(list(enumerate(self.header)))}
        wanted = [index[c] for c in self.layout.columns]
        pick = itemgetter(*wanted)
        rows, lines, rejections = [], [], []
        for line, fields in batch:
            if len(fields) != width:
                if len(fields) > width and not "".join(fields[width:]).strip():
                    fields = fields[:width]  # trailing empty fields are harmless
                else:
                    rejections.append(Rejection(
                        line, f"{len(fields)} velden in plaats van {width}; controleer "
                              f"scheidingstekens en aanhalingstekens", self._raw(fields)))
                    continue
            rows.append(pick(fields))
            lines.append(line)
        frame = pd.DataFrame(rows, columns=list(self.layout.columns), dtype="str")
        for column in frame.columns:
            frame[column] = frame[column].str.strip()
        frame.insert(0, "line", pd.Series(lines, dtype="int64"))
        accepted, rejected = _clean(frame, self.layout)
        if rejected:
            raw_by_line = dict(batch)
            rejections += [Rejection(line, reason, self._raw(raw_by_line[line]))
                           for line, reason in rejected]
        rejections.sort(key=lambda r: r.line)
        return Chunk(records=len(batch), prescriptions=accepted, rejections=rejections)

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

    def add(self, mask: pd.Series, message) -> None:
        if not mask.any():
            return
        message = message[mask] if isinstance(message, pd.Series) else message
        current = self.text[mask]
        self.text[mask] = current.where(current == "", current + "; ") + message


def _dates(values: pd.Series, layout: Layout, what: str, reasons: _Reasons,
           required: bool) -> pd.Series:
    parsed = pd.to_datetime(values, format=layout.date_format, errors="coerce")
    empty = values == ""
    if required:
        reasons.add(empty, f"{what} ontbreekt")
    shape = (r"^[0-9]{1,2}-[0-9]{1,2}-[0-9]{4}$" if layout is HIS
             else r"^[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}$")
    bad = ~empty & parsed.isna()
    well_formed = values.str.match(shape)
    reasons.add(bad & well_formed, what + " " + values + " bestaat niet")
    reasons.add(bad & ~well_formed,
                what + " “" + values + "” is geen datum in de vorm " + layout.date_hint)
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
    reasons.add(not_positive, "sterkte “" + given + "” is geen getal boven nul")
    too_large = ~not_positive & mg.str.contains(
        rf"^[0-9]{{{MAX_STRENGTH_DIGITS + 1}}}", regex=True)
    reasons.add(too_large, "sterkte “" + given + "” is onwaarschijnlijk groot")
    unknown_unit = present & shaped & ~known_unit
    reasons.add(unknown_unit & is_benzo,
                "eenheid “" + units + "” van de sterkte is onbekend (verwacht mg)")
    reasons.add(~present & is_benzo, "geen sterkte bij een benzodiazepine")
    return mg.where(~not_positive & ~unknown_unit & ~too_large, "")


def _clean(frame: pd.DataFrame, layout: Layout) -> tuple[pd.DataFrame, list[tuple[int, str]]]:
    """Apply the row rules; return the accepted rows (in the common shape) and the rejected."""
    reasons = _Reasons(frame.index)
    number = frame[layout.number]
    reasons.add(number == "", "patiëntnummer ontbreekt")
    reasons.add(number.str.len() > MAX_NUMBER_LENGTH,
                f"patiëntnummer is langer dan {MAX_NUMBER_LENGTH} tekens")
    date = _dates(frame[layout.date], layout, "datum", reasons, required=True)
    birth = _dates(frame[layout.birth_date], layout, "geboortedatum", reasons, required=False)
    atc = frame[layout.atc].str.upper()
    reasons.add(atc == "", "ATC-code ontbreekt")
    reasons.add((atc != "") & ~atc.str.match(ATC_FORM.pattern),
                "ATC-code “" + frame[layout.atc] + "” heeft niet de vorm van een ATC-code")
    units_text = frame[layout.units]
    whole = units_text.str.match(r"^[0-9]+$")
    units = pd.to_numeric(units_text.where(whole, "0"), errors="coerce").fillna(0)
    reasons.add(~whole | (units <= 0), "aantal “" + units_text + "” is geen heel getal boven nul")
    reasons.add(whole & (units > MAX_UNITS),
                "aantal “" + units_text + "” is onwaarschijnlijk groot")
    is_benzo = atc.str.startswith(BENZO_ATC_PREFIXES)
    strength = _strengths(frame, layout, is_benzo, reasons)

    rejected_mask = reasons.text != ""
    rejected = list(zip(frame.loc[rejected_mask, "line"].tolist(),
                        reasons.text[rejected_mask].tolist(), strict=True))
    ok = ~rejected_mask
    out = pd.DataFrame({
        "line": frame["line"], "number": number, "date": date.dt.strftime("%Y-%m-%d"),
        "birth_date": birth.dt.strftime("%Y-%m-%d").fillna(""), "atc": atc,
        "description": frame[layout.description], "strength": strength,
        "units": units.astype("int64"), "dosage": frame[layout.dosage],
        "is_benzo": is_benzo,
    })[ok]
    people = _people(frame[ok], layout)
    out = pd.concat([out, people], axis=1)
    for column, limit in LIMITS.items():
        out[column] = out[column].str.slice(0, limit)
    return out[PRESCRIPTION_COLUMNS].reset_index(drop=True), rejected


def _postcode(values: pd.Series) -> pd.Series:
    compact = values.str.replace(" ", "", regex=False).str.upper()
    dutch = compact.str.match(r"^\d{4}[A-Z]{2}$")
    return compact.where(~dutch, compact.str.slice(0, 4) + " " + compact.str.slice(4))


def _people(frame: pd.DataFrame, layout: Layout) -> pd.DataFrame:
    """Patient details in the common shape; the prescriber is the patient's GP here."""
    if layout is HIS:
        sex = frame["geslacht"].str.upper()
        return pd.DataFrame({
            "surname": frame["achternaam"], "prefix": frame["tussenvoegsel"].str.lower(),
            "initials": frame["voorletters"], "sex": sex.where(sex.isin(["M", "V"]), "X"),
            "street": frame["straat"], "house_number": frame["huisnummer"],
            "postcode": _postcode(frame["postcode"]), "city": frame["woonplaats"],
            "phone": frame["telefoon"], "gp_name": frame["huisarts"],
            "prescriber": frame["huisarts"],
        }, index=frame.index)
    surname, prefix, initials = split_names(frame["naam"])
    street, house_number = split_addresses(frame["adres"])
    return pd.DataFrame({
        "surname": surname, "prefix": prefix, "initials": initials, "sex": "X",
        "street": street, "house_number": house_number,
        "postcode": _postcode(frame["postcode"]), "city": frame["woonplaats"], "phone": "",
        "gp_name": frame["voorschrijver"], "prescriber": frame["voorschrijver"],
    }, index=frame.index)


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
