"""Reads about funds, rounds, applications and awards, scoped to what the person may see.

A partnership's people see the funds it runs; an applicant sees only its own organisation's applications and
awards; an assessor the applications of the rounds they assess. Anything else is a 404.
"""

from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from typing import Any

from django.db import models
from django.db.models import Sum
from django.http import Http404
from django.utils import timezone

from saferhub.core.actors import Actor
from saferhub.grants.models import (
    ApplicantMember,
    Application,
    ApplicationStatus,
    Award,
    AwardStatus,
    Clawback,
    Fund,
    GrantRound,
    Instalment,
    ModeratedScore,
    ProjectReturn,
    ProjectReturnRound,
    Score,
    Spend,
    Variation,
    VariationStatus,
)
from saferhub.grants.money import AwardMoney, FundMoney
from saferhub.partnerships.models import Organisation, Partnership
from saferhub.plans.models import CrossCuttingTheme, Priority
from saferhub.plans.selectors import current_plans_of, priorities_of_plans
from saferhub.reporting.models import ReturnStatus


def funds_of(partnership: Partnership) -> models.QuerySet[Fund]:
    return Fund.objects.filter(partnership=partnership)


def fund_named(partnership: Partnership, name: str, financial_year: int) -> bool:
    """Whether the partnership has a fund of this name (in any case) for that year."""
    return funds_of(partnership).filter(name__iexact=name, financial_year=financial_year).exists()


def fund_in(partnership: Partnership, public_id: Any) -> Fund:
    try:
        return funds_of(partnership).get(public_id=public_id)
    except (Fund.DoesNotExist, ValueError, TypeError):
        raise Http404("No such fund") from None


def rounds_of(fund: Fund) -> models.QuerySet[GrantRound]:
    return fund.rounds.all()


def rounds_assessed_by(user: Actor, fund: Fund) -> set[int]:
    """The keys of the fund's rounds this person assesses: their way in to a round's applications."""
    if user.pk is None:
        return set()
    return set(rounds_of(fund).filter(assessors__pk=user.pk).values_list("pk", flat=True))


def round_in(fund: Fund, public_id: Any) -> GrantRound:
    try:
        return rounds_of(fund).get(public_id=public_id)
    except (GrantRound.DoesNotExist, ValueError, TypeError):
        raise Http404("No such round") from None


def organisations_applying_as(user: Actor) -> models.QuerySet[Any]:
    """The organisations this person applies for (none, for someone not signed in)."""
    if user.pk is None:
        return ApplicantMember.objects.none().values("organisation_id")
    return ApplicantMember.objects.filter(user_id=user.pk).values("organisation_id")


def applications_of_applicant(user: Actor) -> models.QuerySet[Application]:
    """Every application of the organisations this person applies for, and no other."""
    return Application.objects.filter(organisation_id__in=organisations_applying_as(user)).select_related(
        "grant_round__fund", "organisation"
    )


def application_of_applicant(user: Actor, public_id: Any) -> Application:
    try:
        return applications_of_applicant(user).get(public_id=public_id)
    except (Application.DoesNotExist, ValueError, TypeError):
        raise Http404("No such application") from None


def awards_of(fund: Fund) -> models.QuerySet[Award]:
    return Award.objects.filter(application__grant_round__fund=fund)


def _sums_by_award(
    model: type[models.Model], awards: models.QuerySet[Award], **filters: Any
) -> dict[int, int]:
    rows = (
        model._default_manager.filter(award__in=awards, **filters)
        .values("award_id")
        .annotate(pence=Sum("amount_pence"))
        .values_list("award_id", "pence")
    )
    return defaultdict(int, {award_id: pence or 0 for award_id, pence in rows})


def award_money_of(awards: models.QuerySet[Award]) -> dict[int, AwardMoney]:
    """The money of each of these awards, by its key: five queries however many awards there are."""
    varied = _sums_by_award(Variation, awards, status=VariationStatus.APPROVED)
    paid = _sums_by_award(Instalment, awards, paid_on__isnull=False)
    spent = _sums_by_award(Spend, awards)
    clawed_back = _sums_by_award(Clawback, awards)
    today = timezone.localdate()
    return {
        award_id: AwardMoney(
            status=status,
            offered=offered,
            varied=varied[award_id],
            paid=paid[award_id],
            spent=spent[award_id],
            clawed_back=clawed_back[award_id],
            lapsed=status == AwardStatus.OFFERED and respond_by < today,
        )
        for award_id, status, offered, respond_by in awards.values_list(
            "pk", "status", "amount_pence", "respond_by"
        )
    }


def award_money(award: Award) -> AwardMoney:
    return award_money_of(Award.objects.filter(pk=award.pk))[award.pk]


def fund_money(fund: Fund) -> FundMoney:
    """What the fund holds, has committed, paid, seen spent, clawed back and has left, to the penny."""
    return FundMoney(total=fund.total_pence, awards=tuple(award_money_of(awards_of(fund)).values()))


def report_rounds_of(fund: Fund) -> models.QuerySet[ProjectReturnRound]:
    """The quarters whose project reports the fund has asked for, the latest first."""
    return fund.return_rounds.order_by("-financial_year", "-quarter")


def quarter_report_accepted(award: Award, quarter: int) -> bool:
    """Whether the project's report of this quarter of its fund's year has been accepted."""
    return ProjectReturn.objects.filter(
        award=award,
        reporting_round__quarter=quarter,
        reporting_round__financial_year=award.application.grant_round.fund.financial_year,
        status=ReturnStatus.ACCEPTED,
    ).exists()


@dataclass(frozen=True)
class ApplicationScores:
    """How an application scored, as shares of the highest weighted score its round allows: kept exact, so
    that the pass mark is met or not by the score itself, not by its rounded percentage."""

    scored_by: int
    mean: Fraction | None
    moderated: Fraction | None
    pass_mark_percent: int

    @property
    def mean_percent(self) -> Decimal | None:
        return _percent(self.mean)

    @property
    def moderated_percent(self) -> Decimal | None:
        return _percent(self.moderated)

    @property
    def standing(self) -> Fraction | None:
        """The score the round ranks it by: the moderated one once agreed, the assessors' mean until then."""
        return self.mean if self.moderated is None else self.moderated

    def reaches_pass_mark(self, share: Fraction | None) -> bool | None:
        return None if share is None else share * 100 >= self.pass_mark_percent

    @property
    def recommended(self) -> bool | None:
        """Whether the moderated score reaches the pass mark; None until it is moderated."""
        return self.reaches_pass_mark(self.moderated)


def _percent(share: Fraction | None) -> Decimal | None:
    """A share as a percentage to one decimal place, for showing only."""
    if share is None:
        return None
    return (Decimal(share.numerator * 100) / Decimal(share.denominator)).quantize(Decimal("0.1"))


def application_scores(grant_round: GrantRound) -> dict[int, ApplicationScores]:
    """Each application's scores in the round, by its key: two queries however many applications."""
    criteria = {c.pk: c for c in grant_round.criteria.all()}
    most = sum(c.weight * c.max_score for c in criteria.values())
    by_assessor: dict[int, dict[int, int]] = defaultdict(lambda: defaultdict(int))
    scored: dict[int, dict[int, int]] = defaultdict(lambda: defaultdict(int))
    for application_id, assessor_id, criterion_id, score in Score.objects.filter(
        application__grant_round=grant_round
    ).values_list("application_id", "assessor_id", "criterion_id", "score"):
        by_assessor[application_id][assessor_id] += criteria[criterion_id].weight * score
        scored[application_id][assessor_id] += 1
    # An assessor part-way through counts once they have scored every criterion, not before.
    for application_id, assessors in scored.items():
        for assessor_id, count in assessors.items():
            if count < len(criteria):
                del by_assessor[application_id][assessor_id]
    moderated: dict[int, int] = defaultdict(int)
    for application_id, criterion_id, score in ModeratedScore.objects.filter(
        application__grant_round=grant_round
    ).values_list("application_id", "criterion_id", "score"):
        moderated[application_id] += criteria[criterion_id].weight * score
    moderated_ids = set(
        grant_round.applications.filter(
            status__in=[ApplicationStatus.MODERATED, ApplicationStatus.APPROVED, ApplicationStatus.REJECTED]
        ).values_list("pk", flat=True)
    )
    scores = {}
    for application_id in grant_round.applications.values_list("pk", flat=True):
        totals = list(by_assessor[application_id].values())
        scores[application_id] = ApplicationScores(
            scored_by=len(totals),
            mean=Fraction(sum(totals), most * len(totals)) if totals and most else None,
            moderated=Fraction(moderated[application_id], most)
            if application_id in moderated_ids and most
            else None,
            pass_mark_percent=grant_round.pass_mark_percent,
        )
    return scores


def applications_of_round(grant_round: GrantRound, user: Actor) -> models.QuerySet[Application]:
    """The round's submitted applications (a draft is still the applicant's own), less any the person has
    declared a conflict with."""
    return (
        grant_round.applications.exclude(status__in=[ApplicationStatus.DRAFT, ApplicationStatus.WITHDRAWN])
        .exclude(conflicts__assessor_id=user.pk)
        .select_related("organisation")
        .order_by("title")
    )


def round_for(user: Actor, partnership: Partnership, public_id: Any) -> GrantRound:
    """A round of one of the partnership's funds: its managers and its assessors see it; others get a 404."""
    try:
        grant_round = GrantRound.objects.select_related("fund__partnership").get(
            public_id=public_id, fund__partnership=partnership
        )
    except (GrantRound.DoesNotExist, ValueError, TypeError):
        raise Http404("No such round") from None
    if not user.has_perm("grants.view_round", grant_round):
        raise Http404("No such round")
    return grant_round


# Applying: what an applicant organisation's member reads, outside any partnership


def rounds_open() -> models.QuerySet[GrantRound]:
    """Every round taking applications now, across partnerships, the soonest to close first."""
    now = timezone.now()
    return (
        GrantRound.objects.filter(opens_at__lte=now, closes_at__gt=now)
        .select_related("fund__partnership")
        .order_by("closes_at", "title")
    )


def round_for_applicants(public_id: Any) -> GrantRound:
    """A round as anyone signed in may read it once it has opened, and after it closes; not before (404)."""
    try:
        return GrantRound.objects.select_related("fund__partnership").get(
            public_id=public_id, opens_at__lte=timezone.now()
        )
    except (GrantRound.DoesNotExist, ValueError, TypeError):
        raise Http404("No such round") from None


def organisations_of_applicant(user: Actor) -> models.QuerySet[Organisation]:
    """The organisations this person applies for, by name."""
    return Organisation.objects.filter(pk__in=organisations_applying_as(user)).order_by("name")


@dataclass(frozen=True)
class PlanChoices:
    """What an application may say it serves: priorities and cross-cutting themes of current plans."""

    priorities: list[Priority]
    themes: list[CrossCuttingTheme]
    # More than one partnership's plan: each choice then names its partnership.
    several_plans: bool


def plan_choices_for(fund: Fund) -> PlanChoices:
    """The priorities and cross-cutting themes of the current plans of the partnerships the fund serves,
    by partnership and then in the plan's order."""
    plans = [plan for plan in current_plans_of(list(fund.served.all())).values() if plan is not None]
    plans.sort(key=lambda plan: plan.partnership.name)
    order = {plan.pk: position for position, plan in enumerate(plans)}
    priorities = sorted(
        priorities_of_plans([plan.pk for plan in plans]),
        key=lambda priority: (order[priority.plan_id], priority.position, priority.pk),
    )
    themes = [theme for plan in plans for theme in plan.themes.select_related("plan__partnership")]
    return PlanChoices(priorities=priorities, themes=themes, several_plans=len(plans) > 1)


def funded_projects_for_pack(
    partnership: Partnership, financial_year: int, quarter: int
) -> list[dict[str, Any]]:
    """The partnership's funded projects of a financial year, as a quarter's board pack keeps them: each
    award's money to the penny, the priorities it serves, and its report of that quarter (or that none is
    in). Plain values, for the pack's snapshot."""
    awards = list(
        Award.objects.filter(
            application__grant_round__fund__partnership=partnership,
            application__grant_round__fund__financial_year=financial_year,
            status__in=[AwardStatus.ACCEPTED, AwardStatus.FINAL_REPORT, AwardStatus.CLOSED],
        )
        .select_related("application__organisation", "application__grant_round__fund")
        .prefetch_related("application__priorities")
        .order_by("application__title")
    )
    money = award_money_of(Award.objects.filter(pk__in=[award.pk for award in awards]))
    spend_reported = set(Spend.objects.filter(award__in=awards).values_list("award_id", flat=True))
    reports = {
        report.award_id: report
        for report in ProjectReturn.objects.filter(
            award__in=awards, reporting_round__financial_year=financial_year, reporting_round__quarter=quarter
        )
    }
    projects = []
    for award in awards:
        report = reports.get(award.pk)
        projects.append(
            {
                "project": award.application.title,
                "organisation": award.application.organisation.name,
                "fund": award.application.grant_round.fund.name,
                "priorities": [priority.title for priority in award.application.priorities.all()],
                "granted_pence": money[award.pk].granted,
                "paid_pence": money[award.pk].paid,
                "spent_pence": money[award.pk].spent,
                # No spend reported is not £0.00 spent.
                "spend_reported": award.pk in spend_reported,
                "report": report.get_status_display() if report else "No report asked for this quarter",
                "progress": report.progress if report and report.status == ReturnStatus.ACCEPTED else "",
            }
        )
    return projects
