"""Writes about partnerships. Each runs in one transaction and records one audit event."""

import datetime as dt
from typing import Any

from django.db import transaction

from saferhub.accounts.models import User
from saferhub.accounts.services import account_invitation_enqueue, user_create
from saferhub.audit.models import AuditVerb
from saferhub.audit.services import audit_event_record, audited_update
from saferhub.partnerships.models import (
    Action,
    ActionStatus,
    Group,
    Meeting,
    Membership,
    Organisation,
    PartnerOrganisation,
    Partnership,
)
from saferhub.partnerships.selectors import partner_removal_refusal


def partnership_create(
    *,
    actor: Any,
    slug: str,
    name: str,
    kind: str,
    parent: Partnership | None = None,
    area_codes: list[str] | None = None,
    short_name: str = "",
) -> Partnership:
    with transaction.atomic():
        partnership = Partnership.objects.create(
            slug=slug, name=name, kind=kind, parent=parent, area_codes=area_codes or [], short_name=short_name
        )
        audit_event_record(actor=actor, verb=AuditVerb.CREATED, target=partnership)
    return partnership


def partnership_settings_update(
    *, actor: Any, partnership: Partnership, requires_two_factor: bool
) -> list[str]:
    return audited_update(
        actor=actor, record=partnership, values={"requires_two_factor": requires_two_factor}
    )


def organisation_create(*, actor: Any, name: str, type: str) -> Organisation:
    with transaction.atomic():
        organisation = Organisation.objects.create(name=name, type=type)
        audit_event_record(actor=actor, verb=AuditVerb.CREATED, target=organisation)
    return organisation


def partner_organisation_add(
    *, actor: Any, partnership: Partnership, organisation: Organisation, status: str
) -> PartnerOrganisation:
    with transaction.atomic():
        partner = PartnerOrganisation.objects.create(
            partnership=partnership, organisation=organisation, status=status
        )
        audit_event_record(actor=actor, verb=AuditVerb.CREATED, target=partner)
    return partner


class RecordInUse(Exception):
    """Removing this record would leave others naming it: the message says which, to change them first."""


def partner_organisation_update(*, actor: Any, partner: PartnerOrganisation, status: str) -> list[str]:
    return audited_update(actor=actor, record=partner, values={"status": status})


def partner_organisation_remove(*, actor: Any, partner: PartnerOrganisation) -> None:
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
    *, actor: Any, user: Any, partnership: Partnership, organisation: Organisation, role: str
) -> Membership:
    with transaction.atomic():
        membership = Membership.objects.create(
            user=user, partnership=partnership, organisation=organisation, role=role
        )
        audit_event_record(
            actor=actor, verb=AuditVerb.CREATED, target=membership, context={"user": user.email, "role": role}
        )
    return membership


def membership_end(*, actor: Any, membership: Membership) -> None:
    with transaction.atomic():
        audit_event_record(
            actor=actor,
            verb=AuditVerb.DELETED,
            target=membership,
            context={"user": membership.user.email, "role": membership.role},
        )
        membership.delete()


def group_create(*, actor: Any, partnership: Partnership, name: str, kind: str, purpose: str = "") -> Group:
    with transaction.atomic():
        group = Group.objects.create(partnership=partnership, name=name, kind=kind, purpose=purpose)
        audit_event_record(actor=actor, verb=AuditVerb.CREATED, target=group)
    return group


def group_update(*, actor: Any, group: Group, values: dict[str, Any]) -> list[str]:
    return audited_update(actor=actor, record=group, values=values)


def group_remove(*, actor: Any, group: Group) -> None:
    """Remove the group with its meetings and action log; the audit event counts what went with it."""
    with transaction.atomic():
        audit_event_record(
            actor=actor,
            verb=AuditVerb.DELETED,
            target=group,
            context={"meetings": group.meetings.count(), "actions": group.actions.count()},
        )
        group.delete()


def meeting_update(*, actor: Any, meeting: Meeting, values: dict[str, Any]) -> list[str]:
    return audited_update(actor=actor, record=meeting, values=values)


def meeting_remove(*, actor: Any, meeting: Meeting) -> None:
    """Remove the meeting; actions agreed at it stay on the group's log."""
    with transaction.atomic():
        audit_event_record(
            actor=actor,
            verb=AuditVerb.DELETED,
            target=meeting,
            context={"group": meeting.group.name, "held_on": meeting.held_on.isoformat()},
        )
        meeting.delete()


def meeting_create(*, actor: Any, group: Group, held_on: dt.date, title: str, notes: str = "") -> Meeting:
    with transaction.atomic():
        meeting = Meeting.objects.create(group=group, held_on=held_on, title=title, notes=notes)
        audit_event_record(actor=actor, verb=AuditVerb.CREATED, target=meeting)
    return meeting


def action_create(
    *,
    actor: Any,
    group: Group,
    description: str,
    owner: Any = None,
    owner_organisation: Organisation | None = None,
    due_on: dt.date | None = None,
    meeting: Meeting | None = None,
    status: str = ActionStatus.OPEN,
    update: str = "",
) -> Action:
    with transaction.atomic():
        action = Action.objects.create(
            group=group,
            description=description,
            owner=owner,
            owner_organisation=owner_organisation,
            due_on=due_on,
            meeting=meeting,
            status=status,
            update=update,
        )
        audit_event_record(actor=actor, verb=AuditVerb.CREATED, target=action)
    return action


def action_update(*, actor: Any, action: Action, values: dict[str, Any]) -> list[str]:
    return audited_update(actor=actor, record=action, values=values)


def membership_add_person(
    *, actor: Any, partnership: Partnership, email: str, full_name: str, organisation: Organisation, role: str
) -> Membership:
    """Give someone a role here, creating their account and inviting them by email if they are new."""
    email = email.strip().lower()
    with transaction.atomic():
        user = User.objects.filter(email=email).first()
        invite = user is None
        if user is None:
            user = user_create(actor=actor, email=email, full_name=full_name)
        membership = membership_create(
            actor=actor, user=user, partnership=partnership, organisation=organisation, role=role
        )
        if invite:
            account_invitation_enqueue(user=user, partnership_name=partnership.name)
    return membership
