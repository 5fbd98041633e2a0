from datetime import date

import factory
from django.contrib.auth import get_user_model

from patients.models import FtoGroup, Membership, Patient, PlanStep, Practice, Project, Role


class FtoGroupFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = FtoGroup

    name = factory.Sequence(lambda n: f"FTO-groep {n}")


class PracticeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Practice

    code = factory.Sequence(lambda n: f"PRAKTIJK{n}")
    name = factory.Sequence(lambda n: f"Huisartsenpraktijk {n}")
    phone = "0317-000000"
    city = "Renkum"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"gebruiker{n}")
    first_name = "Eva"
    last_name = factory.Sequence(lambda n: f"Jansen{n}")
    password = factory.PostGenerationMethodCall("set_password", "geheim-wachtwoord-123")

    @factory.post_generation
    def save_password(self, create, extracted, **kwargs):
        if create:
            self.save()


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    practice = factory.SubFactory(PracticeFactory)
    role = Role.POH_GGZ


class PatientFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Patient

    practice = factory.SubFactory(PracticeFactory)
    source = Patient.Source.HIS
    number = factory.Sequence(lambda n: str(100000 + n))
    surname = "Berg"
    prefix = "van den"
    initials = "T."
    sex = Patient.Sex.FEMALE


class ProjectFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Project

    practice = factory.SubFactory(PracticeFactory)
    name = factory.Sequence(lambda n: f"Benzoreductie ronde {n}")
    lead = factory.SubFactory(UserFactory)
    planned_start = date(2026, 9, 1)
    planned_end = date(2027, 6, 1)


class PlanStepFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PlanStep

    project = factory.SubFactory(ProjectFactory)
    month = 1
    what = factory.Sequence(lambda n: f"Stap {n}")
    who = Role.POH_GGZ
