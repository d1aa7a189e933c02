"""Confidence intervals for a count (and so for a rate), and rates per 1,000 people.

Divide an interval for a count by the population and multiply by 1,000 for the interval of the rate
(analytics-methods §3.2, §3.4).
"""

from scipy import stats  # type: ignore[import-untyped]


def _check(k: int, confidence: float) -> float:
    """The two-sided tail probability α/2 for a valid count and confidence level."""
    if k < 0:
        raise ValueError("A count cannot be negative.")
    if not 0 < confidence < 1:
        raise ValueError("The confidence level must lie between 0 and 1.")
    return (1 - confidence) / 2


def garwood_interval(k: int, confidence: float = 0.95) -> tuple[float, float]:
    """The exact (Garwood 1936) interval for a Poisson count k: [χ²_{α/2}(2k)/2, χ²_{1−α/2}(2k+2)/2].

    The lower limit is 0 for k = 0. Analytics-methods §3.4.
    """
    tail = _check(k, confidence)
    lower = float(stats.chi2.ppf(tail, 2 * k) / 2) if k > 0 else 0.0
    upper = float(stats.chi2.ppf(1 - tail, 2 * k + 2) / 2)
    return lower, upper


def byar_interval(k: int, confidence: float = 0.95) -> tuple[float | None, float]:
    """Byar's approximation to the exact interval, as used in UK public-health practice.

    lower = k·(1 − 1/(9k) − z/(3√k))³, upper = (k+1)·(1 − 1/(9(k+1)) + z/(3√(k+1)))³, with z the standard
    normal quantile for the confidence level. There is no lower limit for k = 0 (None).
    Analytics-methods §3.4 (a configurable default: the exact interval is the reference).
    """
    tail = _check(k, confidence)
    z = float(stats.norm.ppf(1 - tail))
    upper = (k + 1) * (1 - 1 / (9 * (k + 1)) + z / (3 * (k + 1) ** 0.5)) ** 3
    if k == 0:
        return None, upper
    return k * (1 - 1 / (9 * k) - z / (3 * k**0.5)) ** 3, upper


def rate_per_1000(count: int, population: int) -> float | None:
    """count / population × 1,000; None when there is no population to divide by."""
    if not population:
        return None
    return count / population * 1000
