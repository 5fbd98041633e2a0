"""The participation's moves: allowed steps, the timeline, and timed steps scheduled once."""

from datetime import date

import pytest

from patients.models import AuditEvent, DueItem, Participation, ParticipationEvent, Role
from patients.services import participation_letter_mailed
from patients.workflow import (
    TRANSITIONS,
    MoveRefused,
    due_item_schedule,
    participation_move,
)
from tests.factories import PatientFactory

S = Participation.Status


@pytest.fixture
def participation(project, practice, users):
    return Participation.objects.create(
        project=project, patient=PatientFactory(practice=practice),
        reference_date=date(2026, 9, 15), created_by=users[Role.POH_GGZ])


def test_every_status_has_its_moves_and_left_is_final():
    assert set(TRANSITIONS) == set(S.values)
    assert TRANSITIONS[S.LEFT] == frozenset()
    assert all(S.LEFT in targets for status, targets in TRANSITIONS.items() if status != S.LEFT)


def test_a_move_writes_status_timeline_and_audit(participation, users):
    gp = users[Role.HUISARTS]
    participation_move(participation=participation, to=S.APPROVED, user=gp, what="approach")
    participation.refresh_from_db()
    assert participation.status == S.APPROVED and participation.status_changed_at
    event = ParticipationEvent.objects.get(participation=participation)
    assert (event.by, event.from_status, event.to_status) == (gp, S.TO_SCREEN, S.APPROVED)
    audit = AuditEvent.objects.filter(object_type="participation").latest("id")
    assert audit.patient == participation.patient and audit.user == gp


def test_a_move_not_in_the_flow_is_refused_and_writes_nothing(participation, users):
    with pytest.raises(MoveRefused):
        participation_move(participation=participation, to=S.LETTER_SENT,
                           user=users[Role.POH_GGZ], what="skip ahead")
    participation.refresh_from_db()
    assert participation.status == S.TO_SCREEN
    assert not ParticipationEvent.objects.exists()


def test_a_stale_expected_status_is_refused(participation, users):
    with pytest.raises(MoveRefused):
        participation_move(participation=participation, to=S.LEFT, user=None, what="moved",
                           expected={S.MAILING})


def test_letter_mailed_sets_the_date_once_and_schedules_the_wait_end(participation, users,
                                                                    project):
    poh = users[Role.POH_GGZ]
    Participation.objects.filter(pk=participation.pk).update(status=S.MAILING)
    participation.refresh_from_db()
    assert participation_letter_mailed(participation=participation, user=poh,
                                       mailed_on=date(2026, 10, 1))
    assert not participation_letter_mailed(participation=participation, user=poh,
                                           mailed_on=date(2026, 10, 9))
    participation.refresh_from_db()
    assert participation.letter_sent_on == date(2026, 10, 1)
    item = DueItem.objects.get(participation=participation)
    assert item.kind == DueItem.Kind.WAIT_ENDS
    assert item.due_on == date(2026, 10, 31)  # 30 wait days
    assert item.assigned_to == project.lead


def test_scheduling_the_same_kind_twice_keeps_one_open_item(participation):
    due_item_schedule(kind=DueItem.Kind.CALL_LATER, participation=participation,
                      due_on=date(2026, 12, 1))
    due_item_schedule(kind=DueItem.Kind.CALL_LATER, participation=participation,
                      due_on=date(2027, 1, 5))
    item = DueItem.objects.get(participation=participation)
    assert item.due_on == date(2027, 1, 5)
