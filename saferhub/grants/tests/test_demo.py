"""The demo's Leicester locality fund: a closed round with an application at every stage, an open round, and
money that reconciles with its records."""

import pytest
from django.core.management import call_command
from django.utils import timezone

from saferhub.grants import selectors
from saferhub.grants.models import ApplicationStatus, Fund, ProjectReturn


@pytest.fixture
def fund(db):
    call_command("load_demo", "--without-crime-data", verbosity=0)
    return Fund.objects.get(partnership__slug="leicester", name="Leicester Locality Fund")


def test_the_locality_fund_is_the_seeds_239000_pounds(fund):
    assert fund.total_pence == 23_900_000
    assert fund.accountable_body == "Leicester City Council"


def test_the_closed_round_has_an_application_at_every_stage_and_the_open_round_takes_more(fund):
    closed, open_round = fund.rounds.order_by("closes_at")
    assert closed.closes_at <= timezone.now() < open_round.closes_at
    assert sorted(closed.applications.values_list("status", flat=True)) == sorted(
        [ApplicationStatus.APPROVED, ApplicationStatus.REJECTED, ApplicationStatus.ELIGIBLE]
    )
    funded = closed.applications.get(status=ApplicationStatus.APPROVED)
    assert funded.conflicts.count() == 1 and funded.scores.values("assessor").distinct().count() == 2
    assert list(open_round.applications.values_list("status", flat=True)) == [ApplicationStatus.DRAFT]


def test_the_funded_project_has_two_quarters_reported_and_its_money_reconciles(fund):
    reports = ProjectReturn.objects.filter(award__application__grant_round__fund=fund)
    assert sorted(r.reporting_round.quarter for r in reports) == [1, 2]
    money = selectors.fund_money(fund)
    # £16,000 awarded and paid in two halves; two quarters of spend, each a quarter of the award.
    assert (money.committed, money.paid, money.spent) == (1_600_000, 1_600_000, 800_000)
    assert money.remaining == 23_900_000 - 1_600_000


def test_loading_the_demo_again_changes_nothing(fund):
    before = (fund.rounds.count(), selectors.fund_money(fund))
    call_command("load_demo", "--without-crime-data", verbosity=0)
    assert (fund.rounds.count(), selectors.fund_money(fund)) == before
