"""The demo's monthly snapshots (monitoring/demo/snapshots.py): every month of every demo
project after a first run, untouched by a second."""

from io import StringIO

from django.core.management import call_command
from django.utils import timezone

from monitoring.models import MonthlySnapshot
from monitoring.snapshots import month_end, project_months
from patients.models import Project


def _rows() -> set:
    return set(MonthlySnapshot.objects.values_list("pk", "project_id", "month", "computed_at"))


def test_the_demo_shows_month_by_month_lines_and_a_second_run_leaves_them(db):
    call_command("demo", stdout=StringIO())
    today = timezone.localdate()
    projects = list(Project.objects.filter(practice__code__in=["DELINDE", "DEBRINK"]))
    assert len(projects) == 4  # per practice the earlier round and the running project
    for project in projects:
        expected = project_months(project, min(today, month_end(project.planned_end)))
        months = list(project.snapshots.order_by("month").values_list("month", flat=True))
        assert months == expected, project.name
    closed = [p for p in projects if p.status == Project.Status.CLOSED]
    assert all(len(p.snapshots.all()) >= 12 for p in closed)
    # The earlier round's letters went out a year ago: its later months count them.
    assert any(s.values["funnel_mailed"] > 0 for p in closed for s in p.snapshots.all())
    before = _rows()
    out = StringIO()
    call_command("demo", stdout=out)
    assert "nothing changed" in out.getvalue() and _rows() == before
