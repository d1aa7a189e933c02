"""Every kind of return's lifecycle, as one table for the workflow engine (services.return_kind_register
registers it for each kind).

draft -> submitted -> (returned -> submitted ->)* accepted. Opening a return starts its deadline (the
round's due date, owed by the return's lead); submitting it meets that deadline, and returning it to the
lead starts it again. Each step is a row of the kind's step model (who, when, the manager's comment) as well
as an audit event.
"""

from functools import partial
from typing import Any

from saferhub.core.actors import Actor
from saferhub.reporting import tasks
from saferhub.reporting.definitions import RETURNED, ReturnKind, ReturnNotAllowed
from saferhub.reporting.models import EDITABLE_STATUSES, ReturnStatus, ReturnStepKind
from saferhub.workflow.definitions import DeadlineRule, Transition, Workflow

OPEN, SUBMIT, SEND_BACK, ACCEPT = "open", "submit", "send_back", "accept"
STEP_KINDS = {
    OPEN: ReturnStepKind.OPENED,
    SUBMIT: ReturnStepKind.SUBMITTED,
    SEND_BACK: ReturnStepKind.RETURNED,
    ACCEPT: ReturnStepKind.ACCEPTED,
}
RETURN_DUE = "return due"


def _step_record(
    kind: ReturnKind, record: Any, transition: Transition, actor: Actor | None, comment: str
) -> None:
    kind.step_model._default_manager.create(
        **{kind.step_return_field: record},
        kind=STEP_KINDS[transition.name],
        actor=actor,
        comment=comment,
    )


def _every_section_completed(kind: ReturnKind, record: Any) -> str:
    missing = kind.missing_sections(record)
    return "Complete every section before you submit: " + ", ".join(missing) if missing else ""


def _email_lead_returned(kind: ReturnKind, record: Any) -> None:
    tasks.return_email_send.enqueue(return_kind=kind.name, return_id=record.pk, email=RETURNED)


def _round_due_on(record: Any) -> Any:
    return record.reporting_round.due_on


def return_workflow(kind: ReturnKind) -> Workflow:
    # Owed by the return's lead, by the round's due date, whenever the return is theirs to fill in.
    due = DeadlineRule(name=RETURN_DUE, due_on=_round_due_on, assignee=kind.lead_of)
    return Workflow(
        model=kind.return_model,
        noun=kind.noun,
        state_field="status",
        step_recorder=partial(_step_record, kind),
        refused=ReturnNotAllowed,
        state_phrases={ReturnStatus.DRAFT: "a draft"},
        transitions=(
            # Opened for a subject by its round (services.round_open), which its callers have allowed.
            Transition(name=OPEN, sources=frozenset(), target=ReturnStatus.DRAFT, label="opened", starts=due),
            Transition(
                name=SUBMIT,
                sources=EDITABLE_STATUSES,
                target=ReturnStatus.SUBMITTED,
                label="submitted",
                permission=kind.edit_permission,
                stamps="submitted_at",
                ends=frozenset({RETURN_DUE}),
                check=partial(_every_section_completed, kind),
            ),
            Transition(
                name=SEND_BACK,
                sources=frozenset({ReturnStatus.SUBMITTED}),
                target=ReturnStatus.RETURNED,
                label="returned to its lead",
                permission=kind.decide_permission,
                stamps="decided_at",
                starts=due,
                needs_comment=True,
                notify=partial(_email_lead_returned, kind),
            ),
            Transition(
                name=ACCEPT,
                sources=frozenset({ReturnStatus.SUBMITTED}),
                target=ReturnStatus.ACCEPTED,
                label="accepted",
                permission=kind.decide_permission,
                stamps="decided_at",
            ),
        ),
    )
