"""Assessment permissions: whoever can see the partnership reads its assessments; its analysts and managers
make them; the partners who represent their organisations at the strategy group (managers, analysts and
theme leads of the partnership itself) score issues; its managers agree scores and choose the priorities."""

import rules

from saferhub.crimedata.permissions import works_with_data
from saferhub.partnerships.models import Role
from saferhub.partnerships.permissions import can_see, manages, role_predicate

# Those who sit in the priority-setting workshop: not caseworkers, nor the read-only board and scrutiny.
SCORING_ROLES = frozenset({Role.PARTNERSHIP_MANAGER, Role.ADMINISTRATOR, Role.ANALYST, Role.THEME_LEAD})

scores_issues = role_predicate(*SCORING_ROLES)


rules.add_perm("assessment.view_assessment", rules.is_authenticated & can_see)
rules.add_perm("assessment.change_assessment", rules.is_authenticated & works_with_data)
rules.add_perm("assessment.score_issues", rules.is_authenticated & scores_issues)
rules.add_perm("assessment.agree_scores", rules.is_authenticated & (manages | works_with_data))
rules.add_perm("assessment.choose_priorities", rules.is_authenticated & manages)
