"""The abstract models of a reporting round, its returns and their steps; each kind's app makes them concrete.

A kind's concrete models add what is its own: the round's period (a quarter, a grant's year), the return's
subject (a foreign key named in its `ReturnKind`) and its answers. They keep these names, which the
services and selectors rely on: the return's foreign key to its round is `reporting_round` (related name
`returns`), and the step's foreign key to its return has the related name `steps`.
"""

import datetime as dt
from typing import Any

from django.conf import settings
from django.contrib.contenttypes.fields import GenericRelation
from django.db import models

from saferhub.core.models import PublicRecord
from saferhub.partnerships.models import Partnership
from saferhub.workflow.models import Deadline, StepBase


class ReportingRoundBase(PublicRecord):
    """A round of returns owed to a partnership by a due date, with when to remind the leads."""

    returns: Any  # the related name of the concrete return model's foreign key to its round

    # A concrete round may declare it again, to give it a related name of its own.
    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE, related_name="+")
    due_on = models.DateField()
    remind_days_before = models.PositiveSmallIntegerField(default=7)
    remind_days_after = models.PositiveSmallIntegerField(default=3)
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        """The round's name as the pages and emails say it ("2025/26 Q2"): each kind words its own."""
        raise NotImplementedError

    @property
    def audit_partnership(self) -> Partnership:
        return self.partnership


class ReturnStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    SUBMITTED = "submitted", "Submitted"
    RETURNED = "returned", "Returned for changes"
    ACCEPTED = "accepted", "Accepted"


# The statuses in which the lead may still change the return.
EDITABLE_STATUSES = frozenset({ReturnStatus.DRAFT, ReturnStatus.RETURNED})


class ReturnBase(PublicRecord):
    """One subject's return in a round, addressed to its lead: saved section by section, then submitted."""

    reporting_round: Any  # the concrete model's foreign key to its round

    status = models.CharField(max_length=20, choices=ReturnStatus.choices, default=ReturnStatus.DRAFT)
    sections_completed = models.JSONField(default=list, blank=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    reminders_sent = models.JSONField(
        default=list, blank=True, help_text="Kinds of reminder already emailed: 'before', 'after'."
    )
    # Its lifecycle is its kind's workflow (reporting/workflows.py); this only removes its deadlines with it.
    deadlines = GenericRelation(Deadline, content_type_field="target_type", object_id_field="target_id")

    class Meta:
        abstract = True

    @property
    def audit_partnership(self) -> Partnership:
        partnership: Partnership = self.reporting_round.partnership
        return partnership

    @property
    def is_editable(self) -> bool:
        return self.status in EDITABLE_STATUSES

    def is_overdue(self, today: dt.date) -> bool:
        return self.is_editable and bool(self.reporting_round.due_on < today)


class ReturnStepKind(models.TextChoices):
    OPENED = "opened", "Opened"
    SUBMITTED = "submitted", "Submitted"
    RETURNED = "returned", "Returned for changes"
    ACCEPTED = "accepted", "Accepted"


class ReturnStepBase(StepBase):
    """One step in a return's life: opened, submitted, returned with a comment, accepted."""

    kind = models.CharField(max_length=20, choices=ReturnStepKind.choices)

    class Meta(StepBase.Meta):
        abstract = True
