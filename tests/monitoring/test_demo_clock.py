"""Historic time stamps for the demo's earlier round (monitoring/demo/clock.py)."""

from datetime import date

from django.utils import timezone

from monitoring.demo.clock import Clock, moment
from patients.audit import audit_log
from patients.models import AuditEvent, GpNameMapping


def test_each_step_gives_its_moment_to_what_was_stamped_during_it(practice):
    earlier = GpNameMapping.objects.create(practice=practice, export_name="A. Eerder")
    clock = Clock()
    january, february = moment(date(2025, 1, 6), 9), moment(date(2025, 2, 3), 14, 30)
    with clock.at(january):
        first = GpNameMapping.objects.create(practice=practice, export_name="B. Eerst")
    with clock.at(february):
        second = GpNameMapping.objects.create(practice=practice, export_name="C. Later")
        first.confirmed_at = timezone.now()  # a row of an earlier step, changed now
        first.save(update_fields=["confirmed_at"])
        audit_log(user=None, action=AuditEvent.Action.CHANGE, obj=first, practice=practice,
                  detail="confirmed")
    assert clock.restamp() == 3
    for row in (earlier, first, second):
        row.refresh_from_db()
    assert (first.created_at, first.confirmed_at) == (january, february)
    assert second.created_at == february and second.confirmed_at is None
    # Rows from before the first step, and the append-only audit log, keep the real time.
    assert timezone.localdate(earlier.created_at) == timezone.localdate()
    assert timezone.localdate(AuditEvent.objects.latest("at").at) == timezone.localdate()
    assert clock.restamp() == 0  # the steps are done with


def test_moment_is_local_time_in_the_practice_s_zone():
    stamp = moment(date(2025, 7, 1), 10)
    assert timezone.localtime(stamp).hour == 10 and stamp.utcoffset() is not None
