"""The demo's Leicester housing-related ASB casework and its sharing agreements, loaded once and again."""

import pytest
from django.apps import apps
from django.core.management import call_command
from django.utils import timezone

from saferhub.accounts.models import User
from saferhub.asb.models import (
    Case,
    CaseOrganisation,
    CaseStatus,
    Incident,
    Intervention,
    InterventionOutcome,
    PartyRole,
    ProblemPlace,
    RiskLevel,
    Stage,
)
from saferhub.asb.selectors import cases_visible_to
from saferhub.audit.models import AuditEvent
from saferhub.governance.models import SharingAgreement
from saferhub.partnerships.models import Partnership


@pytest.fixture
def leicester(db):
    call_command("load_demo", "--without-crime-data", verbosity=0)
    return Partnership.objects.get(slug="leicester")


def test_a_dozen_cases_at_every_risk_level_and_step_of_the_incremental_approach(leicester):
    cases = Case.objects.filter(partnership=leicester)
    assert cases.count() == 12
    assert cases.filter(status=CaseStatus.CLOSED).count() == 1
    assert {c.lead_organisation.name for c in cases} == {"Leicester City Council"}
    open_cases = cases.filter(status=CaseStatus.OPEN)
    assert set(open_cases.values_list("risk_level", flat=True)) == set(RiskLevel.values)
    assert all(case.latitude and case.longitude for case in cases)
    stages = set(
        open_cases.filter(parties__role=PartyRole.PERPETRATOR).values_list("parties__stage", flat=True)
    )
    assert {
        Stage.NONE,
        Stage.ADVICE,
        Stage.WARNING_LETTER,
        Stage.ABC,
        Stage.CPW,
        Stage.CPN,
        Stage.INJUNCTION,
    } <= stages
    today = timezone.localdate()
    warnings = Intervention.objects.filter(case_party__case__partnership=leicester, kind=Stage.CPW)
    assert warnings.filter(due_on__gt=today, outcome=InterventionOutcome.PENDING).exists()
    breached = warnings.get(outcome=InterventionOutcome.BREACHED)
    notice = Intervention.objects.get(case_party=breached.case_party, kind=Stage.CPN)
    assert breached.due_on < notice.issued_on and notice.due_on > today
    incidents = Incident.objects.filter(partnership=leicester)
    assert incidents.count() >= 2 * 12
    assert {i.reporting_organisation.name for i in incidents} == {
        "Leicester City Council",
        "Leicestershire Police",
    }
    assert incidents.filter(hate_motivated=True, hate_strand="race").count() == 1
    place = ProblemPlace.objects.get(partnership=leicester, name="Clock Tower and Gallowtree Gate")
    assert place.group.name == "Joint Action Group (JAG)" and place.action_links.count() == 1


def test_the_police_see_their_cases_the_university_has_lapsed_and_the_fire_service_sees_none(leicester):
    today = timezone.localdate()
    agreements = {a.title: a for a in SharingAgreement.objects.filter(partnership=leicester)}
    housing = agreements["Leicester housing-related ASB casework sharing agreement"]
    student = agreements["Student housing ASB sharing agreement with De Montfort University"]
    assert housing.in_force_on(today) and not student.in_force_on(today) and student.ends_on < today

    def visible(email):
        return cases_visible_to(User.objects.get(email=email), leicester).count()

    police_cases = CaseOrganisation.objects.filter(
        case__partnership=leicester, organisation__name="Leicestershire Police", removed_at=None
    ).count()
    university_cases = CaseOrganisation.objects.filter(
        case__partnership=leicester, organisation__name="De Montfort University", removed_at=None
    ).count()
    assert visible("caseworker@leicester.demo") == 12
    assert visible("police.officer@leicester.demo") == police_cases > 0
    assert university_cases > 0 and visible("student.liaison@leicester.demo") == 0
    assert visible("fire.officer@leicester.demo") == 0


def row_counts():
    return {model._meta.label: model._default_manager.count() for model in apps.get_models()}


def test_loading_the_demo_again_changes_nothing(leicester):
    before = row_counts()
    call_command("load_demo", "--without-crime-data", verbosity=0)
    assert row_counts() == before
    assert AuditEvent.objects.count() == before[AuditEvent._meta.label]
