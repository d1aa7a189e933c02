"""Changing a case: its details, closing and reopening it, merging it into another and linking two. The
steps of its lifecycle go through the workflow engine (workflows.py), which checks the permission and
records the step; each write is audited, in one transaction."""

import datetime as dt
from typing import Any

from django.db import transaction

from saferhub.asb.locations import Place, resolved
from saferhub.asb.models import Case, CaseLink, CaseParty, CaseStatus, Incident, Party, RiskAssessment
from saferhub.asb.services import case_party_add, party_record
from saferhub.asb.workflows import CaseRefused
from saferhub.audit.models import AuditVerb
from saferhub.audit.services import audit_event_record, audited_create, audited_update
from saferhub.core.actors import Actor
from saferhub.workflow.services import transition


def case_edit(*, actor: Actor | None, case: Case, summary: str, lead_officer: Any, place: Place) -> list[str]:
    """Change a case's summary, lead officer and location; the names of the fields that changed."""
    with transaction.atomic():
        return audited_update(
            actor=actor,
            record=case,
            values={"summary": summary.strip(), "lead_officer": lead_officer, **resolved(place)},
        )


def case_party_new(
    *,
    actor: Actor | None,
    case: Case,
    role: str,
    existing: Party | None,
    kind: str,
    name: str,
    date_of_birth: dt.date | None,
    address: str,
    postcode: str,
) -> CaseParty:
    """Put a party on the case in a role: one already known to the partnership, or a new one recorded now
    (both or neither, in one transaction)."""
    with transaction.atomic():
        party = existing or party_record(
            actor=actor,
            partnership=case.partnership,
            kind=kind,
            name=name,
            date_of_birth=date_of_birth,
            address=address,
            postcode=postcode,
        )
        return case_party_add(actor=actor, case=case, party=party, role=role)


def case_close(*, actor: Actor | None, case: Case, comment: str) -> Case:
    return transition(actor=actor, record=case, name="close", comment=comment)


def case_reopen(*, actor: Actor | None, case: Case, comment: str) -> Case:
    return transition(actor=actor, record=case, name="reopen", comment=comment)


def _move_parties(case: Case, target: Case) -> int:
    """Put the case's parties on the target; a party already there in the same role keeps the target's row,
    which takes over the merged row's risk assessments and steps. How many rows moved."""
    moved = 0
    for row in CaseParty.objects.filter(case=case):
        existing = CaseParty.objects.filter(case=target, party_id=row.party_id, role=row.role).first()
        if existing is None:
            CaseParty.objects.filter(pk=row.pk).update(case=target)
            RiskAssessment.objects.filter(victim=row).update(case=target)
            moved += 1
        else:
            RiskAssessment.objects.filter(victim=row).update(case=target, victim=existing)
            row.steps.update(case_party=existing)
    return moved


def case_merge(*, actor: Actor | None, case: Case, target: Case, comment: str) -> Case:
    """Merge a case into another open case of the partnership: its incidents and parties move to the
    target, the case is marked merged into it, and the target's audit trail records what came in."""
    if target.pk == case.pk:
        raise CaseRefused("A case cannot be merged into itself: give another case's reference")
    if target.partnership_id != case.partnership_id or target.status != CaseStatus.OPEN:
        raise CaseRefused(f"Case {target.reference} is not open: merge into an open case")
    with transaction.atomic():
        merged = transition(actor=actor, record=case, name="merge", comment=comment)
        Case.objects.filter(pk=case.pk).update(merged_into=target)
        incidents = Incident.objects.filter(case=case).update(case=target)
        parties = _move_parties(case, target)
        audit_event_record(
            actor=actor,
            verb=AuditVerb.UPDATED,
            target=target,
            context={"merged_from": case.reference, "incidents": incidents, "parties": parties},
        )
    merged.refresh_from_db()
    return merged


def case_link(*, actor: Actor | None, case: Case, other: Case, reason: str) -> CaseLink:
    """Record that two cases of the partnership are related; each shows the other."""
    if other.pk == case.pk:
        raise CaseRefused("A case cannot be linked to itself: give another case's reference")
    if other.partnership_id != case.partnership_id:
        raise CaseRefused("Give the reference of one of this partnership's cases")
    already = CaseLink.objects.filter(case=case, other=other) | CaseLink.objects.filter(
        case=other, other=case
    )
    if already.exists():
        raise CaseRefused(f"Case {case.reference} is linked to {other.reference} already")
    with transaction.atomic():
        return audited_create(
            actor=actor,
            model=CaseLink,
            values={
                "case": case,
                "other": other,
                "reason": reason.strip(),
                "linked_by": actor if getattr(actor, "is_authenticated", False) else None,
            },
            context={"case": case.reference, "other": other.reference},
        )
