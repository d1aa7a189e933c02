"""Who sees an ASB case, and which of its data items: worked out from memberships, the case's
organisations and the sharing agreements in force, whenever it is asked (never stored), so that removing an
organisation from a case or the lapse of the agreement that alone let it share ends its access at once.

- A person works cases in a partnership through a case role there (case officer, manager, administrator),
  acting for the organisation of that membership.
- The lead organisation's people see all of a case.
- Another organisation's people see a case only while their organisation is on it and an agreement in force
  joins it to the lead organisation; they see the data items those agreements share, nothing else.
"""

from dataclasses import dataclass
from typing import Any

from django.db import models

from saferhub.asb.models import Case, CaseOrganisation
from saferhub.governance.models import DataItem
from saferhub.governance.selectors import sharing_between
from saferhub.partnerships.models import MANAGING_ROLES, Membership, Partnership, Role

CASE_ROLES = frozenset({Role.CASE_OFFICER, *MANAGING_ROLES})
EVERY_ITEM = frozenset(DataItem)


@dataclass(frozen=True)
class CaseAccess:
    """What one person may see of one case, and whether they act for its lead organisation."""

    leads: bool
    items: frozenset[str]
    organisation_ids: frozenset[int]

    def sees(self, item: str) -> bool:
        return item in self.items


def case_organisation_ids(user: Any, partnership: Partnership) -> frozenset[int]:
    """The organisations the person works cases for in this partnership (none: they work no cases)."""
    if not getattr(user, "is_authenticated", False):
        return frozenset()
    return frozenset(
        Membership.objects.filter(user_id=user.pk, partnership=partnership, role__in=CASE_ROLES).values_list(
            "organisation_id", flat=True
        )
    )


def access_to(user: Any, case: Case) -> CaseAccess | None:
    """What the person may see of the case; None when the case does not exist for them."""
    mine = case_organisation_ids(user, case.partnership)
    if not mine:
        return None
    if case.lead_organisation_id in mine:
        return CaseAccess(leads=True, items=EVERY_ITEM, organisation_ids=mine)
    involved = frozenset(
        CaseOrganisation.objects.filter(case=case, removed_at=None, organisation_id__in=mine).values_list(
            "organisation_id", flat=True
        )
    )
    if not involved:
        return None
    shared = sharing_between(case.partnership, involved)
    items = frozenset().union(
        *(shared.get((org, case.lead_organisation_id), frozenset()) for org in involved)
    )
    if not items:
        return None
    return CaseAccess(leads=False, items=items, organisation_ids=involved)


def visible_cases(user: Any, partnership: Partnership, *, sharing: str | None = None) -> models.Q:
    """A filter of the partnership's cases the person may see: led by their organisation, or on which their
    organisation is (not removed) and shares something with the lead under an agreement in force; with
    `sharing`, only the cases of which they see that data item."""
    mine = case_organisation_ids(user, partnership)
    if not mine:
        return models.Q(pk__in=[])
    visible = models.Q(lead_organisation_id__in=mine)
    shared = sharing_between(partnership, mine)
    for organisation_id in mine:
        leads = {
            theirs
            for (ours, theirs), items in shared.items()
            if ours == organisation_id and items and (sharing is None or sharing in items)
        }
        if leads:
            visible |= models.Q(
                lead_organisation_id__in=leads,
                pk__in=CaseOrganisation.objects.filter(
                    organisation_id=organisation_id, removed_at=None
                ).values("case_id"),
            )
    return visible
