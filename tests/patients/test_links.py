"""Linking HIS and pharmacy patients (patients/links.py, patients/link_services.py;
docs/domain.md#his-and-pharmacy): the suggestions on the database, and confirming,
rejecting and undoing, with a double click, a stale page and another practice."""

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from patients import groslijst_cache
from patients.importing.load import import_file
from patients.link_services import (
    LinkError,
    patient_link_confirm,
    patient_link_reject,
    patient_link_undo,
)
from patients.links import (
    decisions_undone,
    link_candidates,
    link_counts,
    link_partner,
    link_suggestions,
    linked_pairs,
    links_in_force,
)
from patients.models import AuditEvent, AuditEventPatient, Patient, PatientLink, Role
from tests.factories import PatientFactory

from .exports import apotheek, apotheek_row, his, his_row

pytestmark = pytest.mark.django_db

BORN = date(1952, 12, 25)


def his_patient(practice, number="100001", **fields):
    return PatientFactory(practice=practice, source=Patient.Source.HIS, number=number,
                          **{"surname": "Meer", "prefix": "van der", "birth_date": BORN,
                             "postcode": "6874 JC", **fields})


def pharmacy_patient(practice, number="P100001", **fields):
    return PatientFactory(practice=practice, source=Patient.Source.APOTHEEK, number=number,
                          **{"surname": "van der Meer", "prefix": "", "birth_date": BORN,
                             "postcode": "6874jc", **fields})


def test_patients_of_both_imports_that_agree_are_suggested(practice, users):
    """The real import: the HIS gives prefix and surname apart, the pharmacy list one name
    that the importer splits; the postcodes are written differently."""
    poh = users[Role.POH_GGZ]
    import_file(practice=practice, user=poh, file_name="his.csv", data=his(his_row(
        patientnummer="100001", achternaam="Berg", tussenvoegsel="van den",
        geboortedatum="25-12-1952", postcode="6874 JC")))
    import_file(practice=practice, user=poh, file_name="apotheek.csv", data=apotheek(
        apotheek_row(patientnummer="P9", naam="Van den Berg, T.", geboortedatum="1952-12-25",
                     postcode="6874JC"),
        apotheek_row(patientnummer="P10", naam="van den Berg, T.", geboortedatum="1952-12-26",
                     postcode="6874JC")))
    one = Patient.objects.get(practice=practice, number="100001")
    other = Patient.objects.get(practice=practice, number="P9")
    assert link_suggestions(practice=practice) == [(one.pk, other.pk)]


@pytest.mark.parametrize("differs", [{"birth_date": date(1952, 12, 24)},
                                     {"postcode": "6874 JD"}, {"surname": "Meeren"}])
def test_one_field_differing_is_no_suggestion(practice, differs):
    his_patient(practice)
    pharmacy_patient(practice, **differs)
    assert link_suggestions(practice=practice) == []


def test_patients_of_another_practice_are_never_suggested(practice, other_practice):
    his_patient(practice)
    pharmacy_patient(other_practice)
    assert link_suggestions(practice=practice) == []
    assert link_suggestions(practice=other_practice) == []


def test_confirming_links_the_pair_and_names_both_in_the_access_log(practice, users):
    one, other = his_patient(practice), pharmacy_patient(practice)
    generation = groslijst_cache._generation(practice)
    link = patient_link_confirm(user=users[Role.POH_GGZ], practice=practice,
                                his_patient=one, pharmacy_patient=other)
    assert linked_pairs(practice=practice) == {other.pk: one.pk}
    assert link_suggestions(practice=practice) == []
    assert link_partner(patient=one) == other and link_partner(patient=other) == one
    event = AuditEvent.objects.filter(object_id=str(link.uuid)).get()
    assert event.action == "create" and "100001" in event.detail and "P100001" in event.detail
    assert set(AuditEventPatient.objects.filter(event=event)
               .values_list("patient_id", flat=True)) == {one.pk, other.pk}
    assert groslijst_cache._generation(practice) != generation  # the cached list forgotten


def test_a_second_confirm_of_the_same_pair_is_refused_not_a_second_link(practice, users):
    one, other = his_patient(practice), pharmacy_patient(practice)
    patient_link_confirm(user=users[Role.POH_GGZ], practice=practice, his_patient=one,
                         pharmacy_patient=other)
    with pytest.raises(LinkError, match="al gekoppeld"):
        patient_link_confirm(user=users[Role.HUISARTS], practice=practice, his_patient=one,
                             pharmacy_patient=other)
    assert PatientLink.objects.count() == 1


def test_a_patient_linked_meanwhile_cannot_be_linked_or_rejected_with_another(practice,
                                                                               users):
    one, other = his_patient(practice), pharmacy_patient(practice)
    twin = pharmacy_patient(practice, number="P100002", initials="B.")
    assert len(link_suggestions(practice=practice)) == 2
    patient_link_confirm(user=users[Role.POH_GGZ], practice=practice, his_patient=one,
                         pharmacy_patient=other)
    assert link_suggestions(practice=practice) == []  # the twin's pair is gone as well
    for service in (patient_link_confirm, patient_link_reject):
        with pytest.raises(LinkError, match="100001"):
            service(user=users[Role.HUISARTS], practice=practice, his_patient=one,
                    pharmacy_patient=twin)
    assert PatientLink.objects.count() == 1


def test_a_rejected_pair_is_not_suggested_again_until_undone(practice, users):
    one, other = his_patient(practice), pharmacy_patient(practice)
    poh = users[Role.POH_GGZ]
    rejection = patient_link_reject(user=poh, practice=practice, his_patient=one,
                                    pharmacy_patient=other)
    assert link_suggestions(practice=practice) == []
    assert link_counts(practice=practice).rejected == 1
    with pytest.raises(LinkError, match="niet dezelfde persoon"):
        patient_link_confirm(user=poh, practice=practice, his_patient=one,
                             pharmacy_patient=other)
    patient_link_undo(user=poh, link=rejection)
    assert link_suggestions(practice=practice) == [(one.pk, other.pk)]


def test_undo_keeps_the_history_and_the_pair_can_be_linked_again(practice, users):
    one, other = his_patient(practice), pharmacy_patient(practice)
    poh = users[Role.POH_GGZ]
    link = patient_link_confirm(user=poh, practice=practice, his_patient=one,
                                pharmacy_patient=other)
    generation = groslijst_cache._generation(practice)
    patient_link_undo(user=poh, link=link)
    assert groslijst_cache._generation(practice) != generation
    assert linked_pairs(practice=practice) == {}
    assert list(decisions_undone(practice=practice)) == [link]
    assert link_suggestions(practice=practice) == [(one.pk, other.pk)]
    again = patient_link_confirm(user=poh, practice=practice, his_patient=one,
                                 pharmacy_patient=other)
    assert list(links_in_force(practice=practice)) == [again]
    undo = AuditEvent.objects.filter(object_id=str(link.uuid), action="change").get()
    assert "undone" in undo.detail and undo.user == poh


def test_a_stale_undo_is_refused(practice, users):
    link = patient_link_confirm(user=users[Role.POH_GGZ], practice=practice,
                                his_patient=his_patient(practice),
                                pharmacy_patient=pharmacy_patient(practice))
    stale = PatientLink.objects.get(pk=link.pk)  # the page opened before the undo
    patient_link_undo(user=users[Role.POH_GGZ], link=link)
    with pytest.raises(LinkError, match="al ongedaan"):
        patient_link_undo(user=users[Role.HUISARTS], link=stale)
    assert PatientLink.objects.get(pk=link.pk).undone_by == users[Role.POH_GGZ]


def test_patients_of_another_practice_cannot_be_linked(practice, other_practice, users):
    with pytest.raises(LinkError):
        patient_link_confirm(user=users[Role.POH_GGZ], practice=practice,
                             his_patient=his_patient(practice),
                             pharmacy_patient=pharmacy_patient(other_practice))
    assert not PatientLink.objects.exists()


def test_two_patients_of_one_source_cannot_be_linked(practice, users):
    with pytest.raises(LinkError, match="HIS"):
        patient_link_confirm(user=users[Role.POH_GGZ], practice=practice,
                             his_patient=his_patient(practice),
                             pharmacy_patient=his_patient(practice, number="100002"))


def test_the_suggestions_read_a_fixed_number_of_queries(practice):
    for n in range(30):
        his_patient(practice, number=f"1{n:05d}", surname=f"Meer{n}")
        pharmacy_patient(practice, number=f"P{n:05d}", surname=f"van der Meer{n}")
    with CaptureQueriesContext(connection) as queries:
        assert len(link_suggestions(practice=practice)) == 30
    assert len(queries) == 4  # a pharmacy patient at all?, the rejections, each source


def test_the_manual_search_finds_unlinked_patients_by_number_name_or_birth_date(practice,
                                                                               users):
    moved = pharmacy_patient(practice, postcode="1011 AB")
    linked = pharmacy_patient(practice, number="P2", surname="Meerman")
    patient_link_confirm(user=users[Role.POH_GGZ], practice=practice,
                         his_patient=his_patient(practice), pharmacy_patient=linked)
    source = Patient.Source.APOTHEEK
    assert list(link_candidates(practice=practice, source=source, birth_date=BORN)) == [moved]
    assert list(link_candidates(practice=practice, source=source, term="P100001")) == [moved]
    assert list(link_candidates(practice=practice, source=source, term="meer")) == [moved]
    assert list(link_candidates(practice=practice, source=source)) == []


@pytest.mark.django_db(transaction=True)
def test_two_confirms_at_the_same_moment_make_one_link_and_one_refusal(practice, users):
    """Two requests in two database sessions (threads): the lock on the patients' rows
    makes the second wait for the first, find its link and refuse (the constraints would
    refuse it too, as a LinkError); never an error, never two links."""
    import threading

    from django.db import connections

    one, other = his_patient(practice), pharmacy_patient(practice)
    start = threading.Barrier(2)
    outcomes: list[str] = []

    def confirm(user):
        try:
            start.wait()
            patient_link_confirm(user=user, practice=practice, his_patient=one,
                                 pharmacy_patient=other)
            outcomes.append("linked")
        except LinkError:
            outcomes.append("refused")
        finally:
            connections.close_all()

    threads = [threading.Thread(target=confirm, args=(users[role],))
               for role in (Role.POH_GGZ, Role.HUISARTS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["linked", "refused"]
    assert PatientLink.objects.count() == 1
