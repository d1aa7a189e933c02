"""A second kind of return, as a funding app would declare it: the returns of a grant year, one for each
deliverable a grant pays for, addressed to the lead of the deliverable's priority.

All it writes is what is its own: three small concrete models (models.py: the round's period, the return's
subject and answers, the step's link to its return), two permissions and the `ReturnKind`. Opening, saving,
checking, submitting, deciding, reminding and the overdue lists are the reporting app's, unchanged.
"""

from typing import Any

import rules

from saferhub.partnerships.permissions import manages
from saferhub.plans.models import Deliverable
from saferhub.reporting.definitions import AFTER, BEFORE, RETURNED, ReturnKind, Section
from saferhub.reporting.services import return_kind_register
from tests.reporting_example.models import GrantReturn, GrantReturnStep, GrantYear


@rules.predicate
def leads_its_deliverable(user: Any, record: Any) -> bool:
    lead_id = record.deliverable.priority.lead_user_id if record is not None else None
    return lead_id is not None and lead_id == user.pk


rules.add_perm("reporting_example.fill_in", rules.is_authenticated & (manages | leads_its_deliverable))
rules.add_perm("reporting_example.decide", rules.is_authenticated & manages)


def _funded_deliverables(grant_year: GrantYear) -> Any:
    return Deliverable.objects.filter(
        priority__plan__partnership=grant_year.partnership, priority__plan__is_current=True
    )


GRANT_RETURN = ReturnKind(
    name="example.grant_return",
    round_model=GrantYear,
    return_model=GrantReturn,
    step_model=GrantReturnStep,
    step_return_field="grant_return",
    subject_field="deliverable",
    lead_path="deliverable__priority__lead_user",
    subjects=_funded_deliverables,
    sections=(
        # Saving the spending section is not enough: it is complete once it says what was spent.
        Section("spending", "What the grant was spent on", check=lambda r: r.spend is not None),
        Section("outcomes", "What it achieved"),
    ),
    edit_permission="reporting_example.fill_in",
    decide_permission="reporting_example.decide",
    email_subjects={
        BEFORE: "Your {round} return is due soon",
        AFTER: "Your {round} return is late",
        RETURNED: "Your {round} return needs changes",
    },
    page_path=lambda r: f"/p/{r.audit_partnership.slug}/grants/returns/{r.public_id}/",
)
return_kind_register(GRANT_RETURN)
