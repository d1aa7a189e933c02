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
from saferhub.partnerships.selectors import has_managing_role
from saferhub.performance import rag
from saferhub.performance.models import (
    BoardPack,
    Frequency,
    Measure,
    QuarterlyReturn,
    RagRule,
    ReportingRound,
    financial_year_label,
    quarter_bounds,
)
from saferhub.performance.rag import figure_text
from saferhub.performance.returns import QUARTERLY_RETURN
from saferhub.plans.models import Plan, Priority
from saferhub.plans.selectors import (
    current_plans_of,
    deliverables_as_of,
    priorities_as_of,
    priorities_of_plans,
    priority_of_partnership,
)
from saferhub.reporting import selectors as reporting_selectors

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
    return priority.measures.select_related("indicator", "deliverable").prefetch_related("values")


def priority_in(partnership: Partnership, public_id: Any) -> Priority:
    """A priority of any of the partnership's plans."""
    return priority_of_partnership(partnership, public_id)


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
    rag: str  # 'red', 'amber', 'green', 'stale' (the latest figure is too old to judge) or '' (none yet)
    travel: str
    problem: str = ""  # why an automatic measure has no figures
    rag_reason: str = ""  # why it has its status, in words, shown beside it
    travel_basis: str = ""  # what the latest figure was compared with, e.g. 'up 34% on 2023/24 Q2'

    @property
    def rag_label(self) -> str:
        return rag.status_label(self.rag)


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
    """The measure's figures, status and direction of travel, judged today; with `until`, judged on that day
    from the periods ending by then (a board pack judges its quarter as at the quarter's end)."""
    margin = amber_margin if amber_margin is not None else amber_margin_of(measure.audit_partnership)
    points, problem = measure_points(measure)
    if until is not None:
        points = [point for point in points if point.period_end <= until]
    as_of = until if until is not None else timezone.localdate()
    known = [point for point in points if point.value is not None]
    latest = known[-1] if known else None
    year_before = _point_a_year_before(known, latest) if latest else None
    status, reason = _judged(measure, latest, margin, as_of)
    return MeasureStatus(
        measure=measure,
        points=tuple(points),
        latest=latest,
        rag=status,
        travel=rag.direction_of_travel(
            latest=latest.value if latest else None,
            previous=year_before.value if year_before else None,
            direction=measure.direction,
        ),
        problem=problem,
        rag_reason=reason,
        travel_basis=_travel_basis(measure, latest, year_before),
    )


def _frequency_of(point: Point) -> str | None:
    """The kind of period a figure is for, read from its label ('July 2025', '2025/26 Q2', '2025/26')."""
    return next((f for f in Frequency if period_label_for(f, point.period_end) == point.period), None)


def _point_a_year_before(known: list[Point], latest: Point) -> Point | None:
    """The figure for the same month, quarter or financial year, a year before the latest. Only a figure for
    the same kind of period: after a measure's frequency changes, a month is not compared with a quarter."""
    kind = _frequency_of(latest)
    return next(
        (
            p
            for p in known
            if rag.months_between(p.period_end, latest.period_end) == 12 and _frequency_of(p) == kind
        ),
        None,
    )


def _judged(measure: Measure, latest: Point | None, margin: Decimal, as_of: dt.date) -> tuple[str, str]:
    """The measure's status on `as_of` and the reason for it, in words."""
    if latest is None or latest.value is None:
        return "", ""
    if rag.is_stale(period_end=latest.period_end, frequency=measure.frequency, as_of=as_of):
        rule = rag.stale_rule_text(measure.frequency)
        return rag.STALE, f"The latest figure is for {latest.period}: {rule}"
    value, target, direction, tolerance = (
        latest.value,
        measure.target_value,
        measure.direction,
        measure.tolerance_percent,
    )
    status = rag.rag_status(
        value=value, target=target, direction=direction, tolerance=tolerance, amber_margin=margin
    )
    reason = rag.status_reason(
        value=value, target=target, direction=direction, tolerance=tolerance, amber_margin=margin
    )
    return (status.value if status else ""), f"{reason} in {latest.period}"


def _travel_basis(measure: Measure, latest: Point | None, year_before: Point | None) -> str:
    if latest is None or latest.value is None:
        return ""
    period = rag.FIGURE_LIFETIMES[Frequency(_frequency_of(latest) or measure.frequency)].period_name
    if year_before is None or year_before.value is None:
        return f"no figure for the same {period} a year before {latest.period} to compare with"
    change = rag.change_text(latest=latest.value, earlier=year_before.value)
    return f"{latest.period} is {change} on {year_before.period}, the same {period} a year before"


def figure_for_quarter(status: MeasureStatus, reporting_round: ReportingRound) -> Point | None:
    """The automatic measure's figure for the round's quarter (or the month/year ending in it)."""
    for point in status.points:
        if reporting_round.period_start <= point.period_end <= reporting_round.period_end:
            return point
    return None


def measures_by_priority(priorities: list[Priority]) -> dict[int, list[Measure]]:
    """The measures of these priorities, with their figures, in two queries whatever their number.

    Each measure's priority is the one given, not read again: give priorities whose plan and its
    partnership are loaded (a plan's `priorities` of a plan read with its partnership), which a measure's
    status reads."""
    by_id = {priority.pk: priority for priority in priorities}
    grouped: dict[int, list[Measure]] = {priority_id: [] for priority_id in by_id}
    measures = (
        Measure.objects.filter(priority__in=list(by_id))
        .select_related("indicator", "deliverable")
        .prefetch_related("values")
    )
    for measure in measures:
        measure.priority = by_id[measure.priority_id]
        grouped[measure.priority_id].append(measure)
    return grouped


def amber_margins_of(partnerships: list[Partnership]) -> dict[int, Decimal]:
    """Each partnership's amber margin, in one query."""
    rules = dict(
        RagRule.objects.filter(partnership__in=partnerships).values_list(
            "partnership_id", "amber_margin_percent"
        )
    )
    return {p.pk: rules.get(p.pk, RagRule.DEFAULT_AMBER_MARGIN) for p in partnerships}


def priority_measure_statuses(
    priorities: list[Priority], *, amber_margins: dict[int, Decimal], until: dt.date | None = None
) -> dict[int, list[MeasureStatus]]:
    """The status of every measure of these priorities (of any partnerships whose margins are given), by
    priority id; see measure_status."""
    return {
        priority_id: [
            measure_status(m, amber_margin=amber_margins[m.priority.plan.partnership_id], until=until)
            for m in measures
        ]
        for priority_id, measures in measures_by_priority(priorities).items()
    }


# --- Rounds and returns ---------------------------------------------------------------------------


def rounds_of(partnership: Partnership) -> models.QuerySet[ReportingRound]:
    return reporting_selectors.rounds_of(QUARTERLY_RETURN, partnership)


def round_in(partnership: Partnership, public_id: Any) -> ReportingRound:
    found: ReportingRound = reporting_selectors.round_in(QUARTERLY_RETURN, partnership, public_id)
    return found


def returns_visible_to(user: Any, partnership: Partnership) -> models.QuerySet[QuarterlyReturn]:
    """All of the partnership's returns for its managers; a lead's own (while they work here) for a lead."""
    return reporting_selectors.returns_visible_to(QUARTERLY_RETURN, user, partnership).select_related(
        "priority__plan"
    )


def round_returns(user: Any, reporting_round: ReportingRound) -> models.QuerySet[QuarterlyReturn]:
    """The round's returns the person may see, with their priorities, for the round's page."""
    return reporting_selectors.round_returns(QUARTERLY_RETURN, user, reporting_round).select_related(
        "priority__plan"
    )


def return_in(user: Any, partnership: Partnership, public_id: Any) -> QuarterlyReturn:
    # The partnership through both paths: the record of viewing the return and its measures' figures read it.
    returns = returns_visible_to(user, partnership).select_related(
        "reporting_round__partnership", "priority__plan__partnership"
    )
    found = returns.filter(public_id=public_id).first()
    if found is None:
        raise Http404("No such return")
    return found


def overdue_returns(partnership: Partnership, *, today: dt.date) -> list[QuarterlyReturn]:
    return reporting_selectors.overdue_returns(QUARTERLY_RETURN, partnership=partnership, today=today)


def return_deliverables(quarterly_return: QuarterlyReturn) -> list[Any]:
    return list(quarterly_return.priority.deliverables.all())


def return_themes(quarterly_return: QuarterlyReturn) -> list[Any]:
    return list(quarterly_return.priority.plan.themes.all())


def return_measures(quarterly_return: QuarterlyReturn) -> list[MeasureStatus]:
    margin = amber_margin_of(quarterly_return.audit_partnership)
    return [measure_status(m, amber_margin=margin) for m in measures_of_priority(quarterly_return.priority)]


def return_section_names() -> list[tuple[str, str]]:
    return reporting_selectors.section_names(QUARTERLY_RETURN)


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

    def ended_plans(self, today: dt.date) -> list[Plan]:
        """The current plans shown here whose period is over: their priorities stand until a later plan is
        made current, and the reader must know they are out of date."""
        return sorted(
            (plan for plan in self.plans.values() if plan and plan.has_ended(today)),
            key=lambda plan: plan.partnership.name,
        )


def county_view(partnership: Partnership) -> CountyView:
    """The county's and the PCC's current priorities, each with the district priorities that support it.
    A fixed number of queries however many districts, priorities and measures there are."""
    districts = list(partnership.children.order_by("name"))
    above = [partnership, *[p for p in partnership.ancestors() if p.kind == "force_area"]]
    plans = current_plans_of([*above, *districts])
    priorities_of_plan: dict[int, list[Priority]] = {plan.pk: [] for plan in plans.values() if plan}
    for priority in priorities_of_plans(list(priorities_of_plan)).prefetch_related("aligned_to"):
        priorities_of_plan[priority.plan_id].append(priority)

    def priorities_of(owner: Partnership) -> list[Priority]:
        plan = plans[owner.pk]
        return priorities_of_plan[plan.pk] if plan else []

    district_priorities = {d.id: priorities_of(d) for d in districts}
    alignments = []
    for owner in above:
        for priority in priorities_of(owner):
            by_district = {
                d.id: [p for p in district_priorities[d.id] if priority in p.aligned_to.all()]
                for d in districts
            }
            alignments.append((priority, owner, by_district, [p for ps in by_district.values() for p in ps]))
    # Only the measures shown, the shared priorities' and their supporters': an automatic one reads the store.
    shown = {p.pk: p for priority, _, _, supporting in alignments for p in [priority, *supporting]}
    statuses = priority_measure_statuses(
        list(shown.values()), amber_margins=amber_margins_of([*above, *districts])
    )
    shared = [
        SharedPriority(
            priority, owner, by_district, [s for p in [priority, *supporting] for s in statuses[p.pk]]
        )
        for priority, owner, by_district, supporting in alignments
    ]
    aligned_ids = {p.id for _, _, _, supporting in alignments for p in supporting}
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
    priorities = {p.id: p.title for p in priorities_as_of(plan, when)}
    lines = {f"Priority: {title}" for title in priorities.values()}
    for deliverable in deliverables_as_of(list(priorities), when):
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
