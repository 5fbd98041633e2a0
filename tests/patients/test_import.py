"""Loading exports into the database (docs/domain.md, step 2, docs/formats.md): every row
accounted for, each prescription stored once, patients identified by practice + layout +
number, and a refused file leaves nothing behind."""

from decimal import Decimal

import pytest
from django.db import transaction

from patients.importing import EMPTY, NOT_TEXT, FileRefused, import_file, postgres
from patients.models import AuditEvent, ImportBatch, Patient, Prescription

from .exports import (
    HIS_HEADER,
    SAMPLE_APOTHEEK,
    SAMPLE_HIS,
    apotheek,
    apotheek_row,
    his,
    his_row,
)

pytestmark = pytest.mark.django_db


def load_file(practice, data: bytes, name: str = "export.csv") -> ImportBatch:
    return import_file(practice=practice, user=None, data=data, file_name=name)


def stored() -> tuple[int, int, int]:
    return (ImportBatch.objects.count(), Patient.objects.count(), Prescription.objects.count())


def accounted_for(batch: ImportBatch) -> bool:
    return batch.rows_total == batch.rows_new + batch.rows_present + batch.rows_rejected


def test_his_export_is_stored_as_patients_and_prescriptions(practice):
    batch = load_file(practice, his(his_row(), his_row(patientnummer="100002", atc="N05BA01",
                                                       omschrijving="Diazepam 2,5mg tablet",
                                                       sterkte="2,5", aantal="60")))
    assert (batch.status, batch.layout, batch.encoding) == ("done", "his", "cp1252")
    assert (batch.rows_total, batch.rows_new, batch.rows_present, batch.rows_rejected,
            batch.patients_new) == (2, 2, 0, 0, 2)
    assert len(batch.checksum) == 64
    patient = Patient.objects.get(number="100001")
    assert (patient.practice, patient.source, patient.display_name, patient.sex,
            str(patient.birth_date), patient.street, patient.house_number, patient.postcode,
            patient.city, patient.phone, patient.gp_name) == (
        practice, "his", "T. van den Berg", "V", "1952-12-25", "Molenlaan", "64-2",
        "6874 JC", "Zevenaar", "06-42989829", "M. Öztürk")
    rx = Prescription.objects.select_related("substance").get(patient=patient)
    assert (str(rx.date), rx.atc, rx.description, rx.strength_mg, rx.units, rx.dosage,
            rx.prescriber, rx.substance.name_nl, rx.batch) == (
        "2026-07-07", "N05CD07", "Temazepam 20mg capsule", Decimal("20"), 30,
        "1 dd 1 capsule voor de nacht", "M. Öztürk", "temazepam", batch)
    diazepam = Prescription.objects.get(patient__number="100002")
    assert (diazepam.strength_mg, diazepam.units, diazepam.substance.ddd_mg) == (
        Decimal("2.5"), 60, Decimal("10"))


def test_pharmacy_list_is_stored_with_strength_from_the_article(practice):
    batch = load_file(practice, apotheek(apotheek_row(naam="van der Meer, A.",
                                                      adres="Julianalaan 208-2")))
    assert (batch.layout, batch.encoding, batch.rows_new) == ("apotheek", "utf-8-sig", 1)
    patient = Patient.objects.get()
    assert (patient.source, patient.surname, patient.prefix, patient.initials, patient.street,
            patient.house_number, patient.postcode, patient.sex) == (
        "apotheek", "Meer", "van der", "A.", "Julianalaan", "208-2", "6939 AA", "X")
    rx = Prescription.objects.get()
    assert (rx.strength_mg, rx.units, rx.substance.name_nl, str(rx.date)) == (
        Decimal("0.5"), 20, "lorazepam", "2026-07-23")


def test_other_medicine_is_stored_without_a_substance(practice):
    load_file(practice, his(his_row(atc="L04AX03", omschrijving="Methotrexaat 2,5mg tablet",
                                    sterkte="2,5")))
    rx = Prescription.objects.get()
    assert (rx.atc, rx.substance, rx.strength_mg) == ("L04AX03", None, Decimal("2.5"))


def test_rejected_rows_are_reported_and_the_rest_of_the_file_is_stored(practice):
    batch = load_file(practice, his(
        his_row(), his_row(patientnummer=""), his_row(patientnummer="100002",
                                                      voorschrijfdatum="31-02-2026"),
        his_row(patientnummer="100003", aantal="veel"), his_row(patientnummer="100004")))
    assert (batch.rows_total, batch.rows_new, batch.rows_present, batch.rows_rejected) == (
        5, 2, 0, 3)
    assert [(r["line"], r["reason"]) for r in batch.rejections] == [
        (3, "patiëntnummer ontbreekt"),
        (4, "datum 31-02-2026 bestaat niet"),
        (5, "aantal “veel” is geen heel getal boven nul"),
    ]
    assert batch.rejections[1]["raw"].startswith("100002;Berg;")
    assert sorted(Patient.objects.values_list("number", flat=True)) == ["100001", "100004"]


def test_same_prescription_twice_in_one_file_is_stored_once(practice):
    batch = load_file(practice, his(his_row(), his_row(), his_row(aantal="60")))
    assert (batch.rows_total, batch.rows_new, batch.rows_present) == (3, 2, 1)
    assert Prescription.objects.count() == 2
    assert accounted_for(batch)


def test_same_prescription_written_differently_is_still_one_prescription(practice):
    batch = load_file(practice, his(his_row(sterkte="20"), his_row(sterkte="20,0"),
                                    his_row(sterkte="020", aantal="030"),
                                    his_row(voorschrijfdatum="7-7-2026")))
    assert (batch.rows_new, batch.rows_present) == (1, 3)


def test_prescription_again_in_a_later_file_is_stored_once(practice):
    first = load_file(practice, his(his_row(), his_row(aantal="60")))
    second = load_file(practice, his(his_row(aantal="60"), his_row(aantal="90")))
    assert (first.rows_new, first.rows_present) == (2, 0)
    assert (second.rows_new, second.rows_present, second.patients_new) == (1, 1, 0)
    assert sorted(Prescription.objects.values_list("units", flat=True)) == [30, 60, 90]


def test_reimporting_a_file_adds_nothing(practice):
    data = his(his_row(), his_row(patientnummer="100002"), his_row(aantal="0"))
    first = load_file(practice, data)
    before = Patient.objects.count(), Prescription.objects.count()
    again = load_file(practice, data)
    assert (again.rows_total, again.rows_new, again.rows_present, again.rows_rejected,
            again.patients_new) == (3, 0, 2, 1, 0)
    assert again.rows_present == first.rows_total - first.rows_rejected
    assert (Patient.objects.count(), Prescription.objects.count()) == before
    assert ImportBatch.objects.count() == 2


@pytest.mark.parametrize("sample", [SAMPLE_HIS, SAMPLE_APOTHEEK], ids=["his", "apotheek"])
def test_sample_export_reimported_adds_nothing_and_accounts_for_every_row(practice, sample):
    first = load_file(practice, sample.read_bytes(), sample.name)
    assert accounted_for(first)
    assert first.rows_new == Prescription.objects.count()
    again = load_file(practice, sample.read_bytes(), sample.name)
    assert (again.rows_new, again.patients_new) == (0, 0)
    assert again.rows_present == first.rows_new + first.rows_present
    assert again.rows_rejected == first.rows_rejected
    assert accounted_for(again)


def test_name_and_address_are_taken_from_the_newest_file(practice):
    load_file(practice, his(his_row(voorschrijfdatum="01-08-2026")))
    # The newer file may carry an older prescription: the file is newer, so it wins.
    load_file(practice, his(his_row(achternaam="Berg-Visser", straat="Dorpsstraat",
                                    huisnummer="12 bis", postcode="6874JD",
                                    telefoon="026-1234567", voorschrijfdatum="01-06-2026")))
    patient = Patient.objects.get()
    assert (patient.surname, patient.street, patient.house_number, patient.postcode,
            patient.phone) == ("Berg-Visser", "Dorpsstraat", "12 bis", "6874 JD",
                               "026-1234567")
    assert Prescription.objects.count() == 2


def test_within_one_file_the_details_of_the_newest_prescription_are_kept(practice):
    load_file(practice, his(his_row(straat="Nieuwstraat", voorschrijfdatum="01-09-2026"),
                            his_row(straat="Oudestraat", voorschrijfdatum="01-03-2026")))
    assert Patient.objects.get().street == "Nieuwstraat"


def test_patient_is_identified_by_practice_layout_and_number(practice, other_practice):
    load_file(practice, his(his_row(patientnummer="100001")))
    load_file(practice, apotheek(apotheek_row(patientnummer="100001")))
    load_file(other_practice, his(his_row(patientnummer="100001")))
    patients = Patient.objects.order_by("practice__code", "source")
    assert [(p.practice.code, p.source, p.number) for p in patients] == [
        ("DEEIK", "his", "100001"), ("DELINDE", "apotheek", "100001"),
        ("DELINDE", "his", "100001")]
    for patient in patients:
        assert patient.prescriptions.count() == 1


def test_same_file_in_another_practice_is_new_there(practice, other_practice):
    data = his(his_row())
    load_file(practice, data)
    there = load_file(other_practice, data)
    assert (there.rows_new, there.patients_new) == (1, 1)


def test_patient_numbers_differ_by_letter_case(practice):
    batch = load_file(practice, apotheek(apotheek_row(patientnummer="p1"),
                                         apotheek_row(patientnummer="P1")))
    assert (batch.patients_new, batch.rows_new) == (2, 2)


def test_rows_the_database_could_not_hold_are_rejected_not_crashed(practice):
    batch = load_file(practice, his(
        his_row(patientnummer="9" * 51), his_row(sterkte="99999999", eenheid="g"),
        his_row(sterkte="1٥"), his_row(atc="N٠٥CD07"), his_row(patientnummer="100002"),
        encoding="utf-8"))
    assert (batch.rows_new, batch.rows_rejected) == (1, 4)
    assert Prescription.objects.get().patient.number == "100002"


def test_long_text_fields_are_cut_to_fit(practice):
    load_file(practice, his(his_row(omschrijving="x" * 400, achternaam="y" * 150)))
    assert len(Prescription.objects.get().description) == 300
    assert len(Patient.objects.get().surname) == 100


def test_two_imports_in_one_transaction_both_load(practice):
    with transaction.atomic():
        first = load_file(practice, his(his_row()))
        second = load_file(practice, his(his_row(aantal="60")))
    assert (first.rows_new, second.rows_new) == (1, 1)


def test_import_is_audited(practice):
    batch = load_file(practice, his(his_row(), his_row(aantal="0")), name="maart.csv")
    event = AuditEvent.objects.get(action=AuditEvent.Action.CREATE)
    assert event.practice == practice
    assert "maart.csv: 2 rows, 1 new, 0 present, 1 rejected" in event.detail
    assert batch.finished_at is not None


# --- Refused files write nothing ----------------------------------------------------------------

REFUSED = [
    (b"", EMPTY),
    (b" \r\n\t\r\n", EMPTY),
    (his(), EMPTY),
    (apotheek(), EMPTY),
    (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x01\x00", NOT_TEXT),
    (his(his_row())[:40] + b"\x00" + his(his_row())[40:], NOT_TEXT),
    (his(his_row()).decode("cp1252").encode("utf-16"), NOT_TEXT),
    (b"naam;adres\r\nJansen;Dorpsstraat 1\r\n", "De kopregel past bij geen van beide indelingen"),
    (his(his_row(), header=[n for n in HIS_HEADER if n != "atc"]),
     "Dit lijkt een HIS-export (voorschriften), maar deze kolommen ontbreken in de kopregel: "
     "atc."),
]


@pytest.mark.parametrize(("data", "message"), REFUSED, ids=[
    "empty", "whitespace", "his-header-only", "pharmacy-header-only", "png", "nul-byte",
    "utf-16", "neither-layout", "missing-column"])
def test_refused_file_raises_with_a_dutch_message_and_writes_nothing(practice, data, message):
    load_file(practice, his(his_row(patientnummer="555")))  # an earlier import stays as it is
    before = stored(), AuditEvent.objects.count()
    with pytest.raises(FileRefused) as refused:
        load_file(practice, data)
    assert refused.value.message.startswith(str(message))
    assert (stored(), AuditEvent.objects.count()) == before
    assert list(Patient.objects.values_list("number", flat=True)) == ["555"]


def test_failure_halfway_through_a_load_leaves_nothing_behind(practice, monkeypatch):
    def broken(self):
        raise RuntimeError("disk full")

    monkeypatch.setattr(postgres.PostgresLoader, "prescriptions", broken)
    with pytest.raises(RuntimeError):
        load_file(practice, his(his_row(), his_row(patientnummer="100002")))
    assert stored() == (0, 0, 0)


def test_quote_left_open_to_past_the_field_limit_refuses_the_file_and_writes_nothing(practice):
    # An opening quote never closed makes the rest of the file one field (RFC 4180); past
    # the csv module's 16 MiB limit the file is refused whole, not crashed on halfway.
    data = his(his_row()) + b'100002;"' + b"x" * (16 * 2 ** 20 + 1) + b"\r\n"
    with pytest.raises(FileRefused) as refused:
        load_file(practice, data)
    assert refused.value.message == (
        "Vanaf regel 3 loopt één veld door tot voorbij 16 MB: waarschijnlijk ontbreekt een "
        "afsluitend aanhalingsteken (\"). Er is niets ingelezen.")
    assert stored() == (0, 0, 0)
