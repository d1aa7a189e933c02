"""Funding's work on "My work": scoring, the managers' checks and decisions, offers and project reports."""

import datetime as dt

from saferhub.grants.models import (
    ApplicationStatus,
    Award,
    AwardStatus,
    ConflictOfInterest,
    ProjectReturn,
    ProjectReturnRound,
    Score,
)
from saferhub.grants.tests.factories import (
    ApplicantMemberFactory,
    ApplicationFactory,
    CriterionFactory,
    FundFactory,
    GrantRoundFactory,
)
from saferhub.grants.work import work_for
from saferhub.reporting.models import ReturnStatus

TODAY = dt.date(2026, 7, 20)


def _round(world, key="a"):
    grant_round = GrantRoundFactory(fund=FundFactory(partnership=getattr(world, key)))
    criteria = [CriterionFactory(grant_round=grant_round) for _ in range(2)]
    return grant_round, criteria


def _application(grant_round, status=ApplicationStatus.ELIGIBLE, **values):
    return ApplicationFactory(grant_round=grant_round, status=status, **values)


def _labels(user):
    return sorted(item.label for item in work_for(user, TODAY))


# Assessors


def test_an_assessor_is_asked_to_score_what_they_have_not_finished(world):
    assessor = world.people["grant_assessor"]
    grant_round, criteria = _round(world)
    grant_round.assessors.add(assessor)
    unscored = _application(grant_round, title="Youth boxing")
    half_scored = _application(grant_round, title="Street pastors")
    Score.objects.create(application=half_scored, assessor=assessor, criterion=criteria[0], score=3)

    items = work_for(assessor, TODAY)

    assert sorted(item.label for item in items) == [
        "Score, or declare a conflict of interest: Street pastors",
        "Score, or declare a conflict of interest: Youth boxing",
    ]
    (boxing,) = [item for item in items if item.label.endswith("Youth boxing")]
    assert boxing.url == f"/p/alpha/funding/applications/{unscored.public_id}/"
    assert boxing.partnership == "Alpha Community Safety Partnership"
    assert boxing.due_on is None


def test_an_assessor_is_not_asked_for_what_is_scored_conflicted_not_yet_eligible_or_not_theirs(world):
    assessor = world.people["grant_assessor"]
    grant_round, criteria = _round(world)
    grant_round.assessors.add(assessor)
    scored = _application(grant_round)
    for criterion in criteria:
        Score.objects.create(application=scored, assessor=assessor, criterion=criterion, score=4)
    conflicted = _application(grant_round)
    ConflictOfInterest.objects.create(application=conflicted, assessor=assessor, reason="I chair its board")
    _application(grant_round, status=ApplicationStatus.SUBMITTED)
    other_round, _ = _round(world)
    _application(other_round)

    assert _labels(assessor) == []


# The partnership's managers


def test_a_manager_is_asked_to_check_submitted_and_decide_moderated_applications(world):
    grant_round, _ = _round(world)
    _application(grant_round, status=ApplicationStatus.SUBMITTED, title="Youth boxing")
    _application(grant_round, status=ApplicationStatus.MODERATED, title="Street pastors")
    _application(grant_round, status=ApplicationStatus.APPROVED, title="Done already")

    assert _labels(world.people["partnership_manager"]) == [
        "Check whether this application is eligible: Youth boxing",
        "Decide this application: Street pastors",
    ]
    assert _labels(world.people["other_manager"]) == []
    assert _labels(world.people["analyst"]) == []


# Applicants: offers and project reports


def _award(world, applicant, status=AwardStatus.OFFERED):
    grant_round, _ = _round(world)
    application = _application(grant_round, status=ApplicationStatus.APPROVED, title="Youth boxing")
    ApplicantMemberFactory(user=applicant, organisation=application.organisation)
    return Award.objects.create(
        application=application, amount_pence=500_000, respond_by=dt.date(2026, 7, 24), status=status
    )


def test_an_applicant_is_asked_to_answer_an_offer_by_its_date(world):
    applicant = ApplicantMemberFactory().user
    award = _award(world, applicant)

    (item,) = work_for(applicant, TODAY)

    assert item.label == "Accept or decline the offer of funding: Youth boxing"
    assert item.url == f"/funding/awards/{award.public_id}/"
    assert item.due_on == dt.date(2026, 7, 24)
    assert work_for(ApplicantMemberFactory().user, TODAY) == []


def _report(world, award, status):
    reporting_round = ProjectReturnRound.objects.create(
        partnership=world.a,
        fund=award.application.grant_round.fund,
        financial_year=2026,
        quarter=1,
        due_on=dt.date(2026, 7, 15),
    )
    return ProjectReturn.objects.create(reporting_round=reporting_round, award=award, status=status)


def test_a_project_report_to_send_is_the_applicants_and_a_submitted_one_the_managers(world):
    applicant = ApplicantMemberFactory().user
    award = _award(world, applicant, AwardStatus.ACCEPTED)
    report = _report(world, award, ReturnStatus.RETURNED)

    (item,) = work_for(applicant, TODAY)
    assert item.label == "Send the 2026/27 Q1 project report: Youth boxing"
    assert item.url == f"/funding/reports/{report.public_id}/"
    assert item.days_left(TODAY) == -5
    assert item.detail == "Returned for changes"
    assert _labels(world.people["partnership_manager"]) == []

    report.status = ReturnStatus.SUBMITTED
    report.save()
    assert work_for(applicant, TODAY) == []
    (decision,) = work_for(world.people["partnership_manager"], TODAY)
    assert decision.label == "Decide the 2026/27 Q1 project report: Youth boxing"
    assert decision.url == f"/p/alpha/funding/reports/{report.public_id}/"
