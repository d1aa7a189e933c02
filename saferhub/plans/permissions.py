"""Plan permissions: managers change the plan; a priority's lead may change that priority."""

from typing import Any

import rules

from saferhub.core.actors import Actor
from saferhub.partnerships.permissions import manages
from saferhub.partnerships.selectors import roles_in


@rules.predicate
def leads_priority(user: Actor, priority: Any) -> bool:
    """The priority's named lead, while they still hold a role in its partnership."""
    return (
        priority is not None
        and getattr(priority, "lead_user_id", None) == user.pk
        and bool(roles_in(user, priority.audit_partnership))
    )


rules.add_perm("plans.change_plan", rules.is_authenticated & manages)
rules.add_perm("plans.change_priority", rules.is_authenticated & (manages | leads_priority))
