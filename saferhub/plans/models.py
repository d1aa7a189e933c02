"""Partnership plans: period, vision, duties, priorities with leads and deliverables, cross-cutting themes."""

import datetime as dt

from django.conf import settings
from django.db import models
from simple_history.models import HistoricalRecords

from saferhub.core.models import PublicRecord
from saferhub.partnerships.models import Organisation, Partnership


class Plan(PublicRecord):
    """A partnership plan for a period, e.g. April 2023 – March 2026. Revisions are kept as history."""

    partnership = models.ForeignKey(Partnership, on_delete=models.PROTECT, related_name="plans")
    title = models.CharField(max_length=200)
    period_start = models.DateField()
    period_end = models.DateField()
    is_current = models.BooleanField(default=True)
    foreword = models.TextField(blank=True)
    vision = models.TextField(blank=True)
    statutory_duties = models.TextField(blank=True)
    partnership_expectations = models.TextField(blank=True)
    deliverables_label = models.CharField(
        max_length=60, default="Key deliverables", help_text="What this plan calls the work under a priority."
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["-is_current", "-period_start"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(period_end__gt=models.F("period_start")),
                name="plan_period_ends_after_start",
            ),
            models.UniqueConstraint(fields=["partnership", "title"], name="plan_title_per_partnership"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def audit_partnership(self) -> Partnership:
        return self.partnership

    @property
    def period_label(self) -> str:
        return f"{self.period_start:%B %Y} – {self.period_end:%B %Y}"

    def has_ended(self, today: dt.date) -> bool:
        """Whether the plan's period is over: a current plan that has ended is due its successor."""
        return self.period_end < today


class PlanRevision(PublicRecord):
    """A review of the plan, e.g. 'Revised April 2025'. The plan's history shows what changed by then."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="revisions")
    label = models.CharField(max_length=100)
    revised_on = models.DateField()
    summary = models.TextField(blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-revised_on"]

    def __str__(self) -> str:
        return f"{self.plan}: {self.label}"

    @property
    def audit_partnership(self) -> Partnership:
        return self.plan.partnership


class CrossCuttingTheme(PublicRecord):
    """A theme every priority delivers on, e.g. Domestic Abuse, Children and Young People, Prevent."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="themes")
    position = models.PositiveIntegerField(default=0)
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return self.title

    @property
    def audit_partnership(self) -> Partnership:
        return self.plan.partnership


class Priority(PublicRecord):
    """A strategic priority of a plan, led by a person and an organisation."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="priorities")
    position = models.PositiveIntegerField(default=0)
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    lead_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="led_priorities",
    )
    lead_organisation = models.ForeignKey(
        Organisation, null=True, blank=True, on_delete=models.SET_NULL, related_name="led_priorities"
    )
    aligned_to = models.ManyToManyField(
        "self",
        symmetrical=False,
        blank=True,
        related_name="supported_by",
        help_text="Priorities of a parent partnership or the Police and Crime Commissioner this supports.",
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["position", "id"]
        verbose_name_plural = "priorities"

    def __str__(self) -> str:
        return self.title

    @property
    def audit_partnership(self) -> Partnership:
        return self.plan.partnership


class Deliverable(PublicRecord):
    """A key deliverable (or delivery theme) under a priority."""

    priority = models.ForeignKey(Priority, on_delete=models.CASCADE, related_name="deliverables")
    position = models.PositiveIntegerField(default=0)
    text = models.TextField()

    history = HistoricalRecords()

    class Meta:
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return self.text[:80]

    @property
    def audit_partnership(self) -> Partnership:
        return self.priority.plan.partnership
