"""Reading deadlines: what is due, for a partnership or a person, before a date."""

import datetime as dt
from typing import Any

from django.db.models import QuerySet

from saferhub.workflow.models import Deadline


def deadlines_due(*, partnership: Any = None, user: Any = None, before: dt.date) -> QuerySet[Deadline]:
    """The open deadlines due before `before` (overdue ones included), soonest first: those of one
    partnership, those due from one person, or both. The caller has loaded the partnership through a
    selector scoped to who is asking."""
    deadlines = Deadline.objects.filter(closed_at=None, due_on__lt=before)
    if partnership is not None:
        deadlines = deadlines.filter(partnership=partnership)
    if user is not None:
        deadlines = deadlines.filter(assignee=user)
    return deadlines
