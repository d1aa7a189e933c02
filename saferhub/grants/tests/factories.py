import datetime as dt

import factory
from django.utils import timezone

from saferhub.grants.models import ApplicantMember, Application, Criterion, Fund, GrantRound
from saferhub.partnerships.tests.factories import OrganisationFactory, PartnershipFactory, UserFactory


class FundFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Fund

    partnership = factory.SubFactory(PartnershipFactory)
    name = factory.Sequence(lambda n: f"Locality fund {n}")
    funder = "Office of the Police and Crime Commissioner"
    accountable_body = "Alpha City Council"
    financial_year = 2026
    total_pence = 23_900_000


class GrantRoundFactory(factory.django.DjangoModelFactory):
    """A round open from a week ago for three more weeks, funding up to £20,000 a project at 65%."""

    class Meta:
        model = GrantRound

    fund = factory.SubFactory(FundFactory)
    title = factory.Sequence(lambda n: f"Round {n}")
    opens_at = factory.LazyFunction(lambda: timezone.now() - dt.timedelta(days=7))
    closes_at = factory.LazyFunction(lambda: timezone.now() + dt.timedelta(days=21))
    eligibility = "Voluntary and community groups working in the partnership's area."
    questions = ["How will you reach people who do not use services now?"]
    max_award_pence = 2_000_000
    pass_mark_percent = 65


class CriterionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Criterion

    grant_round = factory.SubFactory(GrantRoundFactory)
    name = factory.Sequence(lambda n: f"Criterion {n}")
    weight = 1
    max_score = 5


class ApplicantMemberFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ApplicantMember

    user = factory.SubFactory(UserFactory)
    organisation = factory.SubFactory(OrganisationFactory, type="voluntary")


class ApplicationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Application

    grant_round = factory.SubFactory(GrantRoundFactory)
    organisation = factory.SubFactory(OrganisationFactory, type="voluntary")
    contact = factory.SubFactory(UserFactory)
    title = factory.Sequence(lambda n: f"Project {n}")
