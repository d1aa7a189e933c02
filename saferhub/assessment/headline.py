"""The headline table: each indicator's count in each of up to five years, the change year on year, the
rate per 1,000 residents and whether the latest change is real (003's "Crime Counts and year on year %
change", generated).

A cell is blank when the kind of crime was not recorded yet in that period (a subgroup that began later);
it says "no data held" when the store holds none of the period's months; a period the data does not wholly
hold is flagged, and never compared with a whole one.
"""

import datetime as dt
import itertools
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Literal

from saferhub.assessment.methods.change import benjamini_hochberg, poisson_e_test
from saferhub.assessment.methods.intervals import garwood_interval
from saferhub.crimedata import counting
from saferhub.crimedata.models import Indicator

PeriodKind = Literal["financial-year", "rolling-12"]
SortKey = Literal["order", "count", "change", "name"]
SIGNIFICANCE = 0.05  # false discovery rate across the table's rows (Benjamini–Hochberg)
NO_DATA_HELD = "no data held"


@dataclass(frozen=True)
class PeriodSpan:
    label: str
    first: dt.date
    last: dt.date


@dataclass(frozen=True)
class Cell:
    count: int | None  # None: no data held, or the kind of crime was not recorded yet
    missing: tuple[dt.date, ...]  # months of the period its sources do not hold
    held: bool = True  # False: the store holds none of the period's months

    @property
    def whole(self) -> bool:
        return self.count is not None and not self.missing

    @property
    def not_recorded(self) -> bool:
        """Blank: the store holds the period, but the kind of crime was not recorded then."""
        return self.held and self.count is None


@dataclass(frozen=True)
class Significance:
    p_value: float
    q_value: float  # adjusted for the number of rows tested
    significant: bool
    words: str  # "a real rise", "a real fall", "within normal variation"


@dataclass(frozen=True)
class HeadlineRow:
    indicator: Indicator
    name: str  # the indicator's name, told apart from another row's of the same name
    cells: tuple[Cell, ...]
    changes: tuple[float | None, ...]  # % change from the period before; None for the first or not comparable
    latest_change: float | None
    absolute_change: int | None
    significance: Significance | None
    not_compared: str  # why the latest pair is not compared, when it is not
    rate_per_1000: float | None
    rate_interval: tuple[float, float] | None
    series: tuple[tuple[dt.date, int | None], ...]  # every month of the table; None: not held

    @property
    def latest(self) -> Cell:
        return self.cells[-1]


@dataclass(frozen=True)
class HeadlineTable:
    area_code: str
    area_name: str
    population: int | None
    period_kind: PeriodKind
    periods: tuple[PeriodSpan, ...]
    rows: tuple[HeadlineRow, ...]

    @property
    def incomplete(self) -> bool:
        return any(cell.missing for row in self.rows for cell in row.cells if cell.count is not None)

    @property
    def no_data_held(self) -> dict[str, tuple[str, ...]]:
        """The labels of the periods the store holds no month of, by row name (rows with none left out)."""
        found = {
            row.name: tuple(
                span.label for span, cell in zip(self.periods, row.cells, strict=True) if not cell.held
            )
            for row in self.rows
        }
        return {name: labels for name, labels in found.items() if labels}


def month_add(month: dt.date, months: int) -> dt.date:
    index = month.year * 12 + month.month - 1 + months
    return dt.date(index // 12, index % 12 + 1, 1)


def periods_ending(last_month: dt.date, *, kind: PeriodKind, years: int) -> tuple[PeriodSpan, ...]:
    """The `years` periods up to `last_month`: financial years (the last one holding last_month, whole
    or not) or rolling 12 months ending in last_month's month."""
    last_month = last_month.replace(day=1)
    if kind == "financial-year":
        start_year = last_month.year if last_month.month >= 4 else last_month.year - 1
        spans = []
        for back in range(years - 1, -1, -1):
            year = start_year - back
            spans.append(
                PeriodSpan(
                    label=f"{year}/{(year + 1) % 100:02d}",
                    first=dt.date(year, 4, 1),
                    last=dt.date(year + 1, 3, 1),
                )
            )
        return tuple(spans)
    return tuple(
        PeriodSpan(
            label=f"12 months to {end:%b %Y}",
            first=month_add(end, -11),
            last=end,
        )
        for end in (month_add(last_month, -12 * back) for back in range(years - 1, -1, -1))
    )


def months_of(span: PeriodSpan) -> list[dt.date]:
    months, month = [], span.first
    while month <= span.last:
        months.append(month)
        month = month_add(month, 1)
    return months


def periods_without_data(periods: Sequence[PeriodSpan], held: frozenset[dt.date]) -> tuple[PeriodSpan, ...]:
    """The periods of which none of the months is held."""
    return tuple(span for span in periods if not any(month in held for month in months_of(span)))


def periods_held(*, held: frozenset[dt.date], kind: PeriodKind, last_month: dt.date, most: int) -> int:
    """How many periods up to last_month hold data, counting back until one holds none (at most `most`)."""
    count = 0
    for span in reversed(periods_ending(last_month, kind=kind, years=most)):
        if periods_without_data([span], held):
            break
        count += 1
    return count


def _percent(previous: Cell, current: Cell) -> float | None:
    if not (previous.whole and current.whole) or not previous.count:
        return None
    return ((current.count or 0) - previous.count) / previous.count * 100


def _not_compared(previous: Cell, current: Cell, periods: Sequence[PeriodSpan]) -> str:
    for cell, span in ((previous, periods[-2]), (current, periods[-1])):
        if not cell.held:
            return f"{NO_DATA_HELD} for {span.label}"
    if current.count is None or previous.count is None:
        return "not recorded in both periods"
    for cell, span in ((previous, periods[-2]), (current, periods[-1])):
        if cell.missing:
            count = len(cell.missing)
            return f"{count} {'month' if count == 1 else 'months'} of {span.label} not held"
    return ""


def headline_table_for(
    *,
    area_code: str,
    indicators: Sequence[Indicator],
    kind: PeriodKind,
    years: int,
    last_month: dt.date,
    population: int | None = None,
    names: Mapping[int, str] | None = None,
) -> HeadlineTable:
    """The headline table of these indicators in the area (an ONS code or a partnership's slug).

    Every indicator is counted in the same area. `population` defaults to the area's Census 2021 residents.
    `names` gives a row's name by indicator id where it is not the indicator's own (the assessment's issue).
    """
    scope = counting.area_scope(area_code)
    periods = periods_ending(last_month, kind=kind, years=years)
    if population is None:
        population = counting.population_of_scope(area_code)
    first, last = periods[0].first, periods[-1].last
    indicators = list(indicators)
    filters = [counting.indicator_filter(indicator) for indicator in indicators]
    # Every indicator's series in one read, and when each began in another: not three reads an indicator.
    all_series = counting.indicator_series_of(
        indicators=indicators, scope=scope, month_from=first, month_to=last
    )
    all_began = counting.first_months_recorded(filters)
    held_of: dict[tuple[str, ...], frozenset[dt.date]] = {}
    rows = []
    for indicator, what, series, began in zip(indicators, filters, all_series, all_began, strict=True):
        if what.sources not in held_of:
            held_of[what.sources] = counting.months_held(sources=what.sources)
        held = held_of[what.sources]
        counts = dict(series)
        cells = []
        for span in periods:
            months = months_of(span)
            missing = tuple(m for m in months if m not in held)
            if periods_without_data([span], held):
                cells.append(Cell(count=None, missing=missing, held=False))
                continue
            recorded = began is not None and span.last >= began
            cells.append(
                Cell(
                    count=sum(counts[m] for m in months) if recorded else None,
                    missing=missing if recorded else (),
                )
            )
        changes = (None, *(_percent(a, b) for a, b in itertools.pairwise(cells)))
        previous, current = cells[-2:] if len(cells) > 1 else (Cell(None, ()), cells[-1])
        comparable = previous.whole and current.whole
        rate = interval = None
        if population and current.whole and current.count is not None:
            rate = current.count / population * 1000
            low, high = garwood_interval(current.count)
            interval = (low / population * 1000, high / population * 1000)
        rows.append(
            HeadlineRow(
                indicator=indicator,
                name=(names or {}).get(indicator.pk, indicator.name),
                cells=tuple(cells),
                changes=changes,
                latest_change=changes[-1],
                absolute_change=(current.count or 0) - (previous.count or 0) if comparable else None,
                significance=None,
                not_compared="" if comparable else _not_compared(previous, current, periods),
                rate_per_1000=rate,
                rate_interval=interval,
                series=tuple((m, counts[m] if m in held else None) for m in sorted(counts)),
            )
        )
    return HeadlineTable(
        area_code=area_code,
        area_name=scope.name,
        population=population,
        period_kind=kind,
        periods=periods,
        rows=tuple(_with_significance(rows)),
    )


def _with_significance(rows: list[HeadlineRow]) -> list[HeadlineRow]:
    """The E-test of each comparable latest pair, with p-values adjusted across the rows tested."""
    tested = [row for row in rows if row.absolute_change is not None]
    p_values = [
        poisson_e_test(row.cells[-1].count or 0, 1.0, row.cells[-2].count or 0, 1.0)[1] for row in tested
    ]
    q_values = dict(zip((id(row) for row in tested), benjamini_hochberg(p_values), strict=True))
    p_of = dict(zip((id(row) for row in tested), p_values, strict=True))
    result = []
    for row in rows:
        if id(row) not in q_values:
            result.append(row)
            continue
        significant = q_values[id(row)] < SIGNIFICANCE and bool(row.absolute_change)
        direction = "rise" if (row.absolute_change or 0) > 0 else "fall"
        words = f"a real {direction}" if significant else "within normal variation"
        result.append(
            replace(
                row,
                significance=Significance(
                    p_value=p_of[id(row)], q_value=q_values[id(row)], significant=significant, words=words
                ),
            )
        )
    return result


def sorted_rows(table: HeadlineTable, key: SortKey) -> list[HeadlineRow]:
    """The rows in the set's order, by latest count or latest % change (largest first), or by name."""
    rows = list(table.rows)
    if key == "count":
        return sorted(rows, key=lambda row: -(row.latest.count or -1))
    if key == "change":
        return sorted(rows, key=lambda row: -(row.latest_change if row.latest_change is not None else -1e9))
    if key == "name":
        return sorted(rows, key=lambda row: row.name.lower())
    return rows


# --- The table as the command, the page's download and the API give it --------------------------------

CSV_TAIL = ("change_pct", "rate_per_1000", "significant")


def _one_decimal(value: float | None) -> float | None:
    return None if value is None else round(value, 1)


def headline_csv(table: HeadlineTable, rows: Sequence[HeadlineRow]) -> tuple[list[str], list[list[object]]]:
    """The header and rows of the CSV: indicator, a column per period, then the latest change (%), the rate
    per 1,000 residents and the plain-words significance. A cell of a kind of crime not recorded then stays
    blank; a period the store holds no data for says so."""
    header = ["indicator", *(span.label for span in table.periods), *CSV_TAIL]
    body: list[list[object]] = []
    for row in rows:
        rate = None if row.rate_per_1000 is None else round(row.rate_per_1000, 2)
        body.append(
            [
                row.name,
                *(NO_DATA_HELD if not cell.held else cell.count for cell in row.cells),
                _one_decimal(row.latest_change),
                rate,
                row.significance.words if row.significance else (f"not compared: {row.not_compared}"),
            ]
        )
    return header, body


def headline_json(table: HeadlineTable, rows: Sequence[HeadlineRow]) -> dict[str, object]:
    """Everything the table holds, with the p-values and the months missing."""
    return {
        "area": table.area_code,
        "name": table.area_name,
        "population": table.population,
        "period": table.period_kind,
        "periods": [
            {"label": span.label, "first": f"{span.first:%Y-%m}", "last": f"{span.last:%Y-%m}"}
            for span in table.periods
        ],
        "rows": [
            {
                "indicator": row.indicator.slug,
                "name": row.name,
                "counts": [cell.count for cell in row.cells],
                "data_held": [cell.held for cell in row.cells],
                "months_missing": [[f"{month:%Y-%m}" for month in cell.missing] for cell in row.cells],
                "change_pct": [_one_decimal(change) for change in row.changes],
                "absolute_change": row.absolute_change,
                "rate_per_1000": row.rate_per_1000,
                "rate_interval": list(row.rate_interval) if row.rate_interval else None,
                "p_value": row.significance.p_value if row.significance else None,
                "q_value": row.significance.q_value if row.significance else None,
                "significant": row.significance.words if row.significance else None,
                "not_compared": row.not_compared or None,
            }
            for row in rows
        ],
    }
