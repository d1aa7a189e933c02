"""The theme leads' quarterly return, declared as a kind of return of the reporting rounds.

Its lifecycle, reminders, overdue lists and emails are the reporting app's (saferhub/reporting); this says
what is its own: a return for each priority of the current plan, addressed to the priority's lead, with the
monitoring template's sections, filled in by the lead (or a manager) and decided by the managers.
Registered by workflows.py when the app is ready. Below the selectors, which read its returns through it.
"""

from django.urls import reverse

from saferhub.performance.models import QuarterlyReturn, ReportingRound, ReturnSection, ReturnStep
from saferhub.plans.models import Priority
from saferhub.plans.selectors import current_plan_priorities
from saferhub.reporting.definitions import AFTER, BEFORE, RETURNED, ReturnKind, Section


def _priorities_of_current_plan(reporting_round: ReportingRound) -> list[Priority]:
    return current_plan_priorities(reporting_round.partnership)


def _return_page(quarterly_return: QuarterlyReturn) -> str:
    return reverse(
        "performance:return", args=[quarterly_return.audit_partnership.slug, quarterly_return.public_id]
    )


QUARTERLY_RETURN = ReturnKind(
    name="performance.quarterly_return",
    round_model=ReportingRound,
    return_model=QuarterlyReturn,
    step_model=ReturnStep,
    step_return_field="quarterly_return",
    subject_field="priority",
    lead_path="priority__lead_user",
    subjects=_priorities_of_current_plan,
    # Complete once saved: each section's form already refuses what it cannot take.
    sections=tuple(Section(section.value, section.label) for section in ReturnSection),
    edit_permission="performance.edit_return",
    decide_permission="performance.manage",
    email_subjects={
        BEFORE: "Your {round} return is due soon",
        AFTER: "Your {round} return is overdue",
        RETURNED: "Your {round} return has been returned to you",
    },
    page_path=_return_page,
)
