"""Reading JAG problem places: the partnership's places, one place, its actions, and the incidents around it.

Anyone who can see the partnership reads its places. The incidents around a place are shown as counts by
month and category to everyone; those who work cases see, besides, the incidents on the cases they may
see (access.visible_cases), by date, category and case, never a person's details.
"""

import datetime as dt
from collections import Counter
from dataclasses import dataclass
from typing import Any
from uuid import UUID

from django.db import models
from django.http import Http404
from django.utils import timezone

from saferhub.asb.access import case_organisation_ids, visible_cases
from saferhub.asb.models import Case, Incident, IncidentCategory, PlaceAction, ProblemPlace
from saferhub.asb.place_counts import shape_of
from saferhub.governance.models import DataItem
from saferhub.partnerships.models import ActionStatus, Partnership

OPEN_ACTION = (ActionStatus.OPEN, ActionStatus.IN_PROGRESS)


def places_of(partnership: Partnership) -> models.QuerySet[ProblemPlace]:
    """The partnership's places, each with its number of open actions."""
    return (
        ProblemPlace.objects.filter(partnership=partnership)
        .select_related("group")
        .annotate(
            open_actions=models.Count(
                "action_links", filter=models.Q(action_links__action__status__in=OPEN_ACTION)
            )
        )
    )


def place_in(partnership: Partnership, public_id: UUID) -> ProblemPlace:
    place = (
        ProblemPlace.objects.filter(partnership=partnership, public_id=public_id)
        .select_related("partnership", "group")
        .first()
    )
    if place is None:
        raise Http404("No such place")
    return place


@dataclass(frozen=True)
class PlaceActionRow:
    action: Any
    overdue: bool


def actions_of(place: ProblemPlace, *, today: dt.date) -> list[PlaceActionRow]:
    links = (
        PlaceAction.objects.filter(place=place)
        .select_related("action__owner", "action__owner_organisation", "action__meeting", "action__group")
        .order_by("action__due_on", "action__created_at")
    )
    return [PlaceActionRow(link.action, link.action.is_overdue(today)) for link in links]


@dataclass(frozen=True)
class IncidentRow:
    """An incident on a case the person may see: when, what, and the case, nothing about the people."""

    occurred_on: dt.date
    category: str
    hate_motivated: bool
    case_reference: str
    case_id: UUID


@dataclass(frozen=True)
class MonthRow:
    month: dt.date
    counts: tuple[int, ...]  # in the order of IncidentsAround.categories
    total: int


@dataclass(frozen=True)
class IncidentsAround:
    total: int
    categories: tuple[str, ...]  # the labels of the categories with at least one incident
    months: tuple[MonthRow, ...]  # latest first
    works_cases: bool  # whether the person works cases here (and so sees `visible`)
    visible: tuple[IncidentRow, ...]


def _incidents_inside(place: ProblemPlace) -> list[Incident]:
    place_shape = shape_of(place)
    west, south, east, north = place_shape.bounds()
    near = list(
        Incident.objects.filter(
            partnership_id=place.partnership_id,
            longitude__gte=west,
            longitude__lte=east,
            latitude__gte=south,
            latitude__lte=north,
        )
        .select_related("case")
        .order_by("-occurred_at")
    )
    if not near:
        return []
    inside = place_shape.contains([i.longitude or 0.0 for i in near], [i.latitude or 0.0 for i in near])
    return [incident for incident, keep in zip(near, inside, strict=True) if keep]


def incidents_around(user: Any, place: ProblemPlace) -> IncidentsAround:
    incidents = _incidents_inside(place)
    labels = dict(IncidentCategory.choices)
    by_month: dict[dt.date, Counter[str]] = {}
    for incident in incidents:
        month = timezone.localdate(incident.occurred_at).replace(day=1)
        by_month.setdefault(month, Counter())[incident.category] += 1
    present = [code for code in labels if any(counts[code] for counts in by_month.values())]
    months = tuple(
        MonthRow(month, tuple(counts[code] for code in present), sum(counts.values()))
        for month, counts in sorted(by_month.items(), reverse=True)
    )
    works_cases = bool(case_organisation_ids(user, place.partnership))
    visible: tuple[IncidentRow, ...] = ()
    if works_cases:
        case_ids = {incident.case_id for incident in incidents if incident.case_id is not None}
        seen = set(
            Case.objects.filter(pk__in=case_ids)
            .filter(visible_cases(user, place.partnership, sharing=DataItem.INCIDENTS))
            .values_list("pk", flat=True)
        )
        visible = tuple(
            IncidentRow(
                occurred_on=timezone.localdate(incident.occurred_at),
                category=labels.get(incident.category, incident.category),
                hate_motivated=incident.hate_motivated,
                case_reference=incident.case.reference,
                case_id=incident.case.public_id,
            )
            for incident in incidents
            if incident.case is not None and incident.case_id in seen
        )
    return IncidentsAround(
        total=len(incidents),
        categories=tuple(labels[code] for code in present),
        months=months,
        works_cases=works_cases,
        visible=visible,
    )
