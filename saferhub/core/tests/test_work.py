"""The "My work" list: every app's items gathered through the registry, in order, and the home page
showing them under their headings, then the person's partnerships."""

import datetime as dt
import re

import time_machine

from saferhub.core import registry
from saferhub.core.registry import WorkItem, work_by_heading, work_items
from saferhub.performance.models import QuarterlyReturn
from saferhub.performance.tests.factories import RoundFactory
from tests.helpers import queries_for

TODAY = dt.date(2026, 3, 10)


def _on(day: int, label: str, section: str = "Actions") -> WorkItem:
    return WorkItem(section=section, label=label, url="/", due_on=dt.date(2026, 3, day), partnership="Alpha")


def first_app_work(user, today):
    return [WorkItem(section="Cases", label="No date", url="/"), _on(20, "Later"), _on(9, "Overdue by one")]


def second_app_work(user, today):
    return [_on(12, "Soon"), _on(2, "Overdue by eight"), _on(10, "Today")]


def _two_apps(monkeypatch):
    monkeypatch.setattr(
        registry,
        "work_providers",
        lambda: [f"{__name__}.first_app_work", f"{__name__}.second_app_work"],
    )


def test_every_apps_work_is_gathered_overdue_first_then_by_due_date_then_undated(monkeypatch):
    _two_apps(monkeypatch)

    assert [item.label for item in work_items(None, TODAY)] == [
        "Overdue by eight",
        "Overdue by one",
        "Today",
        "Soon",
        "Later",
        "No date",
    ]


def test_work_falls_under_headings_by_how_soon_it_is_due(monkeypatch):
    _two_apps(monkeypatch)

    assert [(heading, [item.label for item in items]) for heading, items in work_by_heading(None, TODAY)] == [
        ("Overdue", ["Overdue by eight", "Overdue by one"]),
        ("Due in the next 7 days", ["Today", "Soon"]),
        ("Due later", ["Later"]),
        ("No due date", ["No date"]),
    ]


def test_every_declared_provider_exists_and_is_called(world):
    """The apps' declarations name functions that exist; nobody's work is empty in every app."""
    assert set(registry.work_providers()) >= {
        "saferhub.partnerships.work.work_for",
        "saferhub.performance.work.work_for",
        "saferhub.grants.work.work_for",
        "saferhub.asb.work.work_for",
    }
    assert work_items(world.people["nobody"], TODAY) == []


# The page


def _theme_leads_work(world, actions=1):
    group = world.records["a"]["group"]
    lead = world.people["theme_lead"]
    for number in range(actions):
        group.actions.create(
            description=f"Walk the town centre {number}", owner=lead, due_on=dt.date(2026, 3, 7)
        )
    group.actions.create(description="Write to the licensing committee", owner=lead)
    reporting_round = RoundFactory(partnership=world.a, due_on=dt.date(2026, 3, 15))
    return QuarterlyReturn.objects.create(
        reporting_round=reporting_round, priority=world.records["a"]["priority"]
    )


def _text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def test_the_home_page_lists_my_work_under_headings_with_links_and_due_dates(world, sign_in):
    quarterly_return = _theme_leads_work(world)
    group = world.records["a"]["group"]

    with time_machine.travel(dt.datetime(2026, 3, 10, 9, 0, tzinfo=dt.UTC), tick=False):
        page = sign_in("theme_lead").get("/").content.decode()

    text = _text(page)
    assert '<h1 class="govuk-heading-l">My work</h1>' in page
    assert (
        text.index("Overdue 1 item") < text.index("Walk the town centre 0") < text.index("Overdue by 3 days")
    )
    assert text.index("Overdue by 3 days") < text.index("Due in the next 7 days 1 item")
    assert text.index("Due in the next 7 days") < text.index("Send your 2025/26 Q2 return for Business Crime")
    assert "Due 15 March 2026" in text
    assert text.index("No due date 1 item") < text.index("Write to the licensing committee")
    assert text.index("Write to the licensing committee") < text.index("Where you have a role")
    assert f'href="/p/alpha/groups/{group.public_id}/"' in page
    assert f'href="/p/alpha/performance/returns/{quarterly_return.public_id}/"' in page
    assert "Alpha Community Safety Partnership, Actions: Executive Board: open" in text
    assert "Nothing needs you today" not in text


def test_an_item_due_today_or_tomorrow_says_so(world, sign_in):
    lead = world.people["theme_lead"]
    group = world.records["a"]["group"]
    group.actions.create(description="Action due today", owner=lead, due_on=dt.date(2026, 3, 10))
    group.actions.create(description="Action due tomorrow", owner=lead, due_on=dt.date(2026, 3, 11))
    group.actions.create(description="Action due yesterday", owner=lead, due_on=dt.date(2026, 3, 9))

    with time_machine.travel(dt.datetime(2026, 3, 10, 9, 0, tzinfo=dt.UTC), tick=False):
        text = _text(sign_in("theme_lead").get("/").content.decode())

    assert (
        "Action due today Alpha Community Safety Partnership, Actions: Executive Board: open Due today"
        in text
    )
    assert "Due tomorrow" in text
    assert "Overdue by 1 day " in text


def test_with_nothing_to_do_the_page_says_so_plainly_then_lists_the_partnerships(world, sign_in):
    text = _text(sign_in("analyst").get("/").content.decode())

    assert "My work Nothing needs you today." in text
    assert "Overdue" not in text
    assert text.index("Nothing needs you today") < text.index("Where you have a role")


def test_the_page_reads_as_many_queries_for_one_item_as_for_many(world, client):
    client.force_login(world.people["theme_lead"])
    _theme_leads_work(world, actions=1)
    few = queries_for(client, "/")
    group = world.records["a"]["group"]
    for number in range(25):
        group.actions.create(description=f"More {number}", owner=world.people["theme_lead"])
    assert queries_for(client, "/") == few
    assert few <= 20
