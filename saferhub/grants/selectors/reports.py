"""Reads for the pages of funded projects' quarterly reports: the reports a project's people may see, and a
report's figures and spend set beside what the project promised.

A project's reports are known only to its organisation's members (and, on the partnership's pages, to its
managers: reporting.selectors): anyone else is told they do not exist (404).
"""

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import models
from django.db.models import Sum
from django.http import Http404

from saferhub.core.actors import Actor
from saferhub.design_system.filters import figure_text
from saferhub.grants.models import BudgetLine, Outcome, ProjectReturn, ProjectReturnRound, Spend
from saferhub.grants.returns import PROJECT_RETURN
from saferhub.grants.selectors import organisations_applying_as
from saferhub.reporting import selectors as reporting


def project_returns_of_applicant(user: Actor) -> models.QuerySet[ProjectReturn]:
    """Every report of the projects of the organisations this person applies for, and no other."""
    return ProjectReturn.objects.filter(
        award__application__organisation_id__in=organisations_applying_as(user)
    ).select_related("reporting_round__fund__partnership", "award__application__organisation")


def project_return_of_applicant(user: Actor, public_id: Any) -> ProjectReturn:
    try:
        return project_returns_of_applicant(user).get(public_id=public_id)
    except (ProjectReturn.DoesNotExist, ValueError, TypeError):
        raise Http404("No such report") from None


def report_round_returns(user: Actor, reporting_round: ProjectReturnRound) -> models.QuerySet[ProjectReturn]:
    """A quarter's reports the person may see, with each project and organisation, for the round's page."""
    returns: models.QuerySet[ProjectReturn] = reporting.round_returns(PROJECT_RETURN, user, reporting_round)
    return returns.select_related("award__application__organisation").order_by("award__application__title")


@dataclass(frozen=True)
class FigureRow:
    """An outcome the project promised, its target, and the figure its measure reached this quarter."""

    outcome: Outcome
    target: str
    figure: str  # as the project gave it, "" when not given yet


@dataclass(frozen=True)
class SpendRow:
    """A budget line, what the report says was spent on it this quarter, and what other quarters' accepted
    reports (or the managers' corrections) recorded against it."""

    line: BudgetLine
    this_quarter: int | None  # pence; None when not given yet
    earlier: int  # pence

    @property
    def left(self) -> int:
        """What is left of the line's amount after this quarter's spend and the earlier quarters'."""
        return self.line.amount_pence - self.earlier - (self.this_quarter or 0)


def _figure_shown(text: str) -> str:
    try:
        return figure_text(Decimal(text), grouped=True)
    except InvalidOperation:
        return text


def report_figures(project_return: ProjectReturn) -> list[FigureRow]:
    return [
        FigureRow(
            outcome=outcome,
            target=figure_text(outcome.target),
            figure=_figure_shown(project_return.figures.get(str(outcome.public_id), "")),
        )
        for outcome in project_return.award.application.outcomes.all()
    ]


def report_spend(project_return: ProjectReturn) -> list[SpendRow]:
    earlier = dict(
        Spend.objects.filter(award_id=project_return.award_id)
        .exclude(period=project_return.reporting_round.label)
        .values("budget_line_id")
        .annotate(pence=Sum("amount_pence"))
        .values_list("budget_line_id", "pence")
    )
    rows = []
    for line in project_return.award.application.budget_lines.all():
        given = project_return.spend.get(str(line.public_id))
        rows.append(
            SpendRow(
                line=line,
                this_quarter=int(given) if given is not None else None,
                earlier=earlier.get(line.pk) or 0,
            )
        )
    return rows
