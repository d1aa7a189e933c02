"""The performance pages and the board pack read a fixed number of queries however many priorities and
measures a plan has (no query per priority or measure): counted, not timed."""

import datetime as dt
from decimal import Decimal

from django.db import connection
from django.test.utils import CaptureQueriesContext

from saferhub.partnerships.tests.factories import MembershipFactory
from saferhub.performance import services
from saferhub.performance.tests.factories import ManualMeasureFactory
from saferhub.plans.tests.factories import DeliverableFactory, PlanFactory, PriorityFactory
from tests.helpers import queries_for


def add_priorities_with_measures(world, count):
    manager = world.people["partnership_manager"]
    county_priority = world.county.plans.get().priorities.get()
    for number in range(count):
        priority = PriorityFactory(plan=world.records["a"]["plan"], title=f"Priority {number}")
        priority.aligned_to.add(county_priority)
        DeliverableFactory(priority=priority, text=f"Deliverable {number}")
        for _ in range(2):
            measure = ManualMeasureFactory(priority=priority)
            services.measure_value_record(
                actor=manager,
                measure=measure,
                period="2025/26 Q1",
                period_end=dt.date(2025, 6, 30),
                value=Decimal(number),
            )


def snapshot_queries(reporting_round):
    with CaptureQueriesContext(connection) as context:
        services.board_pack_snapshot(reporting_round, today=dt.date(2025, 11, 1))
    return len(context.captured_queries)


def test_the_performance_pages_and_the_pack_query_the_same_however_many_priorities(client, world):
    manager = world.people["partnership_manager"]
    MembershipFactory(user=manager, partnership=world.county, role="partnership_manager")
    PriorityFactory(plan=PlanFactory(partnership=world.county), title="Serious violence")
    add_priorities_with_measures(world, 1)
    reporting_round, _ = services.reporting_round_open(
        actor=manager, partnership=world.a, financial_year=2025, quarter=2, due_on=dt.date(2025, 10, 31)
    )
    client.force_login(manager)
    urls = ["/p/alpha/performance/", "/p/county/performance/county/"]
    before = [queries_for(client, url) for url in urls], snapshot_queries(reporting_round)
    add_priorities_with_measures(world, 6)
    assert ([queries_for(client, url) for url in urls], snapshot_queries(reporting_round)) == before


def open_round_with_measures(world):
    """A quarter's returns opened for seven priorities, two manual measures each (the theme lead's four)."""
    manager = world.people["partnership_manager"]
    PriorityFactory(plan=PlanFactory(partnership=world.county), title="Serious violence")
    add_priorities_with_measures(world, 6)
    lead_priority = world.records["a"]["priority"]
    for number in range(4):
        measure = ManualMeasureFactory(priority=lead_priority, title=f"Lead measure {number}")
        services.measure_value_record(
            actor=manager,
            measure=measure,
            period="2025/26 Q1",
            period_end=dt.date(2025, 6, 30),
            value=Decimal(number),
        )
    _, returns = services.reporting_round_open(
        actor=manager, partnership=world.a, financial_year=2025, quarter=2, due_on=dt.date(2025, 10, 31)
    )
    return next(r for r in returns if r.priority_id == lead_priority.pk)


def test_the_performance_page_reads_a_fixed_number_of_queries(client, world, django_assert_max_num_queries):
    open_round_with_measures(world)
    for person, queries in (("partnership_manager", 15), ("theme_lead", 14)):
        client.force_login(world.people[person])
        client.get("/p/alpha/performance/")  # once first: caches (content types, the session) fill
        # Guards against N+1: a query per priority, measure, figure, return or permission check would pass
        # this at once (seven priorities, sixteen measures with their figures, and their returns).
        with django_assert_max_num_queries(queries):
            response = client.get("/p/alpha/performance/")
        assert response.status_code == 200
        assert "Lead measure 3" in response.text


def test_a_quarterly_return_reads_a_fixed_number_of_queries(client, world, django_assert_max_num_queries):
    quarterly_return = open_round_with_measures(world)
    client.force_login(world.people["theme_lead"])
    url = f"/p/alpha/performance/returns/{quarterly_return.public_id}/"
    client.get(url)  # once first: caches (content types, the session) fill on the first request
    # Guards against N+1: a query per measure (its partnership, its figures), deliverable, theme or step
    # would pass this at once. The session, the person, their memberships, the partnerships beneath, the
    # partnership, the return (with its round, priority, plan and partnership), the record of viewing it,
    # the RAG rule, the measures and their figures, the deliverables, the themes and the steps.
    with django_assert_max_num_queries(13):
        response = client.get(url)
    assert response.status_code == 200
    assert "Business Crime" in response.text and "Performance measures" in response.text
