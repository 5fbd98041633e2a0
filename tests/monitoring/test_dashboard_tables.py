"""The dashboard's tables (monitoring/tables.py) on the hand-worked scenario
(tests/monitoring/scenario.py), and the dashboard's filters from the query string."""

from datetime import date
from decimal import Decimal

import pytest
from django.http import QueryDict

from monitoring.snapshots import snapshot_take
from monitoring.tables import DashboardFilters, dashboard_tables, patient_rows, per_gp_table

from .scenario import E, build

pytestmark = pytest.mark.django_db


@pytest.fixture
def scenario(practice, project, users):
    from patients.models import Role
    return build(practice, project, users[Role.POH_GGZ])


def filters(project, query="", today=date(2026, 8, 15)):
    return DashboardFilters.from_query(QueryDict(query), project, today)


def by_key(tables):
    return {t.key: t for t in tables}


def test_every_table_has_plain_rows_as_wide_as_its_columns(scenario):
    tables = dashboard_tables(project=scenario.project, as_of=E,
                              filters=filters(scenario.project, "maand=2026-07"))
    assert [t.key for t in tables] == ["funnel", "months", "per_gp", "targets", "process",
                                       "patients"]
    for table in tables:
        assert table.title and all(isinstance(c, str) for c in table.columns)
        for row in table.rows:
            assert len(row) == len(table.columns)
            assert all(v is None or isinstance(v, str | int | Decimal | date | bool)
                       for v in row)


def test_the_funnel_counts_each_stage_and_its_share_of_the_groslijst(scenario):
    funnel = by_key(dashboard_tables(project=scenario.project, as_of=E,
                                     filters=filters(scenario.project)))["funnel"]
    rows = {r[0]: r[1:] for r in funnel.rows}
    assert rows["Op de groslijst"] == [8, Decimal("100.0"), "groslijst"]
    assert rows["Stopbrief gestuurd"] == [5, Decimal("62.5"), "groslijst"]
    assert rows["Niet benaderd"][0] == 1
    assert [r for r in rows if r.startswith("Niet benaderd: ")] == [
        "Niet benaderd: terminale ziekte"]
    # Stopped and reduced are shares of the evaluated (the patient who died is left out).
    assert rows["Gestopt"] == [1, Decimal("25.0"), "geëvalueerd"]
    assert rows["Geminderd"] == [1, Decimal("25.0"), "geëvalueerd"]


def test_the_patient_table_shows_what_each_patient_was_given_and_the_result(scenario):
    rows = {r.number: r for r in patient_rows(project=scenario.project, as_of=E)}
    assert len(rows) == 8
    p1, p2, p4, p6 = rows["101"], rows["102"], rows["104"], rows["106"]
    assert (p1.included, p1.letter_date, p1.ddd_before, p1.ddd_after) == (
        True, date(2026, 1, 15), Decimal("0.12"), Decimal("0.00"))
    # The third BWSQ of P1 is dated after E; the invitation counts as a letter.
    assert (p1.letters, p1.calls, p1.consultations, p1.schedule, p1.questionnaires) == (
        1, 1, 1, True, 2)
    assert p1.evaluation == "gestopt"
    assert (p2.calls, p2.consultations, p2.schedule, p2.evaluation) == (2, 1, False, "geminderd")
    assert p4.evaluation == "buiten de evaluatie" and p4.outcome_label == "overleden"
    assert (p6.included, p6.letter_date, p6.ddd_before, p6.evaluation) == (
        False, None, None, "")


def test_the_patient_table_before_the_work_counts_nothing_yet(scenario):
    rows = {r.number: r for r in patient_rows(project=scenario.project, as_of=date(2026, 2, 1))}
    assert (rows["101"].calls, rows["101"].consultations, rows["101"].schedule) == (0, 0, False)
    # Stopped needs three months since the letter.
    assert rows["101"].evaluation == "niet gestopt of geminderd"


def test_the_patient_table_filters_by_gp_status_and_outcome(scenario):
    project = scenario.project
    numbers = lambda q: [r.number for r in patient_rows(  # noqa: E731
        project=project, as_of=E, filters=filters(project, q))]
    assert numbers("huisarts=Dr+A") == ["101", "102"]
    assert numbers("status=excluded") == ["106"]
    assert numbers("uitkomst=died") == ["104"]
    assert "104" not in numbers("uitkomst=open") and len(numbers("uitkomst=open")) == 7


def test_the_patient_table_without_names_has_no_name_column(scenario):
    tables = by_key(dashboard_tables(project=scenario.project, as_of=E,
                                     filters=filters(scenario.project), with_names=False))
    assert "Naam" not in tables["patients"].columns
    named = by_key(dashboard_tables(project=scenario.project, as_of=E,
                                    filters=filters(scenario.project)))
    assert "Naam" in named["patients"].columns


def test_per_gp_lists_every_gp_and_the_practice_total(scenario):
    table = by_key(dashboard_tables(project=scenario.project, as_of=E,
                                    filters=filters(scenario.project)))["per_gp"]
    letters = {r[0]: r[1] for r in table.rows}
    assert letters == {"Dr A": 2, "Dr B": 3, "Dr C": 0, "Totaal praktijk": 5}


def test_months_come_from_the_stored_snapshots(scenario):
    for month in (date(2026, 3, 1), date(2026, 5, 1)):
        snapshot_take(project=scenario.project, month=month, today=date(2026, 8, 15))
    table = by_key(dashboard_tables(project=scenario.project, as_of=E,
                                    filters=filters(scenario.project)))["months"]
    assert [r[0] for r in table.rows] == ["2026-03", "2026-05"]
    assert table.rows[0][2] == 5  # stop letters by the end of March
    april = by_key(dashboard_tables(project=scenario.project, as_of=date(2026, 4, 30),
                                    filters=filters(scenario.project)))["months"]
    assert [r[0] for r in april.rows] == ["2026-03"]  # no month after the as-of date


def test_process_counts_and_dates_the_work(scenario):
    table = by_key(dashboard_tables(project=scenario.project, as_of=E,
                                    filters=filters(scenario.project)))["process"]
    calls = next(r for r in table.rows if r[0] == "Belpogingen")
    assert calls == ["Belpogingen", 3, date(2026, 2, 20), date(2026, 2, 25), 20]


# --- Filters from the query string ------------------------------------------------------


def test_no_query_shows_the_running_month_as_of_today(project):
    f = filters(project, "", today=date(2026, 8, 15))
    assert (f.month, f.as_of, f.errors, f.page) == (date(2026, 8, 1), date(2026, 8, 15), (), 1)
    assert f.running_month


def test_an_earlier_month_is_shown_as_of_its_last_day(project):
    f = filters(project, "maand=2026-02", today=date(2026, 8, 15))
    assert (f.as_of, f.errors, f.running_month) == (date(2026, 2, 28), (), False)


@pytest.mark.parametrize(("query", "word"), [
    ("maand=2026-13", "geen maand"), ("maand=juli", "geen maand"),
    ("maand=2026-09", "nog niet begonnen"), ("huisarts=Dr+Z", "Dr Z"),
    ("status=weg", "geen status"), ("uitkomst=beter", "geen uitkomst"),
    ("pagina=0", "geen paginanummer"), ("pagina=x", "geen paginanummer")])
def test_a_bad_value_gets_a_dutch_message_and_the_default(project, query, word):
    f = filters(project, query, today=date(2026, 8, 15))
    assert len(f.errors) == 1 and word in f.errors[0]
    assert (f.month, f.gp, f.status, f.outcome, f.page) == (date(2026, 8, 1), "", "", "", 1)


def test_the_query_string_keeps_every_filter(scenario):
    f = filters(scenario.project, "maand=2026-07&huisarts=Dr+A&status=stopped&uitkomst=open")
    assert f.query(pagina=3) == ("maand=2026-07&huisarts=Dr+A&status=stopped&uitkomst=open"
                                 "&pagina=3")
    assert f.query() == "maand=2026-07&huisarts=Dr+A&status=stopped&uitkomst=open"


def test_targets_show_their_progress_on_the_date(scenario):
    from monitoring.models import ResultTarget
    ResultTarget.objects.create(project=scenario.project, measure="funnel_mailed",
                                value=Decimal(4), deadline=date(2026, 12, 31))
    table = by_key(dashboard_tables(project=scenario.project, as_of=E,
                                    filters=filters(scenario.project)))["targets"]
    assert table.rows == [["Stopbrief gestuurd", Decimal("4.00"), False, date(2026, 12, 31),
                           Decimal(5), E, True, 153]]


def test_per_1000_patients_only_with_the_practices_list_size():
    values = {"letters_per_gp": {"Dr A": 2}, "chronic_start_per_gp": {"Dr A": 4},
              "chronic_now_per_gp": {"Dr A": 3}, "chronic_start": 4, "chronic_now": 3,
              "chronic_start_per_1000": Decimal("2.0"), "chronic_now_per_1000": "1.5"}
    table = per_gp_table(values)
    assert table.rows == [["Dr A", 2, 4, 3, None, None],
                          ["Totaal praktijk", 2, 4, 3, Decimal("2.0"), Decimal("1.5")]]
    values.update(chronic_start_per_1000=None, chronic_now_per_1000=None)
    assert per_gp_table(values).rows[-1][4:] == [None, None]


def test_the_shared_scope_gives_what_measures_compute_gives(scenario):
    from monitoring.measures import measures_compute
    from monitoring.scope import Scope
    from monitoring.tables import measure_values
    assert measure_values(Scope(project=scenario.project, as_of=E)) == measures_compute(
        scenario.project, E)


def test_an_outcome_counts_from_its_date(scenario):
    project = scenario.project
    # P4 died on 2026-06-01: open the day before, died on the day.
    before = {r.number: r for r in patient_rows(project=project, as_of=date(2026, 5, 31))}
    assert (before["104"].outcome, before["104"].outcome_label) == ("", "")
    on = {r.number: r for r in patient_rows(project=project, as_of=date(2026, 6, 1))}
    assert on["104"].outcome_label == "overleden"
    numbers = lambda q, day: [r.number for r in patient_rows(  # noqa: E731
        project=project, as_of=day, filters=filters(project, q))]
    assert numbers("uitkomst=died", date(2026, 5, 31)) == []
    assert "104" in numbers("uitkomst=open", date(2026, 5, 31))
    assert numbers("uitkomst=died", date(2026, 6, 1)) == ["104"]
