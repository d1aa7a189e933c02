"""What ASB casework asks of a person on "My work", for the open cases they lead as their organisation's
officer: the open deadlines on the case and its parties due soon or overdue (the first risk assessment, its
review, a Warning's compliance deadline, a Notice's appeal period), incidents someone else recorded on the
case lately, and the cases at high risk.

Only cases the person sees in full: they are the lead officer and act for the case's lead organisation
(access.py's `access_to` leads), checked for all their cases in one query, never case by case.
"""

import datetime as dt
from collections import Counter
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from saferhub.asb.access import CASE_ROLES
from saferhub.asb.models import AsbSettings, Case, CaseParty, CaseStatus, Incident, RiskLevel
from saferhub.core.registry import WorkItem
from saferhub.partnerships.selectors import memberships_of
from saferhub.workflow.selectors import deadlines_due

SECTION = "Anti-social behaviour cases"
# A deadline further off than this is not yet today's work: a busy officer's list would be every case's
# next risk review.
DEADLINE_HORIZON = dt.timedelta(days=14)
DEFAULT_NEW_INCIDENT_DAYS = AsbSettings().new_incident_days


def _cases_led_by(user: Any) -> dict[int, Case]:
    """The open cases the person leads for an organisation they work cases for there, by id."""
    acting_for = set(
        memberships_of(user).filter(role__in=CASE_ROLES).values_list("partnership_id", "organisation_id")
    )
    if not acting_for:
        return {}
    cases = Case.objects.filter(
        lead_officer_id=user.pk,
        status=CaseStatus.OPEN,
        partnership_id__in={partnership_id for partnership_id, _ in acting_for},
        lead_organisation_id__in={organisation_id for _, organisation_id in acting_for},
    ).select_related("partnership")
    return {case.pk: case for case in cases if (case.partnership_id, case.lead_organisation_id) in acting_for}


def _item(case: Case, label: str, *, due_on: dt.date | None = None, detail: str = "") -> WorkItem:
    return WorkItem(
        section=SECTION,
        label=f"{label}: {case.reference}",
        url=reverse("asb:case", args=[case.partnership.slug, case.public_id]),
        due_on=due_on,
        partnership=case.partnership.name,
        detail=detail or case.summary,
    )


def _deadlines(cases: dict[int, Case], today: dt.date) -> list[WorkItem]:
    """The open deadlines on the cases and on their parties (a perpetrator's step), due within the horizon."""
    case_type = ContentType.objects.get_for_model(Case)
    party_type = ContentType.objects.get_for_model(CaseParty)
    case_of_party = dict(CaseParty.objects.filter(case_id__in=cases).values_list("pk", "case_id"))
    deadlines = deadlines_due(before=today + DEADLINE_HORIZON).filter(
        Q(target_type=case_type, target_id__in=cases) | Q(target_type=party_type, target_id__in=case_of_party)
    )
    # The case a deadline is on, by the deadline's target: the case itself, or one of its parties.
    case_of_target = {(case_type.pk, case_id): case_id for case_id in cases} | {
        (party_type.pk, party_id): case_id for party_id, case_id in case_of_party.items()
    }
    return [
        _item(
            cases[case_of_target[deadline.target_type_id, deadline.target_id]],
            deadline.name,
            due_on=deadline.due_on,
        )
        for deadline in deadlines
    ]


def _new_incidents(user: Any, cases: dict[int, Case], today: dt.date) -> list[WorkItem]:
    """One item a case, for the incidents recorded on it by anyone else within its partnership's window."""
    partnership_ids = {case.partnership_id for case in cases.values()}
    window = dict.fromkeys(partnership_ids, DEFAULT_NEW_INCIDENT_DAYS) | dict(
        AsbSettings.objects.filter(partnership_id__in=partnership_ids).values_list(
            "partnership_id", "new_incident_days"
        )
    )
    earliest = today - dt.timedelta(days=max(window.values(), default=0))
    recent = (
        Incident.objects.filter(case_id__in=cases, created_at__date__gte=earliest)
        .exclude(recorded_by_id=user.pk)
        .values_list("case_id", "created_at")
    )
    counts = Counter(
        case_id
        for case_id, created_at in recent
        if timezone.localdate(created_at) >= today - dt.timedelta(days=window[cases[case_id].partnership_id])
    )
    return [
        _item(
            cases[case_id],
            "New incidents to read" if number > 1 else "A new incident to read",
            detail=f"{number} recorded by others in the last {window[cases[case_id].partnership_id]} days",
        )
        for case_id, number in counts.items()
    ]


def _high_risk(cases: dict[int, Case]) -> list[WorkItem]:
    return [
        _item(
            case,
            "High-risk case",
            detail=f"Flagged for {case.get_flagged_for_display()}" if case.flagged_for else case.summary,
        )
        for case in cases.values()
        if case.risk_level == RiskLevel.HIGH
    ]


def work_for(user: Any, today: dt.date) -> list[WorkItem]:
    cases = _cases_led_by(user)
    if not cases:
        return []
    return [*_deadlines(cases, today), *_new_incidents(user, cases, today), *_high_risk(cases)]
