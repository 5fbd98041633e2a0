"""Project set-up and the plan of approach (docs/domain.md, step 1)."""

from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from patients.models import AuditEvent, PlanStep, Project, Role
from patients.plan_defaults import DEFAULT_PLAN
from tests.conftest import make_project


def _form(users, **overrides):
    data = {
        "name": "Ronde voorjaar", "lead": users[Role.POH_GGZ].pk,
        "gps": [users[Role.HUISARTS].pk], "assistants": [users[Role.ASSISTENT].pk],
        "planned_start": "2027-01-04", "planned_end": "2027-09-30", "wait_days": 30,
        "letter_target": 10, "reserve_target": 10, "criterion": "recent_and_past",
        "ddd_threshold": 1, "status": "preparing", "call_attempts_max": 3,
        "call_retry_workdays": 3, "call_later_months": 2, "callbacks_per_week": 0,
    }
    data.update(overrides)
    return data


def test_poh_creates_a_project_with_the_default_plan(users, client_for, practice):
    response = client_for(users[Role.POH_GGZ]).post(reverse("patients:project-create"),
                                                     _form(users))
    project = Project.objects.get(name="Ronde voorjaar")
    assert response.status_code == 302 and response.url == project.get_absolute_url()
    assert project.practice == practice
    assert list(project.gps.all()) == [users[Role.HUISARTS]]
    assert list(project.assistants.all()) == [users[Role.ASSISTENT]]
    steps = list(project.plan_steps.values_list("month", "what", "who", "milestone"))
    assert steps == [(s.month, s.what, s.who, s.milestone) for s in DEFAULT_PLAN]
    assert all(1 <= m <= 15 for m, _w, _h, _ms in steps)


def test_default_plan_covers_every_phase_of_the_project():
    whos = {step.who for step in DEFAULT_PLAN}
    assert {Role.POH_GGZ, Role.HUISARTS, Role.ASSISTENT, Role.APOTHEKER} <= whos
    assert sorted(DEFAULT_PLAN, key=lambda step: step[0]) == DEFAULT_PLAN


@pytest.mark.parametrize("field,value,message", [
    ("planned_end", "2027-01-04", "Het einde moet na de start liggen."),
    ("planned_end", "2028-04-05", "Een project duurt hoogstens 15 maanden"),
    ("wait_days", "27", "De wachttijd is minstens 30 dagen"),
    ("planned_start", "31-02-2027", "Voer een geldige datum in."),
    ("name", "", "Dit veld is verplicht."),
    ("letter_target", "0", "Zorg ervoor dat deze waarde minstens 1 is."),
])
def test_invalid_project_input_is_refused_in_dutch_and_nothing_is_saved(
        field, value, message, users, client_for):
    response = client_for(users[Role.POH_GGZ]).post(reverse("patients:project-create"),
                                                     _form(users, **{field: value}))
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Project.objects.exists()
    assert not PlanStep.objects.exists()


@pytest.mark.parametrize("days,ok", [(28, False), (29, False), (30, True), (31, True)])
def test_the_wait_period_is_at_least_30_days(days, ok, users, client_for):
    """docs/domain.md, step 5: at least a month, as the POH-GGZ guide says."""
    response = client_for(users[Role.POH_GGZ]).post(reverse("patients:project-create"),
                                                     _form(users, wait_days=str(days)))
    assert Project.objects.filter(wait_days=days).exists() is ok
    if not ok:
        assert response.status_code == 200
        assert ("De wachttijd is minstens 30 dagen: patiënten krijgen een maand om de brief "
                "te lezen en zelf te beginnen.") in response.content.decode()


@pytest.mark.parametrize("days,ok", [(29, False), (30, True)])
def test_the_model_refuses_a_wait_period_under_30_days(days, ok, project):
    from django.core.exceptions import ValidationError

    project.wait_days = days
    if ok:
        project.full_clean()
    else:
        with pytest.raises(ValidationError) as refused:
            project.full_clean()
        assert "wait_days" in refused.value.message_dict


def test_editing_an_old_project_with_a_28_day_wait_asks_for_30(users, client_for, project):
    Project.objects.filter(pk=project.pk).update(wait_days=28)  # set before issue 11
    url = reverse("patients:project-edit", kwargs={"project_uuid": project.uuid})
    html = client_for(users[Role.POH_GGZ]).post(
        url, _form(users, planned_start="2026-09-01", planned_end="2027-06-01",
                   wait_days=28)).content.decode()
    assert "De wachttijd is minstens 30 dagen" in html
    project.refresh_from_db()
    assert project.wait_days == 28


def test_a_project_of_one_day_is_accepted(users, client_for):
    response = client_for(users[Role.POH_GGZ]).post(
        reverse("patients:project-create"),
        _form(users, planned_start="2027-01-04", planned_end="2027-01-05"))
    assert response.status_code == 302
    assert Project.objects.get().planned_end == date(2027, 1, 5)


def test_a_lead_from_another_practice_cannot_be_chosen(users, other_users, client_for):
    response = client_for(users[Role.POH_GGZ]).post(
        reverse("patients:project-create"), _form(users, lead=other_users[Role.POH_GGZ].pk))
    assert response.status_code == 200
    assert not Project.objects.exists()


def test_editing_a_project_saves_and_logs_the_changed_fields(users, client_for, project):
    url = reverse("patients:project-edit", kwargs={"project_uuid": project.uuid})
    response = client_for(users[Role.POH_GGZ]).post(
        url, _form(users, name="Nieuwe naam", planned_start="2026-09-01",
                   planned_end="2027-06-01", wait_days=35))
    assert response.status_code == 302
    project.refresh_from_db()
    assert (project.name, project.wait_days) == ("Nieuwe naam", 35)
    event = AuditEvent.objects.filter(action="change", object_type="project").latest("id")
    assert "name" in event.detail and "wait_days" in event.detail


def _edit(client, project, users, **overrides):
    url = reverse("patients:project-edit", kwargs={"project_uuid": project.uuid})
    return client.post(url, _form(users, planned_start="2026-09-01", planned_end="2027-06-01",
                                  **overrides))


def test_poh_sets_the_call_back_rules_and_the_project_page_shows_them(users, client_for,
                                                                      project):
    client = client_for(users[Role.POH_GGZ])
    response = _edit(client, project, users, call_attempts_max=5, call_retry_workdays=4,
                     call_later_months=3, callbacks_per_week=12)
    assert response.status_code == 302
    project.refresh_from_db()
    assert (project.call_attempts_max, project.call_retry_workdays, project.call_later_months,
            project.callbacks_per_week) == (5, 4, 3, 12)
    event = AuditEvent.objects.filter(action="change", object_type="project").latest("id")
    assert "call_attempts_max" in event.detail and "callbacks_per_week" in event.detail
    html = client.get(project.get_absolute_url()).content.decode()
    assert "5 belpogingen" in html and "4 werkdagen ertussen" in html
    assert "later opnieuw bellen: na 3 maanden" in html
    assert "hoogstens 12 terugbelgesprekken per week" in html


def test_the_project_form_groups_the_call_back_rules_under_their_heading(users, client_for,
                                                                         project):
    url = reverse("patients:project-edit", kwargs={"project_uuid": project.uuid})
    html = client_for(users[Role.POH_GGZ]).get(url).content.decode()
    fieldset = html[html.index('id="terugbellen"'):]
    assert "<legend" in fieldset and "Terugbellen" in fieldset
    for name in ("call_attempts_max", "call_retry_workdays", "call_later_months",
                 "callbacks_per_week"):
        assert f'name="{name}"' in fieldset
    assert "Belpogingen voordat iemand" in fieldset


@pytest.mark.parametrize("field,value", [
    ("call_attempts_max", 1), ("call_attempts_max", 10),
    ("call_retry_workdays", 1), ("call_retry_workdays", 20),
    ("call_later_months", 1), ("call_later_months", 12),
    ("callbacks_per_week", 0), ("callbacks_per_week", 200),
])
def test_call_back_rules_on_the_edge_are_accepted(field, value, users, client_for, project):
    assert _edit(client_for(users[Role.POH_GGZ]), project, users,
                 **{field: value}).status_code == 302
    project.refresh_from_db()
    assert getattr(project, field) == value


def test_no_weekly_limit_may_be_left_empty(users, client_for, project):
    project.callbacks_per_week = 7
    project.save()
    _edit(client_for(users[Role.POH_GGZ]), project, users, callbacks_per_week="")
    project.refresh_from_db()
    assert project.callbacks_per_week == 0
    html = client_for(users[Role.POH_GGZ]).get(project.get_absolute_url()).content.decode()
    assert "geen weekgrens voor terugbellen" in html


@pytest.mark.parametrize("field,value,message", [
    ("call_attempts_max", "0", "Zorg ervoor dat deze waarde minstens 1 is."),
    ("call_attempts_max", "11", "Zorg ervoor dat deze waarde hoogstens 10 is."),
    ("call_retry_workdays", "0", "Zorg ervoor dat deze waarde minstens 1 is."),
    ("call_retry_workdays", "21", "Zorg ervoor dat deze waarde hoogstens 20 is."),
    ("call_later_months", "0", "Zorg ervoor dat deze waarde minstens 1 is."),
    ("call_later_months", "13", "Zorg ervoor dat deze waarde hoogstens 12 is."),
    ("call_later_months", "", "Dit veld is verplicht."),
    ("callbacks_per_week", "-1", "Zorg ervoor dat deze waarde minstens 0 is."),
    ("callbacks_per_week", "201", "Zorg ervoor dat deze waarde hoogstens 200 is."),
    ("callbacks_per_week", "veel", "Voer een geheel getal in."),
])
def test_invalid_call_back_rules_are_refused_in_dutch_and_nothing_is_saved(
        field, value, message, users, client_for, project):
    before = Project.objects.values().get(pk=project.pk)
    response = _edit(client_for(users[Role.POH_GGZ]), project, users, name="Nieuwe naam",
                     **{field: value})
    assert response.status_code == 200
    assert message in response.content.decode()
    assert Project.objects.values().get(pk=project.pk) == before


@pytest.mark.parametrize("role", [Role.HUISARTS, Role.ASSISTENT, Role.APOTHEKER])
def test_other_roles_cannot_change_the_call_back_rules(role, users, client_for, project):
    response = _edit(client_for(users[role]), project, users, call_attempts_max=7)
    assert response.status_code == 403
    project.refresh_from_db()
    assert project.call_attempts_max == 3


def _done_url(project, step, action="plan-step-done"):
    return reverse(f"patients:{action}", kwargs={"project_uuid": project.uuid,
                                                "step_uuid": step.uuid})


def test_poh_checks_off_a_step_and_a_second_click_changes_nothing(users, client_for, project):
    step = project.plan_steps.first()
    client = client_for(users[Role.POH_GGZ])
    client.post(_done_url(project, step), {"done_on": "2026-09-02"})
    client.post(_done_url(project, step), {"done_on": "2026-09-02"})
    step.refresh_from_db()
    assert step.done_on == date(2026, 9, 2) and step.done_by == users[Role.POH_GGZ]
    assert AuditEvent.objects.filter(object_type="planstep", action="change").count() == 1


def test_a_step_can_be_reopened(users, client_for, project):
    step = project.plan_steps.first()
    client = client_for(users[Role.POH_GGZ])
    client.post(_done_url(project, step), {"done_on": "2026-09-02"})
    client.post(_done_url(project, step, "plan-step-reopen"))
    step.refresh_from_db()
    assert step.done_on is None and step.done_by is None


def test_a_done_date_in_the_future_is_refused(users, client_for, project):
    step = project.plan_steps.first()
    tomorrow = timezone.localdate() + timedelta(days=1)
    response = client_for(users[Role.POH_GGZ]).post(
        _done_url(project, step), {"done_on": tomorrow.isoformat()}, follow=True)
    assert "kan niet worden afgevinkt op een datum in de toekomst" in response.content.decode()
    step.refresh_from_db()
    assert step.done_on is None


def test_an_assistant_checks_off_her_own_step_but_not_the_gps(users, client_for, project):
    own = project.plan_steps.filter(who=Role.ASSISTENT).first()
    gps = project.plan_steps.filter(who=Role.HUISARTS).first()
    client = client_for(users[Role.ASSISTENT])
    assert client.post(_done_url(project, own), {"done_on": "2026-09-02"}).status_code == 302
    assert client.post(_done_url(project, gps), {"done_on": "2026-09-02"}).status_code == 403
    own.refresh_from_db()
    gps.refresh_from_db()
    assert own.done_on == date(2026, 9, 2) and gps.done_on is None


def test_checking_off_needs_post(users, client_for, project):
    step = project.plan_steps.first()
    assert client_for(users[Role.POH_GGZ]).get(_done_url(project, step)).status_code == 405


def test_poh_adds_edits_and_removes_a_step(users, client_for, project):
    client = client_for(users[Role.POH_GGZ])
    add = reverse("patients:plan-step-add", kwargs={"project_uuid": project.uuid})
    client.post(add, {"month": 5, "what": "Voorlichting in de wachtkamer", "how": "Posters",
                      "who": Role.ASSISTENT})
    step = project.plan_steps.get(what="Voorlichting in de wachtkamer")
    client.post(_done_url(project, step, "plan-step-edit"),
                {"month": 6, "what": "Voorlichting", "how": "", "who": Role.ASSISTENT})
    step.refresh_from_db()
    assert (step.month, step.what) == (6, "Voorlichting")
    client.post(_done_url(project, step, "plan-step-delete"))
    assert not project.plan_steps.filter(pk=step.pk).exists()


@pytest.mark.parametrize("month,ok", [(0, False), (1, True), (15, True), (16, False)])
def test_plan_months_run_from_1_to_15(month, ok, users, client_for, project):
    add = reverse("patients:plan-step-add", kwargs={"project_uuid": project.uuid})
    client_for(users[Role.POH_GGZ]).post(add, {"month": month, "what": "Grensstap",
                                               "who": Role.POH_GGZ})
    assert project.plan_steps.filter(what="Grensstap").exists() is ok


def test_project_detail_shows_plan_and_progress(users, client_for, project):
    step = project.plan_steps.first()
    client = client_for(users[Role.HUISARTS])
    client_for(users[Role.POH_GGZ]).post(_done_url(project, step), {"done_on": "2026-09-02"})
    html = client.get(project.get_absolute_url()).content.decode()
    assert f"1 van {len(DEFAULT_PLAN)} stappen klaar" in html
    assert step.what in html
    assert "Project bewerken" not in html  # the GP reads; the POH-GGZ edits


def test_project_list_is_paginated_and_scoped(users, other_project, client_for, practice):
    for n in range(23):
        make_project(practice, users[Role.POH_GGZ], name=f"Ronde {n:02d}")
    client = client_for(users[Role.POH_GGZ])
    first = client.get(reverse("patients:project-list")).content.decode()
    second = client.get(reverse("patients:project-list") + "?pagina=2").content.decode()
    assert "Pagina 1 van 2" in first
    assert first.count('class="fw-semibold" href="/projecten/') == 20
    assert second.count('class="fw-semibold" href="/projecten/') == 3
    assert other_project.name not in first + second


def test_empty_project_list_explains_what_a_project_is(users, client_for):
    html = client_for(users[Role.POH_GGZ]).get(reverse("patients:project-list")).content.decode()
    assert "nog geen projecten" in html


@pytest.mark.parametrize("today,expected", [
    (date(2026, 8, 31), 0), (date(2026, 9, 1), 1), (date(2026, 9, 30), 1),
    (date(2026, 10, 1), 2), (date(2027, 11, 15), 15),
])
def test_project_month_counts_calendar_months_from_the_start(today, expected, project):
    assert project.month_number(today) == expected
