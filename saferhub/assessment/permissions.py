"""Assessment permissions: whoever can see the partnership reads its assessments; its analysts and managers
make them; the partners who represent their organisations at the strategy group (managers, analysts and
theme leads of the partnership itself) score issues; its managers agree scores and choose the priorities."""

from typing import Any

import rules

from saferhub.crimedata.permissions import works_with_data
from saferhub.partnerships.models import Role
from saferhub.partnerships.permissions import can_see, manages, partnership_of
from saferhub.partnerships.selectors import roles_in

# Those who sit in the priority-setting workshop: not caseworkers, nor the read-only board and scrutiny.
SCORING_ROLES = frozenset({Role.PARTNERSHIP_MANAGER, Role.ADMINISTRATOR, Role.ANALYST, Role.THEME_LEAD})


@rules.predicate
def scores_issues(user: Any, obj: Any) -> bool:
    """Holds a scoring role in the record's own partnership (not only in one above it)."""
    partnership = partnership_of(obj)
    return partnership is not None and bool(roles_in(user, partnership) & SCORING_ROLES)


rules.add_perm("assessment.view_assessment", rules.is_authenticated & can_see)
rules.add_perm("assessment.change_assessment", rules.is_authenticated & works_with_data)
rules.add_perm("assessment.score_issues", rules.is_authenticated & scores_issues)
rules.add_perm("assessment.agree_scores", rules.is_authenticated & (manages | works_with_data))
rules.add_perm("assessment.choose_priorities", rules.is_authenticated & manages)
