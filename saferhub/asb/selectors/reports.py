"""The managers' figures of a partnership's ASB casework: counts only, never a name, an address or a
reference, so that the page can be shown at a board or a JAG without revealing anyone.

A figure is None ("No data held") when nothing is recorded that it could count: before the partnership's
first incident there were no records to count, and a 0 there would read as a month without ASB.
"""

import datetime as dt
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

from django.db import models
from django.db.models.functions import TruncMonth

from saferhub.asb.models import (
    Case,
    CaseStatus,
    Incident,
    IncidentCategory,
    Intervention,
    InterventionOutcome,
    PartyRole,
    RiskLevel,
    Stage,
)
from saferhub.asb.workflows import EXTEND_CLOSURE_ORDER
from saferhub.core.months import months_after
from saferhub.geography.selectors import area_names
from saferhub.partnerships.models import Partnership

NOT_ASSESSED = "Not yet assessed"
WARD_NOT_KNOWN = "Ward not known"
# The bands of an open case's age in days since it was opened: (label, first day, last day or None).
AGE_BANDS: tuple[tuple[str, int, int | None], ...] = (
    ("0 to 30 days", 0, 30),
    ("31 to 90 days", 31, 90),
    ("91 to 180 days", 91, 180),
    ("More than 180 days", 181, None),
)
REPEAT_AT_LEAST = 3  # incidents that make a victim or a place a repeat one
REPEAT_VICTIM_MONTHS = 12
# The steps of the incremental approach, in its usual order; "resolve" ends it and is not a step.
STEP_KINDS: tuple[tuple[str, str], ...] = (
    *((stage.value, stage.label) for stage in Stage if stage not in (Stage.NONE, Stage.RESOLVED)),
    (EXTEND_CLOSURE_ORDER, "Closure order extended"),
)


@dataclass(frozen=True)
class Period:
    """The days the incidents and steps are counted in, both ends included."""

    starts_on: dt.date
    ends_on: dt.date

    def months(self) -> list[dt.date]:
        """The first day of each month the period touches."""
        month = self.starts_on.replace(day=1)
        found = []
        while month <= self.ends_on:
            found.append(month)
            month = months_after(month, 1)
        return found


@dataclass(frozen=True)
class Count:
    label: str
    count: int


@dataclass(frozen=True)
class MonthCount:
    month: dt.date
    by_category: tuple[int, ...] | None  # in the order of IncidentCategory; None: not held
    total: int | None


@dataclass(frozen=True)
class StepRow:
    label: str
    by_outcome: tuple[int, ...]  # in the order of InterventionOutcome
    total: int


@dataclass(frozen=True)
class RepeatPlace:
    lsoa_name: str
    ward_name: str
    count: int


@dataclass(frozen=True)
class AsbReport:
    """Every figure of the page. An empty tuple, or None, is a figure with nothing recorded to count."""

    period: Period
    today: dt.date
    open_cases: int
    open_by_risk: tuple[Count, ...]
    open_by_age: tuple[Count, ...]
    incidents: int
    incidents_by_category: tuple[Count, ...]
    incidents_by_month: tuple[MonthCount, ...]
    incidents_by_ward: tuple[Count, ...]
    hate_motivated: int
    steps: tuple[StepRow, ...]
    outcome_labels: tuple[str, ...]
    repeat_victims_since: dt.date
    repeat_victims: int | None
    repeat_victims_by_ward: tuple[Count, ...]
    incidents_placed: int  # those whose LSOA is known
    repeat_places: tuple[RepeatPlace, ...]
    repeat_at_least: int = REPEAT_AT_LEAST

    @property
    def category_labels(self) -> tuple[str, ...]:
        return tuple(IncidentCategory.labels)


def asb_report(partnership: Partnership, *, period: Period, today: dt.date) -> AsbReport:
    """The partnership's figures: its open cases as they are today; its incidents and steps in the period;
    repeat victims in the twelve months to the period's end."""
    incidents = Incident.objects.filter(
        partnership=partnership,
        occurred_at__date__gte=period.starts_on,
        occurred_at__date__lte=period.ends_on,
    )
    open_cases = Case.objects.filter(partnership=partnership, status=CaseStatus.OPEN)
    by_ward = Counter(dict(incidents.order_by().values_list("ward_code").annotate(n=models.Count("id"))))
    victims_since = months_after(period.ends_on, -REPEAT_VICTIM_MONTHS) + dt.timedelta(days=1)
    repeat_victims = _repeat_victims(partnership, victims_since, period.ends_on)
    places = _repeat_places(incidents)
    names = area_names([*by_ward, *repeat_victims.values(), *(code for pair in places for code in pair[:2])])
    return AsbReport(
        period=period,
        today=today,
        open_cases=open_cases.count(),
        open_by_risk=_open_by_risk(open_cases),
        open_by_age=_open_by_age(open_cases, today),
        incidents=sum(by_ward.values()),
        incidents_by_category=_by_category(incidents),
        incidents_by_month=_by_month(partnership, incidents, period),
        incidents_by_ward=_named_counts(by_ward, names),
        hate_motivated=incidents.filter(hate_motivated=True).count(),
        steps=_steps(partnership, period),
        outcome_labels=tuple(InterventionOutcome.labels),
        repeat_victims_since=victims_since,
        repeat_victims=len(repeat_victims) if _any_incident(partnership, victims_since) else None,
        repeat_victims_by_ward=_named_counts(Counter(repeat_victims.values()), names),
        incidents_placed=incidents.exclude(lsoa_code="").count(),
        repeat_places=tuple(
            RepeatPlace(lsoa_name=names.get(lsoa, lsoa), ward_name=names.get(ward, WARD_NOT_KNOWN), count=n)
            for lsoa, ward, n in places
        ),
    )


def _open_by_risk(open_cases: models.QuerySet[Case]) -> tuple[Count, ...]:
    counts = dict(open_cases.order_by().values_list("risk_level").annotate(n=models.Count("id")))
    rows = [Count(level.label, counts.get(level.value, 0)) for level in reversed(RiskLevel)]
    return (*rows, Count(NOT_ASSESSED, counts.get("", 0))) if counts else ()


def _open_by_age(open_cases: models.QuerySet[Case], today: dt.date) -> tuple[Count, ...]:
    ages = Counter(
        _age_band((today - opened_on).days) for opened_on in open_cases.values_list("opened_on", flat=True)
    )
    return tuple(Count(label, ages.get(label, 0)) for label, _, _ in AGE_BANDS) if ages else ()


def _age_band(days: int) -> str:
    return next(label for label, _, last in AGE_BANDS if last is None or days <= last)


def _by_category(incidents: models.QuerySet[Incident]) -> tuple[Count, ...]:
    counts = dict(incidents.order_by().values_list("category").annotate(n=models.Count("id")))
    return tuple(Count(c.label, counts.get(c.value, 0)) for c in IncidentCategory) if counts else ()


def _by_month(
    partnership: Partnership, incidents: models.QuerySet[Incident], period: Period
) -> tuple[MonthCount, ...]:
    """Each month of the period by category; months before the partnership's first incident not held."""
    first = Incident.objects.filter(partnership=partnership).aggregate(first=models.Min("occurred_at"))[
        "first"
    ]
    if first is None:
        return ()
    held_from = first.date().replace(day=1)
    counts = Counter(
        {
            (month.date() if isinstance(month, dt.datetime) else month, category): n
            for month, category, n in incidents.annotate(month=TruncMonth("occurred_at"))
            .order_by()
            .values_list("month", "category")
            .annotate(n=models.Count("id"))
        }
    )
    rows = []
    for month in period.months():
        if month < held_from:
            rows.append(MonthCount(month=month, by_category=None, total=None))
            continue
        by_category = tuple(counts.get((month, category.value), 0) for category in IncidentCategory)
        rows.append(MonthCount(month=month, by_category=by_category, total=sum(by_category)))
    return tuple(rows)


def _steps(partnership: Partnership, period: Period) -> tuple[StepRow, ...]:
    counts = Counter(
        {
            (kind, outcome): n
            for kind, outcome, n in Intervention.objects.filter(
                case_party__case__partnership=partnership,
                issued_on__gte=period.starts_on,
                issued_on__lte=period.ends_on,
            )
            .order_by()
            .values_list("kind", "outcome")
            .annotate(n=models.Count("id"))
        }
    )
    rows = []
    for kind, label in STEP_KINDS:
        by_outcome = tuple(counts.get((kind, outcome.value), 0) for outcome in InterventionOutcome)
        if any(by_outcome):
            rows.append(StepRow(label=label, by_outcome=by_outcome, total=sum(by_outcome)))
    return tuple(rows)


def _any_incident(partnership: Partnership, since: dt.date) -> bool:
    return Incident.objects.filter(partnership=partnership, occurred_at__date__gte=since).exists()


def _repeat_victims(partnership: Partnership, since: dt.date, until: dt.date) -> dict[int, str]:
    """The parties who were victims on three or more incidents in the window, each with the ward of their
    latest one. A party is a victim on an incident named as its victim, or a victim on its case."""
    window = Incident.objects.filter(
        partnership=partnership, occurred_at__date__gte=since, occurred_at__date__lte=until
    )
    named = window.exclude(victim=None).values_list("victim_id", "id", "occurred_at", "ward_code")
    on_case = window.filter(case__parties__role=PartyRole.VICTIM).values_list(
        "case__parties__party_id", "id", "occurred_at", "ward_code"
    )
    incidents_of: dict[int, dict[int, tuple[dt.datetime, str]]] = {}
    for party_id, incident_id, occurred_at, ward_code in (*named, *on_case):
        incidents_of.setdefault(party_id, {})[incident_id] = (occurred_at, ward_code)
    return {
        party_id: max(seen.values())[1]
        for party_id, seen in incidents_of.items()
        if len(seen) >= REPEAT_AT_LEAST
    }


def _repeat_places(incidents: models.QuerySet[Incident]) -> list[tuple[str, str, int]]:
    """The LSOAs with three or more of the incidents, most first: (LSOA code, its ward code, count)."""
    return [
        (lsoa, ward, n)
        for lsoa, ward, n in incidents.exclude(lsoa_code="")
        .order_by()
        .values_list("lsoa_code", "ward_code")
        .annotate(n=models.Count("id"))
        .filter(n__gte=REPEAT_AT_LEAST)
        .order_by("-n", "lsoa_code")
    ]


def _named_counts(counts: Counter[str], names: dict[str, str]) -> tuple[Count, ...]:
    """Counts by ward code as counts by ward name, most first; a blank code as "Ward not known", last."""
    known = sorted(
        ((names.get(code, code), n) for code, n in counts.items() if code), key=lambda row: (-row[1], row[0])
    )
    rows: Iterable[tuple[str, int]] = [*known, *([(WARD_NOT_KNOWN, counts[""])] if counts.get("") else [])]
    return tuple(Count(label, n) for label, n in rows)
