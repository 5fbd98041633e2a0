"""New starters with the database: the query, the agreement's services and audit events,
the flag, and the reminder sweep (docs/domain.md#new-starters)."""

from datetime import date, timedelta
from smtplib import SMTPException

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from patients.models import AuditEvent, GpNameMapping, Role, StarterAgreement
from patients.prevention_selectors import (
    NO_GP,
    gp_work,
    new_starter_starts,
    rows_for_gp,
    starter_month_counts,
    starter_month_counts_computed,
    starter_rows,
)
from patients.prevention_services import (
    AgreementRefused,
    starter_agreement_save,
    starter_review_done,
    starter_review_move,
    starter_reviews_sweep,
)
from tests.factories import PatientFactory

T = date(2026, 11, 30)
pytestmark = pytest.mark.django_db


def agreement_data(end_on: date, **changes) -> dict:
    data = {"duration_weeks": 2, "duration_text": "", "end_kind": "review", "end_on": end_on,
            "offered_sleep_hygiene": True, "offered_cbti": False,
            "offered_poh_consult": False, "offered_other": "", "note": ""}
    return data | changes


@pytest.fixture
def gp(users):
    user = users[Role.HUISARTS]
    user.email = "huisarts@example.nl"
    user.save()
    return user


def make_agreement(practice, gp, patient, started_on, end_on, **changes):
    return starter_agreement_save(user=gp, practice=practice, patient=patient,
                                  started_on=started_on, data=agreement_data(end_on, **changes))


# --- Who is a new starter (the query) -------------------------------------------------


def test_the_eight_week_edge_on_both_sides(practice, prescribe):
    inside, outside = PatientFactory(practice=practice), PatientFactory(practice=practice)
    prescribe(inside, T - timedelta(days=56))
    prescribe(outside, T - timedelta(days=57))
    assert new_starter_starts(practice=practice, today=T) == {
        inside.pk: T - timedelta(days=56)}


def test_first_prescription_exactly_12_months_after_an_earlier_one(practice, prescribe):
    start = date(2026, 11, 2)
    new, not_new = PatientFactory(practice=practice), PatientFactory(practice=practice)
    prescribe(new, date(2025, 11, 2))  # exactly 12 months before: outside the year
    prescribe(new, start)
    prescribe(not_new, date(2025, 11, 3))  # a day later: inside the year
    prescribe(not_new, start)
    assert new_starter_starts(practice=practice, today=T) == {new.pk: start}


def test_other_medicines_and_other_practices_do_not_count(practice, other_practice,
                                                          prescribe):
    zolpidem = PatientFactory(practice=practice)
    prescribe(zolpidem, T - timedelta(days=3), atc="N05CF02")  # a Z-drug: a benzodiazepine
    sertraline = PatientFactory(practice=practice)
    prescribe(sertraline, T - timedelta(days=3), atc="N06AB06")
    other = PatientFactory(practice=other_practice)
    prescribe(other, T - timedelta(days=3))
    assert set(new_starter_starts(practice=practice, today=T)) == {zolpidem.pk}


def test_the_list_per_gp_follows_the_confirmed_gp_names(practice, prescribe, gp):
    mine = PatientFactory(practice=practice, gp_name="E. Jansen")
    unknown = PatientFactory(practice=practice, gp_name="Waarnemer")
    for patient in (mine, unknown):
        prescribe(patient, T - timedelta(days=5))
    GpNameMapping.objects.create(practice=practice, export_name="E. Jansen", user=gp,
                                 confirmed_at=timezone.now())
    rows = starter_rows(practice=practice, today=T)
    assert [r.patient for r in rows_for_gp(rows, gp.pk)] == [mine]
    assert [r.patient for r in rows_for_gp(rows, NO_GP)] == [unknown]
    assert len(rows_for_gp(rows, None)) == 2
    work = gp_work(practice=practice, user=gp, today=T)
    assert (work.without_agreement, work.unknown_gp) == (1, 1)


# --- The flag ---------------------------------------------------------------------------


def test_a_review_date_passed_with_a_new_prescription_is_flagged(practice, prescribe, gp):
    patient = PatientFactory(practice=practice)
    start = T - timedelta(days=40)
    prescribe(patient, start)
    make_agreement(practice, gp, patient, start, start + timedelta(days=14))
    prescribe(patient, start + timedelta(days=15))  # the next import brings this one
    [row] = starter_rows(practice=practice, today=T)
    assert row.flagged and row.review_due
    assert gp_work(practice=practice, user=gp, today=T).flagged == 1


def test_a_review_date_passed_without_a_new_prescription_is_not_flagged(practice, prescribe,
                                                                        gp):
    patient = PatientFactory(practice=practice)
    start = T - timedelta(days=40)
    prescribe(patient, start)
    end = start + timedelta(days=14)
    make_agreement(practice, gp, patient, start, end)
    prescribe(patient, end)  # on the agreed date itself: not past it
    [row] = starter_rows(practice=practice, today=T)
    assert row.review_due and not row.flagged


def test_an_agreement_whose_review_is_done_leaves_the_list_once_the_start_is_old(
        practice, prescribe, gp):
    patient = PatientFactory(practice=practice)
    start = T - timedelta(days=90)
    prescribe(patient, start)
    agreement = make_agreement(practice, gp, patient, start, start + timedelta(days=14))
    assert [r.patient for r in starter_rows(practice=practice, today=T)] == [patient]
    starter_review_done(user=gp, agreement=agreement)
    assert starter_rows(practice=practice, today=T) == []


# --- The agreement's services -------------------------------------------------------------


def test_recording_and_changing_an_agreement_is_audited(practice, prescribe, gp):
    patient = PatientFactory(practice=practice)
    start = T - timedelta(days=10)
    agreement = make_agreement(practice, gp, patient, start, T + timedelta(days=14))
    created = AuditEvent.objects.get(action="create", object_type="starteragreement")
    assert created.patient == patient and created.user == gp
    agreement.reminded_at = timezone.now()
    agreement.save()
    starter_agreement_save(user=gp, practice=practice, patient=patient, started_on=start,
                           agreement=agreement,
                           data=agreement_data(T + timedelta(days=21), note="Slaapdagboek"))
    agreement.refresh_from_db()
    assert agreement.note == "Slaapdagboek" and agreement.reminded_at is None
    changed = AuditEvent.objects.get(action="change", object_type="starteragreement")
    assert "end_on" in changed.detail and "note" in changed.detail


def test_a_stop_date_on_the_first_prescription_is_refused(practice, gp):
    patient = PatientFactory(practice=practice)
    with pytest.raises(AgreementRefused):
        make_agreement(practice, gp, patient, T, T)
    assert not StarterAgreement.objects.exists()


def test_review_done_twice_changes_nothing_the_second_time(practice, gp):
    agreement = make_agreement(practice, gp, PatientFactory(practice=practice), T, T + timedelta(1))
    assert starter_review_done(user=gp, agreement=agreement)
    assert not starter_review_done(user=gp, agreement=agreement)
    assert AuditEvent.objects.filter(action="change").count() == 1


def test_a_new_date_opens_the_review_again(practice, gp):
    agreement = make_agreement(practice, gp, PatientFactory(practice=practice), T, T + timedelta(1))
    starter_review_done(user=gp, agreement=agreement)
    starter_review_move(user=gp, agreement=agreement, end_on=T + timedelta(days=30))
    agreement.refresh_from_db()
    assert agreement.review_open and agreement.end_on == T + timedelta(days=30)
    with pytest.raises(AgreementRefused):
        starter_review_move(user=gp, agreement=agreement, end_on=T)


# --- The reminder sweep -------------------------------------------------------------------


def test_the_sweep_reminds_on_the_day_not_before_and_once(practice, gp):
    due = T + timedelta(days=14)
    agreement = make_agreement(practice, gp, PatientFactory(practice=practice, surname="Geheim"),
                               T, due)
    assert starter_reviews_sweep(today=due - timedelta(days=1)) == []
    assert mail.outbox == []
    [done] = starter_reviews_sweep(today=due)
    assert done.agreement_id == agreement.pk and done.mailed
    [message] = mail.outbox
    assert message.to == ["huisarts@example.nl"] and "Geheim" not in message.body
    assert starter_reviews_sweep(today=due) == []  # a second sweep: nothing
    assert starter_reviews_sweep(today=due + timedelta(days=3)) == []
    assert len(mail.outbox) == 1


def test_a_review_done_before_its_day_is_not_reminded(practice, gp):
    agreement = make_agreement(practice, gp, PatientFactory(practice=practice), T, T + timedelta(1))
    starter_review_done(user=gp, agreement=agreement)
    assert starter_reviews_sweep(today=T + timedelta(days=5)) == []


def test_a_mail_that_fails_leaves_the_reminder_for_the_next_sweep(practice, gp, monkeypatch):
    due = T + timedelta(days=1)
    make_agreement(practice, gp, PatientFactory(practice=practice), T, due)

    def broken(*args, **kwargs):
        raise SMTPException("down")

    monkeypatch.setattr("patients.prevention_services.send_mail", broken)
    assert starter_reviews_sweep(today=due) == []
    monkeypatch.undo()
    assert len(starter_reviews_sweep(today=due)) == 1


def test_run_due_steps_sweeps_the_agreements_too(practice, gp, capsys):
    due = T + timedelta(days=2)
    make_agreement(practice, gp, PatientFactory(practice=practice), T, due)
    call_command("run_due_steps", "--now", due.isoformat())
    out = capsys.readouterr().out
    assert "nieuwe starter" in out and len(mail.outbox) == 1
    call_command("run_due_steps", "--now", due.isoformat())
    assert len(mail.outbox) == 1


# --- The dashboard's counts per month ---------------------------------------------------


def test_new_starters_per_month_and_gp_with_the_share_agreed(practice, prescribe, gp):
    old = PatientFactory(practice=practice, gp_name="A")  # data reach back far enough
    prescribe(old, date(2024, 1, 5))
    a1, a2 = PatientFactory(practice=practice, gp_name="A"), PatientFactory(practice=practice,
                                                                            gp_name="A")
    b1 = PatientFactory(practice=practice, gp_name="B")
    prescribe(a1, date(2026, 9, 3))
    prescribe(a2, date(2026, 9, 20))
    prescribe(b1, date(2026, 10, 1))
    prescribe(b1, date(2026, 10, 20))  # not a second start
    make_agreement(practice, gp, a1, date(2026, 9, 3), date(2026, 10, 1))
    counts = starter_month_counts(practice=practice, first_month=date(2026, 9, 1),
                                  last_month=date(2026, 10, 1))
    assert [(c.month, c.gp, c.starters, c.with_agreement, c.share) for c in counts] == [
        (date(2026, 9, 1), "A", 2, 1, 50), (date(2026, 10, 1), "B", 1, 0, 0)]


def test_starts_before_the_data_cover_a_year_are_not_counted(practice, prescribe):
    first = PatientFactory(practice=practice, gp_name="A")
    prescribe(first, date(2026, 1, 10))  # the export's earliest prescription
    assert starter_month_counts(practice=practice, first_month=date(2026, 1, 1),
                                last_month=date(2026, 1, 1)) == []


# --- After every import -------------------------------------------------------------------

HEADER = ("patientnummer;achternaam;tussenvoegsel;voorletters;geslacht;geboortedatum;straat;"
          "huisnummer;postcode;woonplaats;telefoon;huisarts;voorschrijfdatum;atc;omschrijving;"
          "sterkte;eenheid;aantal;gebruiksvoorschrift\r\n")


def _export(*lines: tuple[str, date]) -> bytes:
    body = "".join(f"{number};Kamp;;A.;V;01-02-1960;Laan;1;6871 AB;Renkum;;E. Jansen;"
                   f"{day:%d-%m-%Y};N05CD07;Temazepam 10mg;10;mg;10;1 dd 1\r\n"
                   for number, day in lines)
    return (HEADER + body).encode("cp1252")


def test_the_list_is_current_after_each_import(practice, users):
    from patients.importing.load import import_file

    poh = users[Role.POH_GGZ]
    import_file(practice=practice, user=poh, data=_export(("700001", T - timedelta(days=30))),
                file_name="his-1.csv")
    first = new_starter_starts(practice=practice, today=T)
    assert list(first.values()) == [T - timedelta(days=30)]
    # The next export brings a second new starter, and shows the first one had a
    # prescription ten months before (an earlier export did not reach back that far).
    import_file(practice=practice, user=poh, file_name="his-2.csv", data=_export(
        ("700001", T - timedelta(days=300)), ("700001", T - timedelta(days=30)),
        ("700002", T - timedelta(days=2))))
    second = new_starter_starts(practice=practice, today=T)
    assert list(second.values()) == [T - timedelta(days=2)]


def test_a_second_agreement_about_the_same_start_is_refused(practice, gp):
    patient = PatientFactory(practice=practice)
    make_agreement(practice, gp, patient, T, T + timedelta(days=7))
    with pytest.raises(AgreementRefused):
        make_agreement(practice, gp, patient, T, T + timedelta(days=14))
    assert StarterAgreement.objects.get().end_on == T + timedelta(days=7)


# --- HIS and pharmacy patients linked as one person ------------------------------------


def _linked_pair(practice, poh, linked: bool):
    from patients.models import Patient, PatientLink

    his = PatientFactory(practice=practice, gp_name="E. Jansen")
    pharmacy = PatientFactory(practice=practice, source=Patient.Source.APOTHEEK)
    if linked:
        PatientLink.objects.create(practice=practice, his_patient=his,
                                   pharmacy_patient=pharmacy, decided_by=poh)
    return his, pharmacy


def test_a_linked_pharmacy_dispensing_months_before_makes_no_new_starter(
        practice, prescribe, users):
    his, pharmacy = _linked_pair(practice, users[Role.POH_GGZ], linked=True)
    prescribe(pharmacy, T - timedelta(days=200))  # dispensed on another prescriber's script
    prescribe(his, T - timedelta(days=10))
    assert new_starter_starts(practice=practice, today=T) == {}


def test_without_the_link_the_his_patient_is_a_new_starter(practice, prescribe, users):
    his, pharmacy = _linked_pair(practice, users[Role.POH_GGZ], linked=False)
    prescribe(pharmacy, T - timedelta(days=200))
    prescribe(his, T - timedelta(days=10))
    assert new_starter_starts(practice=practice, today=T) == {his.pk: T - timedelta(days=10)}


def test_a_linked_pair_is_one_new_starter_under_the_his_patient(practice, prescribe, users,
                                                                   gp):
    his, pharmacy = _linked_pair(practice, users[Role.POH_GGZ], linked=True)
    prescribe(his, T - timedelta(days=10))
    prescribe(pharmacy, T - timedelta(days=9))  # its dispensing
    assert new_starter_starts(practice=practice, today=T) == {his.pk: T - timedelta(days=10)}
    make_agreement(practice, gp, his, T - timedelta(days=10), T - timedelta(days=3))
    prescribe(pharmacy, T - timedelta(days=2))  # dispensed after the agreed date
    [row] = starter_rows(practice=practice, today=T)
    assert row.patient == his and row.flagged
    prescribe(PatientFactory(practice=practice), date(2024, 5, 1))  # data reach a year back
    counts = starter_month_counts_computed(practice=practice, first_month=date(2026, 11, 1),
                                           last_month=date(2026, 11, 1))
    # One person, one start: the dispensing is not a second new starter.
    assert [(c.gp, c.starters, c.with_agreement) for c in counts] == [("E. Jansen", 1, 1)]
