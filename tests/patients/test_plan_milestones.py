"""The plan of approach moves: the app checks off the steps it can see done (docs/domain.md,
step 1, "Steps the app checks off"), and its default months follow the FTO module."""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from patients.due import due_items_sweep
from patients.models import AuditEvent, Participation, PlanMilestone, PlanStep, Project, Role
from patients.plan_defaults import DEFAULT_PLAN, default_planned_end
from patients.services import (
    participation_letter_mailed,
    participations_from_groslijst,
    plan_milestone_reached,
    plan_step_set_done,
    screening_decide,
)
from tests.conftest import make_project
from tests.factories import PatientFactory

M = PlanMilestone
S = Participation.Status
AMS = ZoneInfo("Europe/Amsterdam")


def _step(project, milestone) -> PlanStep:
    return project.plan_steps.get(milestone=milestone)


# --- The default plan ------------------------------------------------------------------


def _month_of(words: str) -> list[int]:
    return [s.month for s in DEFAULT_PLAN if words in s.what]


def test_the_default_plan_follows_the_fto_modules_months():
    assert _month_of("Apotheek informeren") == [1]
    assert _month_of("Patiënten vooraf informeren") == [4]
    patients = next(s for s in DEFAULT_PLAN if "Patiënten vooraf" in s.what)
    assert "krant" in patients.how
    assert [s.month for s in DEFAULT_PLAN if s.milestone == M.MAILED] == [5]
    assert [s.month for s in DEFAULT_PLAN if s.milestone == M.CALLED] == [6]
    assert _month_of("Voortgang bespreken") == [2, 5, 7]
    assert [s.month for s in DEFAULT_PLAN if s.milestone == M.EVALUATED] == [9]
    assert "9 tot en met 12" in next(s.what for s in DEFAULT_PLAN if s.milestone == M.EVALUATED)


def test_every_milestone_is_on_exactly_one_default_step():
    milestones = [s.milestone for s in DEFAULT_PLAN if s.milestone]
    assert sorted(milestones) == sorted(M.values)


@pytest.mark.parametrize("start,end", [
    (date(2026, 9, 15), date(2027, 8, 31)),
    (date(2027, 1, 1), date(2027, 12, 31)),
    (date(2027, 1, 31), date(2027, 12, 31)),
    (date(2028, 3, 1), date(2029, 2, 28)),
])
def test_the_default_end_is_the_last_day_of_the_final_evaluations_last_month(start, end):
    assert default_planned_end(start) == end
    project = Project(planned_start=start)
    assert project.month_number(end) == 12
    assert project.month_number(end + timedelta(days=1)) == 13


def test_the_project_form_proposes_the_default_end(users, client_for):
    today = date(2026, 9, 15)
    with time_machine.travel(datetime(2026, 9, 15, 10, tzinfo=AMS), tick=False):
        html = client_for(users[Role.POH_GGZ]).get(
            reverse("patients:project-create")).content.decode()
    assert f'name="planned_end" value="{default_planned_end(today):%Y-%m-%d}"' in html
    assert "standaard eindigt het project met maand 12" in html


# --- The service -----------------------------------------------------------------------


def test_a_milestone_checks_off_its_open_steps_by_the_app_with_the_date(project):
    assert plan_milestone_reached(project=project, milestone=M.MAILED,
                                  on=date(2027, 1, 20)) == 1
    step = _step(project, M.MAILED)
    assert step.done_on == date(2027, 1, 20) and step.done_by is None and step.done_by_app
    assert project.plan_steps.filter(done_on__isnull=False).count() == 1
    event = AuditEvent.objects.filter(object_type="planstep").latest("id")
    assert event.user is None and "by the app" in event.detail
    assert event.practice == project.practice


def test_a_second_time_changes_nothing(project):
    plan_milestone_reached(project=project, milestone=M.MAILED, on=date(2027, 1, 20))
    assert plan_milestone_reached(project=project, milestone=M.MAILED,
                                  on=date(2027, 2, 3)) == 0
    assert _step(project, M.MAILED).done_on == date(2027, 1, 20)


def test_a_step_checked_off_by_a_person_keeps_their_date_and_name(project, users):
    step = _step(project, M.MAILED)
    plan_step_set_done(user=users[Role.ASSISTENT], step=step, done_on=date(2027, 1, 18))
    plan_milestone_reached(project=project, milestone=M.MAILED, on=date(2027, 1, 20))
    step.refresh_from_db()
    assert (step.done_on, step.done_by) == (date(2027, 1, 18), users[Role.ASSISTENT])


def test_a_reopened_step_stays_open_until_the_milestone_happens_again(project, users):
    plan_milestone_reached(project=project, milestone=M.MAILED, on=date(2027, 1, 20))
    step = _step(project, M.MAILED)
    plan_step_set_done(user=users[Role.POH_GGZ], step=step, done_on=None)
    step.refresh_from_db()
    assert step.done_on is None  # nothing checks it off again by itself
    plan_milestone_reached(project=project, milestone=M.MAILED, on=date(2027, 2, 10))
    step.refresh_from_db()
    assert step.done_on == date(2027, 2, 10) and step.done_by_app


def test_a_closed_project_is_left_alone(project):
    Project.objects.filter(pk=project.pk).update(status=Project.Status.CLOSED)
    project.refresh_from_db()
    assert plan_milestone_reached(project=project, milestone=M.MAILED, on=date(2027, 1, 20)) == 0
    assert _step(project, M.MAILED).done_on is None


def test_a_step_without_a_milestone_is_never_checked_off_by_the_app(project):
    for milestone in M.values:
        plan_milestone_reached(project=project, milestone=milestone, on=date(2027, 1, 20))
    assert not project.plan_steps.filter(milestone="", done_on__isnull=False).exists()
    assert not project.plan_steps.exclude(milestone="").filter(done_on__isnull=True).exists()


def test_every_step_with_that_milestone_is_checked_off(project, users):
    extra = PlanStep.objects.create(project=project, month=5, what="Tweede ronde brieven",
                                    who=Role.ASSISTENT, milestone=M.MAILED)
    assert plan_milestone_reached(project=project, milestone=M.MAILED,
                                  on=date(2027, 1, 20)) == 2
    extra.refresh_from_db()
    assert extra.done_on == date(2027, 1, 20)


def test_the_practice_chooses_a_milestone_on_a_step_of_its_own(project, users, client_for):
    add = reverse("patients:plan-step-add", kwargs={"project_uuid": project.uuid})
    client_for(users[Role.POH_GGZ]).post(add, {"month": 3, "what": "Eerste import",
                                               "who": Role.POH_GGZ, "milestone": M.IMPORTED})
    assert project.plan_steps.get(what="Eerste import").milestone == M.IMPORTED
    client_for(users[Role.POH_GGZ]).post(add, {"month": 3, "what": "Onzin",
                                               "who": Role.POH_GGZ, "milestone": "verzonnen"})
    assert not project.plan_steps.filter(what="Onzin").exists()


# --- Each milestone where it happens ---------------------------------------------------

HIS = (
    "patientnummer;achternaam;tussenvoegsel;voorletters;geslacht;geboortedatum;straat;"
    "huisnummer;postcode;woonplaats;telefoon;huisarts;voorschrijfdatum;atc;omschrijving;"
    "sterkte;eenheid;aantal;gebruiksvoorschrift\r\n"
    "100001;Berg;van den;T.;V;25-12-1952;Molenlaan;64-2;6874 JC;Zevenaar;06-1;M. Öztürk;"
    "07-07-2026;N05CD07;Temazepam 20mg capsule;20;mg;30;1 dd 1\r\n"
).encode("cp1252")


def test_an_import_checks_off_prescriptions_imported_in_every_open_project(practice, users,
                                                                           project):
    from patients.importing.load import import_file

    closed = make_project(practice, users[Role.POH_GGZ], name="Oud",
                          status=Project.Status.CLOSED)
    with time_machine.travel(datetime(2026, 9, 3, 10, tzinfo=AMS), tick=False):
        import_file(practice=practice, user=users[Role.APOTHEKER], data=HIS, file_name="a.csv")
    assert _step(project, M.IMPORTED).done_on == date(2026, 9, 3)
    assert _step(project, M.IMPORTED).done_by_app
    assert _step(closed, M.IMPORTED).done_on is None
    assert _step(project, M.GROSLIJST).done_on is None


def test_a_refused_import_checks_off_nothing(practice, users, project):
    from patients.importing import FileRefused
    from patients.importing.load import import_file

    with pytest.raises(FileRefused):
        import_file(practice=practice, user=users[Role.POH_GGZ], data=b"geen;export\r\n1;2\r\n",
                    file_name="fout.csv")
    assert _step(project, M.IMPORTED).done_on is None


def test_putting_patients_into_screening_checks_off_the_groslijst(project, users, practice):
    poh = users[Role.POH_GGZ]
    participations_from_groslijst(user=poh, project=project, patients=[],
                                  reference_date=date(2026, 9, 15))
    assert _step(project, M.GROSLIJST).done_on is None  # nobody added: not made yet
    patient = PatientFactory(practice=practice, number="200001")
    participations_from_groslijst(user=poh, project=project, patients=[patient],
                                  reference_date=date(2026, 9, 15))
    assert _step(project, M.GROSLIJST).done_on == timezone.localdate()


def test_screening_is_finished_when_nobody_is_left_to_screen(project, users, practice):
    gp = users[Role.HUISARTS]
    patients = [PatientFactory(practice=practice, number=f"30000{i}") for i in (1, 2)]
    participations_from_groslijst(user=users[Role.POH_GGZ], project=project, patients=patients,
                                  reference_date=date(2026, 9, 15))
    first, second = project.participations.order_by("id")
    screening_decide(participation=first, user=gp, decision="approach")
    assert _step(project, M.SCREENED).done_on is None  # one still to screen
    screening_decide(participation=second, user=gp, decision="exclude", reason="terminal")
    assert _step(project, M.SCREENED).done_on == timezone.localdate()


def test_a_mailed_stop_letter_run_checks_off_letters_mailed_on_the_mailing_date(project, users):
    from letters.services import letter_run_create, letter_run_mark_mailed, letter_run_start
    from tests.letters.helpers import on_mailing_list

    project.gps.add(users[Role.HUISARTS])
    on_mailing_list(project, users[Role.HUISARTS], number="900001")
    run = letter_run_create(project=project, user=users[Role.ASSISTENT], today=timezone.localdate())
    letter_run_start(run=run)
    run.refresh_from_db()
    assert _step(project, M.MAILED).done_on is None  # printed is not mailed
    today = timezone.localdate()
    letter_run_mark_mailed(run=run, user=users[Role.ASSISTENT], mailed_on=today)
    step = _step(project, M.MAILED)
    assert step.done_on == today and step.done_by_app


def test_a_mailed_invitation_run_is_not_the_stop_letters(project, users):
    from letters.models import LetterKind
    from letters.services import letter_run_create, letter_run_mark_mailed, letter_run_start
    from patients.workflow import participation_move
    from tests.letters.helpers import on_mailing_list

    project.gps.add(users[Role.HUISARTS])
    part = on_mailing_list(project, users[Role.HUISARTS], number="900001")
    poh = users[Role.POH_GGZ]
    for to in (S.LETTER_SENT, S.CALLBACK_DUE, S.CONSULT_PLANNED):
        participation_move(participation=part, to=to, user=poh, what="test",
                           fields={"consult_at": datetime(2026, 12, 1, 10, tzinfo=AMS)})
    run = letter_run_create(project=project, user=users[Role.ASSISTENT],
                            kind=LetterKind.INVITATION, today=timezone.localdate())
    letter_run_start(run=run)
    run.refresh_from_db()
    letter_run_mark_mailed(run=run, user=users[Role.ASSISTENT], mailed_on=timezone.localdate())
    assert run.letters.get().mailed_on == timezone.localdate()
    assert _step(project, M.MAILED).done_on is None


MAILED_ON = date(2026, 10, 1)
WAIT_END = date(2026, 10, 31)


def _mailed(project, users, number, mailed_on=MAILED_ON):
    patient = PatientFactory(practice=project.practice, number=number, phone="06-12345678")
    part = Participation.objects.create(project=project, patient=patient, status=S.MAILING,
                                        reference_date=date(2026, 9, 15),
                                        created_by=users[Role.POH_GGZ])
    participation_letter_mailed(participation=part, user=users[Role.ASSISTENT],
                                mailed_on=mailed_on)
    return part


def _book(part, users, day):
    from tapering import services
    from tapering.models import CallAttempt as A

    services.call_attempt_log(
        participation=part, user=users[Role.POH_GGZ], outcome=A.Outcome.REACHED, today=day,
        response=A.Response.AGREES, next_step=A.Next.CONSULT,
        consult_at=datetime(2026, 11, 20, 10, tzinfo=AMS))


def test_call_backs_are_done_when_the_call_back_list_is_empty(project, users):
    first, second = _mailed(project, users, "400001"), _mailed(project, users, "400002")
    due_items_sweep(today=WAIT_END)
    _book(first, users, date(2026, 11, 2))
    assert _step(project, M.CALLED).done_on is None  # the second still to call
    _book(second, users, date(2026, 11, 4))
    step = _step(project, M.CALLED)
    assert step.done_on == date(2026, 11, 4) and step.done_by_app


def test_call_backs_are_not_done_while_a_letter_is_still_in_its_wait(project, users):
    first = _mailed(project, users, "400001")
    later = _mailed(project, users, "400002", mailed_on=date(2026, 10, 25))
    due_items_sweep(today=WAIT_END)
    _book(first, users, date(2026, 11, 2))
    later.refresh_from_db()
    assert later.status == S.LETTER_SENT  # still in its wait period
    assert _step(project, M.CALLED).done_on is None


def test_not_reached_after_the_last_attempt_also_empties_the_list(project, users):
    from tapering import services
    from tapering.models import CallAttempt as A

    project.call_attempts_max = 1
    project.save()
    part = _mailed(project, users, "400001")
    due_items_sweep(today=WAIT_END)
    services.call_attempt_log(participation=part, user=users[Role.POH_GGZ],
                              outcome=A.Outcome.NOT_REACHED, today=date(2026, 11, 2))
    part.refresh_from_db()
    assert part.status == S.NOT_REACHED
    assert _step(project, M.CALLED).done_on == date(2026, 11, 2)


def test_the_evaluation_step_waits_for_the_evaluation(project, users):
    """Step 9 is not built: its step stays open until it calls the service (the hook)."""
    for milestone in (M.IMPORTED, M.GROSLIJST, M.SCREENED, M.MAILED, M.CALLED):
        plan_milestone_reached(project=project, milestone=milestone, on=date(2027, 1, 20))
    assert _step(project, M.EVALUATED).done_on is None
    plan_milestone_reached(project=project, milestone=M.EVALUATED, on=date(2027, 6, 30))
    assert _step(project, M.EVALUATED).done_on == date(2027, 6, 30)


# --- Where the progress shows ----------------------------------------------------------


def _three_done(project):
    for milestone in (M.IMPORTED, M.GROSLIJST, M.SCREENED):
        plan_milestone_reached(project=project, milestone=milestone, on=date(2026, 9, 20))


def test_the_project_page_shows_steps_done_by_the_app(project, users, client_for):
    _three_done(project)
    html = client_for(users[Role.HUISARTS]).get(project.get_absolute_url()).content.decode()
    assert f"3 van {len(DEFAULT_PLAN)} stappen klaar" in html
    assert html.count("door de app") == 3
    assert "De app vinkt dit af bij: stopbrieven verstuurd." in html


def test_a_person_reopens_a_step_the_app_checked_off(project, users, client_for):
    _three_done(project)
    step = _step(project, M.SCREENED)
    client = client_for(users[Role.POH_GGZ])
    client.post(reverse("patients:plan-step-reopen",
                        kwargs={"project_uuid": project.uuid, "step_uuid": step.uuid}))
    step.refresh_from_db()
    assert step.done_on is None
    html = client.get(project.get_absolute_url()).content.decode()
    assert f"2 van {len(DEFAULT_PLAN)} stappen klaar" in html


def test_the_start_page_shows_the_progress(project, users, client_for):
    _three_done(project)
    html = client_for(users[Role.POH_GGZ]).get(reverse("home")).content.decode()
    assert f"3 van {len(DEFAULT_PLAN)} stappen klaar" in html
