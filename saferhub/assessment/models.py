"""The strategic assessment: its period and indicators, the issues it weighs, partners' scores, the priorities
chosen from it.

The figures (headline table, trends, places) are not stored: they are computed from the crime store each
time, so an assessment always says what the data now say. What people decided (scores, agreed scores, chosen
priorities and why) is stored, with its history.
"""

from django.conf import settings
from django.db import models
from simple_history.models import HistoricalRecords

from saferhub.core.models import PublicRecord
from saferhub.crimedata.models import Indicator
from saferhub.partnerships.models import Partnership
from saferhub.plans.models import Priority


class PeriodKind(models.TextChoices):
    FINANCIAL_YEAR = "financial-year", "Financial years (April to March)"
    ROLLING_12 = "rolling-12", "Rolling 12 months ending in the last month"


class Assessment(PublicRecord):
    """A partnership's strategic assessment of a period, e.g. "2023/24, data to March 2024"."""

    partnership = models.ForeignKey(Partnership, on_delete=models.PROTECT, related_name="assessments")
    title = models.CharField(max_length=200)
    label = models.CharField(max_length=40, help_text="How the period is named, e.g. 2023/24.")
    period_kind = models.CharField(max_length=20, choices=PeriodKind.choices)
    last_month = models.DateField(help_text="The first day of the last month of data it covers.")
    years = models.PositiveSmallIntegerField(default=5)
    indicators = models.ManyToManyField(Indicator, through="AssessedIndicator", related_name="+")
    scoring = models.JSONField(help_text="The scoring model in force, copied when the assessment was made.")
    cell_size = models.PositiveIntegerField(default=250, help_text="Hotspot grid cell size in metres.")
    comparator_codes = models.JSONField(
        default=list, blank=True, help_text="ONS codes of a family of similar areas to compare with."
    )
    summary = models.TextField(blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["-last_month", "title"]
        constraints = [
            models.UniqueConstraint(fields=["partnership", "label"], name="assessment_label_per_partnership")
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def audit_partnership(self) -> Partnership:
        return self.partnership


class AssessedIndicator(models.Model):
    """An indicator the assessment covers, in the order of its headline table."""

    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="assessed")
    indicator = models.ForeignKey(Indicator, on_delete=models.PROTECT, related_name="+")
    position = models.PositiveIntegerField()

    class Meta:
        ordering = ["position"]
        constraints = [
            models.UniqueConstraint(fields=["assessment", "indicator"], name="indicator_once_per_assessment")
        ]

    def __str__(self) -> str:
        return f"{self.assessment}: {self.indicator}"


class Issue(PublicRecord):
    """Something the partnership might make a priority: an indicator, or an issue with no count
    (modern slavery, Prevent, county lines)."""

    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="issues")
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    indicator = models.ForeignKey(
        Indicator, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    position = models.PositiveIntegerField(default=0)
    history = HistoricalRecords()

    class Meta:
        ordering = ["position", "title"]
        constraints = [models.UniqueConstraint(fields=["assessment", "title"], name="issue_title_once")]

    def __str__(self) -> str:
        return self.title

    @property
    def audit_partnership(self) -> Partnership:
        return self.assessment.partnership


class Score(PublicRecord):
    """One partner's score of one issue on one dimension, with why: partners score on their own."""

    issue = models.ForeignKey(Issue, on_delete=models.CASCADE, related_name="scores")
    scorer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    dimension = models.SlugField(max_length=40)
    value = models.PositiveSmallIntegerField()
    rationale = models.TextField(blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["issue", "dimension"]
        constraints = [
            models.UniqueConstraint(fields=["issue", "scorer", "dimension"], name="one_score_per_scorer")
        ]

    def __str__(self) -> str:
        return f"{self.issue}: {self.dimension} = {self.value}"

    @property
    def audit_partnership(self) -> Partnership:
        return self.issue.assessment.partnership


class AgreedScore(PublicRecord):
    """The score the partners agreed for an issue on a dimension, after seeing the spread of their own."""

    issue = models.ForeignKey(Issue, on_delete=models.CASCADE, related_name="agreed_scores")
    dimension = models.SlugField(max_length=40)
    value = models.PositiveSmallIntegerField()
    rationale = models.TextField(blank=True)
    agreed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    history = HistoricalRecords()

    class Meta:
        ordering = ["issue", "dimension"]
        constraints = [models.UniqueConstraint(fields=["issue", "dimension"], name="one_agreed_score")]

    def __str__(self) -> str:
        return f"{self.issue}: {self.dimension} agreed at {self.value}"

    @property
    def audit_partnership(self) -> Partnership:
        return self.issue.assessment.partnership


class ChosenPriority(PublicRecord):
    """An issue the partnership chose as a priority, and why; linked to the plan's priority it became."""

    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="chosen")
    issue = models.OneToOneField(Issue, on_delete=models.PROTECT, related_name="chosen")
    reason = models.TextField()
    position = models.PositiveIntegerField(default=0)
    chosen_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    plan_priority = models.OneToOneField(
        Priority, null=True, blank=True, on_delete=models.SET_NULL, related_name="assessment_choice"
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["position"]

    def __str__(self) -> str:
        return f"{self.assessment}: {self.issue}"

    @property
    def audit_partnership(self) -> Partnership:
        return self.assessment.partnership
