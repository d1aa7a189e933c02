"""Reads for a fund's dashboard, the funding exports and the open data of what a partnership funded: each
award with its money and priorities, the projects by priority, the forecast underspend, the overdue project
reports and what each outcome cost. Money is whole pence from money.py (AwardMoney, FundMoney); a figure
that cannot be worked out is None, never 0.
"""

import calendar
import datetime as dt
import math
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from fractions import Fraction
from typing import Any

from django.db import models
from django.db.models import Max
from django.http import Http404

from saferhub.design_system.filters import figure_text
from saferhub.grants.models import (
    Application,
    Award,
    AwardStatus,
    Fund,
    Outcome,
    ProjectReturn,
    Spend,
    Variation,
)
from saferhub.grants.money import AwardMoney, FundMoney
from saferhub.grants.returns import PROJECT_RETURN
from saferhub.grants.selectors import award_money_of, awards_of
from saferhub.partnerships.models import Organisation, Partnership
from saferhub.plans.models import Priority
from saferhub.reporting import selectors as reporting_selectors
from saferhub.reporting.models import ReturnStatus

# A funded project: its offer was accepted, whether it is still running, has sent its final report or is
# closed. Only these are public (open data) and only these report outcomes.
FUNDED_STATUSES = (AwardStatus.ACCEPTED, AwardStatus.FINAL_REPORT, AwardStatus.CLOSED)


def financial_year_label(year: int) -> str:
    """'2026/27' for the financial year starting in April 2026."""
    return f"{year}/{(year + 1) % 100:02d}"


# --- Forecast underspend ------------------------------------------------------------------------------


def _months(first: dt.date, last: dt.date) -> int:
    """The calendar months from first to last, both counted: September to March is 7."""
    return (last.year - first.year) * 12 + last.month - first.month + 1


def quarter_end(financial_year: int, quarter: int) -> dt.date:
    """The last day of a quarter of a financial year starting in April: Q1 of 2026 ends on 30 June 2026."""
    months_from_january = 3 + 3 * quarter  # June, September, December, March (the 15th month)
    year = financial_year + (months_from_january - 1) // 12
    month = (months_from_january - 1) % 12 + 1
    return dt.date(year, month, calendar.monthrange(year, month)[1])


@dataclass(frozen=True)
class Forecast:
    """A running project's spend by its end, at the monthly rate of the spend its accepted reports show.

    `forecast_spend` is None when there is not enough data: no start or end date, or no accepted report
    yet for a quarter the project has run in."""

    committed: int
    forecast_spend: int | None

    @property
    def underspend(self) -> int | None:
        """What the award holds that the project will not spend at that rate (never below 0)."""
        if self.forecast_spend is None:
            return None
        return max(self.committed - self.forecast_spend, 0)


def forecast_of(
    application: Application, money: AwardMoney, last_reported: tuple[int, int] | None
) -> Forecast:
    """Spend to date ÷ the project's months up to the end of the latest quarter it has an accepted report
    for × all the project's months; compared with what the award holds. `last_reported` is that quarter
    (financial year, quarter)."""
    starts_on, ends_on = application.starts_on, application.ends_on
    if starts_on is None or ends_on is None or last_reported is None:
        return Forecast(money.committed, None)
    project_months = _months(starts_on, ends_on)
    covered = min(_months(starts_on, quarter_end(*last_reported)), project_months)
    if project_months < 1 or covered < 1:
        return Forecast(money.committed, None)
    return Forecast(money.committed, money.spent * project_months // covered)


def _last_quarters_reported(awards: Iterable[Award]) -> dict[int, tuple[int, int]]:
    """Each award's latest quarter (financial year, quarter) with an accepted report."""
    latest: dict[int, tuple[int, int]] = {}
    for award_id, year, quarter in ProjectReturn.objects.filter(
        award__in=list(awards), status=ReturnStatus.ACCEPTED
    ).values_list("award_id", "reporting_round__financial_year", "reporting_round__quarter"):
        latest[award_id] = max(latest.get(award_id, (year, quarter)), (year, quarter))
    return latest


@dataclass(frozen=True)
class FundForecast:
    """The fund's forecast underspend: the sum over the running projects that could be forecast (None when
    none could), and how many running projects could not be."""

    underspend: int | None
    forecast: int
    without_data: int


def _fund_forecast(forecasts: Sequence[Forecast]) -> FundForecast:
    known = [f.underspend for f in forecasts if f.underspend is not None]
    return FundForecast(
        underspend=sum(known) if known else None,
        forecast=len(known),
        without_data=len(forecasts) - len(known),
    )


# --- Each award of a fund -----------------------------------------------------------------------------


@dataclass(frozen=True)
class AwardRow:
    """An award with its money, the priorities it serves and, while it runs, its forecast."""

    award: Award
    money: AwardMoney
    priorities: list[Priority]
    forecast: Forecast | None  # None: not running (offered, declined, final report in, closed)
    # Whether any spend is recorded: until then the project's spend is not known, rather than £0.00.
    spend_reported: bool

    @property
    def live(self) -> bool:
        """Whether the award holds or held money: not declined, and not an offer left to lapse."""
        return self.award.status != AwardStatus.DECLINED and not self.money.lapsed


def in_plan_order(priorities: Iterable[Priority]) -> list[Priority]:
    return sorted(priorities, key=lambda p: (p.plan_id, p.position, p.pk))


def award_rows(fund: Fund) -> list[AwardRow]:
    """The fund's awards by project, with their money, priorities and forecasts: nine queries."""
    awards = list(
        awards_of(fund)
        .select_related("application__organisation")
        .prefetch_related("application__priorities__plan__partnership")
        .order_by("application__title", "pk")
    )
    money = award_money_of(awards_of(fund))
    reported = _last_quarters_reported(a for a in awards if a.status == AwardStatus.ACCEPTED)
    with_spend = set(Spend.objects.filter(award__in=awards).values_list("award_id", flat=True))
    return [
        AwardRow(
            award=award,
            money=money[award.pk],
            priorities=in_plan_order(award.application.priorities.all()),
            forecast=forecast_of(award.application, money[award.pk], reported.get(award.pk))
            if award.status == AwardStatus.ACCEPTED
            else None,
            spend_reported=award.pk in with_spend,
        )
        for award in awards
    ]


def fund_forecast(fund: Fund) -> FundForecast:
    return _fund_forecast([row.forecast for row in award_rows(fund) if row.forecast is not None])


# --- Projects by priority -----------------------------------------------------------------------------


@dataclass(frozen=True)
class PriorityFunding:
    """The live projects serving a priority (or all of them, each once) and the money they hold and spent."""

    label: str
    projects: int
    committed: int
    spent: int | None  # None: none of the projects has reported any spend yet


def spent_of(rows: Sequence[AwardRow]) -> int | None:
    """What the projects spent, as they report it; None until any of them reports spend."""
    if not any(row.spend_reported for row in rows):
        return None
    return sum(row.money.spent for row in rows)


def _funding(label: str, rows: Sequence[AwardRow]) -> PriorityFunding:
    return PriorityFunding(
        label=label,
        projects=len(rows),
        committed=sum(row.money.committed for row in rows),
        spent=spent_of(rows),
    )


def _priority_label(priority: Priority, several_plans: bool) -> str:
    if several_plans:
        return f"{priority.title} ({priority.plan.partnership.name})"
    return priority.title


def by_priority(rows: Sequence[AwardRow]) -> tuple[list[PriorityFunding], PriorityFunding | None]:
    """Each priority the live awards serve, in its plan's order, with an award counted in full under every
    priority it serves; and the live awards that serve none (None when there are none)."""
    live = [row for row in rows if row.live]
    serving: dict[Priority, list[AwardRow]] = defaultdict(list)
    for row in live:
        for priority in row.priorities:
            serving[priority].append(row)
    several_plans = len({priority.plan_id for priority in serving}) > 1
    ordered = sorted(serving, key=lambda p: (p.plan.partnership.name, p.plan_id, p.position, p.pk))
    none = [row for row in live if not row.priorities]
    return (
        [_funding(_priority_label(p, several_plans), serving[p]) for p in ordered],
        _funding("Serving no priority", none) if none else None,
    )


# --- What the outcomes achieved, and what they cost ---------------------------------------------------


@dataclass(frozen=True)
class OutcomeAchieved:
    """An outcome with the sum of the figures its project's accepted reports gave for its measure; None
    when no accepted report gave a figure that is a number."""

    outcome: Outcome
    reported: Decimal | None

    @property
    def target_text(self) -> str:
        return figure_text(self.outcome.target)

    @property
    def reported_text(self) -> str | None:
        return None if self.reported is None else figure_text(self.reported)


def _figure(text: object) -> Decimal | None:
    try:
        figure = Decimal(str(text).replace(",", "").strip())
    except InvalidOperation:
        return None
    return figure if figure.is_finite() else None


def achievements_of(awards: Sequence[Award]) -> dict[int, list[OutcomeAchieved]]:
    """Each award's outcomes, in order, with what its accepted reports say they achieved: two queries."""
    totals: dict[str, Decimal] = {}
    for figures in ProjectReturn.objects.filter(
        award__in=list(awards), status=ReturnStatus.ACCEPTED
    ).values_list("figures", flat=True):
        for outcome_id, text in (figures or {}).items():
            figure = _figure(text)
            if figure is not None:
                totals[outcome_id] = totals.get(outcome_id, Decimal(0)) + figure
    application_awards = {award.application_id: award.pk for award in awards}
    achieved: dict[int, list[OutcomeAchieved]] = defaultdict(list)
    for outcome in Outcome.objects.filter(application_id__in=application_awards).order_by(
        "application_id", "position", "id"
    ):
        achieved[application_awards[outcome.application_id]].append(
            OutcomeAchieved(outcome, totals.get(str(outcome.public_id)))
        )
    return achieved


@dataclass(frozen=True)
class OutcomeCost:
    """What the award holds for each unit of an outcome's measure its reports have shown so far."""

    award: Award
    committed: int
    achieved: OutcomeAchieved

    @property
    def pence_per_unit(self) -> int | None:
        """The award's money ÷ the figures reported, to the penny; None when nothing (or nothing above 0)
        was reported."""
        reported = self.achieved.reported
        if reported is None or reported <= 0:
            return None
        # Exact fractions: a Decimal quotient of a tiny figure could outgrow the Decimal context.
        return math.floor(Fraction(self.committed) / Fraction(reported) + Fraction(1, 2))


def outcome_costs(rows: Sequence[AwardRow]) -> list[OutcomeCost]:
    """The cost per outcome of each funded project's outcomes, by project."""
    funded = [row for row in rows if row.award.status in FUNDED_STATUSES]
    achieved = achievements_of([row.award for row in funded])
    return [
        OutcomeCost(row.award, row.money.committed, outcome)
        for row in funded
        for outcome in achieved.get(row.award.pk, [])
    ]


# --- Overdue project reports --------------------------------------------------------------------------


def overdue_reports(partnership: Partnership, *, today: dt.date) -> list[ProjectReturn]:
    """The partnership's project reports past their due date and still with the project, by fund, quarter
    and project (the reporting mechanism decides what is overdue)."""
    overdue = reporting_selectors.overdue_returns(PROJECT_RETURN, today=today, partnership=partnership)
    return sorted(
        overdue,
        key=lambda r: (r.reporting_round.fund_id, r.reporting_round.due_on, r.award.application.title),
    )


# --- The fund's dashboard -----------------------------------------------------------------------------


@dataclass(frozen=True)
class FundDashboard:
    money: FundMoney
    # The fund's spend as its projects report it; None until any project reports spend.
    spent: int | None
    awards: list[AwardRow]
    priorities: list[PriorityFunding]
    no_priority: PriorityFunding | None
    # Every live project once, however many priorities it serves: the totals of the priorities' table.
    all_projects: PriorityFunding
    forecast: FundForecast
    overdue: list[ProjectReturn]
    outcome_costs: list[OutcomeCost]


def fund_dashboard(fund: Fund, *, today: dt.date) -> FundDashboard:
    rows = award_rows(fund)
    priorities, no_priority = by_priority(rows)
    money = FundMoney(total=fund.total_pence, awards=tuple(row.money for row in rows))
    return FundDashboard(
        money=money,
        spent=money.spent if any(row.spend_reported for row in rows) else None,
        awards=rows,
        priorities=priorities,
        no_priority=no_priority,
        all_projects=_funding("All projects, each counted once", [row for row in rows if row.live]),
        forecast=_fund_forecast([row.forecast for row in rows if row.forecast is not None]),
        overdue=[
            r for r in overdue_reports(fund.partnership, today=today) if r.reporting_round.fund_id == fund.pk
        ],
        outcome_costs=outcome_costs(rows),
    )


# --- Open data: what a partnership funded -------------------------------------------------------------


def partnership_of_open_data(slug: str) -> Partnership:
    """Any partnership, by its slug, for its public open data (no sign-in); 404 for an unknown slug."""
    partnership = Partnership.objects.filter(slug=slug).first()
    if partnership is None:
        raise Http404("No such partnership")
    return partnership


def _funded_awards(partnership: Partnership) -> models.QuerySet[Award]:
    return Award.objects.filter(
        application__grant_round__fund__partnership=partnership, status__in=FUNDED_STATUSES
    )


@dataclass(frozen=True)
class FundedProject:
    """A funded project as the open data publishes it: no person's name, email, phone or address, and
    none of the reports' own words (a case study may describe a person), only their figures."""

    organisation: str
    project: str
    fund: str
    financial_year: str
    # What the award holds of the fund (AwardMoney.committed), published as the amount awarded: the offer
    # with its approved variations less any claw-back while it runs, and only what was paid and kept once
    # it is closed, so that the open data adds up to the fund's committed money.
    awarded: int
    priorities: list[str]
    status: str
    achieved: list[OutcomeAchieved]


def funded_projects(partnership: Partnership) -> list[FundedProject]:
    """Every award of the partnership's funds accepted, finished or closed, by year (newest first), fund and
    project."""
    awards = list(
        _funded_awards(partnership)
        .select_related("application__organisation", "application__grant_round__fund")
        .prefetch_related("application__priorities")
        .order_by(
            "-application__grant_round__fund__financial_year",
            "application__grant_round__fund__name",
            "application__title",
            "pk",
        )
    )
    money = award_money_of(Award.objects.filter(pk__in=[award.pk for award in awards]))
    achieved = achievements_of(awards)
    return [
        FundedProject(
            organisation=award.application.organisation.name,
            project=award.application.title,
            fund=award.application.grant_round.fund.name,
            financial_year=financial_year_label(award.application.grant_round.fund.financial_year),
            awarded=money[award.pk].committed,
            priorities=[priority.title for priority in in_plan_order(award.application.priorities.all())],
            status=award.get_status_display(),
            achieved=achieved.get(award.pk, []),
        )
        for award in awards
    ]


def open_data_changed_at(partnership: Partnership) -> dt.datetime | None:
    """When anything the partnership's open data shows last changed: its funds, their awards (an offer
    accepted adds one), their variations, reports, applications, outcomes, organisations and priorities."""
    awards = Award.objects.filter(application__grant_round__fund__partnership=partnership)
    applications = Application.objects.filter(award__in=awards)
    sources: list[models.QuerySet[Any]] = [
        Fund.objects.filter(partnership=partnership),
        awards,
        Variation.objects.filter(award__in=awards),
        ProjectReturn.objects.filter(award__in=awards),
        applications,
        Outcome.objects.filter(application__in=applications),
        Organisation.objects.filter(grant_applications__in=applications),
        Priority.objects.filter(grant_applications__in=applications),
    ]
    times = [source.aggregate(newest=Max("updated_at"))["newest"] for source in sources]
    known = [time for time in times if time is not None]
    return max(known) if known else None
