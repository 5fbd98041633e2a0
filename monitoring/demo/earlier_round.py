"""A demo practice's earlier round, played through the real services a year back.

``round_load`` turns the script of ``script.py`` into an agenda — the export before the
round, the GP's screening, two print runs of stop letters, call-backs, consult
invitations printed on Fridays, consultations, tapering schedules, BWSQ answers, a few
relapse-prevention plans, the outcomes, re-imports of the prescriptions after the
letters, and the project closed — and plays it in the order of the days, so each step
finds the round as it was then. Each step runs inside ``clock.at(moment)``; the time
stamps the services write with ``timezone.now()`` are set to those moments at the end,
in the same transaction (``clock.py``). Where a service stamps a *date* with today, or
where the demo skips a step that needs a person or a printer, the row is written
directly, and a comment says so.
"""

from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from dateutil.relativedelta import relativedelta
from django.utils import timezone
from django.utils.translation import gettext as _

from letters.models import LetterKind, LetterRun
from letters.services import LettersRefused, letter_run_create, letter_run_mark_mailed
from patients.dates import add_working_days, is_working_day, wait_period_end
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
from .script import CONSULTED, TAPERING, Course, Round, his_export, known, working_day_from

S = Participation.Status
O = ParticipationOutcome  # noqa: E741
C = Consultation
A = CallAttempt
EXCLUDED_FOR = (ExclusionReason.OTHER_INDICATION, ExclusionReason.TERMINAL,
                ExclusionReason.LANGUAGE, ExclusionReason.COMPLEX)
# The BWSQ totals at the consult, the monitoring call and the end (that many complaints
# answered "a little", 1 point each): more while tapering, fewer once stopped.
BWSQ_TOTALS = (6, 11, 4)
CONSULT_OUTCOMES = {
    "not_now": Outcome(C.Next.NOT_NOW, minutes=20, notes="Wil eerst de zomer afwachten."),
    "referred": Outcome(C.Next.REFER, refer_to=C.Referral.MENTAL_HEALTH, minutes=25,
                        notes="Angstklachten op de voorgrond: eerst behandeling."),
    "already_stopped": Outcome(C.Next.STOPPED, minutes=15,
                               notes="Is na de brief zelf gestopt; gaat goed."),
}
START = Outcome(C.Next.START, minutes=30, notes="Afbouwschema besproken en meegegeven.")
RELAPSE_PLAN = PlanContent(
    phases={"stable": {"behaviour": "Vaste bedtijd, dagelijks wandelen."},
            "early": {"feelings": "Weer piekeren in bed."}},
    people=(Person(name="Partner", relation="partner", may_contact=True),))


@dataclass(frozen=True)
class Team:
    """Who does what in the round: the project lead (POH-GGZ), the GPs by the name the
    exports write, and the assistant who prints and mails the letters."""

    lead: Any
    gps: dict[str, Any]
    assistant: Any


class Agenda:
    """The round's steps, each at its moment, played in the order of the moments (steps
    at the same moment in the order they were added)."""

    def __init__(self) -> None:
        self.steps: list[tuple[datetime, int, Callable[[], object]]] = []

    def add(self, when: datetime, step: Callable[..., object], *args: Any) -> None:
        self.steps.append((when, len(self.steps), lambda: step(*args)))

    def play(self, clock: Clock) -> None:
        for when, _order, step in sorted(self.steps, key=lambda s: s[:2]):
            with clock.at(when):
                step()


def round_load(*, practice: Practice, team: Team, script: Round, name: str) -> Project:
    """Play the earlier round; returns its project, closed."""
    play = _Play(practice, team, script, name)
    clock = Clock()
    _agenda(play, script).play(clock)
    clock.restamp()
    return play.project


def _agenda(play: "_Play", script: Round) -> Agenda:
    agenda = Agenda()
    agenda.add(moment(script.start - timedelta(days=14)), play.create_project)
    agenda.add(moment(script.imported_on, 8, 30), play.import_export, script.imported_on)
    agenda.add(moment(script.imported_on, 11), play.to_screening)
    for wave, letter_on in enumerate(script.letters_on):
        screened_on = script.screened_on if wave == 0 else working_day_from(
            letter_on - timedelta(days=10))
        courses = [c for c in script.courses if c.letter_on == letter_on
                   or (wave == 0 and c.letter_on is None)]
        agenda.add(moment(screened_on, 13), play.screen, courses)
        agenda.add(moment(screened_on, 15), play.split, screened_on)
        agenda.add(moment(letter_on, 9), play.print_run, LetterKind.STOP, letter_on, 9)
        agenda.add(moment(letter_on, 16), play.mail_run, LetterKind.STOP, letter_on)
    for number, course in enumerate(script.courses):
        if course.letter_on is not None:
            _follow(agenda, play, course, relapse_plan=number % 3 == 0)
    # The consult invitations booked in a week go out with Friday's print run.
    calls = [day for c in script.courses for day in c.calls]
    friday = min(calls) + timedelta(days=(4 - min(calls).weekday()) % 7)
    while friday <= max(calls) + timedelta(days=7):
        if is_working_day(friday):  # not on a public holiday such as Boxing Day
            agenda.add(moment(friday, 15), play.print_run, LetterKind.INVITATION, friday, 15)
            agenda.add(moment(friday, 16, 30), play.mail_run, LetterKind.INVITATION, friday)
        friday += timedelta(days=7)
    agenda.add(moment(script.reimports_on[0], 8, 30), play.import_export,
               script.reimports_on[0])
    closed_on = working_day_from(script.end + timedelta(days=7))
    agenda.add(moment(closed_on, 16), play.close, closed_on)
    agenda.add(moment(script.reimports_on[1], 8, 30), play.import_export,
               script.reimports_on[1])
    return agenda


def _consult_hour(course: Course) -> int:
    """The hour of the patient's consult: the consults of a day spread from 9 to 15."""
    return 9 + int(course.number) % 7


def _follow(agenda: Agenda, play: "_Play", course: Course, relapse_plan: bool) -> None:
    """One patient's steps from the letter to the outcome."""
    kind, outcome_on = course.kind, known(course.outcome_on)
    if kind in ("died", "moved"):
        agenda.add(moment(outcome_on, 12), play.outcome, course,
                   O.DIED if kind == "died" else O.MOVED, outcome_on, "")
        return
    if course.phoned_on:
        agenda.add(moment(course.phoned_on, 10, 50), play.phone_note, course, course.phoned_on)
    else:
        wait_end = wait_period_end(known(course.letter_on), play.wait_days)
        agenda.add(moment(wait_end, 7), play.wait_over, course, wait_end)
    for attempt, day in enumerate(course.calls):
        agenda.add(moment(day, 9 + attempt), play.call, course, day)
    if kind == "not_reached":
        agenda.add(moment(outcome_on, 12), play.outcome, course, O.NOT_REACHED, outcome_on, "")
    elif kind == "declined":
        agenda.add(moment(outcome_on, 12), play.outcome, course, O.DECLINED, outcome_on,
                   "Wil nu niet minderen.")
    if kind not in CONSULTED:
        return
    consult_on, hour = known(course.consult_on), _consult_hour(course)
    agenda.add(moment(consult_on, hour, 40), play.consult, course, consult_on)
    if kind == "not_now":
        agenda.add(moment(consult_on, hour, 45), play.outcome, course, O.DECLINED, consult_on,
                   "Wil het later opnieuw bekijken.")
    elif kind == "referred":
        agenda.add(moment(consult_on, hour, 45), play.outcome, course, O.REFERRED, consult_on,
                   "Verwezen naar de ggz.")
    elif kind == "already_stopped":
        agenda.add(moment(consult_on, hour, 45), play.outcome, course, O.STOPPED, consult_on,
                   "")
    if kind not in TAPERING:
        return
    # The schedule from the day after the consult, a monitoring call three weeks on, and the
    # outcome; the BWSQ at each contact (the third only for those who stopped).
    agenda.add(moment(consult_on, hour, 50), play.schedule, course, consult_on)
    call_on = add_working_days(consult_on, 15)
    agenda.add(moment(call_on, 8), play.plan_call, course, call_on)
    agenda.add(moment(call_on, 14, 15), play.monitoring_call, course, call_on)
    if kind in ("stopped", "restarted"):
        agenda.add(moment(outcome_on, 10, 50), play.bwsq, course, outcome_on, BWSQ_TOTALS[2])
        if relapse_plan:
            agenda.add(moment(outcome_on, 10, 55), play.relapse_plan, course)
        agenda.add(moment(outcome_on, 11), play.outcome, course, O.STOPPED, outcome_on, "")
    elif kind == "reduced":
        agenda.add(moment(outcome_on, 11), play.outcome, course, O.REDUCED, outcome_on, "")
    else:
        agenda.add(moment(outcome_on, 11), play.outcome, course, O.UNCHANGED, outcome_on,
                   "Afbouwen lukte niet door slecht slapen.")


class _Play:
    """The steps of the round, each through the services, as the practice took them."""

    def __init__(self, practice: Practice, team: Team, script: Round, name: str) -> None:
        self.practice, self.team, self.script, self.name = practice, team, script, name
        self.project: Project = Project()  # made by the first step
        self.wait_days = Project._meta.get_field("wait_days").get_default()
        self.runs: dict[tuple[str, date], LetterRun] = {}

    def part(self, course: Course) -> Participation:
        return self.project.participations.get(patient__number=course.number)

    def create_project(self) -> None:
        team, script = self.team, self.script
        self.project = project_create(
            user=team.lead, practice=self.practice,
            data={"name": self.name, "lead": team.lead, "planned_start": script.start,
                  "planned_end": script.end, "status": Project.Status.RUNNING,
                  "letter_target": sum(c.letter_on is not None for c in script.courses),
                  "reserve_target": 0, "wait_days": self.wait_days},
            gps=list(team.gps.values()), assistants=[team.assistant])

    def import_export(self, on: date) -> None:
        import_file(practice=self.practice, user=self.team.lead,
                    data=his_export(self.script.courses, up_to=on),
                    file_name=f"his-export-{on:%Y-%m-%d}.csv")

    def to_screening(self) -> None:
        """The groslijst's patients into the GP's screening queue."""
        gp_names_confirm_suggestions(user=self.team.lead, practice=self.practice)
        numbers = [c.number for c in self.script.courses]
        patients = {p.number: p for p in self.practice.patients.filter(number__in=numbers)}
        participations_from_groslijst(user=self.team.lead, project=self.project,
                                      reference_date=self.script.imported_on,
                                      patients=[patients[n] for n in numbers])

    def screen(self, courses: list[Course]) -> None:
        excluded = 0
        for course in courses:
            gp, part = self.team.gps[course.gp], self.part(course)
            if course.letter_on is None:
                reason = EXCLUDED_FOR[excluded % len(EXCLUDED_FOR)]
                excluded += 1
                screening_decide(participation=part, user=gp, reason=reason,
                                 decision=ScreeningDecision.Decision.EXCLUDE)
            else:
                screening_decide(participation=part, user=gp,
                                 decision=ScreeningDecision.Decision.APPROACH)

    def split(self, day: date) -> None:
        lists_split(project=self.project, user=self.team.lead, today=day)

    def print_run(self, kind: str, day: date, hour: int) -> None:
        try:
            run = letter_run_create(project=self.project, user=self.team.assistant, kind=kind,
                                    today=day)
        except LettersRefused:  # no invitation to print this week
            return
        # The year-old letters are not rendered (WeasyPrint would take seconds on a first
        # `make run`): the run counts as printed. It is dated now, not at the end with the
        # rest, because marking it mailed checks the day it was made.
        LetterRun.objects.filter(pk=run.pk).update(status=LetterRun.Status.READY,
                                                   created_at=moment(day, hour))
        self.runs[kind, day] = LetterRun.objects.get(pk=run.pk)

    def mail_run(self, kind: str, day: date) -> None:
        if (kind, day) in self.runs:
            run = self.runs[kind, day]
            # About three minutes a letter: print, sign, fold, stamp.
            letter_run_mark_mailed(run=run, user=self.team.assistant, mailed_on=day,
                                   today=day, minutes=10 + 3 * run.letter_count)

    def phone_note(self, course: Course, day: date) -> None:
        part = self.part(course)
        phone_note_create(participation=part, user=self.team.assistant,
                          called_at=moment(day, 10, 45), caller=PhoneNote.Caller.PATIENT,
                          wish=PhoneNote.Wish.APPOINTMENT,
                          note="Heeft de brief gelezen en wil graag een afspraak.")
        # The service puts the patient in the call-back list from today's date.
        Participation.objects.filter(pk=part.pk).update(next_call_on=day)

    def wait_over(self, course: Course, day: date) -> None:
        """What the timed step does when the wait after the letter is over."""
        part = self.part(course)
        enter_callback_list(participation=part, user=None, on=day, expected={S.LETTER_SENT},
                            what=_("wait period over: call back"))
        DueItem.objects.filter(participation=part, kind=DueItem.Kind.WAIT_ENDS,
                               done_at__isnull=True).update(done_at=timezone.now())

    def call(self, course: Course, day: date) -> None:
        lead, part = self.team.lead, self.part(course)
        if course.kind == "not_reached":
            call_attempt_log(participation=part, user=lead, outcome=A.Outcome.NOT_REACHED,
                             today=day, minutes=2)
        elif course.kind == "declined":
            call_attempt_log(participation=part, user=lead, outcome=A.Outcome.REACHED,
                             today=day, response=A.Response.NOT_WANT,
                             next_step=A.Next.DECLINED, minutes=7,
                             agreed_on=day + relativedelta(months=6),
                             note="Slaapt er goed op en ziet geen reden om te stoppen.")
        else:
            at = moment(known(course.consult_on), _consult_hour(course))
            call_attempt_log(participation=part, user=lead, outcome=A.Outcome.REACHED,
                             today=day, response=A.Response.AGREES, next_step=A.Next.CONSULT,
                             minutes=5, consult_at=at)

    def consult(self, course: Course, day: date) -> None:
        part = self.part(course)
        outcome = CONSULT_OUTCOMES.get(course.kind, START)
        if outcome.next_step == C.Next.NOT_NOW:
            outcome = replace(outcome, ask_again_on=day + relativedelta(months=6))
        consultation_record(consultation=part.consultations.get(status=C.Status.PLANNED),
                            user=self.team.lead, today=day, outcome=outcome)

    def schedule(self, course: Course, day: date) -> None:
        part, product = self.part(course), course.product
        strength = Decimal(product.strength.replace(",", "."))
        taper_schedule_make(participation=part, user=self.team.lead, today=day,
                            choice=PlanChoice(atc=product.atc, strength_mg=strength,
                                              dose_mg=strength, preset="deprescribing",
                                              start=day + timedelta(days=1)))
        self.bwsq(course, day, BWSQ_TOTALS[0])

    def plan_call(self, course: Course, day: date) -> None:
        lead = self.team.lead
        consultation_plan(participation=self.part(course), user=lead, at=moment(day, 14),
                          kind=C.Kind.MONITORING_PHONE, held_by=lead, today=day)

    def monitoring_call(self, course: Course, day: date) -> None:
        contact = self.part(course).consultations.get(status=C.Status.PLANNED)
        consultation_record(consultation=contact, user=self.team.lead, today=day,
                            outcome=Outcome(C.Next.CONTINUE, minutes=10,
                                            notes="Wat onrustig, slaapt slechter; houdt vol."))
        self.bwsq(course, day, BWSQ_TOTALS[1])

    def bwsq(self, course: Course, day: date, total: int) -> None:
        values = {str(item): (1 if item <= total else 0) for item in range(1, 21)}
        questionnaire_record(participation=self.part(course), values=values, taken_on=day,
                             row=QuestionnaireDefinition.objects.get(code="bwsq"),
                             how="contact", user=self.team.lead, today=day)

    def relapse_plan(self, course: Course) -> None:
        relapse_plan_save(participation=self.part(course), user=self.team.lead,
                          content=RELAPSE_PLAN, expected_version=0)

    def outcome(self, course: Course, outcome: str, day: date, reason: str) -> None:
        participation_outcome_set(participation=self.part(course), user=self.team.lead,
                                  outcome=outcome, on=day, today=day, reason=reason)

    def close(self, closed_on: date) -> None:
        """The final evaluation made and the project closed, a week after its planned end."""
        team, project = self.team, self.project
        project_update(user=team.lead, project=project, data={"status": Project.Status.CLOSED},
                       gps=list(team.gps.values()), assistants=[team.assistant])
        # What was still waiting (asking the decliners again, the next steps of schedules
        # ended early, the patients who died or moved) ends with the round (the monthly
        # snapshot's item too: demo_load rebuilds the months); the final-evaluation
        # reminder is done.
        open_items = DueItem.objects.filter(project=project, done_at__isnull=True,
                                            cancelled_at__isnull=True)
        open_items.filter(kind=DueItem.Kind.FINAL_EVALUATION).update(done_at=timezone.now())
        open_items.update(cancelled_at=timezone.now())
        # The plan of approach checked off month by month. The services stamp the
        # milestones with today's date, so every step's day is set here.
        for step in PlanStep.objects.filter(project=project):
            done_on = min(self.script.start + relativedelta(months=step.month - 1, days=14),
                          closed_on)
            PlanStep.objects.filter(pk=step.pk).update(
                done_on=done_on, done_by=None if step.milestone else team.lead)
