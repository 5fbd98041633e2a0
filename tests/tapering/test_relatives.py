"""Relatives involved and hand-outs given (docs/domain.md#relatives): the services, the
sections on the timeline page, removal with a confirmation, roles, 404 and the audit log."""

from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from patients.models import AuditEvent, Participation, ParticipationEvent, Role
from tapering import services
from tapering.models import HandOut, Relative
from tests.factories import PatientFactory

S = Participation.Status
TODAY = date(2026, 11, 16)


@pytest.fixture
def part(project, users) -> Participation:
    patient = PatientFactory(practice=project.practice, number="700001", surname="Naaste")
    return Participation.objects.create(
        project=project, patient=patient, reference_date=date(2026, 9, 15),
        status=S.TAPERING, created_by=users[Role.POH_GGZ])


def urls(part, name, *extra):
    return reverse(f"tapering:{name}", args=[part.project.uuid, part.uuid, *extra])


def timeline(part):
    return urls(part, "timeline")


def test_a_relative_is_added_and_removed_with_timeline_and_audit(part, users):
    poh = users[Role.POH_GGZ]
    relative = services.relative_add(participation=part, user=poh, name=" Els ",
                                     relation="partner", phone="06-11112222", may_contact=True)
    assert (relative.name, relative.relation, relative.may_contact) == ("Els", "partner", True)
    event = ParticipationEvent.objects.get(participation=part)
    assert event.what == "Naaste toegevoegd: Els (partner)" and event.to_status == S.TAPERING
    audit = AuditEvent.objects.filter(object_id=str(relative.uuid)).get()
    assert audit.action == "create" and audit.patient == part.patient
    services.relative_remove(relative=relative, user=poh)
    relative.refresh_from_db()
    assert relative.removed_at is not None and relative.removed_by == poh
    assert AuditEvent.objects.filter(object_id=str(relative.uuid), action="delete").count() == 1
    with pytest.raises(services.RelativeError, match="al verwijderd"):
        services.relative_remove(relative=relative, user=poh)
    assert ParticipationEvent.objects.filter(participation=part).count() == 2


def test_a_hand_out_needs_a_date_not_in_the_future_and_other_needs_a_text(part, users):
    poh = users[Role.POH_GGZ]
    with pytest.raises(services.RelativeError, match="toekomst"):
        services.hand_out_add(participation=part, user=poh, kind="workbook",
                              given_on=TODAY + timedelta(days=1), today=TODAY)
    with pytest.raises(services.RelativeError, match="Zeg wat"):
        services.hand_out_add(participation=part, user=poh, kind="other", text="  ",
                              given_on=TODAY, today=TODAY)
    assert not HandOut.objects.exists()
    book = services.hand_out_add(participation=part, user=poh, kind="workbook",
                                 given_on=TODAY, today=TODAY)
    other = services.hand_out_add(participation=part, user=poh, kind="other",
                                  text="folder slaaphygiëne", given_on=TODAY, today=TODAY)
    assert book.label == "Werkboek" and other.label == "folder slaaphygiëne"
    whats = list(ParticipationEvent.objects.filter(participation=part).values_list(
        "what", flat=True))
    assert whats == ["Meegegeven op 16-11-2026: Werkboek",
                     "Meegegeven op 16-11-2026: folder slaaphygiëne"]
    services.hand_out_remove(hand_out=book, user=poh)
    with pytest.raises(services.RelativeError):
        services.hand_out_remove(hand_out=book, user=poh)


@pytest.mark.parametrize("role", [Role.POH_GGZ, Role.HUISARTS])
def test_the_timeline_sections_add_and_remove_after_confirmation(part, users, client_for,
                                                                 role):
    client = client_for(users[role])
    page = client.get(timeline(part)).content.decode()
    assert 'id="naasten"' in page and 'id="meegegeven"' in page
    response = client.post(urls(part, "relative-add"), {
        "name": "Els", "relation": "partner", "phone": "06-11112222", "may_contact": "on"})
    assert response.status_code == 302 and response.url == timeline(part) + "#naasten"
    client.post(urls(part, "relative-add"), {"name": "Piet", "relation": "buurman"})
    today = timezone.localdate().isoformat()
    response = client.post(urls(part, "hand-out-add"), {"kind": "leaflet", "given_on": today})
    assert response.status_code == 302 and response.url == timeline(part) + "#meegegeven"
    page = client.get(timeline(part)).content.decode()
    section = page[page.index('id="naasten"'):page.index('id="meegegeven"')]
    assert "Els" in section and "06-11112222" in section and "mag benaderd worden" in section
    assert "Piet" in section and "niet benaderen" in section
    assert "Informatiefolder" in page[page.index('id="meegegeven"'):]
    els = Relative.objects.get(name="Els")
    assert els.added_by == users[role] and els.may_contact
    assert not Relative.objects.get(name="Piet").may_contact
    confirm = client.get(urls(part, "relative-remove", els.uuid)).content.decode()
    assert "Els (partner)" in confirm and "Ja, verwijderen" in confirm
    els.refresh_from_db()
    assert els.removed_at is None  # the confirmation page changes nothing
    assert client.post(urls(part, "relative-remove", els.uuid)).status_code == 302
    again = client.post(urls(part, "relative-remove", els.uuid), follow=True)
    assert "al verwijderd" in again.content.decode()
    page = client.get(timeline(part)).content.decode()
    assert "Els" not in page[page.index('id="naasten"'):page.index('id="naaste-form"')]
    hand_out = HandOut.objects.get()
    client.post(urls(part, "hand-out-remove", hand_out.uuid))
    hand_out.refresh_from_db()
    assert hand_out.removed_by == users[role]


def test_an_invalid_form_shows_the_timeline_again_with_the_typed_text(part, users, client_for):
    client = client_for(users[Role.POH_GGZ])
    response = client.post(urls(part, "relative-add"), {"name": "Els", "relation": ""})
    assert response.status_code == 400
    page = response.content.decode()
    assert 'value="Els"' in page and "Dit veld is verplicht." in page
    tomorrow = (timezone.localdate() + timedelta(days=1)).isoformat()
    response = client.post(urls(part, "hand-out-add"), {"kind": "workbook",
                                                        "given_on": tomorrow})
    assert response.status_code == 400 and "toekomst" in response.content.decode()
    response = client.post(urls(part, "hand-out-add"), {
        "kind": "other", "given_on": timezone.localdate().isoformat()})
    assert response.status_code == 400 and "Zeg wat er is meegegeven." in (
        response.content.decode())
    assert not Relative.objects.exists() and not HandOut.objects.exists()


def test_the_assistant_gets_403_and_another_practice_404(part, users, other_users, client_for):
    relative = services.relative_add(participation=part, user=users[Role.POH_GGZ],
                                     name="Els", relation="partner")
    data = {"name": "Jan", "relation": "zoon"}
    assistant = client_for(users[Role.ASSISTENT])
    assert assistant.get(timeline(part)).status_code == 403
    assert assistant.post(urls(part, "relative-add"), data).status_code == 403
    assert assistant.post(urls(part, "relative-remove", relative.uuid)).status_code == 403
    stranger = client_for(other_users[Role.POH_GGZ])
    assert stranger.post(urls(part, "relative-add"), data).status_code == 404
    assert stranger.post(urls(part, "relative-remove", relative.uuid)).status_code == 404
    assert Relative.objects.count() == 1
    relative.refresh_from_db()
    assert relative.removed_at is None


def test_a_relative_of_another_participation_is_404(part, project, users, client_for):
    other = Participation.objects.create(
        project=project, patient=PatientFactory(practice=project.practice, number="700002"),
        reference_date=date(2026, 9, 15), status=S.TAPERING, created_by=users[Role.POH_GGZ])
    relative = services.relative_add(participation=other, user=users[Role.POH_GGZ],
                                     name="Els", relation="partner")
    client = client_for(users[Role.POH_GGZ])
    assert client.get(urls(part, "relative-remove", relative.uuid)).status_code == 404
    assert client.post(urls(part, "relative-remove", relative.uuid)).status_code == 404


def test_the_removal_page_is_audited_with_the_patient(part, users, client_for):
    hand_out = services.hand_out_add(participation=part, user=users[Role.POH_GGZ],
                                     kind="workbook", given_on=TODAY, today=TODAY)
    client_for(users[Role.HUISARTS]).get(urls(part, "hand-out-remove", hand_out.uuid))
    event = AuditEvent.objects.order_by("-id").first()
    assert event.action == "view" and event.object_id == str(part.uuid)
    assert event.patient == part.patient
