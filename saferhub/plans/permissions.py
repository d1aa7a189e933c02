"""Plan permissions: managers change the plan; a priority's lead may change that priority."""

from typing import Any

import rules

from saferhub.partnerships.permissions import manages


@rules.predicate
def leads_priority(user: Any, priority: Any) -> bool:
    return priority is not None and getattr(priority, "lead_user_id", None) == user.pk


rules.add_perm("plans.change_plan", rules.is_authenticated & manages)
rules.add_perm("plans.change_priority", rules.is_authenticated & (manages | leads_priority))
