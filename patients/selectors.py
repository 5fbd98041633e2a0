"""Reads for practices and projects; each takes the practice it is scoped to."""

from dataclasses import dataclass
from datetime import date
from functools import reduce
from operator import or_

from django.db import connection
from django.db.models import Count, DecimalField, F, Max, Q, QuerySet, Sum
from django.db.models.functions import Collate

from .groslijst import GroslijstRow, Windows, ddd_per_day
from .importing.layouts import BENZO_ATC_PREFIXES
from .models import ImportBatch, Patient, PlanStep, Practice, Prescription, Project, Role


def projects_for_practice(*, practice: Practice) -> QuerySet[Project]:
    return (
        Project.objects.filter(practice=practice)
        .select_related("lead")
        .annotate(
            steps_total=Count("plan_steps"),
            steps_done=Count("plan_steps", filter=Q(plan_steps__done_on__isnull=False)),
        )
        .order_by("-planned_start", "name")
    )


@dataclass(frozen=True)
class Todo:
    """One line of a user's "Mijn taken"."""

    project: Project
    step: PlanStep
    overdue: bool


def todos_for_user(*, practice: Practice, role: str, today: date) -> list[Todo]:
    """Open plan steps of running or preparing projects that are this role's, up to this month.

    The project lead (POH-GGZ) sees every open step; others see those of their role.
    """
    steps = (
        PlanStep.objects.filter(project__practice=practice, done_on__isnull=True)
        .exclude(project__status=Project.Status.CLOSED)
        .select_related("project")
        .order_by("project__planned_start", "month", "id")
    )
    if role != Role.POH_GGZ:
        steps = steps.filter(who=role)
    todos = []
    for step in steps:
        # Month 1 work is due while a project is still being prepared.
        current = max(step.project.month_number(today), 1)
        if step.month <= current:
            todos.append(Todo(project=step.project, step=step, overdue=step.month < current))
    return todos


def _benzo(prefix: str = "") -> Q:
    return reduce(or_, (Q(**{f"{prefix}atc__startswith": p}) for p in BENZO_ATC_PREFIXES))


def groslijst_rows(*, practice: Practice, reference_date: date,
                   ddd_threshold: int = 1) -> list[GroslijstRow]:
    """Every patient with a benzodiazepine prescription in (R − 12 months, R], with the flags.

    One aggregate query over the practice's prescriptions (SPEC.md step 2),
    sorted by patient number in byte order.
    """
    w = Windows.for_reference(reference_date)
    rx = "prescriptions__"
    benzo = _benzo(rx)
    upto = Q(**{f"{rx}date__lte": w.reference})
    year = upto & Q(**{f"{rx}date__gt": w.year_start})
    prefixes, exceptions = practice.complex_rule()
    complex_atc = (reduce(or_, (Q(**{f"{rx}atc__startswith": p}) for p in prefixes))
                   & ~Q(**{f"{rx}atc__in": exceptions})) if prefixes else Q(pk__in=[])
    known_ddd = Q(**{f"{rx}substance__ddd_mg__isnull": False})
    rows = (
        Patient.objects.filter(practice=practice)
        .annotate(
            units_12m=Sum(f"{rx}units", filter=benzo & year),
            recent=Count(f"{rx}id", filter=benzo & upto
                         & Q(**{f"{rx}date__gte": w.recent_start})),
            past=Count(f"{rx}id", filter=benzo & Q(**{f"{rx}date__gte": w.past_start,
                                                      f"{rx}date__lte": w.past_end})),
            ddd_total=Sum(
                F(f"{rx}units") * F(f"{rx}strength_mg") / F(f"{rx}substance__ddd_mg"),
                filter=benzo & year & known_ddd,
                output_field=DecimalField(max_digits=30, decimal_places=10)),
            unknown=Count(f"{rx}id", filter=benzo & year & ~known_ddd),
            complex=Count(f"{rx}id", filter=complex_atc & year),
            last_date=Max(f"{rx}date", filter=benzo & upto),
        )
        .filter(units_12m__gt=0)
        .order_by(Collate("number", "C") if connection.vendor == "postgresql" else "number")
        .values_list("id", "uuid", "number", "initials", "prefix", "surname", "gp_name",
                     "birth_date", "units_12m", "recent", "past", "ddd_total", "unknown",
                     "complex", "last_date")
    )
    return [
        GroslijstRow(
            patient_id=pk, patient_uuid=str(uuid), number=number,
            name=" ".join(p for p in (initials, prefix, surname) if p), gp_name=gp,
            birth_date=birth, recent_and_past=bool(recent and past), over_90_units=units > 90,
            units_12m=units, ddd_per_day=ddd_per_day(ddd), ddd_unknown=bool(unknown),
            complex_comedication=bool(complex_count), last_date=last, ddd_threshold=ddd_threshold,
        )
        for (pk, uuid, number, initials, prefix, surname, gp, birth, units, recent, past, ddd,
             unknown, complex_count, last) in rows
    ]


def groslijst_details(*, practice: Practice, rows: list[GroslijstRow], reference_date: date,
                      ) -> list[GroslijstRow]:
    """Fill in substances and the last prescription for the given rows (one query)."""
    w = Windows.for_reference(reference_date)
    by_patient = {row.patient_id: row for row in rows}
    prescriptions = (
        Prescription.objects.filter(patient__practice=practice, patient_id__in=by_patient,
                                    date__gt=w.year_start, date__lte=w.reference)
        .filter(_benzo())
        .order_by("patient_id", "date", "id")
        .values_list("patient_id", "substance__name_nl", "atc", "description", "dosage",
                     "units")
    )
    for patient_id, substance, atc, description, dosage, units in prescriptions:
        row = by_patient[patient_id]
        name = substance or atc
        if name not in row.substances:
            row.substances.append(name)
        row.last_description, row.last_dosage, row.last_units = description, dosage, units
    return rows


def imports_for_practice(*, practice: Practice) -> QuerySet[ImportBatch]:
    return ImportBatch.objects.filter(practice=practice).select_related("uploaded_by")
