"""The demo's ASB casework ([asb] in demo.toml): Leicester's housing-related cases across the city's wards,
with victims at every risk level, perpetrators at every step of the incremental approach, the police on
cases under their agreement, the university on cases under one that has since lapsed, and the JAG's problem
place at the Clock Tower. Everything goes through the services, as the officers would do it; a case whose
summary the partnership holds already is left as it is.

Cases and incidents are placed at the centres of city LSOAs. The records are made before the geography is
loaded (`load_demo` loads it with the evidence), so their LSOA and ward are resolved then, in the evidence
stage, through the same services an officer's edit uses; on a database that holds the geography already
they are resolved as they are made.
"""

import csv
import datetime as dt
from pathlib import Path
from typing import Any

from django.db import transaction
from django.utils import timezone

from saferhub.accounts.models import User
from saferhub.asb import services
from saferhub.asb.locations import Place, resolved
from saferhub.asb.models import Case, CaseParty, Incident, PartyKind, PartyRole, ProblemPlace
from saferhub.asb.services import cases as case_services
from saferhub.asb.services.places import place_action_add, place_create
from saferhub.asb.services.risk import risk_assess
from saferhub.asb.services.steps import step_outcome_record, step_take
from saferhub.audit.services import audited_update
from saferhub.core.registry import DemoRun, DemoStage
from saferhub.governance import services as governance
from saferhub.governance.models import SharingAgreement
from saferhub.partnerships.models import Group, Organisation, Partnership

INCIDENT_HOUR = 22  # the behaviour in the demo happens in the evening

# Reviews are recorded for cases whose first assessment is older than this.
REVIEWED_AFTER = dt.timedelta(days=14)


def demo_load(run: DemoRun) -> None:
    spec = run.demo.get("asb")
    if not spec:
        return
    partnership = Partnership.objects.get(slug=spec["partnership"])
    officer = User.objects.get(email=spec["officer"])
    if run.stage == DemoStage.EVIDENCE:
        _resolve_places(partnership, officer, run)
        return
    with transaction.atomic():
        _casework(partnership, officer, spec, run)


def _casework(partnership: Partnership, officer: User, spec: dict[str, Any], run: DemoRun) -> None:
    centres = _lsoa_centres(run.data_dir, {case["lsoa"] for case in spec["cases"]})
    made = []
    for case_spec in spec["cases"]:
        if not Case.objects.filter(partnership=partnership, summary=case_spec["summary"]).exists():
            made.append(_case(partnership, officer, spec, case_spec, centres[case_spec["lsoa"]]))
            run.count("ASB cases")
    if made:
        _lapse(partnership, spec)
    place = spec.get("place")
    if place and not ProblemPlace.objects.filter(partnership=partnership, name=place["name"]).exists():
        _problem_place(partnership, officer, place)
        run.count("problem places")


def _lsoa_centres(data_dir: Path, codes: set[str]) -> dict[str, tuple[float, float]]:
    """The centres of these LSOAs, from the ONS centroids the geography is loaded from."""
    with (data_dir / "ons" / "lsoa_centroids.csv").open(encoding="utf-8") as rows:
        return {
            row["LSOACD"]: (float(row["latitude"]), float(row["longitude"]))
            for row in csv.DictReader(rows)
            if row["LSOACD"] in codes
        }


def _days_ago(days: int) -> dt.date:
    return timezone.localdate() - dt.timedelta(days=days)


def _case(
    partnership: Partnership,
    officer: User,
    spec: dict[str, Any],
    case_spec: dict[str, Any],
    centre: tuple[float, float],
) -> Case:
    lead = Organisation.objects.get(name=spec["lead_organisation"])
    police = Organisation.objects.get(name=spec["police"])
    police_officer = User.objects.filter(
        memberships__partnership=partnership, memberships__organisation=police
    )
    place = Place(address=case_spec["address"], latitude=centre[0], longitude=centre[1])
    opened_on = _days_ago(case_spec["opened_days_ago"])
    case = services.case_open(
        actor=officer,
        partnership=partnership,
        summary=case_spec["summary"],
        lead_organisation=lead,
        lead_officer=officer,
        opened_on=opened_on,
        place=place,
    )
    invited = [Organisation.objects.get(name=name) for name in case_spec.get("invite", [])]
    for organisation in invited:
        services.organisation_invite(actor=officer, case=case, organisation=organisation)
    victims = [_party(case, officer, person, PartyRole.VICTIM) for person in case_spec["victims"]]
    perpetrators = [
        _party(case, officer, person, PartyRole.PERPETRATOR) for person in case_spec["perpetrators"]
    ]
    # The police's reports are recorded by their officer on the cases they are on; the rest by the council's.
    police_recorder = police_officer.first() if police in invited else None
    for incident in case_spec["incidents"]:
        by_police = incident["by"] == "police"
        occurred_on = _days_ago(incident["days_ago"])
        services.incident_record(
            actor=(police_recorder if by_police else None) or officer,
            partnership=partnership,
            case=case,
            reporting_organisation=police if by_police else lead,
            reference=incident["reference"],
            occurred_at=timezone.make_aware(dt.datetime.combine(occurred_on, dt.time(INCIDENT_HOUR))),
            reported_on=min(occurred_on + dt.timedelta(days=1), timezone.localdate()),
            category=incident["category"],
            hate_motivated=bool(incident.get("hate_strand")),
            hate_strand=incident.get("hate_strand", ""),
            description=incident["description"],
            place=place,
            victim=victims[0].party if victims else None,
        )
    first_assessed = opened_on + dt.timedelta(days=min(2, case_spec["opened_days_ago"]))
    # A case open longer than a review period has been reviewed since, as a partnership's cases are: a week
    # ago unless the case says otherwise (one is left overdue, as a partnership's list has some).
    reviewed = timezone.localdate() - dt.timedelta(days=case_spec.get("reviewed_days_ago", 7))
    for victim, person in zip(victims, case_spec["victims"], strict=True):
        for assessed_on in (
            (first_assessed, reviewed) if reviewed > first_assessed + REVIEWED_AFTER else (first_assessed,)
        ):
            risk_assess(
                actor=officer,
                case=case,
                victim=victim,
                answers=person["risk"],
                assessed_on=assessed_on,
                flag=person.get("flag"),
            )
    for perpetrator, person in zip(perpetrators, case_spec["perpetrators"], strict=True):
        _steps(perpetrator, officer, person["steps"])
    if case_spec.get("close"):
        case_services.case_close(actor=officer, case=case, comment=case_spec["close"])
    return case


def _party(case: Case, officer: User, person: dict[str, Any], role: str) -> CaseParty:
    party = services.party_record(
        actor=officer,
        partnership=case.partnership,
        kind=PartyKind.PERSON,
        name=person["name"],
        date_of_birth=dt.date.fromisoformat(person["date_of_birth"]),
        address=case.address,
    )
    return services.case_party_add(actor=officer, case=case, party=party, role=role)


def _steps(perpetrator: CaseParty, officer: User, steps: list[dict[str, Any]]) -> None:
    """The steps in the order they were taken, each with its deadline when the officer set one, and what
    came of it when that is known."""
    for step in sorted(steps, key=lambda step: -step["days_ago"]):
        due_on = None
        if "due_days_ago" in step:
            due_on = _days_ago(step["due_days_ago"])
        elif "due_in_days" in step:
            due_on = timezone.localdate() + dt.timedelta(days=step["due_in_days"])
        intervention = step_take(
            actor=officer,
            case_party=perpetrator,
            step=step["step"],
            issued_on=_days_ago(step["days_ago"]),
            due_on=due_on,
        )
        if "outcome" in step:
            step_outcome_record(actor=officer, intervention=intervention, outcome=step["outcome"])
        perpetrator.refresh_from_db()


def _lapse(partnership: Partnership, spec: dict[str, Any]) -> None:
    """The lapsed agreement's end, recorded after its partner was put on cases while it was in force: the
    partner stays on them, and no longer sees them."""
    agreement = SharingAgreement.objects.filter(
        partnership=partnership, title=spec["lapsed_agreement"]
    ).first()
    if agreement is None or agreement.ends_on is not None:
        return
    ended_on = _days_ago(spec["lapsed_days_ago"])
    governance.agreement_amend(
        actor=User.objects.get(email=spec["manager"]),
        agreement=agreement,
        values={"ends_on": ended_on},
        comment=f"The agreement ended on {ended_on:%-d %B %Y} and has not been renewed.",
    )


def _problem_place(partnership: Partnership, officer: User, spec: dict[str, Any]) -> None:
    place = place_create(
        actor=officer,
        partnership=partnership,
        values={
            "name": spec["name"],
            "kind": spec["kind"],
            "group": Group.objects.get(partnership=partnership, name=spec["group"]),
            "latitude": spec["latitude"],
            "longitude": spec["longitude"],
            "radius_metres": spec["radius_metres"],
            "scanning": spec["scanning"],
            "analysis": spec["analysis"],
            "response": spec["response"],
            "assessment": spec["assessment"],
            "response_started_on": _days_ago(spec["response_started_days_ago"]),
        },
    )
    action = spec["action"]
    place_action_add(
        actor=officer,
        place=place,
        description=action["description"],
        owner=User.objects.get(email=action["owner"]),
        owner_organisation=Organisation.objects.get(name=action["organisation"]),
        due_on=timezone.localdate() + dt.timedelta(days=action["due_in_days"]),
    )


def _resolve_places(partnership: Partnership, officer: User, run: DemoRun) -> None:
    """The LSOA and ward of the cases and incidents made before the geography was loaded; a record the
    geography held cannot place is left as it is."""
    with transaction.atomic():
        for case in Case.objects.filter(partnership=partnership, lsoa_code="").exclude(latitude=None):
            place = _place_of(case)
            if resolved(place)["lsoa_code"]:
                case_services.case_edit(
                    actor=officer,
                    case=case,
                    summary=case.summary,
                    lead_officer=case.lead_officer,
                    place=place,
                )
                run.count("ASB cases placed in their ward")
        for incident in Incident.objects.filter(partnership=partnership, lsoa_code="").exclude(latitude=None):
            located = resolved(_place_of(incident))
            if located["lsoa_code"]:
                audited_update(actor=officer, record=incident, values=located)


def _place_of(record: Case | Incident) -> Place:
    return Place(
        address=record.address, postcode=record.postcode, latitude=record.latitude, longitude=record.longitude
    )
