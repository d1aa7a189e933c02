"""Who may keep the register of information sharing agreements: the partnership's managers. Everyone who
can see the partnership may read it (it is published in summary to the public)."""

import rules

from saferhub.partnerships.permissions import can_see, manages

rules.add_perm("governance.manage_agreements", rules.is_authenticated & manages)
rules.add_perm("governance.view_agreements", rules.is_authenticated & can_see)
