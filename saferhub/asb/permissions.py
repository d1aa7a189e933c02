"""Who may do what with ASB casework (see access.py for who sees a case at all).

- Opening a case, and the case list: a case role in the partnership.
- Working a case they can see (incidents, parties, risk assessments, steps of the incremental approach): its
  people, within the data items they see (the views check the item).
- Leading a case (inviting and removing organisations, closing, merging, linking): the lead organisation's.
- The partnership's settings, letter templates and the managers' reports: its managers.
- Problem places: everyone who can see the partnership reads them; case roles change them.
"""

from typing import Any

import rules

from saferhub.asb.access import CASE_ROLES, access_to
from saferhub.asb.models import Case, CaseParty, Incident, RiskAssessment
from saferhub.core.actors import Actor
from saferhub.partnerships.permissions import can_see, manages, role_predicate


def _case_of(record: Any) -> Case | None:
    if isinstance(record, Case):
        return record
    if isinstance(record, (CaseParty, Incident, RiskAssessment)):
        return record.case
    return None


@rules.predicate
def works_the_case(user: Actor, record: Any) -> bool:
    case = _case_of(record)
    return case is not None and access_to(user, case) is not None


@rules.predicate
def leads_the_case(user: Actor, record: Any) -> bool:
    case = _case_of(record)
    access = access_to(user, case) if case is not None else None
    return access is not None and access.leads


works_cases = role_predicate(*CASE_ROLES)

rules.add_perm("asb.open_case", rules.is_authenticated & works_cases)
rules.add_perm("asb.work_case", rules.is_authenticated & works_the_case)
rules.add_perm("asb.lead_case", rules.is_authenticated & leads_the_case)
rules.add_perm("asb.manage", rules.is_authenticated & manages)
rules.add_perm("asb.view_places", rules.is_authenticated & can_see)
rules.add_perm("asb.change_places", rules.is_authenticated & works_cases)
