"""A demo practice's earlier round, played through the real services a year back.

``round_load`` follows the script of ``script.py``: the export before the round, the
GP's screening, two print runs of stop letters, call-backs, consultations, tapering
schedules, BWSQ answers, a few relapse-prevention plans, the outcomes, re-imports of
the prescriptions after the letters, and the project closed. Each step runs inside
``clock.at(moment)``; the time stamps the services write with ``timezone.now()`` are
set to those moments at the end, in the same transaction (``clock.py``). Where a service
stamps a *date* with today, or where the demo skips a step that needs a person or a
printer, the row is written directly, and a comment says so.
"""

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from dateutil.relativedelta import relativedelta
from django.utils import timezone
from django.utils.translation import gettext as _

from letters.models import LetterRun
from letters.services import letter_run_create, letter_run_mark_mailed
from patients.dates import add_working_days, wait_period_end
from patients.importing.load import import_file
from patients.models import (
    DueItem,
    ExclusionReason,
    Participation,
    ParticipationOutcome,
    PlanStep,
    Practice,
    Project,
    ScreeningDecision,
)
from patients.services import (
    gp_names_confirm_suggestions,
    lists_split,
    participation_outcome_set,
    participations_from_groslijst,
    project_create,
    project_update,
    screening_decide,
)
from tapering.due import enter_callback_list
from tapering.models import CallAttempt, Consultation, PhoneNote, QuestionnaireDefinition
from tapering.plans import PlanChoice
from tapering.relapse import Person, PlanContent
from tapering.services import (
    call_attempt_log,
    consultation_plan,
    consultation_record,
    phone_note_create,
    questionnaire_record,
    relapse_plan_save,
    taper_schedule_make,
)
from tapering.services.consultations import Outcome

from .clock import Clock, moment
from .script import TAPERING, Course, Round, his_export, known, working_day_from

S = Participation.Status
O = ParticipationOutcome  # noqa: E741
C = Consultation
EXCLUDED_FOR = (ExclusionReason.OTHER_INDICATION, ExclusionReason.TERMINAL,
                ExclusionReason.LANGUAGE, ExclusionReason.COMPLEX)
# The BWSQ totals at the consult, the monitoring call and the end (that many complaints
# answered "a little", 1 point each): more while tapering, fewer once stopped.
BWSQ_TOTALS = (6, 11, 4)


@dataclass(frozen=True)
class Team:
    """Who does what in the round: the project lead (POH-GGZ), the GPs by the name the
    exports write, and the assistant who prints and mails the letters."""

    lead: Any
    gps: dict[str, Any]
    assistant: Any


def round_load(*, practice: Practice, team: Team, script: Round, name: str) -> Project:
    """Play the earlier round; returns its project, closed."""
    clock = Clock()
    lead = team.lead
    with clock.at(moment(script.start - timedelta(days=14))):
        project = project_create(
            user=lead, practice=practice,
            data={"name": name, "lead": lead, "planned_start": script.start,
                  "planned_end": script.end, "status": Project.Status.RUNNING,
                  "letter_target": sum(c.letter_on is not None for c in script.courses),
                  "reserve_target": 0},
            gps=list(team.gps.values()), assistants=[team.assistant])
    _import(practice, lead, clock, script.courses, script.imported_on)
    with clock.at(moment(script.imported_on, 11)):
        gp_names_confirm_suggestions(user=lead, practice=practice)
        patients = {p.number: p for p in practice.patients.filter(
            number__in=[c.number for c in script.courses])}
        participations_from_groslijst(
            user=lead, project=project, reference_date=script.imported_on,
            patients=[patients[c.number] for c in script.courses])
    parts = {p.patient.number: p for p in project.participations.select_related("patient")}
    for wave, letter_on in enumerate(script.letters_on):
        courses = [c for c in script.courses if c.letter_on == letter_on
                   or (wave == 0 and c.letter_on is None)]
        screened_on = script.screened_on if wave == 0 else working_day_from(
            letter_on - timedelta(days=10))
        _screen_and_mail(project, team, clock, courses, parts, screened_on, letter_on)
    bwsq = QuestionnaireDefinition.objects.get(code="bwsq")
    for number, course in enumerate(script.courses):
        if course.letter_on is not None:
            _follow(course, parts[course.number], lead, team.assistant, clock, bwsq,
                    relapse_plan=number % 3 == 0)
    _import(practice, lead, clock, script.courses, script.reimports_on[0])
    _close(project, team, clock, script)
    _import(practice, lead, clock, script.courses, script.reimports_on[1])
    clock.restamp()
    return project


def _import(practice, user, clock: Clock, courses: list[Course], on: date) -> None:
    with clock.at(moment(on, 8, 30)):
        import_file(practice=practice, user=user, data=his_export(courses, up_to=on),
                    file_name=f"his-export-{on:%Y-%m-%d}.csv")


def _screen_and_mail(project, team: Team, clock: Clock, courses: list[Course], parts: dict,
                     screened_on: date, letter_on: date) -> None:
    with clock.at(moment(screened_on, 13)):
        excluded = 0
        for course in courses:
            gp = team.gps[course.gp]
            if course.letter_on is None:
                reason = EXCLUDED_FOR[excluded % len(EXCLUDED_FOR)]
                excluded += 1
                screening_decide(participation=parts[course.number], user=gp, reason=reason,
                                 decision=ScreeningDecision.Decision.EXCLUDE)
            else:
                screening_decide(participation=parts[course.number], user=gp,
                                 decision=ScreeningDecision.Decision.APPROACH)
    with clock.at(moment(screened_on, 15)):
        lists_split(project=project, user=team.lead, today=screened_on)
    with clock.at(moment(letter_on, 9)):
        run = letter_run_create(project=project, user=team.assistant, today=letter_on)
        # The year-old letters are not rendered (WeasyPrint would take seconds on a first
        # `make run`): the run counts as printed, made on the letter day.
        LetterRun.objects.filter(pk=run.pk).update(status=LetterRun.Status.READY,
                                                   created_at=moment(letter_on, 9))
    with clock.at(moment(letter_on, 16)):
        letter_run_mark_mailed(run=LetterRun.objects.get(pk=run.pk), user=team.assistant,
                               mailed_on=letter_on, today=letter_on)


def _follow(course: Course, part: Participation, lead, assistant, clock: Clock, bwsq,
            relapse_plan: bool) -> None:
    """One patient from the letter to the outcome."""
    kind = course.kind
    if kind in ("died", "moved"):
        day = known(course.outcome_on)
        with clock.at(moment(day, 12)):
            participation_outcome_set(participation=part, user=lead, on=day, today=day,
                                      outcome=O.DIED if kind == "died" else O.MOVED)
        return
    if course.phoned_on:
        day = course.phoned_on
        with clock.at(moment(day, 10, 50)):
            phone_note_create(participation=part, user=assistant, called_at=moment(day, 10, 45),
                              caller=PhoneNote.Caller.PATIENT, wish=PhoneNote.Wish.APPOINTMENT,
                              note="Heeft de brief gelezen en wil graag een afspraak.")
            # The service puts the patient in the call-back list from today's date.
            Participation.objects.filter(pk=part.pk).update(next_call_on=day)
    else:
        day = wait_period_end(known(course.letter_on), part.project.wait_days)
        with clock.at(moment(day, 7)):  # what the timed step does when the wait is over
            enter_callback_list(participation=part, user=None, on=day, expected={S.LETTER_SENT},
                                what=_("wait period over: call back"))
            DueItem.objects.filter(participation=part, kind=DueItem.Kind.WAIT_ENDS,
                                   done_at__isnull=True).update(done_at=timezone.now())
    for attempt, day in enumerate(course.calls):
        with clock.at(moment(day, 9 + attempt)):
            _call(course, part, lead, day)
    if kind == "not_reached":
        day = course.calls[-1]
        with clock.at(moment(day, 12)):
            participation_outcome_set(participation=part, user=lead, outcome=O.NOT_REACHED,
                                      on=day, today=day)
        return
    if kind == "declined":
        day = course.calls[-1]
        with clock.at(moment(day, 12)):
            participation_outcome_set(participation=part, user=lead, outcome=O.DECLINED, on=day,
                                      today=day, reason="Wil nu niet minderen.")
        return
    _consult(course, part, lead, clock, bwsq, relapse_plan)


def _call(course: Course, part: Participation, lead, day: date) -> None:
    A = CallAttempt
    if course.kind == "not_reached":
        call_attempt_log(participation=part, user=lead, outcome=A.Outcome.NOT_REACHED,
                         today=day, minutes=2)
    elif course.kind == "declined":
        call_attempt_log(participation=part, user=lead, outcome=A.Outcome.REACHED, today=day,
                         response=A.Response.NOT_WANT, next_step=A.Next.DECLINED,
                         agreed_on=day + relativedelta(months=6), minutes=7,
                         note="Slaapt er goed op en ziet geen reden om te stoppen.")
    else:
        call_attempt_log(participation=part, user=lead, outcome=A.Outcome.REACHED, today=day,
                         response=A.Response.AGREES, next_step=A.Next.CONSULT, minutes=5,
                         consult_at=moment(known(course.consult_on), 9 + int(course.number) % 7))


def _consult(course: Course, part: Participation, lead, clock: Clock, bwsq,
             relapse_plan: bool) -> None:
    kind, day = course.kind, known(course.consult_on)
    consult = part.consultations.get(status=C.Status.PLANNED)
    steps = {"not_now": Outcome(C.Next.NOT_NOW, ask_again_on=day + relativedelta(months=6),
                                minutes=20, notes="Wil eerst de zomer afwachten."),
             "referred": Outcome(C.Next.REFER, refer_to=C.Referral.MENTAL_HEALTH, minutes=25,
                                 notes="Angstklachten op de voorgrond: eerst behandeling."),
             "already_stopped": Outcome(C.Next.STOPPED, minutes=15,
                                        notes="Is na de brief zelf gestopt; gaat goed.")}
    outcome = steps.get(kind, Outcome(C.Next.START, minutes=30,
                                      notes="Afbouwschema besproken en meegegeven."))
    with clock.at(moment(day, 9 + int(course.number) % 7, 40)):
        consultation_record(consultation=consult, user=lead, today=day, outcome=outcome)
        if kind == "not_now":
            participation_outcome_set(participation=part, user=lead, outcome=O.DECLINED, on=day,
                                      today=day, reason="Wil het later opnieuw bekijken.")
        elif kind == "referred":
            participation_outcome_set(participation=part, user=lead, outcome=O.REFERRED, on=day,
                                      today=day, reason="Verwezen naar de ggz.")
        elif kind == "already_stopped":
            participation_outcome_set(participation=part, user=lead, outcome=O.STOPPED, on=day,
                                      today=day)
    if kind in TAPERING:
        _taper(course, part, lead, clock, bwsq, relapse_plan)


def _bwsq(part, lead, bwsq, day: date, total: int) -> None:
    values = {str(item): (1 if item <= total else 0) for item in range(1, 21)}
    questionnaire_record(participation=part, row=bwsq, values=values, taken_on=day,
                         how="contact", user=lead, today=day)


def _taper(course: Course, part: Participation, lead, clock: Clock, bwsq,
           relapse_plan: bool) -> None:
    """The schedule from the day after the consult, a monitoring call three weeks on, and the
    outcome; the BWSQ at each contact (the third only for those who stopped)."""
    day, product = known(course.consult_on), course.product
    with clock.at(moment(day, 9 + int(course.number) % 7, 50)):
        strength = Decimal(product.strength.replace(",", "."))
        taper_schedule_make(participation=part, user=lead, today=day, choice=PlanChoice(
            atc=product.atc, strength_mg=strength, dose_mg=strength, preset="deprescribing",
            start=day + timedelta(days=1)))
        _bwsq(part, lead, bwsq, day, BWSQ_TOTALS[0])
    call_on = add_working_days(day, 15)
    with clock.at(moment(call_on, 8)):
        contact = consultation_plan(participation=part, user=lead, at=moment(call_on, 14),
                                    kind=C.Kind.MONITORING_PHONE, held_by=lead, today=call_on)
    with clock.at(moment(call_on, 14, 15)):
        consultation_record(consultation=contact, user=lead, today=call_on, outcome=Outcome(
            C.Next.CONTINUE, minutes=10, notes="Wat onrustig, slaapt slechter; houdt vol."))
        _bwsq(part, lead, bwsq, call_on, BWSQ_TOTALS[1])
    day = known(course.outcome_on)
    with clock.at(moment(day, 11)):
        if course.kind in ("stopped", "restarted"):
            _bwsq(part, lead, bwsq, day, BWSQ_TOTALS[2])
            if relapse_plan:
                relapse_plan_save(participation=part, user=lead, expected_version=0,
                                  content=PlanContent(
                                      phases={"stable": {"behaviour": "Vaste bedtijd, "
                                                         "dagelijks wandelen."},
                                              "early": {"feelings": "Weer piekeren in bed."}},
                                      people=(Person(name="Partner", relation="partner",
                                                     may_contact=True),)))
            participation_outcome_set(participation=part, user=lead, outcome=O.STOPPED,
                                      on=day, today=day)
        elif course.kind == "reduced":
            participation_outcome_set(participation=part, user=lead, outcome=O.REDUCED,
                                      on=day, today=day)
        else:
            participation_outcome_set(participation=part, user=lead, outcome=O.UNCHANGED,
                                      on=day, today=day,
                                      reason="Afbouwen lukte niet door slecht slapen.")


def _close(project: Project, team: Team, clock: Clock, script: Round) -> None:
    """The final evaluation made and the project closed, a week after its planned end."""
    closed_on = working_day_from(script.end + timedelta(days=7))
    with clock.at(moment(closed_on, 16)):
        project_update(user=team.lead, project=project, data={"status": Project.Status.CLOSED},
                       gps=list(team.gps.values()), assistants=[team.assistant])
        # What was still waiting (asking the decliners again, the next steps of schedules
        # ended early, the patients who died or moved) ends with the round; the project-end
        # reminder is done.
        open_items = DueItem.objects.filter(project=project, done_at__isnull=True,
                                            cancelled_at__isnull=True)
        open_items.filter(kind=DueItem.Kind.PROJECT_END).update(done_at=timezone.now())
        open_items.update(cancelled_at=timezone.now())
    # The plan of approach checked off month by month. The services stamp the milestones
    # with today's date, so every step's day is set here.
    for step in PlanStep.objects.filter(project=project):
        done_on = min(script.start + relativedelta(months=step.month - 1, days=14), closed_on)
        PlanStep.objects.filter(pk=step.pk).update(
            done_on=done_on, done_by=None if step.milestone else team.lead)
