"""Reads for consultations (docs/domain.md, step 7): a participation's consults, the day's
consults for the start page and the digest, the patient's current benzodiazepines and
who may hold a consult. Each read is scoped to a practice, a user or a participation."""

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone

from letters.selectors import IN_USE_MONTHS
from patients.groslijst import months_back
from patients.models import Membership, Participation, Practice, Prescription, Project, Role
from patients.queries import benzo_filter

from .models import CONSULT_HOLDER_ROLES, Consultation

C = Consultation
S = Participation.Status


def consultations_of(*, participation: Participation) -> list[Consultation]:
    """Every consult of a participation, in date order, with its holder and rebooking."""
    return list(participation.consultations.select_related(
        "held_by", "recorded_by", "rebooked_from", "rebooked_as"))


def _day_bounds(day: date) -> tuple[datetime, datetime]:
    """The start of ``day`` and of the next day in the practice's time zone."""
    start = timezone.make_aware(datetime.combine(day, time.min))
    return start, timezone.make_aware(datetime.combine(day + timedelta(days=1), time.min))


def _consults_of_practice(practice: Practice) -> QuerySet[Consultation]:
    return (Consultation.objects.filter(participation__project__practice=practice)
            .exclude(participation__project__status=Project.Status.CLOSED)
            .select_related("participation__patient", "participation__project", "held_by"))


@dataclass
class ConsultDay:
    """The start page's consult panel: planned today, planned earlier and never recorded,
    and no-shows whose patient still waits for a new date."""

    today: list[Consultation] = field(default_factory=list)
    to_record: list[Consultation] = field(default_factory=list)
    to_rebook: list[Consultation] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.today or self.to_record or self.to_rebook)


def consult_day(*, practice: Practice, user, role: str, today: date) -> ConsultDay:
    """What the start page shows a POH-GGZ (every consult of the practice) or a GP (the
    consults they hold) about consults on ``today``."""
    start, end = _day_bounds(today)
    consults = _consults_of_practice(practice)
    if role != Role.POH_GGZ:
        consults = consults.filter(held_by=user)
    planned = consults.filter(status=C.Status.PLANNED)
    waiting = (consults.filter(status=C.Status.NO_SHOW, rebooked_as__isnull=True,
                               participation__status=S.CONSULT_PLANNED)
               .exclude(participation__consultations__status=C.Status.PLANNED))
    return ConsultDay(today=list(planned.filter(at__gte=start, at__lt=end).order_by("at")),
                      to_record=list(planned.filter(at__lt=start).order_by("at")),
                      to_rebook=list(waiting.order_by("at")))


def current_benzodiazepines(*, participation: Participation,
                            today: date) -> list[Prescription]:
    """The patient's benzodiazepines now: of each substance prescribed in the months up to
    the latest benzodiazepine prescription (the rule of the letters' medicine line,
    ``letters.selectors.IN_USE_MONTHS``), its latest prescription."""
    rows = list(Prescription.objects.filter(benzo_filter(), patient=participation.patient,
                                            date__lte=today)
                .select_related("substance").order_by("-date", "-batch_id", "-line")[:200])
    if not rows:
        return []
    since = months_back(rows[0].date, IN_USE_MONTHS)
    latest: dict[str, Prescription] = {}
    for rx in rows:
        if rx.date < since:
            break
        latest.setdefault(rx.substance.name_nl if rx.substance else rx.description.lower(), rx)
    return list(latest.values())


def consult_holders(*, practice: Practice) -> list[tuple[Any, str]]:
    """The users who may hold a consult in the practice (POH-GGZ first, then the GPs), each
    with a label naming the role."""
    memberships = sorted(
        Membership.objects.filter(practice=practice, role__in=CONSULT_HOLDER_ROLES,
                                  user__is_active=True).select_related("user"),
        key=lambda m: (m.role != Role.POH_GGZ, m.user.last_name, m.user.username))
    return [(m.user, f"{m.user.get_full_name() or m.user.username} ({m.get_role_display()})")
            for m in memberships]
