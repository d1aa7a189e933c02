"""Plan services: each change is saved, audited once, and kept in the record's history."""

import datetime as dt

from saferhub.audit.models import AuditEvent
from saferhub.plans import services
from saferhub.plans.models import Deliverable, Plan
from saferhub.plans.tests.factories import PlanFactory, PriorityFactory
from tests.helpers import assert_event, last_event_id, the_one_new_event


def test_plan_create_saves_and_audits(world, manager):
    before = last_event_id()
    plan = services.plan_create(
        actor=manager,
        partnership=world.a,
        title="Alpha Plan 2026–2029",
        period_start=dt.date(2026, 4, 1),
        period_end=dt.date(2029, 3, 31),
        is_current=False,
        vision="Safe streets",
    )
    plan.refresh_from_db()
    assert (plan.partnership, plan.vision, plan.is_current) == (world.a, "Safe streets", False)
    assert plan.period_label == "April 2026 – March 2029"
    assert_event(the_one_new_event(before), verb="created", actor=manager, partnership=world.a, target=plan)
    assert plan.history.count() == 1


def test_creating_a_current_plan_leaves_one_current_plan(world, manager):
    services.plan_create(
        actor=manager,
        partnership=world.a,
        title="Alpha Plan 2026–2029",
        period_start=dt.date(2026, 4, 1),
        period_end=dt.date(2029, 3, 31),
    )
    assert Plan.objects.filter(partnership=world.a, is_current=True).count() == 1


def test_plan_update_records_the_changed_fields_and_history(manager, plan):
    before = last_event_id()
    changed = services.plan_update(
        actor=manager, plan=plan, values={"title": plan.title, "vision": "A city where everyone is safe"}
    )
    assert changed == ["vision"]
    plan.refresh_from_db()
    assert plan.vision == "A city where everyone is safe"
    assert_event(
        the_one_new_event(before),
        verb="updated",
        actor=manager,
        partnership=plan.partnership,
        target=plan,
        context={"fields": ["vision"]},
    )
    versions = list(plan.history.order_by("history_date", "history_id"))
    assert [v.vision for v in versions] == ["A safer city for everyone.", "A city where everyone is safe"]


def test_plan_update_with_nothing_changed_writes_nothing(manager, plan):
    before, history_before = last_event_id(), plan.history.count()
    assert services.plan_update(actor=manager, plan=plan, values={"title": plan.title}) == []
    assert last_event_id() == before
    assert plan.history.count() == history_before


def test_plan_revise_records_a_revision_and_audits_it(manager, plan):
    before = last_event_id()
    revision = services.plan_revise(
        actor=manager, plan=plan, label="Revised April 2025", revised_on=dt.date(2025, 4, 1), summary="Fewer"
    )
    assert list(plan.revisions.all()) == [revision]
    assert revision.recorded_by == manager
    assert_event(
        the_one_new_event(before),
        verb="created",
        actor=manager,
        partnership=plan.partnership,
        target=revision,
        context={"label": "Revised April 2025"},
    )


def test_plan_make_current_leaves_one_current_plan(world, manager, plan):
    older = PlanFactory(partnership=world.a, title="Alpha Plan 2020–2023", is_current=False)
    before = last_event_id()
    services.plan_make_current(actor=manager, plan=older)
    assert list(Plan.objects.filter(partnership=world.a, is_current=True)) == [older]
    demoted, promoted = AuditEvent.objects.filter(id__gt=before).order_by("id")
    assert_event(
        demoted,
        verb="updated",
        actor=manager,
        partnership=world.a,
        target=plan,
        context={"fields": ["is_current"]},
    )
    assert_event(
        promoted,
        verb="updated",
        actor=manager,
        partnership=world.a,
        target=older,
        context={"fields": ["is_current"]},
    )
    assert older.history.first().is_current is True


def test_plan_make_current_leaves_other_partnerships_alone(world, manager):
    older = PlanFactory(partnership=world.a, title="Alpha Plan 2020–2023", is_current=False)
    services.plan_make_current(actor=manager, plan=older)
    assert Plan.objects.get(pk=world.records["b"]["plan"].pk).is_current is True


def test_the_plan_that_stops_being_current_keeps_the_change_in_its_history(world, manager, plan):
    older = PlanFactory(partnership=world.a, title="Alpha Plan 2020–2023", is_current=False)
    services.plan_make_current(actor=manager, plan=older)
    assert plan.history.first().is_current is False


def test_plan_make_current_on_the_current_plan_changes_nothing(world, manager, plan):
    before = last_event_id()
    services.plan_make_current(actor=manager, plan=plan)
    assert Plan.objects.get(pk=plan.pk).is_current is True
    assert last_event_id() == before


def test_theme_create_puts_it_last_and_audits(manager, plan):
    before = last_event_id()
    theme = services.theme_create(actor=manager, plan=plan, title="Prevent", description="Stop extremism")
    assert [t.title for t in plan.themes.all()] == ["Domestic Abuse", "Prevent"]
    assert theme.position == 2
    assert_event(
        the_one_new_event(before), verb="created", actor=manager, partnership=plan.partnership, target=theme
    )


def test_theme_update_records_the_changed_fields(world, manager):
    theme = world.records["a"]["theme"]
    before = last_event_id()
    changed = services.theme_update(
        actor=manager, theme=theme, values={"title": theme.title, "description": "Every priority"}
    )
    assert changed == ["description"]
    assert_event(
        the_one_new_event(before),
        verb="updated",
        actor=manager,
        partnership=world.a,
        target=theme,
        context={"fields": ["description"]},
    )
    assert theme.history.first().description == "Every priority"


def test_priority_create_with_deliverables_in_order_and_alignment(world, manager, plan):
    county_priority = PriorityFactory(plan=PlanFactory(partnership=world.county), title="County Violence")
    before = last_event_id()
    priority = services.priority_create(
        actor=manager,
        plan=plan,
        title="Violent Crime",
        lead_user=world.people["analyst"],
        deliverables=["Fewer robberies", "Safe night-time economy"],
        aligned_to=[county_priority],
    )
    assert [d.text for d in priority.deliverables.all()] == ["Fewer robberies", "Safe night-time economy"]
    assert list(priority.aligned_to.all()) == [county_priority]
    assert list(county_priority.supported_by.all()) == [priority]
    assert [p.title for p in plan.priorities.all()] == ["Business Crime", "Violent Crime"]
    assert_event(
        the_one_new_event(before), verb="created", actor=manager, partnership=world.a, target=priority
    )
    assert priority.history.count() == 1


def test_priority_update_replaces_deliverables_in_order_keeping_unchanged_ones(manager, priority):
    services.priority_update(actor=manager, priority=priority, values={}, deliverables=["A", "B", "C"])
    ids = {d.text: d.id for d in priority.deliverables.all()}
    before = last_event_id()
    changed = services.priority_update(
        actor=manager, priority=priority, values={}, deliverables=["C", "A", "D"]
    )
    assert changed == ["deliverables"]
    after = list(priority.deliverables.all())
    assert [d.text for d in after] == ["C", "A", "D"]
    assert (after[0].id, after[1].id) == (ids["C"], ids["A"])
    assert after[2].id not in ids.values()
    assert not Deliverable.objects.filter(id=ids["B"]).exists()
    assert_event(
        the_one_new_event(before),
        verb="updated",
        actor=manager,
        partnership=priority.plan.partnership,
        target=priority,
        context={"fields": ["deliverables"]},
    )


def test_priority_update_of_fields_and_alignment_is_one_event_and_one_version(world, manager, priority):
    county_priority = PriorityFactory(plan=PlanFactory(partnership=world.county), title="County Violence")
    versions_before = priority.history.count()
    before = last_event_id()
    changed = services.priority_update(
        actor=manager,
        priority=priority,
        values={"title": "Retail Crime", "lead_user": world.people["theme_lead"]},
        deliverables=["Target repeat shoplifting offenders"],
        aligned_to=[county_priority],
    )
    assert changed == ["title", "aligned_to"]
    priority.refresh_from_db()
    assert priority.title == "Retail Crime"
    assert list(priority.aligned_to.all()) == [county_priority]
    assert_event(
        the_one_new_event(before),
        verb="updated",
        actor=manager,
        partnership=world.a,
        target=priority,
        context={"fields": ["title", "aligned_to"]},
    )
    assert priority.history.count() == versions_before + 1
    assert priority.history.first().title == "Retail Crime"


def test_priority_update_with_nothing_changed_writes_nothing(manager, priority):
    before, versions_before = last_event_id(), priority.history.count()
    changed = services.priority_update(
        actor=manager,
        priority=priority,
        values={"title": priority.title},
        deliverables=[d.text for d in priority.deliverables.all()],
        aligned_to=[],
    )
    assert changed == []
    assert last_event_id() == before
    assert priority.history.count() == versions_before


def test_deliverable_history_is_kept(manager, priority):
    kept = priority.deliverables.get()
    services.priority_update(
        actor=manager, priority=priority, values={}, deliverables=["New first", kept.text]
    )
    kept.refresh_from_db()
    assert kept.position == 2
    assert [v.position for v in kept.history.order_by("history_date", "history_id")][-1] == 2
