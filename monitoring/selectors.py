"""Reads of monitoring and evaluation; each takes the project (and so the practice) it is
scoped to (docs/domain.md, steps 8 and 9)."""

from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db.models import DecimalField, ExpressionWrapper

from patients.models import (
    OUTCOMES_OUT_OF_DENOMINATOR,
    GpNameMapping,
    Participation,
    Prescription,
    Project,
)
from patients.queries import benzo_filter, ddd_per_prescription

from .evaluation import EvaluationWindows, Prescribed, evaluate


@dataclass(frozen=True)
class EvaluationRow:
    """One participation with a letter date, evaluated as of a date (docs/domain.md#step-9).

    ``ddd_before`` and ``ddd_after`` are DDD per day, unrounded (``evaluation.ddd_text``
    rounds them for output). ``outcome`` is the participation's recorded outcome ('' while
    open); ``in_evaluation`` is False for died, moved and left the practice (out of the
    denominator). ``gp_name`` is the GP as the export names the patient's GP, ``gp_id``
    the practice's GP user confirmed for that name (None when not confirmed or none).
    """

    participation_id: int
    patient_id: int
    patient_number: str
    letter_date: date
    ddd_before: Decimal
    ddd_after: Decimal
    stopped: bool
    reduced: bool
    outcome: str
    outcome_on: date | None
    in_evaluation: bool
    status: str
    gp_name: str
    gp_id: int | None


def evaluation_rows(*, project: Project, as_of: date) -> list[EvaluationRow]:
    """Every participation of ``project`` with a letter date, evaluated as of ``as_of``,
    sorted by patient number (byte order, as the groslijst), then participation.

    Three queries whatever the size: the participations, the benzodiazepine
    prescriptions of all their patients in the windows, and the practice's GP names.
    """
    participations = []
    for pk, patient_id, number, letter, outcome, outcome_on, status, gp_name in (
            Participation.objects.filter(project=project, letter_sent_on__isnull=False)
            .values_list("id", "patient_id", "patient__number", "letter_sent_on", "outcome",
                         "outcome_on", "status", "patient__gp_name")):
        assert letter is not None  # nosec B101 - type narrowing: filtered above
        participations.append((pk, patient_id, number, letter, outcome, outcome_on, status,
                               gp_name))
    if not participations:
        return []
    earliest = min(min(w.before_start, w.after_start) for w in (
        EvaluationWindows.for_dates(p[3], as_of) for p in participations))
    by_patient: dict[int, list[Prescribed]] = defaultdict(list)
    prescriptions = (
        Prescription.objects
        .filter(benzo_filter(), patient_id__in={p[1] for p in participations},
                date__gt=earliest, date__lte=as_of)
        .annotate(ddd=ExpressionWrapper(
            ddd_per_prescription(), output_field=DecimalField(max_digits=40, decimal_places=20)))
        .values_list("patient_id", "date", "ddd"))
    for patient_id, on, ddd in prescriptions:
        by_patient[patient_id].append(Prescribed(on=on, ddd=ddd))
    gp_users = dict(GpNameMapping.objects
                    .filter(practice_id=project.practice_id, confirmed_at__isnull=False)
                    .values_list("export_name", "user_id"))
    rows = []
    for (pk, patient_id, number, letter, outcome, outcome_on, status,
         gp_name) in participations:
        result = evaluate(letter_date=letter, as_of=as_of, prescriptions=by_patient[patient_id])
        rows.append(EvaluationRow(
            participation_id=pk, patient_id=patient_id, patient_number=number,
            letter_date=letter, ddd_before=result.ddd_before, ddd_after=result.ddd_after,
            stopped=result.stopped, reduced=result.reduced, outcome=outcome,
            outcome_on=outcome_on, in_evaluation=outcome not in OUTCOMES_OUT_OF_DENOMINATOR,
            status=status, gp_name=gp_name, gp_id=gp_users.get(gp_name)))
    # Byte order of the number (UTF-8 keeps code point order), as the groslijst's "C" collation.
    rows.sort(key=lambda r: (r.patient_number.encode(), r.participation_id))
    return rows

