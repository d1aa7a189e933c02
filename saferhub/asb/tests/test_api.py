"""ASB casework through the JSON API: what a partner's system reads and sends, with the pages' permissions."""

import datetime as dt
import json

import pytest
from django.contrib.contenttypes.models import ContentType
from django.test import Client
from django.utils import timezone

from saferhub.accounts.services import api_token_create
from saferhub.asb.models import CaseStatus, Incident, Party, PartyRole
from saferhub.asb.tests.factories import (
    CaseFactory,
    CaseOrganisationFactory,
    CasePartyFactory,
    IncidentFactory,
    PartyFactory,
)
from saferhub.audit.models import AuditEvent, AuditVerb
from saferhub.governance.models import DataItem
from saferhub.governance.tests.factories import agreement_between
from saferhub.partnerships.models import Organisation, Role
from saferhub.partnerships.tests.factories import MembershipFactory, UserFactory

BASE = "/api/v1/partnerships/alpha/asb"


class Api:
    """A partner's system holding one person's token."""

    def __init__(self, user):
        _, secret = api_token_create(user=user, name="Case system")
        self.client = Client(headers={"Authorization": f"Bearer {secret}"})

    def get(self, path):
        return self.client.get(BASE + path)

    def post(self, path, body):
        return self.client.post(BASE + path, json.dumps(body, default=str), content_type="application/json")


@pytest.fixture
def council(world):
    return Organisation.objects.get(name="Alpha City Council")


@pytest.fixture
def police(world):
    return Organisation.objects.get(name="Shire Police")


@pytest.fixture
def officer(world):
    return Api(world.people["case_officer"])


@pytest.fixture
def police_user(world, police):
    user = UserFactory(email="pc@shire.example", full_name="Pat Constable")
    MembershipFactory(user=user, partnership=world.a, organisation=police, role=Role.CASE_OFFICER)
    return user


@pytest.fixture
def case(world, council):
    case = CaseFactory(
        partnership=world.a,
        lead_organisation=council,
        lead_officer=world.people["case_officer"],
        postcode="LE1 4FP",
        ward_code="E05010458",
    )
    victim = CasePartyFactory(case=case, party__name="John Smith", party__postcode="LE1 4FP")
    CasePartyFactory(case=case, party__name="Percy Perp", role=PartyRole.PERPETRATOR)
    IncidentFactory(
        case=case,
        reference="CRM-1",
        victim=victim.party,
        postcode="LE1 4FP",
        occurred_at=timezone.now() - dt.timedelta(hours=40),
    )
    return case


def audited_views(record, user):
    return AuditEvent.objects.filter(
        verb=AuditVerb.VIEWED,
        actor=user,
        target_type=ContentType.objects.get_for_model(record),
        target_id=str(record.public_id),
    ).count()


def report(council, **changes):
    body = {
        "reporting_organisation": str(council.public_id),
        "reference": "CRM-2",
        "occurred_on": (timezone.now() - dt.timedelta(hours=30)).isoformat(),
        "reported_on": timezone.localdate().isoformat(),
        "category": "nuisance",
        "hate_motivated": False,
        "description": "Shouting in the stairwell at 2am.",
        "postcode": "le1 4fp",
        "victim": {"name": "Jon Smyth", "date_of_birth": "1990-05-17"},
    }
    return body | changes


# --- Reading -------------------------------------------------------------------------------------------


def test_the_case_list_has_the_cases_you_may_see_filtered_by_status_and_ward(world, officer, case, police):
    CaseFactory(partnership=world.a, lead_organisation=police, summary="The police's own")
    CaseFactory(partnership=world.a, lead_organisation=case.lead_organisation, status=CaseStatus.CLOSED)

    listed = officer.get("/cases?status=open")
    in_ward = officer.get("/cases?ward=E05010458")

    assert listed.status_code == 200
    assert [row["reference"] for row in listed.json()] == [case.reference]
    assert listed.json()[0]["lead_officer"] == "Alpha Case officer"
    assert [row["id"] for row in in_ward.json()] == [str(case.public_id)]


def test_the_casework_api_refuses_those_without_a_case_role_and_other_partnerships(world, case):
    assert Api(world.people["theme_lead"]).get("/cases").status_code == 403
    assert Api(world.people["other_manager"]).get("/cases").status_code == 404
    assert Client().get(BASE + "/cases").status_code == 401


def test_the_lead_reads_all_of_the_case_and_the_reading_is_audited(world, officer, case):
    response = officer.get(f"/cases/{case.public_id}")

    body = response.json()
    assert response.status_code == 200
    assert [v["name"] for v in body["victims"]] == ["John Smith"]
    assert [p["name"] for p in body["perpetrators"]] == ["Percy Perp"]
    assert [i["reference"] for i in body["incidents"]] == ["CRM-1"]
    assert body["risk_assessments"] == [] and body["steps"] == []
    assert audited_views(case, world.people["case_officer"]) == 1


def test_a_partner_reads_only_what_its_agreement_shares(world, case, council, police, police_user):
    agreement_between(world.a, council, police, data_items=[DataItem.INCIDENTS])
    CaseOrganisationFactory(case=case, organisation=police)

    body = Api(police_user).get(f"/cases/{case.public_id}").json()

    assert body["sees"] == ["incidents"]
    assert body["victims"] is None and body["perpetrators"] is None and body["risk_level"] is None
    assert [i["reference"] for i in body["incidents"]] == ["CRM-1"]


def test_a_case_you_cannot_see_is_404_and_not_audited(world, case, police_user):
    response = Api(police_user).get(f"/cases/{case.public_id}")

    assert response.status_code == 404
    assert audited_views(case, police_user) == 0


def test_the_incidents_you_may_see_between_two_days(world, officer, case, police):
    IncidentFactory(case=case, reference="OLD", occurred_at=timezone.now() - dt.timedelta(days=40))
    IncidentFactory(case=CaseFactory(partnership=world.a, lead_organisation=police), reference="THEIRS")
    since = (timezone.localdate() - dt.timedelta(days=10)).isoformat()

    every = officer.get("/incidents").json()
    recent = officer.get(f"/incidents?from={since}").json()

    assert [i["reference"] for i in every] == ["CRM-1", "OLD"]
    assert [i["reference"] for i in recent] == ["CRM-1"]


# --- Sending a report -----------------------------------------------------------------------------------


def test_a_report_is_stored_and_answered_with_its_likely_duplicates(world, officer, case, council):
    response = officer.post("/incidents", report(council, case=str(case.public_id), address="Flat 3"))

    assert response.status_code == 201, response.content
    body = response.json()
    incident = Incident.objects.get(reference="CRM-2")
    assert body["incident"]["id"] == str(incident.public_id)
    assert body["incident"]["postcode"] == "LE1 4FP"
    assert body["case"]["reference"] == case.reference
    duplicates = body["likely_duplicates"]
    assert [(p["name"], p["reasons"]) for p in duplicates["parties"]] == [
        ("John Smith", ["similar name", "same date of birth", "same postcode"])
    ]
    assert [(i["reference"], i["reasons"]) for i in duplicates["incidents"]] == [
        ("CRM-1", ["same postcode within a day"])
    ]
    assert duplicates["cases"] == []  # the case it joined is not a duplicate of itself
    assert incident.case == case and incident.victim.name == "Jon Smyth"
    assert audited_views(Party.objects.get(name="John Smith"), world.people["case_officer"]) == 1


def test_a_report_on_no_case_offers_the_open_case_at_its_postcode(world, officer, case, council):
    body = officer.post("/incidents", report(council, victim=None)).json()

    assert body["case"] is None
    assert [(c["reference"], c["reasons"]) for c in body["likely_duplicates"]["cases"]] == [
        (case.reference, ["same postcode"])
    ]


def test_the_same_reference_again_is_not_stored_twice(world, officer, case, council):
    first = officer.post("/incidents", report(council))
    again = officer.post("/incidents", report(council, description="Sent again by a retry"))

    assert (first.status_code, again.status_code) == (201, 409)
    assert again.json() == {
        "detail": "Alpha City Council reference CRM-2 is held already",
        "incident_id": first.json()["incident"]["id"],
    }
    assert Incident.objects.filter(reference="CRM-2").count() == 1
    assert Party.objects.filter(name="Jon Smyth").count() == 1


def test_a_reference_held_on_a_case_you_cannot_see_is_a_plain_409(world, case, police, police_user):
    IncidentFactory(case=case, reference="POL-7", reporting_organisation=police)

    response = Api(police_user).post("/incidents", report(police, reference="POL-7"))

    assert response.status_code == 409
    assert response.json() == {"detail": "That organisation's reference is held already", "incident_id": None}


@pytest.mark.parametrize(
    ("changes", "detail"),
    [
        (
            {"postcode": ""},
            "Give where it happened: 'postcode', 'lsoa', or 'latitude' and 'longitude'",
        ),
        ({"postcode": "", "latitude": 52.63}, "Give both 'latitude' and 'longitude', or neither"),
        ({"hate_strand": "race"}, "'hate_strand' is given only when 'hate_motivated' is true"),
        ({"reported_on": "2001-01-01"}, "'reported_on' must not be before 'occurred_on'"),
        ({"occurred_on": "2999-01-01"}, "'occurred_on' must not be in the future"),
        ({"postcode": "LE1"}, "'postcode': Value error, must be a UK postcode, like LE1 5FQ"),
        ({"reference": "   "}, "'reference' and 'description' must not be blank"),
    ],
)
def test_a_report_that_is_not_right_is_refused_in_words(world, officer, council, changes, detail):
    response = officer.post("/incidents", report(council, **changes))

    assert (response.status_code, response.json()) == (422, {"detail": detail})
    assert not Incident.objects.exists() and not Party.objects.exists()


def test_a_report_for_an_organisation_you_do_not_work_for_is_refused(world, officer, police):
    response = officer.post("/incidents", report(police))

    assert response.status_code == 422
    assert response.json() == {
        "detail": "'reporting_organisation': not an organisation you work cases for here"
    }


def test_a_report_on_a_case_you_cannot_see_is_404_and_stores_nothing(world, case, police, police_user):
    response = Api(police_user).post("/incidents", report(police, case=str(case.public_id)))

    assert response.status_code == 404
    assert not Incident.objects.filter(reporting_organisation=police).exists()


def test_a_day_alone_is_taken_as_its_midday(world, officer, council):
    yesterday = timezone.localdate() - dt.timedelta(days=1)

    body = officer.post("/incidents", report(council, occurred_on=yesterday.isoformat(), victim=None)).json()

    occurred = timezone.localtime(dt.datetime.fromisoformat(body["incident"]["occurred_at"]))
    assert (occurred.date(), occurred.hour) == (yesterday, 12)


def test_someone_without_a_case_role_cannot_send_a_report(world, council):
    response = Api(world.people["analyst"]).post("/incidents", report(council))

    assert response.status_code == 403
    assert not Incident.objects.exists()


def test_a_party_on_no_case_keyed_by_your_organisation_is_offered(world, officer, council):
    PartyFactory(partnership=world.a, name="John Smith", created_by=world.people["partnership_manager"])

    body = officer.post("/incidents", report(council)).json()

    assert [p["name"] for p in body["likely_duplicates"]["parties"]] == ["John Smith"]
