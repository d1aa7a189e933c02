"""What performance asks of a person on "My work": a theme lead's quarterly returns to fill in (or returned
to them for changes), and for a partnership's managers the returns submitted and waiting for their decision.

A lead's returns count only where they still hold a role, as their return's page does (reporting/selectors).
"""

import datetime as dt
from typing import Any

from django.urls import reverse

from saferhub.core.registry import WorkItem
from saferhub.partnerships.models import MANAGING_ROLES
from saferhub.partnerships.selectors import memberships_of
from saferhub.performance.models import QuarterlyReturn
from saferhub.reporting.models import EDITABLE_STATUSES, ReturnStatus

SECTION = "Quarterly returns"


def _item(quarterly_return: QuarterlyReturn, *, label: str, due_on: dt.date | None, detail: str) -> WorkItem:
    partnership = quarterly_return.reporting_round.partnership
    return WorkItem(
        section=SECTION,
        label=label,
        url=reverse("performance:return", args=[partnership.slug, quarterly_return.public_id]),
        due_on=due_on,
        partnership=partnership.name,
        detail=detail,
    )


def work_for(user: Any, today: dt.date) -> list[WorkItem]:
    roles = list(memberships_of(user).values_list("partnership_id", "role"))
    working_in = {partnership_id for partnership_id, _ in roles}
    managing = {partnership_id for partnership_id, role in roles if role in MANAGING_ROLES}
    returns = QuarterlyReturn.objects.select_related("reporting_round__partnership", "priority")
    owed = returns.filter(
        priority__lead_user_id=user.pk,
        status__in=EDITABLE_STATUSES,
        reporting_round__partnership_id__in=working_in,
    )
    to_decide = returns.filter(status=ReturnStatus.SUBMITTED, reporting_round__partnership_id__in=managing)
    return [
        *(
            _item(
                quarterly_return,
                label=f"Send your {quarterly_return.reporting_round.label} return for "
                f"{quarterly_return.priority.title}",
                due_on=quarterly_return.reporting_round.due_on,
                detail=quarterly_return.get_status_display(),
            )
            for quarterly_return in owed
        ),
        *(
            _item(
                quarterly_return,
                label=f"Decide the {quarterly_return.reporting_round.label} return for "
                f"{quarterly_return.priority.title}",
                due_on=None,
                detail="Submitted, waiting for a decision",
            )
            for quarterly_return in to_decide
        ),
    ]
