"""The start page per role ("Mijn taken") and the practice switcher."""

import re
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse

from patients.models import DueItem, Participation, Role
from patients.selectors import todos_for_user
from tests.factories import MembershipFactory

S = Participation.Status


@pytest.mark.parametrize("role", Role.values)
def test_every_role_reaches_its_start_page(role, users, client_for):
    response = client_for(users[role]).get(reverse("home"))
    assert response.status_code == 200
    assert 'id="mijn-taken"' in response.content.decode()


def test_poh_sees_open_steps_up_to_this_month_and_not_later(project, practice):
    todos = todos_for_user(practice=practice, role=Role.POH_GGZ, today=date(2026, 10, 15))
    months = {todo.step.month for todo in todos}
    assert months == {1, 2}
    assert all(todo.overdue is (todo.step.month == 1) for todo in todos)


def test_others_see_only_steps_of_their_own_role(project, practice):
    # Month 5: the assistant's first default steps (printing the letters, noting calls).
    todos = todos_for_user(practice=practice, role=Role.ASSISTENT, today=date(2027, 1, 15))
    assert todos and {todo.step.who for todo in todos} == {Role.ASSISTENT}


def test_a_done_step_leaves_the_list(project, practice, users):
    step = project.plan_steps.get(what="Groslijst opstellen")
    step.done_on = date(2026, 9, 5)
    step.save()
    todos = todos_for_user(practice=practice, role=Role.POH_GGZ, today=date(2026, 9, 15))
    assert step not in [todo.step for todo in todos]


def test_month_1_steps_show_while_a_project_is_still_being_prepared(project, practice):
    todos = todos_for_user(practice=practice, role=Role.POH_GGZ, today=date(2026, 7, 1))
    assert {todo.step.month for todo in todos} == {1}


def test_closed_projects_and_other_practices_give_no_tasks(project, other_project, practice):
    project.status = project.Status.CLOSED
    project.save()
    assert todos_for_user(practice=practice, role=Role.POH_GGZ, today=date(2027, 1, 1)) == []


def test_empty_start_page_explains_where_tasks_come_from(users, client_for):
    html = client_for(users[Role.APOTHEKER]).get(reverse("home")).content.decode()
    assert "Niets te doen" in html


def test_the_practice_switcher_changes_the_practice_and_its_data(
        users, client_for, other_practice, project, other_project):
    poh = users[Role.POH_GGZ]
    MembershipFactory(user=poh, practice=other_practice, role=Role.HUISARTS)
    client = client_for(poh)
    assert project.name in client.get(reverse("patients:project-list")).content.decode()
    client.post(reverse("practice-switch"), {"practice": str(other_practice.uuid)})
    html = client.get(reverse("patients:project-list")).content.decode()
    assert other_project.name in html and project.name not in html
    # As GP in the other practice, the first practice's project is out of reach.
    assert client.get(project.get_absolute_url()).status_code == 404


def test_switching_to_a_practice_one_is_not_a_member_of_is_refused(
        users, client_for, other_practice, project):
    client = client_for(users[Role.POH_GGZ])
    response = client.post(reverse("practice-switch"), {"practice": str(other_practice.uuid)},
                           follow=True)
    assert "U bent geen lid van die praktijk." in response.content.decode()
    assert client.get(reverse("patients:project-list")).status_code == 200


def test_the_switcher_is_shown_only_to_users_of_several_practices(
        users, client_for, other_practice):
    poh = users[Role.POH_GGZ]
    assert 'id="praktijkkeuze"' not in client_for(poh).get(reverse("home")).content.decode()
    MembershipFactory(user=poh, practice=other_practice, role=Role.HUISARTS)
    assert 'id="praktijkkeuze"' in client_for(poh).get(reverse("home")).content.decode()


def test_navigation_shows_each_role_only_what_it_may_use(users, client_for):
    projects = reverse("patients:project-list")
    for role in Role.values:
        html = client_for(users[role]).get(reverse("home")).content.decode()
        shown = f'href="{projects}"' in html
        assert shown is (role in (Role.POH_GGZ, Role.HUISARTS, Role.ASSISTENT)), role


def test_beheerder_sees_whether_the_worker_is_alive(users, client_for):
    from django.utils import timezone

    from benzoproject.models import WorkerHeartbeat

    client = client_for(users[Role.BEHEERDER])
    assert "nog niet gezien" in client.get(reverse("home")).content.decode()
    WorkerHeartbeat.objects.create(name="beat", seen_at=timezone.now(), worker="w1")
    assert "actief, laatst gezien" in client.get(reverse("home")).content.decode()


@pytest.mark.parametrize(("role", "shown"), [
    (Role.POH_GGZ, True), (Role.HUISARTS, True), (Role.ASSISTENT, True),
    (Role.MONITOR, False), (Role.APOTHEKER, False),
])
def test_the_side_column_lists_open_projects_for_the_project_roles(role, shown, project,
                                                                  other_project, users,
                                                                  client_for):
    html = client_for(users[role]).get(reverse("home")).content.decode()
    assert ('id="projecten"' in html) is shown
    assert (f'href="{project.get_absolute_url()}"' in html) is shown
    assert other_project.get_absolute_url() not in html


def test_a_closed_project_leaves_the_side_column(project, users, client_for):
    project.status = project.Status.CLOSED
    project.save()
    html = client_for(users[Role.POH_GGZ]).get(reverse("home")).content.decode()
    assert f'href="{project.get_absolute_url()}"' not in html
    assert "Geen lopende projecten" in html or "No current projects" in html


def _start_page_links(client) -> tuple[str, set[str]]:
    html = client.get(reverse("home")).content.decode()
    links = {href.split("#")[0] for href in re.findall(r'href="(/[^"]*)"', html)}
    return html, {href for href in links if href and not href.startswith("/static/")}


def _assert_every_link_answers_200(client, role, links):
    login = reverse("login")
    for href in sorted(links):
        response = client.get(href, follow=True)
        assert response.status_code == 200, (role, href, response.status_code)
        # A redirect to the login page is a dead end too.
        assert response.request["PATH_INFO"] != login, (role, href, "login")


@pytest.mark.parametrize("role", Role.values)
def test_every_link_on_the_start_page_leads_where_the_role_may_go(role, project, users,
                                                                  client_for):
    client = client_for(users[role])
    _html, links = _start_page_links(client)
    assert links, "the start page links somewhere"
    _assert_every_link_answers_200(client, role, links)


AMS = ZoneInfo("Europe/Amsterdam")
BUSY_DAY = datetime(2026, 11, 2, 9, 0, tzinfo=AMS)  # a Monday, project month 3


@pytest.fixture
def busy_practice(project, users):
    """A practice with work in every state the start page knows (issue 11, point 4)."""
    from letters.services import letter_run_create, letter_run_start
    from patients.due import due_items_sweep
    from patients.services import participation_letter_mailed
    from tests.factories import PatientFactory
    from tests.letters.helpers import on_mailing_list

    gp, poh = users[Role.HUISARTS], users[Role.POH_GGZ]
    users[Role.BEHEERDER].is_staff = True
    users[Role.BEHEERDER].save(update_fields=["is_staff"])
    project.gps.add(gp)

    def participation(number, status=S.TO_SCREEN):
        return Participation.objects.create(
            project=project, patient=PatientFactory(practice=project.practice, number=number,
                                                    phone="06-12345678"),
            reference_date=date(2026, 9, 15), status=status, created_by=poh)

    participation("810001")  # to screen
    participation("810002", S.APPROVED)  # to put on a list
    on_mailing_list(project, gp, rank=1, number="810003")  # in the print run below
    run = letter_run_create(project=project, user=users[Role.ASSISTENT])
    letter_run_start(run=run)  # ready: to mark as mailed
    on_mailing_list(project, gp, rank=2, number="810004")  # a stop letter to print
    participation("810005", S.CONSULT_PLANNED)  # a consult invitation to print
    waiting = participation("810006", S.MAILING)  # a call-back due on the busy day
    participation_letter_mailed(participation=waiting, user=users[Role.ASSISTENT],
                                mailed_on=date(2026, 10, 1))
    due_items_sweep(today=date(2026, 10, 31))
    # The default plan gives the assistant no step before month 5: one of their own now.
    project.plan_steps.create(month=1, what="Baliemedewerkers instrueren", how="",
                              who=Role.ASSISTENT)
    for user in users.values():  # a reminder for everyone
        DueItem.objects.create(kind=DueItem.Kind.PROJECT_END, due_on=date(2026, 11, 4),
                               project=project, assigned_to=user)
    return project, run


@pytest.mark.parametrize("role", Role.values)
def test_every_link_on_a_busy_start_page_leads_where_the_role_may_go(role, busy_practice, users,
                                                                     client_for):
    project, run = busy_practice
    client = client_for(users[role])
    with time_machine.travel(BUSY_DAY, tick=False):
        html, links = _start_page_links(client)
        # Every kind of start-page link this role can get is really there.
        uuid = {"project_uuid": project.uuid}
        expected = {
            Role.POH_GGZ: {reverse("patients:screening", kwargs=uuid),
                           reverse("patients:project-lists", kwargs=uuid),
                           reverse("letters:mailing", kwargs=uuid),
                           reverse("letters:run-detail", kwargs={"run_uuid": run.uuid}),
                           reverse("tapering:callbacks"), project.get_absolute_url()},
            Role.HUISARTS: {reverse("patients:screening", kwargs=uuid),
                            project.get_absolute_url()},
            Role.ASSISTENT: {reverse("letters:mailing", kwargs=uuid),
                             reverse("letters:run-detail", kwargs={"run_uuid": run.uuid}),
                             project.get_absolute_url()},
            Role.BEHEERDER: {reverse("admin:index")},
        }.get(role, set())
        assert expected <= links, (role, expected - links)
        assert 'id="herinneringen"' in html
        if role in (Role.POH_GGZ, Role.HUISARTS, Role.ASSISTENT, Role.APOTHEKER):
            assert 'id="plan-taken"' in html, role
        _assert_every_link_answers_200(client, role, links)
