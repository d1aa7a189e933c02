"""Reads about partnerships, always scoped to what the person may see.

A person sees a partnership they belong to and every partnership beneath it (the county board sees its
districts, the force area sees them all). Anything else does not exist for them: a 404.
"""

from collections.abc import Iterable
from typing import Any

from django.db import models
from django.http import Http404

from saferhub.accounts.models import User
from saferhub.core.request_memo import memoised
from saferhub.geography.selectors import area_names
from saferhub.partnerships.models import (
    MANAGING_ROLES,
    STAFF_ROLES,
    Action,
    Group,
    Meeting,
    Membership,
    MembershipInvitation,
    Organisation,
    PartnerOrganisation,
    Partnership,
    PartnershipKind,
    PartnerStatus,
    Role,
)


def partnership_ids_visible_to(user: Any) -> set[int]:
    if not user.is_authenticated:
        return set()
    return set(memoised(("visible", user.pk), lambda: frozenset(_partnership_ids_visible_to(user))))


def _partnership_ids_visible_to(user: Any) -> set[int]:
    visible = {partnership_id for partnership_id, _, _ in _memberships_summary(user)}
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


def areas_covered_by(partnership: Partnership) -> list[str]:
    """Each area the partnership covers as "Name (code)"; a code the geography does not hold stays bare."""
    names = area_names(partnership.area_codes)
    return [f"{names[code]} ({code})" if names.get(code) else code for code in partnership.area_codes]


def role_labels_in(user: Any, partnership: Partnership) -> list[str]:
    return sorted(Role(role).label for role in roles_in(user, partnership))


def roles_in(user: Any, partnership: Partnership) -> set[str]:
    if not user.is_authenticated:
        return set()
    return {
        role for partnership_id, role, _ in _memberships_summary(user) if partnership_id == partnership.pk
    }


def has_managing_role(user: Any, partnership: Partnership) -> bool:
    return bool(roles_in(user, partnership) & MANAGING_ROLES)


def memberships_of(user: Any) -> models.QuerySet[Membership]:
    return Membership.objects.filter(user=user).select_related("partnership", "organisation")


def two_factor_required_for(user: Any) -> bool:
    """Whether any partnership this person works in as staff requires two-factor authentication."""
    return any(role in STAFF_ROLES and required for _, role, required in _memberships_summary(user))


def _memberships_summary(user: Any) -> frozenset[tuple[int, str, bool]]:
    """(partnership id, role, whether the partnership requires two-factor authentication) of each of the
    person's memberships: one query a request answers the two-factor middleware, what they may see and
    their roles, which every page asks."""
    return memoised(
        ("memberships", user.pk),
        lambda: frozenset(
            Membership.objects.filter(user=user).values_list(
                "partnership_id", "role", "partnership__requires_two_factor"
            )
        ),
    )


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


def partner_in(partnership: Partnership, public_id: Any) -> PartnerOrganisation:
    partner = partner_organisations_of(partnership).filter(public_id=public_id).first()
    if partner is None:
        raise Http404("No such member organisation")
    return partner


def organisation_uses_in(partnership: Partnership, organisation: Organisation) -> dict[str, int]:
    """What in this partnership still names the organisation, as {"memberships": 2, "priorities": 1}.

    Found through every relation to `Organisation`, whatever app declares it (a priority's lead, an action's
    owner), so an app added later is covered without this layer importing it. History rows are not uses.
    """
    uses: dict[str, int] = {}
    for relation in Organisation._meta.get_fields(include_hidden=True):
        model = getattr(relation, "related_model", None)
        if not relation.auto_created or model in (None, PartnerOrganisation):
            continue
        if not hasattr(model, "audit_partnership"):  # history rows and other unscoped tables
            continue
        rows = model._default_manager.filter(**{relation.field.name: organisation})  # type: ignore[union-attr]
        count = sum(1 for row in rows if row.audit_partnership == partnership)
        if count:
            label = str(model._meta.verbose_name if count == 1 else model._meta.verbose_name_plural)
            uses[label] = uses.get(label, 0) + count
    return uses


def partner_removal_refusal(partner: PartnerOrganisation) -> str:
    """Why the organisation cannot leave the partnership yet, or "" when nothing here names it."""
    uses = organisation_uses_in(partner.partnership, partner.organisation)
    if not uses:
        return ""
    counted = [f"{count} {label}" for label, count in uses.items()]
    listed = " and ".join([", ".join(counted[:-1]), counted[-1]] if len(counted) > 1 else counted)
    return (
        f"{partner.organisation} cannot be removed while {listed} in this partnership name it. "
        "Change or remove those first."
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


def meeting_in(group: Group, public_id: Any) -> Meeting:
    meeting = meetings_of(group).filter(public_id=public_id).first()
    if meeting is None:
        raise Http404("No such meeting")
    return meeting


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


def invitations_in(partnership: Partnership) -> models.QuerySet[MembershipInvitation]:
    """The roles offered here and not yet accepted, for the People page."""
    return MembershipInvitation.objects.filter(partnership=partnership).select_related("user", "organisation")


def invitation_in(partnership: Partnership, public_id: Any) -> MembershipInvitation:
    invitation = invitations_in(partnership).filter(public_id=public_id).first()
    if invitation is None:
        raise Http404("No such invitation")
    return invitation


def invitations_for(user: Any) -> models.QuerySet[MembershipInvitation]:
    """The roles offered to this person, for them alone to accept or decline."""
    return MembershipInvitation.objects.filter(user=user).select_related(
        "partnership", "organisation", "invited_by"
    )


def invitation_for(user: Any, public_id: Any) -> MembershipInvitation:
    """One invitation addressed to this person; anyone else's does not exist for them."""
    invitation = invitations_for(user).filter(public_id=public_id).first()
    if invitation is None:
        raise Http404("No such invitation")
    return invitation


def people_choices_in(partnership: Partnership) -> models.QuerySet[User]:
    """people_in as a queryset: what a form's choice of a person here (a lead) offers and checks against."""
    return User.objects.filter(pk__in=[person.pk for person in people_in(partnership)])


def organisation_choices_in(partnership: Partnership) -> models.QuerySet[Organisation]:
    """organisations_in as a queryset: what a form's choice of a partner organisation here offers."""
    return Organisation.objects.filter(
        pk__in=[organisation.pk for organisation in organisations_in(partnership)]
    )


def partnerships_in_order() -> models.QuerySet[Partnership]:
    """Every partnership, oldest first: for the installation's own work (which partnerships a force's data
    touches), never for what a person sees."""
    return Partnership.objects.order_by("pk")


def force_areas_where(user: Any, roles: Iterable[str]) -> models.QuerySet[Partnership]:
    """The force-area partnerships in which this person holds one of these roles."""
    return Partnership.objects.filter(
        kind=PartnershipKind.FORCE_AREA, memberships__user=user, memberships__role__in=list(roles)
    ).distinct()


def people_with_role_in(partnership: Partnership, role: str) -> models.QuerySet[User]:
    """The people holding `role` in this partnership itself, by name: a round's choice of assessors."""
    return (
        User.objects.filter(memberships__partnership=partnership, memberships__role=role)
        .distinct()
        .order_by("full_name")
    )
