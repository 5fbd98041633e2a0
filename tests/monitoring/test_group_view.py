"""The FTO group's view for the monitor (monitoring/group_views.py, docs/domain.md, "The
FTO group's view"): who may open it, the group totals, and a crawl as the monitor that
finds no patient and no count from 1 to 9."""

import csv
import io
import re
from datetime import date
from decimal import Decimal
from html.parser import HTMLParser
from io import StringIO
from urllib.parse import urljoin, urlsplit

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.urls import reverse
from openpyxl import load_workbook

from monitoring.group import NEEDED, Column, build_table, parse_month
from monitoring.models import MonthlySnapshot
from patients.models import AuditEvent, Patient, Project, Role
from tests.conftest import make_project, verified_client
from tests.factories import FtoGroupFactory, MembershipFactory, PracticeFactory

pytestmark = pytest.mark.django_db


def _values(**counts):
    base = {k: 0 for k in (
        "funnel_groslijst", "funnel_screened", "funnel_excluded", "funnel_mailed",
        "funnel_responded", "funnel_reached", "funnel_consult", "funnel_schedule",
        "evaluated", "left", "stopped", "reduced", "restarts", "chronic_start",
        "chronic_now", "calls_count", "consultations_count", "minutes_calls",
        "minutes_consultations")}
    base.update({"ddd_before": None, "ddd_after": None, "letters_per_gp": {}})
    base.update(counts)
    return base


def _row(table, key):
    return next(r for s in table.sections for r in s.rows if r.key == key)


def test_group_totals_add_counts_and_recompute_shares_from_the_sums():
    a = PracticeFactory(name="A", list_size=2000)
    b = PracticeFactory(name="B", list_size=8000)
    # A: 12 of 20 stopped (60 %); B: 10 of 80 (12.5 %). Mean of shares 36.25 %;
    # from the sums 22 of 100: 22.0 %.
    columns = [
        Column(a, [], None, _values(funnel_mailed=20, evaluated=20, stopped=12,
                                    ddd_before="2.00", ddd_after="1.00", chronic_start=40,
                                    chronic_now=30)),
        Column(b, [], None, _values(funnel_mailed=80, evaluated=80, stopped=10,
                                    ddd_before="1.00", ddd_after="1.00", chronic_start=100,
                                    chronic_now=90)),
    ]
    table = build_table(columns, "k")
    stopped = _row(table, "stopped")
    assert [c.text for c in stopped.cells] == ["12", "10"] and stopped.total.number == 22
    share = _row(table, "stopped_share")
    assert [c.number for c in share.cells] == [Decimal("60.0"), Decimal("12.5")]
    assert share.total.number == Decimal("22.0")
    # The group's mean DDD is over all 100 evaluated, not the mean of the two means.
    assert _row(table, "ddd_before").total.number == Decimal("1.20")
    # Per 1,000: 140 chronic users on 10,000 registered patients.
    assert _row(table, "chronic_start_per_1000").total.number == Decimal("14.0")
    assert _row(table, "chronic_change").total.number == Decimal("-14.3")


def test_a_small_practice_count_cannot_be_worked_out_from_the_group_total():
    a, b = PracticeFactory(name="A"), PracticeFactory(name="B")
    columns = [Column(a, [], None, _values(funnel_mailed=45, evaluated=40, left=5,
                                           stopped=20)),
               Column(b, [], None, _values(funnel_mailed=30, evaluated=30, stopped=4))]
    table = build_table(columns, "k")
    left = _row(table, "left")
    assert [c.text for c in left.cells] == ["<10", "0"] and left.total.text == "<10"
    # Sent a letter = evaluated + left: A's would give its 5 away.
    mailed = _row(table, "funnel_mailed")
    assert [c.text for c in mailed.cells] == ["–", "30"] and mailed.total.text == "–"
    stopped = _row(table, "stopped")
    assert [c.text for c in stopped.cells] == ["–", "<10"] and stopped.total.text == "24"
    shares = _row(table, "stopped_share")
    # 24 of 70 stopped in the group.
    assert [c.text for c in shares.cells] == ["–", "–"] and shares.total.text == "34,3 %"
    assert table.any_suppressed


@pytest.mark.parametrize(("evaluated", "shown"), [(9, False), (10, True)])
def test_a_mean_of_fewer_than_10_is_not_shown(evaluated, shown):
    columns = [Column(PracticeFactory(), [], None, _values(
        funnel_mailed=evaluated, evaluated=evaluated, ddd_before="1.50", ddd_after="1.00"))]
    row = _row(build_table(columns, "k"), "ddd_before")
    assert (row.cells[0].text == "1,50") == shown
    assert (row.cells[0].text == "–") != shown


def test_parse_month():
    today = date(2026, 11, 30)
    assert parse_month("2026-06", today) == date(2026, 6, 1)
    assert parse_month("juni", today) == date(2026, 11, 1)
    assert parse_month(None, today) == date(2026, 11, 1)


@pytest.fixture
def group_setup(practice, users, client_for):
    group = FtoGroupFactory(name="FTO Testgroep")
    practice.fto_group = group
    practice.save()
    other = PracticeFactory(code="DEBEEK", name="Praktijk De Beek", fto_group=group)
    MembershipFactory(user=users[Role.MONITOR], practice=other, role=Role.MONITOR)
    outside = PracticeFactory(code="ELDERS", name="Praktijk Elders")
    return practice, other, outside


@pytest.mark.parametrize("role", [r for r in Role.values if r != Role.MONITOR])
def test_only_the_monitor_opens_the_group_view(role, users, client_for, group_setup):
    client = client_for(users[role])
    for name in ("monitoring:group", "monitoring:group-csv", "monitoring:group-xlsx"):
        assert client.get(reverse(name)).status_code == 403, name


def test_the_monitor_sees_the_practices_of_the_group_they_monitor(users, client_for,
                                                                     group_setup):
    practice, other, outside = group_setup
    response = client_for(users[Role.MONITOR]).get(reverse("monitoring:group"))
    html = response.content.decode()
    assert response.status_code == 200
    assert practice.name in html and other.name in html and outside.name not in html
    event = AuditEvent.objects.order_by("-id").first()
    assert event.detail == "monitoring:group" and event.patient is None


def test_the_start_page_links_the_monitor_to_the_group_view(users, client_for):
    html = client_for(users[Role.MONITOR]).get("/").content.decode()
    assert reverse("monitoring:group") in html
    poh = client_for(users[Role.POH_GGZ]).get("/").content.decode()
    assert reverse("monitoring:group") not in poh


def test_without_a_key_and_without_debug_the_view_refuses(users, client_for, settings):
    settings.PSEUDONYM_KEY = ""
    settings.DEBUG = False
    client = client_for(users[Role.MONITOR])
    response = client.get(reverse("monitoring:group"))
    assert response.status_code == 503
    assert "PSEUDONYM_KEY" in response.content.decode()
    assert client.get(reverse("monitoring:group-csv")).status_code == 503


def test_the_downloads_are_logged_as_exports(users, client_for):
    client = client_for(users[Role.MONITOR])
    response = client.get(reverse("monitoring:group-csv") + "?maand=2026-10")
    assert response.status_code == 200 and "fto-groep-2026-10" in response["Content-Disposition"]
    event = AuditEvent.objects.order_by("-id").first()
    assert event.action == AuditEvent.Action.EXPORT and event.patient is None


# --- The crawl -------------------------------------------------------------------------------


class _Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.links: list[str] = []
        self.cells: list[str] = []
        self._in_cell = False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "a" and attrs.get("href"):
            self.links.append(attrs["href"])
        if tag == "option" and attrs.get("value"):
            self.links.append("?option=" + attrs["value"])
        if tag == "td":
            self._in_cell, self.cells = True, [*self.cells, ""]

    def handle_endtag(self, tag):
        if tag == "td":
            self._in_cell = False

    def handle_data(self, data):
        if self._in_cell:
            self.cells[-1] += data


def _secrets(user_names: set[str]) -> list[str]:
    """What must never show: names, addresses, birth dates and numbers of every patient."""
    found = []
    for p in Patient.objects.all():
        found += [p.number, p.display_name, p.address_line, f"{p.street} {p.house_number}",
                  p.postcode]
        if p.surname not in user_names:
            found.append(f"{p.prefix} {p.surname}".strip())
        if p.birth_date:
            found += [p.birth_date.strftime("%d-%m-%Y"), p.birth_date.isoformat()]
    return [s for s in found if s and len(s) > 3]


SMALL = re.compile(r"^\s*[1-9]\s*$")


def test_a_crawl_as_the_monitor_finds_no_patient_and_no_count_under_10(client):
    call_command("demo", stdout=StringIO())
    monitor = get_user_model().objects.get(username="monitor")
    verified_client(monitor, client)
    user_names = set(get_user_model().objects.values_list("last_name", flat=True))
    user_names |= {n.split()[-1] for n in user_names if n}
    secrets = _secrets(user_names)
    assert len(secrets) > 1000  # the demo's patients are there to be looked for

    closed = Project.objects.filter(status=Project.Status.CLOSED)
    both = "&".join(f"project={p.uuid}" for p in closed)
    to_visit, seen, months, pages = ["/"], set(), set(), 0
    texts: list[str] = []
    while to_visit:
        url = to_visit.pop()
        if url in seen:
            continue
        seen.add(url)
        response = client.get(url)
        assert response.status_code == 200, url  # every link on the way is allowed
        pages += 1
        body = (response.content.decode("utf-8-sig") if "xml" not in response["Content-Type"]
                else "")
        if response["Content-Type"].startswith("application/vnd.openxml"):
            book = load_workbook(io.BytesIO(response.content))
            rows = [[c for c in row] for row in book.active.iter_rows(values_only=True)]
            body = "\n".join(" ".join(str(c) for c in row if c is not None) for row in rows)
            # A count is a whole number in a General cell; a share or mean keeps its
            # decimals in its number format, even when they are zero (5,0 %).
            counts = [c.value for row in book.active.iter_rows() for c in row
                      if isinstance(c.value, int) and c.number_format in ("General", "0")]
            assert not [c for c in counts if 1 <= c <= 9], url
        elif response["Content-Type"].startswith("text/csv"):
            cells = [c for row in csv.reader(io.StringIO(body), delimiter=";") for c in row]
            assert not [c for c in cells if SMALL.match(c)], url
        else:
            parser = _Links()
            parser.feed(body)
            if url.startswith("/monitoring/"):
                assert not [c for c in parser.cells if SMALL.match(c)], url
                texts += parser.cells
            base = urlsplit(url).path
            for link in parser.links:
                if link.startswith("?option="):
                    value = link.removeprefix("?option=")
                    if re.match(r"^\d{4}-\d{2}$", value) and value not in months:
                        months.add(value)
                        to_visit.append(f"{base}?maand={value}")
                        # The earlier rounds of both practices, that month.
                        to_visit.append(f"{base}?{both}&maand={value}")
                    elif re.match(r"^[0-9a-f-]{36}$", value):
                        to_visit.append(f"{base}?project={value}&maand=2025-12")
                    continue
                target = urljoin(url, link)
                if target.startswith(("/", "http://testserver/")) and "#" not in link:
                    path = target.replace("http://testserver", "")
                    if not path.startswith(("/static/", "/admin/", "/uitloggen")):
                        to_visit.append(path)
        leaks = [s for s in secrets if s in body]
        assert not leaks, (url, leaks[:5])
    assert {"/monitoring/groep/", "/monitoring/groep/export.csv",
            "/monitoring/groep/export.xlsx"} <= {u.split("?")[0] for u in seen}
    assert len(months) > 12 and pages > 20
    # The earlier rounds gave real figures: some exact, some suppressed.
    assert "<10" in texts and any(re.fullmatch(r"\d{2,}", t.strip()) for t in texts)


def test_gp_letters_do_not_add_up_to_a_hidden_letter_count(db):
    practice = PracticeFactory()
    # 13 letters, 12 evaluated, 1 left: the letter count is hidden, so a single GP's 13
    # would give it (and the one who left) away.
    column = Column(practice, [], None, _values(
        funnel_mailed=13, evaluated=12, left=1, letters_per_gp={"Dr X": 13}))
    table = build_table([column], "k")
    assert _row(table, "funnel_mailed").cells[0].text == "–"
    assert [(label, cell.text) for label, cell in table.gp_letters[0][1]] == [
        ("Huisarts A", "–")]
    shown = Column(practice, [], None, _values(
        funnel_mailed=13, evaluated=13, letters_per_gp={"Dr X": 13}))
    assert build_table([shown], "k").gp_letters[0][1][0][1].text == "13"


def test_screened_shows_while_a_small_exclusion_count_hides_the_share():
    column = Column(PracticeFactory(), [], None, _values(
        funnel_groslijst=30, funnel_screened=14, funnel_excluded=3))
    table = build_table([column], "k")
    assert _row(table, "funnel_screened").cells[0].text == "14"
    assert _row(table, "funnel_excluded").cells[0].text == "<10"
    assert _row(table, "approached_share").cells[0].text == "–"
    assert "approached" not in {r.key for s in table.sections for r in s.rows}


def test_the_view_reads_the_stored_snapshot_of_the_month(users, client_for, practice):
    project = make_project(practice, users[Role.POH_GGZ])
    project.status = Project.Status.RUNNING
    project.save()
    values = _values(funnel_groslijst=77, chronic_start=12, chronic_now=11)
    assert set(NEEDED) <= set(values)
    MonthlySnapshot.objects.create(project=project, month=date(2026, 10, 1),
                                   as_of=date(2026, 10, 31), values=values)
    html = client_for(users[Role.MONITOR]).get(
        reverse("monitoring:group") + "?maand=2026-10").content.decode()
    assert re.search(r'id="rij-funnel_groslijst">.*?>77<', html, re.S)


def test_a_target_never_shows_a_figure_the_table_hides(users, practice):
    from monitoring.group import target_lines
    from monitoring.models import ResultTarget

    project = make_project(practice, users[Role.POH_GGZ])
    ResultTarget.objects.create(project=project, measure="funnel_consult", value=20,
                                deadline=date(2027, 3, 1))
    other = PracticeFactory(name="B")
    # The table hides practice's 40 so that B's 5 cannot follow from the group's 45.
    columns = [Column(practice, [project], project, _values(funnel_consult=40)),
               Column(other, [], None, _values(funnel_consult=5))]
    table = build_table(columns, "k")
    assert [c.text for c in _row(table, "funnel_consult").cells] == ["–", "<10"]
    [line] = target_lines(columns, date(2026, 10, 31), table)
    assert line.current.text == "–" and not line.reached
    # Without the small neighbour the value shows (0 consults so far, computed live).
    columns[1].values = _values(funnel_consult=15)
    [line] = target_lines(columns, date(2026, 10, 31), build_table(columns, "k"))
    assert line.current.text == "0"


def test_the_deploy_check_warns_without_a_pseudonym_key(settings):
    from monitoring.checks import pseudonym_key_check

    settings.DEBUG, settings.PSEUDONYM_KEY = False, ""
    assert [w.id for w in pseudonym_key_check(None)] == ["monitoring.W001"]
    settings.PSEUDONYM_KEY = "set"
    assert pseudonym_key_check(None) == []


def test_a_project_of_a_practice_outside_the_group_is_ignored(users, client_for, group_setup,
                                                               other_users):
    practice, other, outside = group_setup
    foreign = make_project(outside, other_users[Role.POH_GGZ], name="Vreemd project")
    response = client_for(users[Role.MONITOR]).get(
        reverse("monitoring:group") + f"?project={foreign.uuid}")
    assert response.status_code == 200 and "Vreemd project" not in response.content.decode()


def test_with_debug_a_development_key_stands_in(users, client_for, settings):
    settings.PSEUDONYM_KEY = ""
    settings.DEBUG = True
    assert client_for(users[Role.MONITOR]).get(reverse("monitoring:group")).status_code == 200
