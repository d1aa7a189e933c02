"""Charts drawn on the server as SVG: the geometry here, the markup in design_system/chart.html.

No JavaScript, and no inline styles (the CSP forbids them): the macro draws with SVG presentation
attributes. A chart is an image with a text alternative; the page shows the same figures in a table too.
"""

import datetime as dt
import math
from collections.abc import Sequence
from dataclasses import dataclass

# Where the plot sits inside the drawing: room for the value labels on the left and months below.
MARGIN_LEFT = 64
MARGIN_RIGHT = 8
MARGIN_TOP = 12
MARGIN_BOTTOM = 44
BAR_FILL = 0.8  # of each bar's slot; the rest is the gap between bars


@dataclass(frozen=True)
class Bar:
    x: float
    y: float
    width: float
    height: float
    label: str  # what the bar is, in full: "January 2023"
    value: float | None  # None: no value (a month not held); the macro shades its slot instead
    value_text: str


@dataclass(frozen=True)
class Tick:
    """A value on the vertical axis, and the gridline drawn across the plot at its height."""

    y: float
    label: str


@dataclass(frozen=True)
class AxisLabel:
    """A label under the horizontal axis, centred on its bar."""

    x: float
    label: str


@dataclass(frozen=True)
class BarChart:
    id: str
    title: str
    description: str
    width: int
    height: int
    plot_left: float
    plot_right: float
    plot_top: float
    plot_bottom: float
    bars: tuple[Bar, ...]
    ticks: tuple[Tick, ...]
    axis_labels: tuple[AxisLabel, ...]
    # A horizontal reference line across the plot (a measure's target), drawn dashed, with its label.
    target_y: float | None = None
    target_label: str = ""

    @property
    def text_alternative(self) -> str:
        return f"{self.title}. {self.description}" if self.description else self.title


def nice_step(rough: float, *, integers: bool = False) -> float:
    """The smallest of 1, 2, 2.5 and 5 times a power of ten that is at least `rough`."""
    if rough <= 0 or (integers and rough <= 1):
        return 1.0
    power = 10 ** math.floor(math.log10(rough))
    for multiple in (1, 2, 2.5, 5):
        step = multiple * power
        if step >= rough * (1 - 1e-9) and (not integers or step.is_integer()):
            return float(step)
    return float(10 * power)


def nice_ticks(maximum: float, *, count: int = 5, integers: bool = False) -> list[float]:
    """Round values from 0 to at least `maximum`, about `count` steps apart: 0, 50, 100, 150."""
    if maximum < 0:
        raise ValueError("a bar chart draws values of 0 or more")
    if maximum == 0:
        return [0.0, 1.0]
    step = nice_step(maximum / count, integers=integers)
    steps = math.ceil(maximum / step - 1e-9)
    return [round(step * index, 10) for index in range(steps + 1)]


def number_text(value: float) -> str:
    """12,345 for a whole number, 12.35 otherwise."""
    if float(value).is_integer():
        return f"{int(value):,}"
    return f"{value:,.2f}"


def bar_chart(
    *,
    chart_id: str,
    title: str,
    labels: Sequence[str],
    values: Sequence[float | None],
    axis_labels: Sequence[str] | None = None,
    description: str = "",
    width: int = 640,
    height: int = 320,
    max_axis_labels: int = 8,
    missing_text: str = "no data",
    target: float | None = None,
    target_label: str = "",
) -> BarChart:
    """A bar for each value, with the vertical axis in round steps and at most `max_axis_labels` labels
    below (every n-th of those given, starting with the first).

    `labels` name each bar in full (its tooltip); `axis_labels` are the shorter labels under the axis, blank
    for a bar that has none (see monthly_axis_labels). A value of None has no bar: the macro shades its slot,
    and its tooltip says `missing_text`.
    """
    if len(labels) != len(values):
        raise ValueError("give a label for each value")
    known = [value for value in values if value is not None]
    if any(value < 0 for value in known):
        raise ValueError("a bar chart draws values of 0 or more")
    shown = list(axis_labels) if axis_labels is not None else list(labels)
    if len(shown) != len(values):
        raise ValueError("give an axis label for each value")
    if target is not None and target < 0:
        raise ValueError("a bar chart draws a target of 0 or more")
    integers = all(float(value).is_integer() for value in known)
    ticks = nice_ticks(max([*known, target or 0], default=0), integers=integers)
    top = ticks[-1]
    left, right = float(MARGIN_LEFT), float(width - MARGIN_RIGHT)
    plot_top, bottom = float(MARGIN_TOP), float(height - MARGIN_BOTTOM)
    plot_height = bottom - plot_top
    slot = (right - left) / len(values) if values else 0.0
    bars = []
    for index, (label, value) in enumerate(zip(labels, values, strict=True)):
        bar_height = plot_height * value / top if value is not None else 0.0
        bars.append(
            Bar(
                x=_round(left + index * slot + slot * (1 - BAR_FILL) / 2),
                y=_round(bottom - bar_height),
                width=_round(slot * BAR_FILL),
                height=_round(bar_height),
                label=label,
                value=value,
                value_text=number_text(value) if value is not None else missing_text,
            )
        )
    # Blank axis labels are left out; then at most max_axis_labels of the rest, evenly spaced.
    labelled = [index for index, text in enumerate(shown) if text]
    every = max(1, math.ceil(len(labelled) / max_axis_labels))
    return BarChart(
        id=chart_id,
        title=title,
        description=description,
        width=width,
        height=height,
        plot_left=left,
        plot_right=right,
        plot_top=plot_top,
        plot_bottom=bottom,
        bars=tuple(bars),
        ticks=tuple(
            Tick(y=_round(bottom - plot_height * tick / top), label=number_text(tick)) for tick in ticks
        ),
        axis_labels=tuple(
            AxisLabel(x=_round(left + index * slot + slot / 2), label=shown[index])
            for index in labelled[::every]
        ),
        target_y=_round(bottom - plot_height * target / top) if target is not None else None,
        target_label=target_label,
    )


def _round(value: float) -> float:
    return round(value, 2)


def monthly_axis_labels(months: Sequence[dt.date], *, max_labels: int = 8) -> list[str]:
    """Labels for a monthly series: 'Jan 2023' under each January (every other January, or fewer, for a long
    series), and under the first month too when the first January is far enough along not to collide."""
    years = [month.year for month in months if month.month == 1]
    step = max(1, math.ceil((len(years) + 1) / max_labels))
    labelled_years = set(years[::step])
    labels = [
        f"{month:%b %Y}" if month.month == 1 and month.year in labelled_years else "" for month in months
    ]
    first_january = next((index for index, month in enumerate(months) if month.month == 1), len(months))
    if months and first_january >= max(2, len(months) / (max_labels + 1)):
        labels[0] = f"{months[0]:%b %Y}"
    return labels
