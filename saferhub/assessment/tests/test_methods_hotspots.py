"""Getis–Ord local G and Gi*, weights, hot spot classes and Clark–Evans (analytics-methods §3.9, §4.1)."""

import numpy as np
import pytest
import shapely
from hypothesis import given
from hypothesis import strategies as st
from scipy import sparse, stats  # type: ignore[import-untyped]

from saferhub.assessment.methods.grid import cell_counts, cells_inside, grid_for
from saferhub.assessment.methods.hotspots import (
    HOTSPOT_CLASSES,
    distance_band_weights,
    grid_neighbour_weights,
    hotspot_class,
    hotspot_classes,
    local_g,
    nearest_neighbour_index,
)

POINTS = np.array([(10, 10), (20, 10), (40, 10), (15, 20), (30, 20), (30, 30)], dtype=float)
Y = [2, 3, 3.2, 5, 8, 7]
# esda's doctest, reproduced by the doc's independent implementation (§4.1).
REFERENCE_Z = {
    ("B", False): [-1.0136729, -0.04361589, 1.31558703, -0.31412676, 1.15373986, 1.77833941],
    ("B", True): [-1.39727626, -0.28917762, 0.65064964, -0.28917762, 1.23452088, 2.02424331],
    ("R", False): [-0.62074534, -0.01780611, 1.31558703, -0.12824171, 0.28843496, 1.77833941],
    ("R", True): [-0.62488094, -0.09144599, 0.41150696, -0.09144599, 0.24690418, 1.28024388],
}


@pytest.mark.parametrize(("transform", "star"), list(REFERENCE_Z))
def test_local_g_reproduces_esda(transform, star):
    result = local_g(Y, distance_band_weights(POINTS, 15), star=star, transform=transform)
    np.testing.assert_allclose(result.z, REFERENCE_Z[transform, star], rtol=0, atol=1e-8)
    np.testing.assert_allclose(result.p_norm, 1 - stats.norm.cdf(np.abs(result.z)), rtol=0, atol=1e-15)


def test_gi_star_statistic_by_hand():
    result = local_g(Y, distance_band_weights(POINTS, 15), star=True, transform="B")
    # Unit 0's band holds itself and units 1 and 3: (2 + 3 + 5) of a total 28.2; three of six units.
    assert result.gs[0] == pytest.approx(10 / 28.2)
    assert result.expected[0] == pytest.approx(3 / 6)


def test_gi_star_equals_the_arcgis_closed_form_on_a_large_grid():
    # Analytics-methods §3.9(3): Z*_i = (Σ_j w_ij y_j − ȳ W_i) / (S √((n W_i − W_i²)/(n − 1))).
    rows, columns = 100, 100
    y = np.random.default_rng(7).poisson(3, rows * columns).astype(float)
    weights = grid_neighbour_weights(np.ones((rows, columns), dtype=bool))
    result = local_g(y, weights)
    with_self = weights + sparse.identity(y.size, format="csr")
    n, cardinality = y.size, np.asarray(with_self.sum(axis=1)).ravel()
    s = np.sqrt((y**2).mean() - y.mean() ** 2)
    closed_form = (with_self @ y - y.mean() * cardinality) / (
        s * np.sqrt((n * cardinality - cardinality**2) / (n - 1))
    )
    np.testing.assert_allclose(result.z, closed_form, rtol=1e-9, atol=1e-9)


def test_a_unit_with_no_neighbours_has_no_evidence_either_way():
    weights = distance_band_weights(np.array([(0, 0), (1, 0), (2, 0), (50, 50)], dtype=float), 1.5)
    result = local_g([1, 2, 3, 40], weights, star=False)
    assert result.z[3] == 0.0 and result.p_norm[3] == 0.5


def test_local_g_refuses_mismatched_inputs():
    with pytest.raises(ValueError):
        local_g([1, 2, 3], distance_band_weights(POINTS, 15))
    with pytest.raises(ValueError):
        local_g(Y, distance_band_weights(POINTS, 15), transform="V")


def test_distance_band_includes_the_threshold_and_excludes_self():
    weights = distance_band_weights(POINTS, 15).toarray()
    assert (weights == weights.T).all() and (np.diag(weights) == 0).all()
    # (15, 20) and (30, 20) are exactly 15 apart.
    assert weights[3, 4] == 1
    assert distance_band_weights(POINTS, 14.99).toarray()[3, 4] == 0
    assert set(np.unique(weights)) == {0.0, 1.0}


def test_grid_neighbours_queen_and_rook():
    full = np.ones((3, 3), dtype=bool)
    queen = np.asarray(grid_neighbour_weights(full).sum(axis=1)).ravel()
    rook = np.asarray(grid_neighbour_weights(full, queen=False).sum(axis=1)).ravel()
    assert queen.tolist() == [3, 5, 3, 5, 8, 5, 3, 5, 3]
    assert rook.tolist() == [2, 3, 2, 3, 4, 3, 2, 3, 2]


def test_grid_neighbours_number_the_cells_in_the_area_row_by_row():
    mask = np.array([[True, True, False], [True, False, True]])
    # Cells: 0 = (0, 0), 1 = (0, 1), 2 = (1, 0), 3 = (1, 2). (0, 1) touches (1, 2) at a corner only.
    queen = grid_neighbour_weights(mask).toarray()
    assert queen.tolist() == [[0, 1, 1, 0], [1, 0, 1, 1], [1, 1, 0, 0], [0, 1, 0, 0]]
    rook = grid_neighbour_weights(mask, queen=False).toarray()
    assert rook.tolist() == [[0, 1, 1, 0], [1, 0, 0, 0], [1, 0, 0, 0], [0, 0, 0, 0]]


def test_a_dense_cluster_is_a_hot_spot_and_far_away_is_not():
    # Leicester-sized: 2,000 crimes spread over 5 km × 5 km, and 300 more within about 100 m of one spot.
    rng = np.random.default_rng(2026)
    spread_x, spread_y = rng.uniform(458_000, 463_000, 2_000), rng.uniform(302_000, 307_000, 2_000)
    cluster_x, cluster_y = rng.normal(460_125, 40, 300), rng.normal(304_625, 40, 300)
    x, y = np.concatenate((spread_x, cluster_x)), np.concatenate((spread_y, cluster_y))
    grid = grid_for((458_000, 302_000, 462_999, 306_999))
    in_area = cells_inside(grid, shapely.Point(460_500, 304_500).buffer(2_400))
    counts = cell_counts(grid, x, y)[in_area]
    classes = np.array(hotspot_classes(local_g(counts, grid_neighbour_weights(in_area)).z))

    centre_x, centre_y = grid.cell_centres()
    distance = np.hypot(centre_x[in_area] - 460_125, centre_y[in_area] - 304_625)
    assert classes[distance == 0].tolist() == ["Hot spot, 99% confidence"]
    assert set(classes[distance > 1_000]) == {"Not significant"}


@pytest.mark.parametrize(
    ("z", "label"),
    [
        (2.576, "Hot spot, 99% confidence"),
        (2.575, "Hot spot, 95% confidence"),
        (1.96, "Hot spot, 95% confidence"),
        (1.7, "Hot spot, 90% confidence"),
        (1.64, "Not significant"),
        (0.0, "Not significant"),
        (-1.7, "Cold spot, 90% confidence"),
        (-2.0, "Cold spot, 95% confidence"),
        (-3.0, "Cold spot, 99% confidence"),
    ],
)
def test_hotspot_class_thresholds(z, label):
    assert hotspot_class(z) == label
    assert hotspot_classes([z], fdr=False) == [label]


def test_hotspot_classes_are_listed_from_hottest_to_coldest():
    assert tuple(hotspot_class(z) for z in (3, 2, 1.7, 0, -1.7, -2, -3)) == HOTSPOT_CLASSES


def test_fdr_stops_noise_from_lighting_up_a_big_map_but_keeps_a_real_cluster():
    z = np.random.default_rng(11).standard_normal(1_000)
    assert sum(label != "Not significant" for label in hotspot_classes(z, fdr=False)) > 50
    assert set(hotspot_classes(z)) == {"Not significant"}
    z[:10] = 6.0
    assert hotspot_classes(z)[:10] == ["Hot spot, 99% confidence"] * 10


_STRENGTH = {label: 3 - min(index, 6 - index) for index, label in enumerate(HOTSPOT_CLASSES)}


@given(st.lists(st.floats(-6, 6), min_size=1, max_size=50))
def test_fdr_never_makes_a_class_stronger(z):
    for plain, controlled in zip(hotspot_classes(z, fdr=False), hotspot_classes(z), strict=True):
        assert _STRENGTH[controlled] <= _STRENGTH[plain]
        if controlled != "Not significant":
            assert controlled.split()[0] == plain.split()[0]


def test_nearest_neighbour_index_reference_value():
    r, z = nearest_neighbour_index(np.array([(0, 0), (1, 0), (0, 1), (1, 1)], dtype=float), 4)
    assert r == pytest.approx(2.0)
    assert z == pytest.approx(3.826, abs=5e-4)


def test_nearest_neighbour_index_sees_clustering():
    points = np.random.default_rng(3).normal(500, 5, size=(100, 2))
    r, z = nearest_neighbour_index(points, 1_000_000)
    assert r < 1 and z < -1.96
    assert nearest_neighbour_index(points, 1_000_000, standard_error_constant=0.5)[1] > z


def test_nearest_neighbour_index_refuses_nonsense():
    with pytest.raises(ValueError):
        nearest_neighbour_index(np.array([(0.0, 0.0)]), 1)
    with pytest.raises(ValueError):
        nearest_neighbour_index(POINTS, 0)
