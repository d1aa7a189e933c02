"""Control charts drawn on the server as SVG: a monthly series as a line, its centre line and limits, and
the points that signal; the markup is in design_system/control_chart.html.

Signalling points are drawn as larger, differently shaped marks (not by colour alone), and the page gives
the same figures in a table.
"""

from collections.abc import Sequence
from dataclasses import dataclass

from saferhub.design_system.charts import (
    MARGIN_BOTTOM,
    MARGIN_LEFT,
    MARGIN_RIGHT,
    MARGIN_TOP,
    AxisLabel,
    Tick,
    nice_ticks,
    number_text,
)


@dataclass(frozen=True)
class Point:
    x: float
    y: float
    label: str
    value_text: str
    signal: str  # "" or why the point signals: "above the upper limit", "in a long run"


@dataclass(frozen=True)
class Level:
    """A horizontal line across the plot: the centre line or a limit."""

    y: float
    label: str
    dashed: bool


@dataclass(frozen=True)
class ControlChart:
    id: str
    title: str
    description: str
    width: int
    height: int
    plot_left: float
    plot_right: float
    plot_top: float
    plot_bottom: float
    path: str  # the series as SVG path data; a month with no value breaks the line
    points: tuple[Point, ...]
    levels: tuple[Level, ...]
    ticks: tuple[Tick, ...]
    axis_labels: tuple[AxisLabel, ...]

    @property
    def text_alternative(self) -> str:
        return f"{self.title}. {self.description}" if self.description else self.title


def control_chart(
    *,
    chart_id: str,
    title: str,
    labels: Sequence[str],
    values: Sequence[float | None],
    centre: float,
    upper: float,
    lower: float,
    signals: Sequence[str],
    axis_labels: Sequence[str],
    description: str = "",
    width: int = 900,
    height: int = 320,
) -> ControlChart:
    """The series with its centre line and natural process limits. `signals` gives, for each point, why it
    signals ("" when it does not). `lower` below 0 is drawn at 0 (a count cannot be negative)."""
    if not len(labels) == len(values) == len(signals) == len(axis_labels):
        raise ValueError("give a label, an axis label and a signal for each value")
    known = [value for value in values if value is not None]
    ticks = nice_ticks(max([*known, upper, centre, 0.0]), integers=all(float(v).is_integer() for v in known))
    top = ticks[-1]
    left, right = float(MARGIN_LEFT), float(width - MARGIN_RIGHT)
    plot_top, bottom = float(MARGIN_TOP), float(height - MARGIN_BOTTOM)

    def y_of(value: float) -> float:
        return round(bottom - (bottom - plot_top) * max(value, 0.0) / top, 2)

    step = (right - left) / max(len(values), 1)
    xs = [round(left + step * index + step / 2, 2) for index in range(len(values))]
    points = tuple(
        Point(x=x, y=y_of(value), label=label, value_text=number_text(value), signal=signal)
        for x, value, label, signal in zip(xs, values, labels, signals, strict=True)
        if value is not None
    )
    path, pen_down = [], False
    for x, value in zip(xs, values, strict=True):
        if value is None:
            pen_down = False
            continue
        path.append(f"{'L' if pen_down else 'M'}{x} {y_of(value)}")
        pen_down = True
    levels = (
        Level(y=y_of(upper), label=f"Upper limit {number_text(round(upper, 1))}", dashed=True),
        Level(y=y_of(centre), label=f"Average {number_text(round(centre, 1))}", dashed=False),
        Level(
            y=y_of(max(lower, 0.0)),
            label=f"Lower limit {number_text(round(max(lower, 0.0), 1))}",
            dashed=True,
        ),
    )
    return ControlChart(
        id=chart_id,
        title=title,
        description=description,
        width=width,
        height=height,
        plot_left=left,
        plot_right=right,
        plot_top=plot_top,
        plot_bottom=bottom,
        path=" ".join(path),
        points=points,
        levels=levels,
        ticks=tuple(Tick(y=y_of(tick), label=number_text(tick)) for tick in ticks),
        axis_labels=tuple(
            AxisLabel(x=x, label=text) for x, text in zip(xs, axis_labels, strict=True) if text
        ),
    )
