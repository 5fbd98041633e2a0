"""Access control and the access log for every URL (docs/domain.md#roles)."""

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from patients.models import AuditEvent, Membership, Role

from .url_cases import UNGUARDED_PREFIXES, cases


def _all_url_names(resolver=None, prefix="") -> set[str]:
    names = set()
    for entry in (resolver or get_resolver()).url_patterns:
        if isinstance(entry, URLResolver):
            ns = f"{prefix}{entry.namespace}:" if entry.namespace else prefix
            names |= _all_url_names(entry, ns)
        elif isinstance(entry, URLPattern) and entry.name:
            names.add(prefix + entry.name)
    return names


@pytest.fixture
def step(project):
    return project.plan_steps.filter(who=Role.POH_GGZ).first()


SMALL_HIS = (
    "patientnummer;achternaam;tussenvoegsel;voorletters;geslacht;geboortedatum;straat;"
    "huisnummer;postcode;woonplaats;telefoon;huisarts;voorschrijfdatum;atc;omschrijving;"
    "sterkte;eenheid;aantal;gebruiksvoorschrift\r\n"
    "100001;Vlietstra;van den;T.;V;25-12-1952;Molenlaan;64-2;6874 JC;Zevenaar;06-1;M. Öztürk;"
    "07-07-2026;N05CD07;Temazepam 20mg capsule;20;mg;30;1 dd 1\r\n"
    ";Kloosterboer;;T.;V;25-12-1952;Molenlaan;1;6874 JC;Zevenaar;;M. Öztürk;07-07-2026;N05CD07;x;"
    "20;mg;30;\r\n"
).encode("cp1252")


@pytest.fixture
def imports(practice, users):
    from patients.importing.load import import_batch_prepare, import_file

    poh = users[Role.POH_GGZ]
    done = import_file(practice=practice, user=poh, data=SMALL_HIS, file_name="his.csv")
    pending, _reader = import_batch_prepare(practice=practice, user=poh, data=SMALL_HIS,
                                            file_name="his2.csv")
    return done, pending


@pytest.fixture
def participation(project, practice, users):
    """A patient of the project still to screen."""
    from datetime import date

    from patients.models import Participation
    from tests.factories import PatientFactory

    return Participation.objects.create(
        project=project, patient=PatientFactory(practice=practice, number="900002"),
        reference_date=date(2026, 9, 15), created_by=users[Role.POH_GGZ])


@pytest.fixture
def letters(project, users):
    """A ready print run of the project with one letter (tests/letters/helpers.py)."""
    from types import SimpleNamespace

    from letters.services import letter_run_create, letter_run_start
    from tests.letters.helpers import on_mailing_list

    project.gps.add(users[Role.HUISARTS])
    participation = on_mailing_list(project, users[Role.HUISARTS], number="900001")
    run = letter_run_create(project=project, user=users[Role.ASSISTENT])
    letter_run_start(run=run)
    run.refresh_from_db()
    return SimpleNamespace(run=run, letter=run.letters.get(), participation=participation)


@pytest.fixture
def consultation(project, practice, users):
    """A consult planned today at 9:00 for a patient of the project with a consult planned."""
    from datetime import date, datetime, time

    from django.utils import timezone

    from patients.models import Participation
    from tapering.services import consultation_plan
    from tests.factories import PatientFactory

    poh = users[Role.POH_GGZ]
    part = Participation.objects.create(
        project=project, patient=PatientFactory(practice=practice, number="900003"),
        reference_date=date(2026, 9, 15), created_by=poh, status="consult_planned")
    today = timezone.localdate()
    return consultation_plan(participation=part, user=poh, kind="evaluation", held_by=poh,
                             at=timezone.make_aware(datetime.combine(today, time(9))),
                             today=today)


@pytest.fixture
def schedule(project, practice, users):
    """A tapering schedule, without a switch to diazepam, of a patient after a consult."""
    from datetime import date
    from decimal import Decimal

    from patients.models import Participation
    from tapering.plans import PlanChoice
    from tapering.services import taper_schedule_make
    from tests.factories import PatientFactory
    from tests.tapering.schedule_helpers import reference_table_load

    reference_table_load()
    part = Participation.objects.create(
        project=project, patient=PatientFactory(practice=practice, number="900004"),
        reference_date=date(2026, 9, 15), created_by=users[Role.POH_GGZ],
        status=Participation.Status.CONSULT_PLANNED)
    choice = PlanChoice(atc="N05CD07", strength_mg=Decimal(20), dose_mg=Decimal(20),
                        preset="deprescribing", start=date(2027, 1, 4))
    return taper_schedule_make(participation=part, user=users[Role.POH_GGZ], choice=choice,
                               today=date(2027, 1, 4))


@pytest.fixture
def all_cases(project, step, imports, participation, letters, consultation, schedule):
    return cases(project, step, *imports, participation=participation, letters=letters,
                 consultation=consultation, schedule=schedule)


def _fresh_cases(project, step, practice, users, participation, letters, consultation,
                 schedule):
    """Cases with their own pending import, for tests that POST (start/discard consume it)."""
    from patients.importing.load import import_batch_prepare

    done = practice.imports.filter(status="done").first()
    pending, _reader = import_batch_prepare(practice=practice, user=users[Role.POH_GGZ],
                                            data=SMALL_HIS, file_name="his3.csv")
    return cases(project, step, done, pending, participation=participation, letters=letters,
                 consultation=consultation, schedule=schedule)


def _call(client, case):
    url = reverse(case.name, kwargs=case.kwargs)
    return client.post(url, case.data) if case.method == "POST" else client.get(url)


def test_every_url_has_an_access_case(all_cases):
    listed = {case.name for case in all_cases}
    guarded = {n for n in _all_url_names() if not n.startswith(UNGUARDED_PREFIXES)}
    assert guarded - listed == set(), "add the new URL to tests/url_cases.py"
    assert listed - guarded == set()


def test_every_guarded_view_goes_through_practice_view(all_cases):
    for case in all_cases:
        view = get_resolver().resolve(reverse(case.name, kwargs=case.kwargs)).func
        assert getattr(view, "allowed_roles", None) == (case.view_roles or case.roles), case.name
        assert getattr(view, "privacy_officer", None) is case.privacy_officer, case.name


def test_every_page_has_a_name_in_the_access_log_viewer(all_cases):
    from patients.audit_pages import PAGE_NAMES

    pages = {case.name for case in all_cases if case.method == "GET"}
    assert pages - set(PAGE_NAMES) == set(), "name the page in patients/audit_pages.py"


def _user_for(case, users):
    """A user who may use ``case``: of its first role, or the practice's privacy officer
    (the beheerder, made one here) for a view that only the privacy officer opens."""
    if case.roles:
        return users[next(iter(sorted(case.roles)))]
    officer = users[Role.BEHEERDER]
    Membership.objects.filter(user=officer).update(privacy_officer=True)
    return officer


def test_anonymous_requests_are_sent_to_login(client, all_cases):
    for case in all_cases:
        response = _call(client, case)
        assert response.status_code == 302, case.name
        assert response.url.startswith(reverse("login") + "?next="), case.name


@pytest.mark.parametrize("role", Role.values)
def test_each_role_gets_403_exactly_where_it_has_no_access(role, users, client_for, project,
                                                            step, imports, practice,
                                                            participation, letters,
                                                            consultation, schedule):
    client = client_for(users[role])
    for case in _fresh_cases(project, step, practice, users, participation, letters,
                             consultation, schedule):
        response = _call(client, case)
        if role in case.roles:
            assert response.status_code in (200, 204, 302), (case.name, role, response.status_code)
        else:
            assert response.status_code == 403, (case.name, role, response.status_code)


def test_objects_of_another_practice_answer_404(other_users, client_for, project, step,
                                                all_cases):
    for case in all_cases:
        if not case.kwargs:
            continue
        response = _call(client_for(_user_for(case, other_users)), case)
        assert response.status_code == 404, case.name


def test_a_user_without_membership_gets_403_with_what_to_do(client_for, django_user_model,
                                                             all_cases):
    loner = django_user_model.objects.create_user("zonder-praktijk", password="x" * 12)
    client = client_for(loner)
    for case in all_cases:
        response = _call(client, case)
        assert response.status_code == 403, case.name
        assert "nog niet gekoppeld aan een praktijk" in response.content.decode()


def test_an_administrator_without_practice_is_sent_to_the_admin(client_for, django_user_model):
    admin = django_user_model.objects.create_superuser("opzet", password="x" * 12)
    response = client_for(admin).get(reverse("home"))
    assert response.status_code == 302 and response.url == reverse("admin:index")


def test_every_page_opened_is_in_the_audit_log_with_its_object(users, client_for, project,
                                                              step, all_cases):
    for case in all_cases:
        if case.method != "GET":
            continue
        user = _user_for(case, users)
        client = client_for(user)
        before = AuditEvent.objects.count()
        response = _call(client, case)
        assert response.status_code in (200, 204), case.name
        event = AuditEvent.objects.order_by("-id").first()
        if case.audit_events is None:
            assert AuditEvent.objects.count() > before, case.name
        else:
            assert AuditEvent.objects.count() == before + case.audit_events, case.name
        assert event.action == case.audit_action, case.name
        assert event.user == user and event.username == user.username
        assert event.practice == project.practice
        if case.audit_action == AuditEvent.Action.VIEW:
            assert event.detail == case.name
        assert event.client_address == "127.0.0.1"
        assert event.role in case.roles or case.privacy_officer, case.name
        if case.audited_id:
            assert event.object_id == case.audited_id, case.name
        else:
            assert event.object_type == case.name


def test_a_refused_request_opens_nothing_and_logs_no_view(users, client_for, project):
    client = client_for(users[Role.ASSISTENT])
    before = AuditEvent.objects.count()  # after the login event
    response = client.get(reverse("patients:project-edit", kwargs={"project_uuid": project.uuid}))
    assert response.status_code == 403
    assert "Geen toegang" in response.content.decode()
    assert AuditEvent.objects.count() == before
