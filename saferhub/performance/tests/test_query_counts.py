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
from saferhub.plans.tests.test_query_counts import queries_for


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
