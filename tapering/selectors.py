"""Reads for the call-back list, phone notes and reminders; each scoped to a practice or user."""

import re
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from benzoproject.formats import format_date
from patients.due import HANDLERS
from patients.groslijst import months_back
from patients.models import (
    DueItem,
    Membership,
    Participation,
    ParticipationEvent,
    Practice,
    Prescription,
    Project,
    Role,
    Substance,
)
from patients.queries import benzo_filter

from .chart import step_chart_svg
from .consult_selectors import consult_day
from .models import (
    CONSULT_HOLDER_ROLES,
    CallAttempt,
    PhoneNote,
    RelapsePlan,
    RelapsePlanVersion,
    TaperSchedule,
    TaperScheduleVersion,
)
from .schedule import Product, Step, TabletCount, equivalence_uncertain, tablets_by_strength
from .schedules import product_for_atc, product_from_substance
from .services import AFTER_LETTER
from .stepdata import current_step, steps_from_json

S = Participation.Status


@dataclass
class CallbackRow:
    participation: Participation
    product: str = ""
    attempts: list[CallAttempt] = field(default_factory=list)
    notes: list[PhoneNote] = field(default_factory=list)
    due_on: date | None = None

    @property
    def spontaneous(self) -> bool:
        return self.participation.responded_at is not None

    @property
    def open_notes(self) -> list[PhoneNote]:
        return [n for n in self.notes if n.handled_at is None]


@dataclass
class CallbackList:
    due: list[CallbackRow]
    upcoming: list[CallbackRow]
    agreed: list[CallbackRow]
    not_reached: list[CallbackRow]
    first_reserve: dict[int, Participation]  # per project id

    def patient_ids(self) -> list[int]:
        """Every patient the list names, the reserves it offers among them."""
        rows = (*self.due, *self.upcoming, *self.agreed, *self.not_reached)
        return ([row.participation.patient_id for row in rows]
                + [p.patient_id for p in self.first_reserve.values()])


def _participations(practice: Practice) -> QuerySet[Participation]:
    return (Participation.objects.filter(project__practice=practice)
            .exclude(project__status=Project.Status.CLOSED)
            .select_related("patient", "project"))


def callback_rows(parts: list[Participation]) -> list[CallbackRow]:
    """Rows with product, attempts and phone notes, in three queries."""
    rows = {p.pk: CallbackRow(participation=p) for p in parts}
    if not rows:
        return []
    patient_to_rows: dict[int, list[CallbackRow]] = {}
    for row in rows.values():
        patient_to_rows.setdefault(row.participation.patient_id, []).append(row)
    # Oldest first, so each patient's product ends as that of the latest prescription.
    by_date = (Prescription.objects.filter(benzo_filter(),
                                           patient_id__in=list(patient_to_rows))
               .order_by("patient_id", "date", "batch_id", "line")
               .values_list("patient_id", "description"))
    for patient_id, description in by_date:
        for row in patient_to_rows[patient_id]:
            row.product = description
    for attempt in CallAttempt.objects.filter(participation_id__in=list(rows)).select_related(
            "called_by"):
        rows[attempt.participation_id].attempts.append(attempt)
    for note in PhoneNote.objects.filter(participation_id__in=list(rows)).select_related(
            "noted_by"):
        rows[note.participation_id].notes.append(note)
    return list(rows.values())


def callback_list(*, practice: Practice, today: date) -> CallbackList:
    """The POH-GGZ's call-back list (docs/domain.md, step 6): due today and overdue first."""
    open_notes = PhoneNote.objects.filter(handled_at__isnull=True,
                                          participation__project__practice=practice)
    parts = list(_participations(practice).filter(
        Q(status__in=[S.CALLBACK_DUE, S.CALL_LATER, S.DECLINED])
        | Q(status=S.NOT_REACHED, reserve_handled_at__isnull=True)
        | Q(pk__in=open_notes.values("participation_id"))))
    rows = callback_rows(parts)
    items = dict(DueItem.objects.filter(
        participation__in=parts, done_at__isnull=True, cancelled_at__isnull=True,
        kind__in=[DueItem.Kind.CALL_LATER, DueItem.Kind.ASK_AGAIN])
        .values_list("participation_id", "due_on"))
    due, upcoming, agreed, not_reached = [], [], [], []
    for row in rows:
        p = row.participation
        if row.open_notes or (p.status == S.CALLBACK_DUE and p.next_call_on
                              and p.next_call_on <= today):
            row.due_on = p.next_call_on or today
            due.append(row)
        elif p.status == S.CALLBACK_DUE:
            row.due_on = p.next_call_on
            upcoming.append(row)
        elif p.status in (S.CALL_LATER, S.DECLINED):
            row.due_on = items.get(p.pk)
            agreed.append(row)
        elif p.status == S.NOT_REACHED:
            not_reached.append(row)

    def by_date(row: CallbackRow):
        return (not row.spontaneous, row.due_on or today, row.participation.patient.number)

    projects = {row.participation.project_id for row in not_reached}
    first_reserve: dict[int, Participation] = {}
    for part in (Participation.objects.filter(project_id__in=projects, status=S.RESERVE)
                 .select_related("patient").order_by("project_id", "rank", "id")):
        first_reserve.setdefault(part.project_id, part)
    return CallbackList(due=sorted(due, key=by_date), upcoming=sorted(upcoming, key=by_date),
                        agreed=sorted(agreed, key=by_date), not_reached=not_reached,
                        first_reserve=first_reserve)


def phone_note_candidates(*, practice: Practice, query: str) -> list[Participation]:
    """Patients who were sent a letter, found by name, number or date of birth."""
    parts = _participations(practice).filter(status__in=AFTER_LETTER).order_by(
        "patient__surname", "patient__number")
    query = query.strip()
    if query:
        compact = query.replace(" ", "").upper()
        # Postcodes are stored as '6874 JC' (the importer's form); accept '6874jc' too.
        postcode = f"{compact[:4]} {compact[4:]}" if re.fullmatch(r"\d{4}[A-Z]{2}", compact) \
            else query
        parts = parts.filter(Q(patient__surname__icontains=query)
                             | Q(patient__number__iexact=query)
                             | Q(patient__postcode__iexact=postcode)
                             | Q(patient__phone__icontains=query))
    return list(parts[:50])


def phone_notes_earlier(*, participation: Participation, limit: int = 10) -> list[PhoneNote]:
    """The latest phone notes of a participation, newest first (the model's order)."""
    return list(participation.phone_notes.select_related("noted_by")[:limit])


def reserve_for(*, participation: Participation, reserve_uuid: str) -> Participation | None:
    """A reserve of the same project that may take ``participation``'s place; None when
    the id names no reserve there."""
    try:
        return (Participation.objects.select_related("patient")
                .filter(uuid=reserve_uuid, project=participation.project, status=S.RESERVE)
                .first())
    except ValidationError:  # not a UUID
        return None


@dataclass
class Timeline:
    events: list[ParticipationEvent]
    planned: list[DueItem]  # open due items: what is still to come


def participation_timeline(*, participation: Participation) -> Timeline:
    """The steps a participation went through, with date and who, and what is planned."""
    return Timeline(
        events=list(participation.events.select_related("by")),
        planned=list(participation.due_items.filter(done_at__isnull=True,
                                                    cancelled_at__isnull=True)))


def reminders_for_user(*, user, practice: Practice, today: date) -> list[DueItem]:
    """Open reminders (kinds the sweep does not move) of this user, due within a week."""
    return list(DueItem.objects.filter(
        assigned_to=user, project__practice=practice, done_at__isnull=True,
        cancelled_at__isnull=True, due_on__lte=today + timedelta(days=7))
        .exclude(kind__in=list(HANDLERS)).select_related("project", "participation__patient")
        .order_by("due_on", "id"))


def callbacks_due_count(*, practice: Practice, today: date) -> int:
    return len(callback_list(practice=practice, today=today).due)


def digest_lines(*, user, today: date) -> list[str]:
    """What is due for ``user`` today over all their practices, one line each."""
    lines = []
    for membership in Membership.objects.filter(user=user).select_related("practice"):
        practice = membership.practice
        if membership.role == Role.POH_GGZ:
            n = callbacks_due_count(practice=practice, today=today)
            if n:
                lines.append(ngettext("%(practice)s: %(n)s patient to call back",
                                      "%(practice)s: %(n)s patients to call back", n)
                             % {"practice": practice.name, "n": n})
        if membership.role in CONSULT_HOLDER_ROLES:
            lines += _consult_lines(user=user, practice=practice, role=membership.role,
                                    today=today)
        for item in reminders_for_user(user=user, practice=practice, today=today):
            if item.due_on <= today:
                lines.append(_("%(practice)s: %(what)s (%(project)s, %(day)s)") % {
                    "practice": practice.name, "what": item.get_kind_display(),
                    "project": item.project.name, "day": format_date(item.due_on)})
    return lines


def _consult_lines(*, user, practice: Practice, role: str, today: date) -> list[str]:
    """Today's consults and those never recorded (docs/domain.md, step 7), for the digest."""
    day = consult_day(practice=practice, user=user, role=role, today=today)
    lines = []
    if day.today:
        n = len(day.today)
        lines.append(ngettext("%(practice)s: %(n)s consult today",
                              "%(practice)s: %(n)s consults today", n)
                     % {"practice": practice.name, "n": n})
    if day.to_record:
        n = len(day.to_record)
        lines.append(ngettext("%(practice)s: %(n)s consult from an earlier day still to record",
                              "%(practice)s: %(n)s consults from earlier days still to record",
                              n) % {"practice": practice.name, "n": n})
    return lines
# --- Tapering schedules (docs/domain.md, step 7 and #tapering-schedules) -------------------


def active_schedule(*, participation: Participation) -> TaperSchedule | None:
    """The participation's schedule in force, or None."""
    return (TaperSchedule.objects.filter(participation=participation, replaced_at__isnull=True)
            .select_related("participation__project", "participation__patient").first())


def schedule_versions(*, participation: Participation) -> list[TaperScheduleVersion]:
    """Every version of every schedule of the participation, newest first."""
    return list(TaperScheduleVersion.objects.filter(schedule__participation=participation)
                .select_related("schedule", "made_by", "confirmed_by")
                .order_by("-schedule__created_at", "-schedule_id", "-number"))


def product_options() -> list[Product]:
    """The benzodiazepines on the Dutch market with their tablet strengths, by name."""
    return [product_from_substance(substance) for substance in
            Substance.objects.filter(nl_marketed=True).exclude(nl_strengths_mg="")
            .filter(benzo_filter()).order_by("name_nl")]


@dataclass(frozen=True)
class PrescriptionHint:
    """What the latest benzodiazepine prescription suggests for the schedule form."""

    atc: str
    strength_mg: Decimal | None
    description: str
    prescribed_on: date
    dose_mg: Decimal | None  # units x strength / days over the last 3 months, if known
    since: date


def prescription_hint(*, participation: Participation, today: date) -> PrescriptionHint | None:
    """The patient's most recent benzodiazepine prescription, and the mean daily dose of
    that substance prescribed in the 3 months before ``today`` (units x strength / days):
    a hint, the POH-GGZ checks the dose with the patient."""
    prescriptions = Prescription.objects.filter(benzo_filter(), patient=participation.patient,
                                                date__lte=today)
    latest = prescriptions.order_by("-date", "-batch_id", "-line").first()
    if latest is None:
        return None
    since = months_back(today, 3)
    total = Decimal(0)
    for units, strength in (prescriptions.filter(atc=latest.atc, date__gt=since)
                            .values_list("units", "strength_mg")):
        if strength is None:
            total = Decimal(-1)
            break
        total += units * strength
    dose = None
    if total > 0:
        dose = (total / (today - since).days).quantize(Decimal("0.01"))
    return PrescriptionHint(atc=latest.atc, strength_mg=latest.strength_mg,
                            description=latest.description, prescribed_on=latest.date,
                            dose_mg=dose, since=since)


@dataclass
class SchedulePage:
    """What the schedule page shows of one version."""

    schedule: TaperSchedule
    version: TaperScheduleVersion
    steps: list[Step]
    today_step: Step | None
    totals: list[TabletCount]  # the whole schedule, per strength
    remaining: list[TabletCount]  # from the step taken today on (empty before the start)
    chart: str
    product_name: str
    uncertain: bool  # published equivalence tables disagree most for this product

    @property
    def is_current(self) -> bool:
        return (self.schedule.replaced_at is None
                and self.version.number == self.schedule.current_number)


def schedule_page(*, version: TaperScheduleVersion, today: date) -> SchedulePage:
    """The table, chart, tablet counts and switch details of ``version``."""
    steps = steps_from_json(version.steps)
    today_step = current_step(steps, today)
    remaining: list[TabletCount] = []
    if today_step is not None and today_step.number > 0:
        remaining = tablets_by_strength([s for s in steps if s.start >= today_step.start])
    product = product_for_atc(version.atc)
    return SchedulePage(
        schedule=version.schedule, version=version, steps=steps, today_step=today_step,
        totals=tablets_by_strength(steps), remaining=remaining,
        chart=step_chart_svg(steps, chart_id=f"grafiek-{version.uuid}", today=today),
        product_name=product.name if product is not None else version.atc,
        uncertain=version.switch_diazepam and equivalence_uncertain(version.atc))


def schedules_awaiting_confirmation(*, practice: Practice) -> list[TaperSchedule]:
    """Active schedules of the practice whose current version switches to diazepam without
    a GP's confirmation yet (the GP's start page)."""
    waiting = TaperScheduleVersion.objects.filter(
        schedule=OuterRef("pk"), number=OuterRef("current_number"), switch_diazepam=True,
        confirmed_at__isnull=True)
    return list(TaperSchedule.objects.filter(
        participation__project__practice=practice, replaced_at__isnull=True)
        .exclude(participation__project__status=Project.Status.CLOSED)
        .filter(Exists(waiting))
        .select_related("participation__patient", "participation__project")
        .order_by("created_at", "id"))


def relapse_plan_of(*, participation: Participation) -> RelapsePlan | None:
    """The participation's relapse-prevention plan, or None before the first save."""
    return RelapsePlan.objects.filter(participation=participation).first()


def relapse_versions(*, plan: RelapsePlan) -> list[RelapsePlanVersion]:
    """Every version of ``plan``, newest first, with who made and reviewed it."""
    return list(plan.versions.select_related("made_by", "reviewed_by").order_by("-number"))
