"""Writes about partnerships. Each runs in one transaction and records one audit event."""

import datetime as dt
from typing import Any

from django.core.validators import validate_slug
from django.db import transaction

from saferhub.accounts.models import User
from saferhub.accounts.services import account_invitation_enqueue, role_invitation_enqueue, user_create
from saferhub.audit.models import AuditVerb
from saferhub.audit.services import audit_event_record, audited_create, audited_update
from saferhub.core.actors import Actor
from saferhub.partnerships.models import (
    Action,
    ActionStatus,
    Group,
    Meeting,
    Membership,
    MembershipInvitation,
    Organisation,
    PartnerOrganisation,
    Partnership,
    role_with_article,
)
from saferhub.partnerships.selectors import partner_removal_refusal


def partnership_create(
    *,
    actor: Actor | None,
    slug: str,
    name: str,
    kind: str,
    parent: Partnership | None = None,
    area_codes: list[str] | None = None,
    short_name: str = "",
) -> Partnership:
    """Raises ValidationError for a slug that is not letters, digits, hyphens and underscores: a slug holds
    no dot, so that '<slug>.' starts only its own partnership's local extract sources (crimedata)."""
    validate_slug(slug)
    return audited_create(
        actor=actor,
        model=Partnership,
        values={
            "slug": slug,
            "name": name,
            "kind": kind,
            "parent": parent,
            "area_codes": area_codes or [],
            "short_name": short_name,
        },
    )


def partnership_settings_update(
    *, actor: Actor | None, partnership: Partnership, requires_two_factor: bool
) -> list[str]:
    return audited_update(
        actor=actor, record=partnership, values={"requires_two_factor": requires_two_factor}
    )


def organisation_create(*, actor: Actor | None, name: str, type: str) -> Organisation:
    return audited_create(actor=actor, model=Organisation, values={"name": name, "type": type})


def partner_organisation_add(
    *, actor: Actor | None, partnership: Partnership, organisation: Organisation, status: str
) -> PartnerOrganisation:
    return audited_create(
        actor=actor,
        model=PartnerOrganisation,
        values={"partnership": partnership, "organisation": organisation, "status": status},
    )


class RecordInUse(Exception):
    """Removing this record would leave others naming it: the message says which, to change them first."""


def partner_organisation_update(
    *, actor: Actor | None, partner: PartnerOrganisation, status: str
) -> list[str]:
    return audited_update(actor=actor, record=partner, values={"status": status})


def partner_organisation_remove(*, actor: Actor | None, partner: PartnerOrganisation) -> None:
    """Take the organisation out of the partnership, unless something here still names it.

    The organisation itself stays: other partnerships may have it as a member.
    """
    with transaction.atomic():
        if refusal := partner_removal_refusal(partner):
            raise RecordInUse(refusal)
        audit_event_record(
            actor=actor,
            verb=AuditVerb.DELETED,
            target=partner,
            context={"organisation": partner.organisation.name, "status": partner.status},
        )
        partner.delete()


def membership_create(
    *, actor: Actor | None, user: Any, partnership: Partnership, organisation: Organisation, role: str
) -> Membership:
    return audited_create(
        actor=actor,
        model=Membership,
        values={"user": user, "partnership": partnership, "organisation": organisation, "role": role},
        context={"user": user.email, "role": role},
    )


def membership_end(*, actor: Actor | None, membership: Membership) -> None:
    with transaction.atomic():
        audit_event_record(
            actor=actor,
            verb=AuditVerb.DELETED,
            target=membership,
            context={"user": membership.user.email, "role": membership.role},
        )
        membership.delete()


def group_create(
    *, actor: Actor | None, partnership: Partnership, name: str, kind: str, purpose: str = ""
) -> Group:
    return audited_create(
        actor=actor,
        model=Group,
        values={"partnership": partnership, "name": name, "kind": kind, "purpose": purpose},
    )


def group_update(*, actor: Actor | None, group: Group, values: dict[str, Any]) -> list[str]:
    return audited_update(actor=actor, record=group, values=values)


def group_remove(*, actor: Actor | None, group: Group) -> None:
    """Remove the group with its meetings and action log; the audit event counts what went with it."""
    with transaction.atomic():
        audit_event_record(
            actor=actor,
            verb=AuditVerb.DELETED,
            target=group,
            context={"meetings": group.meetings.count(), "actions": group.actions.count()},
        )
        group.delete()


def meeting_update(*, actor: Actor | None, meeting: Meeting, values: dict[str, Any]) -> list[str]:
    return audited_update(actor=actor, record=meeting, values=values)


def meeting_remove(*, actor: Actor | None, meeting: Meeting) -> None:
    """Remove the meeting; actions agreed at it stay on the group's log."""
    with transaction.atomic():
        audit_event_record(
            actor=actor,
            verb=AuditVerb.DELETED,
            target=meeting,
            context={"group": meeting.group.name, "held_on": meeting.held_on.isoformat()},
        )
        meeting.delete()


def meeting_create(
    *, actor: Actor | None, group: Group, held_on: dt.date, title: str, notes: str = ""
) -> Meeting:
    return audited_create(
        actor=actor,
        model=Meeting,
        values={"group": group, "held_on": held_on, "title": title, "notes": notes},
    )


def action_create(
    *,
    actor: Actor | None,
    group: Group,
    description: str,
    owner: Any = None,
    owner_organisation: Organisation | None = None,
    due_on: dt.date | None = None,
    meeting: Meeting | None = None,
    status: str = ActionStatus.OPEN,
    update: str = "",
) -> Action:
    return audited_create(
        actor=actor,
        model=Action,
        values={
            "group": group,
            "description": description,
            "owner": owner,
            "owner_organisation": owner_organisation,
            "due_on": due_on,
            "meeting": meeting,
            "status": status,
            "update": update,
        },
    )


def action_update(*, actor: Actor | None, action: Action, values: dict[str, Any]) -> list[str]:
    return audited_update(actor=actor, record=action, values=values)


def membership_invitation_create(
    *,
    actor: Actor | None,
    partnership: Partnership,
    email: str,
    name_given: str,
    organisation: Organisation,
    role: str,
) -> None:
    """Invite the holder of `email` to a role here, creating their account if the address is new.

    Returns nothing, and does the same for every address, so that the person inviting learns nothing
    about the account behind it: a new account is emailed a link to choose its password, an existing one a
    note of the invitation; either way the invitation waits for its holder to accept. Someone who already
    has the role is left as they are; someone already invited to it is sent the invitation again.
    """
    email = email.strip().lower()
    with transaction.atomic():
        user = User.objects.filter(email=email).first()
        if user is None:
            user = user_create(actor=actor, email=email, full_name=name_given)
        elif Membership.objects.filter(user=user, partnership=partnership, role=role).exists():
            return
        # An account whose holder has not yet chosen a password (invited before, never signed in) gets the
        # link to choose one again: without it they could not sign in to accept.
        if user.has_usable_password():
            role_invitation_enqueue(
                user=user,
                partnership_name=partnership.name,
                role=role_with_article(role),
                invited_by=str(actor) if actor is not None else partnership.name,
            )
        else:
            account_invitation_enqueue(user=user, partnership_name=partnership.name)
        if MembershipInvitation.objects.filter(user=user, partnership=partnership, role=role).exists():
            return
        audited_create(
            actor=actor,
            model=MembershipInvitation,
            values={
                "user": user,
                "partnership": partnership,
                "organisation": organisation,
                "role": role,
                "name_given": name_given,
                "invited_by": actor,
            },
            context={"user": email, "role": role},
        )


def _invitation_close(*, actor: Actor | None, invitation: MembershipInvitation, outcome: str) -> None:
    audit_event_record(
        actor=actor,
        verb=AuditVerb.DELETED,
        target=invitation,
        context={"user": invitation.user.email, "role": invitation.role, "outcome": outcome},
    )
    invitation.delete()


def membership_invitation_accept(*, invitation: MembershipInvitation) -> Membership:
    """The invited person takes the role: the membership that gives them access replaces the invitation."""
    user = invitation.user
    with transaction.atomic():
        membership = Membership.objects.filter(
            user=user, partnership=invitation.partnership, role=invitation.role
        ).first() or membership_create(
            actor=user,
            user=user,
            partnership=invitation.partnership,
            organisation=invitation.organisation,
            role=invitation.role,
        )
        _invitation_close(actor=user, invitation=invitation, outcome="accepted")
    return membership


def membership_invitation_decline(*, invitation: MembershipInvitation) -> None:
    with transaction.atomic():
        _invitation_close(actor=invitation.user, invitation=invitation, outcome="declined")


def membership_invitation_withdraw(*, actor: Actor | None, invitation: MembershipInvitation) -> None:
    with transaction.atomic():
        _invitation_close(actor=actor, invitation=invitation, outcome="withdrawn")
