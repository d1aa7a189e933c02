"""The authorisation matrix rows for this app's URL names, merged into test_authz_matrix.MATRIX.

Whoever sees the partnership reads its assessments; its analysts and managers make and change them; its
managers, analysts and theme leads score issues (not caseworkers, the read-only board, or the county board
above); its managers choose the priorities.
"""

from typing import Any

import pyarrow.parquet as pq

from saferhub.assessment.scoring import shipped_models
from saferhub.assessment.tests.factories import (
    AssessedIndicatorFactory,
    AssessmentFactory,
    ChosenPriorityFactory,
    IssueFactory,
)
from saferhub.crimedata import schema
from saferhub.crimedata.models import Partition
from saferhub.crimedata.store import store_root
from tests.security.matrix_words import ANALYSES, MANAGES, READS, SIGN_IN, TO_DOCUMENT, Expect, Row, To

# fmt: off
#                      anonymous  manager  theme_lead  analyst  member  county  other  nobody
SCORERS          = Row(SIGN_IN,   200,     200,        200,     403,    403,    404,   404)
# fmt: on


def assessment_form(w: Any) -> dict[str, Any]:
    return {
        "title": "Serious violence needs assessment",
        "label": "SV 2024",
        "period_kind": "financial-year",
        "last_month": "2024-03",
        "years": "5",
        "indicators": [w.records["a"]["indicator"].pk],
        "scoring_model": "morile-style",
        "accept_periods_without_data": "on",  # the matrix's store does not hold every year
    }


def settings_form(w: Any) -> dict[str, Any]:
    model = shipped_models()["morile-style"]
    return {
        "summary": "Changed by the test",
        "cell_size": "500",
        "comparator_codes": "",
        "position_weight": "0.5",
        **{f"weight_{d.slug}": "1" for d in model.dimensions},
    }


MATRIX: dict[str, Expect] = {
    "assessment:assessments": Expect(READS),
    "assessment:assessment-new": Expect(ANALYSES, data=assessment_form),
    "assessment:assessment": Expect(READS),
    "assessment:headline-csv": Expect(READS),
    "assessment:trends": Expect(READS),
    "assessment:places": Expect(READS),
    "assessment:settings": Expect(ANALYSES, data=settings_form),
    "assessment:issue-new": Expect(ANALYSES, data=lambda w: {"title": "Knife crime", "description": ""}),
    "assessment:scoring": Expect(READS),
    "assessment:issue-score": Expect(SCORERS, data=lambda w: {"influence": "3", "rationale": "x"}),
    "assessment:workshop": Expect(READS),
    "assessment:issue-agree": Expect(ANALYSES, data=lambda w: {"influence": "2", "rationale": "Agreed"}),
    "assessment:ranking": Expect(READS),
    # Anyone who reads sees the chosen priorities; choosing takes a manager.
    "assessment:priorities": Expect(
        READS,
        post=MANAGES,
        data=lambda w: {"issue": w.records["a"]["issue"].pk, "reason": "Highest harm"},
    ),
    # POST only; someone who cannot see the partnership is told it is not there whatever the method.
    "assessment:priority-remove": Expect(
        Row(SIGN_IN, 405, 405, 405, 405, 405, 404, 404),
        data=lambda w: {},
        post=Row(SIGN_IN, To("/p/alpha/assessments/"), 403, 403, 403, 403, 404, 404),
    ),
    "assessment:priority-to-plan": Expect(MANAGES, data=lambda w: {"plan": w.records["a"]["plan"].pk}),
    "assessment:report": Expect(READS),
    # Asking for the PDF sends whoever may read the report to the document (its file, or its progress).
    "assessment:report-pdf": Expect(TO_DOCUMENT),
}

# URL kwarg -> the key of the record in world.records[owner] ("a" or "b") that fills it.
RECORD_KWARGS: dict[str, str] = {"assessment_id": "assessment", "issue_id": "issue", "chosen_id": "chosen"}


def records(world: Any) -> None:
    """Adds each partnership's assessment, an issue not yet chosen and a chosen priority; and writes the
    file of the month the manifest holds, which the assessment pages read."""
    for partition in Partition.objects.all():
        path = store_root() / partition.path
        path.parent.mkdir(parents=True, exist_ok=True)
        pq.write_table(schema.CRIME_ROW.empty_table(), path)
    for owner, partnership in (("a", world.a), ("b", world.b)):
        assessment = AssessmentFactory(partnership=partnership)
        AssessedIndicatorFactory(assessment=assessment, indicator=world.records[owner]["indicator"])
        issue = IssueFactory(assessment=assessment, title="Modern slavery", position=1)
        chosen_issue = IssueFactory(assessment=assessment, title="Serious violence", position=2)
        world.records[owner]["assessment"] = assessment
        world.records[owner]["issue"] = issue
        world.records[owner]["chosen"] = ChosenPriorityFactory(
            assessment=assessment,
            issue=chosen_issue,
            reason="Most harm",
            chosen_by=world.people["partnership_manager"],
        )
