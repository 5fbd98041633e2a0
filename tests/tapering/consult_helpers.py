"""Shared by the consultation tests: a frozen Monday, and patients booked for a consult
through the call-back screen (docs/domain.md, steps 6-7)."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine

from patients.models import Participation, Role
from tapering import services
from tapering.models import CallAttempt, Consultation
from tests.factories import PatientFactory

S = Participation.Status
AMS = ZoneInfo("Europe/Amsterdam")
TODAY = date(2026, 11, 16)  # a Monday
NOW = datetime(2026, 11, 16, 8, 30, tzinfo=AMS)
AT = datetime(2026, 11, 16, 10, 30, tzinfo=AMS)  # the consult, later today


@pytest.fixture
def frozen_clock():
    """The clock stands still on Monday 16 November 2026, 8:30 in Amsterdam."""
    with time_machine.travel(NOW, tick=False):
        yield


def at(day: date, hour: int = 10, minute: int = 0) -> datetime:
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=AMS)


def in_callback_list(project, users, number="500001") -> Participation:
    patient = PatientFactory(practice=project.practice, number=number, surname=f"P{number}",
                             phone="06-12345678")
    return Participation.objects.create(
        project=project, patient=patient, reference_date=date(2026, 9, 15),
        status=S.CALLBACK_DUE, next_call_on=TODAY, created_by=users[Role.POH_GGZ])


def book(project, users, when=AT, number="500001") -> Consultation:
    """A patient reached on the call-back screen who agrees to a consult at ``when``."""
    part = in_callback_list(project, users, number)
    services.call_attempt_log(participation=part, user=users[Role.POH_GGZ],
                              outcome=CallAttempt.Outcome.REACHED, today=TODAY,
                              response=CallAttempt.Response.AGREES,
                              next_step=CallAttempt.Next.CONSULT, consult_at=when)
    return refreshed(part).consultations.get()


def refreshed(obj):
    obj.refresh_from_db()
    return obj
