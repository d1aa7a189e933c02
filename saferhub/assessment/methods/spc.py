"""Statistical process control for a monthly series: the XmR chart, the Anhøj run rules, seasonal indices.

Analytics-methods §3.5–3.6. The chart constants and the run-rule conventions are textbook values the
doc could not confirm against its sources, so each is a parameter with the usual value as its default.
"""

import math
import statistics
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
from scipy import stats  # type: ignore[import-untyped]

# 2.66 = 3/d₂ with d₂ = 1.128 for moving ranges of two points; 3.267 = D₄ for the same.
XMR_LIMIT_FACTOR = 2.66
XMR_MOVING_RANGE_FACTOR = 3.267
ANHOJ_CROSSINGS_QUANTILE = 0.05


@dataclass(frozen=True)
class XmRChart:
    """An individuals (XmR) chart of a series and the special-cause signals in it.

    upper and lower are the natural process limits; lower can be negative, which a count cannot be, so
    lower_shown is the limit to draw (clipped at 0). The run counts leave out points on the centre line.
    """

    centre: float
    mean_moving_range: float
    upper: float
    lower: float
    lower_shown: float
    moving_range_upper: float
    outside: tuple[bool, ...]
    longest_run: int
    longest_run_limit: int
    in_long_run: tuple[bool, ...]
    crossings: int
    crossings_minimum: int
    too_few_crossings: bool


def anhoj_longest_run_limit(useful_points: int) -> int:
    """The longest run expected by chance: round(log₂ n + 3) (Anhøj & Olesen 2014); longer is a signal."""
    return round(math.log2(max(useful_points, 1)) + 3)


def anhoj_crossings_minimum(useful_points: int, *, quantile: float = ANHOJ_CROSSINGS_QUANTILE) -> int:
    """The fewest centre-line crossings expected by chance: the lower `quantile` of Binomial(n − 1, 0.5).

    Anhøj & Olesen (2014) use the 5% quantile; "quantile" means the smallest c with P(C ≤ c) ≥ q (scipy's
    binom.ppf, R's qbinom). Fewer crossings than this is a signal. The doc marks the exact convention as
    unconfirmed, so it is a parameter.
    """
    if useful_points < 2:
        return 0
    return int(stats.binom.ppf(quantile, useful_points - 1, 0.5))


def _runs(sides: Sequence[int]) -> list[tuple[int, int]]:
    """(start, length) of each run of equal values, in order."""
    runs: list[tuple[int, int]] = []
    for index, side in enumerate(sides):
        if runs and sides[index - 1] == side:
            start, length = runs[-1]
            runs[-1] = (start, length + 1)
        else:
            runs.append((index, 1))
    return runs


def xmr_chart(
    values: Sequence[float],
    *,
    limit_factor: float = XMR_LIMIT_FACTOR,
    moving_range_factor: float = XMR_MOVING_RANGE_FACTOR,
    crossings_quantile: float = ANHOJ_CROSSINGS_QUANTILE,
) -> XmRChart:
    """The XmR chart of a series: centre x̄, limits x̄ ± 2.66·m̄R, moving-range limit 3.267·m̄R.

    Moving ranges are mR_i = |x_i − x_{i−1}|. The run rules are Anhøj's (see anhoj_longest_run_limit and
    anhoj_crossings_minimum), applied around the chart's centre line. A point exactly on the centre line
    is on neither side: it neither breaks nor extends a run, is not counted as a crossing, and is not one
    of the n "useful" points the limits are computed from.
    """
    series = np.asarray(values, dtype=np.float64)
    if series.ndim != 1 or series.size < 2:
        raise ValueError("An XmR chart needs at least two values.")
    if not np.all(np.isfinite(series)):
        raise ValueError("Every value must be a finite number.")
    centre = float(series.mean())
    mean_moving_range = float(np.abs(np.diff(series)).mean())
    upper = centre + limit_factor * mean_moving_range
    lower = centre - limit_factor * mean_moving_range

    side_of_point = np.sign(series - centre).astype(int)
    useful = [index for index, side in enumerate(side_of_point) if side != 0]
    useful_sides = [int(side_of_point[index]) for index in useful]
    runs = _runs(useful_sides)
    longest_run_limit = anhoj_longest_run_limit(len(useful))
    in_long_run = [False] * series.size
    for start, length in runs:
        if length > longest_run_limit:
            for position in range(start, start + length):
                in_long_run[useful[position]] = True
    crossings = max(len(runs) - 1, 0)
    crossings_minimum = anhoj_crossings_minimum(len(useful), quantile=crossings_quantile)
    return XmRChart(
        centre=centre,
        mean_moving_range=mean_moving_range,
        upper=upper,
        lower=lower,
        lower_shown=max(lower, 0.0),
        moving_range_upper=moving_range_factor * mean_moving_range,
        outside=tuple(bool(x > upper or x < lower) for x in series),
        longest_run=max((length for _, length in runs), default=0),
        longest_run_limit=longest_run_limit,
        in_long_run=tuple(in_long_run),
        crossings=crossings,
        crossings_minimum=crossings_minimum,
        too_few_crossings=crossings < crossings_minimum,
    )


def seasonal_index(values_by_month: Mapping[int, Sequence[float]]) -> dict[int, float]:
    """Each month's mean over the overall mean (analytics-methods §3.6): 1.2 means 20% above a typical month.

    The overall mean is the mean of the monthly means, so that a month with an extra year of data does
    not pull it, and the indices average exactly 1. Months with no values are left out.
    """
    monthly_means: dict[int, float] = {}
    for month, values in values_by_month.items():
        if not 1 <= month <= 12:
            raise ValueError(f"Month {month} is not between 1 and 12.")
        if len(values):
            monthly_means[month] = statistics.fmean(values)
    if not monthly_means:
        return {}
    overall = statistics.fmean(monthly_means.values())
    if overall == 0:
        raise ValueError("The series is all zeros: a seasonal index is undefined.")
    return {month: mean / overall for month, mean in sorted(monthly_means.items())}
