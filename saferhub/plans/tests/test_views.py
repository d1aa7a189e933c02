"""The plan pages as people use them: reading, printing, editing, revising, priorities and who may do what."""

import datetime as dt

import pytest
import time_machine
from django.test import Client
from markupsafe import escape

from saferhub.accounts.services import api_token_create
from saferhub.audit.models import AuditEvent
from saferhub.plans.models import Plan, PlanRevision, Priority
from saferhub.plans.tests.factories import DeliverableFactory, PlanFactory, PriorityFactory

SCRIPT = "<script>alert(1)</script>"
DURING_THE_PLAN = dt.datetime(2025, 6, 2, 9, tzinfo=dt.UTC)  # the world's plan runs April 2023 – March 2026


@pytest.fixture
def other_priority(plan):
    """A priority of alpha's plan that the theme lead does not lead."""
    other = PriorityFactory(plan=plan, title="Violent Crime", position=2)
    DeliverableFactory(priority=other, text="Fewer robberies")
    return other


@pytest.fixture
def county_priority(world):
    county_plan = PlanFactory(partnership=world.county, title="County Strategy 2023–2026")
    return PriorityFactory(plan=county_plan, title="Reducing Serious Violence")


def plan_url(plan, slug="alpha"):
    return f"/p/{slug}/plans/{plan.public_id}/"


def priority_url(priority, slug="alpha"):
    return plan_url(priority.plan, slug) + f"priorities/{priority.public_id}/"


def plan_form(plan, **changes):
    data = {
        "title": plan.title,
        "period_start": plan.period_start.isoformat(),
        "period_end": plan.period_end.isoformat(),
        "foreword": plan.foreword,
        "vision": plan.vision,
        "statutory_duties": plan.statutory_duties,
        "partnership_expectations": plan.partnership_expectations,
        "deliverables_label": plan.deliverables_label,
    }
    return {**data, **changes}


def refusals_of(user):
    return AuditEvent.objects.filter(verb="refused", actor=user)


# Reading


def test_plan_list_shows_current_and_previous_plans(world, plan, sign_in):
    PlanFactory(partnership=world.a, title="Alpha Plan 2020–2023", is_current=False)
    with time_machine.travel(DURING_THE_PLAN, tick=False):
        page = sign_in("board_member").get("/p/alpha/plans/").content.decode()
    assert plan.title in page
    assert "Alpha Plan 2020–2023" in page
    assert "April 2023 – March 2026" in page
    assert "Current" in page
    assert "Previous" in page
    assert world.records["b"]["plan"].title not in page


def test_plan_page_shows_its_priorities_and_audits_the_view(world, plan, sign_in):
    response = sign_in("partnership_manager").get(plan_url(plan))
    assert response.status_code == 200
    page = response.content.decode()
    assert "Business Crime" in page
    assert "Target repeat shoplifting offenders" in page
    assert "Domestic Abuse" in page
    event = AuditEvent.objects.get(verb="viewed")
    assert (event.actor, event.partnership, event.target_id) == (
        world.people["partnership_manager"],
        world.a,
        str(plan.public_id),
    )


def test_a_current_plan_past_its_end_says_it_has_ended_and_prompts_its_managers_for_the_next(
    client, world, sign_in
):
    """North West Leicestershire's 2020–2023 plan, still its latest, seen in 2026."""
    ended = PlanFactory(
        partnership=world.a,
        title="Community Safety Partnership Plan 2020–2023",
        period_start=dt.date(2020, 4, 1),
        period_end=dt.date(2023, 3, 31),
    )
    Plan.objects.filter(pk=world.records["a"]["plan"].pk).update(  # the plan before it
        is_current=False, period_start=dt.date(2017, 4, 1), period_end=dt.date(2020, 3, 31)
    )
    with time_machine.travel(dt.datetime(2026, 12, 1, 9, tzinfo=dt.UTC), tick=False):
        manager_list = sign_in("partnership_manager").get("/p/alpha/plans/").content.decode()
        manager_plan = client.get(plan_url(ended)).content.decode()
        board_plan = sign_in("board_member").get(plan_url(ended)).content.decode()
    assert "Ended" in manager_list
    assert "govuk-tag--green" not in manager_list  # the "Current" tag
    for page in (manager_list, manager_plan):
        assert "This plan has ended" in page
        assert "Community Safety Partnership Plan 2020–2023 ended on 31 March 2023" in page
        assert 'href="/p/alpha/plans/new/"' in page
        assert f'href="{plan_url(ended)}revise/"' in page
    assert "Current plan" not in manager_plan
    assert "Ended on 31 March 2023. The partnership has no later plan yet." in board_plan
    assert "This plan has ended" not in board_plan  # the prompt is for those who can start the next


@pytest.fixture
def ended_plan_and_drafted_successor(world):
    """The 2020–2023 plan is still current; its successor (the world's 2023–2026 plan) is drafted."""
    ended = PlanFactory(
        partnership=world.a,
        title="Community Safety Partnership Plan 2020–2023",
        period_start=dt.date(2020, 4, 1),
        period_end=dt.date(2023, 3, 31),
    )
    successor = world.records["a"]["plan"]
    Plan.objects.filter(pk=successor.pk).update(is_current=False)
    return ended, successor


AFTER_THE_END = dt.datetime(2023, 6, 1, 9, tzinfo=dt.UTC)


def test_an_ended_plan_with_a_drafted_successor_links_it_and_does_not_prompt_for_a_new_one(
    client, ended_plan_and_drafted_successor, sign_in
):
    ended, successor = ended_plan_and_drafted_successor
    next_plan = (
        f'The partnership’s next plan is <a class="govuk-link" href="{plan_url(successor)}" '
        f'data-testid="later-plan">{successor.title}</a> (April 2023 – March 2026), not yet made current.'
    )
    with time_machine.travel(AFTER_THE_END, tick=False):
        manager_list = sign_in("partnership_manager").get("/p/alpha/plans/").content.decode()
        manager_plan = client.get(plan_url(ended)).content.decode()
        board_plan = sign_in("board_member").get(plan_url(ended)).content.decode()
    for page in (manager_list, manager_plan):
        assert "This plan has ended" in page
        assert f'href="{plan_url(successor)}" data-testid="later-plan">{successor.title}</a>' in page
        assert "Make it current from its page when it starts." in page
        assert "Start the next plan" not in page
        assert "no later plan" not in page
        assert f'href="{plan_url(ended)}revise/"' in page
    assert f"Ended on 31 March 2023. {next_plan}" in board_plan
    assert "no later plan" not in board_plan


def test_the_performance_page_says_the_current_plan_has_ended(
    client, ended_plan_and_drafted_successor, sign_in
):
    ended, successor = ended_plan_and_drafted_successor
    with time_machine.travel(AFTER_THE_END, tick=False):
        page = sign_in("board_member").get("/p/alpha/performance/").content.decode()
    assert f"{ended.title} ended on 31 March 2023." in page
    assert f'href="{plan_url(successor)}" data-testid="later-plan">' in page
    with time_machine.travel(dt.datetime(2022, 6, 1, 9, tzinfo=dt.UTC), tick=False):
        assert 'data-testid="plan-ended"' not in client.get("/p/alpha/performance/").content.decode()


def test_the_api_says_whether_a_plan_has_ended(world, ended_plan_and_drafted_successor):
    ended, successor = ended_plan_and_drafted_successor
    _, secret = api_token_create(user=world.people["partnership_manager"], name="Feed")
    api = Client(headers={"Authorization": f"Bearer {secret}"})
    with time_machine.travel(AFTER_THE_END, tick=False):
        response = api.get("/api/v1/partnerships/alpha/plans")
        detail = api.get(f"/api/v1/partnerships/alpha/plans/{ended.public_id}")
    ended_of = {plan["id"]: plan["ended"] for plan in response.json()}
    assert ended_of == {str(ended.public_id): True, str(successor.public_id): False}
    assert (detail.json()["ended"], detail.json()["period_end"]) == (True, "2023-03-31")


def test_a_current_plan_within_its_period_is_current(plan, sign_in):
    with time_machine.travel(DURING_THE_PLAN, tick=False):
        page = sign_in("partnership_manager").get(plan_url(plan)).content.decode()
    assert "Current plan" in page
    assert "This plan has ended" not in page


def test_printable_plan_has_every_priority_and_deliverable(plan, other_priority, sign_in):
    page = sign_in("board_member").get(plan_url(plan) + "print/").content.decode()
    for text in [plan.title, "1. Business Crime", "2. Violent Crime", "Target repeat shoplifting offenders"]:
        assert text in page
    assert "Fewer robberies" in page
    assert "Edit the plan" not in page


def test_priority_page_lists_its_deliverables(priority, sign_in):
    page = sign_in("board_member").get(priority_url(priority)).content.decode()
    assert "Business Crime" in page
    assert "Target repeat shoplifting offenders" in page
    assert "Alpha Theme lead" in page


# A manager changes the plan


def test_manager_edits_the_plan(world, plan):
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.people["partnership_manager"])
    client.get(plan_url(plan) + "edit/")
    data = plan_form(
        plan, vision="Everyone safe, everywhere", csrfmiddlewaretoken=client.cookies["csrftoken"].value
    )
    response = client.post(plan_url(plan) + "edit/", data)
    assert response.status_code == 302
    assert response["Location"] == plan_url(plan)
    plan.refresh_from_db()
    assert plan.vision == "Everyone safe, everywhere"
    event = AuditEvent.objects.get(verb="updated")
    assert (event.actor, event.context) == (world.people["partnership_manager"], {"fields": ["vision"]})
    assert plan.history.first().history_user == world.people["partnership_manager"]
    assert "Plan saved" in client.get(plan_url(plan)).content.decode()


def test_editing_the_plan_without_the_csrf_token_is_refused(world, plan):
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.people["partnership_manager"])
    response = client.post(plan_url(plan) + "edit/", plan_form(plan, vision="Changed"))
    assert response.status_code == 403
    plan.refresh_from_db()
    assert plan.vision == "A safer city for everyone."


def test_a_plan_must_end_after_it_starts(plan, sign_in):
    response = sign_in("partnership_manager").post(
        plan_url(plan) + "edit/", plan_form(plan, period_end="2022-01-01", vision="Changed")
    )
    assert response.status_code == 400
    assert "The plan must end after it starts" in response.content.decode()
    plan.refresh_from_db()
    assert (plan.vision, plan.period_end.isoformat()) == ("A safer city for everyone.", "2026-03-31")
    assert not AuditEvent.objects.filter(verb="updated").exists()


def test_manager_records_a_revision(client, world, plan, sign_in):
    response = sign_in("partnership_manager").post(
        plan_url(plan) + "revise/",
        {"label": "Revised April 2025", "revised_on": "2025-04-01", "summary": "Three priorities now"},
    )
    assert response.status_code == 302
    revision = PlanRevision.objects.get(plan=plan)
    assert revision.recorded_by == world.people["partnership_manager"]
    page = client.get(plan_url(plan)).content.decode()
    assert "Revised April 2025 (1 April 2025)" in page
    assert "Three priorities now" in page
    assert AuditEvent.objects.filter(verb="created", target_id=str(revision.public_id)).count() == 1


def test_manager_adds_a_priority_with_deliverables_and_alignment(
    client, world, plan, county_priority, sign_in
):
    sign_in("partnership_manager")
    form_page = client.get(plan_url(plan) + "priorities/new/").content.decode()
    assert "Reducing Serious Violence (County Strategy Board)" in form_page
    response = client.post(
        plan_url(plan) + "priorities/new/",
        {
            "title": "Violent Crime",
            "description": "Fewer people hurt",
            "lead_user": world.people["analyst"].pk,
            "lead_organisation": "",
            "deliverables": "Fewer robberies\r\n\r\n  Safe night-time economy  \r\nKnife crime down\r\n",
            "aligned_to": [county_priority.pk],
        },
    )
    assert response.status_code == 302
    added = Priority.objects.get(plan=plan, title="Violent Crime")
    assert [d.text for d in added.deliverables.all()] == [
        "Fewer robberies",
        "Safe night-time economy",
        "Knife crime down",
    ]
    assert list(added.aligned_to.all()) == [county_priority]
    assert added.lead_user == world.people["analyst"]
    page = client.get(plan_url(plan)).content.decode()
    assert "Priority ‘Violent Crime’ added" in page
    assert "Supports: Reducing Serious Violence (County Strategy Board)" in page


def test_deliverables_must_be_different(plan, sign_in):
    response = sign_in("partnership_manager").post(
        plan_url(plan) + "priorities/new/", {"title": "Violent Crime", "deliverables": "Same\nSame"}
    )
    assert response.status_code == 400
    assert "Each deliverable must be different" in response.content.decode()
    assert not Priority.objects.filter(title="Violent Crime").exists()


def test_manager_edits_a_priority(world, priority, sign_in):
    response = sign_in("partnership_manager").post(
        priority_url(priority) + "edit/",
        {
            "title": "Retail Crime",
            "description": priority.description,
            "lead_user": world.people["analyst"].pk,
            "lead_organisation": priority.lead_organisation.pk,
            "deliverables": "Target repeat shoplifting offenders\nShop watch schemes",
        },
    )
    assert response.status_code == 302
    assert response["Location"] == priority_url(priority)
    priority.refresh_from_db()
    assert (priority.title, priority.lead_user) == ("Retail Crime", world.people["analyst"])
    assert [d.text for d in priority.deliverables.all()] == [
        "Target repeat shoplifting offenders",
        "Shop watch schemes",
    ]
    event = AuditEvent.objects.get(verb="updated", target_id=str(priority.public_id))
    assert event.context == {"fields": ["title", "lead_user", "deliverables"]}


# The theme lead changes their own priority, and nothing else


def test_theme_lead_edits_their_own_priority(client, world, priority, sign_in):
    sign_in("theme_lead")
    form = client.get(priority_url(priority) + "edit/")
    assert form.status_code == 200
    assert 'name="lead_user"' not in form.content.decode()
    assert 'name="lead_organisation"' not in form.content.decode()
    assert "Edit the priority" in client.get(priority_url(priority)).content.decode()
    response = client.post(
        priority_url(priority) + "edit/",
        {
            "title": "Business and Retail Crime",
            "description": "Updated by the lead",
            "deliverables": "Target repeat shoplifting offenders",
            "lead_user": world.people["analyst"].pk,
        },
    )
    assert response.status_code == 302
    priority.refresh_from_db()
    assert (priority.title, priority.description) == ("Business and Retail Crime", "Updated by the lead")
    assert priority.lead_user == world.people["theme_lead"]
    assert priority.lead_organisation.name == "Shire Police"


def test_theme_lead_is_refused_another_priority(client, world, other_priority, sign_in):
    lead = world.people["theme_lead"]
    sign_in("theme_lead")
    assert "Edit the priority" not in client.get(priority_url(other_priority)).content.decode()
    response = client.post(priority_url(other_priority) + "edit/", {"title": "Hijacked"})
    assert response.status_code == 403
    other_priority.refresh_from_db()
    assert other_priority.title == "Violent Crime"
    refusal = refusals_of(lead).get()
    assert (refusal.target_id, refusal.context) == (
        str(other_priority.public_id),
        {"permission": "plans.change_priority"},
    )


def test_theme_lead_is_refused_the_plan_edit(world, plan, sign_in):
    lead = world.people["theme_lead"]
    response = sign_in("theme_lead").get(plan_url(plan) + "edit/")
    assert response.status_code == 403
    refusal = refusals_of(lead).get()
    assert (refusal.target_id, refusal.partnership) == (str(plan.public_id), world.a)
    assert refusal.context == {"permission": "plans.change_plan"}


# Board members read only


def test_board_member_sees_no_edit_buttons(client, plan, priority, sign_in):
    sign_in("board_member")
    plan_page = client.get(plan_url(plan)).content.decode()
    for button in ["Edit the plan", "Add a priority", "Record a revision", "Add a cross-cutting theme"]:
        assert button not in plan_page
    assert "History of this plan" not in plan_page
    assert "Create a plan" not in client.get("/p/alpha/plans/").content.decode()
    assert "Edit the priority" not in client.get(priority_url(priority)).content.decode()


def test_board_member_is_refused_every_edit_page(client, world, plan, priority, sign_in):
    theme = world.records["a"]["theme"]
    urls = [
        "/p/alpha/plans/new/",
        plan_url(plan) + "edit/",
        plan_url(plan) + "revise/",
        plan_url(plan) + "priorities/new/",
        priority_url(priority) + "edit/",
        plan_url(plan) + "themes/new/",
        plan_url(plan) + f"themes/{theme.public_id}/edit/",
    ]
    sign_in("board_member")
    for url in urls:
        assert client.get(url).status_code == 403, url
    assert client.post(plan_url(plan) + "make-current/").status_code == 403
    assert refusals_of(world.people["board_member"]).count() == len(urls) + 1


# Another partnership's plans do not exist for you


def test_alphas_plan_is_not_found_by_betas_manager(client, plan, priority, sign_in):
    sign_in("other_manager")
    assert client.get(plan_url(plan, slug="beta")).status_code == 404
    assert client.get(plan_url(plan, slug="alpha")).status_code == 404
    assert client.get(priority_url(priority, slug="beta")).status_code == 404
    assert client.post(plan_url(plan, slug="beta") + "edit/", plan_form(plan, vision="x")).status_code == 404
    plan.refresh_from_db()
    assert plan.vision == "A safer city for everyone."
    assert not AuditEvent.objects.filter(verb__in=["viewed", "refused"]).exists()


def test_manager_cannot_reach_another_partnerships_priority_through_their_own_plan(world, plan, sign_in):
    priority_b = world.records["b"]["priority"]
    url = plan_url(plan) + f"priorities/{priority_b.public_id}/edit/"
    assert sign_in("partnership_manager").get(url).status_code == 404


# What people type is kept as typed and shown as text


@pytest.mark.parametrize(
    "title",
    ['=HYPERLINK("http://evil.example","Click")', SCRIPT, "+SUM(A1:A2) & <b>bold</b>"],
)
def test_priority_title_is_stored_as_typed_and_shown_escaped(client, plan, title, sign_in):
    sign_in("partnership_manager").post(
        plan_url(plan) + "priorities/new/", {"title": title, "deliverables": title}
    )
    added = Priority.objects.get(plan=plan, position=2)
    assert added.title == title
    assert added.deliverables.get().text == title
    for url in [plan_url(plan), plan_url(plan) + "print/", priority_url(added)]:
        page = client.get(url).content.decode()
        assert str(escape(title)) in page, url
        if "<" in title:
            assert title not in page, url


def test_html_in_the_plan_text_is_shown_escaped(plan, sign_in):
    Plan.objects.filter(pk=plan.pk).update(vision=SCRIPT, foreword="<img src=x onerror=alert(1)>")
    page = sign_in("board_member").get(plan_url(plan)).content.decode()
    assert SCRIPT not in page
    assert "<img src=x" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
