"""Taking a questionnaire (docs/domain.md#questionnaires): the answer set kept with its date,
how it was entered and the schedule step of that date; the pages for the POH-GGZ and GP;
and the printable blank BWSQ form."""

import io
import subprocess
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from pypdf import PdfReader

from patients.models import AuditEvent, Role
from tapering import services
from tapering.models import QuestionnaireDefinition, QuestionnaireResponse
from tapering.questionnaire_selectors import bwsq_hold_suggestion
from tapering.questionnaires import ScoreError, hold_suggested

from .schedule_helpers import (
    START,
    consult_planned,
    make,
    reference_table,  # noqa: F401 - an autouse fixture
)
from .schedule_helpers import (
    page_url as url,
)

AMS = ZoneInfo("Europe/Amsterdam")


@pytest.fixture(autouse=True)
def a_week_after_the_start():
    with time_machine.travel(datetime(2027, 1, 25, 10, 0, tzinfo=AMS), tick=False):
        yield


TODAY = START + timedelta(days=21)


@pytest.fixture
def part(project, users, prescribe):
    return consult_planned(project, users, prescribe=prescribe)


def bwsq(**chosen):
    answers = {str(n): 0 for n in range(1, 21)}
    answers.update({key[1:]: value for key, value in chosen.items()})
    return answers


def record(part, users, code="bwsq", values=None, taken_on=TODAY, how="contact"):
    return services.questionnaire_record(
        participation=part, row=QuestionnaireDefinition.objects.get(code=code),
        values=bwsq() if values is None else values, taken_on=taken_on, how=how,
        user=users[Role.POH_GGZ], today=TODAY)


# --- The service ----------------------------------------------------------------------------


def test_an_answer_set_keeps_its_scores_date_and_the_step_of_that_date(part, users):
    assert record(part, users).step is None  # no schedule yet
    schedule = make(part, users, today=START)
    steps = schedule.current.steps
    step_1_start = next(s["start"] for s in steps if s["number"] == 1)
    first = datetime.fromisoformat(step_1_start).date()
    before = record(part, users, values=bwsq(q1=2, q2=1), taken_on=first - timedelta(days=1))
    on = record(part, users, values=bwsq(q1=2, q2=2), taken_on=first, how="paper")
    assert (before.step, on.step) == (0, 1)
    assert before.scores == {"total": 3} and on.scores == {"total": 4}
    assert on.how == "paper" and on.values["1"] == 2
    assert AuditEvent.objects.filter(object_id=str(on.uuid),
                                     action=AuditEvent.Action.CREATE).count() == 1


def test_refused_answer_sets_are_not_kept(part, users):
    with pytest.raises(ScoreError):
        record(part, users, taken_on=TODAY + timedelta(days=1))
    with pytest.raises(ScoreError):
        record(part, users, code="isi", values={"isi_total": 29})
    with pytest.raises(ScoreError):
        record(part, users, values=bwsq(q3=3))
    assert not QuestionnaireResponse.objects.exists()
    assert record(part, users, code="isi", values={"isi_total": 28}).categories == {
        "isi_total": "ernstige slapeloosheid"}


def test_the_same_answers_sent_twice_are_kept_once(part, users):
    first = record(part, users, values=bwsq(q5=1))
    assert record(part, users, values=bwsq(q5=1)) == first
    assert record(part, users, values=bwsq(q5=2)) != first
    assert QuestionnaireResponse.objects.count() == 2


# --- The pages ------------------------------------------------------------------------------


def test_the_poh_fills_in_the_bwsq_and_sees_it_in_the_list(part, users, client_for):
    client = client_for(users[Role.POH_GGZ])
    timeline = client.get(url("timeline", part)).content.decode()
    assert url("questionnaires", part) in timeline
    page = client.get(url("questionnaire-fill", part, code="bwsq")).content.decode()
    assert page.count('type="radio"') == 20 * 3 + 2
    assert "Ik ben duizelig." in page
    data = {"taken_on": TODAY.isoformat(), "how": "contact",
            **{f"item_{n}": "1" if n <= 6 else "0" for n in range(1, 21)}}
    response = client.post(url("questionnaire-fill", part, code="bwsq"), data, follow=True)
    html = response.content.decode()
    assert "Totaalscore: <strong>6</strong>/40" in html
    assert QuestionnaireResponse.objects.get().scores == {"total": 6}


def test_a_missing_bwsq_answer_is_shown_and_nothing_is_kept(part, users, client_for):
    client = client_for(users[Role.POH_GGZ])
    data = {"taken_on": TODAY.isoformat(), "how": "contact",
            **{f"item_{n}": "0" for n in range(1, 20)}}
    response = client.post(url("questionnaire-fill", part, code="bwsq"), data)
    assert response.status_code == 200
    assert "verplicht" in response.content.decode()
    assert not QuestionnaireResponse.objects.exists()


def test_the_gp_types_4dkl_scores_and_a_score_out_of_range_is_refused(part, users,
                                                                       client_for):
    client = client_for(users[Role.HUISARTS])
    page = client.get(url("questionnaire-fill", part, code="4dkl")).content.decode()
    assert 'type="radio"' in page and page.count('type="number"') == 4
    data = {"taken_on": TODAY.isoformat(), "how": "paper", "scale_distress": "33",
            "scale_depression": "3", "scale_anxiety": "3", "scale_somatisation": "0"}
    refused = client.post(url("questionnaire-fill", part, code="4dkl"), data).content.decode()
    assert "Distress moet tussen 0 en 32 liggen" in refused
    assert not QuestionnaireResponse.objects.exists()
    data["scale_distress"] = "11"
    html = client.post(url("questionnaire-fill", part, code="4dkl"), data,
                       follow=True).content.decode()
    assert "Distress: <strong>11</strong>/32 (matig verhoogd)" in html
    assert "Angst: <strong>3</strong>/24 (niet verhoogd)" in html


@pytest.mark.parametrize("role", [Role.ASSISTENT, Role.APOTHEKER])
def test_the_assistant_and_pharmacist_are_refused(role, part, users, client_for):
    client = client_for(users[role])
    for name, extra in (("questionnaires", {}), ("questionnaire-fill", {"code": "bwsq"}),
                        ("questionnaire-blank", {"code": "bwsq"})):
        assert client.get(url(name, part, **extra)).status_code == 403


def test_another_practice_gets_404(part, other_users, client_for):
    client = client_for(other_users[Role.POH_GGZ])
    assert client.get(url("questionnaires", part)).status_code == 404
    assert client.get(url("questionnaire-fill", part, code="bwsq")).status_code == 404


def test_a_licensed_instrument_has_no_blank_form(part, users, client_for):
    client = client_for(users[Role.POH_GGZ])
    assert client.get(url("questionnaire-blank", part, code="isi")).status_code == 404
    assert client.get(url("questionnaire-fill", part, code="nope")).status_code == 404


# --- The blank form -------------------------------------------------------------------------


def test_the_blank_bwsq_form_prints_every_symptom_with_a_box_per_answer(
        part, users, client_for, artifacts_dir):
    client = client_for(users[Role.POH_GGZ])
    response = client.get(url("questionnaire-blank", part, code="bwsq"))
    assert response["Content-Type"] == "application/pdf"
    pdf = response.content
    pages = PdfReader(io.BytesIO(pdf)).pages
    text = " ".join(" ".join(page.extract_text().split()) for page in pages)
    assert part.project.practice.name in text
    assert "BWSQ: klachten bij het afbouwen" in text
    assert "Had u de afgelopen week last van deze klachten?" in text
    for item in QuestionnaireDefinition.objects.get(code="bwsq").items.all():
        assert f"{item.number}. {item.text}" in text, item.text
    for label in ("Nee", "Ja, een beetje", "Ja, erg", "Naam", "Datum"):
        assert label in text
    assert part.patient.surname not in text  # blank: no patient on it
    assert AuditEvent.objects.filter(action=AuditEvent.Action.EXPORT,
                                     object_id=str(part.uuid)).exists()
    path = artifacts_dir / "bwsq-blank-form.pdf"
    path.write_bytes(pdf)
    subprocess.run(["pdftoppm", "-png", "-r", "80", "-f", "1", "-l", "1", "-singlefile",
                    str(path), str(artifacts_dir / "bwsq-blank-form")], check=True)
    assert (artifacts_dir / "bwsq-blank-form.png").stat().st_size > 0


# --- The hold suggestion (the rule; not yet on the schedule page) ---------------------------


def test_hold_rule_on_both_sides_of_the_rise():
    assert hold_suggested(previous=10, latest=15, rise=5)
    assert not hold_suggested(previous=10, latest=14, rise=5)
    assert not hold_suggested(previous=None, latest=40, rise=5)
    assert hold_suggested(previous=0, latest=5)  # the default is 5
    assert not hold_suggested(previous=0, latest=4)


@pytest.mark.parametrize(("rise", "suggested"), [(5, True), (4, False)])
def test_a_bwsq_rise_of_5_suggests_a_hold_and_of_4_does_not(part, users, rise, suggested):
    record(part, users, values=bwsq(q1=1), taken_on=TODAY - timedelta(days=14))
    assert bwsq_hold_suggestion(participation=part) is None  # one measurement only
    later = {f"q{n}": 1 for n in range(1, rise + 2)}
    record(part, users, values=bwsq(**later), taken_on=TODAY)
    suggestion = bwsq_hold_suggestion(participation=part)
    assert (suggestion is not None) is suggested
    if suggested:
        assert suggestion.rise == 5 and suggestion.latest.taken_on == TODAY


def test_the_rise_is_a_setting(part, users, settings):
    settings.BWSQ_HOLD_RISE = 3
    record(part, users, values=bwsq(), taken_on=TODAY - timedelta(days=7))
    record(part, users, values=bwsq(q1=1, q2=1, q3=1), taken_on=TODAY)
    assert bwsq_hold_suggestion(participation=part) is not None
    settings.BWSQ_HOLD_RISE = 4
    assert bwsq_hold_suggestion(participation=part) is None


# --- The suggestion on the schedule page and the decision -----------------------------------


def rose_by(part, users, rise):
    record(part, users, values=bwsq(q1=1), taken_on=TODAY - timedelta(days=7))
    return record(part, users, values=bwsq(**{f"q{n}": 1 for n in range(1, rise + 2)}),
                  taken_on=TODAY)


def test_a_rise_of_4_shows_no_suggestion(part, users, client_for):
    make(part, users, today=START)
    rose_by(part, users, 4)
    html = client_for(users[Role.POH_GGZ]).get(url("schedule", part)).content.decode()
    assert 'id="bwsq-suggestie"' not in html


def test_not_now_is_recorded_on_the_timeline_and_asked_once(part, users, client_for):
    schedule = make(part, users, today=START)
    latest = rose_by(part, users, 5)
    client = client_for(users[Role.POH_GGZ])
    html = client.get(url("schedule", part)).content.decode()
    assert 'id="bwsq-suggestie"' in html and "met 5 punten" in html
    data = {"response": str(latest.uuid), "version": "1", "decision": "not_now"}
    client.post(url("bwsq-hold-decision", part), data)
    latest.refresh_from_db()
    assert latest.hold_decision == "not_now" and latest.decided_by == users[Role.POH_GGZ]
    assert part.events.filter(what__startswith="Afbouwstap vasthouden").count() == 1
    assert schedule.versions.count() == 1  # nothing applied
    html = client.post(url("bwsq-hold-decision", part), data, follow=True).content.decode()
    assert "niet meer open" in html
    assert part.events.filter(what__startswith="Afbouwstap vasthouden").count() == 1
    assert 'id="bwsq-suggestie"' not in html


def test_hold_uses_the_schedules_own_hold(part, users, client_for):
    schedule = make(part, users, today=START)
    latest = rose_by(part, users, 6)
    client = client_for(users[Role.HUISARTS])
    client.post(url("bwsq-hold-decision", part),
                {"response": str(latest.uuid), "version": "1", "decision": "held"})
    latest.refresh_from_db()
    assert latest.hold_decision == "held"
    version = schedule.versions.get(number=2)
    assert version.change == "hold" and "BWSQ" in version.reason


# --- The trend --------------------------------------------------------------------------------


def test_the_questionnaires_page_draws_each_instruments_trend(part, users, client_for):
    client = client_for(users[Role.POH_GGZ])
    html = client.get(url("questionnaires", part)).content.decode()
    assert 'id="geen-verloop"' in html and "<svg" not in html
    record(part, users, values=bwsq(q1=1), taken_on=TODAY - timedelta(days=7))
    record(part, users, values=bwsq(q1=2, q2=2, q3=1), taken_on=TODAY)
    record(part, users, code="4dkl", values={"distress": 12, "depression": 2, "anxiety": 1,
                                             "somatisation": 5}, how="paper")
    html = client.get(url("questionnaires", part)).content.decode()
    assert 'id="geen-verloop"' not in html
    assert 'id="verloop-bwsq"' in html and 'id="verloop-4dkl"' in html
    bwsq_chart = html.split('id="verloop-bwsq"')[1].split("</section>")[0]
    assert bwsq_chart.count("<circle") == 2 and ">1</text>" in bwsq_chart
    assert ">5</text>" in bwsq_chart  # the second total: 2 + 2 + 1
    assert "Eén meting" not in bwsq_chart
    dkl_chart = html.split('id="verloop-4dkl"')[1].split("</section>")[0]
    assert "Eén meting" not in dkl_chart  # four lines, one point each: the legend names them
    assert dkl_chart.count("<path") == 0


def test_the_schedule_page_shows_the_bwsq_across_the_steps(part, users, client_for):
    make(part, users, today=START)
    client = client_for(users[Role.POH_GGZ])
    assert 'id="bwsq-verloop"' not in client.get(url("schedule", part)).content.decode()
    latest = rose_by(part, users, 5)
    html = client.get(url("schedule", part)).content.decode()
    section = html.split('id="bwsq-verloop"')[1].split("</section>")[0]
    assert "stap 0" in section and "stap 1" in section
    assert section.count("<circle") == 2 and f">{latest.scores['total']}</text>" in section
    assert 'href="#bwsq-verloop"' in html  # the suggestion links to it
