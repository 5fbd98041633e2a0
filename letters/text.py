"""Pure helpers for letter text: salutation, placeholders, HTML, readability (no ORM).

A practice edits its letter text, so the text is never run as a Django
template (that would let an edited letter read any model attribute). It may
only use the placeholders of :data:`PLACEHOLDERS`, written as ``{naam}``; any
other is refused with a message naming it. Values are HTML-escaped.

No sentence may show a gap where a value is missing (docs/domain.md, step 4):

- most placeholders stand for a whole phrase that always has a value (``{middel}``
  falls back to "uw slaapmiddel of kalmeringsmiddel", ``{middel_en_sterkte}``
  leaves out a strength that is not known);
- an *optional part* ``[ ... ]`` holding a placeholder is printed only when
  every placeholder in it has a value: ``gebruikt u {middel}[ van {sterkte}].``;
- a line starting with a *condition* of :data:`CONDITIONS` (``[tabletten]``,
  ``[capsules]``) is printed only when the condition holds for the patient;
- as a last guard a placeholder without a value, outside an optional part, is
  left out together with the spaces before it ("temazepam {sterkte}." gives
  "temazepam.").

The placeholders' names are part of the letter texts and stay Dutch; their
descriptions and the refusal are UI, translated (``locale/``). The letter's own
words made here (salutation, dates) are letter content, in Dutch.
"""

import re
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from html import escape

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy, ngettext

# The placeholders a letter text may use, with what each stands for (shown in the editor).
PLACEHOLDERS: dict[str, Promise] = {
    "aanhef": gettext_lazy("salutation with name, e.g. ‘Geachte mevrouw Van den Berg’"),
    "naam": gettext_lazy("the patient's name, e.g. ‘T. van den Berg’"),
    "adres": gettext_lazy("the patient's address on one line"),
    "middel": gettext_lazy("name of the medicine, e.g. ‘temazepam’"),
    "sterkte": gettext_lazy("strength, e.g. ‘20 mg’"),
    "poh": gettext_lazy("name of the POH-GGZ (project lead)"),
    "huisarts": gettext_lazy("name of the GP who signs"),
    "praktijk": gettext_lazy("name of the practice"),
    "praktijkadres": gettext_lazy("the practice's address on one line"),
    "telefoon": gettext_lazy("the practice's phone number"),
    "plaats": gettext_lazy("the practice's town"),
    "datum": gettext_lazy("date of the letter, e.g. ‘23 november 2026’"),
    "afspraak": gettext_lazy("date and time of the consult (invitation), when already known"),
    "middel_en_sterkte": gettext_lazy(
        "every benzodiazepine the patient uses, with its strength when known, e.g. "
        "‘temazepam 10 mg en oxazepam 10 mg’"),
}

# Conditions a line may start with, e.g. ``[capsules] U gebruikt capsules. …``: the line
# is printed only when the condition holds for the patient. ``capsules``: at least one
# of the patient's medicines is a capsule (it cannot be broken into quarters);
# ``tabletten``: none is.
CONDITIONS = ("tabletten", "capsules")

PLACEHOLDER = re.compile(r"\{([^{}\n]*)\}")
# A placeholder with the spaces before it: an empty value takes those spaces along.
SPACED_PLACEHOLDER = re.compile(r"([ \t]*)\{([^{}\n]*)\}")
# An optional part: square brackets around text that holds at least one placeholder
# (group 2), with the spaces before it (group 1).
OPTIONAL_PART = re.compile(r"([ \t]*)\[([^\[\]\n]*\{[^{}\n]*\}[^\[\]\n]*)\]")
CONDITION_LINE = re.compile(r"^\s*\[(" + "|".join(CONDITIONS) + r")\]\s*")

MONTHS_NL = ("januari", "februari", "maart", "april", "mei", "juni", "juli", "augustus",
             "september", "oktober", "november", "december")
WEEKDAYS_NL = ("maandag", "dinsdag", "woensdag", "donderdag", "vrijdag", "zaterdag", "zondag")


class UnknownPlaceholders(ValueError):
    """The text uses placeholders that do not exist; ``message`` is for the user (in the
    active language)."""

    def __init__(self, names: list[str]):
        self.names = names
        quoted = ", ".join("{" + name + "}" for name in names)
        allowed = ", ".join("{" + name + "}" for name in PLACEHOLDERS)
        self.message = ngettext("Unknown placeholder: %(names)s. Use only: %(allowed)s.",
                                "Unknown placeholders: %(names)s. Use only: %(allowed)s.",
                                len(names)) % {"names": quoted, "allowed": allowed}
        super().__init__(self.message)


def placeholders_in(text: str) -> list[str]:
    """Every placeholder name in ``text``, in order of first use."""
    seen: dict[str, None] = {}
    for match in PLACEHOLDER.finditer(text):
        seen.setdefault(match.group(1), None)
    return list(seen)


def unknown_placeholders(text: str) -> list[str]:
    return [name for name in placeholders_in(text) if name not in PLACEHOLDERS]


def check_placeholders(*texts: str) -> None:
    """Raise :class:`UnknownPlaceholders` when any text uses a placeholder not in the list."""
    unknown: dict[str, None] = {}
    for text in texts:
        for name in unknown_placeholders(text):
            unknown.setdefault(name, None)
    if unknown:
        raise UnknownPlaceholders(list(unknown))


def resolve_optional_parts(text: str, values: dict[str, str]) -> str:
    """Each optional part ``[ … {x} … ]`` replaced by its text when every placeholder in
    it has a value, else removed together with the spaces before it."""

    def part(match: re.Match[str]) -> str:
        spaces, inner = match.group(1), match.group(2)
        if all(values.get(name, "").strip() for name in placeholders_in(inner)):
            return spaces + inner
        return ""

    return OPTIONAL_PART.sub(part, text)


def _filled(text: str, values: dict[str, str], *, html: bool) -> str:
    check_placeholders(text)
    text = resolve_optional_parts(text, values)
    quote = (lambda value: escape(value, quote=False)) if html else (lambda value: value)
    parts, last = [], 0
    for match in SPACED_PLACEHOLDER.finditer(text):
        parts.append(quote(text[last:match.start()]))
        value = values.get(match.group(2), "").strip()
        if value:  # an empty value leaves no gap: its spaces go with it
            parts.append(quote(match.group(1) + value))
        last = match.end()
    parts.append(quote(text[last:]))
    return "".join(parts)


def fill_html(text: str, values: dict[str, str]) -> str:
    """``text`` with its placeholders filled, everything HTML-escaped (one line of text)."""
    return _filled(text, values, html=True)


def fill_plain(text: str, values: dict[str, str]) -> str:
    """``text`` with its placeholders filled, as plain text (subject lines, file names)."""
    return _filled(text, values, html=False)


def lines_for(text: str, conditions: dict[str, bool]) -> list[str]:
    """The lines of ``text`` that apply: a line starting with a condition is kept (without
    it) only when the condition holds."""
    kept = []
    for line in text.split("\n"):
        match = CONDITION_LINE.match(line)
        if match is None:
            kept.append(line)
        elif conditions.get(match.group(1), False):
            kept.append(line[match.end():])
    return kept


def join_nl(items: list[str]) -> str:
    """'a', 'a en b', 'a, b en c'."""
    items = [item for item in items if item]
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " en " + items[-1]


BULLET = re.compile(r"^\s*[-•*]\s+")
HEADING = re.compile(r"^\s*#+\s*")


def body_html(text: str, values: dict[str, str],
              conditions: dict[str, bool] | None = None) -> str:
    """The letter body as HTML: blank lines separate paragraphs, a line starting with
    ``#`` is a small heading, lines starting with ``- `` make a list, single line
    breaks are kept, a line starting with a condition (``[capsules]``) only when it
    holds. Nothing of the text itself is markup."""
    check_placeholders(text)
    blocks = re.split(r"\n\s*\n", text.replace("\r\n", "\n").strip())
    html = []
    for block in blocks:
        lines = [line.rstrip() for line in lines_for(block, conditions or {})
                 if line.strip()]
        while lines and HEADING.match(lines[0]):
            html.append(f"<h2>{fill_html(HEADING.sub('', lines.pop(0)), values)}</h2>")
        if not lines:
            continue
        if all(BULLET.match(line) for line in lines):
            items = "".join(f"<li>{fill_html(BULLET.sub('', line), values)}</li>"
                            for line in lines)
            html.append(f"<ul>{items}</ul>")
        else:
            html.append("<p>" + "<br>".join(fill_html(line, values) for line in lines) + "</p>")
    return "\n".join(html)


# --- Names, salutation, dates, strengths ------------------------------------------------


APOSTROPHES = "'’‘`´"


def always_lower_case(prefix: str) -> bool:
    """The prefixes written in lower case even at the start of a name: those that begin
    with an apostrophe ('t, 's: "heer 't Hart") and d' ("mevrouw d'Ancona")."""
    prefix = prefix.strip().lower()
    if len(prefix) < 2:
        return False
    return prefix[0] in APOSTROPHES or (prefix[0] == "d" and prefix[1] in APOSTROPHES)


def capitalise_prefix(prefix: str) -> str:
    """'van den' → 'Van den', "van 't" → "Van 't": only the first letter changes; "'t"
    and "d'" stay lower case."""
    prefix = prefix.strip()
    if always_lower_case(prefix):
        return prefix.lower()
    for i, char in enumerate(prefix):
        if char.isalpha():
            return prefix[:i] + char.upper() + prefix[i + 1:]
    return prefix


def surname_with_prefix(prefix: str, surname: str, *, initials_before: bool) -> str:
    """Dutch rule: the prefix is written with a capital when no initials or first name
    precede it ('mevrouw Van den Berg'), in lower case after them ('T. van den Berg')."""
    prefix = prefix.strip()
    if prefix:
        prefix = prefix.lower() if initials_before else capitalise_prefix(prefix.lower())
    if len(prefix) > 1 and prefix[-1] in APOSTROPHES and prefix[-2].isalpha():
        return prefix + surname.strip()  # "d'Ancona": no space after the apostrophe
    return " ".join(part for part in (prefix, surname.strip()) if part)


def full_name(initials: str, prefix: str, surname: str) -> str:
    """'T. van den Berg'; without initials 'Van den Berg'."""
    initials = initials.strip()
    name = surname_with_prefix(prefix, surname, initials_before=bool(initials))
    return " ".join(part for part in (initials, name) if part)


def salutation(sex: str, initials: str, prefix: str, surname: str) -> str:
    """'Geachte mevrouw Van den Berg', 'Geachte heer De Vries'.

    With the sex unknown ('X') the letter cannot say 'heer' or 'mevrouw': it
    addresses the patient by initials and name ('Geachte T. van den Berg'),
    or 'Geachte heer/mevrouw Van den Berg' without initials.
    """
    if not surname.strip():
        return {"V": "Geachte mevrouw", "M": "Geachte heer"}.get(sex, "Geachte heer/mevrouw")
    if sex in ("V", "M"):
        title = "mevrouw" if sex == "V" else "heer"
        return f"Geachte {title} {surname_with_prefix(prefix, surname, initials_before=False)}"
    name = full_name(initials, prefix, surname)
    return f"Geachte {name}" if initials.strip() else f"Geachte heer/mevrouw {name}"


def addressee(sex: str, initials: str, prefix: str, surname: str) -> str:
    """First line of the address: 'Mevrouw T. van den Berg', 'De heer J. de Vries'."""
    name = full_name(initials, prefix, surname)
    title = {"V": "Mevrouw", "M": "De heer"}.get(sex, "")
    return " ".join(part for part in (title, name) if part)


def date_nl(day: date) -> str:
    """'3 november 2026'."""
    return f"{day.day} {MONTHS_NL[day.month - 1]} {day.year}"


def weekday_date_nl(day: date) -> str:
    """'dinsdag 3 november 2026'."""
    return f"{WEEKDAYS_NL[day.weekday()]} {date_nl(day)}"


def strength_nl(strength_mg: Decimal | float | None) -> str:
    """'20 mg', '0,5 mg', '2,5 mg' (decimal comma, no trailing zeros); '' when unknown."""
    if strength_mg is None:
        return ""
    value = Decimal(str(strength_mg)).normalize()
    if value <= 0:
        return ""
    text = format(value, "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text.replace(".", ",") + " mg"


CAPSULE_WORD = re.compile(r"\bcaps", re.IGNORECASE)
TABLET_WORD = re.compile(r"\b(?:tab|tbl)", re.IGNORECASE)
# Sold in the Netherlands mostly as capsules: without a word for the form, assume one.
MOSTLY_CAPSULES = frozenset({"temazepam"})


def is_capsule(substance: str, description: str, dosage: str = "") -> bool:
    """Whether a prescription is for capsules, which cannot be broken into quarters:
    the product or the dosage instruction says so ('Temazepam 20mg capsule', '1 dd 1
    caps'), or names no form at all for a substance sold mostly as capsules."""
    words = f"{description} {dosage}"
    if CAPSULE_WORD.search(words):
        return True
    if TABLET_WORD.search(words):
        return False
    return substance.strip().lower() in MOSTLY_CAPSULES


def surname_key(name: str) -> str:
    """The surname of a free-text GP name, for matching ('M. Öztürk' → 'öztürk',
    'dr. S. van Dam' → 'dam', 'Van Dam, S.' → 'dam')."""
    name = name.strip()
    if "," in name:
        name = name.split(",", 1)[0]
    words = [w for w in re.split(r"[\s.]+", name) if w]
    return words[-1].casefold() if words else ""


# --- Readability --------------------------------------------------------------------------

# A word of four or more syllables is hard at language level B1 (the usual rule of thumb
# of plain-language checkers); sentences should average at most about 12-15 words.
LONG_WORD_SYLLABLES = 4
GOOD_SENTENCE_WORDS = 12
FAIR_SENTENCE_WORDS = 15
VOWEL_GROUP = re.compile(r"[aeiouyáéíóúäëïöüèà]+", re.IGNORECASE)
WORD = re.compile(r"[^\W\d_]+(?:[-'’][^\W\d_]+)*", re.UNICODE)
SENTENCE_END = re.compile(r"(?<=[.!?:])\s+|\n\s*\n|\n\s*[-•*#]+\s*|\n(?=\s*#)")


def syllables(word: str) -> int:
    """Dutch syllables, counted as groups of vowels (ij, ie, oe, eu count once)."""
    return max(1, len(VOWEL_GROUP.findall(word)))


@dataclass
class Readability:
    sentences: int
    words: int
    average_sentence_words: float
    long_words: list[str] = field(default_factory=list)
    long_word_count: int = 0
    longest_sentence_words: int = 0

    @property
    def level(self) -> str:
        """'good', 'fair' or 'hard' (for the editor's indication)."""
        long_share = self.long_word_count / self.words if self.words else 0
        if self.average_sentence_words <= GOOD_SENTENCE_WORDS and long_share <= 0.05:
            return "good"
        if self.average_sentence_words <= FAIR_SENTENCE_WORDS and long_share <= 0.10:
            return "fair"
        return "hard"


def readability(text: str) -> Readability:
    """Average sentence length and the long words of a letter text (placeholders count
    as one short word)."""
    text = "\n".join(CONDITION_LINE.sub("", line)
                     for line in text.replace("\r\n", "\n").split("\n"))
    text = OPTIONAL_PART.sub(lambda m: m.group(1) + m.group(2), text)
    text = PLACEHOLDER.sub("x", text)
    sentences = []
    for chunk in SENTENCE_END.split(text):
        words = WORD.findall(chunk)
        if words:
            sentences.append(words)
    words = [w for sentence in sentences for w in sentence]
    long_words: dict[str, None] = {}
    long_count = 0
    for word in words:
        if syllables(word) >= LONG_WORD_SYLLABLES:
            long_words.setdefault(word.lower(), None)
            long_count += 1
    count = len(sentences)
    return Readability(
        sentences=count, words=len(words),
        average_sentence_words=round(len(words) / count, 1) if count else 0.0,
        long_words=list(long_words), long_word_count=long_count,
        longest_sentence_words=max((len(s) for s in sentences), default=0))
