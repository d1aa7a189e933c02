"""The partnership's casework settings: its managers change them (the row made on the first save, each save
audited), every number with its default shown, and the risk matrix edited as lines with specific errors."""

import html
from typing import Any

import pytest
from django.urls import reverse

from saferhub.asb.models import AsbSettings
from saferhub.asb.risk import DEFAULT_MATRIX, Matrix, matrix_as_lines
from saferhub.asb.selectors.risk import matrix_of
from saferhub.audit.models import AuditVerb
from tests.helpers import assert_event, last_event_id, the_one_new_event

URL = reverse("asb:settings", args=["alpha"])


def settings_form(**changes: Any) -> dict[str, Any]:
    values = {
        "risk_assessment_within_days": "5",
        "risk_review_every_days": "28",
        "abc_review_days": "182",
        "cpw_compliance_days": "28",
        "cpn_appeal_days": "21",
        "fpn_payment_days": "14",
        "closure_hearing_hours": "48",
        "closure_order_months": "3",
        "closure_order_max_months": "6",
        "new_incident_days": "7",
        "use_default_matrix": "on",
        "questions": matrix_as_lines(DEFAULT_MATRIX),
        "medium": "6",
        "high": "14",
    }
    return {key: value for key, value in {**values, **changes}.items() if value is not None}


def test_the_page_shows_each_number_with_its_default(sign_in):
    page = sign_in("partnership_manager").get(URL)
    text = page.content.decode()
    assert page.status_code == 200
    for hint in (
        "Default: 5 days.",
        "Default: 28 days.",
        "Default: 48 hours.",
        "Default: 6.",
        "Default: 14.",
    ):
        assert hint in text
    assert "The default risk matrix" in text


def test_the_first_save_makes_the_row_and_a_later_one_audits_what_changed(sign_in, manager, world):
    client = sign_in("partnership_manager")
    before = last_event_id()

    response = client.post(URL, settings_form(risk_assessment_within_days="7"))

    assert response.status_code == 302
    saved = AsbSettings.objects.get(partnership=world.a)
    assert (saved.risk_assessment_within_days, saved.risk_matrix) == (7, {})
    assert_event(
        the_one_new_event(before), verb=AuditVerb.CREATED, actor=manager, partnership=world.a, target=saved
    )

    before = last_event_id()
    client.post(URL, settings_form(risk_assessment_within_days="7", cpn_appeal_days="28"))

    saved.refresh_from_db()
    assert saved.cpn_appeal_days == 28
    assert_event(
        the_one_new_event(before),
        verb=AuditVerb.UPDATED,
        actor=manager,
        partnership=world.a,
        target=saved,
        context={"fields": ["cpn_appeal_days"]},
    )


def test_a_partnerships_own_matrix_is_scored_against_and_reset_to_the_default(sign_in, world):
    client = sign_in("partnership_manager")
    questions = "3 | Is the victim a carer?\n5 | Are they in danger? | high\n4 | Has it gone on a year?"

    client.post(URL, settings_form(use_default_matrix=None, questions=questions, medium="3", high="7"))

    matrix = matrix_of(world.a)
    assert [(q.text, q.weight, q.makes_high) for q in matrix.questions] == [
        ("Is the victim a carer?", 3, False),
        ("Are they in danger?", 5, True),
        ("Has it gone on a year?", 4, False),
    ]
    assert (matrix.medium, matrix.high) == (3, 7)
    assert "Is the victim a carer?" in client.get(URL).content.decode()  # shown back for the next edit

    client.post(URL, settings_form())

    assert matrix_of(world.a) is DEFAULT_MATRIX
    assert AsbSettings.objects.get(partnership=world.a).risk_matrix == {}


@pytest.mark.parametrize(
    ("changes", "problem"),
    [
        ({"questions": "Is it noisy?"}, "Line 1: write a weight, a bar and the question"),
        ({"questions": "30 | Is it noisy?"}, "Line 1: the weight must be a whole number from 1 to 20"),
        ({"questions": ""}, "Enter at least one question, or choose to use the default matrix"),
        (
            {"medium": "14", "high": "14"},
            "The score for high risk must be more than the score for medium, 14",
        ),
        (
            {"high": "40"},
            "The score for high risk, 40, is more than the questions' weights add up to, 31",
        ),
        ({"high": ""}, "Enter the score for high risk"),
    ],
)
def test_a_matrix_that_cannot_work_is_refused_with_why(sign_in, world, changes, problem):
    response = sign_in("partnership_manager").post(URL, settings_form(use_default_matrix=None, **changes))
    assert response.status_code == 400
    assert problem in html.unescape(response.content.decode())
    assert not AsbSettings.objects.filter(partnership=world.a).exists()


@pytest.mark.parametrize(
    ("changes", "problem"),
    [
        ({"closure_hearing_hours": "72"}, "The hours to the closure order hearing must be 48 or fewer"),
        ({"closure_order_months": "4"}, "The months a closure order lasts must be 3 or fewer"),
        ({"risk_review_every_days": "0"}, "The days between risk assessment reviews must be 1 or more"),
        (
            {"abc_review_days": "six"},
            "Enter the days to an Acceptable Behaviour Contract's review as a whole number",
        ),
        ({"new_incident_days": ""}, "Enter the days a new incident shows in My work"),
        (
            {"closure_order_months": "3", "closure_order_max_months": "2"},
            "A closure order with its extensions cannot last less than the order itself, 3 months",
        ),
    ],
)
def test_a_number_out_of_range_is_refused_with_why(sign_in, world, changes, problem):
    response = sign_in("partnership_manager").post(URL, settings_form(**changes))
    assert response.status_code == 400
    assert problem in html.unescape(response.content.decode())


def test_a_case_officer_may_not_change_the_settings(sign_in, world):
    assert sign_in("case_officer").post(URL, settings_form()).status_code == 403
    assert not AsbSettings.objects.exists()


def test_an_unsaved_default_and_a_snapshot_read_the_same_way():
    assert Matrix.from_json(DEFAULT_MATRIX.as_json()) == DEFAULT_MATRIX
