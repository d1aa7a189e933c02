"""The lifecycles of an ASB case and of a perpetrator on the incremental approach (domain rules §3, §9.3),
declared for the workflow engine. Imported when the app is ready (apps.py), as its permissions are.

Case: open -> closed (and reopened), or merged into another case. Assessing a victim's risk is a step of the
open case: it ends the first assessment's deadline and starts the review's.

Perpetrator: any step of the incremental approach may be taken while the case is open, in the order the
officer judges proportionate, except where the law sets a guard: a Community Protection Notice only to a
person aged 16 or over (or a body), only after a Warning and once its compliance deadline has passed; a
fixed penalty or prosecution only for breach of a notice; a civil injunction only against a person aged 10
or over; a Criminal Behaviour Order only after a conviction; a closure order only after a closure notice,
heard within 48 hours of it, for at most 3 months, extended to at most 6. The service sets the step's day
(`stage_since`) and its deadline (`stage_due_on`) before the move, so the checks judge the step as taken.
"""

import datetime as dt
from collections.abc import Callable
from typing import Any

from django.utils import timezone

from saferhub.asb.models import (
    Case,
    CaseParty,
    CaseStatus,
    CaseStep,
    Intervention,
    InterventionOutcome,
    PartyKind,
    PartyRole,
    Stage,
    age_on,
)
from saferhub.asb.selectors import settings_of
from saferhub.core.months import months_after
from saferhub.design_system.filters import govuk_date as long_date
from saferhub.workflow.definitions import (
    DeadlineRule,
    Transition,
    TransitionRefused,
    Workflow,
    steps_kept_in,
    workflow_register,
)


class CaseRefused(TransitionRefused):
    """A step of a case or of a perpetrator's incremental approach that cannot happen now; says why."""


# --- The case -------------------------------------------------------------------------------------------

C = CaseStatus
FIRST_ASSESSMENT = "First risk assessment"
RISK_REVIEW = "Risk assessment review"


def _lead_officer(record: Case | CaseParty) -> object:
    case = record if isinstance(record, Case) else record.case
    return case.lead_officer


CASE_WORKFLOW = Workflow(
    model=Case,
    noun="case",
    state_field="status",
    step_recorder=steps_kept_in(CaseStep, "case"),
    refused=CaseRefused,
    transitions=(
        Transition(
            name="open",
            sources=frozenset(),
            target=C.OPEN,
            label="opened",
            permission="asb.open_case",
            starts=DeadlineRule(
                name=FIRST_ASSESSMENT,
                due_on=lambda case: (
                    case.opened_on
                    + dt.timedelta(days=settings_of(case.partnership).risk_assessment_within_days)
                ),
                assignee=_lead_officer,
            ),
        ),
        Transition(
            name="assess_risk",
            sources=frozenset({C.OPEN}),
            target=C.OPEN,
            label="assessed",
            permission="asb.work_case",
            ends=frozenset({FIRST_ASSESSMENT}),
            starts=DeadlineRule(
                name=RISK_REVIEW, due_on=lambda case: case.risk_review_due_on, assignee=_lead_officer
            ),
        ),
        Transition(
            name="close",
            sources=frozenset({C.OPEN}),
            target=C.CLOSED,
            label="closed",
            permission="asb.lead_case",
            stamps="closed_at",
            needs_comment=True,
            ends=frozenset({FIRST_ASSESSMENT, RISK_REVIEW}),
        ),
        Transition(
            name="reopen",
            sources=frozenset({C.CLOSED}),
            target=C.OPEN,
            label="reopened",
            permission="asb.lead_case",
            needs_comment=True,
        ),
        Transition(
            name="merge",
            sources=frozenset({C.OPEN}),
            target=C.MERGED,
            label="merged",
            permission="asb.lead_case",
            stamps="closed_at",
            needs_comment=True,
            ends=frozenset({FIRST_ASSESSMENT, RISK_REVIEW}),
        ),
    ),
)

# --- A perpetrator on the incremental approach -------------------------------------------------------------

P = Stage
STEP_DEADLINES: dict[str, str] = {
    P.ABC: "Acceptable Behaviour Contract review",
    P.CPW: "Community Protection Warning compliance deadline",
    P.CPN: "Community Protection Notice appeal period ends",
    P.FPN: "Fixed penalty payment due",
    P.CLOSURE_NOTICE: "Closure order hearing",
    P.CLOSURE_ORDER: "Closure order ends",
}
OPEN_STAGES = frozenset(set(Stage) - {P.RESOLVED})
EXTEND_CLOSURE_ORDER = "extend_closure_order"
CPN_MINIMUM_AGE = 16  # ASBCPA 2014 s43(1) [V]
INJUNCTION_MINIMUM_AGE = 10  # ASBCPA 2014 s1(1) [V]


# A step withdrawn, or refused by the court, is no step a later one can follow from.
NOT_IN_FORCE = (InterventionOutcome.WITHDRAWN, InterventionOutcome.REFUSED)


def _earlier_step(party: CaseParty, *kinds: str) -> Intervention | None:
    """The latest step of these kinds taken with the perpetrator on this case on or before the day of the
    step being taken (a step back-dated before it cannot lean on it), and still in force."""
    day = party.stage_since or timezone.localdate()
    return (
        party.steps.filter(kind__in=kinds, issued_on__lte=day)
        .exclude(outcome__in=NOT_IN_FORCE)
        .order_by("-issued_on", "-id")
        .first()
    )


def _age_refusal(party: CaseParty, minimum: int, what: str) -> str:
    dob = party.party.date_of_birth
    if dob is None:
        return (
            f"Record {party.party.name}'s date of birth first: {what} only to a person aged {minimum} or over"
        )
    day = party.stage_since or timezone.localdate()
    age = age_on(dob, day)
    if age < minimum:
        return (
            f"{party.party.name} is {age} on {long_date(day)}: {what} only to a person aged {minimum} or over"
        )
    return ""


def _cpn_refusal(party: CaseParty) -> str:
    kind = party.party.kind
    if kind == PartyKind.HOUSEHOLD:
        return (
            "A Community Protection Notice is issued to a person or a body, not a household: add the person"
        )
    if kind == PartyKind.PERSON:
        too_young = _age_refusal(party, CPN_MINIMUM_AGE, "a Community Protection Notice is issued")
        if too_young:
            return too_young
    warning = _earlier_step(party, P.CPW)
    if warning is None:
        return "Issue a Community Protection Warning first: a notice follows a written warning"
    issued = party.stage_since or timezone.localdate()
    if warning.due_on is not None and issued <= warning.due_on:
        return (
            f"The warning's compliance deadline is {long_date(warning.due_on)}: a notice can be issued only "
            "once it has passed"
        )
    return ""


def _breach_refusal(party: CaseParty) -> str:
    if _earlier_step(party, P.CPN) is None:
        return "Issue a Community Protection Notice first: this is for breaching one"
    return ""


def _injunction_refusal(party: CaseParty) -> str:
    if party.party.kind != PartyKind.PERSON:
        return "A civil injunction is made against a person aged 10 or over: add the person"
    return _age_refusal(party, INJUNCTION_MINIMUM_AGE, "an injunction is made")


def _cbo_refusal(party: CaseParty) -> str:
    if party.party.kind != PartyKind.PERSON:
        return "A Criminal Behaviour Order is made against a convicted person: add the person"
    issued = party.stage_since or timezone.localdate()
    if party.convicted_on is None or party.convicted_on > issued:
        return "Record the conviction first: a Criminal Behaviour Order is made only on conviction"
    return ""


def _closure_notice_refusal(party: CaseParty) -> str:
    if party.party.kind not in (PartyKind.PREMISES, PartyKind.BUSINESS):
        return "A closure notice closes premises: add the premises to the case"
    return ""


def _closure_order_refusal(party: CaseParty) -> str:
    notice = _earlier_step(party, P.CLOSURE_NOTICE)
    if notice is None:
        return "Issue a closure notice first: the court makes an order on the notice's application"
    made = party.stage_since or timezone.localdate()
    rules = settings_of(party.case.partnership)
    heard_by = notice.issued_on + dt.timedelta(hours=rules.closure_hearing_hours)
    if made > heard_by:
        return (
            f"The closure notice of {long_date(notice.issued_on)} had to be heard within "
            f"{rules.closure_hearing_hours} hours, by {long_date(heard_by)}: issue a new notice"
        )
    longest = months_after(made, rules.closure_order_months)
    if party.stage_due_on is None or party.stage_due_on > longest:
        return (
            f"A closure order lasts at most {rules.closure_order_months} months: "
            f"until {long_date(longest)} at the latest"
        )
    return ""


def _extension_refusal(party: CaseParty) -> str:
    order = _earlier_step(party, P.CLOSURE_ORDER)
    if order is None:
        return "There is no closure order to extend"
    rules = settings_of(party.case.partnership)
    longest = months_after(order.issued_on, rules.closure_order_max_months)
    current_end = _earlier_step(party, P.CLOSURE_ORDER, EXTEND_CLOSURE_ORDER) or order
    extended_on = party.stage_since or timezone.localdate()
    if current_end.due_on is not None and extended_on > current_end.due_on:
        return (
            f"The closure order ended on {long_date(current_end.due_on)}: an order is extended while in force"
        )
    if party.stage_due_on is None or party.stage_due_on > longest:
        return (
            f"A closure order lasts at most {rules.closure_order_max_months} months in all, "
            f"until {long_date(longest)} for this one"
        )
    if current_end.due_on is not None and party.stage_due_on <= current_end.due_on:
        return f"An extension ends after the order does now, {long_date(current_end.due_on)}"
    return ""


def _guarded(kind: str, guard: Callable[[CaseParty], str] | None) -> Callable[[CaseParty], str]:
    """Every step: the case open, the party a perpetrator on it, and not the same step on the same day
    again (a second click, read under the row lock); then the step's own legal guard."""

    def check(party: CaseParty) -> str:
        if party.case.status != CaseStatus.OPEN:
            return (
                f"Case {party.case.reference} is {party.case.get_status_display().lower()}: reopen it first"
            )
        if party.role != PartyRole.PERPETRATOR:
            return "Steps of the incremental approach are taken with a perpetrator"
        day = party.stage_since or timezone.localdate()
        if party.steps.filter(kind=kind, issued_on=day).exists():
            return f"This step was already recorded with {party.party.name} on {long_date(day)}"
        return guard(party) if guard is not None else ""

    return check


def _step(
    stage: str,
    label: str,
    guard: Callable[[CaseParty], str] | None = None,
    *,
    name: str = "",
    sources: frozenset[str] = OPEN_STAGES,
) -> Transition:
    deadline = STEP_DEADLINES.get(stage)
    return Transition(
        name=name or stage,
        sources=sources,
        target=stage,
        label=label,
        permission="asb.work_case",
        check=_guarded(name or stage, guard),
        starts=(
            DeadlineRule(name=deadline, due_on=lambda party: party.stage_due_on, assignee=_lead_officer)
            if deadline
            else None
        ),
        ends=frozenset(name for step, name in STEP_DEADLINES.items() if step != stage),
    )


def record_intervention(party: CaseParty, transition: Transition, actor: Any, comment: str) -> Intervention:
    """The perpetrator workflow's step record: the step, its day and the deadline it started."""
    return Intervention.objects.create(
        case_party=party,
        kind=transition.name,
        actor=actor,
        comment=comment,
        issued_on=party.stage_since or timezone.localdate(),
        due_on=party.stage_due_on,
    )


PERPETRATOR_WORKFLOW = Workflow(
    model=CaseParty,
    noun="perpetrator's case",
    state_field="stage",
    step_recorder=record_intervention,
    refused=CaseRefused,
    transitions=(
        _step(P.ADVICE, "given advice"),
        _step(P.WARNING_LETTER, "sent a warning letter"),
        _step(P.ABC, "put on an Acceptable Behaviour Contract"),
        _step(P.CPW, "given a Community Protection Warning"),
        _step(P.CPN, "issued a Community Protection Notice", _cpn_refusal),
        _step(P.FPN, "given a fixed penalty notice", _breach_refusal),
        _step(P.PROSECUTION, "prosecuted for breach", _breach_refusal),
        _step(P.INJUNCTION, "taken to court for a civil injunction", _injunction_refusal),
        _step(P.CBO, "the subject of a Criminal Behaviour Order request", _cbo_refusal),
        _step(P.CLOSURE_NOTICE, "served a closure notice", _closure_notice_refusal),
        _step(P.CLOSURE_ORDER, "made the subject of a closure order", _closure_order_refusal),
        _step(
            P.CLOSURE_ORDER,
            "given a longer closure order",
            _extension_refusal,
            name=EXTEND_CLOSURE_ORDER,
            sources=frozenset({P.CLOSURE_ORDER}),
        ),
        Transition(
            name="resolve",
            sources=OPEN_STAGES,
            target=P.RESOLVED,
            label="resolved",
            permission="asb.work_case",
            needs_comment=True,
            ends=frozenset(STEP_DEADLINES.values()),
        ),
    ),
)

workflow_register(CASE_WORKFLOW)
workflow_register(PERPETRATOR_WORKFLOW)
