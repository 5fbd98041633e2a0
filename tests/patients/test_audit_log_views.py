"""Reading the access log: the privacy officer's log viewer, its filters and export, one
event's patients, and a patient's "who has seen this record" (docs/security.md)."""

import csv
import io
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from patients.audit import audit_log
from patients.audit_selectors import PATIENT_MATCH_LIMIT
from patients.models import PRIVACY_OFFICER_ROLES, AuditEvent, Membership, Role
from tests.factories import MembershipFactory, PatientFactory, UserFactory
from tests.url_cases import audit_log_cases

AMS = ZoneInfo("Europe/Amsterdam")


def _officer(user):
    Membership.objects.filter(user=user).update(privacy_officer=True)
    return user


@pytest.fixture
def officer(users):
    return _officer(users[Role.BEHEERDER])


@pytest.fixture
def poh(users):
    return users[Role.POH_GGZ]


def _event(user, *, at=None, practice=None, patient=None, patients=(), action="view",
           role="poh_ggz", detail="patients:groslijst", object_type="patients:groslijst"):
    when = at or timezone.now()
    with time_machine.travel(when, tick=False):
        return audit_log(user=user, action=action, practice=practice, patient=patient,
                         patients=patients, object_type=object_type, detail=detail, role=role)


def _rows(response) -> list[str]:
    """The event ids of the log page's rows, in order."""
    return [e.pk for e in response.context["page"].object_list]


def _get(client, **query):
    return client.get(reverse("patients:audit-log"), query)


# --- who may open it -------------------------------------------------------------------

@pytest.mark.parametrize("role", Role.values)
def test_the_flag_opens_the_log_for_the_practice_staff_and_cannot_be_set_for_others(
        role, project, users, client_for):
    user = users[role]
    cases = audit_log_cases(project)
    client = client_for(user)
    for case in cases:  # without the flag: only the roles of the patient page
        response = client.get(reverse(case.name, kwargs=case.kwargs))
        assert response.status_code == (200 if role in case.roles else 403), (case.name, role)
    if role not in PRIVACY_OFFICER_ROLES:
        with pytest.raises(IntegrityError), transaction.atomic():
            Membership.objects.filter(user=user).update(privacy_officer=True)
        return
    _officer(user)
    for case in cases:
        response = client.get(reverse(case.name, kwargs=case.kwargs))
        assert response.status_code == 200, (case.name, role)


def test_the_admin_refuses_the_flag_for_a_pharmacist_in_dutch(users, practice):
    membership = Membership.objects.get(user=users[Role.APOTHEKER])
    membership.privacy_officer = True
    from django.core.exceptions import ValidationError
    with pytest.raises(ValidationError) as refused:
        membership.full_clean()
    assert "kan niet de functionaris gegevensbescherming" in str(refused.value)


def test_anonymous_is_sent_to_login_and_another_practices_officer_sees_nothing_of_ours(
        client, officer, other_users, client_for, poh, practice):
    event = _event(poh, practice=practice, patients=[PatientFactory(practice=practice)])
    for name, kwargs in (("patients:audit-log", {}), ("patients:audit-event",
                                                      {"event_id": event.pk})):
        response = client.get(reverse(name, kwargs=kwargs))
        assert response.status_code == 302 and response.url.startswith("/inloggen/")
    other = client_for(_officer(other_users[Role.BEHEERDER]))
    assert other.get(reverse("patients:audit-event", kwargs={"event_id": event.pk})
                     ).status_code == 404
    assert event.pk not in _rows(_get(other))


def test_the_admin_can_add_change_or_delete_no_log_entry(client_for, django_user_model, poh,
                                                        practice):
    event = _event(poh, practice=practice)
    admin = django_user_model.objects.create_superuser("opzet", password="x" * 12)
    client = client_for(admin)
    assert client.get(reverse("admin:patients_auditevent_changelist")).status_code == 200
    assert client.get(reverse("admin:patients_auditevent_add")).status_code == 403
    delete = reverse("admin:patients_auditevent_delete", args=[event.pk])
    assert client.post(delete, {"post": "yes"}).status_code == 403
    change = reverse("admin:patients_auditevent_change", args=[event.pk])
    client.post(change, {"username": "iemand-anders"})
    assert AuditEvent.objects.get(pk=event.pk).username == poh.username


# --- the log and its filters -----------------------------------------------------------

def test_the_log_shows_the_practice_and_its_members_logins_but_not_another_practice(
        officer, poh, practice, other_users, other_practice, client_for):
    ours = _event(poh, practice=practice)
    login = _event(poh, action="login", object_type="session", detail="", role="")
    theirs = _event(other_users[Role.POH_GGZ], practice=other_practice)
    rows = _rows(_get(client_for(officer), gebruiker=poh.username))
    assert ours.pk in rows and login.pk in rows
    assert theirs.pk not in _rows(_get(client_for(officer)))


def test_the_period_filter_takes_whole_days_in_dutch_time_edges_included(officer, poh,
                                                                        practice, client_for):
    def at(*args):
        return datetime(*args, tzinfo=AMS)

    before = _event(poh, practice=practice, at=at(2026, 2, 28, 23, 59, 59))
    first = _event(poh, practice=practice, at=at(2026, 3, 1, 0, 0, 0))
    last = _event(poh, practice=practice, at=at(2026, 3, 31, 23, 59, 59))
    after = _event(poh, practice=practice, at=at(2026, 4, 1, 0, 0, 0))
    client = client_for(officer)
    # Dutch typing (dd-mm-jjjj) and the date field's own format both work.
    for since, until in (("01-03-2026", "31-03-2026"), ("2026-03-01", "2026-03-31")):
        rows = _rows(_get(client, van=since, tot=until, gebruiker=poh.username))
        assert rows == [last.pk, first.pk]
    assert _rows(_get(client, tot="28-02-2026", gebruiker=poh.username)) == [before.pk]
    assert _rows(_get(client, van="01-04-2026", gebruiker=poh.username))[-1] == after.pk


@pytest.mark.parametrize(("query", "message"), [
    ({"van": "31-12-1999"}, "Kies een datum vanaf 01-01-2000."),
    ({"van": "31-02-2026"}, "Voer een geldige datum in."),
    ({"tot": "morgen"}, "Voer een geldige datum in."),
    ({"van": "02-03-2026", "tot": "01-03-2026"}, "Deze datum ligt vóór de datum ‘van’."),
    ({"gebruiker": "niemand"}, "Selecteer een geldige keuze."),
    ({"actie": "wissen"}, "Selecteer een geldige keuze."),
    ({"rol": "directeur"}, "Selecteer een geldige keuze."),
    ({"patient": "B"}, "Typ minstens twee tekens"),
    ({"patient": "Onbekend"}, "Geen patiënt van deze praktijk"),
])
def test_a_bad_filter_gets_a_dutch_message_and_no_rows(query, message, officer, poh, practice,
                                                       client_for):
    _event(poh, practice=practice)
    response = _get(client_for(officer), **query)
    html = response.content.decode()
    assert response.status_code == 200
    assert message in html
    assert response.context["page"] is None and 'id="toegangslog"' not in html


def test_dates_on_the_edges_of_the_range_are_accepted(officer, client_for):
    today = timezone.localdate()
    client = client_for(officer)
    for query in ({"van": "01-01-2000"}, {"tot": today.strftime("%d-%m-%Y")},
                  {"van": today.isoformat(), "tot": today.isoformat()}):
        assert _get(client, **query).context["page"] is not None, query
    tomorrow = (today + timedelta(days=1)).strftime("%d-%m-%Y")
    response = _get(client, tot=tomorrow)
    assert response.context["page"] is None
    assert "niet later dan vandaag" in response.content.decode()


def test_the_user_action_and_role_filters_each_narrow_the_log(officer, users, practice,
                                                              client_for):
    poh, gp = users[Role.POH_GGZ], users[Role.HUISARTS]
    seen = _event(poh, practice=practice)
    exported = _event(poh, practice=practice, action="export")
    by_gp = _event(gp, practice=practice, role="huisarts")
    client = client_for(officer)
    assert _rows(_get(client, gebruiker=poh.username)) == [exported.pk, seen.pk]
    assert _rows(_get(client, gebruiker=gp.username)) == [by_gp.pk]
    assert _rows(_get(client, gebruiker=poh.username, actie="export")) == [exported.pk]
    assert _rows(_get(client, rol="huisarts")) == [by_gp.pk]
    # The user list offers every member by name, and only this practice's.
    choices = dict(_get(client).context["form"].fields["gebruiker"].choices)
    assert poh.username in choices and "poh_ggz-eik" not in choices


def test_the_patient_filter_finds_events_about_the_patient_and_lists_that_showed_them(
        officer, poh, practice, client_for):
    patient = PatientFactory(practice=practice, number="700001", surname="Vermeulen",
                             prefix="", initials="K.")
    other = PatientFactory(practice=practice, number="700002", surname="Bakker")
    own_page = _event(poh, practice=practice, patient=patient, object_type="participation")
    in_list = _event(poh, practice=practice, patients=[other, patient])
    _event(poh, practice=practice, patient=other)
    _event(poh, practice=practice, patients=[other])
    client = client_for(officer)
    for text in ("700001", "vermeulen", " K.  Vermeulen "):
        response = _get(client, patient=text, gebruiker=poh.username)
        assert _rows(response) == [in_list.pk, own_page.pk], text
    html = response.content.decode()
    assert reverse("patients:patient-access", kwargs={"patient_uuid": patient.uuid}) in html
    # A number is matched whole: 70000 is no patient's number nor in a name.
    assert "Geen patiënt" in _get(client, patient="70000").content.decode()


def test_a_name_search_may_match_up_to_the_limit_and_no_more(officer, practice, client_for):
    for n in range(PATIENT_MATCH_LIMIT):
        PatientFactory(practice=practice, number=f"6000{n:02}", surname="Smit")
    client = client_for(officer)
    assert _get(client, patient="Smit").context["page"] is not None
    PatientFactory(practice=practice, number="600099", surname="Smit")
    response = _get(client, patient="Smit")
    assert response.context["page"] is None
    assert "Meer dan 20 patiënten" in response.content.decode()


def test_the_log_pages_by_50_newest_first(officer, poh, practice, client_for):
    start = timezone.now() - timedelta(hours=2)
    events = [_event(poh, practice=practice, at=start + timedelta(minutes=n)) for n in range(50)]
    client = client_for(officer)
    first = _get(client, gebruiker=poh.username)
    assert _rows(first) == [e.pk for e in reversed(events)]
    assert not first.context["page"].has_other_pages()
    newest = _event(poh, practice=practice, at=start + timedelta(minutes=99))
    first = _get(client, gebruiker=poh.username)
    assert _rows(first)[0] == newest.pk and len(_rows(first)) == 50
    second = _get(client, gebruiker=poh.username, pagina="2")
    assert _rows(second) == [events[0].pk]
    # The pages keep the filters in their links.
    assert f"gebruiker={poh.username}&amp;pagina=2" in first.content.decode()


def test_each_row_shows_time_user_role_action_what_patients_and_address(officer, poh,
                                                                       practice, client_for):
    patients = [PatientFactory(practice=practice) for _ in range(3)]
    listed = _event(poh, practice=practice, patients=patients)
    client = client_for(officer)
    html = _get(client, gebruiker=poh.username).content.decode()
    row = html.split(f'id="regel-{listed.pk}"')[1].split("</tr>")[0]
    local = timezone.localtime(listed.at)
    for text in (local.strftime("%d-%m-%Y"), local.strftime("%H:%M:%S"), poh.get_full_name(),
                 "POH-GGZ", "bekeken", "Groslijst", "3 patiënten in een lijst",
                 "127.0.0.1" if listed.client_address else "–"):
        assert text in row, text
    detail = client.get(reverse("patients:audit-event", kwargs={"event_id": listed.pk}))
    shown = detail.content.decode()
    assert all(p.display_name in shown for p in patients)


def test_each_view_of_the_log_is_logged_with_its_filters_and_the_patients_it_named(
        officer, poh, practice, client_for):
    patient = PatientFactory(practice=practice, number="700005")
    _event(poh, practice=practice, patient=patient)
    _get(client_for(officer), patient="700005")
    entry = AuditEvent.objects.filter(user=officer).latest("id")
    assert (entry.action, entry.object_type, entry.role) == ("view", "auditlog", "beheerder")
    assert entry.detail == "patients:audit-log ?patient=700005"
    assert list(entry.shown.values_list("patient_id", flat=True)) == [patient.pk]


# --- the export ------------------------------------------------------------------------

def _csv(response) -> list[list[str]]:
    body = b"".join(response.streaming_content).decode("utf-8")
    assert body.startswith("\ufeff")
    return list(csv.reader(io.StringIO(body[1:]), delimiter=";"))


def test_the_export_streams_every_filtered_row_with_formulas_neutralised(officer, poh,
                                                                        practice, client_for):
    hostile = PatientFactory(practice=practice, number="700009", surname="=HYPERLINK(\"x\")",
                             prefix="", initials="")
    listed = [PatientFactory(practice=practice, number=f"71000{n}") for n in range(2)]
    start = timezone.now() - timedelta(hours=3)
    for n in range(60):  # more than one page
        _event(poh, practice=practice, at=start + timedelta(minutes=n))
    _event(poh, practice=practice, patient=hostile, detail="+cmd|' /C calc'!A0",
           at=start + timedelta(minutes=70))
    _event(poh, practice=practice, patients=listed, at=start + timedelta(minutes=71))
    response = client_for(officer).get(reverse("patients:audit-log-export"),
                                       {"gebruiker": poh.username})
    assert response.streaming and response["Content-Type"].startswith("text/csv")
    assert 'attachment; filename="toegangslog-DELINDE-' in response["Content-Disposition"]
    rows = _csv(response)
    assert rows[0][:5] == ["tijdstip", "gebruikersnaam", "naam gebruiker", "rol", "actie"]
    assert len(rows) == 1 + 62
    newest, hostile_row = rows[1], rows[2]
    assert newest[10:12] == ["2", "710000 710001"]
    assert hostile_row[7] == "'+cmd|' /C calc'!A0"
    assert hostile_row[8:10] == ["700009", "'=HYPERLINK(\"x\")"]
    assert hostile_row[3:5] == ["POH-GGZ", "bekeken"]


def test_the_export_is_logged_with_the_patients_it_holds(officer, poh, practice, client_for):
    about, shown = PatientFactory(practice=practice), PatientFactory(practice=practice)
    _event(poh, practice=practice, patient=about)
    _event(poh, practice=practice, patients=[shown])
    client_for(officer).get(reverse("patients:audit-log-export"), {"gebruiker": poh.username})
    entry = AuditEvent.objects.filter(user=officer, action="export").get()
    assert entry.object_type == "auditlog" and entry.object_id == str(practice.uuid)
    assert entry.detail == f"patients:audit-log-export ?gebruiker={poh.username}"
    assert set(entry.shown.values_list("patient_id", flat=True)) == {about.pk, shown.pk}


def test_a_bad_filter_exports_nothing_and_goes_back_to_the_page(officer, client_for):
    response = client_for(officer).get(reverse("patients:audit-log-export"),
                                       {"van": "31-12-1999"}, follow=True)
    assert response.redirect_chain[-1][0] == "/toegangslog/?van=31-12-1999"
    assert "niets gedownload" in response.content.decode()
    assert not AuditEvent.objects.filter(action="export").exists()


def test_the_archive_offers_each_year_and_exports_only_that_year(officer, poh, practice,
                                                                client_for):
    old = _event(poh, practice=practice, at=datetime(2024, 12, 31, 23, 30, tzinfo=AMS))
    new = _event(poh, practice=practice, at=datetime(2025, 1, 1, 0, 30, tzinfo=AMS))
    client = client_for(officer)
    html = _get(client).content.decode()
    this_year = timezone.localdate().year
    for year in range(2024, this_year + 1):
        assert f">{year}</a>" in html.replace('</i>', ''), year
    rows = _csv(client.get(reverse("patients:audit-log-export"),
                           {"van": "2024-01-01", "tot": "2024-12-31"}))
    times = [row[0] for row in rows[1:]]
    assert timezone.localtime(old.at).strftime("%d-%m-%Y %H:%M:%S") in times
    assert timezone.localtime(new.at).strftime("%d-%m-%Y %H:%M:%S") not in times


# --- who has seen this record -----------------------------------------------------------

def test_who_has_seen_this_record_lists_own_page_and_list_views_but_no_others(
        users, practice, client_for):
    poh, assistant = users[Role.POH_GGZ], users[Role.ASSISTENT]
    patient, other = PatientFactory(practice=practice), PatientFactory(practice=practice)
    opened = _event(assistant, practice=practice, patient=patient, role="assistent",
                    object_type="participation", detail="tapering:phone-note")
    listed = _event(poh, practice=practice, patients=[other, patient])
    elsewhere = _event(poh, practice=practice, patient=other)
    url = reverse("patients:patient-access", kwargs={"patient_uuid": patient.uuid})
    gp = users[Role.HUISARTS]
    response = client_for(gp).get(url)
    rows = _rows(response)
    assert rows[1:] == [listed.pk, opened.pk] and elsewhere.pk not in rows
    html = response.content.decode()
    assert "in een lijst van 2 patiënten" in html and "eigen pagina van deze patiënt" in html
    # The GP's visit is logged as a view of the patient, and listed first.
    visit = AuditEvent.objects.get(pk=rows[0])
    assert (visit.user, visit.patient, visit.action) == (gp, patient, "view")
    assert client_for(assistant).get(url).status_code == 403


def test_the_timeline_links_to_who_has_seen_this_record(project, users, client_for):
    from patients.models import Participation

    participation = Participation.objects.create(
        project=project, patient=PatientFactory(practice=project.practice),
        reference_date=date(2026, 9, 15), created_by=users[Role.POH_GGZ])
    timeline = reverse("tapering:timeline", kwargs={
        "project_uuid": project.uuid, "participation_uuid": participation.uuid})
    html = client_for(users[Role.HUISARTS]).get(timeline).content.decode()
    assert reverse("patients:patient-access",
                   kwargs={"patient_uuid": participation.patient.uuid}) in html


# --- start page ---------------------------------------------------------------------------

@pytest.mark.parametrize("role", PRIVACY_OFFICER_ROLES)
def test_the_privacy_officer_finds_the_log_on_the_start_page_and_menu(role, users, client_for):
    from tests.test_home import _assert_every_link_answers_200, _start_page_links

    client = client_for(users[role])
    log = reverse("patients:audit-log")
    _html, links = _start_page_links(client)
    assert log not in links
    _officer(users[role])
    html, links = _start_page_links(client)
    assert log in links and 'id="toegangslog-start"' in html
    _assert_every_link_answers_200(client, role, links)


def test_the_flag_counts_only_in_its_own_practice(practice, other_practice, client_for):
    from tests.test_home import _start_page_links

    user = UserFactory()
    MembershipFactory(user=user, practice=other_practice, role=Role.POH_GGZ,
                      privacy_officer=True)
    MembershipFactory(user=user, practice=practice, role=Role.POH_GGZ)
    client = client_for(user)
    assert client.get(reverse("patients:audit-log")).status_code == 200
    client.post(reverse("practice-switch"), {"practice": str(practice.uuid)})
    _html, links = _start_page_links(client)
    assert reverse("patients:audit-log") not in links
    assert client.get(reverse("patients:audit-log")).status_code == 403


@pytest.mark.parametrize(("object_type", "detail", "what"), [
    ("patients:groslijst", "patients:groslijst", ("Groslijst", "")),
    ("participation", "tapering:timeline", ("Tijdlijn", "deelname")),
    ("participation", "status naar mailing", ("deelname", "status naar mailing")),
    ("auditlog", "patients:audit-log ?patient=J.+Berg&rol=huisarts",
     ("Toegangslog", "filters: patient=J. Berg, rol=huisarts")),
    ("session", "", ("sessie", "")),
    ("patients:iets-nieuws", "patients:iets-nieuws", ("patients:iets-nieuws", "")),
])
def test_the_log_says_what_an_event_was_about_in_words(object_type, detail, what, poh,
                                                      practice):
    from patients.audit_selectors import event_object_label

    event = _event(poh, practice=practice, object_type=object_type, detail=detail)
    assert tuple(map(str, event_object_label(event))) == what


@pytest.mark.parametrize(("role", "officer", "shown"), [
    (Role.POH_GGZ, False, True), (Role.HUISARTS, False, True),
    (Role.ASSISTENT, False, False), (Role.ASSISTENT, True, True),
])
def test_a_patients_letters_page_links_to_who_has_seen_the_record_for_who_may_open_it(
        role, officer, shown, practice, users, client_for):
    patient = PatientFactory(practice=practice)
    if officer:
        _officer(users[role])
    client = client_for(users[role])
    html = client.get(reverse("letters:patient-letters",
                              kwargs={"patient_uuid": patient.uuid})).content.decode()
    link = reverse("patients:patient-access", kwargs={"patient_uuid": patient.uuid})
    assert (link in html) is shown
    if shown:
        assert client.get(link).status_code == 200
