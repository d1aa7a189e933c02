"""Reads about measures, returns and board packs, scoped to what the person may see.

Returns are the lead's and the managers' business: anyone else (another priority's lead, an analyst, the
county board above) is told the return does not exist (404). A board pack is read by everyone who can see
the partnership once it is published; before that it exists only for the partnership's managers.
"""

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import models
from django.http import Http404
from django.utils import timezone

from saferhub.crimedata.selectors import indicator_preview
from saferhub.partnerships.models import Partnership
from saferhub.partnerships.selectors import has_managing_role, roles_in
from saferhub.performance import rag
from saferhub.performance.models import (
    BoardPack,
    Frequency,
    Measure,
    QuarterlyReturn,
    RagRule,
    ReportingRound,
    ReturnSection,
    financial_year_label,
    quarter_bounds,
)
from saferhub.performance.rag import figure_text
from saferhub.plans.models import Deliverable, Plan, Priority
from saferhub.plans.selectors import current_plan_of

# --- Measures --------------------------------------------------------------------------------------


def measures_of(partnership: Partnership) -> models.QuerySet[Measure]:
    return Measure.objects.filter(priority__plan__partnership=partnership).select_related(
        "priority__plan", "priority__lead_user", "indicator", "deliverable"
    )


def measure_in(partnership: Partnership, public_id: Any) -> Measure:
    measure = measures_of(partnership).filter(public_id=public_id).first()
    if measure is None:
        raise Http404("No such measure")
    return measure


def measures_of_priority(priority: Priority) -> models.QuerySet[Measure]:
    return priority.measures.select_related("indicator", "deliverable")


def priority_in(partnership: Partnership, public_id: Any) -> Priority:
    """A priority of any of the partnership's plans."""
    priority = Priority.objects.filter(plan__partnership=partnership, public_id=public_id).first()
    if priority is None:
        raise Http404("No such priority")
    return priority


def amber_margin_of(partnership: Partnership) -> Decimal:
    rule = RagRule.objects.filter(partnership=partnership).first()
    return rule.amber_margin_percent if rule else RagRule.DEFAULT_AMBER_MARGIN


def quarter_of(month: dt.date) -> tuple[int, int]:
    """(financial year, quarter) of a month: May 2025 is (2025, 1), February 2026 is (2025, 4)."""
    year = month.year if month.month >= 4 else month.year - 1
    return year, (month.month - 4) % 12 // 3 + 1


def quarter_label(financial_year: int, quarter: int) -> str:
    return f"{financial_year_label(financial_year)} Q{quarter}"


def period_label_for(frequency: str, end: dt.date) -> str:
    """The label of the measure's period that ends on (or contains) `end`."""
    year, quarter = quarter_of(end)
    if frequency == "monthly":
        return f"{end:%B %Y}"
    if frequency == "annual":
        return f"{year}/{(year + 1) % 100:02d}"
    return quarter_label(year, quarter)


def period_end_for(frequency: str, day: dt.date) -> dt.date:
    """The last day of the measure's period that holds `day`: its month, quarter or financial year."""
    year, quarter = quarter_of(day)
    if frequency == "monthly":
        return _month_end(day)
    if frequency == "annual":
        return dt.date(year + 1, 3, 31)
    return quarter_bounds(year, quarter)[1]


@dataclass(frozen=True)
class Point:
    period: str  # '2025/26 Q2', 'July 2025' or '2025/26'
    period_end: dt.date
    value: Decimal | None  # None: the data does not hold all of the period


@dataclass(frozen=True)
class MeasureStatus:
    measure: Measure
    points: tuple[Point, ...]
    latest: Point | None
    rag: str  # 'red', 'amber', 'green' or '' (no figure yet)
    travel: str
    problem: str = ""  # why an automatic measure has no figures

    @property
    def rag_label(self) -> str:
        return self.rag.capitalize() if self.rag else "No figure yet"


def _periods_of_months(months: list[tuple[dt.date, int | None]], frequency: str) -> list[Point]:
    """Monthly counts added up into the measure's periods; a period with a month not held has no value."""
    if frequency == Frequency.MONTHLY:
        return [
            Point(f"{month:%B %Y}", _month_end(month), Decimal(count) if count is not None else None)
            for month, count in months
        ]
    groups: dict[tuple[int, int], list[int | None]] = {}
    for month, count in months:
        year, quarter = quarter_of(month)
        key = (year, quarter if frequency == Frequency.QUARTERLY else 0)
        groups.setdefault(key, []).append(count)
    points = []
    for (year, quarter), counts in groups.items():
        whole = len(counts) == (3 if quarter else 12) and None not in counts
        if quarter:
            label, end = quarter_label(year, quarter), quarter_bounds(year, quarter)[1]
        else:
            label, end = financial_year_label(year), dt.date(year + 1, 3, 31)
        points.append(Point(label, end, Decimal(sum(c or 0 for c in counts)) if whole else None))
    return points


def _month_end(month: dt.date) -> dt.date:
    return (month.replace(day=28) + dt.timedelta(days=4)).replace(day=1) - dt.timedelta(days=1)


def measure_points(measure: Measure) -> tuple[list[Point], str]:
    """The measure's figures, oldest first, and (for an automatic one) why there are none."""
    if measure.is_manual:
        return [Point(v.period, v.period_end, v.value) for v in measure.values.all()], ""
    if measure.indicator is None:  # the database's constraint rules this out
        return [], "it has no indicator"
    preview = indicator_preview(indicator=measure.indicator, partnership=measure.audit_partnership, months=36)
    if preview.problem:
        return [], preview.problem
    return _periods_of_months([(p.month, p.count) for p in preview.points], measure.frequency), ""


def measure_status(
    measure: Measure, *, amber_margin: Decimal | None = None, until: dt.date | None = None
) -> MeasureStatus:
    """The measure's figures, status and direction of travel; with `until`, as of periods ending by then."""
    margin = amber_margin if amber_margin is not None else amber_margin_of(measure.audit_partnership)
    points, problem = measure_points(measure)
    if until is not None:
        points = [point for point in points if point.period_end <= until]
    known = [point for point in points if point.value is not None]
    latest = known[-1] if known else None
    previous = known[-2] if len(known) > 1 else None
    status = rag.rag_status(
        value=latest.value if latest else None,
        target=measure.target_value,
        direction=measure.direction,
        tolerance=measure.tolerance_percent,
        amber_margin=margin,
    )
    return MeasureStatus(
        measure=measure,
        points=tuple(points),
        latest=latest,
        rag=status.value if status else "",
        travel=rag.direction_of_travel(
            latest=latest.value if latest else None,
            previous=previous.value if previous else None,
            direction=measure.direction,
        ),
        problem=problem,
    )


def figure_for_quarter(status: MeasureStatus, reporting_round: ReportingRound) -> Point | None:
    """The automatic measure's figure for the round's quarter (or the month/year ending in it)."""
    for point in status.points:
        if reporting_round.period_start <= point.period_end <= reporting_round.period_end:
            return point
    return None


# --- Rounds and returns ---------------------------------------------------------------------------


def rounds_of(partnership: Partnership) -> models.QuerySet[ReportingRound]:
    return ReportingRound.objects.filter(partnership=partnership)


def round_in(partnership: Partnership, public_id: Any) -> ReportingRound:
    found = rounds_of(partnership).filter(public_id=public_id).first()
    if found is None:
        raise Http404("No such reporting round")
    return found


def returns_visible_to(user: Any, partnership: Partnership) -> models.QuerySet[QuarterlyReturn]:
    """All of the partnership's returns for its managers; a lead's own (while they work here) for a lead."""
    returns = QuarterlyReturn.objects.filter(reporting_round__partnership=partnership).select_related(
        "reporting_round", "priority__lead_user", "priority__plan"
    )
    if has_managing_role(user, partnership):
        return returns
    if not roles_in(user, partnership):
        return returns.none()
    return returns.filter(priority__lead_user=user)


def return_in(user: Any, partnership: Partnership, public_id: Any) -> QuarterlyReturn:
    found = returns_visible_to(user, partnership).filter(public_id=public_id).first()
    if found is None:
        raise Http404("No such return")
    return found


def overdue_returns(partnership: Partnership, *, today: dt.date) -> list[QuarterlyReturn]:
    returns = QuarterlyReturn.objects.filter(
        reporting_round__partnership=partnership, reporting_round__due_on__lt=today
    ).select_related("reporting_round", "priority__lead_user")
    return [r for r in returns if r.is_overdue(today)]


def return_deliverables(quarterly_return: QuarterlyReturn) -> list[Any]:
    return list(quarterly_return.priority.deliverables.all())


def return_themes(quarterly_return: QuarterlyReturn) -> list[Any]:
    return list(quarterly_return.priority.plan.themes.all())


def return_measures(quarterly_return: QuarterlyReturn) -> list[MeasureStatus]:
    margin = amber_margin_of(quarterly_return.audit_partnership)
    return [measure_status(m, amber_margin=margin) for m in measures_of_priority(quarterly_return.priority)]


def return_section_names() -> list[tuple[str, str]]:
    return [(section.value, section.label) for section in ReturnSection]


# --- Board packs ----------------------------------------------------------------------------------


def packs_visible_to(user: Any, partnership: Partnership) -> models.QuerySet[BoardPack]:
    packs = BoardPack.objects.filter(reporting_round__partnership=partnership).select_related(
        "reporting_round"
    )
    return packs if has_managing_role(user, partnership) else packs.filter(is_published=True)


def pack_in(user: Any, partnership: Partnership, public_id: Any) -> BoardPack:
    pack = packs_visible_to(user, partnership).filter(public_id=public_id).first()
    if pack is None:
        raise Http404("No such board pack")
    return pack


# --- The county view and the plan cycle -----------------------------------------------------------


@dataclass(frozen=True)
class SharedPriority:
    """A priority of the county or the PCC, and the priorities of each district aligned to it."""

    priority: Priority
    owner: Partnership
    by_district: dict[int, list[Priority]]  # district id -> its priorities aligned to this one
    measures: list[MeasureStatus]


@dataclass(frozen=True)
class CountyView:
    partnership: Partnership
    districts: list[Partnership]
    plans: dict[int, Plan | None]  # partnership id -> its current plan
    shared: list[SharedPriority]
    not_aligned: dict[int, list[Priority]]  # district id -> its priorities aligned to none of the above
    pcc: Partnership | None  # the force area above (the Police and Crime Commissioner's), if any


def county_view(partnership: Partnership) -> CountyView:
    """The county's and the PCC's current priorities, each with the district priorities that support it."""
    districts = list(partnership.children.order_by("name"))
    above = [partnership, *[p for p in partnership.ancestors() if p.kind == "force_area"]]
    plans = {p.id: current_plan_of(p) for p in [*above, *districts]}
    district_priorities = {
        d.id: list(plan.priorities.prefetch_related("aligned_to")) if (plan := plans[d.id]) else []
        for d in districts
    }
    shared = []
    aligned_ids: set[int] = set()
    for owner in above:
        plan = plans[owner.id]
        for priority in plan.priorities.all() if plan else []:
            by_district = {
                d.id: [p for p in district_priorities[d.id] if priority in p.aligned_to.all()]
                for d in districts
            }
            supporting = [p for ps in by_district.values() for p in ps]
            aligned_ids.update(p.id for p in supporting)
            margin_cache: dict[int, Decimal] = {}
            measures = [
                measure_status(
                    m,
                    amber_margin=margin_cache.setdefault(
                        m.priority.plan.partnership_id, amber_margin_of(m.priority.plan.partnership)
                    ),
                )
                for p in [priority, *supporting]
                for m in measures_of_priority(p).select_related("priority__plan__partnership")
            ]
            shared.append(SharedPriority(priority, owner, by_district, measures))
    not_aligned = {d.id: [p for p in district_priorities[d.id] if p.id not in aligned_ids] for d in districts}
    pcc = next((p for p in above if p.kind == "force_area"), None)
    return CountyView(partnership, districts, plans, shared, not_aligned, pcc)


@dataclass(frozen=True)
class RevisionChanges:
    """What changed in the plan's priorities, deliverables and measures while a revision was current."""

    label: str
    revised_on: dt.date
    summary: str
    added: list[str]
    removed: list[str]


def _plan_state_at(plan: Plan, when: dt.datetime) -> set[str]:
    """The plan's priorities, deliverables and measures (with targets) at a moment, as lines of text."""
    priorities = {p.id: p.title for p in Priority.history.as_of(when).filter(plan_id=plan.id)}
    lines = {f"Priority: {title}" for title in priorities.values()}
    for deliverable in Deliverable.history.as_of(when).filter(priority_id__in=list(priorities)):
        lines.add(f"Deliverable of {priorities[deliverable.priority_id]}: {deliverable.text}")
    for measure in Measure.history.as_of(when).filter(priority_id__in=list(priorities)):
        lines.add(
            f"Measure of {priorities[measure.priority_id]}: {measure.title} "
            f"({measure.get_direction_display().lower()} to {figure_text(measure.target_value)})"
        )
    return lines


def revision_changes(plan: Plan) -> list[RevisionChanges]:
    """For each revision, newest first: what was added and removed between recording it and the next one
    (or now). The plan page says to record the revision first, then make its changes."""
    revisions = list(plan.revisions.order_by("created_at"))
    changes = []
    for index, revision in enumerate(revisions):
        until = revisions[index + 1].created_at if index + 1 < len(revisions) else timezone.now()
        before, after = _plan_state_at(plan, revision.created_at), _plan_state_at(plan, until)
        changes.append(
            RevisionChanges(
                label=revision.label,
                revised_on=revision.revised_on,
                summary=revision.summary,
                added=sorted(after - before),
                removed=sorted(before - after),
            )
        )
    return changes[::-1]


# Figures are for periods from this day on: an earlier one is a typing mistake, not history.
FIRST_FIGURE_DAY = dt.date(2000, 1, 1)


def figure_day_problem(day: dt.date) -> str:
    """Why a figure cannot be for the period holding this day ("" when it can). A period still to come has
    no figure: one would become the measure's latest and set its status."""
    if day < FIRST_FIGURE_DAY:
        return "Enter a day from 1 January 2000"
    if day > timezone.localdate():
        return "Enter a day today or earlier: a period still to come has no figure"
    return ""
