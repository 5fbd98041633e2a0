"""The row rules: which rows are rejected and why, and the clean shape of the rest
(docs/formats.md, "Rows that are rejected").

``clean`` takes a chunk's rows (the layout's columns as stripped text, with the
line each stands on) and gives the accepted rows in ``PRESCRIPTION_COLUMNS``
and the rejected ones with their reasons, in Dutch. The rules run on the
*distinct* values of the columns they read, not on every row: an export of
500,000 rows holds a few hundred dates, ATC codes, quantities and strengths.
The rules are pandas code over those values, so a value is judged the same
whichever rows it stands in; Arrow takes the results back to the rows.
"""

import re
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from functools import cached_property

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from benzoproject.formats import format_date
from benzoproject.validation import (
    EARLIEST_DATE,
    PATIENT_NUMBER_MAX,
    PATIENT_NUMBER_PATTERN,
    latest_date,
)

from ..clinical import BENZO_ATC_PREFIXES
from .layouts import HIS, Layout
from .names import split_addresses, split_names

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
EARLIEST_BIRTH_DATE = date(1900, 1, 1)
MAX_NUMBER_LENGTH = PATIENT_NUMBER_MAX  # Patient.number
MAX_STRENGTH_DIGITS = 8  # Prescription.strength_mg: 12 digits, 4 of them decimals
FOUR_PLACES = Decimal("0.0001")
LIMITS = {"surname": 100, "prefix": 30, "initials": 30, "street": 200, "house_number": 30,
          "postcode": 10, "city": 100, "phone": 50, "gp_name": 100, "description": 300,
          "dosage": 300, "prescriber": 100}
PRESCRIPTION_COLUMNS = [
    "line", "number", "surname", "prefix", "initials", "sex", "birth_date", "street",
    "house_number", "postcode", "city", "phone", "gp_name", "date", "atc", "description",
    "strength", "units", "dosage", "prescriber", "is_benzo",
]


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
        text: str | pd.Series = message
        if len(fixed) < len(values):
            picked = {n: v[mask] for n, v in values.items() if isinstance(v, pd.Series)}
            text = pd.Series([message % {**fixed, **dict(zip(picked, row, strict=True))}
                              for row in zip(*picked.values(), strict=True)],
                             index=mask[mask].index, dtype=object)
        elif fixed:
            text = message % fixed
        current = self.text[mask]
        self.text[mask] = current.where(current == "", current + "; ") + text


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
        mg[special] = pd.Series([_canonical_mg(v, UNIT_FACTORS[u])
                                 for v, u in zip(number[special], units[special], strict=True)],
                                index=mg[special].index, dtype=object)
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


def _date_rule(values: pa.Array, layout: Layout, what: str, required: bool,
               earliest: date, latest: date) -> tuple[_Rule, pd.Series]:
    """The rule for a date column, and each distinct value as ISO text (NaN if none).
    A date before ``earliest`` or after ``latest`` is refused (benzoproject.validation:
    no year 0001 or 9999 reaches a calculation)."""
    distinct = _Distinct(values)
    given = distinct.series()
    reasons = _Reasons(given.index)
    parsed = _dates(given, layout, what, reasons, required=required)
    outside = parsed.notna() & ((parsed < pd.Timestamp(earliest))
                                | (parsed > pd.Timestamp(latest)))
    reasons.add(outside, _("%(what)s %(value)s lies outside %(first)s to %(last)s"),
                what=what, value=given, first=format_date(earliest), last=format_date(latest))
    parsed = parsed.where(~outside)
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


def clean(table: pa.Table, layout: Layout) -> tuple[pa.Table, list[tuple[int, str]]]:
    """Apply the row rules to ``line`` and the layout's columns (stripped text); return the
    accepted rows (PRESCRIPTION_COLUMNS) and the rejected ones (line, reasons)."""
    if table.num_rows == 0:
        return _EMPTY_ROWS, []
    column = table.column
    number = column(layout.number)
    no_number = pc.equal(number, "").to_numpy(zero_copy_only=False)
    long_number = pc.greater(pc.utf8_length(number), MAX_NUMBER_LENGTH).to_numpy(
        zero_copy_only=False)
    # The defined format (benzoproject.validation; docs/formats.md#patient-numbers): a
    # value like =HYPERLINK(...) is no patient number.
    odd_number = ~no_number & ~long_number & ~pc.match_substring_regex(
        number, f"^(?:{PATIENT_NUMBER_PATTERN})$").to_numpy(zero_copy_only=False)
    date, date_iso = _date_rule(column(layout.date), layout,
                                pgettext("a row's field, in a reason to reject it", "date"),
                                required=True, earliest=EARLIEST_DATE,
                                latest=latest_date())
    birth, birth_iso = _date_rule(column(layout.birth_date), layout,
                                  pgettext("a row's field, in a reason to reject it",
                                           "date of birth"),
                                  required=False, earliest=EARLIEST_BIRTH_DATE,
                                  latest=timezone.localdate())
    atc, atc_upper, benzo = _atc_rule(column(layout.atc))
    is_benzo = atc.distinct.rows(benzo.to_numpy(dtype=bool))
    units, units_value = _units_rule(column(layout.units))
    strength, mg = _strength_rule(table, layout, is_benzo)
    rules = [date, birth, atc, units, strength]  # the order the reasons are given in

    rejected_mask = no_number | long_number | odd_number
    for rule in rules:
        rejected_mask |= rule.failing
    rejected = []
    if rejected_mask.any():
        which = np.flatnonzero(rejected_mask)
        odd = _("patient number “%(value)s” may hold only letters and digits (and inside "
                "them - . / or _)")
        numbers = pc.take(number, pa.array(which)).to_pylist()
        number_reasons = pa.array(np.where(
            no_number[which], _("patient number is missing"),
            np.where(long_number[which],
                     _("patient number is longer than %(limit)s characters")
                     % {"limit": MAX_NUMBER_LENGTH},
                     [odd % {"value": value[:60]} if is_odd else ""
                      for value, is_odd in zip(numbers, odd_number[which], strict=True)])))
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
        **people(accepted, layout),
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


def people(rows: pa.Table, layout: Layout) -> dict[str, pa.Array]:
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
