"""Who may do what, decided by memberships. Registered with `rules` as object permissions."""

from typing import Any

import rules
from django.core.exceptions import PermissionDenied

from saferhub.audit.services import access_refused
from saferhub.partnerships.models import MANAGING_ROLES, Partnership
from saferhub.partnerships.selectors import partnership_for, partnership_ids_visible_to, roles_in


def partnership_of(obj: Any) -> Partnership | None:
    if isinstance(obj, Partnership):
        return obj
    return getattr(obj, "audit_partnership", None)


@rules.predicate
def can_see(user: Any, obj: Any) -> bool:
    partnership = partnership_of(obj)
    return partnership is not None and partnership.id in partnership_ids_visible_to(user)


def role_predicate(*roles: str) -> rules.Predicate:
    """A predicate: the user holds one of `roles` in the record's own partnership (not one above it)."""
    wanted = frozenset(roles)

    def holds_role(user: Any, obj: Any) -> bool:
        partnership = partnership_of(obj)
        return partnership is not None and bool(roles_in(user, partnership) & wanted)

    return rules.Predicate(holds_role)


manages = role_predicate(*MANAGING_ROLES)


rules.add_perm("partnerships.view_partnership", rules.is_authenticated & can_see)
rules.add_perm("partnerships.manage_partnership", rules.is_authenticated & manages)
rules.add_perm("audit.view_audit", rules.is_authenticated & manages)


def require_permission(user: Any, permission: str, obj: Any) -> None:
    """Refuse (403, audited) an action the person's role does not allow on a record they can see."""
    if not user.has_perm(permission, obj):
        access_refused(actor=user, target=obj, permission=permission)
        raise PermissionDenied


def partnership_for_action(user: Any, slug: str, permission: str) -> Partnership:
    """The partnership a page acts on: 404 when the person cannot see it, 403 (audited) when their role
    does not allow `permission` on it."""
    partnership = partnership_for(user, slug)
    require_permission(user, permission, partnership)
    return partnership
