"""The actions a person owns on "My work": open ones, in partnerships they can see, with their due dates."""

import datetime as dt

from saferhub.partnerships.models import ActionStatus
from saferhub.partnerships.work import work_for

TODAY = dt.date(2026, 3, 10)


def _action(world, key="a", **values):
    return world.records[key]["group"].actions.create(
        description="Walk the town centre with the police", **values
    )


def test_an_action_you_own_is_listed_with_its_due_date_and_group(world):
    owner = world.people["theme_lead"]
    action = _action(world, owner=owner, due_on=dt.date(2026, 3, 7))

    (item,) = work_for(owner, TODAY)

    assert item.label == "Walk the town centre with the police"
    assert item.url == f"/p/alpha/groups/{action.group.public_id}/"
    assert item.due_on == dt.date(2026, 3, 7)
    assert item.days_left(TODAY) == -3
    assert item.partnership == "Alpha Community Safety Partnership"
    assert item.detail == "Executive Board: open"


def test_actions_not_yet_due_in_progress_or_undated_are_listed(world):
    owner = world.people["theme_lead"]
    _action(world, owner=owner, due_on=dt.date(2026, 3, 20), status=ActionStatus.IN_PROGRESS)
    _action(world, owner=owner)

    assert sorted((item.due_on is None, item.detail) for item in work_for(owner, TODAY)) == [
        (False, "Executive Board: in progress"),
        (True, "Executive Board: open"),
    ]


def test_finished_actions_and_other_peoples_are_not_listed(world):
    owner = world.people["theme_lead"]
    _action(world, owner=owner, due_on=dt.date(2026, 3, 1), status=ActionStatus.DONE)
    _action(world, owner=owner, due_on=dt.date(2026, 3, 1), status=ActionStatus.CLOSED)
    _action(world, owner=world.people["analyst"], due_on=dt.date(2026, 3, 1))

    assert work_for(owner, TODAY) == []


def test_an_action_in_a_partnership_you_cannot_see_is_not_listed(world):
    """Still named as its owner after leaving: the action log is that partnership's business now."""
    owner = world.people["theme_lead"]
    _action(world, "b", owner=owner, due_on=dt.date(2026, 3, 1))

    assert work_for(owner, TODAY) == []


def test_no_actions_no_items(world):
    assert work_for(world.people["nobody"], TODAY) == []
