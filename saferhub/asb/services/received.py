"""A report sent by a partner's own system (the API's `POST incidents`): the victim it names and the incident,
stored together or not at all, so that a report sent twice leaves neither a second incident nor a second
person behind."""

import datetime as dt
from dataclasses import dataclass

from django.db import transaction

from saferhub.asb.locations import Place
from saferhub.asb.models import Case, Incident, PartyKind
from saferhub.asb.services import incident_record, party_record
from saferhub.core.actors import Actor
from saferhub.partnerships.models import Organisation, Partnership


@dataclass(frozen=True)
class VictimGiven:
    name: str
    date_of_birth: dt.date | None = None
    address: str = ""
    postcode: str = ""


def incident_report_receive(
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
    victim: VictimGiven | None,
) -> Incident:
    """Record the report, with its victim as a new person known to the partnership. Raises
    IncidentAlreadyHeld (and stores nothing) when the organisation's reference is held already."""
    with transaction.atomic():
        party = (
            party_record(
                actor=actor,
                partnership=partnership,
                kind=PartyKind.PERSON,
                name=victim.name,
                date_of_birth=victim.date_of_birth,
                address=victim.address,
                postcode=victim.postcode,
            )
            if victim is not None
            else None
        )
        return incident_record(
            actor=actor,
            partnership=partnership,
            case=case,
            reporting_organisation=reporting_organisation,
            reference=reference,
            occurred_at=occurred_at,
            reported_on=reported_on,
            category=category,
            hate_motivated=hate_motivated,
            hate_strand=hate_strand,
            description=description,
            place=place,
            victim=party,
        )
