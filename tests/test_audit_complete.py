"""The access log is complete (issue 15, point 2; docs/security.md): every page and export
that shows patients names each of them in its access-log entry, with the role and the
client address.

The walk takes its URLs from the URL patterns (through tests/url_cases.py, which
tests/test_access.py keeps complete): every URL with a GET case is opened as every role
that may open it, and the text of the response (HTML, CSV, Excel, PDF) is searched for the
name of every patient of the practice. Each patient found must be named by the events the
request wrote, and those events name no one else. A page that shows no patient says so in
``NO_PATIENTS`` below; every other page must show at least one seeded patient, so a page
that stops recording is found.
"""

import io
import itertools
import re
from datetime import date, timedelta

import pytest
from django.db.models.signals import pre_save
from django.urls import reverse
from django.utils import timezone

from patients.models import (
    AuditEvent,
    AuditEventPatient,
    Membership,
    Participation,
    Patient,
    Role,
)

from . import test_access as shared
from .test_access import _all_url_names
from .url_cases import UNGUARDED_PREFIXES, Case, cases

# The practice of tests/test_access.py: its fixtures, used here too.
step, participation, letters = shared.step, shared.participation, shared.letters
consultation, schedule = shared.consultation, shared.schedule

ADDRESS = "203.0.113.7"

# Pages that show no patient, with why. Everything else with a GET case must show (and log)
# the seeded patients.
NO_PATIENTS = {
    "patients:project-list",  # projects, their lead and counts
    "patients:project-create",  # an empty form
    "patients:project-detail",  # the plan of approach: steps and counts
    "patients:project-edit",
    "patients:plan-step-add",
    "patients:plan-step-edit",
    "patients:import-upload",  # the upload form and the last imports (file names)
    "patients:import-list",  # the history of uploads: file names and counts
    "patients:import-progress",  # a progress bar
    "patients:substance-list",  # the reference list of medicines
    "patients:gp-names",  # GP names from the exports, no patients
    "letters:index",  # the practice's projects
    "letters:run-progress",  # a progress bar
    "letters:template-list",  # the practice's letter texts
    "letters:logo",
    "letters:signature",
    "monitoring:targets",  # result targets: figures
    "monitoring:snapshots",  # monthly figures
    "monitoring:evaluation",  # figures and the team's reflection
    "monitoring:report-pdf",  # the report counts patients, never names them
    "monitoring:group",  # the FTO group: pseudonymised figures per practice
    "monitoring:group-csv",
    "monitoring:group-xlsx",
    "monitoring:capacity",  # the capacity planner: counts and minutes, no patient
}
# Pages of one patient's record that leave the name out (named in the log all the same):
# the blank questionnaire to print and the schedule's preview partial (htmx).
# The access log's export names patients by their number, not their name.
BY_NUMBER = {"patients:audit-log-export"}
OPTIONAL = {"tapering:questionnaire-blank", "tapering:schedule-preview"}

# Query strings that make a page show more (its exports, a search) besides the plain page.
VARIANTS = {
    "patients:groslijst": ["", "alle=on", "alle=on&formaat=csv", "alle=on&formaat=xlsx",
                           "alle=on&zoek=Proef"],
    "patients:screening-overview": ["", "formaat=csv"],
    "patients:differences": ["", "formaat=csv", "zoek=Verschil"],
    "tapering:phone-note-search": ["", "zoek=Proef"],
    "letters:template-edit": ["", "soort=uitnodiging"],
    "patients:links": ["", "weergave=koppelingen"],
    "patients:link-manual": ["", "zoek=Proef"],
}


@pytest.fixture(autouse=True)
def _distinct_names():
    """Every patient made in these tests gets a name of its own ("Proefnaam007"), found in
    a page's text without matching another."""
    counter = itertools.count(1)

    def rename(sender, instance, **kwargs):
        if instance.pk is None and instance.surname == "Berg":
            instance.surname = f"Proefnaam{next(counter):03d}"

    pre_save.connect(rename, sender=Patient, dispatch_uid="distinct-names")
    yield
    pre_save.disconnect(sender=Patient, dispatch_uid="distinct-names")


HIS = (
    "patientnummer;achternaam;tussenvoegsel;voorletters;geslacht;geboortedatum;straat;"
    "huisnummer;postcode;woonplaats;telefoon;huisarts;voorschrijfdatum;atc;omschrijving;"
    "sterkte;eenheid;aantal;gebruiksvoorschrift\r\n"
    "{n};Proefimport{n};;A.;V;25-12-1952;Molenlaan;1;6874 JC;Zevenaar;06-1;M. Öztürk;"
    "{d1};N05CD07;Temazepam 20mg capsule;20;mg;30;1 dd 1\r\n"
    "{n};Proefimport{n};;A.;V;25-12-1952;Molenlaan;1;6874 JC;Zevenaar;06-1;M. Öztürk;"
    "{d2};N05CD07;Temazepam 20mg capsule;20;mg;30;1 dd 1\r\n"
    # Rejected (no such date): a row of a patient the app knows.
    "{n};Proefimport{n};;A.;V;25-12-1952;Molenlaan;1;6874 JC;Zevenaar;06-1;M. Öztürk;"
    "31-02-2026;N05CD07;Temazepam 20mg capsule;20;mg;30;1 dd 1\r\n"
)


def _his(number: str, today: date) -> bytes:
    recent = (today - timedelta(days=20)).strftime("%d-%m-%Y")
    past = (today - timedelta(days=200)).strftime("%d-%m-%Y")
    return HIS.format(n=number, d1=recent, d2=past).encode("cp1252")


@pytest.fixture
def imports(practice, users):
    """A done import (a chronic user on the groslijst, one rejected row naming them) and a
    waiting one whose preview shows that patient and one the app does not know yet."""
    from patients.importing.load import import_batch_prepare, import_file

    poh, today = users[Role.POH_GGZ], timezone.localdate()
    done = import_file(practice=practice, user=poh, data=_his("700001", today),
                       file_name="his.csv")
    waiting = _his("700001", today) + _his("700002", today).split(b"\r\n", 1)[1]
    pending, _reader = import_batch_prepare(practice=practice, user=poh, data=waiting,
                                            file_name="his2.csv")
    return done, pending


@pytest.fixture
def seeded(project, practice, users, imports, participation, letters, consultation, schedule,
           step):
    """The practice of tests/test_access.py with patients on the lists the shared fixtures
    leave empty: a GP's last screening decision, a call back due today, a patient not
    reached with a reserve to offer, and a reminder."""
    from patients.models import DueItem
    from patients.services import screening_decide
    from tests.factories import PatientFactory

    poh, gp, today = users[Role.POH_GGZ], users[Role.HUISARTS], timezone.localdate()
    S = Participation.Status

    def part(status, **fields):
        return Participation.objects.create(
            project=project, patient=PatientFactory(practice=practice), created_by=poh,
            reference_date=date(2026, 9, 15), status=status, **fields)

    # The GP's last decision: the screening page's bar names that patient.
    screening_decide(participation=part(S.TO_SCREEN), user=gp, decision="approach",
                     reason="", note="")
    part(S.CALLBACK_DUE, next_call_on=today)
    part(S.NOT_REACHED)
    part(S.RESERVE, rank=1)
    reminded = part(S.TAPERING)
    DueItem.objects.create(project=project, participation=reminded,
                           kind=DueItem.Kind.MONITOR_CONTACT, due_on=today, assigned_to=gp)
    return cases(project, step, *imports, participation=participation, letters=letters,
                 consultation=consultation, schedule=schedule)


def _text(response) -> str:
    body = (b"".join(response.streaming_content) if response.streaming
            else response.content)
    kind = response.get("Content-Type", "")
    if kind.startswith("application/pdf"):
        from pypdf import PdfReader

        return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(body)).pages)
    if "spreadsheetml" in kind:
        from openpyxl import load_workbook

        book = load_workbook(io.BytesIO(body), read_only=True)
        return "\n".join(str(cell) for sheet in book.worksheets
                         for row in sheet.iter_rows(values_only=True) for cell in row)
    return body.decode("utf-8-sig")


def _walk(seeded, project) -> list[tuple[Case, str]]:
    """Each GET case with the query strings that show more, and the dashboard's patient
    table and its exports on the project with patients (the shared case opens an empty
    project)."""
    p = {"project_uuid": project.uuid}
    extra = [
        Case("monitoring:dashboard", "GET", frozenset({Role.POH_GGZ, Role.HUISARTS}), p),
        Case("monitoring:dashboard-export", "GET", frozenset({Role.POH_GGZ, Role.HUISARTS}),
             {**p, "key": "patients"}),
    ]
    walk = []
    for case in [*seeded, *extra]:
        if case.method != "GET":
            continue
        queries = VARIANTS.get(case.name, [""])
        if case.name == "monitoring:dashboard-export":
            queries = ["formaat=csv", "formaat=xlsx"]
        walk += [(case, query) for query in queries]
    return walk


def _named(before: int) -> tuple[list[AuditEvent], set[int], set[int]]:
    """The events a request wrote, the patients they are about (a page of one patient's
    record) and the patients they list as shown."""
    events = list(AuditEvent.objects.filter(id__gt=before))
    about = {e.patient_id for e in events if e.patient_id is not None}
    listed = set(AuditEventPatient.objects.filter(event__in=events)
                 .values_list("patient_id", flat=True))
    return events, about, listed


def test_every_page_and_export_names_each_patient_it_shows_the_role_and_the_address(
        seeded, project, practice, users, client_for):
    patients = {p.pk: p.surname for p in Patient.objects.filter(practice=practice)}
    numbers = {p.pk: p.number for p in Patient.objects.filter(practice=practice)}
    assert all(name.startswith("Proef") for name in patients.values())
    walk = _walk(seeded, project)
    # The access log's pages are the privacy officer's: the administrator is one here.
    Membership.objects.filter(user=users[Role.BEHEERDER], practice=practice).update(
        privacy_officer=True)
    showing: set[str] = set()
    problems = []
    for case, query in walk:
        officer = {Role.BEHEERDER} if case.privacy_officer else set()
        for role in sorted(case.roles | officer):
            user = users[role]
            client = client_for(user)  # its login is an event of its own
            url = reverse(case.name, kwargs=case.kwargs) + (f"?{query}" if query else "")
            before = AuditEvent.objects.order_by("-id").values_list("id", flat=True).first()
            response = client.get(url, REMOTE_ADDR=ADDRESS)
            where = (case.name, query, role)
            assert response.status_code in (200, 204), (*where, response.status_code)
            text = _text(response)
            shown = {pk for pk, name in patients.items() if name in text}
            if case.name in BY_NUMBER:
                shown |= {pk for pk, number in numbers.items()
                          if re.search(rf"\b{re.escape(number)}\b", text)}
            events, about, listed = _named(before or 0)
            # Each patient shown is named; a list names no one it did not show. A page of
            # one patient's record names that patient, also where it leaves the name out
            # (a partial, a blank form).
            if not events or not shown <= about | listed or not listed <= shown:
                problems.append((*where, "shown", sorted(shown), "about", sorted(about),
                                 "listed", sorted(listed)))
            for event in events:
                assert (event.user, event.role, event.client_address) == (
                    user, role, ADDRESS), where
            if shown:
                showing.add(case.name)
    assert problems == [], "\n".join(map(str, problems))
    walked = {case.name for case, _query in walk}
    assert showing & NO_PATIENTS == set(), "a page listed as showing no patient shows one"
    assert walked - NO_PATIENTS - OPTIONAL - showing == set(), \
        "these pages showed no patient: seed one, or list the page in NO_PATIENTS"


def test_every_url_is_walked_or_is_an_action(seeded):
    """A URL without a GET case only changes something (a POST that redirects): the page it
    leads to is walked. NO_PATIENTS names only real pages."""
    gets = {case.name for case in seeded if case.method == "GET"}
    posts = {case.name for case in seeded if case.method == "POST"}
    guarded = {n for n in _all_url_names() if not n.startswith(UNGUARDED_PREFIXES)}
    assert guarded == gets | posts
    assert gets >= NO_PATIENTS | OPTIONAL


def test_a_search_keeps_its_term_and_the_patients_it_found(seeded, users, client_for):
    client = client_for(users[Role.ASSISTENT])
    client.get(reverse("tapering:phone-note-search") + "?zoek=Proefnaam", REMOTE_ADDR=ADDRESS)
    event = AuditEvent.objects.latest("id")
    assert event.detail == "tapering:phone-note-search: search 'Proefnaam'"
    assert event.shown.exists()
    client.get(reverse("tapering:phone-note-search") + "?zoek=Niemand", REMOTE_ADDR=ADDRESS)
    event = AuditEvent.objects.latest("id")
    assert event.detail == "tapering:phone-note-search: search 'Niemand'"
    assert not event.shown.exists()


def test_a_page_of_a_list_names_the_patients_of_that_page_only(practice, users, client_for,
                                                                 prescribe):
    from patients.views.groslijst import PAGE_SIZE
    from tests.factories import PatientFactory

    today = timezone.localdate()
    for _n in range(PAGE_SIZE + 2):
        patient = PatientFactory(practice=practice)
        prescribe(patient, today - timedelta(days=20))
        prescribe(patient, today - timedelta(days=200))
    client = client_for(users[Role.HUISARTS])
    counts = []
    for page in (1, 2):
        client.get(reverse("patients:groslijst") + f"?alle=on&pagina={page}")
        counts.append(AuditEvent.objects.latest("id").shown.count())
    assert counts == [PAGE_SIZE, 2]
    client.get(reverse("patients:groslijst") + "?alle=on&formaat=csv")
    assert AuditEvent.objects.latest("id").shown.count() == PAGE_SIZE + 2


def test_an_import_preview_notes_the_numbers_the_app_does_not_know(imports, users, client_for):
    _done, pending = imports
    client_for(users[Role.POH_GGZ]).get(
        reverse("patients:import-preview", kwargs={"import_uuid": pending.uuid}))
    event = AuditEvent.objects.latest("id")
    assert event.detail.endswith("rows of numbers not in the app: 700002")
    assert [s.patient.number for s in event.shown.select_related("patient")] == ["700001"]


def test_a_form_posted_back_names_the_patients_it_shows_again(letters, users, client_for):
    """The letter editor's preview (a POST) shows the patient picker again: named; saving
    (a redirect) shows no page and names no one."""
    client = client_for(users[Role.POH_GGZ])
    text = {"subject": "Stoppen met slaapmiddelen", "body": "{aanhef},\n\nTekst."}
    before = AuditEvent.objects.latest("id").pk
    client.post(reverse("letters:template-preview"), text, REMOTE_ADDR=ADDRESS)
    [view] = AuditEvent.objects.filter(id__gt=before, action=AuditEvent.Action.VIEW)
    assert list(view.shown.values_list("patient_id", flat=True)) == [
        letters.participation.patient_id]
    before = AuditEvent.objects.latest("id").pk
    assert client.post(reverse("letters:template-save"), text).status_code == 302
    assert not AuditEvent.objects.filter(id__gt=before, action=AuditEvent.Action.VIEW).exists()
