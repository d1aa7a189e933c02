"""The lifecycles of an application and of the award made to it (domain rules §9.8), declared for the
workflow engine. Imported when the app is ready (apps.py), as its permissions are.

Application: draft -> submitted -> eligible -> moderated -> approved | rejected; a submitted application may
be ruled not eligible; the applicant may withdraw it until it is decided. The recommendation (the moderated
score against the round's pass mark) is worked out, not a state: the managers decide with it in front of them.
Award: offered -> accepted -> final report -> closed; an offer may be declined, and lapses at its date.
A running project's quarterly reports are a kind of return of the reporting rounds (returns.py).
"""

from typing import Any

from django.utils import timezone

from saferhub.grants import checks
from saferhub.grants.models import (
    Application,
    ApplicationStatus,
    ApplicationStep,
    Award,
    AwardStatus,
    AwardStep,
)
from saferhub.grants.returns import PROJECT_RETURN
from saferhub.reporting.services import return_kind_register
from saferhub.workflow.definitions import (
    DeadlineRule,
    Transition,
    TransitionRefused,
    Workflow,
    steps_kept_in,
    workflow_register,
)


class GrantRefused(TransitionRefused):
    """A step of an application or an award that cannot happen now; the message says why, for the person."""


S = ApplicationStatus
UNDECIDED = frozenset({S.DRAFT, S.SUBMITTED, S.ELIGIBLE, S.MODERATED})

APPLICATION_WORKFLOW = Workflow(
    model=Application,
    noun="application",
    state_field="status",
    step_recorder=steps_kept_in(ApplicationStep, "application"),
    refused=GrantRefused,
    state_phrases={S.DRAFT: "a draft"},
    transitions=(
        Transition(
            name="start",
            sources=frozenset(),
            target=S.DRAFT,
            label="started",
            permission="grants.apply",
            check=checks.round_open_refusal,
        ),
        Transition(
            name="submit",
            sources=frozenset({S.DRAFT}),
            target=S.SUBMITTED,
            label="submitted",
            permission="grants.apply",
            stamps="submitted_at",
            check=checks.submission_refusal,
        ),
        Transition(
            name="withdraw",
            sources=UNDECIDED,
            target=S.WITHDRAWN,
            label="withdrawn",
            permission="grants.apply",
        ),
        Transition(
            name="rule_ineligible",
            sources=frozenset({S.SUBMITTED}),
            target=S.INELIGIBLE,
            label="ruled not eligible",
            permission="grants.manage",
            stamps="decided_at",
            needs_comment=True,
        ),
        Transition(
            name="rule_eligible",
            sources=frozenset({S.SUBMITTED}),
            target=S.ELIGIBLE,
            label="passed to the assessors",
            permission="grants.manage",
        ),
        Transition(
            name="moderate",
            sources=frozenset({S.ELIGIBLE}),
            target=S.MODERATED,
            label="moderated",
            permission="grants.manage",
            check=checks.moderation_refusal,
        ),
        Transition(
            name="approve",
            sources=frozenset({S.MODERATED}),
            target=S.APPROVED,
            label="approved",
            permission="grants.manage",
            stamps="decided_at",
            needs_comment=True,
        ),
        Transition(
            name="reject",
            sources=frozenset({S.MODERATED}),
            target=S.REJECTED,
            label="rejected",
            permission="grants.manage",
            stamps="decided_at",
            needs_comment=True,
        ),
    ),
)


def _respond_by(award: Award) -> Any:
    return award.respond_by


def _contact_of(award: Award) -> Any:
    return award.application.contact


def _offer_still_open(award: Award) -> str:
    if timezone.localdate() > award.respond_by:
        return f"This offer lapsed on {award.respond_by:%-d %B %Y}: ask the partnership to give you longer"
    return ""


A = AwardStatus
OFFER_RESPONSE = "offer response"

AWARD_WORKFLOW = Workflow(
    model=Award,
    noun="award",
    state_field="status",
    step_recorder=steps_kept_in(AwardStep, "award"),
    refused=GrantRefused,
    state_phrases={A.OFFERED: "an offer"},
    transitions=(
        Transition(
            name="offer",
            sources=frozenset(),
            target=A.OFFERED,
            label="offered",
            permission="grants.manage",
            stamps="offered_at",
            starts=DeadlineRule(name=OFFER_RESPONSE, due_on=_respond_by, assignee=_contact_of),
            check=checks.offer_refusal,
        ),
        Transition(
            name="accept",
            sources=frozenset({A.OFFERED}),
            target=A.ACCEPTED,
            label="accepted",
            permission="grants.apply",
            stamps="accepted_at",
            ends=frozenset({OFFER_RESPONSE}),
            check=_offer_still_open,
        ),
        Transition(
            name="decline",
            sources=frozenset({A.OFFERED}),
            target=A.DECLINED,
            label="declined",
            permission="grants.apply",
            ends=frozenset({OFFER_RESPONSE}),
        ),
        Transition(
            name="report_final",
            sources=frozenset({A.ACCEPTED}),
            target=A.FINAL_REPORT,
            label="given its final report",
            permission="grants.apply",
            check=checks.final_report_refusal,
        ),
        Transition(
            name="close",
            sources=frozenset({A.FINAL_REPORT}),
            target=A.CLOSED,
            label="closed",
            permission="grants.manage",
            stamps="closed_at",
        ),
    ),
)

workflow_register(APPLICATION_WORKFLOW)
workflow_register(AWARD_WORKFLOW)
return_kind_register(PROJECT_RETURN)
