"""The three small models a second kind of return needs (see kind.py): a grant year, its returns (one
for each deliverable a grant pays for) and their steps. A test-only app with migrations of its own, installed
by the test settings, so that its tables are made in order after the tables they point to."""

from django.db import models

from saferhub.plans.models import Deliverable
from saferhub.reporting.models import ReportingRoundBase, ReturnBase, ReturnStepBase


class GrantYear(ReportingRoundBase):
    year = models.PositiveIntegerField()

    @property
    def label(self) -> str:
        return f"{self.year}/{(self.year + 1) % 100:02d} grant"


class GrantReturn(ReturnBase):
    reporting_round = models.ForeignKey(GrantYear, on_delete=models.CASCADE, related_name="returns")
    deliverable = models.ForeignKey(Deliverable, on_delete=models.PROTECT, related_name="+")
    spend = models.DecimalField(max_digits=10, decimal_places=2, null=True, blank=True)
    outcomes = models.TextField(blank=True)

    def __str__(self) -> str:
        return f"{self.deliverable}: {self.reporting_round.label} return"


class GrantReturnStep(ReturnStepBase):
    grant_return = models.ForeignKey(GrantReturn, on_delete=models.CASCADE, related_name="steps")
