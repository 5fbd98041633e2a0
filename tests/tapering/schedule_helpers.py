"""Shared pieces of the schedule tests: a temazepam user after a consult, and the plan the
NHG preset makes for her (docs/domain.md#tapering-schedules)."""

import importlib
from datetime import date
from decimal import Decimal

import pytest
from django.apps import apps

from patients.models import Participation, Role, Substance
from tapering import services
from tapering.models import QuestionnaireDefinition
from tapering.plans import PlanChoice
from tests.factories import PatientFactory

S = Participation.Status
START = date(2027, 1, 4)  # a Monday
TEMAZEPAM = "N05CD07"


def nhg_temazepam(**overrides) -> PlanChoice:
    """20 mg temazepam a day, tablets of 20 mg, NHG with a switch to diazepam."""
    data = {"atc": TEMAZEPAM, "strength_mg": Decimal(20), "dose_mg": Decimal(20),
            "preset": "nhg", "start": START, "switch_diazepam": True}
    data.update(overrides)
    return PlanChoice(**data)


def consult_planned(project, users, number="700001", status=S.CONSULT_PLANNED,
                    prescribe=None) -> Participation:
    patient = PatientFactory(practice=project.practice, number=number, surname="Smit",
                             prefix="", initials="A.", phone="06-22223333")
    part = Participation.objects.create(project=project, patient=patient,
                                        reference_date=date(2026, 9, 15), status=status,
                                        created_by=users[Role.POH_GGZ])
    if prescribe is not None:
        prescribe(patient, date(2026, 11, 20), atc=TEMAZEPAM, units=30, strength="20")
        prescribe(patient, date(2026, 12, 20), atc=TEMAZEPAM, units=30, strength="20")
    return part


def make(part, users, choice=None, today=START, role=Role.POH_GGZ):
    return services.taper_schedule_make(participation=part, user=users[role],
                                        choice=choice or nhg_temazepam(), today=today)


def reference_table_load() -> None:
    """The reference table's substances: a migration loads them, but a transactional test
    elsewhere may have flushed them."""
    if not Substance.objects.exists():
        importlib.import_module("patients.migrations.0004_substances_reference").load(apps, None)
    # So are the built-in questionnaires.
    if not QuestionnaireDefinition.objects.exists():
        importlib.import_module("tapering.migrations.0007_questionnaires").load_built_in(
            apps, None)


@pytest.fixture(autouse=True)
def reference_table(db):
    reference_table_load()


def page_url(name, part, **extra) -> str:
    """The address of a tapering page of ``part`` (its project and participation)."""
    from django.urls import reverse

    return reverse(f"tapering:{name}", kwargs={"project_uuid": part.project.uuid,
                                               "participation_uuid": part.uuid, **extra})
