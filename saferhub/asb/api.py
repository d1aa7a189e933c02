"""ASB casework in the JSON API, under `/partnerships/{slug}/asb/`, with the pages' permissions.

Those who work cases in the partnership (a case role) list the cases they may see and the incidents on them,
read a case with the data items the agreements in force share with them (reading one is audited, as its
page is), and send a report from their own system (`POST incidents`), which answers with the incident, the
case it joined and the likely duplicates of the report, its place and its victim. A report whose
organisation's reference is held already is not stored twice: 409. Another partnership's case, or one the
token's holder may not see, is a 404; someone in the partnership without a case role is refused (403).
"""

import datetime as dt
import json
from typing import Annotated, Any, Literal
from uuid import UUID

import pydantic
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404, HttpRequest
from django.utils import timezone
from ninja import Field, Query, Router, Schema, Status
from ninja.errors import HttpError
from pydantic import AfterValidator

from saferhub.asb.access import CaseAccess, case_organisation_ids
from saferhub.asb.locations import Place
from saferhub.asb.matching import postcode_normalise
from saferhub.asb.models import (
    Case,
    CaseParty,
    CaseStatus,
    HateStrand,
    Incident,
    IncidentCategory,
    Intervention,
    PartyRole,
)
from saferhub.asb.selectors import case_with_access, cases_visible_to
from saferhub.asb.selectors.matching import case_matches, incident_matches, incidents_seen, party_matches
from saferhub.asb.services import IncidentAlreadyHeld
from saferhub.asb.services.received import VictimGiven, incident_report_receive
from saferhub.audit.services import audit_record_viewed
from saferhub.core.api_schemas import AREA_PATTERN, ErrorOut, PartnershipSlug, answers
from saferhub.governance.models import DataItem
from saferhub.partnerships.models import Organisation, Partnership
from saferhub.partnerships.permissions import require_permission
from saferhub.partnerships.selectors import partnership_for

router = Router(tags=["Anti-social behaviour"])

LSOA_PATTERN = r"^[EWew]0[0-9]{7}$"
NOT_A_CASE_WORKER = "Only those who work cases in this partnership may use its casework"
EARLIEST = dt.date(1900, 1, 1)


def _case_worker_partnership(request: HttpRequest, slug: str) -> Partnership:
    """The partnership, for someone who works cases in it: a 404 if they cannot see it, else a 403 (audited)
    without a case role, as the case list page."""
    partnership = partnership_for(request.user, slug)
    try:
        require_permission(request.user, "asb.open_case", partnership)
    except PermissionDenied as error:
        raise HttpError(403, NOT_A_CASE_WORKER) from error
    return partnership


# --- Cases ----------------------------------------------------------------------------------------------


class CaseOut(Schema):
    id: UUID
    reference: str = Field(description="The partnership's own: ASB-2026-00001")
    summary: str
    status: str = Field(description="open, closed or merged")
    opened_on: dt.date
    closed_at: dt.datetime | None
    lead_organisation: str
    lead_officer: str = Field(description="Their name; empty when no one leads it")
    postcode: str
    lsoa_code: str
    ward_code: str


class PartyOut(Schema):
    id: UUID = Field(description="The party's part in this case")
    party_id: UUID = Field(description="The person, household, business or premises, whatever cases it is in")
    name: str
    kind: str = Field(description="person, household, business or premises")
    role: str = Field(description="victim, perpetrator, witness or reporter")
    date_of_birth: dt.date | None
    address: str
    postcode: str


class PerpetratorOut(PartyOut):
    stage: str = Field(description="Their place on the incremental approach: none, advice, ... closure_order")
    stage_since: dt.date | None
    stage_due_on: dt.date | None = Field(description="The deadline the step taken started")


class IncidentOut(Schema):
    id: UUID
    case_id: UUID | None
    reporting_organisation: str
    reference: str = Field(description="The reporting organisation's own")
    occurred_at: dt.datetime
    reported_on: dt.date
    category: str = Field(description="personal, nuisance or environmental")
    hate_motivated: bool
    hate_strand: str
    description: str
    postcode: str
    lsoa_code: str
    ward_code: str


class RiskAssessmentOut(Schema):
    id: UUID
    victim_id: UUID = Field(description="The victim's part in this case (a `victims` id)")
    assessed_on: dt.date
    score: int
    level: str = Field(description="standard, medium or high")
    next_review_on: dt.date


class StepOut(Schema):
    id: UUID
    perpetrator_id: UUID = Field(description="The perpetrator's part in this case (a `perpetrators` id)")
    kind: str = Field(description="The step of the incremental approach: warning_letter, cpw, cpn, ...")
    issued_on: dt.date
    due_on: dt.date | None
    outcome: str


class CaseDetailOut(CaseOut):
    address: str
    risk_level: str | None = Field(description="From the latest risk assessment; null if not shared with you")
    flagged_for: str = Field(description="jag, case_conference or empty")
    sees: list[str] = Field(description="The data items of the case you see: incidents, victims, ...")
    victims: list[PartyOut] | None = Field(description="Victims, witnesses and reporters; null: not shared")
    perpetrators: list[PerpetratorOut] | None = Field(description="null: not shared with you")
    incidents: list[IncidentOut] | None = Field(description="Newest first; null: not shared with you")
    risk_assessments: list[RiskAssessmentOut] | None = Field(description="null: not shared with you")
    steps: list[StepOut] | None = Field(description="Steps taken with perpetrators; null: not shared")


def _case_out(case: Case) -> dict[str, Any]:
    return {
        "id": case.public_id,
        "reference": case.reference,
        "summary": case.summary,
        "status": case.status,
        "opened_on": case.opened_on,
        "closed_at": case.closed_at,
        "lead_organisation": case.lead_organisation.name,
        "lead_officer": case.lead_officer.full_name if case.lead_officer else "",
        "postcode": case.postcode,
        "lsoa_code": case.lsoa_code,
        "ward_code": case.ward_code,
    }


def _party_out(case_party: CaseParty) -> dict[str, Any]:
    party = case_party.party
    return {
        "id": case_party.public_id,
        "party_id": party.public_id,
        "name": party.name,
        "kind": party.kind,
        "role": case_party.role,
        "date_of_birth": party.date_of_birth,
        "address": party.address,
        "postcode": party.postcode,
        "stage": case_party.stage,
        "stage_since": case_party.stage_since,
        "stage_due_on": case_party.stage_due_on,
    }


def _incident_out(incident: Incident) -> dict[str, Any]:
    return {
        "id": incident.public_id,
        "case_id": incident.case.public_id if incident.case else None,
        "reporting_organisation": incident.reporting_organisation.name,
        "reference": incident.reference,
        "occurred_at": incident.occurred_at,
        "reported_on": incident.reported_on,
        "category": incident.category,
        "hate_motivated": incident.hate_motivated,
        "hate_strand": incident.hate_strand,
        "description": incident.description,
        "postcode": incident.postcode,
        "lsoa_code": incident.lsoa_code,
        "ward_code": incident.ward_code,
    }


def _case_detail_out(case: Case, access: CaseAccess) -> dict[str, Any]:
    parties = list(case.parties.select_related("party"))
    victims = [p for p in parties if p.role != PartyRole.PERPETRATOR]
    perpetrators = [p for p in parties if p.role == PartyRole.PERPETRATOR]

    def shown(item: str, rows: Any) -> list[dict[str, Any]] | None:
        return rows() if access.sees(item) else None

    return {
        **_case_out(case),
        "address": case.address,
        "risk_level": case.risk_level if access.sees(DataItem.RISK) else None,
        "flagged_for": case.flagged_for,
        "sees": sorted(access.items),
        "victims": shown(DataItem.VICTIMS, lambda: [_party_out(p) for p in victims]),
        "perpetrators": shown(DataItem.PERPETRATORS, lambda: [_party_out(p) for p in perpetrators]),
        "incidents": shown(
            DataItem.INCIDENTS,
            lambda: [
                _incident_out(i) for i in case.incidents.select_related("case", "reporting_organisation")
            ],
        ),
        "risk_assessments": shown(
            DataItem.RISK,
            lambda: [
                {
                    "id": r.public_id,
                    "victim_id": r.victim.public_id,
                    "assessed_on": r.assessed_on,
                    "score": r.score,
                    "level": r.level,
                    "next_review_on": r.next_review_on,
                }
                for r in case.risk_assessments.select_related("victim")
            ],
        ),
        "steps": shown(
            DataItem.ENFORCEMENT,
            lambda: [
                {
                    "id": s.public_id,
                    "perpetrator_id": s.case_party.public_id,
                    "kind": s.kind,
                    "issued_on": s.issued_on,
                    "due_on": s.due_on,
                    "outcome": s.outcome,
                }
                for s in Intervention.objects.filter(case_party__case=case)
                .select_related("case_party")
                .order_by("issued_on", "id")
            ],
        ),
    }


@router.get("/partnerships/{slug}/asb/cases", response=answers(list[CaseOut], 403, 404, 422))
def asb_case_list(
    request: HttpRequest,
    slug: PartnershipSlug,
    status: Literal["open", "closed", "merged"] | None = None,
    ward: str | None = Query(None, pattern=AREA_PATTERN, max_length=12, description="A ward's ONS code"),
) -> list[dict[str, Any]]:
    """The cases you may see, newest first: those your organisation leads, and those it is on under an
    agreement in force. Filter by `status` and by `ward` (its ONS code)."""
    cases = cases_visible_to(request.user, _case_worker_partnership(request, slug))
    if status:
        cases = cases.filter(status=status)
    if ward:
        cases = cases.filter(ward_code=ward)
    return [_case_out(case) for case in cases.select_related("lead_organisation", "lead_officer")]


@router.get("/partnerships/{slug}/asb/cases/{case_id}", response=answers(CaseDetailOut, 404, 422))
def asb_case_detail(request: HttpRequest, slug: PartnershipSlug, case_id: UUID) -> dict[str, Any]:
    """A case with what the agreements in force let you see of it (an item not shared is null). Audited, as
    a view of its page."""
    case, access = case_with_access(request.user, partnership_for(request.user, slug), case_id)
    audit_record_viewed(actor=request.user, target=case)
    return _case_detail_out(case, access)


# --- Incidents ------------------------------------------------------------------------------------------


@router.get("/partnerships/{slug}/asb/incidents", response=answers(list[IncidentOut], 403, 404, 422))
def asb_incident_list(
    request: HttpRequest,
    slug: PartnershipSlug,
    occurred_from: Annotated[dt.date | None, Query(None, alias="from", description="From this day")] = None,
    occurred_to: Annotated[
        dt.date | None, Query(None, alias="to", description="To this day, included")
    ] = None,
    limit: int = Query(100, ge=1, le=1000, description="At most this many, newest first"),
) -> list[dict[str, Any]]:
    """The incidents you may see, newest first: on cases whose incidents are shared with you, and those your
    organisations reported that are on no case yet."""
    partnership = _case_worker_partnership(request, slug)
    incidents: QuerySet[Incident] = Incident.objects.filter(incidents_seen(request.user, partnership))
    if occurred_from:
        incidents = incidents.filter(occurred_at__date__gte=occurred_from)
    if occurred_to:
        incidents = incidents.filter(occurred_at__date__lte=occurred_to)
    chosen = incidents.select_related("case", "reporting_organisation")[:limit]
    return [_incident_out(incident) for incident in chosen]


def _text_without_nul(text: str) -> str:
    if "\x00" in text:
        raise ValueError("must not contain a NUL character")
    return text


def _uk_postcode(text: str) -> str:
    if text.strip() and not postcode_normalise(text):
        raise ValueError("must be a UK postcode, like LE1 5FQ")
    return postcode_normalise(text)


def _since_1900(day: Any) -> Any:
    if (day.date() if isinstance(day, dt.datetime) else day) < EARLIEST:
        raise ValueError("must be in 1900 or later")
    return day


Text = Annotated[str, AfterValidator(_text_without_nul)]
Postcode = Annotated[str, Field(max_length=10), AfterValidator(_uk_postcode)]
Day = Annotated[dt.date, AfterValidator(_since_1900)]


class VictimIn(Schema):
    name: Text = Field(min_length=1, max_length=200)
    date_of_birth: Day | None = None
    address: Text = Field("", max_length=500)
    postcode: Postcode = ""


class IncidentIn(Schema):
    reporting_organisation: UUID = Field(description="The id of the organisation that took the report")
    reference: Text = Field(min_length=1, max_length=60, description="That organisation's own reference")
    occurred_on: Annotated[dt.date | dt.datetime, AfterValidator(_since_1900)] = Field(
        description="When the behaviour happened: a day, or a day and time (UK time unless it says)"
    )
    reported_on: Day
    category: IncidentCategory
    hate_motivated: bool = False
    hate_strand: HateStrand = HateStrand.NONE
    description: Text = Field(min_length=1, max_length=10_000)
    address: Text = Field("", max_length=500, description="Where it happened, if known")
    postcode: Postcode = ""
    lsoa: str = Field("", pattern=f"{LSOA_PATTERN}|^$", description="An LSOA's ONS code")
    latitude: float | None = Field(None, ge=49.0, le=61.0)
    longitude: float | None = Field(None, ge=-9.0, le=2.0)
    victim: VictimIn | None = None
    case: UUID | None = Field(None, description="A case you may see, to put the incident on")


class PartyMatchOut(Schema):
    id: UUID
    name: str
    date_of_birth: dt.date | None
    postcode: str
    score: float = Field(description="0 to 1: how alike")
    reasons: list[str]


class IncidentMatchOut(Schema):
    id: UUID
    case_id: UUID | None
    reporting_organisation: str
    reference: str
    occurred_at: dt.datetime
    postcode: str
    lsoa_code: str
    reasons: list[str]


class CaseMatchOut(Schema):
    id: UUID
    reference: str
    summary: str
    postcode: str
    reasons: list[str]


class DuplicatesOut(Schema):
    incidents: list[IncidentMatchOut] = Field(description="Incidents at the place within a day either side")
    cases: list[CaseMatchOut] = Field(description="Open cases at the place, or with the victim on them")
    parties: list[PartyMatchOut] = Field(description="People already known who may be the victim")


class IncidentRecordedOut(Schema):
    incident: IncidentOut
    case: CaseOut | None = Field(description="The case it joined; null when it waits for one")
    likely_duplicates: DuplicatesOut


class AlreadyHeldOut(Schema):
    detail: str
    incident_id: UUID | None = Field(description="The incident held, when you may see it")


def _problem(payload: IncidentIn) -> str | None:
    """What the body's fields, taken together, get wrong; None when nothing."""
    if not (
        payload.postcode or payload.lsoa or payload.latitude is not None or payload.longitude is not None
    ):
        return "Give where it happened: 'postcode', 'lsoa', or 'latitude' and 'longitude'"
    if (payload.latitude is None) != (payload.longitude is None):
        return "Give both 'latitude' and 'longitude', or neither"
    if not (payload.reference.strip() and payload.description.strip()):
        return "'reference' and 'description' must not be blank"
    if payload.victim and not payload.victim.name.strip():
        return "The victim's 'name' must not be blank"
    if payload.hate_strand and not payload.hate_motivated:
        return "'hate_strand' is given only when 'hate_motivated' is true"
    today = timezone.localdate()
    occurred = payload.occurred_on
    occurred_day = (
        timezone.localtime(occurred).date()
        if isinstance(occurred, dt.datetime) and timezone.is_aware(occurred)
        else _day_of(occurred)
    )
    if occurred_day > today:
        return "'occurred_on' must not be in the future"
    if payload.reported_on > today:
        return "'reported_on' must not be in the future"
    if payload.reported_on < occurred_day:
        return "'reported_on' must not be before 'occurred_on'"
    if payload.victim and payload.victim.date_of_birth and payload.victim.date_of_birth > today:
        return "The victim's 'date_of_birth' must not be in the future"
    return None


def _day_of(moment: dt.date | dt.datetime) -> dt.date:
    return moment.date() if isinstance(moment, dt.datetime) else moment


def _occurred_at(occurred: dt.date | dt.datetime) -> dt.datetime:
    """A day alone is taken as its midday, UK time: the middle of the day, for matches a day either side."""
    if isinstance(occurred, dt.datetime):
        return occurred if timezone.is_aware(occurred) else timezone.make_aware(occurred)
    return timezone.make_aware(dt.datetime.combine(occurred, dt.time(12)))


def _organisation_of(request: HttpRequest, partnership: Partnership, public_id: UUID) -> Organisation:
    organisation = Organisation.objects.filter(
        public_id=public_id, pk__in=case_organisation_ids(request.user, partnership)
    ).first()
    if organisation is None:
        raise HttpError(422, "'reporting_organisation': not an organisation you work cases for here")
    return organisation


def _case_for_incident(request: HttpRequest, partnership: Partnership, payload: IncidentIn) -> Case | None:
    """The case the report is to join: an open one whose incidents the holder sees (else a 404, as for a case
    they cannot see at all), and whose victims they see if the report names one (else a 422)."""
    if payload.case is None:
        return None
    case, access = case_with_access(request.user, partnership, payload.case)
    if not access.sees(DataItem.INCIDENTS) or case.status != CaseStatus.OPEN:
        raise Http404("No such open case")
    if payload.victim and not access.sees(DataItem.VICTIMS):
        raise HttpError(422, "'victim': the agreements in force do not share this case's victims with you")
    return case


def _already_held(request: HttpRequest, partnership: Partnership, existing: Incident) -> Status:
    seen = Incident.objects.filter(pk=existing.pk).filter(incidents_seen(request.user, partnership)).exists()
    if seen:
        detail = f"{existing.reporting_organisation} reference {existing.reference} is held already"
        return Status(409, {"detail": detail, "incident_id": existing.public_id})
    return Status(409, {"detail": "That organisation's reference is held already", "incident_id": None})


def _duplicates(
    request: HttpRequest,
    partnership: Partnership,
    payload: IncidentIn,
    organisation: Organisation,
    occurred_at: dt.datetime,
    joined: Case | None,
) -> dict[str, Any]:
    """The likely duplicates of the report, found before it is stored (so it is not among them). Each
    person offered is a view of their details: audited."""
    user = request.user
    incidents = incident_matches(
        user,
        partnership,
        reporting_organisation_id=organisation.pk,
        reference=payload.reference,
        occurred_at=occurred_at,
        postcode=payload.postcode,
        lsoa_code=payload.lsoa,
    )
    victim = payload.victim
    parties = (
        party_matches(
            user,
            partnership,
            name=victim.name,
            date_of_birth=victim.date_of_birth,
            postcode=victim.postcode or payload.postcode,
        )
        if victim
        else []
    )
    cases = [
        match
        for match in case_matches(
            user,
            partnership,
            postcode=payload.postcode,
            address=payload.address,
            party_ids=[match.party.pk for match in parties],
        )
        if match.case != joined
    ]
    for match in parties:
        audit_record_viewed(actor=user, target=match.party)
    return {
        "incidents": [
            {
                "id": m.incident.public_id,
                "case_id": m.incident.case.public_id if m.incident.case else None,
                "reporting_organisation": m.incident.reporting_organisation.name,
                "reference": m.incident.reference,
                "occurred_at": m.incident.occurred_at,
                "postcode": m.incident.postcode,
                "lsoa_code": m.incident.lsoa_code,
                "reasons": m.reasons,
            }
            for m in incidents
        ],
        "cases": [
            {
                "id": m.case.public_id,
                "reference": m.case.reference,
                "summary": m.case.summary,
                "postcode": m.case.postcode,
                "reasons": m.reasons,
            }
            for m in cases
        ],
        "parties": [
            {
                "id": m.party.public_id,
                "name": m.party.name,
                "date_of_birth": m.party.date_of_birth,
                "postcode": m.party.postcode,
                "score": m.score,
                "reasons": m.reasons,
            }
            for m in parties
        ],
    }


def _payload(request: HttpRequest) -> IncidentIn:
    """The report in the body, as JSON, or a 422 that says what is wrong (a form, or no body, included)."""
    try:
        return IncidentIn.model_validate(json.loads(request.body or b"null"))
    except (ValueError, RecursionError) as error:  # bad JSON, nested too deep, or a pydantic ValidationError
        problems = error.errors() if isinstance(error, pydantic.ValidationError) else []
        words = [
            f"'{problem['loc'][-1] if problem['loc'] else 'body'}': {problem['msg']}" for problem in problems
        ]
        raise HttpError(422, "; ".join(words) or "Send the report as a JSON object") from error


def _inlined(schema: Any, definitions: dict[str, Any]) -> Any:
    """The JSON schema with each `$defs` reference replaced by what it names: the OpenAPI document has no
    `$defs` of its own for them to point into."""
    if isinstance(schema, dict):
        if "$ref" in schema:
            return _inlined(definitions[schema["$ref"].rsplit("/", 1)[-1]], definitions)
        return {key: _inlined(value, definitions) for key, value in schema.items() if key != "$defs"}
    if isinstance(schema, list):
        return [_inlined(value, definitions) for value in schema]
    return schema


_REPORT_SCHEMA = IncidentIn.model_json_schema()
REPORT_BODY = {
    "requestBody": {
        "content": {
            "application/json": {"schema": _inlined(_REPORT_SCHEMA, _REPORT_SCHEMA.get("$defs", {}))}
        },
        "required": True,
    }
}


@router.post(
    "/partnerships/{slug}/asb/incidents",
    response={201: IncidentRecordedOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: AlreadyHeldOut}
    | {422: ErrorOut},
    openapi_extra=REPORT_BODY,
)
def asb_incident_record(request: HttpRequest, slug: PartnershipSlug) -> Status:
    """Send a report from your organisation's own system, as JSON. It answers 201 with the incident, the case
    it joined (`case`, one you may see), and its likely duplicates: incidents at the place within a day, open
    cases there or with the victim on them, and people already known who may be the victim. The same
    organisation's reference sent again is not stored twice: 409 (with the incident's id if you may see it).
    """
    partnership = _case_worker_partnership(request, slug)
    payload = _payload(request)
    organisation = _organisation_of(request, partnership, payload.reporting_organisation)
    if problem := _problem(payload):
        raise HttpError(422, problem)
    case = _case_for_incident(request, partnership, payload)
    reference = payload.reference.strip()
    existing = Incident.objects.filter(
        partnership=partnership, reporting_organisation=organisation, reference=reference
    ).first()
    if existing is not None:
        return _already_held(request, partnership, existing)
    occurred_at = _occurred_at(payload.occurred_on)
    duplicates = _duplicates(request, partnership, payload, organisation, occurred_at, case)
    victim = payload.victim
    try:
        incident = incident_report_receive(
            actor=request.user,
            partnership=partnership,
            case=case,
            reporting_organisation=organisation,
            reference=reference,
            occurred_at=occurred_at,
            reported_on=payload.reported_on,
            category=payload.category,
            hate_motivated=payload.hate_motivated,
            hate_strand=payload.hate_strand,
            description=payload.description,
            place=Place(
                address=payload.address,
                postcode=payload.postcode,
                latitude=payload.latitude,
                longitude=payload.longitude,
                lsoa_code=payload.lsoa,
            ),
            victim=VictimGiven(
                name=victim.name,
                date_of_birth=victim.date_of_birth,
                address=victim.address,
                postcode=victim.postcode,
            )
            if victim
            else None,
        )
    except IncidentAlreadyHeld as held:
        return _already_held(request, partnership, held.existing)
    return Status(
        201,
        {
            "incident": _incident_out(incident),
            "case": _case_out(case) if case else None,
            "likely_duplicates": duplicates,
        },
    )
