"""Writes about reporting rounds and their returns, for any kind of return. Each runs in one transaction and
is audited; the transitions go through the workflow engine (workflows.py).

The kind's app keeps its own entry points (performance's `return_submit`, ...) as calls into these, adding
what is its own, such as the figures an accepted quarterly return records.
"""

import datetime as dt
from functools import partial
from typing import Any

from django.db import models, transaction

from saferhub.audit.models import AuditVerb
from saferhub.audit.services import audit_event_record, audited_create, audited_update
from saferhub.core.actors import Actor
from saferhub.partnerships.models import Partnership
from saferhub.reporting import tasks
from saferhub.reporting.definitions import (
    AFTER,
    BEFORE,
    ReturnKind,
    ReturnNotAllowed,
    return_kind_add,
    return_kind_of,
    return_kinds,
)
from saferhub.reporting.models import EDITABLE_STATUSES
from saferhub.reporting.workflows import ACCEPT, OPEN, SEND_BACK, SUBMIT, return_workflow
from saferhub.workflow.definitions import workflow_register
from saferhub.workflow.services import transition


def return_kind_register(kind: ReturnKind) -> None:
    """Make a kind of return known to these services, the selectors and the emails, and its lifecycle to
    the workflow engine. Called once, from the module the kind's AppConfig.ready() imports."""
    return_kind_add(kind)
    workflow_register(return_workflow(kind))


def round_open(
    *,
    kind: ReturnKind,
    actor: Actor | None,
    partnership: Partnership,
    period: dict[str, Any],
    due_on: dt.date,
    remind_days_before: int = 7,
    remind_days_after: int = 3,
) -> tuple[Any, list[Any]]:
    """Open the round of `period` (the fields that name it: a quarter, a year) and a return for each of
    its subjects, addressed to its lead.

    Idempotent: a round already open keeps its dates, and a subject that already has its return keeps it; a
    subject added since gets one. Returns the round and the returns opened now.
    """
    with transaction.atomic():
        rounds = kind.round_model._default_manager
        reporting_round = rounds.filter(partnership=partnership, **period).first()
        if reporting_round is None:
            reporting_round = audited_create(
                actor=actor,
                model=kind.round_model,
                values={
                    "partnership": partnership,
                    **period,
                    "due_on": due_on,
                    "remind_days_before": remind_days_before,
                    "remind_days_after": remind_days_after,
                    "opened_by": actor,
                },
                context={"due_on": str(due_on)},
            )
        subject_id = f"{kind.subject_field}_id"
        has_return = set(reporting_round.returns.values_list(subject_id, flat=True))
        opened = [
            transition(
                actor=actor,
                record=kind.return_model(reporting_round=reporting_round, **{kind.subject_field: subject}),
                name=OPEN,
            )
            for subject in kind.subjects(reporting_round)
            if subject.pk not in has_return
        ]
    return reporting_round, opened


def section_save(*, actor: Actor | None, record: Any, section: str, values: dict[str, Any]) -> list[str]:
    """Save one section of the return (the fields that section owns) and mark it completed: save and come
    back later. Only while the return is a draft or returned, read again under its row lock."""
    kind = return_kind_of(record)
    kind.section_named(section)  # a section the kind does not have is a programming error, not a save
    with transaction.atomic():
        locked = kind.return_model._default_manager.select_for_update().get(pk=record.pk)
        if not locked.is_editable:
            raise ReturnNotAllowed(
                f"This {kind.noun} is {locked.get_status_display().lower()}: it cannot be changed now"
            )
        completed = list(locked.sections_completed)
        if section not in completed:
            completed.append(section)
        changed = audited_update(
            actor=actor, record=locked, values={**values, "sections_completed": completed}
        )
    record.refresh_from_db()
    return changed


def missing_sections(record: Any) -> list[str]:
    """What the check page lists as still to do: the labels of the sections not complete."""
    return return_kind_of(record).missing_sections(record)


def return_submit(*, actor: Actor | None, record: Any) -> None:
    transition(actor=actor, record=record, name=SUBMIT)
    record.refresh_from_db()


def return_send_back(*, actor: Actor | None, record: Any, comment: str) -> None:
    """The manager returns a submitted return to its lead with what to change; the lead is emailed."""
    transition(actor=actor, record=record, name=SEND_BACK, comment=comment)
    record.refresh_from_db()


def return_accept[R: models.Model](*, actor: Actor | None, record: R, comment: str = "") -> R:
    """Accept a submitted return. Returns it as accepted, read under its lock, for what the kind's app
    records with it in the same transaction (performance records the return's figures)."""
    accepted = transition(actor=actor, record=record, name=ACCEPT, comment=comment)
    record.refresh_from_db()
    return accepted


def reminder_due(record: Any, *, today: dt.date) -> str | None:
    """Which reminder (if any) this return should get today and has not had yet."""
    if not record.is_editable or return_kind_of(record).lead_of(record) is None:
        return None
    reporting_round = record.reporting_round
    sent = set(record.reminders_sent)
    if AFTER not in sent and today >= reporting_round.due_on + dt.timedelta(
        days=reporting_round.remind_days_after
    ):
        return AFTER
    before_from = reporting_round.due_on - dt.timedelta(days=reporting_round.remind_days_before)
    if BEFORE not in sent and before_from <= today <= reporting_round.due_on:
        return BEFORE
    return None


def reminders_send(*, kind: ReturnKind, today: dt.date) -> int:
    """Send every reminder of this kind's returns due today; each goes once per return, however often
    this runs."""
    sent = 0
    returns = kind.return_model._default_manager
    candidates = returns.filter(status__in=EDITABLE_STATUSES).select_related(
        "reporting_round__partnership", kind.lead_path
    )
    for record in candidates:
        email = reminder_due(record, today=today)
        if email is None:
            continue
        with transaction.atomic():
            locked = returns.select_for_update().get(pk=record.pk)
            if email in locked.reminders_sent:
                continue
            locked.reminders_sent = [*locked.reminders_sent, email]
            locked.save(update_fields=["reminders_sent", "updated_at"])
            audit_event_record(actor=None, verb=AuditVerb.UPDATED, target=locked, context={"reminder": email})
            transaction.on_commit(
                partial(
                    tasks.return_email_send.enqueue, return_kind=kind.name, return_id=locked.pk, email=email
                )
            )
        sent += 1
    return sent


def every_reminder_send(*, today: dt.date) -> dict[str, int]:
    """Send the reminders due today of every kind of return, and say how many went of each kind."""
    return {kind.name: reminders_send(kind=kind, today=today) for kind in return_kinds()}
