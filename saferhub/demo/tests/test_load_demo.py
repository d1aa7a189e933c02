"""`load_demo` builds the Leicester, Leicestershire and Rutland demo from demo.toml, once."""

import tomllib
from io import StringIO
from pathlib import Path

import pytest
from django.apps import apps
from django.core.management import call_command

from saferhub.accounts.models import User
from saferhub.demo.loader import DEMO_FILE, DEMO_PASSWORD
from saferhub.partnerships.models import Membership, Partnership, Role
from saferhub.plans.models import Plan, Priority

SEEDS = Path("/work/shared/seeds")
LEICESTER_2023 = "Community Safety Partnership Plan April 2023 – March 2026"
LEICESTER_2021 = "Community Safety Plan 2021–2024"


@pytest.fixture
def demo(db):
    out = StringIO()
    call_command("load_demo", "--without-crime-data", stdout=out)
    return out.getvalue()


@pytest.fixture
def toml():
    return tomllib.loads(DEMO_FILE.read_text(encoding="utf-8"))


def seed_text(prefix):
    """The text of a public seed document, or None when the seeds are not on this machine."""
    found = sorted(SEEDS.glob(f"{prefix}_*.txt")) if SEEDS.is_dir() else []
    return found[0].read_text(encoding="utf-8") if found else None


def plan_in_toml(toml, slug, title):
    return next(row for row in toml["plans"] if row["partnership"] == slug and row["title"] == title)


def row_counts():
    return {model._meta.label: model._default_manager.count() for model in apps.get_models()}


def test_partnerships_and_their_parents(demo):
    parents = {p.slug: (p.parent.slug if p.parent else None) for p in Partnership.objects.all()}
    assert parents == {
        "llr": None,
        "leicester": "llr",
        "rutland": "llr",
        "leicestershire": "llr",
        "blaby": "leicestershire",
        "charnwood": "leicestershire",
        "harborough": "leicestershire",
        "hinckley-and-bosworth": "leicestershire",
        "melton": "leicestershire",
        "north-west-leicestershire": "leicestershire",
        "oadby-and-wigston": "leicestershire",
    }
    assert Partnership.objects.get(slug="llr").kind == "force_area"
    assert Partnership.objects.get(slug="leicestershire").kind == "county_board"


def test_partnerships_match_the_demo_file(demo, toml):
    for row in toml["partnerships"]:
        partnership = Partnership.objects.get(slug=row["slug"])
        assert (partnership.name, partnership.kind) == (row["name"], row["kind"])
        assert {p.organisation.name for p in partnership.partners.all()} >= {
            p["organisation"] for p in row.get("partners", [])
        }


def test_leicesters_current_plan(demo):
    plan = Plan.objects.get(partnership__slug="leicester", is_current=True)
    assert plan.title == LEICESTER_2023
    assert plan.period_label == "April 2023 – March 2026"
    assert plan.revisions.first().label == "Revised April 2025"
    assert [p.title for p in plan.priorities.all()] == [
        "City Centre Violent Crime",
        "Anti Social Behaviour",
        "Business Crime",
    ]
    assert [t.title for t in plan.themes.all()] == ["Domestic Abuse", "Children and Young People", "Prevent"]


def test_leicesters_current_plan_follows_the_demo_file(demo, toml):
    row = plan_in_toml(toml, "leicester", LEICESTER_2023)
    plan = Plan.objects.get(partnership__slug="leicester", title=LEICESTER_2023)
    for priority, expected in zip(plan.priorities.all(), row["priorities"], strict=True):
        assert priority.title == expected["title"]
        assert [d.text for d in priority.deliverables.all()] == [
            text.strip() for text in expected["deliverables"]
        ]
    assert plan.vision == row["vision"].strip()


def test_leicesters_current_plan_is_what_the_published_plan_says(demo):
    seed = seed_text("001")
    if seed is None:
        pytest.skip("the seed documents are not on this machine")
    plan = Plan.objects.get(partnership__slug="leicester", title=LEICESTER_2023)
    assert plan.period_label in seed
    assert plan.revisions.first().label in seed
    for priority in plan.priorities.all():
        assert priority.title in seed
    for theme in plan.themes.all():
        assert theme.title in seed
    for deliverable in plan.priorities.get(title="Business Crime").deliverables.all()[:3]:
        assert deliverable.text in seed


def test_leicesters_earlier_plan(demo):
    plan = Plan.objects.get(partnership__slug="leicester", title=LEICESTER_2021)
    assert plan.is_current is False
    assert plan.priorities.count() == 4
    seed = seed_text("000")
    if seed is not None:
        for priority in plan.priorities.all():
            assert priority.title.lower() in seed.lower()


def test_north_west_leicestershires_plan(demo):
    plan = Plan.objects.get(partnership__slug="north-west-leicestershire")
    assert plan.title == "Community Safety Partnership Plan 2020–2023"
    assert plan.period_label == "April 2020 – March 2023"
    assert plan.priorities.count() == 5
    seed = seed_text("003")
    if seed is not None:
        assert "Community Safety Partnership Plan 2020-2023" in seed


def test_district_priorities_support_the_county_strategy(demo):
    county = Priority.objects.get(
        plan__partnership__slug="leicestershire",
        title="Reducing re-offending and substance-related crime and disorder",
    )
    supported_by = {p.title for p in county.supported_by.all()}
    assert {"Reducing reoffending", "Substance misuse"} <= supported_by


def test_a_demo_user_for_every_role_in_leicester_three_grant_assessors_and_four_case_officers(demo):
    roles = list(Membership.objects.filter(partnership__slug="leicester").values_list("role", flat=True))
    assert sorted(set(roles)) == sorted(Role.values)
    # Two score the locality fund's applications; the third declares a conflict with one of them.
    assert roles.count("grant_assessor") == 3
    # Four case officers: the council's, and the police's, the fire service's and the university's for ASB.
    assert roles.count("case_officer") == 4
    assert len(roles) == len(Role.values) + 5
    assert Membership.objects.get(partnership__slug="leicester", role="board_member").user.email == (
        "board@leicester.demo"
    )


def test_the_lead_leads_business_crime(demo):
    business_crime = Priority.objects.get(plan__title=LEICESTER_2023, title="Business Crime")
    assert business_crime.lead_user.email == "lead@leicester.demo"
    assert list(User.objects.get(email="lead@leicester.demo").led_priorities.all()) == [business_crime]


def test_the_command_says_what_it_made_and_who_can_sign_in(demo):
    assert "Demo loaded:" in demo
    assert DEMO_PASSWORD in demo
    assert "manager@leicester.demo" in demo


def test_running_it_again_creates_nothing(demo):
    before = row_counts()
    out = StringIO()
    call_command("load_demo", "--without-crime-data", stdout=out)
    assert row_counts() == before
    assert "Demo already loaded; nothing changed." in out.getvalue()


def test_running_it_again_keeps_edits(demo):
    plan = Plan.objects.get(partnership__slug="leicester", title=LEICESTER_2023)
    Plan.objects.filter(pk=plan.pk).update(vision="Edited in the demo")
    group = Partnership.objects.get(slug="leicester").groups.get(name="Joint Action Group (JAG)")
    group.purpose = "Changed purpose"
    group.save()
    call_command("load_demo", "--without-crime-data", stdout=StringIO())
    plan.refresh_from_db()
    group.refresh_from_db()
    assert plan.vision == "Edited in the demo"
    assert group.purpose == "Changed purpose"


def test_running_it_again_keeps_a_removed_lead_removed(demo):
    Priority.objects.filter(plan__title=LEICESTER_2023, title="Business Crime").update(lead_user=None)
    call_command("load_demo", "--without-crime-data", stdout=StringIO())
    assert Priority.objects.get(plan__title=LEICESTER_2023, title="Business Crime").lead_user is None


def test_the_demo_password_signs_in(client, demo):
    response = client.post("/sign-in/", {"email": "manager@leicester.demo", "password": DEMO_PASSWORD})
    assert response.status_code == 302
    assert response["Location"] == "/"
    page = client.get("/").content.decode()
    assert "Leicester Community Safety Partnership" in page
    assert "Partnership manager" in page


def test_a_wrong_password_does_not_sign_in(client, demo):
    response = client.post("/sign-in/", {"email": "manager@leicester.demo", "password": "wrong-password-1"})
    assert response.status_code == 200
    assert "Enter a correct email address and password" in response.content.decode()
