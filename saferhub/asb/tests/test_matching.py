"""Likely duplicates against worked examples: the same person typed another way, the same report sent twice,
the same address; and nothing offered that the person entering it may not see."""

import datetime as dt

import pytest
from django.utils import timezone

from saferhub.asb.models import CaseStatus, PartyRole
from saferhub.asb.selectors.matching import case_matches, incident_matches, party_matches
from saferhub.asb.tests.factories import (
    CaseFactory,
    CaseOrganisationFactory,
    CasePartyFactory,
    IncidentFactory,
    PartyFactory,
)
from saferhub.governance.models import DataItem
from saferhub.governance.tests.factories import agreement_between
from saferhub.partnerships.models import Organisation, Role
from saferhub.partnerships.tests.factories import MembershipFactory, UserFactory

BORN = dt.date(1990, 5, 17)


@pytest.fixture
def council(world):
    return Organisation.objects.get(name="Alpha City Council")


@pytest.fixture
def police(world):
    return Organisation.objects.get(name="Shire Police")


@pytest.fixture
def officer(world):
    """A's case officer, who works cases for the council."""
    return world.people["case_officer"]


@pytest.fixture
def police_officer(world, police):
    user = UserFactory(email="pc@shire.example", full_name="Pat Constable")
    MembershipFactory(user=user, partnership=world.a, organisation=police, role=Role.CASE_OFFICER)
    return user


@pytest.fixture
def case(world, council):
    return CaseFactory(partnership=world.a, lead_organisation=council, postcode="LE1 4FP")


def victim(case, name, born=BORN, postcode="", role=PartyRole.VICTIM):
    party = PartyFactory(partnership=case.partnership, name=name, date_of_birth=born, postcode=postcode)
    CasePartyFactory(case=case, party=party, role=role)
    return party


def names(matches):
    return [match.party.name for match in matches]


@pytest.mark.parametrize(
    ("held", "typed", "born"),
    [
        ("John Smith", "Jon Smyth", BORN),
        ("John Smith", "Jon Smyth", None),
        ("Catherine Smith", "Kathryn Smith", BORN),
        ("Anna Smith-Jones", "Anna Smith Jones", BORN),
        ("Anna Smith-Jones", "Anna Jones", None),
        ("Anna Jones", "Anna Smith-Jones", None),
        ("Mary O'Neill", "  mary   o'neill ", None),
        ("John Smith", "JOHN  SMITH", None),
    ],
)
def test_a_person_typed_another_way_is_offered(world, officer, case, held, typed, born):
    victim(case, held)
    victim(case, "Zachary Quinton", born=dt.date(1971, 1, 2))

    found = party_matches(officer, world.a, name=typed, date_of_birth=born, postcode="")

    assert names(found) == [held]


def test_the_date_of_birth_with_day_and_month_swapped_or_one_digit_wrong_still_matches(world, officer, case):
    victim(case, "John Smith", born=dt.date(1990, 5, 7))

    swapped = party_matches(
        officer, world.a, name="John Smith", date_of_birth=dt.date(1990, 7, 5), postcode=""
    )
    one_digit = party_matches(
        officer, world.a, name="Jon Smith", date_of_birth=dt.date(1990, 5, 8), postcode=""
    )

    assert swapped[0].reasons == ["same name", "date of birth with the day and month swapped"]
    assert one_digit[0].reasons == ["similar name", "date of birth one digit different"]


def test_the_same_name_and_birthday_at_the_same_postcode_scores_highest(world, officer, case):
    victim(case, "John Smith", postcode="LE1 4FP")
    victim(case, "John Smith", born=dt.date(1962, 1, 1))

    found = party_matches(officer, world.a, name="john smith", date_of_birth=BORN, postcode="le14fp")

    assert [match.party.date_of_birth for match in found] == [BORN, dt.date(1962, 1, 1)]
    assert found[0].reasons == ["same name", "same date of birth", "same postcode"]
    assert found[0].score == pytest.approx(1.0)


def test_someone_else_born_the_same_day_is_not_offered(world, officer, case):
    victim(case, "Priya Patel")

    assert party_matches(officer, world.a, name="John Smith", date_of_birth=BORN, postcode="") == []


def test_a_person_on_a_case_you_cannot_see_is_not_offered(world, officer, police):
    theirs = CaseFactory(partnership=world.a, lead_organisation=police)
    victim(theirs, "John Smith")

    assert party_matches(officer, world.a, name="John Smith", date_of_birth=BORN, postcode="") == []


def test_a_partner_sees_only_the_details_its_agreement_shares(world, police_officer, case, council, police):
    agreement_between(world.a, council, police, data_items=[DataItem.INCIDENTS, DataItem.PERPETRATORS])
    CaseOrganisationFactory(case=case, organisation=police)
    victim(case, "John Smith")
    victim(case, "John Smith", role=PartyRole.PERPETRATOR, born=dt.date(1985, 3, 3))

    found = party_matches(police_officer, world.a, name="John Smith", date_of_birth=None, postcode="")

    assert [match.party.date_of_birth for match in found] == [dt.date(1985, 3, 3)]


def test_another_partnerships_people_are_not_offered(world, officer, council):
    elsewhere = CaseFactory(partnership=world.b, lead_organisation=council)
    victim(elsewhere, "John Smith")

    assert party_matches(officer, world.a, name="John Smith", date_of_birth=BORN, postcode="") == []


def test_a_person_on_no_case_is_offered_to_their_organisations_people_only(world, officer, police_officer):
    PartyFactory(partnership=world.a, name="John Smith", created_by=world.people["partnership_manager"])

    assert names(party_matches(officer, world.a, name="Jon Smith", date_of_birth=BORN, postcode="")) == [
        "John Smith"
    ]
    assert party_matches(police_officer, world.a, name="Jon Smith", date_of_birth=BORN, postcode="") == []


# --- Incidents ----------------------------------------------------------------------------------------


def test_the_same_reference_twice_is_offered_first(world, officer, case, council):
    when = timezone.now() - dt.timedelta(days=2)
    same = IncidentFactory(case=case, reference="CRM-001", occurred_at=when - dt.timedelta(days=30))
    nearby = IncidentFactory(case=case, reference="CRM-002", occurred_at=when, postcode="LE1 4FP")

    found = incident_matches(
        officer,
        world.a,
        reporting_organisation_id=council.pk,
        reference="CRM-001",
        occurred_at=when + dt.timedelta(hours=3),
        postcode="LE1 4FP",
        lsoa_code="",
    )

    assert [(match.incident, match.reasons) for match in found] == [
        (same, ["same reporting organisation and reference"]),
        (nearby, ["same postcode within a day"]),
    ]


def test_incidents_at_the_place_more_than_a_day_apart_are_not_offered(world, officer, case, council):
    when = timezone.now() - dt.timedelta(days=5)
    IncidentFactory(case=case, occurred_at=when, lsoa_code="E01013648")

    def near(hours):
        return incident_matches(
            officer,
            world.a,
            reporting_organisation_id=council.pk,
            reference="NEW-1",
            occurred_at=when + dt.timedelta(hours=hours),
            postcode="",
            lsoa_code="e01013648",
        )

    assert [match.reasons for match in near(23)] == [["same neighbourhood (LSOA) within a day"]]
    assert near(25) == []


def test_an_incident_on_a_case_you_cannot_see_is_not_offered(world, officer, police):
    theirs = CaseFactory(partnership=world.a, lead_organisation=police)
    IncidentFactory(case=theirs, reference="POL-9", reporting_organisation=police)

    found = incident_matches(
        officer,
        world.a,
        reporting_organisation_id=police.pk,
        reference="POL-9",
        occurred_at=None,
        postcode="",
        lsoa_code="",
    )

    assert found == []


# --- Cases --------------------------------------------------------------------------------------------


def test_open_cases_at_the_postcode_a_similar_address_or_with_the_person_are_offered(world, officer, council):
    here = CaseFactory(
        partnership=world.a, lead_organisation=council, postcode="LE1 4FP", address="1 Elm Road"
    )
    next_door = CaseFactory(
        partnership=world.a, lead_organisation=council, postcode="LE1 4FQ", address="Flat 3, 12 High Street"
    )
    with_them = CaseFactory(partnership=world.a, lead_organisation=council, postcode="LE5 0AA", address="")
    person = victim(with_them, "John Smith")
    CaseFactory(partnership=world.a, lead_organisation=council, postcode="LE1 4FP", status=CaseStatus.CLOSED)

    found = case_matches(
        officer, world.a, postcode="le1 4fp", address="Flat 3 12 High St", party_ids=[person.pk]
    )

    assert {match.case: match.reasons for match in found} == {
        here: ["same postcode"],
        next_door: ["similar address"],
        with_them: ["the same person is on it"],
    }


def test_a_case_you_cannot_see_is_not_offered(world, officer, police):
    CaseFactory(partnership=world.a, lead_organisation=police, postcode="LE1 4FP")

    assert case_matches(officer, world.a, postcode="LE1 4FP", address="") == []
