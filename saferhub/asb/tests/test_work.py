"""A case officer's casework on "My work": deadlines on the cases they lead, incidents others recorded on them
lately, and the cases at high risk; never a case they may not see in full."""

import datetime as dt

import pytest
import time_machine
from django.contrib.contenttypes.models import ContentType
from django.utils import timezone

from saferhub.asb.models import AsbSettings, Case, CaseParty, CaseStatus, Flag, Incident, PartyRole, RiskLevel
from saferhub.asb.tests.factories import CaseFactory, CasePartyFactory, IncidentFactory
from saferhub.asb.work import work_for
from saferhub.partnerships.tests.factories import OrganisationFactory, UserFactory
from saferhub.workflow.models import Deadline

TODAY = dt.date(2026, 3, 10)
NOW = dt.datetime(2026, 3, 10, 9, 0, tzinfo=dt.UTC)


@pytest.fixture
def officer(world):
    return world.people["case_officer"]


@pytest.fixture
def council(world):
    return world.people["case_officer"].memberships.get().organisation


def _case(world, officer, council, **values):
    values = {"partnership": world.a, "lead_organisation": council, "lead_officer": officer, **values}
    return CaseFactory(**values)


def _deadline(record, name, due_on, *, closed=False):
    return Deadline.objects.create(
        target_type=ContentType.objects.get_for_model(record),
        target_id=record.pk,
        partnership=record.audit_partnership,
        name=name,
        due_on=due_on,
        started_at=NOW - dt.timedelta(days=10),
        closed_at=NOW if closed else None,
    )


def test_open_deadlines_on_a_case_and_its_parties_are_listed_with_their_dates(world, officer, council):
    case = _case(world, officer, council, reference="ASB-2026-00042")
    perpetrator = CasePartyFactory(case=case, role=PartyRole.PERPETRATOR)
    _deadline(case, "First risk assessment", dt.date(2026, 3, 6))
    _deadline(perpetrator, "Community Protection Warning compliance deadline", dt.date(2026, 3, 12))

    items = work_for(officer, TODAY)

    assert sorted((item.label, item.days_left(TODAY)) for item in items) == [
        ("Community Protection Warning compliance deadline: ASB-2026-00042", 2),
        ("First risk assessment: ASB-2026-00042", -4),
    ]
    assert {item.url for item in items} == {f"/p/alpha/asb/cases/{case.public_id}/"}
    assert {item.partnership for item in items} == {"Alpha Community Safety Partnership"}


def test_closed_and_distant_deadlines_are_not_todays_work(world, officer, council):
    case = _case(world, officer, council)
    _deadline(case, "First risk assessment", dt.date(2026, 3, 6), closed=True)
    _deadline(case, "Risk assessment review", dt.date(2026, 4, 30))

    assert work_for(officer, TODAY) == []


def test_only_the_cases_the_officer_leads_for_their_own_organisation_while_open(world, officer, council):
    mine_closed = _case(world, officer, council, status=CaseStatus.CLOSED)
    someone_elses = _case(world, UserFactory(), council)
    police_led = _case(world, officer, OrganisationFactory(name="Shire Fire and Rescue"))
    other_partnership = _case(world, officer, council, partnership=world.b)
    for case in (mine_closed, someone_elses, police_led, other_partnership):
        _deadline(case, "First risk assessment", dt.date(2026, 3, 6))

    assert work_for(officer, TODAY) == []
    assert work_for(world.people["nobody"], TODAY) == []


def test_incidents_someone_else_recorded_lately_are_listed_once_a_case(world, officer, council):
    case = _case(world, officer, council, reference="ASB-2026-00042")
    colleague = UserFactory()
    with time_machine.travel(NOW - dt.timedelta(days=2), tick=False):
        IncidentFactory(case=case, recorded_by=colleague)
        IncidentFactory(case=case, recorded_by=None)
        IncidentFactory(case=case, recorded_by=officer)
    with time_machine.travel(NOW - dt.timedelta(days=8), tick=False):
        IncidentFactory(case=case, recorded_by=colleague)

    (item,) = work_for(officer, TODAY)

    assert item.label == "New incidents to read: ASB-2026-00042"
    assert item.detail == "2 recorded by others in the last 7 days"
    assert item.due_on is None


def test_the_partnerships_setting_says_how_long_an_incident_is_new(world, officer, council):
    AsbSettings.objects.create(partnership=world.a, new_incident_days=10)
    case = _case(world, officer, council)
    with time_machine.travel(NOW - dt.timedelta(days=10), tick=False):
        IncidentFactory(case=case, recorded_by=UserFactory())
    with time_machine.travel(NOW - dt.timedelta(days=11), tick=False):
        IncidentFactory(case=case, recorded_by=UserFactory())

    (item,) = work_for(officer, TODAY)

    assert item.label.startswith("A new incident to read")
    assert item.detail == "1 recorded by others in the last 10 days"


def test_a_high_risk_case_is_listed_with_its_flag(world, officer, council):
    _case(
        world, officer, council, reference="ASB-2026-00007", risk_level=RiskLevel.HIGH, flagged_for=Flag.JAG
    )
    _case(world, officer, council, risk_level=RiskLevel.MEDIUM)

    (item,) = work_for(officer, TODAY)

    assert item.label == "High-risk case: ASB-2026-00007"
    assert item.detail == "Flagged for Joint Action Group"


def test_a_busy_officers_work_is_a_handful_of_queries(world, officer, council, django_assert_max_num_queries):
    today = timezone.localdate()
    for number in range(60):
        case = _case(world, officer, council, risk_level=RiskLevel.HIGH)
        _deadline(case, "First risk assessment", today - dt.timedelta(days=number % 5))
        _deadline(CasePartyFactory(case=case, role=PartyRole.PERPETRATOR), "Fixed penalty payment due", today)
        IncidentFactory(case=case, recorded_by=None)
    assert Case.objects.count() == CaseParty.objects.count() == Incident.objects.count() == 60

    with django_assert_max_num_queries(6):
        items = work_for(officer, today)

    assert len(items) == 60 * 4
