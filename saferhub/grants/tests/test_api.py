"""Funds in the JSON API: the same figures as the pages, to the penny, scoped the same way."""

import pytest

from saferhub.grants import services
from saferhub.grants.tests.conftest import application_complete
from saferhub.grants.tests.factories import FundFactory
from saferhub.grants.tests.test_lifecycle import approved


@pytest.fixture
def offered(funding, world, manager):
    award = services.award_offer(
        actor=manager,
        application=approved(funding, world, manager),
        amount_pence=1_000_001,
        instalments=[(1_000_001, None)],
    )
    services.award_respond(actor=funding.applicant, award=award, accept=True)
    return funding.grant_round.fund


def test_a_funds_money_in_whole_pence(offered, api_as):
    fund = offered
    body = api_as("board_member")(f"/partnerships/alpha/funds/{fund.public_id}").json()
    total = fund.total_pence
    assert (body["total_pence"], body["committed_pence"], body["remaining_pence"]) == (
        total,
        1_000_001,
        total - 1_000_001,
    )
    assert body["paid_pence"] == 0 and body["spent_pence"] == 0
    assert [r["title"] for r in body["rounds"]] == [fund.rounds.get().title]


def test_the_list_has_the_partnerships_funds_only(world, api_as):
    FundFactory(partnership=world.a, name="Alpha fund")
    FundFactory(partnership=world.b, name="Beta fund")
    names = [f["name"] for f in api_as("analyst")("/partnerships/alpha/funds").json()]
    assert names == ["Alpha fund"]


def test_another_partnerships_fund_is_404_under_either_slug(world, api_as):
    beta = FundFactory(partnership=world.b)
    read = api_as("partnership_manager")
    assert read(f"/partnerships/alpha/funds/{beta.public_id}").status_code == 404
    assert read(f"/partnerships/beta/funds/{beta.public_id}").status_code == 404


def test_an_application_in_progress_commits_nothing(funding, world, api_as):
    application_complete(funding, world)
    body = api_as("board_member")(f"/partnerships/alpha/funds/{funding.grant_round.fund.public_id}").json()
    assert body["committed_pence"] == 0 and body["remaining_pence"] == body["total_pence"]
