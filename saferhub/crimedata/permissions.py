"""Crime data permissions: anyone who can see a partnership reads its data pages; its analysts and managers
import data, save column mappings and define indicators."""

import rules

from saferhub.partnerships.models import Role
from saferhub.partnerships.permissions import can_see, role_predicate

# The roles that work with the partnership's data: its analysts, and those who manage the partnership.
DATA_ROLES = frozenset({Role.ANALYST, Role.PARTNERSHIP_MANAGER, Role.ADMINISTRATOR})

works_with_data = role_predicate(*DATA_ROLES)


rules.add_perm("crimedata.view_data", rules.is_authenticated & can_see)
rules.add_perm("crimedata.import_data", rules.is_authenticated & works_with_data)
rules.add_perm("crimedata.change_indicators", rules.is_authenticated & works_with_data)
