"""The gate on the Dutch catalogues (docs/development.md#translations).

``make test`` fails when a catalogue has an untranslated or fuzzy entry, when
the code uses a message the catalogue lacks (or the catalogue keeps one the code
no longer uses), or when a compiled ``.mo`` file is out of date. Completeness is
checked by running ``makemessages`` exactly as ``make messages`` does, on a copy
of the tree, and comparing the catalogue it writes with the one in the repo.
"""

import ast
import os
import re
import shlex
import shutil
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
APP_PO = ROOT / "locale" / "nl" / "LC_MESSAGES" / "django.po"
THIRD_PARTY_PO = ROOT / "locale_thirdparty" / "nl" / "LC_MESSAGES" / "django.po"
CATALOGUES = [APP_PO, THIRD_PARTY_PO]
# Never copied for the makemessages run: tools, caches, build output, uploads.
NOT_COPIED = {".git", ".venv", "staticfiles", "var", "media", "test-artifacts", "__pycache__",
              ".mypy_cache", ".ruff_cache", ".pytest_cache", ".import_linter_cache",
              "node_modules", "db.sqlite3", ".env"}


@dataclass
class Entry:
    line: int
    context: str | None = None
    msgid: str = ""
    plural: str | None = None
    msgstrs: list[str] = field(default_factory=list)
    flags: set[str] = field(default_factory=set)

    @property
    def key(self) -> tuple[str | None, str]:
        return self.context, self.msgid

    def __str__(self) -> str:
        context = f"[{self.context}] " if self.context else ""
        return f"line {self.line}: {context}{self.msgid!r}"


def parse_po(text: str) -> list[Entry]:
    """The entries of a .po file (obsolete ``#~`` entries left out).

    A small reader for what GNU gettext writes: comments and flags, ``msgctxt``,
    ``msgid``, ``msgid_plural``, ``msgstr`` / ``msgstr[n]``, each with its
    continuation lines; an entry ends at a blank line.
    """
    entries: list[Entry] = []
    entry: Entry | None = None
    target: tuple[str, int] | None = None  # which field continuation lines extend

    def append(value: str) -> None:
        assert entry is not None and target is not None
        name, index = target
        if name == "msgstr":
            entry.msgstrs[index] += value
        else:
            setattr(entry, name, (getattr(entry, name) or "") + value)

    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line:
            if entry is not None:
                entries.append(entry)
            entry, target = None, None
            continue
        if line.startswith("#~"):
            continue
        if entry is None:
            entry = Entry(line=number)
        if line.startswith("#,"):
            entry.flags.update(flag.strip() for flag in line[2:].split(","))
        elif line.startswith("#"):
            continue
        elif line.startswith('"'):
            append(ast.literal_eval(line))
        else:
            keyword, _, value = line.partition(" ")
            match = re.fullmatch(r"msgstr\[(\d+)\]", keyword)
            if keyword == "msgctxt":
                target = ("context", 0)
                entry.context = ""
            elif keyword == "msgid":
                target = ("msgid", 0)
            elif keyword == "msgid_plural":
                target = ("plural", 0)
                entry.plural = ""
            elif keyword == "msgstr" or match:
                entry.msgstrs.append("")
                target = ("msgstr", len(entry.msgstrs) - 1)
            else:
                raise ValueError(f"line {number}: cannot read {raw!r}")
            append(ast.literal_eval(value))
    if entry is not None:
        entries.append(entry)
    return entries


def problems(entries: list[Entry]) -> list[str]:
    """Every entry without a Dutch text (the header aside) or marked fuzzy."""
    found = []
    for entry in entries:
        if "fuzzy" in entry.flags:
            found.append(f"fuzzy: {entry}")
        elif entry.msgid and (not entry.msgstrs or not all(entry.msgstrs)):
            found.append(f"untranslated: {entry}")
    return found


SAMPLE = r'''
msgid ""
msgstr ""
"Language: nl\n"

#: app/views.py:1
msgid "Saved."
msgstr "Opgeslagen."

#, fuzzy, python-format
msgid "mailed on %(day)s"
msgstr "verstuurd op %(day)s"

msgctxt "half-life"
msgid ""
"unknown"
msgstr ""

msgid "%(n)s letter"
msgid_plural "%(n)s letters"
msgstr[0] "%(n)s brief"
msgstr[1] ""

#~ msgid "gone"
#~ msgstr ""
'''


def test_the_reader_finds_a_fuzzy_and_two_untranslated_entries_and_nothing_else():
    entries = parse_po(SAMPLE)
    assert [entry.msgid for entry in entries] == ["", "Saved.", "mailed on %(day)s", "unknown",
                                                  "%(n)s letter"]
    assert entries[3].key == ("half-life", "unknown")
    assert entries[4].plural == "%(n)s letters"
    assert problems(entries) == [
        "fuzzy: line 10: 'mailed on %(day)s'",
        "untranslated: line 14: [half-life] 'unknown'",
        "untranslated: line 19: '%(n)s letter'",
    ]


def test_a_fully_translated_catalogue_has_no_problems():
    translated = SAMPLE.replace("#, fuzzy, python-format", "#, python-format").replace(
        'msgstr ""\n\nmsgid "%(n)s', 'msgstr "onbekend"\n\nmsgid "%(n)s').replace(
        'msgstr[1] ""', 'msgstr[1] "%(n)s brieven"')
    assert problems(parse_po(translated)) == []


@pytest.mark.parametrize("po", CATALOGUES, ids=lambda po: po.parent.parent.parent.name)
def test_every_message_has_a_dutch_translation_and_none_is_fuzzy(po):
    entries = parse_po(po.read_text(encoding="utf-8"))
    assert len(entries) > 100
    assert problems(entries) == []


@pytest.mark.parametrize("po", CATALOGUES, ids=lambda po: po.parent.parent.parent.name)
def test_the_compiled_catalogue_matches_the_po_file(tmp_path, po):
    fresh = tmp_path / "django.mo"
    subprocess.run(["msgfmt", "--check-format", "-o", str(fresh), str(po)], check=True)
    assert fresh.read_bytes() == po.with_suffix(".mo").read_bytes(), "run `make messages`"


def _makemessages_command() -> list[str]:
    """The ``make messages`` extraction line of the Makefile, run with this Python."""
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    [line] = [line.strip() for line in makefile.splitlines()
              if "manage.py makemessages" in line]
    return [sys.executable if word == "$(PY)" else word for word in shlex.split(line)]


def _copy_tree(target: Path) -> None:
    def skip(folder, names):
        return [name for name in names if name in NOT_COPIED]
    shutil.copytree(ROOT, target, ignore=skip, symlinks=True)


def _entries_from_the_code(tmp_path) -> list[Entry]:
    copy = tmp_path / "tree"
    _copy_tree(copy)
    environment = {**os.environ, "DEBUG": "true", "SECRET_KEY": "makemessages-check",
                   "ENV_FILE": str(tmp_path / "no.env")}
    subprocess.run(_makemessages_command(), cwd=copy, env=environment, check=True,
                   capture_output=True, text=True, timeout=300)
    return parse_po((copy / APP_PO.relative_to(ROOT)).read_text(encoding="utf-8"))


def test_the_catalogue_holds_exactly_the_messages_the_code_uses(tmp_path):
    kept = {entry.key for entry in parse_po(APP_PO.read_text(encoding="utf-8"))}
    regenerated = _entries_from_the_code(tmp_path)
    used = {entry.key for entry in regenerated}
    assert sorted(used - kept, key=str) == [], "in the code, not in the catalogue"
    assert sorted(kept - used, key=str) == [], "in the catalogue, no longer in the code"
    # A new message that resembles an old one comes back fuzzy from msgmerge.
    assert problems(regenerated) == []


def test_the_completeness_check_notices_a_message_missing_from_the_catalogue(tmp_path):
    """The check above can fail: a message the code uses but the catalogue lacks."""
    copy = tmp_path / "tree"
    _copy_tree(copy)
    probe = copy / "patients" / "translation_probe.py"
    probe.write_text('from django.utils.translation import gettext as _\n\n'
                     'TEXT = _("a message nobody translated yet")\n', encoding="utf-8")
    environment = {**os.environ, "DEBUG": "true", "SECRET_KEY": "makemessages-check",
                   "ENV_FILE": str(tmp_path / "no.env")}
    subprocess.run(_makemessages_command(), cwd=copy, env=environment, check=True,
                   capture_output=True, text=True, timeout=300)
    regenerated = parse_po((copy / APP_PO.relative_to(ROOT)).read_text(encoding="utf-8"))
    kept = {entry.key for entry in parse_po(APP_PO.read_text(encoding="utf-8"))}
    missing = {entry.key for entry in regenerated} - kept
    assert missing == {(None, "a message nobody translated yet")}
    assert "a message nobody translated yet" in " ".join(problems(regenerated))
