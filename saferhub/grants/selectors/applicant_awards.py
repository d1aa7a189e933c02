"""Reads of an applicant organisation's awards, as its members see them outside any partnership: the award
(another organisation's is a 404), its payment schedule and reports, and what each award needs next.
"""

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from django.db import models
from django.http import Http404
from django.utils import timezone

from saferhub.core.actors import Actor
from saferhub.grants import selectors
from saferhub.grants.models import (
    RUNNING_AWARD_STATUSES,
    Application,
    Award,
    AwardStatus,
    Instalment,
    ProjectReturn,
    Spend,
    Variation,
)
from saferhub.grants.money import AwardMoney
from saferhub.reporting.models import EDITABLE_STATUSES, ReturnStatus


def awards_of_applicant(user: Actor) -> models.QuerySet[Award]:
    """Every award made to the organisations this person applies for, and no other."""
    return Award.objects.filter(
        application__organisation_id__in=selectors.organisations_applying_as(user)
    ).select_related("application__grant_round__fund__partnership", "application__organisation")


def award_of_applicant(user: Actor, public_id: Any) -> Award:
    """One of those awards; any other (another organisation's, or none) is a 404."""
    try:
        return awards_of_applicant(user).get(public_id=public_id)
    except (Award.DoesNotExist, ValueError, TypeError):
        raise Http404("No such award") from None


@dataclass(frozen=True)
class ScheduledPayment:
    """An instalment of the payment schedule, with when it is paid and whether it is due now."""

    instalment: Instalment
    # Paid on acceptance (None), or once the report of this quarter is accepted.
    after_quarter: int | None
    paid_on: dt.date | None
    due_now: bool


@dataclass(frozen=True)
class ReportDue:
    """A quarterly report the project was asked for, with whether it is late."""

    project_return: ProjectReturn
    label: str
    due_on: dt.date
    overdue: bool

    @property
    def returned(self) -> bool:
        return self.project_return.status == ReturnStatus.RETURNED


@dataclass(frozen=True)
class ApplicantAward:
    """What the award page shows: the award and its money, schedule, variations and quarterly reports."""

    award: Award
    money: AwardMoney
    payments: list[ScheduledPayment]
    variations: list[Variation]
    reports: list[ReportDue]
    # Whether any spend is recorded yet: until then what the project spent is not known, rather than £0.00.
    spend_reported: bool

    @property
    def still_pays(self) -> bool:
        """Whether the unpaid instalments are still to come: not once the offer is declined or lapsed, nor
        once the award is closed (what it did not pay went back to the fund)."""
        if self.award.status == AwardStatus.OFFERED:
            return not self.money.lapsed
        return self.award.status in RUNNING_AWARD_STATUSES

    @property
    def to_come(self) -> int:
        """The pence of the schedule still to be paid."""
        if not self.still_pays:
            return 0
        return sum(payment.instalment.amount_pence for payment in self.payments if payment.paid_on is None)


def _reports_of(awards: list[Award], today: dt.date) -> dict[int, list[ReportDue]]:
    """The quarterly reports of each award, by its key, oldest quarter first: one query."""
    reports: dict[int, list[ReportDue]] = defaultdict(list)
    for project_return in (
        ProjectReturn.objects.filter(award__in=awards)
        .select_related("reporting_round")
        .order_by("reporting_round__financial_year", "reporting_round__quarter")
    ):
        reports[project_return.award_id].append(
            ReportDue(
                project_return=project_return,
                label=project_return.reporting_round.label,
                due_on=project_return.reporting_round.due_on,
                overdue=project_return.is_overdue(today),
            )
        )
    return reports


def _payments(award: Award, reports: list[ReportDue]) -> list[ScheduledPayment]:
    """The schedule: an instalment on acceptance is due once the award is accepted; one after a quarter,
    once that quarter's report (of the fund's year) is accepted as well."""
    financial_year = award.application.grant_round.fund.financial_year
    accepted_quarters = {
        report.project_return.reporting_round.quarter
        for report in reports
        if report.project_return.status == ReturnStatus.ACCEPTED
        and report.project_return.reporting_round.financial_year == financial_year
    }
    running = award.status in RUNNING_AWARD_STATUSES
    return [
        ScheduledPayment(
            instalment=instalment,
            after_quarter=instalment.after_quarter,
            paid_on=instalment.paid_on,
            due_now=running
            and instalment.paid_on is None
            and (instalment.after_quarter is None or instalment.after_quarter in accepted_quarters),
        )
        for instalment in award.instalments.all()
    ]


def applicant_award(award: Award) -> ApplicantAward:
    """The award as its organisation's page shows it."""
    reports = _reports_of([award], timezone.localdate())[award.pk]
    return ApplicantAward(
        award=award,
        money=selectors.award_money(award),
        payments=_payments(award, reports),
        variations=list(award.variations.all()),
        reports=reports,
        spend_reported=Spend.objects.filter(award=award).exists(),
    )


@dataclass(frozen=True)
class NextStep:
    """Something an award needs from its organisation: answering the offer, or a report, by a date."""

    text: str
    due_on: dt.date
    overdue: bool
    project_return: ProjectReturn | None = None


def _next_steps(award: Award, money: AwardMoney, reports: list[ReportDue]) -> list[NextStep]:
    if award.status == AwardStatus.OFFERED:
        if money.lapsed:
            return [
                NextStep("The offer lapsed: ask the partnership to give you longer", award.respond_by, True)
            ]
        return [NextStep("Accept or decline the offer", award.respond_by, False)]
    if award.status not in RUNNING_AWARD_STATUSES:
        return []
    return [
        NextStep(
            f"Make the changes asked for to your {report.label} report and send it again"
            if report.returned
            else f"Send your {report.label} report",
            report.due_on,
            report.overdue,
            report.project_return,
        )
        for report in reports
        if report.project_return.status in EDITABLE_STATUSES
    ]


def awards_with_next_steps(user: Actor) -> list[tuple[Award, list[NextStep]]]:
    """The person's organisations' awards, by project, each with what it needs from them next: three
    queries for the awards and their reports, and five for their money."""
    awards = awards_of_applicant(user).order_by("application__title")
    listed = list(awards)
    money = selectors.award_money_of(awards)
    reports = _reports_of(listed, timezone.localdate())
    return [(award, _next_steps(award, money[award.pk], reports[award.pk])) for award in listed]


def award_of_application(application: Application) -> Award | None:
    """The award made to the application, if one was."""
    return Award.objects.filter(application=application).first()
