"""Delivery and monitoring: measures with targets, quarterly returns from priority leads, board packs.

The rules these records follow (the RAG rule, the return's lifecycle, reminders) are in docs/performance.md.
"""

import datetime as dt
from decimal import Decimal

from django.conf import settings
from django.db import models
from simple_history.models import HistoricalRecords

from saferhub.core.models import PublicRecord
from saferhub.crimedata.models import Indicator
from saferhub.partnerships.models import Partnership
from saferhub.plans.models import Deliverable, Priority
from saferhub.reporting.models import ReportingRoundBase, ReturnBase, ReturnStepBase
from saferhub.reporting.models import ReturnStatus as ReturnStatus  # the quarterly return's, re-exported


class MeasureKind(models.TextChoices):
    AUTOMATIC = "automatic", "Automatic: counted from an indicator"
    MANUAL = "manual", "Manual: a figure the lead enters"


class Direction(models.TextChoices):
    REDUCE = "reduce", "Reduce"
    INCREASE = "increase", "Increase"
    MAINTAIN = "maintain", "Maintain"


class Frequency(models.TextChoices):
    MONTHLY = "monthly", "Monthly"
    QUARTERLY = "quarterly", "Quarterly"
    ANNUAL = "annual", "Annual"


class Rag(models.TextChoices):
    RED = "red", "Red"
    AMBER = "amber", "Amber"
    GREEN = "green", "Green"


class Measure(PublicRecord):
    """Something counted under a priority, with a baseline and a target: how the partnership sees success."""

    priority = models.ForeignKey(Priority, on_delete=models.CASCADE, related_name="measures")
    deliverable = models.ForeignKey(
        Deliverable, null=True, blank=True, on_delete=models.SET_NULL, related_name="measures"
    )
    position = models.PositiveIntegerField(default=0)
    title = models.CharField(max_length=200)
    kind = models.CharField(max_length=20, choices=MeasureKind.choices)
    indicator = models.ForeignKey(
        Indicator, null=True, blank=True, on_delete=models.PROTECT, related_name="measures"
    )
    unit = models.CharField(
        max_length=60, blank=True, help_text="What is counted, e.g. 'crimes', 'premises'."
    )
    baseline_value = models.DecimalField(max_digits=14, decimal_places=2, null=True, blank=True)
    baseline_period = models.CharField(max_length=40, blank=True)
    target_value = models.DecimalField(max_digits=14, decimal_places=2)
    direction = models.CharField(max_length=20, choices=Direction.choices)
    tolerance_percent = models.DecimalField(
        max_digits=5,
        decimal_places=1,
        default=Decimal(0),
        help_text="How far from the target (as a percentage of it) still counts as on target.",
    )
    frequency = models.CharField(max_length=20, choices=Frequency.choices, default=Frequency.QUARTERLY)
    source = models.CharField(max_length=300, blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["position", "id"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(kind="automatic", indicator__isnull=False)
                    | models.Q(kind="manual", indicator__isnull=True)
                ),
                name="automatic_measure_has_indicator",
            ),
            models.CheckConstraint(
                condition=models.Q(tolerance_percent__gte=0), name="measure_tolerance_not_negative"
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def audit_partnership(self) -> Partnership:
        return self.priority.plan.partnership

    @property
    def is_manual(self) -> bool:
        return self.kind == MeasureKind.MANUAL


class MeasureValue(PublicRecord):
    """A figure for one period of a manual measure, entered by its lead (in a return, a page or the API)."""

    measure = models.ForeignKey(Measure, on_delete=models.CASCADE, related_name="values")
    period = models.CharField(max_length=20, help_text="'2025/26 Q2', '2025-07' or '2025/26'.")
    period_end = models.DateField()
    value = models.DecimalField(max_digits=14, decimal_places=2)
    note = models.TextField(blank=True)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["period_end"]
        constraints = [
            models.UniqueConstraint(fields=["measure", "period"], name="one_value_per_measure_period")
        ]

    def __str__(self) -> str:
        return f"{self.measure}: {self.period}"

    @property
    def audit_partnership(self) -> Partnership:
        return self.measure.audit_partnership


class RagRule(PublicRecord):
    """The partnership's rule for red, amber and green. Without one, the documented defaults apply."""

    DEFAULT_AMBER_MARGIN = Decimal(10)

    partnership = models.OneToOneField(Partnership, on_delete=models.CASCADE, related_name="rag_rule")
    amber_margin_percent = models.DecimalField(
        max_digits=5,
        decimal_places=1,
        default=DEFAULT_AMBER_MARGIN,
        help_text="How far past a measure's tolerance (as a percentage of its target) is amber, not red.",
    )

    history = HistoricalRecords()

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=models.Q(amber_margin_percent__gte=0), name="rag_amber_margin_not_negative"
            )
        ]

    def __str__(self) -> str:
        return f"RAG rule of {self.partnership}"

    @property
    def audit_partnership(self) -> Partnership:
        return self.partnership


QUARTER_MONTHS = {1: (4, 6), 2: (7, 9), 3: (10, 12), 4: (1, 3)}


def financial_year_label(year: int) -> str:
    """2025 -> '2025/26': the financial year that starts in April 2025."""
    return f"{year}/{(year + 1) % 100:02d}"


def quarter_bounds(financial_year: int, quarter: int) -> tuple[dt.date, dt.date]:
    """First and last day of a financial-year quarter: Q1 is April to June, Q4 January to March."""
    first_month, last_month = QUARTER_MONTHS[quarter]
    year = financial_year + 1 if quarter == 4 else financial_year
    start = dt.date(year, first_month, 1)
    end = (dt.date(year, last_month, 28) + dt.timedelta(days=4)).replace(day=1) - dt.timedelta(days=1)
    return start, end


class ReportingRound(ReportingRoundBase):
    """A quarter of the financial year for which every priority's lead sends a return, by a due date."""

    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE, related_name="reporting_rounds")
    financial_year = models.PositiveIntegerField(
        help_text="The year the financial year starts: 2025 for 2025/26."
    )
    quarter = models.PositiveSmallIntegerField(choices=[(q, f"Q{q}") for q in (1, 2, 3, 4)])

    history = HistoricalRecords()

    class Meta:
        ordering = ["-financial_year", "-quarter"]
        constraints = [
            models.UniqueConstraint(
                fields=["partnership", "financial_year", "quarter"], name="one_round_per_quarter"
            ),
            models.CheckConstraint(condition=models.Q(quarter__gte=1, quarter__lte=4), name="quarter_1_to_4"),
        ]

    @property
    def label(self) -> str:
        return f"{financial_year_label(self.financial_year)} Q{self.quarter}"

    @property
    def period_start(self) -> dt.date:
        return quarter_bounds(self.financial_year, self.quarter)[0]

    @property
    def period_end(self) -> dt.date:
        return quarter_bounds(self.financial_year, self.quarter)[1]

    @property
    def months_label(self) -> str:
        return f"{self.period_start:%B} to {self.period_end:%B %Y}"


class ReturnSection(models.TextChoices):
    """The sections of the monitoring template, in the order the lead fills them in."""

    PROGRESS = "progress", "Progress on each deliverable"
    THEMES = "themes", "Cross-cutting themes"
    MEASURES = "measures", "Performance measures"
    RISKS = "risks", "Risks, issues and help needed"
    ASSESSMENT = "assessment", "RAG self-assessment and summary"


class QuarterlyReturn(ReturnBase):
    """A priority lead's report to the partnership for one quarter: the seeds' monitoring template.

    The first kind of return of the reporting rounds (workflows.py declares it): its status, sections,
    time stamps, reminders and deadlines are the reporting app's; its answers are its own.
    """

    reporting_round = models.ForeignKey(ReportingRound, on_delete=models.CASCADE, related_name="returns")
    priority = models.ForeignKey(Priority, on_delete=models.PROTECT, related_name="quarterly_returns")
    # {deliverable public id: text}, {theme public id: text}
    deliverable_progress = models.JSONField(default=dict, blank=True)
    theme_contributions = models.JSONField(default=dict, blank=True)
    # {measure public id: {"value": "12" (manual only), "comment": "..."}}
    measure_figures = models.JSONField(default=dict, blank=True)
    risks_and_issues = models.TextField(blank=True)
    help_needed = models.TextField(blank=True)
    self_assessment = models.CharField(max_length=10, choices=Rag.choices, blank=True)
    summary = models.TextField(blank=True, help_text="The lead's narrative for the board.")

    history = HistoricalRecords()

    class Meta:
        ordering = ["reporting_round", "priority__position"]
        constraints = [
            models.UniqueConstraint(
                fields=["reporting_round", "priority"], name="one_return_per_priority_round"
            )
        ]

    def __str__(self) -> str:
        return f"{self.priority}: {self.reporting_round.label} return"


class ReturnStep(ReturnStepBase):
    """One step in a quarterly return's life: opened, submitted, returned with a comment, accepted."""

    quarterly_return = models.ForeignKey(QuarterlyReturn, on_delete=models.CASCADE, related_name="steps")

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.quarterly_return}: {self.get_kind_display()}"

    @property
    def audit_partnership(self) -> Partnership:
        return self.quarterly_return.audit_partnership


class BoardPack(PublicRecord):
    """The board's papers for a quarter, generated in one go and kept as generated (the snapshot)."""

    reporting_round = models.OneToOneField(
        ReportingRound, on_delete=models.CASCADE, related_name="board_pack"
    )
    snapshot = models.JSONField(default=dict)
    generated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    generated_at = models.DateTimeField()
    is_published = models.BooleanField(default=False)
    published_at = models.DateTimeField(null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["-generated_at"]

    def __str__(self) -> str:
        return f"Board pack {self.reporting_round.label}"

    @property
    def audit_partnership(self) -> Partnership:
        return self.reporting_round.partnership
