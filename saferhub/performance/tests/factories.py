import datetime as dt
from decimal import Decimal

import factory

from saferhub.performance.models import Measure, ReportingRound
from saferhub.plans.tests.factories import PriorityFactory


class ManualMeasureFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Measure

    priority = factory.SubFactory(PriorityFactory)
    title = factory.Sequence(lambda n: f"Premises with enforcement action {n}")
    kind = "manual"
    unit = "premises"
    baseline_value = Decimal(20)
    baseline_period = "2024/25"
    target_value = Decimal(30)
    direction = "increase"
    frequency = "quarterly"
    source = "Trading Standards enforcement log"


class RoundFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ReportingRound

    financial_year = 2025
    quarter = 2
    due_on = dt.date(2025, 10, 31)
