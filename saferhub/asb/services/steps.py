"""Writing the incremental approach: taking a step with a perpetrator (through the perpetrator workflow,
which checks the law's guard, records the step and starts its deadline), recording a conviction and a
step's outcome, and resolving. A refusal raises CaseRefused, saying why."""

import datetime as dt

from django.db import transaction
from django.utils import timezone

from saferhub.asb.models import CaseParty, Intervention, InterventionOutcome
from saferhub.asb.selectors.steps import OFFICER_SETS_DEADLINE, RESOLVE, STEP_NAMES, default_due_on
from saferhub.asb.workflows import EXTEND_CLOSURE_ORDER, CaseRefused
from saferhub.audit.services import audited_update
from saferhub.core.actors import Actor
from saferhub.design_system.filters import govuk_date
from saferhub.partnerships.permissions import require_permission
from saferhub.workflow.services import transition

WORK_CASE = "asb.work_case"


# No step of the incremental approach runs longer than a year: a later date is a slip of the keyboard.
LONGEST_DEADLINE = dt.timedelta(days=366)


def _not_in_future(day: dt.date, what: str) -> None:
    today = timezone.localdate()
    if day > today:
        raise CaseRefused(f"{what} must be today or in the past: today is {govuk_date(today)}")


def _move(
    *, actor: Actor, case_party: CaseParty, name: str, since: dt.date, due_on: dt.date | None, comment: str
) -> Intervention:
    """Set the step's day and deadline on the perpetrator, then move it, in one transaction: the guard judges
    the step as taken and the deadline it starts reads `stage_due_on`; a refusal undoes both."""
    require_permission(actor, WORK_CASE, case_party)
    with transaction.atomic():
        CaseParty.objects.filter(pk=case_party.pk).update(stage_since=since, stage_due_on=due_on)
        transition(actor=actor, record=case_party, name=name, comment=comment)
        # The workflow's step recorder has just created it, inside this transaction.
        return Intervention.objects.filter(case_party_id=case_party.pk).latest("id")


def step_take(
    *,
    actor: Actor,
    case_party: CaseParty,
    step: str,
    issued_on: dt.date,
    due_on: dt.date | None = None,
    comment: str = "",
) -> Intervention:
    """Take a step of the incremental approach with the perpetrator on `issued_on` (not in the future).

    The deadline is the partnership's default for the step (settings), except where the law leaves it to
    the officer: a warning's time to comply and a closure order's end (`due_on`, when given), and an
    extension's new end (`due_on`, required)."""
    if step not in STEP_NAMES:
        raise CaseRefused("Choose a step of the incremental approach")
    _not_in_future(issued_on, "The date issued")
    deadline = due_on if step in OFFICER_SETS_DEADLINE and due_on is not None else None
    if deadline is None:
        deadline = default_due_on(case_party, step, issued_on)
    if step == EXTEND_CLOSURE_ORDER and deadline is None:
        raise CaseRefused("Enter the day the extended closure order ends")
    if deadline is not None and deadline <= issued_on:
        raise CaseRefused(f"The deadline must be after the date issued, {govuk_date(issued_on)}")
    latest = issued_on + LONGEST_DEADLINE
    if deadline is not None and deadline > latest:
        raise CaseRefused(f"The deadline must be within a year of the date issued, by {govuk_date(latest)}")
    return _move(
        actor=actor, case_party=case_party, name=step, since=issued_on, due_on=deadline, comment=comment
    )


def resolve(*, actor: Actor, case_party: CaseParty, comment: str) -> Intervention:
    """The perpetrator needs no further step: ends the deadlines of their steps. Needs a comment."""
    return _move(
        actor=actor,
        case_party=case_party,
        name=RESOLVE,
        since=timezone.localdate(),
        due_on=None,
        comment=comment,
    )


def conviction_record(*, actor: Actor, case_party: CaseParty, convicted_on: dt.date) -> list[str]:
    """The day the perpetrator was convicted, which a Criminal Behaviour Order request needs."""
    require_permission(actor, WORK_CASE, case_party)
    _not_in_future(convicted_on, "The date of conviction")
    return audited_update(actor=actor, record=case_party, values={"convicted_on": convicted_on})


def step_outcome_record(*, actor: Actor, intervention: Intervention, outcome: str) -> list[str]:
    """What came of a step: complied, breached, granted or refused by the court, or withdrawn."""
    require_permission(actor, WORK_CASE, intervention.case_party)
    if outcome not in InterventionOutcome.values:
        raise CaseRefused("Choose what came of the step")
    return audited_update(actor=actor, record=intervention, values={"outcome": outcome})
