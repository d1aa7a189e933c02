"""The quarterly return's lifecycle, as a table for the workflow engine.

draft -> submitted -> (returned -> submitted ->)* accepted. Opening the return starts its deadline (the
round's due date, owed by the priority's lead); submitting it meets that deadline, and returning it to the
lead starts it again. Each step is a ReturnStep (who, when, the manager's comment) as well as an audit event.
Registered when the app is ready (apps.py), as its permissions are.
"""

from typing import Any

from saferhub.performance import emails, tasks
from saferhub.performance.models import (
    EDITABLE_STATUSES,
    QuarterlyReturn,
    ReturnStatus,
    ReturnStep,
    ReturnStepKind,
)
from saferhub.workflow.definitions import (
    DeadlineRule,
    Transition,
    TransitionRefused,
    Workflow,
    workflow_register,
)


class ReturnNotAllowed(TransitionRefused):
    """The return is not in a state that allows this; the message says why, for the person."""


OPEN, SUBMIT, SEND_BACK, ACCEPT = "open", "submit", "send_back", "accept"
STEP_KINDS = {
    OPEN: ReturnStepKind.OPENED,
    SUBMIT: ReturnStepKind.SUBMITTED,
    SEND_BACK: ReturnStepKind.RETURNED,
    ACCEPT: ReturnStepKind.ACCEPTED,
}
# Owed by the priority's lead, by the round's due date, whenever the return is theirs to fill in.
RETURN_DUE = DeadlineRule(
    name="return due",
    due_on=lambda r: r.reporting_round.due_on,
    assignee=lambda r: r.priority.lead_user,
)


def _step_record(quarterly_return: QuarterlyReturn, transition: Transition, actor: Any, comment: str) -> None:
    ReturnStep.objects.create(
        quarterly_return=quarterly_return, kind=STEP_KINDS[transition.name], actor=actor, comment=comment
    )


def _every_section_completed(quarterly_return: QuarterlyReturn) -> str:
    missing = quarterly_return.missing_sections
    return "Complete every section before you submit: " + ", ".join(missing) if missing else ""


def _email_lead_returned(quarterly_return: QuarterlyReturn) -> None:
    tasks.return_email_send.enqueue(return_id=quarterly_return.pk, kind=emails.RETURNED)


RETURN_WORKFLOW = Workflow(
    model=QuarterlyReturn,
    noun="return",
    state_field="status",
    step_recorder=_step_record,
    refused=ReturnNotAllowed,
    state_phrases={ReturnStatus.DRAFT: "a draft"},
    transitions=(
        # Opened for a priority by the round (reporting_round_open), which its callers have allowed.
        Transition(
            name=OPEN, sources=frozenset(), target=ReturnStatus.DRAFT, label="opened", starts=RETURN_DUE
        ),
        Transition(
            name=SUBMIT,
            sources=EDITABLE_STATUSES,
            target=ReturnStatus.SUBMITTED,
            label="submitted",
            permission="performance.edit_return",
            stamps="submitted_at",
            ends=frozenset({RETURN_DUE.name}),
            check=_every_section_completed,
        ),
        Transition(
            name=SEND_BACK,
            sources=frozenset({ReturnStatus.SUBMITTED}),
            target=ReturnStatus.RETURNED,
            label="returned to its lead",
            permission="performance.manage",
            stamps="decided_at",
            starts=RETURN_DUE,
            needs_comment=True,
            notify=_email_lead_returned,
        ),
        Transition(
            name=ACCEPT,
            sources=frozenset({ReturnStatus.SUBMITTED}),
            target=ReturnStatus.ACCEPTED,
            label="accepted",
            permission="performance.manage",
            stamps="decided_at",
        ),
    ),
)
workflow_register(RETURN_WORKFLOW)
