"""Moving a record along its workflow: the one service every lifecycle's transitions go through."""

import datetime as dt
from functools import partial
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.db import models, transaction
from django.utils import timezone

from saferhub.audit.models import AuditVerb
from saferhub.audit.services import access_refused, audit_event_record
from saferhub.core.actors import Actor
from saferhub.workflow.definitions import Transition, workflow_of
from saferhub.workflow.models import Deadline


def transition[M: models.Model](*, actor: Actor | None, record: M, name: str, comment: str = "") -> M:
    """Apply the transition `name` of the record's workflow, in one transaction, and return the record
    as it now is: a copy read under the lock (the caller's is left as it was; refresh it), or, for a
    transition that creates the record, the caller's own, now saved.

    Refuses (403, audited like `require_permission`) when the transition needs a permission the actor lacks
    on the record; raises the workflow's `TransitionRefused` when the record, read again under a row lock,
    is not in one of its source states, fails its check, or a comment it needs is missing. Otherwise sets
    the state and the time stamp, records the step and one audit event (created, for a transition that
    creates the record; updated with the new state, for any other), closes the deadlines it ends, starts the
    one it starts, and enqueues its notification for when the transaction commits.
    """
    workflow = workflow_of(record)
    step = workflow.transition_named(name)
    if step.permission is not None and (actor is None or not actor.has_perm(step.permission, record)):
        access_refused(actor=actor, target=record, permission=step.permission)
        raise PermissionDenied
    with transaction.atomic():
        if step.creates:
            if record.pk is not None:
                raise workflow.refusal(step, getattr(record, workflow.state_field))
            current = record
        else:
            current = type(record)._default_manager.select_for_update().get(pk=record.pk)
            state = getattr(current, workflow.state_field)
            if state not in step.sources:
                raise workflow.refusal(step, state)
        problem = step.check(current) if step.check is not None else ""
        if problem:
            raise workflow.refused(problem)
        if step.needs_comment and not comment.strip():
            raise workflow.refused(f"Say why: a {workflow.noun} is {step.label} only with a comment")
        now = timezone.now()
        setattr(current, workflow.state_field, step.target)
        if step.stamps is not None:
            setattr(current, step.stamps, now)
        current.save()
        workflow.step_recorder(current, step, actor, comment)
        if step.creates:
            audit_event_record(actor=actor, verb=AuditVerb.CREATED, target=current)
        else:
            audit_event_record(
                actor=actor,
                verb=AuditVerb.UPDATED,
                target=current,
                context={workflow.state_field: step.target},
            )
        _deadlines_move(current, step, now)
        if step.notify is not None:
            transaction.on_commit(partial(step.notify, current))
    return current


def _deadlines_move(record: models.Model, step: Transition, now: Any) -> None:
    """Close the deadlines the transition ends (and an open one of the name it starts), then start its own."""
    ending = set(step.ends) | ({step.starts.name} if step.starts else set())
    if not ending:
        return
    target_type = ContentType.objects.get_for_model(record)
    Deadline.objects.filter(
        target_type=target_type, target_id=record.pk, name__in=ending, closed_at=None
    ).update(closed_at=now, closed_by=step.name)
    rule = step.starts
    if rule is not None:
        Deadline.objects.create(
            target_type=target_type,
            target_id=record.pk,
            partnership=record.audit_partnership,  # type: ignore[attr-defined]
            assignee=rule.assignee(record) if rule.assignee is not None else None,
            name=rule.name,
            due_on=rule.due_date(record, timezone.localdate(now)),
            started_at=now,
        )


def deadline_reschedule(*, record: models.Model, name: str, due_on: dt.date) -> int:
    """Move the open deadline `name` of a record to `due_on` (an offer given longer to accept); the caller
    audits the change it makes to the record. Returns how many deadlines moved (0 or 1)."""
    target_type = ContentType.objects.get_for_model(record)
    return Deadline.objects.filter(
        target_type=target_type, target_id=record.pk, name=name, closed_at=None
    ).update(due_on=due_on)
