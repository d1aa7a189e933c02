import datetime as dt

import factory

from saferhub.assessment.models import AssessedIndicator, Assessment, ChosenPriority, Issue, PeriodKind
from saferhub.assessment.scoring import shipped_models
from saferhub.crimedata.tests.factories import IndicatorFactory
from saferhub.partnerships.tests.factories import PartnershipFactory, UserFactory


class AssessmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Assessment

    partnership = factory.SubFactory(PartnershipFactory)
    title = "Strategic assessment 2023/24"
    label = "2023/24"
    period_kind = PeriodKind.FINANCIAL_YEAR
    last_month = dt.date(2024, 3, 1)
    scoring = factory.LazyFunction(lambda: shipped_models()["morile-style"].as_json())


class AssessedIndicatorFactory(factory.django.DjangoModelFactory):
    """An indicator at the end of the assessment's headline table."""

    class Meta:
        model = AssessedIndicator

    assessment = factory.SubFactory(AssessmentFactory)
    indicator = factory.SubFactory(
        IndicatorFactory, partnership=factory.SelfAttribute("..assessment.partnership")
    )
    position = factory.LazyAttribute(lambda assessed: assessed.assessment.assessed.count() + 1)


class IssueFactory(factory.django.DjangoModelFactory):
    """An issue at the end of the assessment's list."""

    class Meta:
        model = Issue

    assessment = factory.SubFactory(AssessmentFactory)
    title = factory.Sequence(lambda n: f"Issue {n}")
    position = factory.LazyAttribute(lambda issue: issue.assessment.issues.count() + 1)


class ChosenPriorityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ChosenPriority

    assessment = factory.SubFactory(AssessmentFactory)
    issue = factory.SubFactory(IssueFactory, assessment=factory.SelfAttribute("..assessment"))
    reason = "Most harm to the most people."
    position = factory.LazyAttribute(lambda chosen: chosen.assessment.chosen.count() + 1)
    chosen_by = factory.SubFactory(UserFactory)
