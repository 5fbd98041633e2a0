"""The start page per role ("Mijn taken") and the practice switcher."""

from datetime import date

import pytest
from django.urls import reverse

from patients.models import Role
from patients.selectors import todos_for_user
from tests.factories import MembershipFactory


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


@pytest.mark.parametrize("role", Role.values)
def test_every_link_on_the_start_page_leads_where_the_role_may_go(role, project, users,
                                                                  client_for):
    import re

    client = client_for(users[role])
    html = client.get(reverse("home")).content.decode()
    links = {href.split("#")[0] for href in re.findall(r'href="(/[^"]*)"', html)}
    links = {href for href in links if href and not href.startswith(("/static/", "/beheer/"))}
    assert links, "the start page links somewhere"
    for href in sorted(links):
        response = client.get(href)
        assert response.status_code < 400, (role, href, response.status_code)
