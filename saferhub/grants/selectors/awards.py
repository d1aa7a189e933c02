"""Reads for the partnership managers' award pages: an award (or the application it is offered to) of the
partnership, its instalments, variations, spend, reports and history.

A record of another partnership, or of no record at all, is a 404 whoever asks.
"""

from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from django.db import models
from django.http import Http404

from saferhub.grants.models import (
    RUNNING_AWARD_STATUSES,
    Application,
    Award,
    BudgetLine,
    Instalment,
    ProjectReturn,
    Spend,
    Variation,
)
from saferhub.grants.workflows import AWARD_WORKFLOW
from saferhub.partnerships.models import Partnership
from saferhub.reporting.models import ReturnStatus


def award_in(partnership: Partnership, public_id: Any) -> Award:
    """An award of one of the partnership's funds (404 for any other)."""
    try:
        return Award.objects.select_related(
            "application__grant_round__fund__partnership", "application__organisation"
        ).get(public_id=public_id, application__grant_round__fund__partnership=partnership)
    except (Award.DoesNotExist, ValueError, TypeError):
        raise Http404("No such award") from None


def instalment_of(award: Award, public_id: Any) -> Instalment:
    try:
        return award.instalments.get(public_id=public_id)
    except (Instalment.DoesNotExist, ValueError, TypeError):
        raise Http404("No such instalment") from None


def variation_of(award: Award, public_id: Any) -> Variation:
    try:
        return award.variations.get(public_id=public_id)
    except (Variation.DoesNotExist, ValueError, TypeError):
        raise Http404("No such variation") from None


def quarters_accepted(award: Award) -> set[int]:
    """The quarters of the fund's year whose report of this project has been accepted: one query."""
    return set(
        ProjectReturn.objects.filter(
            award=award,
            reporting_round__financial_year=award.application.grant_round.fund.financial_year,
            status=ReturnStatus.ACCEPTED,
        ).values_list("reporting_round__quarter", flat=True)
    )


@dataclass(frozen=True)
class InstalmentRow:
    instalment: Instalment
    # Whether a payment can be recorded now: the award runs, it is unpaid and its report (if any) accepted.
    payable: bool
    # Unpaid and waiting for its quarter's report to be accepted.
    waiting_for_report: bool


def instalment_rows(award: Award) -> list[InstalmentRow]:
    accepted = quarters_accepted(award)
    running = award.status in RUNNING_AWARD_STATUSES
    rows = []
    for instalment in award.instalments.all():
        unpaid = instalment.paid_on is None
        waiting = unpaid and instalment.after_quarter is not None and instalment.after_quarter not in accepted
        rows.append(
            InstalmentRow(
                instalment=instalment, payable=running and unpaid and not waiting, waiting_for_report=waiting
            )
        )
    return rows


@dataclass(frozen=True)
class SpendTable:
    """Spend by budget line (rows) and period (columns), in pence, with the totals of each."""

    periods: list[str]
    # (budget line, [pence in each period, in the order of `periods`], the line's total)
    rows: list[tuple[BudgetLine, list[int], int]]
    period_totals: list[int]
    total: int

    @property
    def reported(self) -> bool:
        """Whether any spend is recorded: until then what the project spent is not known, rather than £0.00
        (as the fund's dashboard decides it: a Spend row exists)."""
        return bool(self.periods)


def spend_table(award: Award) -> SpendTable:
    """Every budget line of the project, spent on or not, against every period spend was recorded for."""
    spent: dict[tuple[int, str], int] = defaultdict(int)
    periods: list[str] = []
    for line_id, period, pence in (
        Spend.objects.filter(award=award)
        .order_by("created_at", "id")
        .values_list("budget_line_id", "period", "amount_pence")
    ):
        spent[line_id, period] += pence
        if period not in periods:
            periods.append(period)
    rows = []
    for line in award.application.budget_lines.all():
        cells = [spent[line.pk, period] for period in periods]
        rows.append((line, cells, sum(cells)))
    period_totals = [sum(row[1][index] for row in rows) for index in range(len(periods))]
    return SpendTable(periods=periods, rows=rows, period_totals=period_totals, total=sum(period_totals))


def spend_reported(award: Award) -> bool:
    """Whether any spend of the project is recorded yet, by a report or a manager: one query."""
    return Spend.objects.filter(award=award).exists()


def project_reports_of(award: Award) -> models.QuerySet[ProjectReturn]:
    """The project's quarterly reports, the earliest quarter first."""
    return award.returns.select_related("reporting_round").order_by(
        "reporting_round__financial_year", "reporting_round__quarter"
    )


def award_history(award: Award) -> list[tuple[Any, str]]:
    """Each step of the award's life with what it did, as words: ("offered", "accepted", ...)."""
    labels = {transition.name: transition.label for transition in AWARD_WORKFLOW.transitions}
    return [(step, labels.get(step.kind, step.kind)) for step in award.steps.select_related("actor")]


def award_offered_to(application: Application) -> Award | None:
    """The award offered to the application, if it has been offered one."""
    return Award.objects.filter(application=application).first()
