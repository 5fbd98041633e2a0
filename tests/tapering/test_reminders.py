"""Closing a reminder from the start page: by its uuid, only by the user it is for."""

import pytest
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from patients.models import DueItem, Role


@pytest.fixture
def reminder(project):
    return project.due_items.get(kind=DueItem.Kind.FINAL_EVALUATION)


def _url(item) -> str:
    return reverse("tapering:reminder-done", kwargs={"item_uuid": item.uuid})


def test_the_lead_closes_her_reminder_by_its_uuid(reminder, users, client_for):
    response = client_for(users[Role.POH_GGZ]).post(_url(reminder))
    assert response.status_code == 302 and response.url == reverse("home")
    reminder.refresh_from_db()
    assert reminder.done_at is not None


def test_a_reminder_for_someone_else_is_refused(reminder, users, client_for):
    assert client_for(users[Role.HUISARTS]).post(_url(reminder)).status_code == 403
    reminder.refresh_from_db()
    assert reminder.done_at is None


def test_the_integer_id_is_no_longer_an_address(reminder, users, client_for):
    with pytest.raises(NoReverseMatch):
        reverse("tapering:reminder-done", args=[reminder.pk])
    url = _url(reminder).replace(str(reminder.uuid), str(reminder.pk))
    assert client_for(users[Role.POH_GGZ]).post(url).status_code == 404


def test_the_start_page_form_posts_to_the_uuid(reminder, users, client_for):
    DueItem.objects.filter(pk=reminder.pk).update(due_on=timezone.localdate())
    html = client_for(users[Role.POH_GGZ]).get(reverse("home")).content.decode()
    assert f'action="{_url(reminder)}"' in html
