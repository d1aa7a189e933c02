"""A funded project's quarterly report, declared as a kind of return of the reporting rounds: the second
kind, beside the theme leads' (performance/returns.py), with no copy of the mechanism.

A round opens a return for each accepted award of the fund, addressed to the applicant who made the
application; the project's people (or the partnership's managers) fill it in, and the managers decide it.
Registered by workflows.py when the app is ready.
"""

from typing import Any

from django.urls import reverse

from saferhub.grants.models import (
    Award,
    AwardStatus,
    ProjectReturn,
    ProjectReturnRound,
    ProjectReturnSection,
    ProjectReturnStep,
)
from saferhub.reporting.definitions import AFTER, BEFORE, RETURNED, ReturnKind, Section


def _running_awards(reporting_round: ProjectReturnRound) -> Any:
    return Award.objects.filter(
        application__grant_round__fund=reporting_round.fund, status=AwardStatus.ACCEPTED
    ).select_related("application__contact")


def _return_page(project_return: ProjectReturn) -> str:
    """The project's own page of its report (its task list), where the emails send the applicant."""
    return reverse("grants:my-report", args=[project_return.public_id])


PROJECT_RETURN = ReturnKind(
    name="grants.project_return",
    round_model=ProjectReturnRound,
    return_model=ProjectReturn,
    step_model=ProjectReturnStep,
    step_return_field="project_return",
    subject_field="award",
    lead_path="award__application__contact",
    subjects=_running_awards,
    sections=tuple(Section(section.value, section.label) for section in ProjectReturnSection),
    edit_permission="grants.report",
    decide_permission="grants.manage",
    email_subjects={
        BEFORE: "Your {round} project report is due soon",
        AFTER: "Your {round} project report is overdue",
        RETURNED: "Your {round} project report has been returned to you",
    },
    page_path=_return_page,
    noun="project report",
)
