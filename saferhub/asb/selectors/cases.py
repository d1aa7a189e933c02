"""Reading cases for their pages: the list and its filters, the people who may lead one, the parts of a case
page (its parties, incidents, organisations, linked cases) and its timeline, each scoped to what the person
sees of the case (access.py). A record of another case, or one they may not see, is a 404."""

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any
from uuid import UUID

from django.db import models
from django.http import Http404

from saferhub.accounts.models import User
from saferhub.asb.access import CASE_ROLES, CaseAccess, case_organisation_ids
from saferhub.asb.models import (
    Case,
    CaseLink,
    CaseOrganisation,
    CaseParty,
    Incident,
    Intervention,
    PartyRole,
    RiskAssessment,
    Stage,
)
from saferhub.asb.selectors import cases_visible_to
from saferhub.asb.workflows import CASE_WORKFLOW, EXTEND_CLOSURE_ORDER
from saferhub.geography.selectors import area_names
from saferhub.governance.models import DataItem
from saferhub.governance.selectors import items_shared
from saferhub.partnerships.models import Membership, Organisation, Partnership
from saferhub.partnerships.selectors import organisation_choices_in

# The data item that shows a party in each role.
ITEM_OF_ROLE: dict[str, str] = {
    PartyRole.VICTIM: DataItem.VICTIMS,
    PartyRole.WITNESS: DataItem.VICTIMS,
    PartyRole.REPORTER: DataItem.VICTIMS,
    PartyRole.PERPETRATOR: DataItem.PERPETRATORS,
}
VICTIM_ROLES = (PartyRole.VICTIM, PartyRole.WITNESS, PartyRole.REPORTER)
STEP_NAMES: dict[str, str] = {
    **dict(Stage.choices),
    EXTEND_CLOSURE_ORDER: "Closure order extended",
    "resolve": "Resolved",
}


# --- The list -------------------------------------------------------------------------------------------


def case_list(
    user: Any,
    partnership: Partnership,
    *,
    status: str = "",
    ward: str = "",
    risk: str = "",
    mine: bool = False,
) -> models.QuerySet[Case]:
    """The cases the person may see, newest first, narrowed by the filters given."""
    cases = cases_visible_to(user, partnership).select_related("lead_organisation", "lead_officer")
    if status:
        cases = cases.filter(status=status)
    if ward:
        cases = cases.filter(ward_code=ward)
    if risk:
        cases = cases.filter(risk_level=risk)
    if mine:
        cases = cases.filter(lead_officer_id=user.pk)
    return cases.order_by("-opened_on", "-id")


def ward_choices(user: Any, partnership: Partnership) -> list[tuple[str, str]]:
    """The wards of the cases the person may see, by name: what the list's ward filter offers."""
    codes = set(cases_visible_to(user, partnership).exclude(ward_code="").values_list("ward_code", flat=True))
    names = area_names(codes)
    return sorted(((code, names.get(code, code)) for code in codes), key=lambda choice: choice[1])


def place_names(*records: Any) -> dict[str, str]:
    """The names of the wards and LSOAs these located records lie in, by code."""
    return area_names(code for record in records for code in (record.ward_code, record.lsoa_code) if code)


def case_by_reference(user: Any, partnership: Partnership, reference: str) -> Case | None:
    """The visible case with this reference (as typed, any case), or None: no message tells an invisible
    case from one that does not exist."""
    return (
        cases_visible_to(user, partnership).filter(reference__iexact=reference.strip()).first()
        if reference.strip()
        else None
    )


# --- Who may lead a case ----------------------------------------------------------------------------------


def lead_organisation_choices(user: Any, partnership: Partnership) -> models.QuerySet[Organisation]:
    """The organisations the person works cases for here: the ones they may open a case for."""
    return Organisation.objects.filter(pk__in=case_organisation_ids(user, partnership)).order_by("name")


def organisation_names(organisation_ids: Iterable[int]) -> str:
    """'Shire Fire and Rescue and Shire Police': how a page names the organisations a person acts for."""
    return " and ".join(
        Organisation.objects.filter(pk__in=list(organisation_ids))
        .order_by("name")
        .values_list("name", flat=True)
    )


def lead_officers(partnership: Partnership, organisation_ids: Iterable[int]) -> models.QuerySet[User]:
    """The people of these organisations who work cases in the partnership: who may lead its cases."""
    return (
        User.objects.filter(
            memberships__partnership=partnership,
            memberships__organisation_id__in=list(organisation_ids),
            memberships__role__in=CASE_ROLES,
        )
        .distinct()
        .order_by("full_name")
    )


def officer_organisations(partnership: Partnership, organisation_ids: Iterable[int]) -> set[tuple[int, int]]:
    """(person, organisation) pairs of those people: which organisation's cases each may lead."""
    return set(
        Membership.objects.filter(
            partnership=partnership, organisation_id__in=list(organisation_ids), role__in=CASE_ROLES
        ).values_list("user_id", "organisation_id")
    )


# --- A case's parts ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PartyOnCase:
    case_party: CaseParty
    latest_risk: RiskAssessment | None
    steps: list[Intervention]


def parties_on(case: Case, roles: Iterable[str]) -> list[PartyOnCase]:
    """The case's parties in these roles, each with its latest risk assessment and its steps, newest first."""
    rows = list(
        CaseParty.objects.filter(case=case, role__in=list(roles))
        .select_related("party")
        .prefetch_related("risk_assessments", "steps")
        .order_by("role", "party__name")
    )
    return [
        PartyOnCase(
            case_party=row,
            latest_risk=max(row.risk_assessments.all(), key=lambda r: (r.assessed_on, r.pk), default=None),
            steps=sorted(row.steps.all(), key=lambda step: (step.issued_on, step.pk), reverse=True),
        )
        for row in rows
    ]


def victims_of(case: Case) -> models.QuerySet[CaseParty]:
    """The case's victims: whom an incident may name."""
    return CaseParty.objects.filter(case=case, role=PartyRole.VICTIM).select_related("party")


def incidents_of(case: Case) -> models.QuerySet[Incident]:
    return (
        Incident.objects.filter(case=case).select_related("reporting_organisation").order_by("-occurred_at")
    )


def incident_in(case: Case, access: CaseAccess, public_id: UUID) -> Incident:
    """One of the case's incidents, for someone who sees its incidents; else 404."""
    if not access.sees(DataItem.INCIDENTS):
        raise Http404
    found = incidents_of(case).select_related("victim").filter(public_id=public_id).first()
    if found is None:
        raise Http404
    return found


def involvements_of(case: Case) -> models.QuerySet[CaseOrganisation]:
    """The organisations on the case now (not removed), in the order they were invited."""
    return CaseOrganisation.objects.filter(case=case, removed_at=None).select_related("organisation")


def involvement_in(case: Case, public_id: UUID) -> CaseOrganisation:
    found = involvements_of(case).filter(public_id=public_id).first()
    if found is None:
        raise Http404
    return found


@dataclass(frozen=True)
class LinkedCase:
    case: Case
    reason: str


def linked_cases(user: Any, case: Case) -> list[LinkedCase]:
    """The cases linked to this one, either way round, that the person may also see."""
    visible = cases_visible_to(user, case.partnership)
    links = CaseLink.objects.filter(models.Q(case=case) | models.Q(other=case)).select_related(
        "case", "other"
    )
    found = [
        LinkedCase(case=link.other if link.case_id == case.pk else link.case, reason=link.reason)
        for link in links
    ]
    visible_ids = set(visible.filter(pk__in=[link.case.pk for link in found]).values_list("pk", flat=True))
    return [link for link in found if link.case.pk in visible_ids]


@dataclass(frozen=True)
class SharingOption:
    """An organisation the lead may invite, with the data items it would see."""

    organisation: Organisation
    items: list[str]


def sharing_options(case: Case) -> list[SharingOption]:
    """The partnership's organisations an agreement in force joins to the lead organisation and not on the
    case now, each with the items (labels) it would see."""
    on_case = set(involvements_of(case).values_list("organisation_id", flat=True))
    options = []
    for organisation in organisation_choices_in(case.partnership).order_by("name"):
        if organisation.pk == case.lead_organisation_id or organisation.pk in on_case:
            continue
        items = items_shared(case.partnership, case.lead_organisation_id, organisation.pk)
        if items:
            options.append(
                SharingOption(
                    organisation=organisation,
                    items=[item.label for item in DataItem if item.value in items],
                )
            )
    return options


# --- The timeline -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class TimelineEntry:
    at: dt.datetime
    title: str
    detail: str = ""


def _day_start(day: dt.date, fallback: dt.datetime) -> dt.datetime:
    """A dated event's moment: the time it was recorded when that fell on the day, else the day's start (in
    the record's time zone), so that entries of the same day keep the order they were recorded in."""
    if fallback.date() == day:
        return fallback
    return dt.datetime.combine(day, dt.time.min, tzinfo=fallback.tzinfo)


def timeline(case: Case, access: CaseAccess) -> list[TimelineEntry]:
    """Everything that happened on the case, newest first, from its own rows, leaving out the items the
    person does not see."""
    entries = [
        TimelineEntry(
            at=step.created_at,
            title=f"Case {CASE_WORKFLOW.transition_named(step.kind).label}",
            detail=step.comment,
        )
        for step in case.steps.all()
    ]
    for involvement in CaseOrganisation.objects.filter(case=case).select_related("organisation"):
        entries.append(TimelineEntry(at=involvement.created_at, title=f"{involvement.organisation} invited"))
        if involvement.removed_at is not None:
            entries.append(
                TimelineEntry(at=involvement.removed_at, title=f"{involvement.organisation} removed")
            )
    if access.sees(DataItem.INCIDENTS):
        entries += [
            TimelineEntry(
                at=incident.occurred_at,
                title=f"{incident.get_category_display()} incident",
                detail=f"Reported by {incident.reporting_organisation}"
                + (f", reference {incident.reference}" if incident.reference else ""),
            )
            for incident in incidents_of(case)
        ]
    for case_party in CaseParty.objects.filter(case=case).select_related("party"):
        if access.sees(ITEM_OF_ROLE[case_party.role]):
            entries.append(
                TimelineEntry(
                    at=case_party.created_at,
                    title=f"{case_party.party.name} added as {case_party.get_role_display().lower()}",
                )
            )
    if access.sees(DataItem.RISK):
        entries += [
            TimelineEntry(
                at=_day_start(assessment.assessed_on, assessment.created_at),
                title=f"Risk assessment of {assessment.victim.party.name}: {assessment.get_level_display()}",
            )
            for assessment in RiskAssessment.objects.filter(case=case).select_related("victim__party")
        ]
    if access.sees(DataItem.ENFORCEMENT):
        entries += [
            TimelineEntry(
                at=_day_start(step.issued_on, step.created_at),
                title=f"{step.case_party.party.name}: {STEP_NAMES.get(step.kind, step.kind)}",
                detail=step.comment,
            )
            for step in Intervention.objects.filter(case_party__case=case).select_related("case_party__party")
        ]
    return sorted(entries, key=lambda entry: entry.at, reverse=True)
