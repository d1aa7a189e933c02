"""Keeping the register of information sharing agreements: drafting and changing an agreement, its parties,
its lifecycle's steps (workflows.py), and the daily reminders of reviews.

The terms of an agreement change freely until it is signed. A signed agreement not yet active takes only its
dates (its start and review dates are what activating it needs). Once active, its terms change only by
amending it, with a comment and a new review date, so the register keeps why; its parties are fixed once
signed, since each signed what it shares and with whom.
"""

import datetime as dt
from dataclasses import dataclass
from functools import partial
from typing import Any

from django.conf import settings
from django.db import models, transaction

from saferhub.audit.models import AuditVerb
from saferhub.audit.services import audit_event_record, audited_create, audited_update
from saferhub.core.actors import Actor
from saferhub.governance import selectors
from saferhub.governance.models import (
    AgreementParty,
    AgreementStatus,
    SharingAgreement,
)
from saferhub.governance.tasks import review_reminder_email_send
from saferhub.governance.workflows import MANAGE, AgreementRefused
from saferhub.partnerships.models import Organisation, Partnership
from saferhub.partnerships.permissions import require_permission
from saferhub.workflow.services import transition

S = AgreementStatus
# The states in which an agreement's terms and parties are still being drawn up.
DRAFTING_STATUSES = frozenset({S.DRAFT, S.DPIA, S.LEGAL_REVIEW})
AMENDABLE_STATUSES = frozenset({S.ACTIVE, S.REVIEW_DUE})
DATE_FIELDS = ("starts_on", "ends_on", "review_on")
# The steps a manager takes from the agreement's page; "draft" creates, "amend" is the edit page's, and
# "review_due" is the daily job's.
PAGE_STEPS = ("assess_impact", "send_for_review", "sign", "activate", "renew", "terminate")


def review_reminder_days() -> int:
    """How many days before its review date an agreement's managers are reminded (default 30)."""
    return int(settings.GOVERNANCE_REVIEW_REMINDER_DAYS)


def _locked(agreement: SharingAgreement) -> SharingAgreement:
    return SharingAgreement.objects.select_for_update().get(pk=agreement.pk)


def _drafting_refusal(agreement: SharingAgreement, what: str) -> AgreementRefused:
    if agreement.status in AMENDABLE_STATUSES:
        return AgreementRefused(
            f"This agreement is {agreement.get_status_display().lower()}: {what} only by amending it"
        )
    return AgreementRefused(
        f"This agreement is {agreement.get_status_display().lower()}: {what} only while it is being drafted"
    )


# The agreement


def agreement_create(*, actor: Actor, partnership: Partnership, values: dict[str, Any]) -> SharingAgreement:
    """A new draft agreement in the partnership's register."""
    agreement = SharingAgreement(
        partnership=partnership,
        created_by=actor if actor.is_authenticated else None,
        **values,
    )
    return transition(actor=actor, record=agreement, name="draft")


def agreement_update(*, actor: Actor, agreement: SharingAgreement, values: dict[str, Any]) -> list[str]:
    """Change the agreement's terms while it is drafted; once signed (not yet active), only its dates.
    Returns the names of the fields that changed."""
    require_permission(actor, MANAGE, agreement)
    with transaction.atomic():
        locked = _locked(agreement)
        if locked.status == S.SIGNED:
            if set(values) - set(DATE_FIELDS):
                raise AgreementRefused(
                    "This agreement is signed: only its dates can change until it is active"
                )
        elif locked.status not in DRAFTING_STATUSES:
            raise _drafting_refusal(locked, "its terms change")
        return audited_update(actor=actor, record=locked, values=values)


def agreement_amend(
    *, actor: Actor, agreement: SharingAgreement, values: dict[str, Any], comment: str
) -> SharingAgreement:
    """Change an active agreement's terms: the changes and the "amend" step (which needs the comment and a
    review date after today) in one transaction, so a refused amendment changes nothing."""
    require_permission(actor, MANAGE, agreement)
    with transaction.atomic():
        locked = _locked(agreement)
        if locked.status not in AMENDABLE_STATUSES:
            raise AgreementRefused(
                f"This agreement is {locked.get_status_display().lower()}: "
                "it can be amended only when it is active or due for review"
            )
        audited_update(actor=actor, record=locked, values=values)
        return transition(actor=actor, record=locked, name="amend", comment=comment)


def agreement_step(
    *,
    actor: Actor,
    agreement: SharingAgreement,
    name: str,
    comment: str = "",
    review_on: dt.date | None = None,
) -> SharingAgreement:
    """Take one of the page's steps. Renewing sets the new review date with it, in one transaction."""
    if name not in PAGE_STEPS:
        raise AgreementRefused("Choose a step the agreement can take")
    with transaction.atomic():
        if name == "renew" and review_on is not None:
            # Set under the lock; a refused renewal (the wrong state) rolls it back with the step.
            require_permission(actor, MANAGE, agreement)
            audited_update(actor=actor, record=_locked(agreement), values={"review_on": review_on})
        return transition(actor=actor, record=agreement, name=name, comment=comment)


# Its parties


def _drafted(actor: Actor, agreement: SharingAgreement, what: str) -> SharingAgreement:
    require_permission(actor, MANAGE, agreement)
    locked = _locked(agreement)
    if locked.status not in DRAFTING_STATUSES:
        raise _drafting_refusal(locked, what)
    return locked


def party_add(
    *, actor: Actor, agreement: SharingAgreement, organisation: Organisation, values: dict[str, Any]
) -> AgreementParty:
    with transaction.atomic():
        locked = _drafted(actor, agreement, "its parties change")
        if locked.parties.filter(organisation=organisation).exists():
            raise AgreementRefused(f"{organisation} is already a party to this agreement")
        return audited_create(
            actor=actor,
            model=AgreementParty,
            values={"agreement": locked, "organisation": organisation, **values},
        )


def party_update(*, actor: Actor, party: AgreementParty, values: dict[str, Any]) -> list[str]:
    with transaction.atomic():
        _drafted(actor, party.agreement, "its parties change")
        return audited_update(actor=actor, record=party, values=values)


def party_remove(*, actor: Actor, party: AgreementParty) -> None:
    with transaction.atomic():
        _drafted(actor, party.agreement, "its parties change")
        audit_event_record(actor=actor, verb=AuditVerb.DELETED, target=party)
        party.delete()


# Reviews: the daily job


@dataclass(frozen=True)
class ReviewsSent:
    reminded: int
    due: int


def _review_dates_reached(today: dt.date) -> models.QuerySet[SharingAgreement]:
    """Active agreements whose review date has come: from that day on, the review is due."""
    return SharingAgreement.objects.filter(status=S.ACTIVE, review_on__isnull=False, review_on__lte=today)


def reviews_remind(*, today: dt.date) -> ReviewsSent:
    """Email each agreement's managers once per review date, from `review_reminder_days()` before it, and
    mark the agreements whose review date has come as due for review. Idempotent: run it daily."""
    reminded = 0
    for agreement in selectors.reviews_due(within_days=review_reminder_days(), on=today):
        with transaction.atomic():
            locked = _locked(agreement)
            if locked.review_on is None or locked.review_reminded_for == locked.review_on:
                continue
            audited_update(actor=None, record=locked, values={"review_reminded_for": locked.review_on})
            transaction.on_commit(
                partial(
                    review_reminder_email_send.enqueue,
                    agreement_id=locked.pk,
                    review_on=locked.review_on.isoformat(),
                )
            )
            reminded += 1
    due = 0
    for agreement in _review_dates_reached(today):
        try:
            transition(actor=None, record=agreement, name="review_due")
        except AgreementRefused:
            # Renewed, amended or terminated since it was listed: nothing is due.
            continue
        due += 1
    return ReviewsSent(reminded=reminded, due=due)
