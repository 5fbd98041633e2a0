"""Each role's open work on the start page ("Mijn taken"), with a link to where it is done."""

from datetime import date

from django.urls import reverse

from letters.services import letter_run_create, letter_run_start
from patients.models import Participation, Role
from patients.workflow import participation_move
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
