"""The dashboard's exports: every table as CSV and as Excel, all tables in one workbook,
read back with csv and openpyxl; formula injection neutralised; the dashboard's filters
from the query string; file names; the audit log names each exported patient."""

import csv
import io
from datetime import date, datetime
from decimal import Decimal

import pytest
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from benzoproject.exports import sheet_title
from monitoring.models import ResultTarget
from monitoring.snapshots import snapshot_take
from monitoring.tables import DashboardFilters, dashboard_tables
from patients.models import AuditEvent, Participation, Role

from .scenario import Builder, at, build

pytestmark = pytest.mark.django_db

MONTH = "2026-07"
KEYS = ("funnel", "months", "per_gp", "targets", "process", "patients")
# A value starting with each of these would run as a formula in a spreadsheet.
DANGEROUS = ("=1+1", "+31 6 1234", "-2+3", "@SUM(A1:A2)", "\tTab", "\rRegel")


@pytest.fixture
def scenario(practice, project, users):
    scenario = build(practice, project, users[Role.POH_GGZ])
    for month in (date(2026, 5, 1), date(2026, 6, 1), date(2026, 7, 1)):
        snapshot_take(project=project, month=month, today=date(2026, 8, 15))
    ResultTarget.objects.create(project=project, measure="stopped_share", value=20,
                                deadline=date(2026, 12, 31))
    return scenario


def export_url(project, key, fmt, **query):
    base = reverse("monitoring:dashboard-export",
                   kwargs={"project_uuid": project.uuid, "key": key})
    params = {"maand": MONTH, "formaat": fmt, **query}
    return base + "?" + "&".join(f"{k}={v}" for k, v in params.items())


def workbook_url(project, **query):
    base = reverse("monitoring:dashboard-workbook", kwargs={"project_uuid": project.uuid})
    return base + "?" + "&".join(f"{k}={v}" for k, v in {"maand": MONTH, **query}.items())


def expected_tables(project, **query):
    filters = DashboardFilters.from_query({"maand": MONTH, **query}, project, timezone.localdate())
    return {t.key: t for t in dashboard_tables(project=project, as_of=filters.as_of,
                                               filters=filters)}


def csv_cell(value) -> str:
    """What the Dutch CSV holds for ``value`` (written out here, not taken from the app)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "ja" if value else "nee"
    if isinstance(value, date):
        return f"{value:%d-%m-%Y}"
    if isinstance(value, Decimal):
        return format(value, "f").replace(".", ",")
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return str(value)


def xlsx_cell(value):
    if value == "":
        return None  # an empty cell
    if isinstance(value, bool):
        return "ja" if value else "nee"
    if isinstance(value, date):
        return datetime(value.year, value.month, value.day)  # noqa: DTZ001 - as Excel reads it
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


def read_csv(response) -> list[list[str]]:
    text = response.content.decode("utf-8")
    assert text.startswith("\ufeff")
    return list(csv.reader(io.StringIO(text[1:], newline=""), delimiter=";"))


def read_sheet(sheet) -> list[list]:
    return [[c.value for c in row] for row in sheet.iter_rows()]


def normalise(rows):
    return [[float(v) if isinstance(v, int | float) and not isinstance(v, bool) else v
             for v in row] for row in rows]


@pytest.mark.parametrize("key", KEYS)
def test_each_table_as_csv_holds_the_dashboards_rows(scenario, project, client_for, users,
                                                     key):
    table = expected_tables(project)[key]
    response = client_for(users[Role.POH_GGZ]).get(export_url(project, key, "csv"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    disposition = response["Content-Disposition"]
    assert "benzoreductie-najaar-2026-07.csv" in disposition
    rows = read_csv(response)
    assert rows[0] == table.columns
    assert rows[1:] == [[csv_cell(v) for v in row] for row in table.rows]
    assert len(rows) > 1


@pytest.mark.parametrize("key", KEYS)
def test_each_table_as_excel_holds_the_dashboards_rows(scenario, project, client_for, users,
                                                       key):
    table = expected_tables(project)[key]
    response = client_for(users[Role.HUISARTS]).get(export_url(project, key, "xlsx"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert "benzoreductie-najaar-2026-07.xlsx" in response["Content-Disposition"]
    book = load_workbook(io.BytesIO(response.content))
    assert book.sheetnames == [table.title[:31]]
    rows = read_sheet(book.active)
    assert rows[0] == table.columns
    assert normalise(rows[1:]) == normalise([[xlsx_cell(v) for v in row]
                                             for row in table.rows])


def test_the_patient_table_has_the_scenarios_patients_and_figures(scenario, project,
                                                                  client_for, users):
    rows = read_csv(client_for(users[Role.POH_GGZ]).get(export_url(project, "patients",
                                                                   "csv")))
    numbers = [row[0] for row in rows[1:]]
    assert sorted(numbers) == ["101", "102", "103", "104", "105", "106", "107", "108"]
    by_number = {row[0]: row for row in rows[1:]}
    header = rows[0]
    assert by_number["101"][header.index("Evaluatie")] == "gestopt"
    assert by_number["102"][header.index("Evaluatie")] == "geminderd"


def test_the_workbook_has_every_table_as_a_sheet(scenario, project, client_for, users):
    tables = expected_tables(project)
    response = client_for(users[Role.POH_GGZ]).get(workbook_url(project))
    assert response.status_code == 200
    assert 'filename="dashboard-benzoreductie-najaar-2026-07.xlsx"' in (
        response["Content-Disposition"])
    book = load_workbook(io.BytesIO(response.content))
    assert book.sheetnames == [tables[k].title[:31] for k in KEYS]
    for key in KEYS:
        rows = read_sheet(book[tables[key].title[:31]])
        assert rows[0] == tables[key].columns, key
        assert len(rows) - 1 == len(tables[key].rows), key


def test_the_filters_of_the_query_string_apply(scenario, project, client_for, users):
    rows = read_csv(client_for(users[Role.POH_GGZ]).get(
        export_url(project, "patients", "csv", huisarts="Dr A")))
    assert [row[0] for row in rows[1:]] == ["101", "102"]
    book = load_workbook(io.BytesIO(client_for(users[Role.POH_GGZ]).get(
        workbook_url(project, huisarts="Dr A")).content))
    assert [row[0] for row in read_sheet(book.worksheets[-1])[1:]] == ["101", "102"]


def test_an_earlier_month_gives_earlier_figures(scenario, project, client_for, users):
    client = client_for(users[Role.POH_GGZ])
    response = client.get(export_url(project, "patients", "csv", maand="2025-11"))
    assert "benzoreductie-najaar-2025-11.csv" in response["Content-Disposition"]
    assert read_csv(response)[1:] == []  # no participation made by then


@pytest.fixture
def dangerous(scenario, practice, project, users):
    """Patients whose GP name and name start like a formula."""
    builder = Builder(practice, users[Role.POH_GGZ])
    for n, text in enumerate(DANGEROUS, 1):
        patient = builder.patient(f"90{n}", text)
        patient.surname = text
        patient.save()
        builder.participation(project, patient, created=at(2026, 1, 5))
    return DANGEROUS


def test_formulas_are_neutralised_in_csv(dangerous, project, client_for, users):
    client = client_for(users[Role.POH_GGZ])
    rows = read_csv(client.get(export_url(project, "per_gp", "csv")))
    cells = {cell for row in rows for cell in row}
    for text in dangerous:
        assert "'" + text in cells, repr(text)
        assert text not in cells
    patients = read_csv(client.get(export_url(project, "patients", "csv")))
    names = {row[1] for row in patients[1:]}
    for text in dangerous:
        assert "'" + text.strip() in names or "'" + text in names, repr(text)


def test_formulas_are_neutralised_in_excel(dangerous, project, client_for, users):
    client = client_for(users[Role.POH_GGZ])
    for url in (export_url(project, "per_gp", "xlsx"), workbook_url(project)):
        book = load_workbook(io.BytesIO(client.get(url).content))
        for sheet in book.worksheets:
            for row in sheet.iter_rows():
                for cell in row:
                    assert cell.data_type != "f", (sheet.title, cell.coordinate, cell.value)
        values = {c.value for s in book.worksheets for row in s.iter_rows() for c in row
                  if isinstance(c.value, str)}
        for text in dangerous:
            # Excel's XML keeps a carriage return as a line break.
            assert {"'" + text, "'" + text.replace("\r", "\n")} & values, repr(text)


def test_an_export_of_the_patients_names_each_patient(scenario, project, client_for, users):
    client_for(users[Role.POH_GGZ]).get(export_url(project, "patients", "xlsx",
                                                   huisarts="Dr B"))
    [event] = AuditEvent.objects.filter(action="export")
    dr_b = Participation.objects.filter(project=project, patient__gp_name="Dr B")
    assert sorted(event.shown.values_list("patient_id", flat=True)) == sorted(
        p.patient_id for p in dr_b)
    assert event.object_id == str(project.uuid)
    assert "patients (xlsx)" in event.detail and "3 patients" in event.detail


def test_an_export_without_patients_is_one_event(scenario, project, client_for, users):
    client_for(users[Role.HUISARTS]).get(export_url(project, "funnel", "csv"))
    events = list(AuditEvent.objects.filter(action="export"))
    assert [(e.object_id, e.user) for e in events] == [(str(project.uuid),
                                                        users[Role.HUISARTS])]


def test_the_workbook_logs_every_patient_it_holds(scenario, project, client_for, users):
    client_for(users[Role.POH_GGZ]).get(workbook_url(project))
    [event] = AuditEvent.objects.filter(action="export")
    assert event.shown.count() == 8


def test_an_unknown_table_or_format_is_refused(scenario, project, client_for, users):
    client = client_for(users[Role.POH_GGZ])
    assert client.get(export_url(project, "geheim", "csv")).status_code == 404
    assert client.get(export_url(project, "funnel", "pdf")).status_code == 400
    assert not AuditEvent.objects.filter(action="export").exists()


@pytest.mark.parametrize("role", [Role.ASSISTENT, Role.APOTHEKER, Role.MONITOR,
                                  Role.BEHEERDER])
def test_other_roles_cannot_export(project, client_for, users, role):
    client = client_for(users[role])
    assert client.get(export_url(project, "patients", "csv")).status_code == 403
    assert client.get(workbook_url(project)).status_code == 403


def test_another_practice_cannot_export(project, client_for, other_users):
    client = client_for(other_users[Role.POH_GGZ])
    assert client.get(export_url(project, "funnel", "csv")).status_code == 404
    assert client.get(workbook_url(project)).status_code == 404


def test_the_links_for_the_dashboard_carry_its_filters(project):
    html = render_to_string("monitoring/report/_export_links.html", {
        "project": project, "key": "per_gp", "query": "maand=2026-07&huisarts=Dr+A"})
    base = reverse("monitoring:dashboard-export",
                   kwargs={"project_uuid": project.uuid, "key": "per_gp"})
    assert f'href="{base}?maand=2026-07&amp;huisarts=Dr+A&amp;formaat=csv"' in html
    assert f'href="{base}?maand=2026-07&amp;huisarts=Dr+A&amp;formaat=xlsx"' in html
    workbook = render_to_string("monitoring/report/_export_links.html",
                                {"project": project, "query": "maand=2026-07"})
    assert reverse("monitoring:dashboard-workbook",
                   kwargs={"project_uuid": project.uuid}) + "?maand=2026-07" in workbook


def test_sheet_names_are_made_valid_for_excel():
    assert sheet_title("Per maand: stand [1/2]?") == "Per maand  stand  1 2"
    assert sheet_title("x" * 40) == "x" * 31
    assert sheet_title("Trechter", ["trechter"]) == "Trechter (2)"
    assert sheet_title("y" * 31, ["y" * 31, "y" * 27 + " (2)"]) == "y" * 27 + " (3)"
    assert sheet_title("   ") == "Blad"
