"""Writes of monitoring and evaluation (docs/domain.md, steps 8 and 9)."""

from dataclasses import dataclass, field
from datetime import date

from dateutil.relativedelta import relativedelta
from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils.translation import gettext as _

from patients.audit import audit_log_many
from patients.dates import wait_period_end
from patients.models import (
    AuditEvent,
    Participation,
    Patient,
    PlanMilestone,
    Practice,
    Project,
    Role,
)
from patients.plan_defaults import DEFAULT_PLAN
from patients.services import (
    participation_letter_mailed,
    plan_milestone_reached,
    project_create,
)
from patients.workflow import participation_move

from .letters_file import LetterLine, read_letters

S = Participation.Status

# The account that leads a project made from the command line in a practice that has no
# POH-GGZ or GP user yet: it cannot log in and belongs to no practice; the practice
# chooses a real lead on the project page (docs/domain.md#cli-import-project-letters).
COMMAND_LINE_USERNAME = "opdrachtregel"

# Statuses before the letter, and the steps from each to "letter sent" (the workflow's own
# moves, so the timeline shows how the patient got there).
STEPS_TO_MAILING: dict[str, tuple[str, ...]] = {
    S.TO_SCREEN: (S.APPROVED, S.MAILING),
    S.APPROVED: (S.MAILING,),
    S.RESERVE: (S.MAILING,),
    S.MAILING: (),
}

# The default plan mails the letters in this project month: a project made from letters
# starts that many months before the first of them.
MAILING_MONTH = min(step.month for step in DEFAULT_PLAN if step.milestone == PlanMilestone.MAILED)
PROJECT_MONTHS = 12


@dataclass
class LettersImport:
    """What ``project_letters_import`` did; ``rejections`` as the prescription import's:
    ``{"line": n, "reason": text}``."""

    project: Project
    project_created: bool
    rows_total: int = 0
    rows_new: int = 0
    rows_present: int = 0
    rejections: list[dict[str, object]] = field(default_factory=list)
    waits_scheduled: int = 0

    @property
    def rows_rejected(self) -> int:
        return len(self.rejections)


def project_lead_default(*, practice: Practice):
    """Who leads a project made from the command line: the practice's POH-GGZ, else a GP,
    else the command line's own account (made once, inactive, without a practice)."""
    User = get_user_model()
    for role in (Role.POH_GGZ, Role.HUISARTS):
        found = (User.objects.filter(memberships__practice=practice, memberships__role=role,
                                     is_active=True).order_by("id").first())
        if found is not None:
            return found
    user, created = User.objects.get_or_create(
        username=COMMAND_LINE_USERNAME,
        defaults={"first_name": "Opdrachtregel", "is_active": False})
    if created:
        user.set_unusable_password()
        user.save(update_fields=["password"])
    return user


def _project_from_letters(*, practice: Practice, name: str, first_letter: date,
                          today: date) -> Project:
    start = (first_letter - relativedelta(months=MAILING_MONTH - 1)).replace(day=1)
    end = start + relativedelta(months=PROJECT_MONTHS)
    return project_create(user=None, practice=practice, data={
        "name": name, "lead": project_lead_default(practice=practice),
        "planned_start": start, "planned_end": end,
        "status": Project.Status.RUNNING if end >= today else Project.Status.CLOSED})


class ProjectsAmbiguous(Exception):
    """The practice has more than one project of the given name; ``message`` in Dutch."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class _Refused(Exception):
    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


def _mark_mailed(participation: Participation, on: date, today: date, what: str) -> bool:
    """Move a participation without a letter along the workflow to "letter sent" on ``on``.

    The wait period is scheduled only when it has not ended yet: an earlier round's
    call-backs happened outside the app, and its patients must not all land on today's
    call-back list (docs/domain.md#cli-import-project-letters).
    """
    steps = STEPS_TO_MAILING.get(participation.status)
    if steps is None:
        raise _Refused(_("in this project with status “%(status)s”: a letter cannot be "
                         "recorded") % {"status": participation.get_status_display()})
    for to in steps:
        participation_move(participation=participation, to=to, user=None, what=what)
    wait = wait_period_end(on, participation.project.wait_days) >= today
    participation_letter_mailed(participation=participation, user=None, mailed_on=on,
                                schedule_wait=wait)
    return wait


class _LettersRun:
    """The lines of one file, one after the other: which patients it has seen, with which
    date, and what it made."""

    def __init__(self, *, project: Project, patients: dict[str, list[int]], today: date,
                 what: str):
        self.project, self.patients, self.today, self.what = project, patients, today, what
        self.existing = {p.patient_id: p for p in Participation.objects.filter(
            project=project, patient_id__in=[ids[0] for ids in patients.values()])}
        self.seen: dict[int, tuple[int, date]] = {}
        self.new: list[Participation] = []
        self.mailed: list[date] = []
        self.waits = 0

    def _patient(self, line: LetterLine) -> int:
        ids = self.patients.get(line.patient_number, [])
        if not ids:
            raise _Refused(_("patient number “%(number)s” is not a patient of this "
                             "practice") % {"number": line.patient_number})
        if len(ids) > 1:
            raise _Refused(_("patient number “%(number)s” belongs to %(count)s patients "
                             "of this practice (GP and pharmacy exports)")
                           % {"number": line.patient_number, "count": len(ids)})
        return ids[0]

    def record(self, line: LetterLine) -> bool:
        """Record one line: True when its letter is new, False when already present; raise
        ``_Refused`` with the reason when it is rejected."""
        if line.problem:
            raise _Refused(line.problem)
        patient_id = self._patient(line)
        on = line.letter_date
        assert on is not None  # nosec B101 - narrowing: a line without a problem has its date
        if patient_id in self.seen:
            earlier_line, earlier_date = self.seen[patient_id]
            if earlier_date != on:
                raise _Refused(_("patient number “%(number)s” is on line %(line)s too, "
                                 "with another letter date")
                               % {"number": line.patient_number, "line": earlier_line})
            return False
        participation = self.existing.get(patient_id)
        if participation is not None and participation.letter_sent_on is not None:
            if participation.letter_sent_on != on:
                raise _Refused(_("already has letter date %(value)s in this project")
                               % {"value": participation.letter_sent_on.isoformat()})
            self.seen[patient_id] = (line.line, on)
            return False
        with transaction.atomic():  # a refused move leaves nothing of this line
            made = participation is None
            if participation is None:
                participation = Participation.objects.create(
                    project=self.project, patient_id=patient_id, reference_date=on,
                    created_by=self.project.lead)
            self.waits += _mark_mailed(participation, on, self.today, self.what)
        if made:
            self.new.append(participation)
        self.seen[patient_id] = (line.line, on)
        self.mailed.append(on)
        return True


@transaction.atomic
def project_letters_import(*, practice: Practice, project_name: str, data: bytes,
                           file_name: str, today: date) -> LettersImport:
    """Record the stop letters of ``data`` (``patient_number,letter_date``) as mailed in the
    project ``project_name`` of ``practice``, made when it does not exist yet
    (docs/domain.md#cli-import-project-letters).

    All in one transaction. Nothing is written when the file as a whole cannot be read
    (``FileRefused``) or two projects have the name (``ProjectsAmbiguous``). A line is
    rejected, with its number and reason, for a patient number the practice does not
    know (or knows twice), a date that is not a date, or a patient
    whose letter in this project has another date or who cannot get one (excluded,
    left). A patient already recorded with the same date counts as already present, so
    the same file twice changes nothing.
    """
    lines = read_letters(data)
    # The practice's row is locked, so two runs cannot both make the project.
    Practice.objects.select_for_update().filter(pk=practice.pk).first()
    projects = list(Project.objects.select_for_update().filter(practice=practice,
                                                               name=project_name))
    if len(projects) > 1:
        raise ProjectsAmbiguous(_(
            "The practice has %(count)s projects named “%(name)s”: rename one of them "
            "first.") % {"count": len(projects), "name": project_name})
    numbers = {line.patient_number for line in lines}
    patients: dict[str, list[int]] = {}
    for pk, number in (Patient.objects.filter(practice=practice, number__in=numbers)
                       .values_list("id", "number")):
        patients.setdefault(number, []).append(pk)
    created = not projects
    if projects:
        project = projects[0]
    else:  # planned from the first letter that is a date (today when there is none)
        dated = [line.letter_date for line in lines
                 if line.letter_date is not None and line.letter_date <= today]
        project = _project_from_letters(practice=practice, name=project_name,
                                        first_letter=min(dated, default=today), today=today)
    result = LettersImport(project=project, project_created=created, rows_total=len(lines))
    run = _LettersRun(project=project, patients=patients, today=today, what=_(
        "letter of %(file)s, sent outside the app") % {"file": file_name})
    for line in lines:
        try:
            if run.record(line):
                result.rows_new += 1
            else:
                result.rows_present += 1
        except _Refused as refused:
            result.rejections.append({"line": line.line, "reason": refused.reason})
    result.waits_scheduled = run.waits
    audit_log_many(user=None, action=AuditEvent.Action.CREATE, practice=practice, objs=run.new,
                   detail=f"letter imported from {file_name} into {project.name}"[:300])
    if run.mailed:  # the plan's "letters mailed" (a closed project is left alone)
        plan_milestone_reached(project=project, milestone=PlanMilestone.MAILED,
                               on=min(run.mailed))
    return result
