"""Performance permissions: managers run the loop; a priority's lead fills in its returns and figures."""

from typing import Any

import rules

from saferhub.partnerships.permissions import manages
from saferhub.plans.permissions import leads_priority


@rules.predicate
def leads_its_priority(user: Any, record: Any) -> bool:
    """The lead of the priority a measure or return belongs to, while they hold a role in its partnership."""
    return record is not None and leads_priority(user, getattr(record, "priority", None))


# Measures, rounds, the RAG rule, deciding returns and board packs: the partnership's managers.
rules.add_perm("performance.manage", rules.is_authenticated & manages)
# Filling in and submitting a return; entering a manual measure's figures.
rules.add_perm("performance.edit_return", rules.is_authenticated & (manages | leads_its_priority))
rules.add_perm("performance.record_figure", rules.is_authenticated & (manages | leads_its_priority))
