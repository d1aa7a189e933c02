"""What the partnerships app asks of a person on "My work": the actions they own on a group's log (a board's,
a JAG's), still open, in the partnerships they can see."""

import datetime as dt
from typing import Any

from django.urls import reverse
from django.utils.text import Truncator

from saferhub.core.registry import WorkItem
from saferhub.partnerships.models import Action, ActionStatus
from saferhub.partnerships.selectors import partnership_ids_visible_to

OPEN_ACTION_STATUSES = (ActionStatus.OPEN, ActionStatus.IN_PROGRESS)


def work_for(user: Any, today: dt.date) -> list[WorkItem]:
    actions = Action.objects.filter(
        owner_id=user.pk,
        status__in=OPEN_ACTION_STATUSES,
        group__partnership_id__in=partnership_ids_visible_to(user),
    ).select_related("group__partnership")
    return [
        WorkItem(
            section="Actions",
            label=Truncator(action.description).chars(120),
            url=reverse("partnerships:group", args=[action.group.partnership.slug, action.group.public_id]),
            due_on=action.due_on,
            partnership=action.group.partnership.name,
            detail=f"{action.group.name}: {action.get_status_display().lower()}",
        )
        for action in actions
    ]
