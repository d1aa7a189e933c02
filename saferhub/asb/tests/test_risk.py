"""Victims' risk and vulnerability: scoring against the matrix, the assessment page and service, the case's
level, flag and deadlines, who sees it, and the list of overdue assessments."""

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
import time_machine
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse

from saferhub.asb.models import AsbSettings, Case, CaseParty, CaseStatus, Flag, PartyRole, RiskAssessment
from saferhub.asb.risk import (
    DEFAULT_MATRIX,
    Matrix,
    MatrixTextError,
    Question,
    matrix_as_lines,
    matrix_in_force,
    questions_from_lines,
    scored,
)
from saferhub.asb.selectors.risk import risk_assessments_overdue
from saferhub.asb.services.risk import risk_assess
from saferhub.asb.tests.factories import CaseFactory, CaseOrganisationFactory, CasePartyFactory
from saferhub.asb.workflows import FIRST_ASSESSMENT, RISK_REVIEW, CaseRefused
from saferhub.audit.models import AuditEvent, AuditVerb
from saferhub.governance.models import DataItem
from saferhub.governance.tests.factories import agreement_between
from saferhub.partnerships.models import Organisation, Role
from saferhub.partnerships.tests.factories import MembershipFactory, UserFactory
from saferhub.workflow.models import Deadline
from saferhub.workflow.services import transition
from tests.helpers import assert_event

OPENED = dt.date(2026, 3, 2)  # a Monday
TODAY = dt.datetime(2026, 3, 4, 10, 0, tzinfo=dt.UTC)

# --- Scoring --------------------------------------------------------------------------------------------

SMALL = Matrix(
    questions=(
        Question("a", "A?", 2),
        Question("b", "B?", 3),
        Question("c", "C?", 4),
        Question("danger", "In danger?", 1, makes_high=True),
    ),
    medium=3,
    high=7,
)


@pytest.mark.parametrize(
    ("answers", "score", "level"),
    [
        ([], 0, "standard"),
        (["a"], 2, "standard"),  # one below medium
        (["b"], 3, "medium"),  # medium at its threshold
        (["a", "c"], 6, "medium"),  # one below high
        (["b", "c"], 7, "high"),  # high at its threshold
        (["danger"], 1, "high"),  # a question that makes it high, whatever the score
        (["a", "not-asked"], 2, "standard"),  # a key the matrix does not ask counts for nothing
    ],
)
def test_the_score_is_the_weights_answered_yes_and_the_level_its_thresholds(answers, score, level):
    result = scored(SMALL, answers)
    assert (result.score, result.level) == (score, level)


def test_the_default_matrix_makes_fear_for_safety_and_self_harm_high_on_their_own():
    assert {q.key for q in DEFAULT_MATRIX.questions if q.makes_high} == {"fears_for_safety", "self_harm"}
    assert scored(DEFAULT_MATRIX, ["self_harm"]).level == "high"
    assert 12 <= len(DEFAULT_MATRIX.questions) <= 16
    assert 0 < DEFAULT_MATRIX.medium < DEFAULT_MATRIX.high <= DEFAULT_MATRIX.highest_score


def test_a_partnerships_matrix_overrides_the_default_only_when_it_has_one():
    assert matrix_in_force({}) is DEFAULT_MATRIX
    assert matrix_in_force(SMALL.as_json()) == SMALL


def test_the_matrix_as_lines_reads_back_as_the_same_questions_keeping_the_defaults_keys():
    assert questions_from_lines(matrix_as_lines(DEFAULT_MATRIX)) == DEFAULT_MATRIX.questions
    [question] = questions_from_lines("3 | Is the victim a carer? | high\n\n")
    assert (question.key, question.weight, question.makes_high) == ("is-the-victim-a-carer", 3, True)


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("Is it noisy?", "Line 1: write a weight, a bar and the question"),
        ("2 | Fine\nx | Is it noisy?", "Line 2: the weight must be a whole number from 1 to 20"),
        ("0 | Is it noisy?", "Line 1: the weight must be a whole number from 1 to 20"),
        ("2 | Is it noisy? | always", "Line 1: after the question write only “| high”"),
        ("2 | Is it noisy?\n3 | Is it noisy?", "Line 2: this question is asked on an earlier line"),
        ("  \n", "Enter at least one question"),
    ],
)
def test_a_line_that_cannot_be_read_says_which_and_why(text, problem):
    with pytest.raises(MatrixTextError, match=problem):
        questions_from_lines(text)


# --- Assessing ------------------------------------------------------------------------------------------


@pytest.fixture
def case(world: Any) -> Case:
    """A's case led by the council, opened through the workflow (so its first assessment's deadline runs)."""
    with time_machine.travel(dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)):
        return transition(
            actor=world.people["case_officer"],
            record=CaseFactory.build(
                partnership=world.a,
                lead_organisation=Organisation.objects.get(name="Alpha City Council"),
                lead_officer=world.people["case_officer"],
                opened_on=OPENED,
            ),
            name="open",
        )


@pytest.fixture
def victim(case: Case) -> Any:
    return CasePartyFactory(case=case, party__name="Val Victim")


def new_url(case: Case, party: CaseParty) -> str:
    return reverse("asb:risk-new", args=[case.partnership.slug, case.public_id, party.public_id])


def deadline(case: Case, name: str) -> Deadline:
    return Deadline.objects.get(
        target_type=ContentType.objects.get_for_model(Case), target_id=case.pk, name=name
    )


def form(answers: list[str], *, on: str = "2026-03-03", flag: str = "", notes: str = "") -> dict[str, Any]:
    return {"answers": answers, "assessed_on": on, "flag": flag, "notes": notes}


@time_machine.travel(TODAY)
def test_the_first_assessment_is_due_the_set_days_after_opening(case):
    first = deadline(case, FIRST_ASSESSMENT)
    assert (first.due_on, first.assignee, first.closed_at) == (dt.date(2026, 3, 7), case.lead_officer, None)


@time_machine.travel(TODAY)
def test_an_officer_assesses_a_victim_and_the_case_takes_the_level_and_the_review(
    sign_in, world, case, victim
):
    client = sign_in("case_officer")
    page = client.get(new_url(case, victim))
    assert page.status_code == 200
    assert "Risk and vulnerability of Val Victim" in page.content.decode()
    assert "2026-03-04" in page.content.decode()  # the day, today by default

    response = client.post(new_url(case, victim), form(["repeat", "worse", "mental_health"], notes="Scared"))

    assessment = RiskAssessment.objects.get(victim=victim)
    assert response.status_code == 302
    assert response["Location"] == reverse(
        "asb:risk", args=[world.a.slug, case.public_id, assessment.public_id]
    )
    assert (assessment.score, assessment.level, assessment.assessed_by) == (
        6,
        "medium",
        world.people["case_officer"],
    )
    assert assessment.answers == ["repeat", "worse", "mental_health"]
    assert assessment.next_review_on == dt.date(2026, 3, 31)  # 28 days after 3 March
    case.refresh_from_db()
    assert (case.risk_level, case.risk_review_due_on, case.flagged_for) == (
        "medium",
        dt.date(2026, 3, 31),
        "",
    )
    assert deadline(case, FIRST_ASSESSMENT).closed_by == "assess_risk"
    review = deadline(case, RISK_REVIEW)
    assert (review.due_on, review.closed_at) == (dt.date(2026, 3, 31), None)
    created = AuditEvent.objects.get(verb=AuditVerb.CREATED, target_id=str(assessment.public_id))
    assert_event(
        created,
        verb=AuditVerb.CREATED,
        actor=world.people["case_officer"],
        partnership=world.a,
        target=assessment,
        context={"case": case.reference, "level": "medium", "flagged_for": ""},
    )


@time_machine.travel(TODAY)
def test_the_review_follows_the_partnerships_own_days(world, case, victim):
    AsbSettings.objects.create(partnership=world.a, risk_review_every_days=14)
    risk_assess(actor=world.people["case_officer"], case=case, victim=victim, answers=[], assessed_on=OPENED)
    assert deadline(case, RISK_REVIEW).due_on == dt.date(2026, 3, 16)


@time_machine.travel(TODAY)
def test_a_high_risk_needs_a_flag_and_flags_the_case(sign_in, case, victim):
    client = sign_in("case_officer")
    refused = client.post(new_url(case, victim), form(["fears_for_safety"]))
    assert refused.status_code == 400
    assert "These answers make the risk high: choose the Joint Action Group or a case conference" in (
        refused.content.decode()
    )
    assert not RiskAssessment.objects.exists()

    client.post(new_url(case, victim), form(["fears_for_safety"], flag=Flag.CASE_CONFERENCE))

    case.refresh_from_db()
    assert (case.risk_level, case.flagged_for) == ("high", Flag.CASE_CONFERENCE)
    assert RiskAssessment.objects.get().score == 4  # high on the one answer, not the score


@time_machine.travel(TODAY)
def test_a_lower_risk_leaves_the_flag_unless_the_officer_takes_it_off(sign_in, case, victim):
    Case.objects.filter(pk=case.pk).update(flagged_for=Flag.JAG)
    client = sign_in("case_officer")
    assert "Leave it flagged for the Joint Action Group" in client.get(new_url(case, victim)).content.decode()

    client.post(new_url(case, victim), form(["alone"]))
    case.refresh_from_db()
    assert (case.risk_level, case.flagged_for) == ("standard", Flag.JAG)

    client.post(new_url(case, victim), form(["alone"], flag="none"))
    case.refresh_from_db()
    assert case.flagged_for == ""


@time_machine.travel(TODAY)
@pytest.mark.parametrize(
    ("day", "problem"),
    [
        ("2026-03-05", "The date of the assessment must be today or in the past"),
        ("2026-03-01", "The date of the assessment must be on or after the case was opened"),
        ("", "Enter the date of the assessment"),
    ],
)
def test_the_day_is_not_in_the_future_nor_before_the_case(sign_in, case, victim, day, problem):
    response = sign_in("case_officer").post(new_url(case, victim), form([], on=day))
    assert response.status_code == 400
    assert problem in response.content.decode()
    assert "There is a problem" in response.content.decode()


@time_machine.travel(TODAY)
def test_answers_to_questions_no_longer_asked_are_refused(sign_in, case, victim):
    response = sign_in("case_officer").post(new_url(case, victim), form(["asked-last-year"], flag="none"))
    text = response.content.decode()
    assert response.status_code == 400
    assert "The questions have changed since the page was opened: answer them again" in text
    assert "Choose what to flag the case for, or not to flag it" in text  # nothing to take off


@time_machine.travel(TODAY)
def test_a_closed_case_is_not_assessed_and_says_why(sign_in, case, victim):
    Case.objects.filter(pk=case.pk).update(status=CaseStatus.CLOSED)
    response = sign_in("case_officer").post(new_url(case, victim), form(["repeat"]))
    assert response.status_code == 400
    assert "This case is closed; it can be assessed only when it is open" in response.content.decode()
    assert not RiskAssessment.objects.exists()
    case.refresh_from_db()
    assert (case.risk_level, case.risk_review_due_on) == ("", None)


@time_machine.travel(TODAY)
def test_only_a_victim_is_assessed(sign_in, world, case):
    perpetrator = CasePartyFactory(case=case, role=PartyRole.PERPETRATOR)
    assert sign_in("case_officer").get(new_url(case, perpetrator)).status_code == 404
    with pytest.raises(CaseRefused, match="of a victim on this case"):
        risk_assess(
            actor=world.people["case_officer"], case=case, victim=perpetrator, answers=[], assessed_on=OPENED
        )


# --- One assessment, and who sees it --------------------------------------------------------------------


@time_machine.travel(TODAY)
def test_an_assessment_shows_against_its_own_matrix_after_the_partnership_changes_it(
    sign_in, world, case, victim
):
    assessment = risk_assess(
        actor=world.people["case_officer"],
        case=case,
        victim=victim,
        answers=["self_harm", "alone"],
        assessed_on=OPENED,
        notes="<b>Lives alone</b>",
        flag=Flag.JAG,
    )
    AsbSettings.objects.create(partnership=world.a, risk_matrix=SMALL.as_json())
    client = sign_in("partnership_manager")

    page = client.get(reverse("asb:risk", args=[world.a.slug, case.public_id, assessment.public_id]))

    text = page.content.decode()
    assert page.status_code == 200
    assert "Have they had thoughts of harming themselves" in text
    assert "In danger?" not in text
    assert "High whatever the score, because the answer was yes to" in text
    assert "&lt;b&gt;Lives alone&lt;/b&gt;" in text
    viewed = AuditEvent.objects.filter(verb=AuditVerb.VIEWED, target_id=str(assessment.public_id))
    assert list(viewed.values_list("actor", flat=True)) == [world.people["partnership_manager"].pk]


@pytest.fixture
def police_officer(world: Any, case: Case) -> Any:
    """A case officer of the police, which is on A's case."""
    police = Organisation.objects.get(name="Shire Police")
    officer = UserFactory(email="officer@police.example")
    MembershipFactory(user=officer, partnership=world.a, organisation=police, role=Role.CASE_OFFICER)
    CaseOrganisationFactory(case=case, organisation=police)
    return officer


@time_machine.travel(TODAY)
@pytest.mark.parametrize(
    ("items", "status"),
    [([DataItem.INCIDENTS, DataItem.VICTIMS], 404), ([DataItem.INCIDENTS, DataItem.RISK], 200)],
)
def test_a_partner_sees_risk_only_when_its_agreement_shares_it(
    client, world, case, victim, police_officer, items, status
):
    council, police = (Organisation.objects.get(name=name) for name in ("Alpha City Council", "Shire Police"))
    agreement_between(world.a, council, police, data_items=[item.value for item in items])
    assessment = risk_assess(
        actor=world.people["case_officer"], case=case, victim=victim, answers=[], assessed_on=OPENED
    )
    client.force_login(police_officer)
    assert client.get(new_url(case, victim)).status_code == status
    page = client.get(reverse("asb:risk", args=[world.a.slug, case.public_id, assessment.public_id]))
    assert page.status_code == status
    if status == 200:  # risk is shared, victims' details are not: the name is not shown
        assert "Risk assessment of the victim" in page.content.decode()
        assert "Val Victim" not in page.content.decode()
    assert AuditEvent.objects.filter(verb=AuditVerb.VIEWED, actor=police_officer).exists() == (status == 200)


# --- Overdue assessments, for the work list -------------------------------------------------------------


def overdue_on(day: dt.date, **scope: Any) -> list[Case]:
    return list(risk_assessments_overdue(today=day, **scope))


def test_a_first_assessment_is_overdue_the_day_after_it_is_due(world, case):
    assert overdue_on(dt.date(2026, 3, 7), partnership=world.a) == []
    assert overdue_on(dt.date(2026, 3, 8), partnership=world.a) == [case]
    AsbSettings.objects.create(partnership=world.a, risk_assessment_within_days=10)
    assert overdue_on(dt.date(2026, 3, 12), partnership=world.a) == []


def test_a_review_is_overdue_the_day_after_it_is_due_and_closed_cases_are_not_listed(world, case, victim):
    with time_machine.travel(TODAY):
        risk_assess(
            actor=world.people["case_officer"], case=case, victim=victim, answers=[], assessed_on=OPENED
        )
    assert overdue_on(dt.date(2026, 3, 30), partnership=world.a) == []
    assert overdue_on(dt.date(2026, 3, 31), partnership=world.a) == [case]
    Case.objects.filter(pk=case.pk).update(status=CaseStatus.CLOSED)
    assert overdue_on(dt.date(2026, 3, 31), partnership=world.a) == []


def test_the_overdue_list_of_an_officer_is_of_the_cases_they_lead(world, case):
    late = dt.date(2026, 4, 1)
    other = CaseFactory(partnership=world.b, lead_officer=world.people["other_manager"], opened_on=OPENED)
    assert overdue_on(late, user=world.people["case_officer"]) == [case]
    assert overdue_on(late, user=world.people["other_manager"]) == [other]
    assert overdue_on(late, partnership=world.a, user=world.people["other_manager"]) == []
    assert set(overdue_on(late)) == {case, other}


def test_the_documented_default_matrix_is_the_one_shipped():
    docs = (Path(settings.BASE_DIR) / "docs" / "asb-risk.md").read_text()
    for question in DEFAULT_MATRIX.questions:
        high = " yes " if question.makes_high else " "
        assert f"| {question.weight} | {question.text} |{high}|" in docs
    assert f"| Medium | {DEFAULT_MATRIX.medium} to {DEFAULT_MATRIX.high - 1} |" in docs
    assert f"The highest possible score is {DEFAULT_MATRIX.highest_score}." in docs
