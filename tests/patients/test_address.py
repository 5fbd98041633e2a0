"""A postal address corrected in the app: the form, the service, the call screen, the
letters pages, and the import that keeps it (docs/domain.md, step 6; docs/formats.md)."""

from datetime import date
from types import SimpleNamespace

import pytest
from django.db import connection
from django.urls import reverse

from patients.forms import PatientAddressForm
from patients.importing import import_file, load
from patients.models import AuditEvent, Participation, ParticipationEvent, Patient, Role
from patients.services import patient_address_correct
from patients.workflow import participation_move
from tests.letters.helpers import on_mailing_list

from .exports import his, his_row

S = Participation.Status
NEW = {"street": "Kerkstraat", "house_number": "3", "postcode": "6871 CD", "city": "Renkum"}


def _form(**fields) -> PatientAddressForm:
    return PatientAddressForm({**NEW, **fields})


# --- The form --------------------------------------------------------------------------


@pytest.mark.parametrize(("typed", "stored"), [
    ("6871CD", "6871 CD"), ("6871 cd", "6871 CD"), (" 6871  CD ", "6871 CD"),
    ("1000 AA", "1000 AA")])
def test_the_form_writes_a_dutch_postcode_as_the_import_does(typed, stored):
    form = _form(postcode=typed, street="  Kerk   straat ")
    assert form.is_valid(), form.errors
    assert form.cleaned_data["postcode"] == stored
    assert form.cleaned_data["street"] == "Kerk straat"


@pytest.mark.parametrize("typed", ["0871 CD", "687 CD", "6871 C", "6871 CDE", "CD 6871"])
def test_the_form_refuses_what_is_no_dutch_postcode(typed):
    form = _form(postcode=typed)
    assert not form.is_valid()
    assert form.errors["postcode"] == ["Vul een Nederlandse postcode in: vier cijfers en twee "
                                       "letters, bijvoorbeeld 1234 AB."]


def test_every_part_of_the_address_is_needed():
    form = PatientAddressForm({"street": "", "house_number": "", "postcode": "", "city": ""})
    assert not form.is_valid()
    assert form.errors == {"street": ["Vul de straat in."],
                           "house_number": ["Vul het huisnummer in."],
                           "postcode": ["Vul de postcode in."], "city": ["Vul de plaats in."]}


# --- The service -----------------------------------------------------------------------


@pytest.fixture
def letter_project(project, practice, users):
    practice.street, practice.postcode, practice.city = "Lindelaan 12", "6871 AB", "Renkum"
    practice.phone = "0317-123456"
    practice.save()
    project.gps.set([users[Role.HUISARTS]])
    return project


@pytest.fixture
def in_call_list(letter_project, users):
    participation = on_mailing_list(letter_project, users[Role.HUISARTS], number="500001",
                                    initials="J.", surname="Jansen")
    participation_move(participation=participation, to=S.LETTER_SENT, user=None, what="mailed",
                       fields={"letter_sent_on": date(2026, 10, 1)})
    participation_move(participation=participation, to=S.CALLBACK_DUE, user=None,
                       what="wait over", fields={"next_call_on": date(2026, 10, 31)})
    return participation


def test_a_corrected_address_is_stored_and_marked_with_who_and_when(in_call_list, users):
    patient, poh = in_call_list.patient, users[Role.POH_GGZ]
    assert not patient.address_corrected
    assert patient_address_correct(patient=patient, user=poh, participation=in_call_list, **NEW)
    patient.refresh_from_db()
    assert patient.address_line == "Kerkstraat 3, 6871 CD Renkum"
    assert patient.address_corrected and patient.address_corrected_by == poh
    event = ParticipationEvent.objects.filter(participation=in_call_list).latest("id")
    assert event.what == "adres aangepast: Kerkstraat 3, 6871 CD Renkum" and event.by == poh
    audit = AuditEvent.objects.filter(action="change", object_type="patient").get()
    assert audit.patient == patient and "Molenlaan 64-2, 6874 JC Zevenaar" in audit.detail


def test_the_same_address_again_changes_nothing_and_marks_nothing(in_call_list, users):
    patient = in_call_list.patient
    same = {"street": "Molenlaan", "house_number": "64-2", "postcode": "6874 JC",
            "city": "Zevenaar"}
    assert not patient_address_correct(patient=patient, user=users[Role.POH_GGZ], **same)
    patient.refresh_from_db()
    assert not patient.address_corrected
    assert not AuditEvent.objects.filter(action="change", object_type="patient").exists()


# --- The call screen and the letters pages ----------------------------------------------


def test_the_call_page_shows_the_address_and_a_form_to_correct_it(in_call_list, users,
                                                                 client_for):
    client = client_for(users[Role.POH_GGZ])
    call = reverse("tapering:call", args=[in_call_list.project.uuid, in_call_list.uuid])
    page = client.get(call).content.decode()
    assert "Klopt uw adres nog?" in page and "Molenlaan 64-2, 6874 JC Zevenaar" in page
    correct = reverse("tapering:address-correct",
                      args=[in_call_list.project.uuid, in_call_list.uuid])
    assert correct in page and "aangepast in de app" not in page
    response = client.post(correct, {**NEW, "postcode": "6871cd"}, follow=True)
    assert response.redirect_chain[-1][0] == f"{call}#adres"
    page = response.content.decode()
    assert "Adres opgeslagen: Kerkstraat 3, 6871 CD Renkum." in page
    assert 'id="adres-aangepast"' in page and "aangepast in de app" in page
    page = client.post(correct, NEW, follow=True).content.decode()
    assert "Het adres is hetzelfde als eerst; er is niets veranderd." in page


def test_a_wrong_address_is_shown_again_with_its_message(in_call_list, users, client_for):
    client = client_for(users[Role.POH_GGZ])
    correct = reverse("tapering:address-correct",
                      args=[in_call_list.project.uuid, in_call_list.uuid])
    response = client.post(correct, {**NEW, "postcode": "68 CD"})
    assert response.status_code == 400
    page = response.content.decode()
    assert "Vul een Nederlandse postcode in" in page and 'value="Kerkstraat"' in page
    in_call_list.patient.refresh_from_db()
    assert not in_call_list.patient.address_corrected
    assert client.get(correct).status_code == 200


def test_the_assistant_cannot_correct_the_address_on_the_call_screen(in_call_list, users,
                                                                     client_for):
    correct = reverse("tapering:address-correct",
                      args=[in_call_list.project.uuid, in_call_list.uuid])
    assert client_for(users[Role.ASSISTENT]).post(correct, NEW).status_code == 403


def test_the_letters_pages_mark_a_corrected_address(in_call_list, users, client_for):
    patient_address_correct(patient=in_call_list.patient, user=users[Role.POH_GGZ], **NEW)
    client = client_for(users[Role.ASSISTENT])
    record = client.get(reverse("letters:patient-letters", args=[in_call_list.patient.uuid])
                        ).content.decode()
    assert "Kerkstraat 3, 6871 CD Renkum" in record and "aangepast in de app" in record
    mailing = client.get(reverse("letters:mailing", args=[in_call_list.project.uuid])
                         ).content.decode()
    assert "Kerkstraat 3" in mailing and "aangepast in de app" in mailing


def test_an_address_not_corrected_is_not_marked_on_the_letters_pages(in_call_list, users,
                                                                    client_for):
    client = client_for(users[Role.ASSISTENT])
    record = client.get(reverse("letters:patient-letters", args=[in_call_list.patient.uuid])
                        ).content.decode()
    assert "Molenlaan 64-2" in record and "aangepast in de app" not in record


# --- The import keeps it -----------------------------------------------------------------


@pytest.fixture(params=["copy", "bulk"])
def loader(request, monkeypatch):
    """Each import below runs through PostgreSQL's COPY path and through the ORM's bulk
    path (the one SQLite takes on a first look)."""
    if request.param == "copy" and connection.vendor != "postgresql":
        pytest.skip("the COPY path needs PostgreSQL")
    if request.param == "bulk":
        monkeypatch.setattr(load, "connection", SimpleNamespace(vendor="sqlite"))
    return request.param


def _import(practice, *rows):
    return import_file(practice=practice, user=None, data=his(*rows), file_name="export.csv")


def test_the_import_keeps_a_corrected_address_and_lists_the_difference(
        loader, practice, users, client_for):
    _import(practice, his_row(patientnummer="100001"), his_row(patientnummer="100002"),
            his_row(patientnummer="100003", straat="Dorpsweg", huisnummer="1"))
    first = Patient.objects.get(number="100001")
    patient_address_correct(patient=first, user=users[Role.POH_GGZ], **NEW)
    # The address already corrected in the HIS too: no notice for that one.
    third = Patient.objects.get(number="100003")
    patient_address_correct(patient=third, user=users[Role.POH_GGZ], street="Beekweg",
                            house_number="9", postcode="6871 EF", city="Renkum")
    batch = _import(
        practice,
        # The file still has the old address, and a new phone number.
        his_row(patientnummer="100001", telefoon="06-11111111", voorschrijfdatum="08-07-2026"),
        # Not corrected in the app: the file's new address is taken.
        his_row(patientnummer="100002", straat="Stationsweg", huisnummer="7",
                voorschrijfdatum="08-07-2026"),
        his_row(patientnummer="100003", straat="Beekweg", huisnummer="9", postcode="6871EF",
                woonplaats="Renkum", voorschrijfdatum="08-07-2026"))
    first.refresh_from_db()
    assert first.address_line == "Kerkstraat 3, 6871 CD Renkum" and first.address_corrected
    assert first.phone == "06-11111111"  # the rest of the file's details are taken
    second = Patient.objects.get(number="100002")
    assert second.address_line == "Stationsweg 7, 6874 JC Zevenaar"
    third.refresh_from_db()
    assert third.address_line == "Beekweg 9, 6871 EF Renkum"
    assert batch.address_notices == [{"number": "100001",
                                      "kept": "Kerkstraat 3, 6871 CD Renkum",
                                      "file": "Molenlaan 64-2, 6874 JC Zevenaar"}]
    page = client_for(users[Role.POH_GGZ]).get(
        reverse("patients:import-detail", args=[batch.uuid])).content.decode()
    assert "1 adres dat in de app is aangepast, is bewaard" in page
    assert 'id="adres-meldingen"' in page and "100001" in page
    assert "Kerkstraat 3, 6871 CD Renkum" in page and "Molenlaan 64-2, 6874 JC Zevenaar" in page


def test_an_import_without_corrected_addresses_shows_no_notice(loader, practice, users,
                                                              client_for):
    _import(practice, his_row(patientnummer="100001"))
    batch = _import(practice, his_row(patientnummer="100001", straat="Stationsweg",
                                      voorschrijfdatum="08-07-2026"))
    assert batch.address_notices == []
    assert Patient.objects.get().street == "Stationsweg"
    page = client_for(users[Role.POH_GGZ]).get(
        reverse("patients:import-detail", args=[batch.uuid])).content.decode()
    assert "adres-meldingen" not in page


def test_the_command_line_import_names_a_kept_address(practice, users, tmp_path):
    from io import StringIO

    from django.core.management import call_command

    _import(practice, his_row(patientnummer="100001"))
    patient_address_correct(patient=Patient.objects.get(number="100001"),
                            user=users[Role.POH_GGZ], **NEW)
    export = tmp_path / "export.csv"
    export.write_bytes(his(his_row(patientnummer="100001", voorschrijfdatum="08-07-2026")))
    out = StringIO()
    call_command("import_prescriptions", str(export), "--practice", practice.code, stdout=out)
    assert ("patiënt 100001: het in de app aangepaste adres is bewaard (Kerkstraat 3, "
            "6871 CD Renkum); het bestand heeft Molenlaan 64-2, 6874 JC Zevenaar") in out.getvalue()
