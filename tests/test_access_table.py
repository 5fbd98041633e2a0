"""The role × URL table of docs/security.md is generated from the views' declared roles
(benzoproject/access_table.py) and must match them (issue 15, point 9)."""

from django.core.management import call_command
from django.urls import get_resolver

from benzoproject.access_table import DOC, YES, access_rows, access_table, doc_table
from patients.models import Role


def test_the_docs_hold_the_table_the_code_declares():
    assert doc_table(DOC.read_text(encoding="utf-8")) == access_table(), (
        "run: python manage.py access_table --write")


def test_every_view_behind_practice_view_has_a_row_with_exactly_its_roles():
    rows = {row.name: row for row in access_rows()}
    for row in access_rows():
        if row.roles is not None:
            view = get_resolver().resolve(_example(row.path)).func
            assert row.roles == view.allowed_roles, row.name
    assert rows["patients:groslijst"].roles == {Role.POH_GGZ, Role.HUISARTS}
    assert rows["monitoring:group"].roles == {Role.MONITOR}
    line = next(line for line in access_table().splitlines() if "`patients:groslijst`" in line)
    cells = [cell.strip() for cell in line.strip("|").split("|")][2:]
    assert cells == [YES if role in (Role.POH_GGZ, Role.HUISARTS) else ""
                     for role in Role.values] + [""]
    assert rows["patients:audit-log"].roles == frozenset()
    assert rows["patients:audit-log"].privacy_officer
    assert rows["admin:*"].roles is None and rows["login"].roles is None


def _example(path: str) -> str:
    """A URL of the pattern, with a UUID (or a date, or a word) for each part."""
    import re

    path = re.sub(r"<uuid:\w+>", "00000000-0000-0000-0000-000000000000", path)
    path = re.sub(r"<yyyymm:\w+>", "2026-09", path)
    path = re.sub(r"<int:\w+>", "1", path)
    return "/" + re.sub(r"<(?:\w+:)?\w+>", "x", path)


def test_the_command_checks_the_docs(capsys):
    call_command("access_table", "--check")
    assert "up to date" in capsys.readouterr().out
