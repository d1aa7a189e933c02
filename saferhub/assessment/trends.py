"""Trends: each indicator's monthly series as an XmR control chart, what in it signals, and each month
against the same month in earlier years (seasonality)."""

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

from saferhub.assessment.headline import HeadlineRow
from saferhub.assessment.methods.spc import XmRChart, seasonal_index, xmr_chart
from saferhub.design_system.charts import monthly_axis_labels
from saferhub.design_system.control_charts import ControlChart, control_chart

# Months in the order of the financial year, as the seasonal table shows them.
FINANCIAL_MONTHS = (4, 5, 6, 7, 8, 9, 10, 11, 12, 1, 2, 3)


@dataclass(frozen=True)
class SeasonalRow:
    month: int  # 1 to 12
    name: str
    by_year: tuple[int | None, ...]  # the month's count in each year of the table's columns
    signals: tuple[str, ...]  # why that month signals, or "", for each year
    index: float | None  # the month's mean over the mean month: 1.2 is 20% above


@dataclass(frozen=True)
class Trend:
    row: HeadlineRow
    months: tuple[dt.date, ...]
    values: tuple[int | None, ...]
    xmr: XmRChart | None  # None with fewer than two months held
    signals: tuple[str, ...]  # per month
    findings: tuple[str, ...]  # what the chart shows, in words
    chart: ControlChart | None
    seasonal_years: tuple[int, ...]
    seasonal: tuple[SeasonalRow, ...]


def _signal_words(xmr: XmRChart, index: int, value: float) -> str:
    if xmr.outside[index]:
        return "above the upper limit" if value > xmr.upper else "below the lower limit"
    if xmr.in_long_run[index]:
        return "in a long run " + ("above" if value > xmr.centre else "below") + " the average"
    return ""


def _findings(months: list[dt.date], held: list[int], xmr: XmRChart) -> list[str]:
    found = []
    high = [m for m, v, out in zip(months, held, xmr.outside, strict=True) if out and v > xmr.upper]
    low = [m for m, v, out in zip(months, held, xmr.outside, strict=True) if out and v < xmr.lower]
    for chosen, where in ((high, "above the upper limit"), (low, "below the lower limit")):
        if chosen:
            named = ", ".join(f"{m:%B %Y}" for m in chosen[:6]) + (" and others" if len(chosen) > 6 else "")
            found.append(f"{len(chosen)} {'month' if len(chosen) == 1 else 'months'} {where}: {named}.")
    if xmr.longest_run > xmr.longest_run_limit:
        found.append(
            f"A run of {xmr.longest_run} months on one side of the average (more than "
            f"{xmr.longest_run_limit} is unlikely by chance): the level has shifted."
        )
    if xmr.too_few_crossings:
        found.append(
            f"The series crosses its average {xmr.crossings} times, fewer than the {xmr.crossings_minimum} "
            "expected by chance: it is trending or shifting."
        )
    return found or [
        "No signals: the months vary within the natural process limits (common-cause variation)."
    ]


def trend_of(row: HeadlineRow, *, chart_id: str) -> Trend:
    months = [month for month, _ in row.series]
    values = [count for _, count in row.series]
    held_months = [month for month, count in row.series if count is not None]
    held = [count for count in values if count is not None]
    xmr = xmr_chart(held) if len(held) >= 2 else None
    signals_by_month = {}
    if xmr is not None:
        for index, (month, value) in enumerate(zip(held_months, held, strict=True)):
            signals_by_month[month] = _signal_words(xmr, index, value)
    signals = tuple(signals_by_month.get(month, "") for month in months)
    chart = None
    if xmr is not None:
        name = row.name
        chart = control_chart(
            chart_id=chart_id,
            title=f"{name}: count by month, {months[0]:%B %Y} to {months[-1]:%B %Y}, with its control limits",
            description=(
                f"Average {xmr.centre:,.1f} a month; natural process limits {xmr.lower_shown:,.1f} to "
                f"{xmr.upper:,.1f}. {sum(1 for s in signals if s)} months signal, drawn as diamonds. "
                "The table gives every figure."
            ),
            labels=[f"{month:%B %Y}" for month in months],
            values=values,
            centre=xmr.centre,
            upper=xmr.upper,
            lower=xmr.lower,
            signals=signals,
            axis_labels=monthly_axis_labels(months),
        )
    by_month: dict[int, dict[int, int]] = defaultdict(dict)
    for month, count in zip(months, values, strict=True):
        if count is not None:
            by_month[month.month][month.year] = count
    years = tuple(sorted({month.year for month in months}))
    # A series of nothing but zeros has no seasonal pattern to index.
    indices = seasonal_index({m: list(c.values()) for m, c in by_month.items()}) if any(held) else {}
    return Trend(
        row=row,
        months=tuple(months),
        values=tuple(values),
        xmr=xmr,
        signals=signals,
        findings=tuple(_findings(held_months, held, xmr)) if xmr is not None else ("Too few months held.",),
        chart=chart,
        seasonal_years=years,
        seasonal=tuple(
            SeasonalRow(
                month=m,
                name=dt.date(2000, m, 1).strftime("%B"),
                by_year=tuple(by_month[m].get(year) for year in years),
                signals=tuple(signals_by_month.get(dt.date(year, m, 1), "") for year in years),
                index=indices.get(m),
            )
            for m in FINANCIAL_MONTHS
        ),
    )
