"""Where: hotspots named by place, and their Gi* classes checked against each cell's own count and its
neighbours', by a computation written apart from methods/hotspots.py."""

import datetime as dt
import itertools
import re

import numpy as np
import pytest
from scipy import stats  # type: ignore[import-untyped]

from saferhub.assessment.headline import PeriodSpan
from saferhub.assessment.methods.grid import grid_reference
from saferhub.assessment.places import classified_cells, places_for
from saferhub.crimedata.models import Indicator

GRID_REFERENCE = re.compile(r"[A-Z]{2} \d{3} \d{3}")


def _independent_gi_star(counts: np.ndarray) -> tuple[list[float], list[int]]:
    """Gi* z of every cell of a full grid as ArcGIS documents it, with loops: binary queen weights with the
    cell itself, z = (Σ_j w_ij x_j − x̄ W_i) / (S √((n W_i − W_i²) / (n − 1))); and each cell's neighbours'
    count, itself left out."""
    rows, columns = counts.shape
    values = [float(v) for v in counts.ravel()]
    n = len(values)
    mean = sum(values) / n
    spread = (sum(v * v for v in values) / n - mean * mean) ** 0.5
    z_scores, around = [], []
    for row, column in itertools.product(range(rows), range(columns)):
        near = [
            (r, c)
            for r in range(row - 1, row + 2)
            for c in range(column - 1, column + 2)
            if 0 <= r < rows and 0 <= c < columns
        ]
        weight = len(near)
        local = sum(counts[r, c] for r, c in near)
        z_scores.append((local - mean * weight) / (spread * ((n * weight - weight**2) / (n - 1)) ** 0.5))
        around.append(int(local - counts[row, column]))
    return z_scores, around


def test_gi_star_agrees_with_an_independent_computation_and_a_cell_with_none_is_hot_through_neighbours():
    counts = np.zeros((7, 7), dtype=np.int64)
    counts[2:5, 2:5] = 12  # a busy block...
    counts[3, 3] = 0  # ...around a cell with no crime of its own
    counts[0, 6] = 1
    cells = classified_cells(counts.ravel().astype(np.float64), np.ones(counts.shape, dtype=bool))

    z_scores, around = _independent_gi_star(counts)
    np.testing.assert_allclose([cell.z for cell in cells], z_scores, rtol=0, atol=1e-9)
    assert [cell.neighbours for cell in cells] == around
    q_values = stats.false_discovery_control(2 * stats.norm.sf(np.abs(z_scores)))
    for cell, q_value in zip(cells, q_values, strict=True):
        assert cell.label.startswith("Hot") == (q_value < 0.10 and cell.z > 0)

    middle = cells[3 * 7 + 3]
    assert middle.count == 0 and middle.neighbours == 8 * 12
    assert middle.label == "Hot spot, 99% confidence"
    assert middle.through_neighbours
    assert not any(cell.through_neighbours for cell in cells if cell.count)


def test_a_grid_reference_is_the_ordnance_surveys():
    assert grid_reference(458_700, 304_500) == "SK 587 045"  # Leicester's clock tower
    assert grid_reference(651_409, 313_177, digits=5) == "TG 51409 13177"  # the OS's own example
    assert grid_reference(216_600, 771_200) == "NN 166 712"  # Ben Nevis
    with pytest.raises(ValueError, match="outside the National Grid"):
        grid_reference(-5, 10)


@pytest.mark.django_db
def test_leicesters_hotspots_are_named_by_ward_and_grid_reference(leicestershire_store):
    """Every hot or cold spot has a place name, not "Cell 26-23"; a hot spot with a count of 0 says it is hot
    through its neighbours."""
    places = places_for(
        indicator=Indicator.objects.get(partnership=None, slug="policeuk-total-crime"),
        area_codes=["E06000016"],
        scope_code="E06000016",
        span=PeriodSpan(label="2023", first=dt.date(2023, 1, 1), last=dt.date(2023, 12, 1)),
    )
    assert places.hotspots
    for spot in places.hotspots:
        assert not spot.name.startswith("Cell"), spot.name
        assert GRID_REFERENCE.search(spot.name), spot.name
        assert spot.through_neighbours == (spot.label.startswith("Hot") and spot.count == 0)
        if spot.through_neighbours:
            assert "none of its own: hot through the" in spot.name and spot.neighbours > 0
    named = [spot for spot in places.hotspots if ", " in spot.name]
    assert len(named) >= len(places.hotspots) * 0.9  # all but cells on the edge lie in a ward drawn
