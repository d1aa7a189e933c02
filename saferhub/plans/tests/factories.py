import datetime as dt

import factory

from saferhub.partnerships.tests.factories import PartnershipFactory
from saferhub.plans.models import CrossCuttingTheme, Deliverable, Plan, Priority


class PlanFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Plan

    partnership = factory.SubFactory(PartnershipFactory)
    title = factory.Sequence(lambda n: f"Community Safety Plan {n}")
    period_start = dt.date(2023, 4, 1)
    period_end = dt.date(2026, 3, 31)
    vision = "A safer city for everyone."


class PriorityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Priority

    plan = factory.SubFactory(PlanFactory)
    title = factory.Sequence(lambda n: f"Priority {n}")
    description = "What the partnership will do."


class DeliverableFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Deliverable

    priority = factory.SubFactory(PriorityFactory)
    text = factory.Sequence(lambda n: f"Deliverable {n}")


class ThemeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CrossCuttingTheme

    plan = factory.SubFactory(PlanFactory)
    title = factory.Sequence(lambda n: f"Theme {n}")
