"""The lifecycle of an information sharing agreement (domain rules §9.7), declared for the workflow engine.

draft -> DPIA (when the sharing is high risk) -> legal and information governance review -> signed (every
party, with its signatory) -> active (in the register; shares data from its start date) -> review due (its
review date reached) -> renewed or amended (active again, a new review date) or terminated. An agreement
may be terminated at any stage; a terminated one shares nothing, at once.
"""

from django.utils import timezone

from saferhub.governance.models import AgreementStatus, AgreementStep, SharingAgreement
from saferhub.workflow.definitions import (
    Transition,
    TransitionRefused,
    Workflow,
    steps_kept_in,
    workflow_register,
)


class AgreementRefused(TransitionRefused):
    """A step of an agreement that cannot happen now; the message says why."""


S = AgreementStatus
MANAGE = "governance.manage_agreements"


def _ready_for_review(agreement: SharingAgreement) -> str:
    if not agreement.parties.exists():
        return "Add the organisations that are party to the agreement first"
    if not agreement.data_items:
        return "Say which data items the parties share first"
    if agreement.high_risk and not agreement.dpia_reference.strip():
        return (
            "This sharing is high risk: record the reference of its data protection impact assessment first"
        )
    return ""


def _signed_by_every_party(agreement: SharingAgreement) -> str:
    unsigned = [
        str(party.organisation)
        for party in agreement.parties.select_related("organisation")
        if party.signed_on is None or not party.signatory_name.strip()
    ]
    if unsigned:
        return "Record who signed for every party first: not yet signed by " + ", ".join(unsigned)
    return ""


def _ready_to_activate(agreement: SharingAgreement) -> str:
    if agreement.starts_on is None or agreement.review_on is None:
        return "Set the date the sharing starts and the date of its review first"
    if agreement.review_on <= timezone.localdate():
        return "Set a review date after today first"
    return ""


def _new_review_date(agreement: SharingAgreement) -> str:
    if agreement.review_on is None or agreement.review_on <= timezone.localdate():
        return "Set the next review date, after today, first"
    return ""


AGREEMENT_WORKFLOW = Workflow(
    model=SharingAgreement,
    noun="agreement",
    state_field="status",
    step_recorder=steps_kept_in(AgreementStep, "agreement"),
    refused=AgreementRefused,
    state_phrases={S.DRAFT: "a draft", S.DPIA: "awaiting its impact assessment", S.LEGAL_REVIEW: "in review"},
    transitions=(
        Transition(name="draft", sources=frozenset(), target=S.DRAFT, label="drafted", permission=MANAGE),
        Transition(
            name="assess_impact",
            sources=frozenset({S.DRAFT}),
            target=S.DPIA,
            label="sent for its impact assessment",
            permission=MANAGE,
        ),
        Transition(
            name="send_for_review",
            sources=frozenset({S.DRAFT, S.DPIA}),
            target=S.LEGAL_REVIEW,
            label="sent for legal and information governance review",
            permission=MANAGE,
            check=_ready_for_review,
        ),
        Transition(
            name="sign",
            sources=frozenset({S.LEGAL_REVIEW}),
            target=S.SIGNED,
            label="recorded as signed",
            permission=MANAGE,
            stamps="signed_at",
            check=_signed_by_every_party,
        ),
        Transition(
            name="activate",
            sources=frozenset({S.SIGNED}),
            target=S.ACTIVE,
            label="made active",
            permission=MANAGE,
            stamps="activated_at",
            check=_ready_to_activate,
        ),
        # The daily reminder job moves an agreement whose review date has come; nobody else does.
        Transition(
            name="review_due", sources=frozenset({S.ACTIVE}), target=S.REVIEW_DUE, label="due for review"
        ),
        Transition(
            name="renew",
            sources=frozenset({S.ACTIVE, S.REVIEW_DUE}),
            target=S.ACTIVE,
            label="renewed",
            permission=MANAGE,
            check=_new_review_date,
        ),
        Transition(
            name="amend",
            sources=frozenset({S.ACTIVE, S.REVIEW_DUE}),
            target=S.ACTIVE,
            label="amended",
            permission=MANAGE,
            needs_comment=True,
            check=_new_review_date,
        ),
        Transition(
            name="terminate",
            sources=frozenset({S.DRAFT, S.DPIA, S.LEGAL_REVIEW, S.SIGNED, S.ACTIVE, S.REVIEW_DUE}),
            target=S.TERMINATED,
            label="terminated",
            permission=MANAGE,
            stamps="terminated_at",
            needs_comment=True,
        ),
    ),
)

workflow_register(AGREEMENT_WORKFLOW)
