"""The schedule pages (tapering/views/schedules.py; docs/domain.md, step 7): who may open them,
the form with its live preview, the schedule page, adjustments, the GP's confirmation, the
printout and the read-only earlier versions."""

from datetime import datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse

from patients.models import AuditEvent, Participation, ParticipationEvent, Role
from tapering import services
from tapering.forms import ScheduleForm
from tapering.models import TaperSchedule
from tapering.selectors import product_options
from tapering.stepdata import steps_from_json

from .schedule_helpers import (
    START,
    TEMAZEPAM,
    consult_planned,
    make,
    nhg_temazepam,
    reference_table,  # noqa: F401 - an autouse fixture
)

S = Participation.Status
AMS = ZoneInfo("Europe/Amsterdam")
NAMES = ["schedule", "schedule-new", "schedule-preview", "schedule-adjust", "schedule-confirm",
         "schedule-print"]


@pytest.fixture(autouse=True)
def on_the_start_day():
    with time_machine.travel(datetime(2027, 1, 4, 10, 0, tzinfo=AMS), tick=False):
        yield


@pytest.fixture
def part(project, users, prescribe):
    return consult_planned(project, users, prescribe=prescribe)


def url(name, part, **extra):
    return reverse(f"tapering:{name}", kwargs={"project_uuid": part.project.uuid,
                                               "participation_uuid": part.uuid, **extra})


def form_data(**overrides):
    data = {"atc": TEMAZEPAM, "strength_mg": "20", "dose_mg": "20", "preset": "nhg",
            "switch_diazepam": "on", "start": START.isoformat(), "version": "0"}
    data.update(overrides)
    return data


# --- Access ---------------------------------------------------------------------------------


@pytest.mark.parametrize("role", [Role.ASSISTENT, Role.APOTHEKER, Role.MONITOR, Role.BEHEERDER])
def test_other_roles_get_403_on_every_schedule_page(role, part, users, client_for):
    schedule = make(part, users)
    client = client_for(users[role])
    for name in NAMES:
        assert client.get(url(name, part)).status_code == 403, name
        assert client.post(url(name, part), form_data()).status_code == 403, name
    version = url("schedule-version", part, version_uuid=schedule.current.uuid)
    assert client.get(version).status_code == 403


def test_another_practice_gets_404(part, users, other_users, client_for):
    schedule = make(part, users)
    version = url("schedule-version", part, version_uuid=schedule.current.uuid)
    for role in (Role.POH_GGZ, Role.HUISARTS):
        client = client_for(other_users[role])
        for name in NAMES:
            if name == "schedule-confirm" and role != Role.HUISARTS:
                continue  # a GP's page: the POH-GGZ is refused before any lookup (403)
            method = client.post if name in ("schedule-adjust", "schedule-confirm") else client.get
            assert method(url(name, part)).status_code == 404, (role, name)
        assert client.get(version).status_code == 404


def test_a_version_of_another_patient_is_not_found_under_this_one(part, project, users,
                                                                  client_for):
    other = consult_planned(project, users, number="700002")
    theirs = make(other, users)
    response = client_for(users[Role.POH_GGZ]).get(
        url("schedule-version", part, version_uuid=theirs.current.uuid))
    assert response.status_code == 404


def test_only_the_gp_may_post_a_confirmation(part, users, client_for):
    make(part, users)
    response = client_for(users[Role.POH_GGZ]).post(url("schedule-confirm", part),
                                                    {"version": "1"})
    assert response.status_code == 403


# --- Making a schedule ----------------------------------------------------------------------


def test_the_form_is_filled_in_from_the_latest_prescription(part, users, client_for):
    response = client_for(users[Role.POH_GGZ]).get(url("schedule-new", part))
    html = response.content.decode()
    assert response.status_code == 200
    assert f'<option value="{TEMAZEPAM}" selected>' in html
    assert '<option value="20" data-atc="N05CD07" selected>' in html
    assert '<option value="10" data-atc="N05CD07">' in html  # temazepam's other strength
    # 60 tablets of 20 mg in the 3 months before 04-01-2027 (92 days): about 13,04 mg a day.
    assert "ongeveer 13,04 mg per dag" in html
    assert 'value="2027-01-04"' in html  # start date: today
    assert 'id="voorbeeld-leeg"' in html  # no dose yet, so no preview


def test_without_a_prescription_the_form_says_so(project, users, client_for):
    part = consult_planned(project, users, number="700009")
    html = client_for(users[Role.POH_GGZ]).get(url("schedule-new", part)).content.decode()
    assert "Geen benzodiazepinevoorschrift" in html


def test_the_preview_is_a_partial_with_table_and_chart(part, users, client_for):
    response = client_for(users[Role.POH_GGZ]).get(url("schedule-preview", part), form_data(),
                                                   HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in html and "<nav" not in html
    assert '<svg xmlns="http://www.w3.org/2000/svg"' in html and 'role="img"' in html
    assert 'id="voorbeeld-tabel"' in html
    assert "diazepam volgens afbouwschema" in html or "tabletten" in html  # the HIS line
    assert "Ashton" in html and "10 mg diazepam per dag" in html
    assert not TaperSchedule.objects.exists()  # a preview stores nothing


def test_the_preview_says_what_is_missing_or_wrong(part, users, client_for):
    client = client_for(users[Role.POH_GGZ])
    missing = client.get(url("schedule-preview", part), form_data(dose_mg="")).content.decode()
    assert 'id="voorbeeld-leeg"' in missing
    wrong = client.get(url("schedule-preview", part), form_data(strength_mg="15")).content
    assert "10, 20" in wrong.decode()  # temazepam's strengths, named


def test_the_preview_takes_a_dutch_decimal_comma(part, users, client_for):
    html = client_for(users[Role.POH_GGZ]).get(
        url("schedule-preview", part),
        form_data(atc="N05BA06", strength_mg="0,5", dose_mg="1,5", preset="slow",
                  switch_diazepam="")).content.decode()
    assert 'id="voorbeeld-tabel"' in html and "1,5" in html


def test_the_preview_warns_where_equivalence_tables_disagree(part, users, client_for):
    client = client_for(users[Role.POH_GGZ])
    lorazepam = client.get(url("schedule-preview", part),
                           form_data(atc="N05BA06", strength_mg="1", dose_mg="2")).content
    assert "lopen de tabellen het meest uiteen" in lorazepam.decode()
    temazepam = client.get(url("schedule-preview", part), form_data()).content
    assert "lopen de tabellen het meest uiteen" not in temazepam.decode()


def test_saving_the_form_makes_the_schedule_and_opens_it(part, users, client_for):
    response = client_for(users[Role.POH_GGZ]).post(url("schedule-new", part), form_data(),
                                                    follow=True)
    assert response.redirect_chain[-1][0] == url("schedule", part)
    html = response.content.decode()
    assert "Afbouwschema opgeslagen." in html
    part.refresh_from_db()
    assert part.status == S.TAPERING
    assert TaperSchedule.objects.get(participation=part).current.preset == "nhg"


def test_a_wrong_strength_is_refused_with_a_message_and_nothing_stored(part, users, client_for):
    response = client_for(users[Role.POH_GGZ]).post(url("schedule-new", part),
                                                    form_data(strength_mg="15"))
    assert response.status_code == 400
    assert "10, 20 mg" in response.content.decode()
    assert not TaperSchedule.objects.exists()


@pytest.mark.parametrize(("days", "ok"), [(13, False), (14, True), (28, True), (29, False)])
def test_slow_takes_a_step_every_two_to_four_weeks(db, days, ok):
    form = ScheduleForm(form_data(preset="slow", interval_days=str(days), switch_diazepam=""),
                        products=product_options())
    assert form.is_valid() is ok
    if not ok:
        assert "14 tot 28 dagen" in form.errors["interval_days"][0]


def test_an_own_interval_outside_slow_is_free(db):
    form = ScheduleForm(form_data(preset="deprescribing", interval_days="10"),
                        products=product_options())
    assert form.is_valid()


def test_a_double_click_on_save_makes_one_schedule(part, users, client_for):
    client = client_for(users[Role.POH_GGZ])
    client.post(url("schedule-new", part), form_data())
    second = client.post(url("schedule-new", part), form_data(), follow=True)
    assert "intussen" in second.content.decode()
    assert TaperSchedule.objects.filter(participation=part).count() == 1


def test_changing_needs_a_reason_and_makes_version_2(part, users, client_for):
    make(part, users)
    client = client_for(users[Role.POH_GGZ])
    page = client.get(url("schedule-new", part)).content.decode()
    assert "Afbouwschema wijzigen" in page and 'name="version" value="1"' in page
    refused = client.post(url("schedule-new", part), form_data(version="1", preset="slow"))
    assert refused.status_code == 400 and "Geef de reden" in refused.content.decode()
    done = client.post(url("schedule-new", part),
                       form_data(version="1", preset="deprescribing", reason="rustiger aan"))
    assert done.status_code == 302
    schedule = TaperSchedule.objects.get(participation=part)
    assert schedule.current_number == 2 and schedule.current.reason == "rustiger aan"


def test_a_stale_change_page_is_refused(part, users, client_for):
    schedule = make(part, users)
    services.taper_schedule_hold(schedule=schedule, user=users[Role.POH_GGZ], step=0, days=2,
                                 reason="x", expected_version=1, today=START)
    response = client_for(users[Role.HUISARTS]).post(
        url("schedule-new", part), form_data(version="1", reason="y"), follow=True)
    assert "intussen" in response.content.decode()
    schedule.refresh_from_db()
    assert schedule.current_number == 2


def test_no_form_for_a_patient_before_the_consult(project, users, client_for):
    part = consult_planned(project, users, status=S.LETTER_SENT, number="700003")
    html = client_for(users[Role.POH_GGZ]).get(url("schedule-new", part)).content.decode()
    assert 'id="niet-mogelijk"' in html and 'id="schema-form"' not in html


# --- The schedule page ----------------------------------------------------------------------


def test_without_a_schedule_the_page_offers_to_make_one(part, users, client_for):
    html = client_for(users[Role.POH_GGZ]).get(url("schedule", part)).content.decode()
    assert 'id="geen-schema"' in html and url("schedule-new", part) in html


def test_the_page_shows_steps_switch_and_tablets(part, users, client_for):
    make(part, users)
    html = client_for(users[Role.POH_GGZ]).get(url("schedule", part)).content.decode()
    assert 'id="schema-tabel"' in html and 'aria-current="step"' in html  # step 0 today
    assert "<svg" in html and "afdrukken" in html
    assert 'id="omzetting"' in html and "Ashton" in html
    assert "20 mg temazepam is gelijk aan 10 mg diazepam" in html
    assert "Wacht op bevestiging van een huisarts" in html
    assert 'id="omzetting-onzeker"' not in html  # temazepam: not among the disputed
    assert 'data-copy="totaal-his-1"' in html and "volgens afbouwschema" in html
    # Printing waits for the GP: a disabled button with the reason, no link.
    assert 'id="afdrukken-uit"' in html and url("schedule-print", part) not in html
    # The POH-GGZ sees no confirm button.
    assert url("schedule-confirm", part) not in html


def test_the_gp_confirms_on_the_page_and_then_it_prints(part, users, client_for):
    make(part, users)
    gp = client_for(users[Role.HUISARTS])
    html = gp.get(url("schedule", part)).content.decode()
    assert f'action="{url("schedule-confirm", part)}"' in html
    response = gp.post(url("schedule-confirm", part), {"version": "1"}, follow=True)
    html = response.content.decode()
    assert "Omzetting naar diazepam bevestigd" in html
    assert "Bevestigd door dr." in html and url("schedule-print", part) in html
    again = gp.post(url("schedule-confirm", part), {"version": "1"}, follow=True)
    assert "al bevestigd" in again.content.decode()


def test_lorazepam_shows_the_warning_on_the_page(project, users, client_for):
    part = consult_planned(project, users, number="700004")
    make(part, users, nhg_temazepam(atc="N05BA06", strength_mg=Decimal(1), dose_mg=Decimal(2)))
    html = client_for(users[Role.HUISARTS]).get(url("schedule", part)).content.decode()
    assert 'id="omzetting-onzeker"' in html


def test_print_is_refused_until_the_gp_confirmed(part, users, client_for):
    schedule = make(part, users)
    client = client_for(users[Role.POH_GGZ])
    refused = client.get(url("schedule-print", part), follow=True)
    assert refused.redirect_chain[-1][0] == url("schedule", part)
    assert "kan nog niet worden afgedrukt" in refused.content.decode()
    services.taper_schedule_confirm(schedule=schedule, user=users[Role.HUISARTS],
                                    expected_version=1)
    before = AuditEvent.objects.count()
    response = client.get(url("schedule-print", part))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    assert 'filename="afbouwschema-700001-2027-01-04.pdf"' in response["Content-Disposition"]
    event = AuditEvent.objects.order_by("-id").first()
    assert AuditEvent.objects.count() == before + 1
    assert event.action == AuditEvent.Action.EXPORT and event.object_id == str(schedule.uuid)
    assert event.patient == part.patient


def test_a_schedule_without_a_switch_prints_at_once(part, users, client_for):
    make(part, users, nhg_temazepam(switch_diazepam=False))
    response = client_for(users[Role.HUISARTS]).get(url("schedule-print", part))
    assert response.status_code == 200 and response.content.startswith(b"%PDF")


def test_hold_from_the_page_needs_a_reason_and_makes_a_new_version(part, users, client_for):
    make(part, users)
    client = client_for(users[Role.POH_GGZ])
    refused = client.post(url("schedule-adjust", part),
                          {"action": "hold", "step": "0", "days": "7", "reason": "",
                           "version": "1"}, follow=True)
    assert "Reden" in refused.content.decode() or "reden" in refused.content.decode()
    assert TaperSchedule.objects.get(participation=part).current_number == 1
    done = client.post(url("schedule-adjust", part),
                       {"action": "hold", "step": "0", "days": "7", "reason": "slaapt slecht",
                        "version": "1"}, follow=True)
    html = done.content.decode()
    assert "Schema aangepast: versie 2." in html
    assert "slaapt slecht" in html  # the version history
    assert url("schedule-version", part,
               version_uuid=TaperSchedule.objects.get().versions.get(number=1).uuid) in html
    stale = client.post(url("schedule-adjust", part),
                        {"action": "repeat", "step": "0", "reason": "x", "version": "1"},
                        follow=True)
    assert "intussen" in stale.content.decode()


def test_an_earlier_version_reads_but_cannot_be_changed(part, users, client_for):
    schedule = make(part, users)
    services.taper_schedule_hold(schedule=schedule, user=users[Role.POH_GGZ], step=0, days=7,
                                 reason="zwaar", expected_version=1, today=START)
    first = schedule.versions.get(number=1)
    html = client_for(users[Role.HUISARTS]).get(
        url("schedule-version", part, version_uuid=first.uuid)).content.decode()
    assert 'id="eerdere-versie"' in html and "Versie 1" in html
    assert "<form" not in html.split('id="inhoud"')[1].split("</main>")[0]
    assert steps_from_json(first.steps)[1].start.strftime("%d-%m-%Y") in html


def test_every_schedule_page_is_in_the_audit_log_with_the_patient(part, users, client_for):
    make(part, users)
    client = client_for(users[Role.POH_GGZ])
    for name in ("schedule", "schedule-new", "schedule-preview"):
        before = AuditEvent.objects.count()
        assert client.get(url(name, part)).status_code == 200
        event = AuditEvent.objects.order_by("-id").first()
        assert AuditEvent.objects.count() == before + 1
        assert event.action == AuditEvent.Action.VIEW and event.object_id == str(part.uuid)
        assert event.patient == part.patient


# --- Links from elsewhere -------------------------------------------------------------------


def test_the_timeline_links_to_the_schedule(part, users, client_for):
    client = client_for(users[Role.POH_GGZ])
    timeline = url("timeline", part)
    assert url("schedule-new", part) in client.get(timeline).content.decode()
    make(part, users)
    html = client.get(timeline).content.decode()
    assert url("schedule", part) in html and "afbouwschema gestart" in html


def test_the_gps_start_page_lists_schedules_waiting_for_confirmation(part, users, client_for):
    schedule = make(part, users)
    gp, poh = client_for(users[Role.HUISARTS]), client_for(users[Role.POH_GGZ])
    html = gp.get(reverse("home")).content.decode()
    assert 'id="schema-bevestigen"' in html and url("schedule", part) in html
    assert 'id="schema-bevestigen"' not in poh.get(reverse("home")).content.decode()
    services.taper_schedule_confirm(schedule=schedule, user=users[Role.HUISARTS],
                                    expected_version=1)
    assert 'id="schema-bevestigen"' not in gp.get(reverse("home")).content.decode()


def test_the_timeline_shows_each_change_with_its_reason(part, users):
    schedule = make(part, users)
    services.taper_schedule_hold(schedule=schedule, user=users[Role.POH_GGZ], step=0, days=3,
                                 reason="slaapt slecht", expected_version=1,
                                 today=START + timedelta(days=1))
    whats = list(ParticipationEvent.objects.filter(participation=part).values_list("what",
                                                                                   flat=True))
    assert any("slaapt slecht" in w for w in whats)
