"""The API keeps to its OpenAPI schema (checked by schemathesis) and reveals nothing of other partnerships."""

import pytest
import schemathesis
from django.core import signals
from django.core.handlers.wsgi import WSGIHandler
from django.db import close_old_connections
from django.test import Client
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st
from schemathesis import checks

from saferhub.accounts.services import api_token_create
from saferhub.api.tests.test_api import BASE, ApiClient
from saferhub.crimedata.services import column_mapping_save
from saferhub.crimedata.tests.crime_files import MAPPING
from saferhub.performance.tests.factories import ManualMeasureFactory

# No 5xx; every status, content type, header and body one the schema declares; and the same request without
# the token is refused. (Not "schema-valid data is accepted": a figure's day must not be in the future, and
# today cannot be written into a schema.)
CHECKS = [
    checks.not_a_server_error,
    checks.status_code_conformance,
    checks.content_type_conformance,
    checks.response_headers_conformance,
    checks.response_schema_conformance,
    checks.ignored_auth,
]


def test_another_partnerships_source_is_answered_as_a_source_no_one_has(world, crime_store):
    column_mapping_save(partnership=world.b, text=MAPPING.replace("alpha.crime", "beta.crime"), actor=None)
    api = ApiClient(world.people["partnership_manager"])
    theirs = api.get("/partnerships/alpha/crime-counts?source=beta.crime")
    unknown = api.get("/partnerships/alpha/crime-counts?source=no-one-has-this")
    assert (theirs.status_code, theirs.json()) == (unknown.status_code, unknown.json())
    assert unknown.json() == {"detail": "No such source"}


def test_a_month_not_in_the_form_yyyy_mm_is_refused_in_words(world):
    response = ApiClient(world.people["partnership_manager"]).get(
        "/partnerships/alpha/crime-counts?from=2023"
    )
    assert response.status_code == 422
    assert response.json() == {"detail": "'from' must be a month in the form YYYY-MM"}


def test_the_schema_declares_every_refusal_and_the_month_format(world):
    schema = Client().get(f"{BASE}/openapi.json").json()
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            declared = set(operation["responses"])
            # A read answers 200; a write that creates a record, 201.
            assert declared & {"200", "201"} and "401" in declared, (method, path)
            if "{slug}" in path:
                assert {"404", "422"} <= declared, (method, path)
    figures = schema["paths"]["/api/v1/partnerships/{slug}/measures/{measure_id}/figures"]["post"]
    assert "403" in figures["responses"]
    assert figures["responses"]["403"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/ErrorOut"
    }
    counts = schema["paths"]["/api/v1/partnerships/{slug}/crime-counts"]["get"]
    month = {p["name"]: p["schema"] for p in counts["parameters"]}["from"]
    assert month["pattern"] == r"^[0-9]{4}-(0[1-9]|1[0-2])$"


@pytest.mark.parametrize(
    "path",
    ["/partnerships/alpha/crime-counts", "/partnerships/alpha/measures", "/partnerships/alpha/imports"],
)
def test_no_token_is_401_with_the_declared_body(world, path):
    response = Client().get(BASE + path)
    assert (response.status_code, response.json()) == (401, {"detail": "Unauthorized"})


@pytest.fixture
def connection_kept_between_requests():
    """As Django's test client does: a request must not close the connection that holds the test's data."""
    for signal in (signals.request_started, signals.request_finished):
        signal.disconnect(close_old_connections)
    yield
    for signal in (signals.request_started, signals.request_finished):
        signal.connect(close_old_connections)


@pytest.mark.usefixtures("connection_kept_between_requests")
def test_every_operation_keeps_to_the_schema_with_a_real_token(world, crime_store):
    """A bounded schemathesis run, in-process: no 5xx, and every answer is one the schema declares."""
    measure = ManualMeasureFactory(priority=world.records["a"]["priority"])
    _, secret = api_token_create(user=world.people["partnership_manager"], name="Schemathesis")
    schema = schemathesis.openapi.from_wsgi(f"{BASE}/openapi.json", WSGIHandler())
    # Real records some of the time, so that the answers are not all 404s.
    known = {
        "slug": st.sampled_from(["alpha", "beta", "county", "no-such-partnership"]),
        "plan_id": st.sampled_from(
            [str(world.records["a"]["plan"].public_id), str(world.records["b"]["plan"].public_id)]
        ),
        "measure_id": st.just(str(measure.public_id)),
    }
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 14

    for operation in operations:

        @given(case=operation.as_strategy(), data=st.data())
        @hypothesis_settings(
            max_examples=6,
            deadline=None,
            database=None,
            suppress_health_check=list(HealthCheck),
        )
        def keeps_to_the_schema(case: schemathesis.Case, data: st.DataObject) -> None:
            for name in case.path_parameters or {}:
                if name in known and data.draw(st.booleans()):
                    case.path_parameters[name] = data.draw(known[name])
            case.call_and_validate(headers={"Authorization": f"Bearer {secret}"}, checks=CHECKS)

        keeps_to_the_schema()
