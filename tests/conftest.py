"""Fixtures: two practices, a user of every role in each, and a project in each."""

import uuid
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from django.test import Client
from django.utils import timezone

from benzoproject.twofactor import session_verify, totp_device_for
from patients.models import DueItem, ImportBatch, Prescription, Role, Substance
from patients.services import project_create

from .factories import MembershipFactory, PracticeFactory, UserFactory

ARTIFACTS = Path(__file__).resolve().parent.parent / "test-artifacts"


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    # Hashing cost is not under test; real settings keep Django's strong default.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _two_factor_required(settings):
    # As in production, whatever the .env of a first look says (docs/security.md).
    settings.TWO_FACTOR_REQUIRED = True


@pytest.fixture(autouse=True)
def _pseudonym_key(settings):
    # The FTO group view's pseudonyms need a key outside the database (docs/domain.md).
    settings.PSEUDONYM_KEY = "test-pseudonym-key"


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    # Uploads and generated documents (imports, letters, logos) go to a fresh folder.
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def _fresh_login_throttle(settings):
    # Failed logins of one test must not lock the test client's address for the next: each
    # test counts under keys of its own in the shared cache (benzoproject/throttle.py).
    settings.LOGIN_THROTTLE_KEY_PREFIX = f"login-throttle-test-{uuid.uuid4().hex}"


@pytest.fixture
def practice(db):
    return PracticeFactory(code="DELINDE", name="Huisartsenpraktijk De Linde")


@pytest.fixture
def other_practice(db):
    return PracticeFactory(code="DEEIK", name="Huisartsenpraktijk De Eik")


def _member(practice, role: str, username: str):
    return MembershipFactory(user=UserFactory(username=username), practice=practice,
                             role=role).user


@pytest.fixture
def users(practice):
    """One user per role in ``practice``, keyed by role value."""
    return {role: _member(practice, role, f"{role}-linde") for role in Role.values}


@pytest.fixture
def other_users(other_practice):
    return {role: _member(other_practice, role, f"{role}-eik") for role in Role.values}


def verified_client(user, client: Client | None = None) -> Client:
    """``client`` (a new one) logged in as ``user`` past both factors: the password
    (``force_login``) and the authenticator app (a confirmed device, docs/security.md)."""
    client = client or Client()
    client.force_login(user)
    session_verify(client, totp_device_for(user))
    return client


@pytest.fixture
def client_for():
    """A test client logged in past both factors for a user: ``client_for(user)``."""
    return verified_client


def make_project(practice, lead, **overrides):
    data = {"name": "Benzoreductie najaar", "lead": lead,
            "planned_start": date(2026, 9, 1), "planned_end": date(2027, 6, 1)}
    data.update(overrides)
    project = project_create(user=lead, practice=practice, data=data)
    # The monthly snapshot's item (tests/monitoring/test_snapshot_due.py) falls due on the
    # 1st after the day the tests run: left open, it would add a moved item to other
    # tests' sweeps depending on that day. Tests of it make their projects themselves.
    project.due_items.filter(kind=DueItem.Kind.MONTHLY_SNAPSHOT).update(
        cancelled_at=timezone.now())
    return project


@pytest.fixture
def project(practice, users):
    return make_project(practice, users[Role.POH_GGZ])


@pytest.fixture
def other_project(other_practice, other_users):
    return make_project(other_practice, other_users[Role.POH_GGZ], name="Ronde De Eik")


@pytest.fixture
def batch(practice):
    return ImportBatch.objects.create(practice=practice, file_name="test.csv",
                                      checksum="0" * 64, status=ImportBatch.Status.DONE)


@pytest.fixture
def prescribe(batch):
    """``prescribe(patient, date, atc=..., units=..., strength=...)`` stores one prescription."""
    substances = {s.atc: s for s in Substance.objects.all()}

    def make(patient, when: date, atc: str = "N05BA01", units: int = 30,
             strength: str | None = "5") -> Prescription:
        return Prescription.objects.create(
            patient=patient, date=when, atc=atc, description=f"{atc} {strength} mg",
            strength_mg=Decimal(strength) if strength else None, units=units,
            dosage="1 dd 1", substance=substances.get(atc), row_key=uuid.uuid4(), batch=batch)

    return make


@pytest.fixture(scope="session")
def artifacts_dir() -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    # Debian's Chromium, never a downloaded browser (docs/development.md).
    return {
        **browser_type_launch_args,
        "executable_path": "/usr/bin/chromium",
        "args": ["--headless", "--no-sandbox", "--disable-gpu",
                 "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run", "--lang=nl-NL"],
    }


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    # A Dutch practice's browser: Dutch date fields, Amsterdam time.
    return {**browser_context_args, "locale": "nl-NL", "timezone_id": "Europe/Amsterdam",
            "viewport": {"width": 1280, "height": 900}}
