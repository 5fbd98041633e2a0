"""Dutch throughout (issue 11, point 5): dates in one format per kind, timeline entries in
Dutch wherever they were written, the reference page in words, the sweep command and the
admin in Dutch (docs/development.md#dates, #translations)."""

import html as html_text
import importlib
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from django.apps import apps
from django.core.management import call_command
from django.template import Context, Template
from django.urls import reverse
from django.utils import translation

from benzoproject.formats import format_date, format_datetime
from patients.due import due_items_sweep
from patients.models import DueItem, Participation, ParticipationEvent, Role
from patients.services import participation_letter_mailed
from tests.conftest import make_project, verified_client
from tests.factories import PatientFactory

S = Participation.Status
AMS = ZoneInfo("Europe/Amsterdam")
UTC = ZoneInfo("UTC")
MAILED = date(2026, 10, 1)
WAIT_END = date(2026, 10, 31)  # 30 wait days after MAILED
migration = importlib.import_module("patients.migrations.0017_timeline_dutch")


# --- One format per kind -----------------------------------------------------------------


@pytest.mark.parametrize("language", ["nl", "en"])
def test_a_date_reads_day_month_year_with_leading_zeros_in_any_language(language):
    with translation.override(language):
        assert format_date(date(2026, 11, 30)) == "30-11-2026"
        assert format_date(date(2027, 1, 5)) == "05-01-2027"


def test_a_moment_reads_in_amsterdam_time_on_both_sides_of_the_clock_change():
    # Winter time: UTC+1; summer time: UTC+2 (the clocks go back on 25 October 2026).
    assert format_datetime(datetime(2026, 10, 25, 0, 59, tzinfo=UTC)) == "25-10-2026 02:59"
    assert format_datetime(datetime(2026, 10, 25, 1, 0, tzinfo=UTC)) == "25-10-2026 02:00"
    assert format_datetime(datetime(2026, 11, 30, 13, 5, tzinfo=UTC)) == "30-11-2026 14:05"
    assert format_datetime(datetime(2026, 11, 30, 23, 30, tzinfo=UTC)) == "01-12-2026 00:30"


def test_pages_use_the_same_formats_as_the_code():
    day, moment = date(2027, 1, 5), datetime(2026, 11, 30, 13, 5, tzinfo=UTC)
    html = Template('{{ day|date }}|{{ moment|date:"DATETIME_FORMAT" }}').render(
        Context({"day": day, "moment": moment}))
    assert html == f"{format_date(day)}|{format_datetime(moment)}" == "05-01-2027|30-11-2026 14:05"


# --- Timeline entries ---------------------------------------------------------------------


@pytest.fixture
def project(practice, users):
    return make_project(practice, users[Role.POH_GGZ], letter_target=3, reserve_target=2)


def _mailed(project, users) -> Participation:
    patient = PatientFactory(practice=project.practice, number="400001", surname="Jansen",
                             phone="06-12345678")
    part = Participation.objects.create(project=project, patient=patient,
                                        reference_date=date(2026, 9, 15), status=S.MAILING,
                                        created_by=users[Role.POH_GGZ])
    participation_letter_mailed(participation=part, user=users[Role.ASSISTENT],
                                mailed_on=MAILED)
    return part


def test_a_timeline_entry_written_by_the_sweep_is_dutch_even_with_english_active(project, users):
    part = _mailed(project, users)
    with translation.override("en"):
        [(_, kind, what)] = due_items_sweep(today=WAIT_END).moved
    assert kind == DueItem.Kind.WAIT_ENDS and what == "wachtperiode voorbij: terugbellen"
    assert list(part.events.values_list("what", flat=True)) == [
        "stopbrief verstuurd op 01-10-2026", "wachtperiode voorbij: terugbellen"]


def test_run_due_steps_prints_only_dutch_with_dutch_dates(project, users, capsys):
    part = _mailed(project, users)
    item = DueItem.objects.get(participation=part)
    with translation.override("en"):  # whatever the shell had active
        call_command("run_due_steps", "--now", "2026-10-31")
    out = capsys.readouterr().out.splitlines()
    assert out == [f"wachtperiode voorbij (nr. {item.pk}): wachtperiode voorbij: terugbellen",
                   "1 getimede stap verwerkt op 31-10-2026."]
    call_command("run_due_steps", "--now", "2026-10-31")
    assert capsys.readouterr().out.splitlines() == ["0 getimede stappen verwerkt op 31-10-2026."]


def test_a_sweep_that_finds_the_patient_moved_on_says_so_in_dutch(project, users, capsys):
    part = _mailed(project, users)
    Participation.objects.filter(pk=part.pk).update(status=S.CALLBACK_DUE)
    call_command("run_due_steps", "--now", "2026-10-31")
    assert "niet verplaatst: heeft al gereageerd of is al verder" in capsys.readouterr().out


def test_a_wait_end_over_the_weekly_limit_is_postponed_with_a_dutch_note(practice, users):
    project = make_project(practice, users[Role.POH_GGZ], callbacks_per_week=1)
    first = _mailed(project, users)
    second_patient = PatientFactory(practice=practice, number="400002", surname="Smit")
    second = Participation.objects.create(project=project, patient=second_patient,
                                          reference_date=date(2026, 9, 15), status=S.MAILING,
                                          created_by=users[Role.POH_GGZ])
    participation_letter_mailed(participation=second, user=users[Role.ASSISTENT],
                                mailed_on=MAILED)
    whats = [what for _, _, what in due_items_sweep(today=WAIT_END).moved]
    assert whats == ["wachtperiode voorbij: terugbellen",
                     "uitgesteld tot 02-11-2026: de weekgrens voor terugbellen is bereikt"]
    assert first.events.count() == 2 and second.events.count() == 1


def test_the_timeline_page_shows_dutch_entries_and_numeric_dates(project, users, client_for):
    part = _mailed(project, users)
    due_items_sweep(today=WAIT_END)
    url = reverse("tapering:timeline", args=[project.uuid, part.uuid])
    html = client_for(users[Role.POH_GGZ]).get(url).content.decode()
    assert "stopbrief verstuurd op 01-10-2026" in html
    stamp = format_datetime(part.events.earliest("at").at)
    assert stamp in html and len(stamp) == len("01-10-2026 12:00")
    assert " okt " not in html and "oktober" not in html


# --- Old English rows ---------------------------------------------------------------------


@pytest.mark.parametrize(("stored", "shown"), [
    ("consult invitation mailed on 2026-11-30",
     "uitnodiging voor een gesprek verstuurd op 30-11-2026"),
    ("consult invitation mailed on 2027-01-05",
     "uitnodiging voor een gesprek verstuurd op 05-01-2027"),
    ("consult invitation mailed on 30-11-2026", None),  # not the old form: left alone
    ("stopbrief verstuurd op 01-10-2026", None),
    ("consult invitation mailed on 2026-11-30 (again)", None),
])
def test_the_migration_knows_exactly_the_old_english_entry(stored, shown):
    assert migration.dutch_text(stored) == shown


def test_the_migration_rewrites_old_english_rows_and_nothing_else(project, users):
    part = _mailed(project, users)
    old = ParticipationEvent.objects.create(participation=part,
                                            what="consult invitation mailed on 2026-11-30")
    dutch_before = list(part.events.exclude(pk=old.pk).values_list("pk", "what"))
    migration.translate_timeline(apps, None)
    old.refresh_from_db()
    assert old.what == "uitnodiging voor een gesprek verstuurd op 30-11-2026"
    assert list(part.events.exclude(pk=old.pk).values_list("pk", "what")) == dutch_before


# --- The reference page -------------------------------------------------------------------


def test_the_reference_page_shows_words_and_dutch_numbers(client_for, users):
    html = client_for(users[Role.POH_GGZ]).get(reverse("patients:substance-list")).content.decode()
    lorazepam = html[html.index("N05BA06"):html.index("N05BA07")]
    assert "2,5 mg" in lorazepam  # DDD
    assert "0,5 – 1 – 2,5 mg" in lorazepam  # strengths
    assert "middellang werkend" in lorazepam
    diazepam = html[html.index("N05BA01"):html.index("N05BA02")]
    assert "10 mg" in diazepam and "2 – 5 – 10 mg" in diazepam and "lang werkend" in diazepam
    midazolam = html[html.index("N05CD08"):html.index("N05CD09")]
    assert "7,5 mg" in midazolam and "kort werkend" in midazolam
    camazepam = html[html.index("N05BA15"):html.index("N05BA16")]
    assert "onbekend" in camazepam and camazepam.count("–") >= 2  # nothing known: dashes
    for raw in ("2,500", "0.5|1", "|", "intermediate", ">long<", "1E+1", "10,000"):
        assert raw not in html.split('id="inhoud"')[1], raw


# --- The admin ----------------------------------------------------------------------------


def test_the_admin_shows_third_party_models_in_dutch(client, django_user_model):
    admin = django_user_model.objects.create_superuser("opperbeheer", "b@example.org", "x")
    verified_client(admin, client)
    html = html_text.unescape(client.get(reverse("admin:index")).content.decode())
    for dutch in ("Gebruikers", "Terugkerende taken", "Cron-schema's", "Zonnegebeurtenissen",
                  "Modelnaam"):
        assert dutch in html, dutch
    for english in ("Periodic Tasks", "Crontabs", "Solar events", "Model name"):
        assert english not in html, english
    page = client.get(reverse("admin:django_celery_beat_periodictask_add")).content.decode()
    assert "Eenmalige taak" in page and "One-off Task" not in page
