import pytest
from django.utils import timezone

from patients.models import GpNameMapping, Role
from tests.factories import MembershipFactory, UserFactory


@pytest.fixture
def gp(users):
    user = users[Role.HUISARTS]
    user.first_name, user.last_name = "Mehmet", "Öztürk"
    user.save()
    return user


@pytest.fixture
def second_gp(practice):
    user = UserFactory(username="vandam", first_name="Sophie", last_name="van Dam")
    MembershipFactory(user=user, practice=practice, role=Role.HUISARTS)
    return user


@pytest.fixture
def poh(users):
    user = users[Role.POH_GGZ]
    user.first_name, user.last_name = "Sanne", "Visser"
    user.save()
    return user


@pytest.fixture
def assistant(users):
    user = users[Role.ASSISTENT]
    user.first_name, user.last_name = "Lotte", "de Jong"
    user.save()
    return user


@pytest.fixture
def letter_project(project, practice, gp, second_gp, poh):
    """The project with two GPs; S. van Dam (under D) is its first, M. Öztürk (under O)
    its second. The practice has confirmed which GP the exports' names stand for."""
    practice.street, practice.postcode, practice.city = "Lindelaan 12", "6871 AB", "Renkum"
    practice.phone, practice.email = "0317-123456", "info@delinde.example"
    practice.save()
    project.gps.set([gp, second_gp])
    for name, user in (("M. Öztürk", gp), ("S. van Dam", second_gp)):
        GpNameMapping.objects.create(practice=practice, export_name=name, user=user,
                                     confirmed_at=timezone.now(), confirmed_by=poh)
    return project
