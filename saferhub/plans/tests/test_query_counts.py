"""The plan pages read a fixed number of queries however many priorities, deliverables and alignments a plan
has (no query per priority): counted, not timed."""

from saferhub.plans.tests.factories import DeliverableFactory, PlanFactory, PriorityFactory
from tests.helpers import queries_for


def add_priorities(world, plan, count):
    county_priority = world.county.plans.get().priorities.get()
    for number in range(count):
        priority = PriorityFactory(
            plan=plan,
            title=f"Priority {number}",
            lead_user=world.people["analyst"],
            lead_organisation=world.records["a"]["priority"].lead_organisation,
        )
        priority.aligned_to.add(county_priority)
        for line in range(3):
            DeliverableFactory(priority=priority, text=f"Deliverable {number}.{line}")


def test_the_plan_pages_query_the_same_however_many_priorities(client, world):
    plan, priority = world.records["a"]["plan"], world.records["a"]["priority"]
    # Supporting a county priority: its plan and partnership are read once, for every priority together.
    priority.aligned_to.add(PriorityFactory(plan=PlanFactory(partnership=world.county), title="Violence"))
    client.force_login(world.people["partnership_manager"])
    urls = [
        f"/p/alpha/plans/{plan.public_id}/",
        f"/p/alpha/plans/{plan.public_id}/print/",
        f"/p/alpha/plans/{plan.public_id}/priorities/{priority.public_id}/",
        "/p/alpha/plans/",
    ]
    before = [queries_for(client, url) for url in urls]
    add_priorities(world, plan, 8)
    assert [queries_for(client, url) for url in urls] == before


def test_the_plan_page_reads_a_fixed_number_of_queries(client, world, django_assert_max_num_queries):
    plan = world.records["a"]["plan"]
    PriorityFactory(plan=PlanFactory(partnership=world.county), title="Violence")
    add_priorities(world, plan, 8)
    client.force_login(world.people["partnership_manager"])
    url = f"/p/alpha/plans/{plan.public_id}/"
    client.get(url)  # once first: caches (content types, the session) fill on the first request
    # Guards against N+1: a query per priority, deliverable, alignment or permission check would pass this
    # at once. The session, the person, their memberships, the partnerships beneath, the partnership, the
    # plan, the record of viewing it, a later plan, the priorities, their deliverables, what they support
    # (with its plan and partnership), the themes and the revisions.
    with django_assert_max_num_queries(13):
        response = client.get(url)
    assert response.status_code == 200
    assert "Priority 7" in response.text and "Deliverable 7.2" in response.text
