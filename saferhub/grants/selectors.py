"""Reads about funds, rounds, applications and awards, scoped to what the person may see.

A partnership's people see the funds it runs; an applicant sees only its own organisation's applications and
awards; an assessor the applications of the rounds they assess. Anything else is a 404.
"""

from collections import defaultdict
from typing import Any

from django.db import models
from django.db.models import Sum
from django.http import Http404

from saferhub.core.actors import Actor
from saferhub.grants.models import (
    ApplicantMember,
    Application,
    Award,
    Clawback,
    Fund,
    GrantRound,
    Instalment,
    ProjectReturn,
    Spend,
    Variation,
    VariationStatus,
)
from saferhub.grants.money import AwardMoney, FundMoney
from saferhub.partnerships.models import Partnership
from saferhub.reporting.models import ReturnStatus


def funds_of(partnership: Partnership) -> models.QuerySet[Fund]:
    return Fund.objects.filter(partnership=partnership)


def fund_in(partnership: Partnership, public_id: Any) -> Fund:
    try:
        return funds_of(partnership).get(public_id=public_id)
    except (Fund.DoesNotExist, ValueError, TypeError):
        raise Http404("No such fund") from None


def rounds_of(fund: Fund) -> models.QuerySet[GrantRound]:
    return fund.rounds.all()


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
    return {
        award_id: AwardMoney(
            status=status,
            offered=offered,
            varied=varied[award_id],
            paid=paid[award_id],
            spent=spent[award_id],
            clawed_back=clawed_back[award_id],
        )
        for award_id, status, offered in awards.values_list("pk", "status", "amount_pence")
    }


def award_money(award: Award) -> AwardMoney:
    return award_money_of(Award.objects.filter(pk=award.pk))[award.pk]


def fund_money(fund: Fund) -> FundMoney:
    """What the fund holds, has committed, paid, seen spent, clawed back and has left, to the penny."""
    return FundMoney(total=fund.total_pence, awards=tuple(award_money_of(awards_of(fund)).values()))


def quarter_report_accepted(award: Award, quarter: int) -> bool:
    """Whether the project's report of this quarter of its fund's year has been accepted."""
    return ProjectReturn.objects.filter(
        award=award,
        reporting_round__quarter=quarter,
        reporting_round__financial_year=award.application.grant_round.fund.financial_year,
        status=ReturnStatus.ACCEPTED,
    ).exists()
