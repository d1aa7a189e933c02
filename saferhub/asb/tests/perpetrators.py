"""A perpetrator on one of A's cases, led by Alpha City Council and its case officer, and a way to be on a
given day at noon (London), for the tests of the incremental approach and its letters."""

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

import time_machine

from saferhub.asb.models import CaseParty, PartyKind, PartyRole
from saferhub.asb.tests.factories import CaseFactory, PartyFactory
from saferhub.partnerships.models import Organisation

LONDON = ZoneInfo("Europe/London")


def on(day: dt.date) -> Any:
    """Travel to noon of `day` in London, so the local date is `day` whatever the season."""
    return time_machine.travel(dt.datetime.combine(day, dt.time(12), tzinfo=LONDON), tick=False)


def perpetrator(
    world: Any,
    *,
    kind: str = PartyKind.PERSON,
    date_of_birth: dt.date | None = dt.date(1990, 5, 17),
    name: str = "Percy Perp",
    opened_on: dt.date = dt.date(2027, 1, 4),
) -> CaseParty:
    council = Organisation.objects.get(name="Alpha City Council")
    case = CaseFactory(
        partnership=world.a,
        lead_organisation=council,
        lead_officer=world.people["case_officer"],
        opened_on=opened_on,
        summary="Loud music at night and threats to neighbours",
    )
    party = PartyFactory(
        partnership=world.a,
        kind=kind,
        name=name,
        date_of_birth=date_of_birth,
        address="4 Mill Lane, Leicester LE1 1AA",
    )
    return CaseParty.objects.create(case=case, party=party, role=PartyRole.PERPETRATOR)
