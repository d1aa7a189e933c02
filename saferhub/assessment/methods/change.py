"""Is a change between two counts meaningful? Poisson tests, false discovery control, and plain words.

Crime counts are often over-dispersed, so these p-values are screening flags, not proof
(analytics-methods §3.3).
"""

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np
import numpy.typing as npt
from scipy import stats  # type: ignore[import-untyped]

Alternative = Literal["two-sided", "greater", "less"]
Direction = Literal["rise", "fall", "none"]

# The E-test sums Poisson probabilities over a grid of outcomes; outside these quantiles the mass left
# out (at most 2e-12 per margin) cannot move a p-value anyone reads.
_NEGLIGIBLE_TAIL = 1e-12
# Two outcomes whose statistics are equal in exact arithmetic can differ in the last bits of a float;
# they count as equally extreme, which keeps the test conservative.
_TIE_TOLERANCE = 1e-9
_CELLS_PER_BAND = 1_000_000


def _support(mean: float) -> npt.NDArray[np.float64]:
    """The counts that carry all but a negligible part of a Poisson(mean) distribution's mass."""
    lowest, highest = stats.poisson.ppf([_NEGLIGIBLE_TAIL, 1 - _NEGLIGIBLE_TAIL], mean)
    return np.arange(lowest, highest + 1, dtype=np.float64)


def _e_statistic(
    x1: npt.NDArray[np.float64], n1: float, x2: npt.NDArray[np.float64], n2: float, diff: float
) -> npt.NDArray[np.float64]:
    """T(x1, x2) of Krishnamoorthy & Thomson (2004).

    The variance is 0 only at (0, 0): there T is −∞ against a null difference diff > 0, as in scipy, and
    0 against diff = 0, where scipy has NaN, because no crimes in either period shows no difference.
    """
    rate1, rate2 = x1 / n1, x2 / n2
    with np.errstate(divide="ignore", invalid="ignore"):
        statistic = (rate1 - rate2 - diff) / np.sqrt(rate1 / n1 + rate2 / n2)
    return np.where(np.isnan(statistic), 0.0, statistic)


def poisson_e_test(
    k1: int,
    n1: float,
    k2: int,
    n2: float,
    *,
    diff: float = 0.0,
    alternative: Alternative = "two-sided",
) -> tuple[float, float]:
    """The Poisson E-test of Krishnamoorthy & Thomson (2004): is rate k1/n1 different from rate k2/n2?

    H0: λ1 − λ2 = diff. T = (k1/n1 − k2/n2 − diff) / √(k1/n1² + k2/n2²); the p-value is the probability,
    under the fitted null λ̂2 = (k1+k2)/(n1+n2) − diff·n1/(n1+n2) and λ̂1 = λ̂2 + diff, of an outcome whose T
    is at least as extreme as the observed one ('greater': larger; 'less': smaller; 'two-sided': larger
    in absolute value). The same test as scipy.stats.poisson_means_test (analytics-methods §3.3.2), with
    two differences that only ever make p larger: with diff = 0 the outcome (0, 0) has T = 0 where scipy
    leaves it out (so equal counts give p = 1, not 1 − P(0, 0)), and an outcome whose T equals the
    observed T but for float rounding counts as at least as extreme.

    Returns (T, p-value).
    """
    if k1 < 0 or k2 < 0:
        raise ValueError("Counts cannot be negative.")
    if n1 <= 0 or n2 <= 0:
        raise ValueError("Exposures must be positive.")
    if diff < 0:
        # As scipy: a null of λ1 − λ2 = −d is the null λ2 − λ1 = d, with the arguments swapped.
        raise ValueError("diff cannot be negative: swap the two counts instead.")
    if alternative not in ("two-sided", "greater", "less"):
        raise ValueError(f"Unknown alternative {alternative!r}.")
    observed = float(_e_statistic(np.array(float(k1)), n1, np.array(float(k2)), n2, diff))
    null_rate2 = (k1 + k2) / (n1 + n2) - diff * n1 / (n1 + n2)
    if null_rate2 <= 0:
        # No events to estimate the rates from: the data cannot speak against the null.
        return observed, 1.0
    mean1, mean2 = n1 * (null_rate2 + diff), n2 * null_rate2
    x1, x2 = _support(mean1), _support(mean2)
    probability1 = stats.poisson.pmf(x1, mean1)
    probability2 = stats.poisson.pmf(x2, mean2)
    slack = _TIE_TOLERANCE * max(1.0, abs(observed))
    p_value = 0.0
    # A force-wide count of 100,000 spans about 4,500 × 4,500 outcomes: taking the grid a band of rows at
    # a time keeps the memory small whatever the counts.
    rows_per_band = max(1, _CELLS_PER_BAND // x1.size)
    for start in range(0, x2.size, rows_per_band):
        band = slice(start, start + rows_per_band)
        statistic = _e_statistic(x1[np.newaxis, :], n1, x2[band, np.newaxis], n2, diff)
        if alternative == "two-sided":
            as_extreme = np.abs(statistic) >= abs(observed) - slack
        elif alternative == "greater":
            as_extreme = statistic >= observed - slack
        else:
            as_extreme = statistic <= observed + slack
        p_value += float(probability2[band] @ (as_extreme @ probability1))
    return observed, min(max(p_value, 0.0), 1.0)


def sqrt_poisson_z(current: int, previous: int) -> float:
    """Z = √2·(√current − √previous): two single periods, both noisy, each 2√X with variance about 1.

    Derived from Wheeler's Poisson Z, 2·(√current − √historical mean) (analytics-methods §3.3.1).
    """
    if current < 0 or previous < 0:
        raise ValueError("Counts cannot be negative.")
    return math.sqrt(2) * (math.sqrt(current) - math.sqrt(previous))


def exact_conditional_p(current: int, previous: int, *, exposure_ratio: float = 1.0) -> float:
    """Two-sided exact conditional test: current ~ Binomial(current + previous, r/(1 + r)) under H0.

    exposure_ratio r is the current period's exposure over the previous one's (1.0 for equal periods and
    populations). Analytics-methods §3.3.3.
    """
    if current < 0 or previous < 0:
        raise ValueError("Counts cannot be negative.")
    if exposure_ratio <= 0:
        raise ValueError("The exposure ratio must be positive.")
    if current + previous == 0:
        return 1.0
    share = exposure_ratio / (1 + exposure_ratio)
    return float(stats.binomtest(current, current + previous, share).pvalue)


def benjamini_hochberg(p_values: Sequence[float]) -> list[float]:
    """Benjamini–Hochberg (1995) adjusted p-values (q-values), in the order given.

    q_(i) = min over j ≥ i of p_(j)·m/j, capped at 1: a result is a discovery at false discovery rate α
    when its q-value is at most α. Analytics-methods §3.3.5.
    """
    p = np.asarray(p_values, dtype=np.float64)
    if p.ndim != 1:
        raise ValueError("Expected a flat sequence of p-values.")
    if np.any(~np.isfinite(p)) or np.any((p < 0) | (p > 1)):
        raise ValueError("p-values must lie between 0 and 1.")
    count = p.size
    if count == 0:
        return []
    order = np.argsort(p, kind="stable")
    scaled = p[order] * count / np.arange(1, count + 1)
    # The running minimum from the largest p down keeps the q-values in the same order as the p-values.
    adjusted_sorted = np.minimum(np.minimum.accumulate(scaled[::-1])[::-1], 1.0)
    adjusted = np.empty(count)
    adjusted[order] = adjusted_sorted
    return [float(q) for q in adjusted]


@dataclass(frozen=True)
class Change:
    """A change between two periods' counts, with a judgement a reader can act on.

    direction is the direction of a *significant* change: a rise or fall within normal variation is
    "none" (the counts and the absolute change still say which way it went).
    """

    previous: int
    current: int
    absolute: int
    percent: float | None
    p_value: float
    significant: bool
    direction: Direction
    words: str


_WORDS: dict[Direction, str] = {
    "rise": "a real rise",
    "fall": "a real fall",
    "none": "within normal variation",
}


def change_between(previous: int, current: int, *, alpha: float = 0.05) -> Change:
    """Compare two equal-length periods with the two-sided Poisson E-test; percent is None from zero."""
    if not 0 < alpha < 1:
        raise ValueError("alpha must lie between 0 and 1.")
    _, p_value = poisson_e_test(current, 1.0, previous, 1.0)
    significant = p_value < alpha
    direction: Direction = "none"
    if significant and current > previous:
        direction = "rise"
    elif significant and current < previous:
        direction = "fall"
    return Change(
        previous=previous,
        current=current,
        absolute=current - previous,
        percent=(current - previous) / previous * 100 if previous else None,
        p_value=p_value,
        significant=significant,
        direction=direction,
        words=_WORDS[direction],
    )
