"""Each role's open work on the start page ("Mijn taken"), with a link to where it is done."""

from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from benzoproject import startpage
from letters.models import LetterKind
from letters.services import (
    letter_resend,
    letter_run_cancel,
    letter_run_create,
    letter_run_mark_mailed,
    letter_run_start,
)
from patients.models import Participation, Role
from patients.services import participation_letter_mailed
from patients.workflow import participation_move
from tests.conftest import make_project
from tests.factories import PatientFactory
from tests.letters.helpers import on_mailing_list

S = Participation.Status


def _to_screen(project, users, number):
    return Participation.objects.create(
        project=project, patient=PatientFactory(practice=project.practice, number=number),
        reference_date=date(2026, 9, 15), created_by=users[Role.POH_GGZ])


def _home(client_for, user) -> str:
    return client_for(user).get(reverse("home")).content.decode()


def test_the_gp_and_poh_see_the_patients_to_screen_and_the_assistant_does_not(
        project, users, client_for):
    for number in ("700001", "700002"):
        _to_screen(project, users, number)
    screening = reverse("patients:screening", kwargs={"project_uuid": project.uuid})
    for role in (Role.HUISARTS, Role.POH_GGZ):
        html = _home(client_for, users[role])
        assert "2 patiënten te beoordelen" in html and screening in html
    assert "te beoordelen" not in _home(client_for, users[Role.ASSISTENT])


def test_the_poh_sees_approached_patients_still_to_put_on_a_list(project, users, client_for):
    part = _to_screen(project, users, "700003")
    participation_move(participation=part, to=S.APPROVED, user=users[Role.HUISARTS], what="x")
    assert "1 benaderde patiënt om op een lijst te zetten" in _home(client_for,
                                                                   users[Role.POH_GGZ])
    assert "op een lijst te zetten" not in _home(client_for, users[Role.HUISARTS])


def test_the_assistant_sees_letters_to_print_then_the_run_to_mark_as_mailed(
        project, users, client_for):
    project.gps.add(users[Role.HUISARTS])
    on_mailing_list(project, users[Role.HUISARTS], number="700004")
    assistant = users[Role.ASSISTENT]
    html = _home(client_for, assistant)
    assert "1 stopbrief om te printen" in html
    assert reverse("letters:mailing", kwargs={"project_uuid": project.uuid}) in html
    run = letter_run_create(project=project, user=assistant)
    letter_run_start(run=run)
    html = _home(client_for, assistant)
    assert "stopbrief om te printen" not in html
    assert "als verstuurd markeren" in html
    assert reverse("letters:run-detail", kwargs={"run_uuid": run.uuid}) in html
    assert "printrun" not in _home(client_for, users[Role.HUISARTS]).lower()


# --- The registry the apps fill (benzoproject.startpage) ---------------------------------


@pytest.fixture
def sources(monkeypatch):
    """Register sources for one test only; the apps' own stay."""
    monkeypatch.setattr(startpage, "SOURCES", dict(startpage.SOURCES))
    return startpage


@pytest.fixture
def panel_template(settings, tmp_path):
    (tmp_path / "_test_panel.html").write_text('<p id="test-paneel">{{ data.word }}</p>')
    settings.TEMPLATES = [{**settings.TEMPLATES[0],
                           "DIRS": [*settings.TEMPLATES[0]["DIRS"], tmp_path]}]
    return "_test_panel.html"


def test_a_registered_source_shows_its_work_and_panel(
        sources, panel_template, project, users, client_for):
    @sources.startpage_source("test.source", order=5)
    def source(*, user, practice, role, today):
        return sources.StartItems(
            work=(sources.WorkItem("Iets te doen", "/ergens/", project, detail="extra"),),
            panel=sources.Panel(panel_template, {"word": "paneelwoord"}))

    html = _home(client_for, users[Role.APOTHEKER])
    assert "Iets te doen" in html and 'href="/ergens/"' in html and "extra" in html
    assert '<p id="test-paneel">paneelwoord</p>' in html
    assert "Niets te doen" not in html
    # Order 5 puts the panel above the shared work list.
    assert html.index('id="test-paneel"') < html.index('id="open-werk"')


def test_a_source_is_asked_only_for_the_roles_it_declares(sources, users, client_for):
    asked = []

    @sources.startpage_source("test.gp-only", order=5, roles=(Role.HUISARTS,))
    def source(*, user, practice, role, today):
        asked.append(role)
        return sources.NOTHING

    _home(client_for, users[Role.ASSISTENT])
    assert asked == []
    _home(client_for, users[Role.HUISARTS])
    assert asked == [Role.HUISARTS]


def test_an_aid_panel_does_not_hide_the_empty_state(users, client_for):
    html = _home(client_for, users[Role.ASSISTENT])
    assert reverse("tapering:phone-note-search") in html and "Niets te doen" in html


def test_work_of_several_sources_is_listed_per_project(sources, project,
                                                       practice, users):
    later = make_project(practice, users[Role.POH_GGZ], name="Later",
                         planned_start=project.planned_start + timedelta(days=30),
                         planned_end=project.planned_end + timedelta(days=30))

    @sources.startpage_source("test.first", order=1, roles=(Role.APOTHEKER,))
    def first(*, user, practice, role, today):
        return sources.StartItems(work=(sources.WorkItem("a-later", "/", later),
                                        sources.WorkItem("a-early", "/", project)))

    @sources.startpage_source("test.second", order=2, roles=(Role.APOTHEKER,))
    def second(*, user, practice, role, today):
        return sources.StartItems(work=(sources.WorkItem("b-later", "/", later),
                                        sources.WorkItem("b-early", "/", project)))

    page = sources.start_page(user=users[Role.APOTHEKER], practice=practice,
                              role=Role.APOTHEKER, today=date(2026, 9, 15))
    [section] = [s for s in page.sections if s.work]
    assert [item.text for item in section.work] == ["a-early", "b-early", "a-later", "b-later"]
    assert not page.empty


def test_a_letter_to_send_again_is_work_for_the_assistant_and_poh_until_it_is_printed(
        project, users, client_for):
    gp = users[Role.HUISARTS]
    project.gps.set([gp])
    participation = on_mailing_list(project, gp)
    participation_letter_mailed(participation=participation, user=users[Role.ASSISTENT],
                                mailed_on=timezone.localdate() - timedelta(days=3))
    mailing = reverse("letters:mailing", kwargs={"project_uuid": project.uuid})
    for role in (Role.ASSISTENT, Role.POH_GGZ):
        assert "brief opnieuw te versturen" not in _home(client_for, users[role])
    letter_resend(participation=participation, reason="kwijt", user=users[Role.POH_GGZ])
    for role in (Role.ASSISTENT, Role.POH_GGZ):
        html = _home(client_for, users[role])
        assert "1 brief opnieuw te versturen" in html and mailing in html
    assert "opnieuw te versturen" not in _home(client_for, users[Role.HUISARTS])
    # Printed: the run is the work now (mark it mailed), not the letter.
    run = letter_run_create(project=project, user=users[Role.ASSISTENT], kind=LetterKind.RESEND)
    letter_run_start(run=run)
    html = _home(client_for, users[Role.ASSISTENT])
    assert "opnieuw te versturen" not in html
    assert reverse("letters:run-detail", kwargs={"run_uuid": run.uuid}) in html
    # Cancelled: back on the list.
    letter_run_cancel(run=run, user=users[Role.ASSISTENT])
    assert "1 brief opnieuw te versturen" in _home(client_for, users[Role.ASSISTENT])
    run = letter_run_create(project=project, user=users[Role.ASSISTENT], kind=LetterKind.RESEND)
    letter_run_start(run=run)
    letter_run_mark_mailed(run=run, user=users[Role.ASSISTENT], mailed_on=timezone.localdate())
    html = _home(client_for, users[Role.ASSISTENT])
    assert "opnieuw te versturen" not in html
    assert reverse("letters:run-detail", kwargs={"run_uuid": run.uuid}) not in html


def test_the_poh_is_asked_to_confirm_new_gp_names_until_they_are_confirmed(
        practice, users, client_for):

    practice.gp_names.create(export_name="M. Öztürk")
    waiting = practice.gp_names.create(export_name="Dr. de Wit")
    poh = client_for(users[Role.POH_GGZ]).get(reverse("home")).content.decode()
    assert 'id="huisartsnamen-taak"' in poh and "2 huisartsnamen uit de exports" in poh
    assert f'href="{reverse("patients:gp-names")}"' in poh
    gp = client_for(users[Role.HUISARTS]).get(reverse("home")).content.decode()
    assert 'id="huisartsnamen-taak"' not in gp  # the POH-GGZ confirms them
    practice.gp_names.exclude(pk=waiting.pk).update(confirmed_at=timezone.now())
    poh = client_for(users[Role.POH_GGZ]).get(reverse("home")).content.decode()
    assert "1 huisartsnaam uit de exports te bevestigen" in poh
    practice.gp_names.update(confirmed_at=timezone.now())
    poh = client_for(users[Role.POH_GGZ]).get(reverse("home")).content.decode()
    assert 'id="huisartsnamen-taak"' not in poh
