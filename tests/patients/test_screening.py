"""The GP's screening queue, the lists, and what carries over between projects (docs/domain.md,
step 3)."""

import csv
import io
from datetime import date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse

from patients import services
from patients.clinical import is_complex
from patients.models import (
    AuditEvent,
    ExclusionReason,
    Participation,
    ParticipationEvent,
    Role,
    ScreeningDecision,
)
from patients.screening import (
    age_on,
    consult_is_recent,
    ddd_per_month,
    letter_is_recent,
    promise_key,
    split_sizes,
    suggest,
)
from patients.selectors import (
    groslijst_rows,
    project_funnel,
    project_list_entries,
    screening_facts,
    screening_last_decision,
)
from tests.conftest import make_project
from tests.factories import PatientFactory

S = Participation.Status
R = date(2026, 9, 15)
TODAY = date(2026, 11, 23)


# --- Pure rules -------------------------------------------------------------------------


@pytest.mark.parametrize(("atc", "expected"), [
    ("N03AX09", True), ("L04AX01", True), ("N02AA01", True), ("N05AH04", True),
    ("M09AA01", False),  # quinine
    ("N02AJ06", False), ("N02AA59", False),  # codeine with a non-opioid painkiller
    ("N02BF02", False),  # pregabalin left N03
    ("C07AB02", False),
])
def test_complex_comedication_by_prefix_with_the_exceptions(atc, expected):
    prefixes = ["L", "M03", "M09A", "N02A", "N03", "N05A"]
    exceptions = ["M09AA01", "N02AA59", "N02AJ06", "N02AJ07", "N02AJ08", "N02AJ09"]
    assert is_complex(atc, prefixes, exceptions) is expected


@pytest.mark.parametrize(("sent", "today", "recent"), [
    (date(2025, 11, 24), TODAY, True),  # one day short of a year
    (date(2025, 11, 23), TODAY, False),  # exactly a year ago: free again
    (None, TODAY, False),
])
def test_stop_letter_less_than_a_year_ago(sent, today, recent):
    assert letter_is_recent(sent, today) is recent


@pytest.mark.parametrize(("consult", "recent"), [
    (date(2026, 10, 24), True), (date(2026, 10, 23), False), (date(2026, 12, 1), True)])
def test_evaluation_consult_less_than_a_month_ago(consult, recent):
    assert consult_is_recent(consult, TODAY) is recent


def test_suggestion_takes_the_weightiest_flag_and_approaches_without_flags():
    assert suggest().decision == "approach"
    assert suggest(over_ddd=True).reason == ExclusionReason.HIGH_DDD
    assert suggest(over_ddd=True, complex_comedication=True).reason == ExclusionReason.COMPLEX
    assert suggest(complex_comedication=True, recent_letter=True).reason == \
        ExclusionReason.RECENT_LETTER
    assert suggest(recent_letter=True, lasting_reason="terminal").reason == "terminal"


def test_ddd_per_month_covers_24_months_and_leaves_out_later_and_older_dates():
    bars = ddd_per_month([(date(2026, 9, 15), Decimal(3)), (date(2026, 9, 16), Decimal(50)),
                          (date(2024, 10, 31), Decimal(1)), (date(2024, 9, 30), Decimal(9))],
                         R)
    assert len(bars) == 24
    assert bars[0].month == date(2024, 10, 1) and bars[-1].month == date(2026, 9, 1)
    assert bars[-1].ddd == Decimal("3.0") and bars[-1].height == 100
    assert bars[0].ddd == Decimal("1.0") and bars[0].height == 33


def test_most_promising_first_lowest_ddd_then_shortest_use():
    keys = {
        "low-long": promise_key(Decimal("0.2"), date(2020, 1, 1), TODAY),
        "low-short": promise_key(Decimal("0.2"), date(2026, 1, 1), TODAY),
        "high-short": promise_key(Decimal("1.5"), date(2026, 6, 1), TODAY),
    }
    assert sorted(keys, key=keys.get) == ["low-short", "low-long", "high-short"]


@pytest.mark.parametrize(("approved", "free", "expected"), [
    (12, 10, (10, 2)), (10, 10, (10, 0)), (3, 10, (3, 0)), (4, 0, (0, 4)), (4, -2, (0, 4))])
def test_split_fills_the_mailing_list_to_its_target_first(approved, free, expected):
    assert split_sizes(approved, letters_free=free) == expected


def test_age_turns_on_the_birthday():
    assert age_on(date(1950, 11, 23), TODAY) == 76
    assert age_on(date(1950, 11, 24), TODAY) == 75


# --- Services ---------------------------------------------------------------------------


@pytest.fixture
def screening_project(practice, users, prescribe):
    """A project with three chronic users to screen; their DDD/day differ."""
    project = make_project(practice, users[Role.POH_GGZ], letter_target=1, reserve_target=1)
    parts = []
    for number, units in (("200001", 60), ("200002", 20), ("200003", 40)):
        patient = PatientFactory(practice=practice, number=number, surname=f"Test{number}")
        for when in (date(2026, 2, 1), date(2026, 8, 20)):
            prescribe(patient, when, atc="N05BA04", units=units, strength="10")
        parts.append(Participation.objects.create(project=project, patient=patient,
                                                  reference_date=R,
                                                  created_by=users[Role.POH_GGZ]))
    return project, parts


def decide(part, user, decision="approach", reason="", note=""):
    return services.screening_decide(participation=part, user=user, decision=decision,
                                     reason=reason, note=note)


def test_the_gp_approaches_and_excludes_with_who_and_when(screening_project, users):
    project, (a, b, _c) = screening_project
    gp = users[Role.HUISARTS]
    decide(a, gp)
    decide(b, gp, "exclude", ExclusionReason.TERMINAL, "palliatief")
    a.refresh_from_db()
    b.refresh_from_db()
    assert (a.status, b.status) == (S.APPROVED, S.EXCLUDED)
    decision = b.decisions.get()
    assert (decision.decided_by, decision.reason, decision.note) == (gp, "terminal", "palliatief")
    assert ParticipationEvent.objects.filter(participation=b, by=gp, to_status=S.EXCLUDED).exists()
    assert AuditEvent.objects.filter(patient=b.patient, user=gp,
                                     action=AuditEvent.Action.CHANGE).exists()


def test_excluding_needs_a_reason_and_other_needs_a_note(screening_project, users):
    _project, (a, _b, _c) = screening_project
    gp = users[Role.HUISARTS]
    with pytest.raises(services.ScreeningError):
        decide(a, gp, "exclude")
    with pytest.raises(services.ScreeningError):
        decide(a, gp, "exclude", ExclusionReason.OTHER, "  ")
    a.refresh_from_db()
    assert a.status == S.TO_SCREEN and not a.decisions.exists()


def test_a_second_decision_on_the_same_patient_is_refused(screening_project, users):
    _project, (a, _b, _c) = screening_project
    decide(a, users[Role.HUISARTS])
    with pytest.raises(services.ScreeningError):
        decide(a, users[Role.HUISARTS], "exclude", ExclusionReason.TERMINAL)
    assert a.decisions.count() == 1


def test_undo_puts_the_patient_back_in_the_queue_and_keeps_the_history(screening_project,
                                                                       users):
    _project, (a, _b, _c) = screening_project
    gp = users[Role.HUISARTS]
    decide(a, gp, "exclude", ExclusionReason.LANGUAGE)
    services.screening_undo(participation=a, user=gp)
    a.refresh_from_db()
    assert a.status == S.TO_SCREEN
    assert a.decisions.get().undone_at is not None
    decide(a, gp)  # decide again
    assert a.decisions.filter(undone_at__isnull=True).get().decision == "approach"


def test_undo_is_refused_once_the_letter_went_out(screening_project, users):
    project, (a, _b, _c) = screening_project
    gp = users[Role.HUISARTS]
    decide(a, gp)
    services.lists_split(project=project, user=gp, today=TODAY)
    a.refresh_from_db()
    services.participation_letter_mailed(participation=a, user=gp, mailed_on=TODAY)
    with pytest.raises(services.ScreeningError):
        services.screening_undo(participation=a, user=gp)
    a.refresh_from_db()
    assert a.status == S.LETTER_SENT


def test_the_last_decision_is_the_users_newest_that_can_still_be_undone(screening_project,
                                                                       users):
    project, (a, b, _c) = screening_project
    gp = users[Role.HUISARTS]
    assert screening_last_decision(project=project, user=gp, undoable=services.UNDOABLE) is None
    decide(a, gp)
    decide(b, gp, "exclude", ExclusionReason.LANGUAGE)
    last = screening_last_decision(project=project, user=gp, undoable=services.UNDOABLE)
    assert last.participation == b
    assert screening_last_decision(project=project, user=users[Role.POH_GGZ],
                                   undoable=services.UNDOABLE) is None
    services.screening_undo(participation=b, user=gp)
    last = screening_last_decision(project=project, user=gp, undoable=services.UNDOABLE)
    assert last.participation == a
    assert screening_last_decision(project=project, user=gp, undoable=[S.MAILING]) is None


def test_the_poh_proposes_without_deciding(screening_project, users):
    _project, (a, _b, _c) = screening_project
    services.screening_propose(participation=a, user=users[Role.POH_GGZ], proposal="exclude",
                               reason=ExclusionReason.IMMOBILE, note="woont in verpleeghuis")
    a.refresh_from_db()
    assert a.status == S.TO_SCREEN and not a.decisions.exists()
    assert (a.proposal, a.proposal_reason, a.proposal_by) == (
        "exclude", "immobile", users[Role.POH_GGZ])


def test_split_puts_the_most_promising_on_the_mailing_list(screening_project, users):
    project, (a, b, c) = screening_project
    gp = users[Role.HUISARTS]
    for part in (a, b, c):
        decide(part, gp)
    assert services.lists_split(project=project, user=gp, today=TODAY) == (1, 2)
    mailing = project_list_entries(project=project, status=S.MAILING)
    reserve = project_list_entries(project=project, status=S.RESERVE)
    # b has the lowest DDD/day (20 units), then c (40), then a (60).
    assert [e.participation.patient.number for e in mailing] == ["200002"]
    assert [e.participation.patient.number for e in reserve] == ["200003", "200001"]
    assert [e.participation.rank for e in reserve] == [1, 2]


def test_a_reserve_is_promoted_and_lists_reorder(screening_project, users):
    project, (a, b, c) = screening_project
    gp = users[Role.HUISARTS]
    for part in (a, b, c):
        decide(part, gp)
    services.lists_split(project=project, user=gp, today=TODAY)
    a.refresh_from_db()
    assert services.list_move(participation=a, user=gp, up=True)  # a above c on reserve
    assert not services.list_move(participation=a, user=gp, up=True)  # already first
    reserve = project_list_entries(project=project, status=S.RESERVE)
    assert [e.participation.patient.number for e in reserve] == ["200001", "200003"]
    services.list_transfer(participation=a, user=users[Role.POH_GGZ], to=S.MAILING)
    mailing = project_list_entries(project=project, status=S.MAILING)
    assert [(e.participation.patient.number, e.participation.rank) for e in mailing] == [
        ("200002", 1), ("200001", 2)]
    reserve = project_list_entries(project=project, status=S.RESERVE)
    assert [(e.participation.patient.number, e.participation.rank) for e in reserve] == [
        ("200003", 1)]
    with pytest.raises(services.ScreeningError):
        services.list_transfer(participation=a, user=gp, to=S.MAILING)


R_EARLY = date(2026, 3, 1)


@pytest.fixture
def two_reference_dates(practice, users, prescribe):
    """Two approached patients whose groslijsten had different reference dates.

    A (R): 100 units in the year before R, none before R_EARLY's year.
    B (R_EARLY): 150 units in the year before R_EARLY, only 10 in the year before R.
    At their own dates A is the lower; at A's date B would look lower (issue 11, point 1).
    """
    project = make_project(practice, users[Role.POH_GGZ], letter_target=2, reserve_target=2)
    a = PatientFactory(practice=practice, number="300001", surname="Vroeg")
    prescribe(a, date(2026, 8, 20), atc="N05BA04", units=100, strength="10")
    b = PatientFactory(practice=practice, number="300002", surname="Laat")
    prescribe(b, date(2025, 6, 1), atc="N05BA04", units=140, strength="10")
    prescribe(b, date(2025, 12, 1), atc="N05BA04", units=10, strength="10")
    parts = [Participation.objects.create(project=project, patient=patient, reference_date=ref,
                                          created_by=users[Role.POH_GGZ])
             for patient, ref in ((a, R), (b, R_EARLY))]
    for part in parts:
        decide(part, users[Role.HUISARTS])
    return project, parts


def own_ddd(part):
    [row] = groslijst_rows(practice=part.project.practice, reference_date=part.reference_date,
                           patient_ids=[part.patient_id])
    return row.ddd_per_day


def test_each_patients_ddd_comes_from_their_own_reference_date(two_reference_dates, users):
    project, (a, b) = two_reference_dates
    services.lists_split(project=project, user=users[Role.HUISARTS], today=TODAY)
    entries = project_list_entries(project=project, status=S.MAILING)
    figures = {e.participation.patient.number: e.row.ddd_per_day for e in entries}
    assert figures == {"300001": own_ddd(a), "300002": own_ddd(b)}
    assert figures["300001"] < figures["300002"]
    # The edge: at A's reference date B's figure would have been far lower.
    [b_at_r] = groslijst_rows(practice=project.practice, reference_date=R,
                              patient_ids=[b.patient_id])
    assert b_at_r.ddd_per_day < figures["300001"] < figures["300002"]
    # Lowest DDD first: A got rank 1.
    assert [e.participation.patient.number for e in entries] == ["300001", "300002"]


def test_figures_stay_put_when_the_list_is_reordered(two_reference_dates, users):
    project, (a, b) = two_reference_dates
    gp = users[Role.HUISARTS]
    services.lists_split(project=project, user=gp, today=TODAY)
    before = {e.participation.pk: e.row.ddd_per_day
              for e in project_list_entries(project=project, status=S.MAILING)}
    b.refresh_from_db()
    assert services.list_move(participation=b, user=gp, up=True)
    after_entries = project_list_entries(project=project, status=S.MAILING)
    assert [e.participation.pk for e in after_entries] == [b.pk, a.pk]  # really reordered
    assert {e.participation.pk: e.row.ddd_per_day for e in after_entries} == before


def test_lowest_ddd_first_uses_each_patients_own_figure(two_reference_dates, users):
    project, (a, b) = two_reference_dates
    project.letter_target = 1
    project.save(update_fields=["letter_target"])
    assert services.lists_split(project=project, user=users[Role.HUISARTS], today=TODAY) == (1, 1)
    mailing = project_list_entries(project=project, status=S.MAILING)
    reserve = project_list_entries(project=project, status=S.RESERVE)
    assert [e.participation.pk for e in mailing] == [a.pk]
    assert [e.participation.pk for e in reserve] == [b.pk]


def test_funnel_counts_each_step_and_the_reasons(screening_project, users):
    project, (a, b, c) = screening_project
    gp = users[Role.HUISARTS]
    decide(a, gp)
    decide(b, gp, "exclude", ExclusionReason.TERMINAL)
    funnel = project_funnel(project=project)
    assert (funnel.on_list, funnel.screened, funnel.to_screen, funnel.approached,
            funnel.excluded) == (3, 2, 1, 1, 1)
    assert funnel.excluded_by_reason == [(ExclusionReason.TERMINAL.label, 1)]


# --- What the app knows from earlier projects -------------------------------------------


def _earlier_participation(practice, users, patient, **fields):
    earlier = make_project(practice, users[Role.POH_GGZ], name="Ronde 2025",
                           planned_start=date(2025, 9, 1), planned_end=date(2026, 6, 1))
    return Participation.objects.create(project=earlier, patient=patient,
                                        reference_date=date(2025, 9, 1),
                                        created_by=users[Role.POH_GGZ], **fields)


@pytest.mark.parametrize(("days_ago", "flagged"), [(364, True), (365, False)])
def test_letter_less_than_a_year_ago_comes_from_the_apps_own_letters(
        screening_project, practice, users, days_ago, flagged):
    _project, (a, _b, _c) = screening_project
    sent = TODAY - timedelta(days=days_ago)  # 2025-11-24 is 364 days before TODAY
    _earlier_participation(practice, users, a.patient, status=S.LETTER_SENT,
                           letter_sent_on=sent)
    facts = screening_facts(participation=a, today=TODAY)
    assert (facts.recent_letter == sent) is flagged
    assert (facts.suggestion.reason == ExclusionReason.RECENT_LETTER) is flagged


def test_consult_less_than_a_month_ago_is_suggested_as_reason(screening_project, practice,
                                                             users):
    _project, (a, _b, _c) = screening_project
    held = datetime(2026, 11, 2, 10, 0, tzinfo=ZoneInfo("Europe/Amsterdam"))
    _earlier_participation(practice, users, a.patient, status=S.TAPERING, consult_at=held)
    facts = screening_facts(participation=a, today=TODAY)
    assert facts.recent_consult == date(2026, 11, 2)
    assert facts.suggestion.reason == ExclusionReason.RECENT_CONSULT


@pytest.mark.parametrize(("reason", "carries"), [
    (ExclusionReason.TERMINAL, True), (ExclusionReason.OTHER_INDICATION, True),
    (ExclusionReason.IMMOBILE, True), (ExclusionReason.LANGUAGE, True),
    (ExclusionReason.HIGH_DDD, False), (ExclusionReason.COMPLEX, False)])
def test_a_lasting_exclusion_carries_over_into_a_new_project(practice, users, prescribe,
                                                            client_for, reason, carries):
    poh, gp = users[Role.POH_GGZ], users[Role.HUISARTS]
    patient = PatientFactory(practice=practice, number="300001", surname="Blijvend")
    for when in (date(2026, 2, 1), date(2026, 8, 20)):
        prescribe(patient, when, atc="N05BA04", units=30, strength="10")
    earlier = _earlier_participation(practice, users, patient)
    decide(earlier, gp, "exclude", reason)
    Participation.objects.filter(pk=earlier.pk).update()  # the earlier project stays as it is

    page = client_for(poh).get(reverse("patients:groslijst"), {"peildatum": "2026-09-15"})
    assert ("Blijvend" in page.content.decode()) is not carries
    shown = client_for(poh).get(reverse("patients:groslijst"),
                                {"peildatum": "2026-09-15", "uitgesloten": "on"})
    assert "Blijvend" in shown.content.decode()
    if carries:
        assert "eerder uitgesloten" in shown.content.decode()

    new = make_project(practice, poh, name="Ronde 2026")
    part = Participation.objects.create(project=new, patient=patient, reference_date=R,
                                        created_by=poh)
    facts = screening_facts(participation=part, today=TODAY)
    assert (facts.lasting is not None) is carries
    if carries:
        assert facts.suggestion.reason == reason


def test_an_undone_lasting_exclusion_does_not_carry_over(practice, users, prescribe):
    patient = PatientFactory(practice=practice, number="300002")
    prescribe(patient, date(2026, 8, 20))
    earlier = _earlier_participation(practice, users, patient)
    decide(earlier, users[Role.HUISARTS], "exclude", ExclusionReason.TERMINAL)
    services.screening_undo(participation=earlier, user=users[Role.HUISARTS])
    new = make_project(practice, users[Role.POH_GGZ], name="Ronde 2026")
    part = Participation.objects.create(project=new, patient=patient, reference_date=R,
                                        created_by=users[Role.POH_GGZ])
    assert screening_facts(participation=part, today=TODAY).lasting is None


def test_screening_facts_show_products_comedication_and_history(screening_project, prescribe,
                                                               users):
    _project, (a, _b, _c) = screening_project
    prescribe(a.patient, date(2026, 7, 1), atc="N03AX09", strength="100")
    prescribe(a.patient, date(2026, 7, 1), atc="C07AB02", strength="50")
    facts = screening_facts(participation=a, today=TODAY)
    assert [p.name for p in facts.products] == ["oxazepam"]
    assert [(c.atc, c.complex) for c in facts.comedication] == [
        ("N03AX09", True), ("C07AB02", False)]
    assert facts.row.complex_comedication
    # 60 tablets of 10 mg oxazepam = 600 mg = 12 DDD (50 mg) in Feb and again in Aug.
    by_month = {bar.month: bar.ddd for bar in facts.history}
    assert by_month[date(2026, 2, 1)] == Decimal("12.0")
    assert by_month[date(2026, 8, 1)] == Decimal("12.0")


# --- Pages ------------------------------------------------------------------------------


def _url(name, project, part=None):
    kwargs = {"project_uuid": project.uuid}
    if part is not None:
        kwargs["participation_uuid"] = part.uuid
    return reverse(f"patients:{name}", kwargs=kwargs)


def test_the_queue_shows_one_patient_with_progress_and_logs_the_view(screening_project, users,
                                                                    client_for):
    project, (a, _b, _c) = screening_project
    gp = users[Role.HUISARTS]
    response = client_for(gp).get(_url("screening", project))
    html = response.content.decode()
    assert response.status_code == 200
    assert "Test200001" in html and "0 van 3 beoordeeld" in html
    assert "Benaderen" in html and "Niet benaderen" in html
    event = AuditEvent.objects.latest("id")
    assert event.patient == a.patient and event.user == gp


def test_a_gp_decides_on_the_page_and_the_next_patient_follows(screening_project, users,
                                                              client_for):
    project, (a, b, _c) = screening_project
    client = client_for(users[Role.HUISARTS])
    response = client.post(_url("screening-decide", project, a),
                           {"decision": "exclude", "reason": "terminal"}, follow=True)
    html = response.content.decode()
    assert "Test200002" in html and "1 van 3 beoordeeld" in html
    a.refresh_from_db()
    assert a.status == S.EXCLUDED


def test_an_exclusion_without_reason_is_explained_and_nothing_saved(screening_project, users,
                                                                   client_for):
    project, (a, _b, _c) = screening_project
    response = client_for(users[Role.HUISARTS]).post(_url("screening-decide", project, a),
                                                     {"decision": "exclude"})
    assert response.status_code == 400
    assert "Kies een reden" in response.content.decode()
    a.refresh_from_db()
    assert a.status == S.TO_SCREEN


def test_the_poh_gets_a_proposal_not_a_decision_on_the_same_page(screening_project, users,
                                                                client_for):
    project, (a, _b, _c) = screening_project
    client = client_for(users[Role.POH_GGZ])
    assert "Voorstel voor de huisarts" in client.get(_url("screening", project)).content.decode()
    client.post(_url("screening-decide", project, a), {"decision": "approach"})
    a.refresh_from_db()
    assert a.status == S.TO_SCREEN and a.proposal == "approach"
    gp_page = client_for(users[Role.HUISARTS]).get(_url("screening", project)).content.decode()
    assert "Voorstel van de POH-GGZ" in gp_page


@pytest.mark.parametrize("role", [Role.ASSISTENT, Role.MONITOR, Role.APOTHEKER])
def test_roles_without_clinical_access_are_refused(screening_project, users, client_for, role):
    project, (a, _b, _c) = screening_project
    client = client_for(users[role])
    assert client.get(_url("screening", project)).status_code == 403
    assert client.post(_url("screening-decide", project, a),
                       {"decision": "approach"}).status_code == 403
    a.refresh_from_db()
    assert a.status == S.TO_SCREEN and not a.proposal


def test_only_a_gp_may_undo(screening_project, users, client_for):
    project, (a, _b, _c) = screening_project
    decide(a, users[Role.HUISARTS])
    assert client_for(users[Role.POH_GGZ]).post(
        _url("screening-undo", project, a)).status_code == 403
    client_for(users[Role.HUISARTS]).post(_url("screening-undo", project, a))
    a.refresh_from_db()
    assert a.status == S.TO_SCREEN


def test_skip_sends_a_patient_to_the_end_of_the_queue(screening_project, users, client_for):
    project, (a, _b, _c) = screening_project
    client = client_for(users[Role.HUISARTS])
    response = client.post(_url("screening-skip", project, a), follow=True)
    html = response.content.decode()
    assert "Test200002" in html and "1 overgeslagen" in html


def test_end_of_the_queue_points_to_the_lists(screening_project, users, client_for):
    project, parts = screening_project
    for part in parts:
        decide(part, users[Role.HUISARTS])
    html = client_for(users[Role.HUISARTS]).get(_url("screening", project)).content.decode()
    assert "Iedereen in dit project is beoordeeld" in html


def test_overview_csv_lists_number_name_decision_and_reason(screening_project, users,
                                                           client_for):
    project, (a, b, _c) = screening_project
    gp = users[Role.HUISARTS]
    decide(a, gp)
    decide(b, gp, "exclude", ExclusionReason.LANGUAGE)
    response = client_for(gp).get(_url("screening-overview", project), {"formaat": "csv"})
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    assert rows[0][:4] == ["patiëntnummer", "naam", "besluit", "reden"]
    by_number = {r[0]: r for r in rows[1:]}
    assert by_number["200001"][2] == "benaderen"
    assert by_number["200002"][2:4] == ["niet benaderen",
                                        "onvoldoende beheersing van Nederlands of Engels"]
    assert by_number["200003"][2] == "nog niet beoordeeld"
    assert AuditEvent.objects.filter(action=AuditEvent.Action.EXPORT, user=gp).exists()


def test_lists_page_splits_and_promotes(screening_project, users, client_for):
    project, (a, b, c) = screening_project
    for part in (a, b, c):
        decide(part, users[Role.HUISARTS])
    client = client_for(users[Role.POH_GGZ])
    html = client.get(_url("project-lists", project)).content.decode()
    assert "3 benaderde patiënten staan nog niet op een lijst" in html
    client.post(_url("lists-split", project))
    client.post(_url("list-transfer", project, a), {"naar": "mailing"})
    a.refresh_from_db()
    assert a.status == S.MAILING
    html = client.get(_url("project-lists", project)).content.decode()
    assert "2 van 1 brieven" in html


def test_project_page_shows_the_funnel_to_gp_not_to_the_assistant(screening_project, users,
                                                                  client_for):
    project, (a, _b, _c) = screening_project
    decide(a, users[Role.HUISARTS], "exclude", ExclusionReason.TERMINAL)
    url = project.get_absolute_url()
    assert "terminale ziekte: 1" in client_for(users[Role.HUISARTS]).get(url).content.decode()
    assert "terminale ziekte" not in client_for(users[Role.ASSISTENT]).get(url).content.decode()


def test_a_decision_for_another_practices_participation_is_404(screening_project, other_users,
                                                              client_for):
    project, (a, _b, _c) = screening_project
    response = client_for(other_users[Role.HUISARTS]).post(
        _url("screening-decide", project, a), {"decision": "approach"})
    assert response.status_code == 404
    assert not ScreeningDecision.objects.exists()
