"""Writes about plans. Each runs in one transaction and records one audit event."""

import datetime as dt
from typing import Any

from django.db import transaction

from saferhub.accounts.models import User
from saferhub.audit.models import AuditVerb
from saferhub.audit.services import audit_event_record, audited_create, audited_update, value_changed
from saferhub.core.actors import Actor
from saferhub.partnerships.models import Organisation, Partnership
from saferhub.plans.models import CrossCuttingTheme, Deliverable, Plan, PlanRevision, Priority

PLAN_TEXT_FIELDS = (
    "title",
    "foreword",
    "vision",
    "statutory_duties",
    "partnership_expectations",
    "deliverables_label",
)


def plan_create(
    *,
    actor: Actor | None,
    partnership: Partnership,
    title: str,
    period_start: dt.date,
    period_end: dt.date,
    is_current: bool = True,
    **text: str,
) -> Plan:
    """A new plan; `text` holds the PLAN_TEXT_FIELDS it starts with."""
    with transaction.atomic():
        plan = audited_create(
            actor=actor,
            model=Plan,
            values={
                "partnership": partnership,
                "title": title,
                "period_start": period_start,
                "period_end": period_end,
                "is_current": is_current,
                **text,
            },
        )
        if is_current:
            _other_plans_made_previous(actor=actor, plan=plan)
    return plan


def plan_update(*, actor: Actor | None, plan: Plan, values: dict[str, Any]) -> list[str]:
    return audited_update(actor=actor, record=plan, values=values)


def plan_make_current(*, actor: Actor | None, plan: Plan) -> None:
    """This plan is now the partnership's current one; the others become previous plans."""
    with transaction.atomic():
        _other_plans_made_previous(actor=actor, plan=plan)
        audited_update(actor=actor, record=plan, values={"is_current": True})


def _other_plans_made_previous(*, actor: Actor | None, plan: Plan) -> None:
    """One current plan per partnership; each one demoted keeps the change in its history and audit trail."""
    for other in Plan.objects.filter(partnership=plan.partnership, is_current=True).exclude(pk=plan.pk):
        audited_update(actor=actor, record=other, values={"is_current": False})


def plan_revise(
    *, actor: Actor | None, plan: Plan, label: str, revised_on: dt.date, summary: str
) -> PlanRevision:
    """Record a review of the plan. What the plan said before stays in its history."""
    return audited_create(
        actor=actor,
        model=PlanRevision,
        values={
            "plan": plan,
            "label": label,
            "revised_on": revised_on,
            "summary": summary,
            "recorded_by": actor,
        },
        context={"label": label},
    )


def theme_create(*, actor: Actor | None, plan: Plan, title: str, description: str = "") -> CrossCuttingTheme:
    return audited_create(
        actor=actor,
        model=CrossCuttingTheme,
        values={
            "plan": plan,
            "title": title,
            "description": description,
            "position": plan.themes.count() + 1,
        },
    )


def theme_update(*, actor: Actor | None, theme: CrossCuttingTheme, values: dict[str, Any]) -> list[str]:
    return audited_update(actor=actor, record=theme, values=values)


def priority_create(
    *,
    actor: Actor | None,
    plan: Plan,
    title: str,
    description: str = "",
    lead_user: User | None = None,
    lead_organisation: Organisation | None = None,
    deliverables: list[str] | None = None,
    aligned_to: list[Priority] | None = None,
) -> Priority:
    with transaction.atomic():
        priority = audited_create(
            actor=actor,
            model=Priority,
            values={
                "plan": plan,
                "title": title,
                "description": description,
                "lead_user": lead_user,
                "lead_organisation": lead_organisation,
                "position": plan.priorities.count() + 1,
            },
        )
        _deliverables_replace(priority, deliverables or [])
        priority.aligned_to.set(aligned_to or [])
    return priority


def priority_update(
    *,
    actor: Actor | None,
    priority: Priority,
    values: dict[str, Any],
    deliverables: list[str] | None = None,
    aligned_to: list[Priority] | None = None,
) -> list[str]:
    """Change a priority; `deliverables` and `aligned_to`, when given, replace what it had."""
    with transaction.atomic():
        changed = [name for name, value in values.items() if value_changed(getattr(priority, name), value)]
        for name in changed:
            setattr(priority, name, values[name])
        if changed:
            priority.save()
        if deliverables is not None and deliverables != [d.text for d in priority.deliverables.all()]:
            _deliverables_replace(priority, deliverables)
            changed.append("deliverables")
        if aligned_to is not None and {p.pk for p in aligned_to} != {p.pk for p in priority.aligned_to.all()}:
            priority.aligned_to.set(aligned_to)
            changed.append("aligned_to")
        if changed:
            audit_event_record(
                actor=actor, verb=AuditVerb.UPDATED, target=priority, context={"fields": changed}
            )
    return changed


def _deliverables_replace(priority: Priority, texts: list[str]) -> None:
    """Keep deliverables whose text is unchanged (and their history). A new line in the place of a line that
    went is that deliverable reworded: it keeps its record (its history shows the change, its measures stay
    linked). Add and remove the rest."""
    current = list(priority.deliverables.all())
    by_text = {d.text: d for d in current}
    unmatched = {d.position: d for d in current if d.text not in texts}
    keep: set[int] = set()
    for position, text in enumerate(texts, start=1):
        deliverable = by_text.get(text) or unmatched.pop(position, None)
        if deliverable is None:
            deliverable = Deliverable.objects.create(priority=priority, text=text, position=position)
        elif (deliverable.text, deliverable.position) != (text, position):
            deliverable.text, deliverable.position = text, position
            deliverable.save(update_fields=["text", "position", "updated_at"])
        keep.add(deliverable.pk)
    for deliverable in current:
        if deliverable.pk not in keep:
            deliverable.delete()
