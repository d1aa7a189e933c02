"""Assessment permissions: whoever can see the partnership reads its assessments; its analysts and managers
make them; every member of the partnership itself scores issues; its managers agree scores and choose the
priorities."""

from typing import Any

import rules

from saferhub.crimedata.permissions import works_with_data
from saferhub.partnerships.permissions import can_see, manages, partnership_of
from saferhub.partnerships.selectors import roles_in


@rules.predicate
def member_of(user: Any, obj: Any) -> bool:
    """Has a role in the record's own partnership (not only in one above it)."""
    partnership = partnership_of(obj)
    return partnership is not None and bool(roles_in(user, partnership))


rules.add_perm("assessment.view_assessment", rules.is_authenticated & can_see)
rules.add_perm("assessment.change_assessment", rules.is_authenticated & works_with_data)
rules.add_perm("assessment.score_issues", rules.is_authenticated & member_of)
rules.add_perm("assessment.agree_scores", rules.is_authenticated & (manages | works_with_data))
rules.add_perm("assessment.choose_priorities", rules.is_authenticated & manages)
