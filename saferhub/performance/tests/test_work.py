"""A theme lead's quarterly returns, and the returns waiting for a manager's decision, on "My work"."""

import datetime as dt

from saferhub.partnerships.tests.factories import UserFactory
from saferhub.performance.models import QuarterlyReturn
from saferhub.performance.tests.factories import RoundFactory
from saferhub.performance.work import work_for
from saferhub.reporting.models import ReturnStatus

TODAY = dt.date(2025, 11, 3)


def _return(world, status=ReturnStatus.DRAFT, key="a"):
    reporting_round = RoundFactory(partnership=getattr(world, key), due_on=dt.date(2025, 10, 31))
    return QuarterlyReturn.objects.create(
        reporting_round=reporting_round, priority=world.records[key]["priority"], status=status
    )


def test_a_lead_is_asked_for_their_return_by_the_rounds_due_date(world):
    quarterly_return = _return(world)

    (item,) = work_for(world.people["theme_lead"], TODAY)

    assert item.label == "Send your 2025/26 Q2 return for Business Crime"
    assert item.url == f"/p/alpha/performance/returns/{quarterly_return.public_id}/"
    assert item.due_on == dt.date(2025, 10, 31)
    assert item.days_left(TODAY) == -3
    assert item.detail == "Draft"


def test_a_return_sent_back_is_asked_for_again(world):
    _return(world, ReturnStatus.RETURNED)

    (item,) = work_for(world.people["theme_lead"], TODAY)

    assert item.detail == "Returned for changes"


def test_a_submitted_return_is_the_managers_to_decide_not_the_leads(world):
    quarterly_return = _return(world, ReturnStatus.SUBMITTED)

    assert work_for(world.people["theme_lead"], TODAY) == []
    (item,) = work_for(world.people["partnership_manager"], TODAY)
    assert item.label == "Decide the 2025/26 Q2 return for Business Crime"
    assert item.url == f"/p/alpha/performance/returns/{quarterly_return.public_id}/"
    assert item.due_on is None


def test_accepted_returns_and_other_partnerships_returns_are_nobodys_work(world):
    _return(world, ReturnStatus.ACCEPTED)
    _return(world, ReturnStatus.SUBMITTED, key="b")

    for who in ("theme_lead", "partnership_manager", "analyst"):
        assert work_for(world.people[who], TODAY) == []


def test_a_lead_who_no_longer_works_in_the_partnership_is_not_asked(world):
    """Their return's page is a 404 to them (reporting/selectors), so the list does not send them there."""
    priority = world.records["a"]["priority"]
    priority.lead_user = UserFactory()
    priority.save()
    _return(world)

    assert work_for(priority.lead_user, TODAY) == []
