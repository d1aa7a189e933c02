"""Writing JAG problem places: the place and its plan, and the actions on its JAG's action log. Every write
audited, in one transaction."""

import datetime as dt
from typing import Any

from django.db import transaction

from saferhub.asb.models import PlaceAction, ProblemPlace
from saferhub.audit.models import AuditVerb
from saferhub.audit.services import audit_event_record, audited_create, audited_update
from saferhub.core.actors import Actor
from saferhub.partnerships.models import Action, Meeting, Organisation, Partnership
from saferhub.partnerships.services import action_create


class PlaceRefused(Exception):
    """A change to a place that cannot happen; says why."""


PLACE_FIELDS = (
    "name",
    "kind",
    "group",
    "latitude",
    "longitude",
    "radius_metres",
    "area",
    "scanning",
    "analysis",
    "response",
    "assessment",
    "response_started_on",
    "status",
)


def _place_values(values: dict[str, Any]) -> dict[str, Any]:
    """The place's own fields of a form's values: the text boxes stripped, nothing else let through."""
    return {
        name: values[name].strip() if isinstance(values[name], str) else values[name]
        for name in PLACE_FIELDS
        if name in values
    }


def place_create(*, actor: Actor | None, partnership: Partnership, values: dict[str, Any]) -> ProblemPlace:
    return audited_create(
        actor=actor,
        model=ProblemPlace,
        values={
            **_place_values(values),
            "partnership": partnership,
            "created_by": actor if getattr(actor, "is_authenticated", False) else None,
        },
    )


def place_update(*, actor: Actor | None, place: ProblemPlace, values: dict[str, Any]) -> list[str]:
    return audited_update(actor=actor, record=place, values=_place_values(values))


def place_action_add(
    *,
    actor: Actor | None,
    place: ProblemPlace,
    description: str,
    owner: Any,
    owner_organisation: Organisation | None,
    due_on: dt.date,
    meeting: Meeting | None = None,
) -> Action:
    """An action on the JAG's action log (through the partnerships' service, so the log shows it), linked to
    the place's plan. Refused when no JAG reviews the place, or the meeting is not the JAG's."""
    group = place.group
    if group is None:
        raise PlaceRefused("Give the place to a JAG first: its actions go on the JAG's action log")
    if meeting is not None and meeting.group_id != group.pk:
        raise PlaceRefused(f"That meeting is not one of {group.name}'s")
    with transaction.atomic():
        action = action_create(
            actor=actor,
            group=group,
            description=description.strip(),
            owner=owner,
            owner_organisation=owner_organisation,
            due_on=due_on,
            meeting=meeting,
        )
        PlaceAction.objects.create(place=place, action=action)
        audit_event_record(
            actor=actor,
            verb=AuditVerb.UPDATED,
            target=place,
            context={"action_added": str(action.public_id), "group": group.name},
        )
    return action
