"""How concentrated crime is across places: Gini, generalised Gini, top shares and the Lorenz curve.

Analytics-methods §3.10. Places are whatever the caller counted in: LSOAs, wards or grid cells.
"""

import math
from collections.abc import Sequence

import numpy as np
import numpy.typing as npt


def _sorted_counts(counts: Sequence[float] | npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
    """The counts in ascending order, after checking they are finite and not negative."""
    values = np.asarray(counts, dtype=np.float64).ravel()
    if values.size == 0:
        raise ValueError("There are no places to measure concentration across.")
    if np.any(~np.isfinite(values)) or np.any(values < 0):
        raise ValueError("Counts must be finite and not negative.")
    return np.sort(values)


def gini(counts: Sequence[float] | npt.NDArray[np.float64]) -> float:
    """G = 2·Σ i·x_(i) / (N·Σx) − (N+1)/N over the N places' counts in ascending order x_(1) ≤ … ≤ x_(N).

    0 when every place has the same count (or there is no crime); at most (N−1)/N, when one place has all
    of it.
    """
    ordered = _sorted_counts(counts)
    places, total = ordered.size, float(ordered.sum())
    if total == 0:
        return 0.0
    ranks = np.arange(1, places + 1)
    return float(2 * (ranks @ ordered) / (places * total) - (places + 1) / places)


def generalised_gini(counts: Sequence[float] | npt.NDArray[np.float64]) -> float:
    """Gini measured against the most equal spread the data allow (Bernasco & Steenbeek 2017).

    With fewer crimes n than places N, the most equal outcome (n places with one crime each) already has
    G = 1 − n/N, so G′ = (G − (1 − n/N)) / (n/N) = (N/n)·G − (N−n)/n; with n ≥ N, G′ = G. The algebra is
    the doc's derivation (analytics-methods §3.10), not the paper's printed formula, which it flags to
    check before shipping. n is the sum of the counts, so pass whole crime counts.
    """
    ordered = _sorted_counts(counts)
    places, crimes = ordered.size, float(ordered.sum())
    coefficient = gini(ordered)
    if crimes == 0 or crimes >= places:
        return coefficient
    return places / crimes * coefficient - (places - crimes) / crimes


def top_share(counts: Sequence[float] | npt.NDArray[np.float64], fraction: float) -> float:
    """The share of all crime (0 to 1) in the top `fraction` of places: the ⌈fraction·N⌉ highest counts.

    Which of several tied places falls inside the cut does not change the share.
    """
    if not 0 < fraction <= 1:
        raise ValueError("The fraction of places must be above 0 and at most 1.")
    ordered = _sorted_counts(counts)
    total = float(ordered.sum())
    if total == 0:
        return 0.0
    # Rounding first stops float noise turning 10% of 30 places (3.0000000000000004) into 4.
    places_in_top = math.ceil(round(fraction * ordered.size, 9))
    return float(ordered[ordered.size - places_in_top :].sum() / total)


def lorenz_curve(counts: Sequence[float] | npt.NDArray[np.float64]) -> list[tuple[float, float]]:
    """Points (share of places, share of crime) from (0, 0) to (1, 1), places in ascending order of count.

    The area between this curve and the diagonal is half the Gini coefficient. With no crime at all the
    curve is the diagonal.
    """
    ordered = _sorted_counts(counts)
    total = float(ordered.sum())
    place_share = np.arange(ordered.size + 1) / ordered.size
    if total == 0:
        crime_share = place_share
    else:
        crime_share = np.concatenate(([0.0], np.cumsum(ordered) / total))
        crime_share[-1] = 1.0
    return [(float(x), float(y)) for x, y in zip(place_share, crime_share, strict=True)]
