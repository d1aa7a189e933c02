"""Writing ASB casework: every write audited, in one transaction. The core (opening a case, recording an
incident, adding a party, inviting and removing organisations) is here; the topics' services are modules
beside it. Steps of a lifecycle go through the workflow engine (workflows.py)."""

import datetime as dt
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from saferhub.asb.locations import Place, resolved
from saferhub.asb.matching import name_keys, postcode_normalise
from saferhub.asb.models import (
    Case,
    CaseOrganisation,
    CaseParty,
    Incident,
    Party,
    PartyKind,
)
from saferhub.asb.workflows import CaseRefused
from saferhub.audit.models import AuditVerb
from saferhub.audit.services import audit_event_record, audited_create
from saferhub.core.actors import Actor
from saferhub.governance.selectors import items_shared
from saferhub.partnerships.models import Organisation, Partnership
from saferhub.workflow.services import transition


class IncidentAlreadyHeld(Exception):
    """The reporting organisation's reference is already held: the incident is not stored twice."""

    def __init__(self, existing: Incident) -> None:
        super().__init__(f"{existing.reporting_organisation} reference {existing.reference} is already held")
        self.existing = existing


def signed_in(actor: Actor | None) -> Any:
    """The person behind an action, for a record's "by" field: None for the system or an anonymous caller."""
    return actor if actor is not None and actor.is_authenticated else None


def _next_reference(partnership: Partnership, year: int) -> str:
    """ASB-<year>-<n>: the partnership's next number that year (the caller holds its row lock)."""
    prefix = f"ASB-{year}-"
    taken = Case.objects.filter(partnership=partnership, reference__startswith=prefix).count()
    return f"{prefix}{taken + 1:05d}"


def case_open(
    *,
    actor: Actor | None,
    partnership: Partnership,
    summary: str,
    lead_organisation: Organisation,
    lead_officer: Any,
    opened_on: dt.date,
    place: Place,
) -> Case:
    """Open a case (the workflow's "open": permission, audit, the first risk assessment's deadline)."""
    with transaction.atomic():
        Partnership.objects.select_for_update().filter(pk=partnership.pk).first()
        case = Case(
            partnership=partnership,
            reference=_next_reference(partnership, opened_on.year),
            summary=summary.strip(),
            lead_organisation=lead_organisation,
            lead_officer=lead_officer,
            opened_on=opened_on,
            created_by=signed_in(actor),
            **resolved(place),
        )
        return transition(actor=actor, record=case, name="open")


def party_record(
    *,
    actor: Actor | None,
    partnership: Partnership,
    kind: str,
    name: str,
    date_of_birth: dt.date | None = None,
    address: str = "",
    postcode: str = "",
) -> Party:
    """A new person, household, business or premises known to the partnership."""
    family_key, given_key = name_keys(name) if kind == PartyKind.PERSON else (name_keys(name)[0], "")
    return audited_create(
        actor=actor,
        model=Party,
        values={
            "partnership": partnership,
            "kind": kind,
            "name": name.strip(),
            "date_of_birth": date_of_birth,
            "address": address.strip(),
            "postcode": postcode_normalise(postcode) or postcode.strip().upper()[:8],
            "family_key": family_key,
            "given_key": given_key,
            "created_by": signed_in(actor),
        },
    )


def case_party_add(*, actor: Actor | None, case: Case, party: Party, role: str) -> CaseParty:
    """Put a party known to the partnership on a case in a role (refused when it already has that role)."""
    if party.partnership_id != case.partnership_id:
        raise CaseRefused("That person is not known to this partnership")
    already = CaseRefused(f"{party.name} is already on case {case.reference} in that role")
    if CaseParty.objects.filter(case=case, party=party, role=role).exists():
        raise already
    try:
        with transaction.atomic():
            return _case_party_create(actor=actor, case=case, party=party, role=role)
    except IntegrityError:
        # A second click stored it between the check and the insert.
        raise already from None


def _case_party_create(*, actor: Actor | None, case: Case, party: Party, role: str) -> CaseParty:
    return audited_create(
        actor=actor,
        model=CaseParty,
        values={
            "case": case,
            "party": party,
            "role": role,
            "added_by": signed_in(actor),
        },
    )


def incident_record(
    *,
    actor: Actor | None,
    partnership: Partnership,
    case: Case | None,
    reporting_organisation: Organisation,
    reference: str,
    occurred_at: dt.datetime,
    reported_on: dt.date,
    category: str,
    hate_motivated: bool,
    hate_strand: str,
    description: str,
    place: Place,
    victim: Party | None = None,
) -> Incident:
    """Record one report. Raises IncidentAlreadyHeld when the organisation's reference is held already,
    so the same report sent twice (a double click, a partner's system retrying) is stored once."""
    reference = reference.strip()
    if reference:
        # "ADV-1" and "adv-1" are one reference, typed twice.
        existing = Incident.objects.filter(
            partnership=partnership,
            reporting_organisation=reporting_organisation,
            reference__iexact=reference,
        ).first()
        if existing is not None:
            raise IncidentAlreadyHeld(existing)
    try:
        with transaction.atomic():
            return audited_create(
                actor=actor,
                model=Incident,
                values={
                    "partnership": partnership,
                    "case": case,
                    "occurred_at": occurred_at,
                    "reported_on": reported_on,
                    "reporting_organisation": reporting_organisation,
                    "reference": reference,
                    "category": category,
                    "hate_motivated": hate_motivated,
                    "hate_strand": hate_strand if hate_motivated else "",
                    "description": description.strip(),
                    "victim": victim,
                    "recorded_by": signed_in(actor),
                    **resolved(place),
                },
                context={"case": case.reference} if case is not None else None,
            )
    except IntegrityError:
        # Another request stored the same reference between the check and the insert.
        raise IncidentAlreadyHeld(
            Incident.objects.get(
                partnership=partnership, reporting_organisation=reporting_organisation, reference=reference
            )
        ) from None


def organisation_invite(*, actor: Actor | None, case: Case, organisation: Organisation) -> CaseOrganisation:
    """Put a partner organisation on a case. Refused unless an agreement in force joins it to the lead
    organisation: the agreement is what lets it see the case, and decides what of it."""
    if organisation.pk == case.lead_organisation_id:
        raise CaseRefused(f"{organisation} leads this case already")
    if not items_shared(case.partnership, case.lead_organisation_id, organisation.pk):
        raise CaseRefused(
            f"No information sharing agreement in force lets {case.lead_organisation} share a case with "
            f"{organisation}"
        )
    already = CaseRefused(f"{organisation} is on this case already")
    if CaseOrganisation.objects.filter(case=case, organisation=organisation, removed_at=None).exists():
        raise already
    try:
        with transaction.atomic():
            return audited_create(
                actor=actor,
                model=CaseOrganisation,
                values={"case": case, "organisation": organisation, "invited_by": signed_in(actor)},
                context={"case": case.reference},
            )
    except IntegrityError:
        # A second click stored it between the check and the insert.
        raise already from None


def organisation_remove(*, actor: Actor | None, involvement: CaseOrganisation) -> None:
    """Take an organisation off a case: its people lose sight of the case at once (the row stays, as the
    record of who was on it)."""
    with transaction.atomic():
        updated = CaseOrganisation.objects.filter(pk=involvement.pk, removed_at=None).update(
            removed_at=timezone.now(),
            removed_by=signed_in(actor),
        )
        if updated:
            audit_event_record(
                actor=actor,
                verb=AuditVerb.UPDATED,
                target=involvement,
                context={"removed": True, "case": involvement.case.reference},
            )
