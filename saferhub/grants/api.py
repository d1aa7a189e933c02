"""Funds and their money in the JSON API, read as the funding pages show them: everyone who can see the
partnership sees its funds, their totals to the penny, and their rounds."""

import datetime as dt
from typing import Any
from uuid import UUID

from django.http import HttpRequest
from ninja import Field, Router, Schema

from saferhub.core.api_schemas import PartnershipSlug, answers
from saferhub.grants import selectors
from saferhub.grants.models import Fund
from saferhub.partnerships.selectors import partnership_for

router = Router(tags=["funding"])


class FundOut(Schema):
    id: UUID
    name: str
    funder: str
    accountable_body: str
    financial_year: int = Field(description="The year the financial year starts: 2026 for 2026/27")
    total_pence: int
    committed_pence: int = Field(description="Held by awards: as offered and varied, less claw-backs")
    paid_pence: int
    spent_pence: int = Field(description="Spent, as the projects' accepted reports say")
    clawed_back_pence: int
    remaining_pence: int = Field(description="Left to offer: the total less what is committed")


class RoundOut(Schema):
    id: UUID
    title: str
    opens_at: dt.datetime
    closes_at: dt.datetime
    max_award_pence: int
    pass_mark_percent: int


class FundDetailOut(FundOut):
    rounds: list[RoundOut]


def _fund_out(fund: Fund) -> dict[str, Any]:
    money = selectors.fund_money(fund)
    return {
        "id": fund.public_id,
        "name": fund.name,
        "funder": fund.funder,
        "accountable_body": fund.accountable_body,
        "financial_year": fund.financial_year,
        "total_pence": money.total,
        "committed_pence": money.committed,
        "paid_pence": money.paid,
        "spent_pence": money.spent,
        "clawed_back_pence": money.clawed_back,
        "remaining_pence": money.remaining,
    }


@router.get("/partnerships/{slug}/funds", response=answers(list[FundOut], 404, 422))
def fund_list(request: HttpRequest, slug: PartnershipSlug) -> list[dict[str, Any]]:
    """The partnership's funds with their money, in whole pence."""
    return [_fund_out(fund) for fund in selectors.funds_of(partnership_for(request.user, slug))]


@router.get("/partnerships/{slug}/funds/{fund_id}", response=answers(FundDetailOut, 404, 422))
def fund_detail(request: HttpRequest, slug: PartnershipSlug, fund_id: UUID) -> dict[str, Any]:
    """A fund with its money and its rounds."""
    fund = selectors.fund_in(partnership_for(request.user, slug), fund_id)
    return {
        **_fund_out(fund),
        "rounds": [
            {
                "id": r.public_id,
                "title": r.title,
                "opens_at": r.opens_at,
                "closes_at": r.closes_at,
                "max_award_pence": r.max_award_pence,
                "pass_mark_percent": r.pass_mark_percent,
            }
            for r in selectors.rounds_of(fund)
        ],
    }
