"""Likely duplicates of a person, an incident or a case being entered ("no double keying"), for the pages
and the API to offer before a second record is made.

The database finds a few candidates through its indexes (the phonetic key of a family name, a date of
birth, a postcode, an organisation's reference, a place and a day); Python scores those few with jellyfish.
Nothing reads every name. Only what the person may see is offered, within the data items the agreements in
force share with them:

- a party on a case: a victim, witness or reporter where they see the case's victims' details, a perpetrator
  where they see its perpetrators'; a party on no case: when someone working cases for one of their
  organisations in the partnership recorded it (as the person who keyed it in would find it);
- an incident on a case whose incidents they see, or on no case and reported by one of their organisations;
- an open case they may see at all (as access.visible_cases: its summary, reference and place).
"""

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import jellyfish
from django.db import models

from saferhub.asb.access import CASE_ROLES, case_organisation_ids
from saferhub.asb.matching import name_words, postcode_normalise
from saferhub.asb.models import Case, CaseOrganisation, CaseParty, CaseStatus, Incident, Party, PartyRole
from saferhub.governance.models import DataItem
from saferhub.governance.selectors import sharing_between
from saferhub.partnerships.models import Partnership

# How many rows each indexed lookup may bring back to be scored: enough for a common surname in a force area.
CANDIDATES_PER_LOOKUP = 200
# The same name typed twice scores near 1; "Catherine Smith" against "Kathryn Smith" about 0.88.
NAME_ALIKE = 0.85
# A weaker likeness of name still counts beside the same (or a mistyped) date of birth.
NAME_ALIKE_WITH_BIRTH = 0.7
ADDRESS_ALIKE = 0.88
NEARBY_HOURS = 24
VICTIMS_DETAILS_ROLES = (PartyRole.VICTIM, PartyRole.WITNESS, PartyRole.REPORTER)


@dataclass(frozen=True)
class PartyMatch:
    party: Party
    score: float
    reasons: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class IncidentMatch:
    incident: Incident
    reasons: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class CaseMatch:
    case: Case
    reasons: list[str] = field(default_factory=list)


def _candidates(lookups: Iterable[models.QuerySet[Any]]) -> set[int]:
    """The keys each indexed lookup finds (at most CANDIDATES_PER_LOOKUP each), together: one small query
    each, as SQLite allows no LIMIT inside a UNION's parts."""
    found: set[int] = set()
    for lookup in lookups:
        found.update(lookup.order_by().values_list("pk", flat=True)[:CANDIDATES_PER_LOOKUP])
    return found


# --- What the person sees ---------------------------------------------------------------------------


def cases_sharing(user: Any, partnership: Partnership, item: str | None, *, via: str = "") -> models.Q:
    """A filter of the cases whose `item` (None: any item, so the case itself) the person sees: those led by
    one of their organisations, and those one of them is on (not removed) under an agreement in force sharing
    `item` with the lead: access.visible_cases, within an item. `via` is the path from the filtered model to
    its case ("case" for an incident), "" for cases themselves.

    The organisation's involvement is an EXISTS on each row, so a filter of a few candidates costs a few
    index lookups, not a list of every case the organisation is on."""
    prefix = f"{via}__" if via else ""
    mine = case_organisation_ids(user, partnership)
    if not mine:
        return models.Q(pk__in=[])
    seen = models.Q(**{f"{prefix}lead_organisation_id__in": mine})
    shared = sharing_between(partnership, mine)
    for organisation_id in sorted(mine):
        leads = {
            theirs
            for (ours, theirs), items in shared.items()
            if ours == organisation_id and (item in items if item else items)
        }
        if leads:
            involved = CaseOrganisation.objects.filter(
                case_id=models.OuterRef(via or "pk"), organisation_id=organisation_id, removed_at=None
            )
            seen |= models.Q(models.Exists(involved), **{f"{prefix}lead_organisation_id__in": leads})
    return seen


def incidents_seen(user: Any, partnership: Partnership) -> models.Q:
    """A filter of the partnership's incidents the person sees: on a case whose incidents they see, or on no
    case and reported by an organisation they work cases for."""
    mine = case_organisation_ids(user, partnership)
    if not mine:
        return models.Q(pk__in=[])
    return models.Q(partnership=partnership) & (
        cases_sharing(user, partnership, DataItem.INCIDENTS, via="case")
        | models.Q(case=None, reporting_organisation_id__in=mine)
    )


def _parties_seen(user: Any, partnership: Partnership, party_ids: Iterable[int]) -> set[int]:
    """Which of these parties the person may see (the module's docstring says when)."""
    ids = set(party_ids)
    if not ids:
        return set()
    on_cases = CaseParty.objects.filter(party_id__in=ids, case__partnership=partnership).order_by()
    seen = set(
        on_cases.filter(
            models.Q(role__in=VICTIMS_DETAILS_ROLES)
            & cases_sharing(user, partnership, DataItem.VICTIMS, via="case")
            | models.Q(role=PartyRole.PERPETRATOR)
            & cases_sharing(user, partnership, DataItem.PERPETRATORS, via="case")
        ).values_list("party_id", flat=True)
    )
    mine = case_organisation_ids(user, partnership)
    seen |= set(
        Party.objects.order_by()
        .filter(
            pk__in=ids - seen,
            roles=None,
            created_by__memberships__partnership=partnership,
            created_by__memberships__organisation_id__in=mine,
            created_by__memberships__role__in=CASE_ROLES,
        )
        .values_list("pk", flat=True)
    )
    return seen


# --- People -----------------------------------------------------------------------------------------


def _variants(word: str) -> set[str]:
    return {jellyfish.nysiis(spelt)[:20] for spelt in {word, word.replace("y", "i"), word.replace("i", "y")}}


def _given_keys(name: str) -> set[str]:
    words = name_words(name)
    return _variants(words[0]) if len(words) > 1 else set()


def _family_keys(name: str) -> set[str]:
    """The phonetic keys a party of this name may be filed under: each word after the first (so either half
    of a double-barrelled name), as typed and with y and i swapped (NYSIIS keeps Smyth and Smith apart)."""
    words = name_words(name)
    return set().union(*(_variants(word) for word in words[1:] or words))


def _swapped(day: dt.date) -> dt.date | None:
    """The date with its day and month swapped (17/05 typed as 05/17), when that is a date."""
    if day.day > 12 or day.day == day.month:
        return None
    return day.replace(month=day.day, day=day.month)


def _birth_likeness(given: dt.date | None, held: dt.date | None) -> tuple[float, str]:
    if given is None or held is None:
        return 0.0, ""
    if given == held:
        return 1.0, "same date of birth"
    if _swapped(given) == held:
        return 0.8, "date of birth with the day and month swapped"
    typed, kept = given.isoformat(), held.isoformat()
    if sum(a != b for a, b in zip(typed, kept, strict=True)) == 1:
        return 0.7, "date of birth one digit different"
    return 0.0, ""


def name_likeness(typed: str, held: str) -> float:
    """0 to 1: the better of the whole names' Jaro-Winkler likeness and that of the family name (the best
    of its words) and the first name taken together, so that "Catherine Smith" is like "Kathryn Smith"."""
    a, b = name_words(typed), name_words(held)
    if not a or not b:
        return 0.0
    whole = jellyfish.jaro_winkler_similarity(" ".join(a), " ".join(b))
    if len(a) < 2 or len(b) < 2:
        return whole
    family = max(jellyfish.jaro_winkler_similarity(x, y) for x in a[1:] for y in b[1:])
    given = jellyfish.jaro_winkler_similarity(a[0], b[0])
    return max(whole, 0.6 * family + 0.4 * given)


def _party_score(
    name: str,
    born: dt.date | None,
    postcode: str,
    held_name: str,
    held_born: dt.date | None,
    held_postcode: str,
) -> tuple[float, list[str]] | None:
    """How alike a party held is to the one typed, and why; None when not alike enough to offer."""
    likeness = name_likeness(name, held_name)
    birth, birth_reason = _birth_likeness(born, held_born)
    if likeness < NAME_ALIKE and not (birth and likeness >= NAME_ALIKE_WITH_BIRTH):
        return None
    same_postcode = bool(postcode) and held_postcode == postcode
    reasons = ["same name" if likeness > 0.999 else "similar name"]
    reasons += [birth_reason] if birth_reason else []
    reasons += ["same postcode"] if same_postcode else []
    return round(0.6 * likeness + 0.3 * birth + 0.1 * same_postcode, 3), reasons


def party_matches(
    user: Any,
    partnership: Partnership,
    *,
    name: str,
    date_of_birth: dt.date | None,
    postcode: str,
    limit: int = 10,
) -> list[PartyMatch]:
    """People the partnership already holds who are likely the one being entered, best first."""
    family_keys = _family_keys(name)
    given_keys = _given_keys(name)
    births = [day for day in (date_of_birth, date_of_birth and _swapped(date_of_birth)) if day]
    postcode = postcode_normalise(postcode)
    parties = Party.objects.filter(partnership=partnership)
    lookups = []
    if family_keys:
        # A common family name has more holders than a lookup brings back: those with the first name's key too
        # first, so that the person typed is among the candidates however common their name.
        if given_keys:
            lookups.append(parties.filter(family_key__in=family_keys, given_key__in=given_keys))
        lookups.append(parties.filter(family_key__in=family_keys))
    if births:
        lookups.append(parties.filter(date_of_birth__in=births))
    if postcode:
        lookups.append(parties.filter(postcode=postcode))
    if not lookups:
        return []
    # Scored from the lookups' own columns, so that only the few alike are checked for who may see them.
    scored: dict[int, tuple[float, list[str]]] = {}
    for lookup in lookups:
        rows = lookup.order_by().values_list("pk", "name", "date_of_birth", "postcode")[
            :CANDIDATES_PER_LOOKUP
        ]
        for pk, held_name, held_birth, held_postcode in rows:
            if pk not in scored and (
                found := _party_score(name, date_of_birth, postcode, held_name, held_birth, held_postcode)
            ):
                scored[pk] = found
    seen = _parties_seen(user, partnership, scored)
    matches = [
        PartyMatch(party=party, score=scored[party.pk][0], reasons=scored[party.pk][1])
        for party in Party.objects.filter(pk__in=seen)
    ]
    matches.sort(key=lambda match: (-match.score, match.party.name, match.party.pk))
    return matches[:limit]


# --- Incidents --------------------------------------------------------------------------------------


def incident_matches(
    user: Any,
    partnership: Partnership,
    *,
    reporting_organisation_id: int | None,
    reference: str,
    occurred_at: dt.datetime | None,
    postcode: str,
    lsoa_code: str,
    limit: int = 10,
) -> list[IncidentMatch]:
    """Incidents likely to be the one being entered: the same organisation's reference, or the same postcode
    or LSOA within a day either side. The reference first, then the nearest in time."""
    incidents = Incident.objects.filter(partnership=partnership).order_by()
    reference = reference.strip()
    lookups = []
    if reference and reporting_organisation_id is not None:
        lookups.append(
            incidents.filter(reporting_organisation_id=reporting_organisation_id, reference=reference)
        )
    postcode = postcode_normalise(postcode)
    if occurred_at is not None:
        window = (
            occurred_at - dt.timedelta(hours=NEARBY_HOURS),
            occurred_at + dt.timedelta(hours=NEARBY_HOURS),
        )
        if postcode:
            lookups.append(incidents.filter(postcode=postcode, occurred_at__range=window))
        if lsoa_code:
            lookups.append(incidents.filter(lsoa_code=lsoa_code.strip().upper(), occurred_at__range=window))
    if not lookups:
        return []
    candidate_ids = _candidates(lookups)
    found = Incident.objects.filter(pk__in=candidate_ids).filter(incidents_seen(user, partnership))
    matches = []
    for incident in found.select_related("case", "reporting_organisation"):
        reasons = []
        same_reference = (incident.reporting_organisation_id, incident.reference) == (
            reporting_organisation_id,
            reference,
        )
        if reference and same_reference:
            reasons.append("same reporting organisation and reference")
        if occurred_at is not None and abs(incident.occurred_at - occurred_at) <= dt.timedelta(
            hours=NEARBY_HOURS
        ):
            if postcode and incident.postcode == postcode:
                reasons.append("same postcode within a day")
            if lsoa_code and incident.lsoa_code == lsoa_code.strip().upper():
                reasons.append("same neighbourhood (LSOA) within a day")
        if reasons:
            matches.append(IncidentMatch(incident=incident, reasons=reasons))
    when = occurred_at or dt.datetime.now(dt.UTC)
    matches.sort(
        key=lambda match: (
            not match.reasons[0].startswith("same reporting"),
            abs(match.incident.occurred_at - when),
            match.incident.pk,
        )
    )
    return matches[:limit]


# --- Cases ------------------------------------------------------------------------------------------


def _sector(postcode: str) -> str:
    """'LE1 4FP' -> 'LE1 4': the postcode sector, a few streets."""
    return postcode[:-2] if postcode else ""


def _address_likeness(typed: str, held: str) -> float:
    a, b = " ".join(name_words(typed)), " ".join(name_words(held))
    return jellyfish.jaro_winkler_similarity(a, b) if a and b else 0.0


def case_matches(
    user: Any,
    partnership: Partnership,
    *,
    postcode: str,
    address: str,
    party_ids: Iterable[int] = (),
    limit: int = 10,
) -> list[CaseMatch]:
    """Open cases the person may see that a new case is likely to repeat: at the same postcode, at a similar
    address in the same postcode sector, or with one of these parties on them."""
    postcode = postcode_normalise(postcode)
    party_ids = list(party_ids)
    cases = Case.objects.filter(partnership=partnership, status=CaseStatus.OPEN).order_by()
    lookups = []
    if postcode:
        sector = _sector(postcode)
        # A range on the indexed postcode: SQLite's LIKE ignores case, so `startswith` would miss the index.
        lookups.append(cases.filter(postcode__gte=sector, postcode__lt=sector + "~"))
    if party_ids:
        lookups.append(
            cases.filter(pk__in=CaseParty.objects.filter(party_id__in=party_ids).values("case_id"))
        )
    if not lookups:
        return []
    candidate_ids = _candidates(lookups)
    found = Case.objects.filter(pk__in=candidate_ids).filter(cases_sharing(user, partnership, None))
    with_parties = (
        set(
            CaseParty.objects.filter(case_id__in=candidate_ids, party_id__in=party_ids).values_list(
                "case_id", flat=True
            )
        )
        if party_ids
        else set()
    )
    matches = []
    for case in found.select_related("lead_organisation"):
        reasons = []
        if postcode and case.postcode == postcode:
            reasons.append("same postcode")
        if address and case.address and _address_likeness(address, case.address) >= ADDRESS_ALIKE:
            reasons.append("similar address")
        if case.pk in with_parties:
            reasons.append("the same person is on it")
        if reasons:
            matches.append(CaseMatch(case=case, reasons=reasons))
    matches.sort(key=lambda match: (-len(match.reasons), -match.case.opened_on.toordinal(), match.case.pk))
    return matches[:limit]
