"""Reads about partnerships, always scoped to what the person may see.

A person sees a partnership they belong to and every partnership beneath it (the county board sees its
districts, the force area sees them all). Anything else does not exist for them: a 404.
"""

from typing import Any

from django.db import models
from django.http import Http404

from saferhub.partnerships.models import (
    MANAGING_ROLES,
    STAFF_ROLES,
    Action,
    Group,
    Meeting,
    Membership,
    PartnerOrganisation,
    Partnership,
    PartnerStatus,
    Role,
)


def partnership_ids_visible_to(user: Any) -> set[int]:
    if not user.is_authenticated:
        return set()
    visible = set(Membership.objects.filter(user=user).values_list("partnership_id", flat=True))
    frontier = set(visible)
    while frontier:
        children = set(Partnership.objects.filter(parent_id__in=frontier).values_list("id", flat=True))
        frontier = children - visible
        visible |= frontier
    return visible


def partnerships_visible_to(user: Any) -> models.QuerySet[Partnership]:
    return Partnership.objects.filter(id__in=partnership_ids_visible_to(user)).select_related("parent")


def partnership_for(user: Any, slug: str) -> Partnership:
    partnership = partnerships_visible_to(user).filter(slug=slug).first()
    if partnership is None:
        raise Http404("No such partnership")
    return partnership


def partnership_by_slug(slug: str) -> Partnership | None:
    """Unscoped: for commands and the demo loader, never for a page."""
    return Partnership.objects.filter(slug=slug).first()


def partnership_of_area(code: str) -> Partnership | None:
    """Unscoped: the partnership whose slug this is, else the one whose only area has this ONS code."""
    named = partnership_by_slug(code)
    if named is not None:
        return named
    return next((p for p in Partnership.objects.all() if list(p.area_codes) == [code]), None)


def role_labels_in(user: Any, partnership: Partnership) -> list[str]:
    return sorted(Role(role).label for role in roles_in(user, partnership))


def roles_in(user: Any, partnership: Partnership) -> set[str]:
    if not user.is_authenticated:
        return set()
    return set(Membership.objects.filter(user=user, partnership=partnership).values_list("role", flat=True))


def has_managing_role(user: Any, partnership: Partnership) -> bool:
    return bool(roles_in(user, partnership) & MANAGING_ROLES)


def memberships_of(user: Any) -> models.QuerySet[Membership]:
    return Membership.objects.filter(user=user).select_related("partnership", "organisation")


def two_factor_required_for(user: Any) -> bool:
    """Whether any partnership this person works in as staff requires two-factor authentication."""
    return Membership.objects.filter(
        user=user, role__in=STAFF_ROLES, partnership__requires_two_factor=True
    ).exists()


def memberships_in(partnership: Partnership) -> models.QuerySet[Membership]:
    return Membership.objects.filter(partnership=partnership).select_related("user", "organisation")


def membership_in(partnership: Partnership, public_id: Any) -> Membership:
    membership = memberships_in(partnership).filter(public_id=public_id).first()
    if membership is None:
        raise Http404("No such membership")
    return membership


def partner_organisations_of(partnership: Partnership) -> models.QuerySet[PartnerOrganisation]:
    """Responsible authorities first, then co-operating bodies, then other partners."""
    rank = models.Case(
        *(models.When(status=status, then=position) for position, status in enumerate(PartnerStatus)),
        output_field=models.IntegerField(),
    )
    return (
        PartnerOrganisation.objects.filter(partnership=partnership)
        .select_related("organisation")
        .order_by(rank, "organisation__name")
    )


def groups_of(partnership: Partnership) -> models.QuerySet[Group]:
    return Group.objects.filter(partnership=partnership)


def group_in(partnership: Partnership, public_id: Any) -> Group:
    group = groups_of(partnership).filter(public_id=public_id).first()
    if group is None:
        raise Http404("No such group")
    return group


def meetings_of(group: Group) -> models.QuerySet[Meeting]:
    return group.meetings.all()


def actions_of(group: Group) -> models.QuerySet[Action]:
    return group.actions.select_related("owner", "owner_organisation", "meeting")


def action_in(group: Group, public_id: Any) -> Action:
    action = actions_of(group).filter(public_id=public_id).first()
    if action is None:
        raise Http404("No such action")
    return action


def people_in(partnership: Partnership) -> list[Any]:
    """Everyone with a membership here, once each, for choosing an owner or a lead."""
    seen: dict[int, Any] = {}
    for membership in memberships_in(partnership).order_by("user__full_name"):
        seen.setdefault(membership.user_id, membership.user)
    return list(seen.values())


def organisations_in(partnership: Partnership) -> list[Any]:
    return [partner.organisation for partner in partner_organisations_of(partnership)]


def role_choices() -> list[tuple[str, str]]:
    return list(Role.choices)
