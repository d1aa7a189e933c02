"""Assessing a victim's risk and vulnerability: the assessment, scored against the partnership's matrix in
force and keeping it; the case's risk level, review date and flag; and the case workflow's "assess_risk"
step, which ends the first assessment's deadline and starts the review's."""

import datetime as dt
from collections.abc import Collection

from django.db import transaction

from saferhub.accounts.models import User
from saferhub.asb.models import Case, CaseParty, Flag, PartyRole, RiskAssessment, RiskLevel
from saferhub.asb.risk import scored
from saferhub.asb.selectors import settings_of
from saferhub.asb.selectors.risk import matrix_of
from saferhub.asb.workflows import CaseRefused
from saferhub.audit.services import audited_create
from saferhub.partnerships.permissions import require_permission
from saferhub.workflow.services import transition

ESCALATIONS = frozenset({Flag.JAG, Flag.CASE_CONFERENCE})


def risk_assess(
    *,
    actor: User,
    case: Case,
    victim: CaseParty,
    answers: Collection[str],
    assessed_on: dt.date,
    notes: str = "",
    flag: str | None = None,
) -> RiskAssessment:
    """Record an assessment of a victim on an open case. `flag` is where a high risk goes (the JAG or a case
    conference, which a high risk needs); for a lower one, a Flag sets or clears the case's flag (Flag.NONE)
    and None leaves it as it is. Raises CaseRefused when the case is not open, and changes nothing."""
    if victim.case_id != case.pk or victim.role != PartyRole.VICTIM:
        raise CaseRefused("A risk and vulnerability assessment is of a victim on this case")
    matrix = matrix_of(case.partnership)
    result = scored(matrix, answers)
    if result.level == RiskLevel.HIGH and flag not in ESCALATIONS:
        raise CaseRefused("A high risk flags the case: choose the Joint Action Group or a case conference")
    # Checked before the transaction: a refusal's audit row must outlive the refusal.
    require_permission(actor, "asb.work_case", case)
    review_on = assessed_on + dt.timedelta(days=settings_of(case.partnership).risk_review_every_days)
    flagged_for = case.flagged_for if flag is None else flag
    with transaction.atomic():
        # Set before the step, which reads the review date for the deadline it starts; undone with
        # everything else when the step is refused (the case is not open).
        Case.objects.filter(pk=case.pk).update(
            risk_level=result.level, risk_review_due_on=review_on, flagged_for=flagged_for
        )
        assessment = audited_create(
            actor=actor,
            model=RiskAssessment,
            values={
                "case": case,
                "victim": victim,
                "assessed_on": assessed_on,
                "assessed_by": actor,
                "matrix": matrix.as_json(),
                "answers": [q.key for q in matrix.questions if q.key in answers],
                "score": result.score,
                "level": result.level,
                "notes": notes.strip(),
                "next_review_on": review_on,
            },
            context={"case": case.reference, "level": result.level, "flagged_for": flagged_for},
        )
        transition(actor=actor, record=case, name="assess_risk")
    return assessment
