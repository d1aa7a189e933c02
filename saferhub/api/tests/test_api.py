"""The JSON API: the same records and the same scoping as the pages, read with a personal token."""

import datetime as dt
import json

import pytest
import time_machine
from django.test import Client

from saferhub.accounts.services import api_token_create

BASE = "/api/v1"


class ApiClient:
    """A partner's system holding one person's token."""

    def __init__(self, user):
        _, self.secret = api_token_create(user=user, name="Test feed")
        self.client = Client()

    def get(self, path):
        return self.client.get(BASE + path, headers={"Authorization": f"Bearer {self.secret}"})


@pytest.fixture
def manager_api(world):
    return ApiClient(world.people["partnership_manager"])


@pytest.fixture
def county_api(world):
    return ApiClient(world.people["county_manager"])


def test_partnerships_lists_only_what_the_manager_belongs_to(manager_api):
    response = manager_api.get("/partnerships")
    assert response.status_code == 200
    assert response.json() == [
        {
            "slug": "alpha",
            "name": "Alpha Community Safety Partnership",
            "kind": "unitary_csp",
            "parent": "county",
            "area_codes": [],
        }
    ]


def test_partnership_detail(manager_api):
    response = manager_api.get("/partnerships/alpha")
    assert response.status_code == 200
    assert response.json()["name"] == "Alpha Community Safety Partnership"


@pytest.mark.parametrize("slug", ["beta", "county", "no-such-partnership"])
def test_partnership_outside_the_managers_reach_is_404(manager_api, slug):
    assert manager_api.get(f"/partnerships/{slug}").status_code == 404
    assert manager_api.get(f"/partnerships/{slug}/organisations").status_code == 404
    assert manager_api.get(f"/partnerships/{slug}/plans").status_code == 404


def test_organisations_with_their_status(manager_api):
    response = manager_api.get("/partnerships/alpha/organisations")
    assert response.status_code == 200
    assert sorted(response.json(), key=lambda o: o["name"]) == [
        {"name": "Alpha City Council", "type": "council", "status": "responsible_authority"},
        {"name": "Shire Police", "type": "police", "status": "responsible_authority"},
    ]


@time_machine.travel(dt.datetime(2026, 5, 1, 9, tzinfo=dt.UTC), tick=False)
def test_plans_list(manager_api, world):
    plan = world.records["a"]["plan"]
    response = manager_api.get("/partnerships/alpha/plans")
    assert response.status_code == 200
    assert response.json() == [
        {
            "id": str(plan.public_id),
            "title": "Alpha Community Safety Partnership Plan 2023–2026",
            "period_start": "2023-04-01",
            "period_end": "2026-03-31",
            "is_current": True,
            "ended": True,  # on 31 March 2026
        }
    ]


def test_plan_detail_with_priority_deliverable_lead_and_theme(manager_api, world):
    plan = world.records["a"]["plan"]
    response = manager_api.get(f"/partnerships/alpha/plans/{plan.public_id}")
    assert response.status_code == 200
    body = response.json()
    assert body["id"] == str(plan.public_id)
    assert body["partnership"] == "alpha"
    assert body["vision"] == "A safer city for everyone."
    assert [t["title"] for t in body["cross_cutting_themes"]] == ["Domestic Abuse"]
    [priority] = body["priorities"]
    assert priority["title"] == "Business Crime"
    assert priority["deliverables"] == ["Target repeat shoplifting offenders"]
    assert priority["lead"] == "Alpha Theme lead"
    assert priority["lead_organisation"] == "Shire Police"


def test_another_partnerships_plan_is_404_under_this_partnership(manager_api, world):
    other_plan = world.records["b"]["plan"]
    assert manager_api.get(f"/partnerships/alpha/plans/{other_plan.public_id}").status_code == 404
    assert manager_api.get(f"/partnerships/beta/plans/{other_plan.public_id}").status_code == 404


def test_plan_id_that_is_not_a_uuid_is_refused(manager_api):
    response = manager_api.get("/partnerships/alpha/plans/42")
    assert response.status_code in (404, 422)


def test_county_manager_reads_the_partnerships_beneath(county_api, world):
    response = county_api.get("/partnerships")
    assert sorted(p["slug"] for p in response.json()) == ["alpha", "beta", "county"]
    beta_plan = world.records["b"]["plan"]
    response = county_api.get(f"/partnerships/beta/plans/{beta_plan.public_id}")
    assert response.status_code == 200
    assert response.json()["priorities"][0]["title"] == "Business Crime"
    assert county_api.get("/partnerships/alpha/organisations").status_code == 200


def test_sibling_manager_cannot_read_alpha(world):
    api = ApiClient(world.people["other_manager"])
    assert [p["slug"] for p in api.get("/partnerships").json()] == ["beta"]
    assert api.get("/partnerships/alpha").status_code == 404


def test_person_without_memberships_sees_nothing(world):
    api = ApiClient(world.people["nobody"])
    assert api.get("/partnerships").json() == []


@pytest.mark.parametrize(
    "path",
    [
        "/partnerships",
        "/partnerships/alpha",
        "/partnerships/alpha/organisations",
        "/partnerships/alpha/plans",
    ],
)
def test_every_endpoint_needs_a_token(world, path):
    assert Client().get(BASE + path).status_code == 401


def test_openapi_schema_lists_the_endpoints(world):
    response = Client().get(f"{BASE}/openapi.json")
    assert response.status_code == 200
    schema = json.loads(response.content)
    assert schema["info"]["title"] == "Saferhub API"
    assert {
        "/api/v1/partnerships",
        "/api/v1/partnerships/{slug}",
        "/api/v1/partnerships/{slug}/organisations",
        "/api/v1/partnerships/{slug}/plans",
        "/api/v1/partnerships/{slug}/plans/{plan_id}",
    } <= set(schema["paths"])
    assert any(
        scheme.get("scheme") == "bearer" for scheme in schema["components"]["securitySchemes"].values()
    )
