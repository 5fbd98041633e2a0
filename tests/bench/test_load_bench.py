"""The load benchmark (bench/load.py) on a tiny scenario: every simulated user's session
opens every page of its plan (a 200, the user's own practice), gunicorn is started as the
Dockerfile says, and the figures are summed up as the table shows them. Nothing is timed."""

import json
from collections import Counter

import pytest
from django.test import Client

from bench.dashboard import scenario_build
from bench.load import PERSONAS, TEAM, gunicorn_command, plan_build, summarise
from patients.models import Membership, Role

pytestmark = pytest.mark.django_db

ROLE_OF = {"poh_ggz": Role.POH_GGZ, "huisarts": Role.HUISARTS, "assistent": Role.ASSISTENT}


@pytest.fixture
def plan():
    scenario_build(practices=2, patients=200, seed=3, snapshots="last", say=lambda _: None)
    return json.loads(json.dumps(plan_build(users=8)))  # as written to and read from disk


def test_the_plan_has_four_users_a_practice_in_their_roles(plan):
    users = plan["users"]
    assert [u["role"] for u in users] == list(TEAM) * 2
    assert Counter(u["practice"] for u in users) == {"FTO01": 4, "FTO02": 4}
    for user in users:
        membership = Membership.objects.get(user__username=user["username"],
                                            practice__code=user["practice"])
        assert membership.role == ROLE_OF[user["role"]]
        assert [label for label, _ in user["pages"][:len(PERSONAS[user["role"]])]] == \
            PERSONAS[user["role"]]
    # The two GPs of a practice are two people; every user has a session of its own.
    gps = [u["username"] for u in users if u["role"] == "huisarts"]
    assert len(set(gps)) == 4
    assert len({u["session"] for u in users}) == 8


def test_every_users_session_opens_every_page_of_its_plan(plan):
    for user in plan["users"]:
        client = Client()
        client.cookies[plan["cookie"]] = user["session"]
        opened = set()
        for label, url in user["pages"]:
            if url in opened:
                continue
            opened.add(url)
            response = client.get(url)
            assert response.status_code == 200, (user["username"], label, url)
            assert response.wsgi_request.practice.code == user["practice"]
    anonymous = Client().get(plan["base"][0][1])
    assert anonymous.status_code == 200


def test_the_timelines_walk_different_patients(plan):
    poh = next(u for u in plan["users"] if u["role"] == "poh_ggz")
    timelines = [url for label, url in poh["pages"] if label == "timeline"]
    assert len(set(timelines)) > 1


def test_gunicorn_starts_as_the_dockerfile_says_on_a_local_port():
    command = gunicorn_command(8123)
    assert command[1:3] == ["-m", "gunicorn"]
    assert "benzoproject.wsgi:application" in command
    assert command[command.index("--bind") + 1] == "127.0.0.1:8123"
    workers = command[command.index("--workers") + 1]
    assert workers.isdigit()
    other = gunicorn_command(8123, workers=5)
    assert other[other.index("--workers") + 1] == "5"
    assert [c for c in other if c != "5"] == [c for c in command if c != workers]


def test_the_summary_gives_nearest_rank_percentiles_per_page_and_over_all():
    recorded = {"times": {"groslijst": [0.1, 0.2, 0.3, 0.4], "start page": [0.01] * 16},
                "failures": {"dashboard: 500": 2}}
    summary = summarise(recorded)
    assert summary["pages"]["groslijst"]["count"] == 4
    assert summary["pages"]["groslijst"]["p95"] == pytest.approx(400)
    assert summary["all"]["count"] == 20
    assert summary["all"]["p50"] == pytest.approx(10)
    assert summary["all"]["p95"] == pytest.approx(300)  # the 19th of 20
    assert summary["failures"] == {"dashboard: 500": 2}
