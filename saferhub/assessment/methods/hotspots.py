"""Where crime clusters: spatial weights, Getis–Ord local G and Gi*, hot spot classes, and Clark–Evans.

Analytics-methods §3.9 and §4.1. local_g follows the formulas and self-weight conventions of PySAL's
esda.getisord.G_Local (at commit 01704e94), written independently for sparse matrices so it runs on
every cell of a 10,000-cell grid at once.
"""

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np
import numpy.typing as npt
from scipy import sparse, stats  # type: ignore[import-untyped]
from scipy.spatial import cKDTree  # type: ignore[import-untyped]

from saferhub.assessment.methods.change import benjamini_hochberg

FloatArray = npt.NDArray[np.float64]

# Clark & Evans's (1954) standard error constant; the textbook value, unconfirmed in the doc's sources.
CLARK_EVANS_STANDARD_ERROR = 0.26136


def _symmetric_binary(pairs: npt.NDArray[np.int64], size: int) -> sparse.csr_matrix:
    """A size × size matrix of ones at each (i, j) pair and its mirror (j, i)."""
    rows = np.concatenate((pairs[:, 0], pairs[:, 1]))
    columns = np.concatenate((pairs[:, 1], pairs[:, 0]))
    ones = np.ones(rows.size, dtype=np.float64)
    return sparse.csr_matrix((ones, (rows, columns)), shape=(size, size))


def distance_band_weights(points: FloatArray, threshold: float) -> sparse.csr_matrix:
    """Binary weights: 1 between two different points at most `threshold` apart, else 0 (no self-weight).

    As libpysal's DistanceBand(points, threshold) with binary=True, which the doc's reference values use.
    """
    coordinates = np.asarray(points, dtype=np.float64)
    if coordinates.ndim != 2 or coordinates.shape[1] != 2:
        raise ValueError("Points must be an n × 2 array of x, y.")
    pairs = cKDTree(coordinates).query_pairs(threshold, output_type="ndarray")
    return _symmetric_binary(np.asarray(pairs, dtype=np.int64).reshape(-1, 2), coordinates.shape[0])


def grid_neighbour_weights(mask: npt.NDArray[np.bool_], *, queen: bool = True) -> sparse.csr_matrix:
    """Binary contiguity between the True cells of a grid mask, in row-major order of those cells.

    Queen contiguity (the default) joins cells sharing an edge or a corner; rook, only an edge.
    """
    cells = np.asarray(mask, dtype=bool)
    if cells.ndim != 2:
        raise ValueError("The mask must be a rows × columns array.")
    rows, columns = cells.shape
    index = np.full(cells.shape, -1, dtype=np.int64)
    index[cells] = np.arange(int(cells.sum()))
    # Half of the neighbourhood is enough: each pair is found once and mirrored.
    offsets = [(0, 1), (1, 0)] + ([(1, 1), (1, -1)] if queen else [])
    found: list[npt.NDArray[np.int64]] = []
    for row_step, column_step in offsets:
        here = index[: rows - row_step, max(0, -column_step) : columns - max(0, column_step)]
        there = index[row_step:, max(0, column_step) : columns - max(0, -column_step)]
        both = (here >= 0) & (there >= 0)
        found.append(np.column_stack((here[both], there[both])))
    return _symmetric_binary(np.concatenate(found), int(cells.sum()))


@dataclass(frozen=True)
class LocalG:
    """Local G (or Gi*) per unit: the statistic, its expectation and variance under H0, z and p.

    p_norm is one-sided, for the tail the z points into (1 − Φ(|z|)), as esda reports it: double it for
    a two-sided p. A unit with no neighbours or a constant y has no local statistic: z = 0 and p_norm 0.5.
    """

    gs: FloatArray
    expected: FloatArray
    variance: FloatArray
    z: FloatArray
    p_norm: FloatArray


def _prepared_weights(weights: sparse.csr_matrix, *, star: bool, transform: str) -> sparse.csr_matrix:
    """The weights local G uses, with esda's conventions for the self-weight and the transform.

    'B' makes every non-zero weight 1; Gi* then sets each self-weight to 1. 'R' divides each row by its
    sum; Gi* first sets each self-weight to the row's largest weight (1 for binary weights, so a unit with
    k neighbours gets 1/(k+1) each) or to 1 for a unit with no neighbours. Gi drops any self-weight.
    """
    matrix = sparse.csr_matrix(weights, dtype=np.float64, copy=True)
    matrix.setdiag(0.0)
    matrix.eliminate_zeros()
    if transform == "B":
        matrix.data[:] = 1.0
    size = matrix.shape[0]
    if star:
        row_maximum = matrix.max(axis=1).toarray().ravel()
        self_weight = np.where(row_maximum > 0, row_maximum, 1.0)
        matrix = (matrix + sparse.diags(self_weight, format="csr")).tocsr()
    if transform == "R":
        row_sum = np.asarray(matrix.sum(axis=1)).ravel()
        with np.errstate(divide="ignore"):
            scale = np.where(row_sum > 0, 1.0 / row_sum, 0.0)
        matrix = sparse.csr_matrix(sparse.diags(scale) @ matrix)
    if matrix.shape != (size, size):
        raise ValueError("The weights must be a square matrix.")
    return matrix


def local_g(
    y: Sequence[float] | FloatArray,
    weights: sparse.csr_matrix,
    *,
    star: bool = True,
    transform: Literal["B", "R"] = "B",
) -> LocalG:
    """Getis & Ord's local G_i (star=False) or G*_i (star=True) for every unit, with the analytic z.

    G_i = Σ_j w_ij y_j / Σ_{j≠i} y_j with N = n − 1 and ȳ, s² over the values excluding i; G*_i = Σ_j w_ij
    y_j / Σ_j y_j with N = n. W_i = Σ_j w_ij, E[G_i] = W_i/N, Var[G_i] = W_i(N − W_i)/(N − 1) · s²/(N²ȳ²)
    with s² = mean of squares − ȳ²; z = (G_i − E)/√Var (analytics-methods §3.9(3)). With transform 'B' and
    star=True this is the ArcGIS Hot Spot Analysis Gi*.
    """
    values = np.asarray(y, dtype=np.float64).ravel()
    if transform not in ("B", "R"):
        raise ValueError(f"Unknown transform {transform!r}: use 'B' (binary) or 'R' (row-standardised).")
    if weights.shape != (values.size, values.size):
        raise ValueError(f"The weights are {weights.shape} but there are {values.size} values.")
    if values.size < 3:
        raise ValueError("Local G needs at least three units.")
    matrix = _prepared_weights(weights, star=star, transform=transform)
    leave_out = 0.0 if star else 1.0
    units = values.size - leave_out
    total = values.sum() - leave_out * values
    mean = total / units
    mean_of_squares = ((values**2).sum() - leave_out * values**2) / units
    spread = mean_of_squares - mean**2
    weight_sum = np.asarray(matrix.sum(axis=1)).ravel()
    with np.errstate(divide="ignore", invalid="ignore"):
        statistic = (matrix @ values) / total
        expected = weight_sum / units
        variance = weight_sum * (units - weight_sum) / (units - 1) / units**2 * spread / mean**2
        z = (statistic - expected) / np.sqrt(variance)
    # A unit with no neighbours, or values that do not vary, gives 0/0: no evidence either way.
    z = np.where(np.isfinite(z) & (variance > 0), z, 0.0)
    return LocalG(gs=statistic, expected=expected, variance=variance, z=z, p_norm=stats.norm.sf(np.abs(z)))


HOTSPOT_CLASSES = (
    "Hot spot, 99% confidence",
    "Hot spot, 95% confidence",
    "Hot spot, 90% confidence",
    "Not significant",
    "Cold spot, 90% confidence",
    "Cold spot, 95% confidence",
    "Cold spot, 99% confidence",
)
# (two-sided α, |z| threshold, confidence) from the strictest down, as ArcGIS's Gi_Bin classes.
_LEVELS = ((0.01, 2.576, "99%"), (0.05, 1.96, "95%"), (0.10, 1.645, "90%"))
NOT_SIGNIFICANT = "Not significant"


def _label(z: float, confidence: str) -> str:
    return f"{'Hot' if z > 0 else 'Cold'} spot, {confidence} confidence"


def hotspot_class(z: float) -> str:
    """The hot or cold spot class of a z-score by the two-sided thresholds |z| ≥ 2.576, 1.96 and 1.645."""
    for _, threshold, confidence in _LEVELS:
        if abs(z) >= threshold:
            return _label(z, confidence)
    return NOT_SIGNIFICANT


def hotspot_classes(z: Sequence[float] | FloatArray, *, fdr: bool = True) -> list[str]:
    """The class of every unit; with fdr, a unit keeps a class only if its q-value is below the class's α.

    The q-value is the Benjamini–Hochberg adjustment of the two-sided p = 2·(1 − Φ(|z|)) across all the
    units given, so about α of the units called hot or cold at a level are false discoveries, however
    many cells the map has (analytics-methods §3.9(3): apply FDR control across units).
    """
    scores = np.asarray(z, dtype=np.float64).ravel()
    scores = np.where(np.isfinite(scores), scores, 0.0)
    if not fdr:
        return [hotspot_class(float(score)) for score in scores]
    q_values = benjamini_hochberg(2 * stats.norm.sf(np.abs(scores)))
    classes: list[str] = []
    for score, q_value in zip(scores, q_values, strict=True):
        label = NOT_SIGNIFICANT
        for alpha, _, confidence in _LEVELS:
            if q_value < alpha:
                label = _label(float(score), confidence)
                break
        classes.append(label)
    return classes


def nearest_neighbour_index(
    points: FloatArray, area: float, *, standard_error_constant: float = CLARK_EVANS_STANDARD_ERROR
) -> tuple[float, float]:
    """Clark & Evans's (1954) nearest neighbour index R and its z-score, for n points in a study area A.

    R = d̄_obs / d̄_exp with d̄_exp = 0.5·√(A/n); SE = 0.26136/√(n²/A); Z = (d̄_obs − d̄_exp)/SE. R < 1 is
    clustering, R > 1 dispersion. R depends heavily on A: always say how the area was drawn.
    """
    coordinates = np.asarray(points, dtype=np.float64)
    if coordinates.ndim != 2 or coordinates.shape[1] != 2:
        raise ValueError("Points must be an n × 2 array of x, y.")
    count = coordinates.shape[0]
    if count < 2:
        raise ValueError("The nearest neighbour index needs at least two points.")
    if area <= 0:
        raise ValueError("The study area must be positive.")
    # k=2: the nearest point to each point is itself, at distance 0.
    distances, _ = cKDTree(coordinates).query(coordinates, k=2)
    observed = float(distances[:, 1].mean())
    expected = 0.5 * math.sqrt(area / count)
    standard_error = standard_error_constant / math.sqrt(count**2 / area)
    return observed / expected, (observed - expected) / standard_error
