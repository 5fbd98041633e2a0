"""The content walk (docs/security.md#role-url): every page of the product and of the admin,
opened as every role, anonymously, as a user of another practice and as the administrator
(a staff account). Each answer's status is compared with the table of tests/url_cases.py
(the roles each view declares) and, for every page, whether the seeded patients' names
appear: exactly for the roles a page shows them to (``Case.patients_to``), never for
anybody else, and never a patient of another practice. The walk ends with 0 deviations.

POSTs answer with a redirect; their status per role is checked in tests/test_access.py.
"""

import io
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.db.models.signals import pre_save
from django.test import Client
from django.urls import reverse
from pypdf import PdfReader

from patients.models import Participation, Patient, Role
from tests.factories import MembershipFactory, PatientFactory

from .test_access import (  # noqa: F401  (the fixtures the cases are built from)
    SMALL_HIS,
    all_cases,
    consultation,
    imports,
    letters,
    participation,
    schedule,
    step,
)
from .url_cases import Case

OTHER_SURNAME = "Oosterwijk"  # a patient of the other practice: never shown to ours
# The factory names every patient "Berg", which the letter editor's examples use as well
# ("Geachte mevrouw Van den Berg"): the walk's patients get names found nowhere else.
SURNAMES = ("Wolterbeek", "Tjepkema", "Haverkamp", "Zuidervaart", "Kortenhoeven",
            "Stellingwerf", "Brouwershaven", "Ruijsenaars", "Veldhuijzen", "Nijenhuis")
OK = (200, 204, 302)


@dataclass(frozen=True)
class Identity:
    label: str
    client: Client
    role: str | None  # in our practice; None: no membership of it
    other_practice: bool = False
    staff: bool = False


def _text(response) -> str:
    """What a person sees of an answer: a page or CSV as text, a PDF's and a workbook's text."""
    body = b"".join(response.streaming_content) if response.streaming else response.content
    kind = response.get("Content-Type", "")
    if "pdf" in kind:
        return "\n".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(body)).pages)
    if "spreadsheetml" in kind:
        with zipfile.ZipFile(io.BytesIO(body)) as book:
            return "\n".join(book.read(name).decode("utf-8", "replace")
                             for name in book.namelist() if name.endswith(".xml"))
    return body.decode("utf-8", "replace")


def _names_in(text: str, names: set[str]) -> set[str]:
    return {name for name in names if re.search(rf"\b{re.escape(name)}\b", text)}


def _our_names(practice) -> set[str]:
    """The seeded patients of our practice by surname, and the names in the import file
    (its preview and rejected rows show them before any patient is stored)."""
    stored = set(Patient.objects.filter(practice=practice).values_list("surname", flat=True))
    raw = set(re.findall(r"\r\n[^;]*;([A-Z][a-z]+);", "\r\n" + SMALL_HIS.decode("cp1252")))
    return stored | raw


@pytest.fixture(autouse=True)
def _distinct_surnames():
    """Each patient the fixtures make through the factory gets a name of its own."""
    names = iter(SURNAMES)

    def rename(sender, instance, **kwargs):
        if instance.pk is None and instance.surname == "Berg":
            instance.surname = next(names)

    pre_save.connect(rename, sender=Patient, dispatch_uid="walk-surnames")
    yield
    pre_save.disconnect(sender=Patient, dispatch_uid="walk-surnames")


@pytest.fixture
def other_patient(other_project, other_users):
    """A patient of the other practice who was sent a letter: its own users see it."""
    from datetime import date

    patient = PatientFactory(practice=other_project.practice, number="800001",
                             surname=OTHER_SURNAME)
    return Participation.objects.create(
        project=other_project, patient=patient, reference_date=date(2026, 9, 15),
        created_by=other_users[Role.POH_GGZ], status=Participation.Status.LETTER_SENT)


@pytest.fixture
def identities(users, other_users, practice, client_for) -> list[Identity]:
    staff = get_user_model().objects.create_superuser("beheer-staf", password="x" * 12)
    MembershipFactory(user=staff, practice=practice, role=Role.BEHEERDER)
    return [
        *(Identity(role, client_for(users[role]), role) for role in Role.values),
        *(Identity(f"{role} (other practice)", client_for(other_users[role]), role,
                   other_practice=True) for role in Role.values),
        Identity("administrator (staff)", client_for(staff), Role.BEHEERDER, staff=True),
        Identity("anonymous", Client(), None),
    ]


def _expected_status(case: Case, who: Identity) -> tuple[int, ...]:
    if who.role is None:
        return (302,)  # to the login page
    if who.other_practice:
        if case.kwargs and who.role in (case.view_roles or case.roles):
            return (404,)  # another practice's object does not exist for them
        return OK if who.role in case.roles and not case.kwargs else (403,)
    return OK if who.role in case.roles else (403,)


def _shows_names(case: Case, who: Identity) -> bool:
    return who.role in case.patients_to and not who.other_practice


def _admin_urls(users, practice) -> Iterator[tuple[str, str]]:
    """(url, what) for the admin's index and, for every registered model, its list, add
    form and the change, history and delete pages of one object."""
    yield reverse("admin:index"), "index"
    chosen = {get_user_model(): users[Role.POH_GGZ], type(practice): practice}
    for model in admin.site._registry:
        info = f"admin:{model._meta.app_label}_{model._meta.model_name}"
        yield reverse(f"{info}_changelist"), "changelist"
        yield reverse(f"{info}_add"), "add"
        obj = chosen.get(model) or model._default_manager.first()
        if obj is not None:
            for page in ("change", "history", "delete"):
                yield reverse(f"{info}_{page}", args=[obj.pk]), page


def _admin_expected(url: str, page: str, who: Identity) -> tuple[int, ...]:
    if not who.staff:
        return (302,)  # to the admin's login
    from django.test import RequestFactory

    request = RequestFactory().get(url)
    request.user = get_user_model().objects.get(username="beheer-staf")
    match = next((m for m in admin.site._registry.items()
                  if f"/{m[0]._meta.app_label}/{m[0]._meta.model_name}/" in url), None)
    if match is None:
        return (200,)
    model_admin = match[1]
    allowed = {"add": model_admin.has_add_permission(request),
               "delete": model_admin.has_delete_permission(request)}.get(page, True)
    return (200,) if allowed else (403,)


def test_every_page_as_everyone_shows_patients_exactly_where_allowed(
        request, identities, users, practice, other_patient, capsys):
    walked = request.getfixturevalue("all_cases")  # the fixtures of tests/test_access.py
    ours = _our_names(practice)
    assert len(ours) >= 6 and OTHER_SURNAME not in ours and "Berg" not in ours
    deviations: list[str] = []
    requests = 0
    for case in walked:
        if case.method != "GET":
            continue
        url = reverse(case.name, kwargs=case.kwargs)
        for who in identities:
            response = who.client.get(url)
            requests += 1
            expected = _expected_status(case, who)
            if response.status_code not in expected:
                deviations.append(f"{case.name} as {who.label}: {response.status_code}, "
                                  f"expected {expected}")
                continue
            text = _text(response)
            shown = _names_in(text, ours)
            if _shows_names(case, who) and response.status_code == 200 and not shown:
                deviations.append(f"{case.name} as {who.label}: no patient shown")
            if shown and not _shows_names(case, who):
                deviations.append(f"{case.name} as {who.label}: shows {sorted(shown)}")
            if not who.other_practice and OTHER_SURNAME in text:
                deviations.append(f"{case.name} as {who.label}: shows the other practice's "
                                  "patient")
    for url, page in _admin_urls(users, practice):
        for who in identities:
            response = who.client.get(url)
            requests += 1
            expected = _admin_expected(url, page, who)
            if response.status_code not in expected:
                deviations.append(f"{url} as {who.label}: {response.status_code}, "
                                  f"expected {expected}")
                continue
            shown = _names_in(_text(response), ours | {OTHER_SURNAME})
            if shown:
                deviations.append(f"{url} as {who.label}: shows {sorted(shown)}")
    with capsys.disabled():
        print(f"\ncontent walk: {requests} requests, {len(deviations)} deviations")
    assert not deviations, "\n" + "\n".join(deviations)
