"""The monthly figures page, recomputing a month or all from it, and the command
``evaluation_snapshots`` (docs/domain.md#snapshots, #cli-evaluation-snapshots)."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.management import CommandError, call_command
from django.urls import reverse

from monitoring.models import MonthlySnapshot
from patients.models import AuditEvent, Project, Role

pytestmark = pytest.mark.django_db
AMS = ZoneInfo("Europe/Amsterdam")
TODAY = datetime(2026, 11, 20, 10, tzinfo=AMS)  # project month 3 of a start on 1 September


def _url(project, month: str | None = None) -> str:
    kwargs = {"project_uuid": project.uuid, **({"month": month} if month else {})}
    return reverse("monitoring:snapshot-recompute", kwargs=kwargs)


def _months(project) -> list[date]:
    return list(MonthlySnapshot.objects.filter(project=project).order_by("month")
                .values_list("month", flat=True))


def test_the_month_in_the_url_is_yyyy_mm(project):
    assert _url(project, "2026-10").endswith("/snapshots/2026-10/recompute/")
    assert reverse("monitoring:snapshot-recompute",
                   kwargs={"project_uuid": project.uuid, "month": date(2026, 10, 1)}) == \
        _url(project, "2026-10")
    assert _url(project).endswith("/snapshots/recompute/")


def test_recomputing_a_month_replaces_its_row_and_is_logged(project, users, client_for):
    client = client_for(users[Role.POH_GGZ])
    with time_machine.travel(TODAY, tick=False):
        response = client.post(_url(project, "2026-10"), follow=True)
        first = MonthlySnapshot.objects.get(project=project)
        client.post(_url(project, "2026-10"))  # a double click
    assert "De cijfers van 2026-10 zijn opnieuw berekend." in response.content.decode()
    assert response.redirect_chain[-1][0] == reverse("monitoring:snapshots",
                                                     kwargs={"project_uuid": project.uuid})
    again = MonthlySnapshot.objects.get(project=project)  # still one row
    assert (again.month, again.as_of) == (date(2026, 10, 1), date(2026, 10, 31))
    assert again.pk != first.pk
    events = AuditEvent.objects.filter(action=AuditEvent.Action.CHANGE,
                                       object_id=str(project.uuid),
                                       detail="monthly snapshots recomputed: 2026-10")
    assert events.count() == 2 and events.first().user == users[Role.POH_GGZ]


def test_recompute_all_takes_every_month_through_today(project, users, client_for):
    with time_machine.travel(TODAY, tick=False):
        response = client_for(users[Role.POH_GGZ]).post(_url(project), follow=True)
    assert _months(project) == [date(2026, 9, 1), date(2026, 10, 1), date(2026, 11, 1)]
    running = MonthlySnapshot.objects.get(project=project, month=date(2026, 11, 1))
    assert running.as_of == date(2026, 11, 20)  # the running month as of today
    assert "alle 3 maanden" in response.content.decode()
    assert AuditEvent.objects.filter(detail="monthly snapshots recomputed: all (3)").exists()


@pytest.mark.parametrize(("month", "ok"), [
    ("2026-08", False), ("2026-09", True), ("2026-11", True), ("2026-12", False)])
def test_only_months_from_the_start_through_today(project, users, client_for, month, ok):
    with time_machine.travel(TODAY, tick=False):
        response = client_for(users[Role.POH_GGZ]).post(_url(project, month), follow=True)
    assert bool(_months(project)) == ok
    if not ok:
        assert "kan niet worden berekend" in response.content.decode()
        assert not AuditEvent.objects.filter(detail__startswith="monthly snapshots").exists()


def test_a_month_that_is_no_month_is_no_address(project, users, client_for):
    url = _url(project, "2026-10").replace("2026-10", "2026-13")
    assert client_for(users[Role.POH_GGZ]).post(url).status_code == 404


def test_next_leads_back_to_a_page_of_the_site_only(project, users, client_for):
    client = client_for(users[Role.POH_GGZ])
    with time_machine.travel(TODAY, tick=False):
        back = client.post(_url(project, "2026-10"), {"next": "/projects/x/dashboard/?m=2"})
        away = client.post(_url(project, "2026-10"), {"next": "https://example.org/"})
    assert back.url == "/projects/x/dashboard/?m=2"
    assert away.url == reverse("monitoring:snapshots", kwargs={"project_uuid": project.uuid})


def test_the_page_lists_the_months_with_their_buttons(project, users, client_for):
    client = client_for(users[Role.POH_GGZ])
    with time_machine.travel(TODAY, tick=False):
        client.post(_url(project, "2026-10"))
        html = client.get(reverse("monitoring:snapshots",
                                  kwargs={"project_uuid": project.uuid})).content.decode()
    assert "oktober 2026" in html and "31-10-2026" in html
    assert html.count("nog niet berekend") == 2  # September and November
    for month in ("2026-09", "2026-10", "2026-11"):
        assert f'action="{_url(project, month)}"' in html
    assert f'action="{_url(project)}"' in html


def test_the_project_page_links_to_it_for_the_poh_only(project, users, client_for):
    url = reverse("monitoring:snapshots", kwargs={"project_uuid": project.uuid})
    for role, shown in ((Role.POH_GGZ, True), (Role.HUISARTS, False)):
        html = client_for(users[role]).get(project.get_absolute_url()).content.decode()
        assert (f'href="{url}"' in html) == shown


# --- The command ------------------------------------------------------------------------


def test_the_command_computes_one_month_or_all(project, capsys):
    with time_machine.travel(TODAY, tick=False):
        call_command("evaluation_snapshots", "--practice", "DELINDE", "--project",
                     project.name, "--month", "2026-10")
        assert _months(project) == [date(2026, 10, 1)]
        assert "1 maand berekend: 2026-10." in capsys.readouterr().out
        call_command("evaluation_snapshots", "--practice", "DELINDE", "--project",
                     project.name)
        call_command("evaluation_snapshots", "--practice", "DELINDE", "--project",
                     project.name)  # twice: still one row per month
    assert "3 maanden berekend: 2026-09, 2026-10, 2026-11." in capsys.readouterr().out
    assert MonthlySnapshot.objects.filter(project=project).count() == 3
    assert AuditEvent.objects.filter(detail="monthly snapshots recomputed: all (3)",
                                     user__isnull=True).count() == 2


@pytest.mark.parametrize(("args", "message"), [
    (["--practice", "NOPE", "--project", "Benzoreductie najaar"], "bestaat niet"),
    (["--practice", "DELINDE", "--project", "Anders"], "heeft geen project"),
    (["--practice", "DELINDE", "--project", "Benzoreductie najaar", "--month", "2026-13"],
     "geen geldige maand"),
    (["--practice", "DELINDE", "--project", "Benzoreductie najaar", "--month", "2026-8"],
     "geen geldige maand"),
    (["--practice", "DELINDE", "--project", "Benzoreductie najaar", "--month", "2026-12"],
     "kan niet worden berekend"),
])
def test_the_command_refuses_with_a_reason(project, args, message):
    with time_machine.travel(TODAY, tick=False), pytest.raises(CommandError, match=message):
        call_command("evaluation_snapshots", *args)
    assert not MonthlySnapshot.objects.exists()


def test_a_closed_project_can_still_be_recomputed(project, users, client_for):
    Project.objects.filter(pk=project.pk).update(status=Project.Status.CLOSED)
    with time_machine.travel(TODAY, tick=False):
        client_for(users[Role.POH_GGZ]).post(_url(project, "2026-09"))
    assert _months(project) == [date(2026, 9, 1)]


def test_the_page_stops_at_the_planned_end_unless_a_later_month_is_stored(project, users,
                                                                          client_for):
    Project.objects.filter(pk=project.pk).update(planned_end=date(2026, 10, 15))
    url = reverse("monitoring:snapshots", kwargs={"project_uuid": project.uuid})
    client = client_for(users[Role.POH_GGZ])
    with time_machine.travel(TODAY, tick=False):
        html = client.get(url).content.decode()
        assert "oktober 2026" in html and "november 2026" not in html
        client.post(_url(project, "2026-11"))  # a month stored after the end (still running)
        html = client.get(url).content.decode()
    assert "november 2026" in html
