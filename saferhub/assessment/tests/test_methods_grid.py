"""Places on a regular British National Grid: projection, the grid, counts per cell, the area's cells."""

import math

import numpy as np
import pytest
import shapely

from saferhub.assessment.methods.grid import (
    Grid,
    cell_counts,
    cell_indices,
    cell_polygon_lonlat,
    cells_inside,
    grid_for,
    to_british_national_grid,
)


def test_projection_puts_caister_water_tower_where_ordnance_survey_does():
    # The worked example of Ordnance Survey's "Transformations and OSGM15 user guide", annexe A:
    # ETRS89 52.658007833 N, 1.716073973 E is National Grid E 651409.804, N 313177.450 (by OSTN15).
    # Without the OSTN15 grid PROJ uses a Helmert transformation, good to a few metres; swapped axes or
    # the wrong datum would be hundreds of metres or kilometres out.
    eastings, northings = to_british_national_grid([1.716073973], [52.658007833])
    assert math.dist((eastings[0], northings[0]), (651409.804, 313177.450)) < 10


def test_projection_takes_arrays_in_longitude_latitude_order():
    eastings, northings = to_british_national_grid(
        np.array([-1.1398, 1.716073973]), np.array([52.6369, 52.658])
    )
    assert eastings.shape == northings.shape == (2,)
    # Leicester is in the SK 100 km square (E 400–500 km, N 300–400 km).
    assert 400_000 < eastings[0] < 500_000 and 300_000 < northings[0] < 400_000


def test_grid_origin_snaps_to_the_cell_size_and_covers_the_bounds():
    grid = grid_for((458_123.0, 304_321.0, 459_000.0, 305_000.0), cell_size=250)
    assert grid == Grid(cell_size=250, origin_x=458_000, origin_y=304_250, columns=5, rows=4)
    # A point on the north-east corner of the bounds is still counted.
    assert cell_counts(grid, [459_000.0], [305_000.0])[3, 4] == 1


def test_grid_for_refuses_nonsense():
    with pytest.raises(ValueError):
        grid_for((0, 0, 100, 100), cell_size=0)
    with pytest.raises(ValueError):
        grid_for((100, 0, 0, 100))


def test_cell_counts_put_each_point_in_its_cell_and_ignore_the_rest():
    grid = Grid(cell_size=100, origin_x=1_000, origin_y=2_000, columns=3, rows=2)
    x = [1_000, 1_099.9, 1_100, 1_250, 1_299, 999, 1_300, 1_050, float("nan")]
    y = [2_000, 2_050.0, 2_000, 2_150, 2_199, 2_000, 2_000, 1_999, 2_000]
    counts = cell_counts(grid, x, y)
    # The first two are in the south-west cell; the next in the cell east of it; then the north-east cell
    # twice; then one west of the grid, one east of it, one south of it and one with no location.
    assert counts.tolist() == [[2, 1, 0], [0, 0, 2]]
    assert counts.shape == grid.shape
    # Each point's cell, by the flat index row × columns + column the counts' cells have; -1 outside.
    assert cell_indices(grid, x, y).tolist() == [0, 0, 1, 5, 5, -1, -1, -1, -1]


def test_a_cell_drawn_in_longitude_latitude_projects_back_onto_its_corners():
    grid = grid_for((458_000.0, 304_000.0, 459_000.0, 305_000.0))
    ring = cell_polygon_lonlat(grid, 2, 3)
    assert len(ring) == 5 and ring[0] == ring[-1]
    eastings, northings = to_british_national_grid([lon for lon, _ in ring], [lat for _, lat in ring])
    corners = [
        (458_750, 304_500),
        (459_000, 304_500),
        (459_000, 304_750),
        (458_750, 304_750),
        (458_750, 304_500),
    ]
    for easting, northing, corner in zip(eastings, northings, corners, strict=True):
        assert math.dist((easting, northing), corner) < 0.01
    # Counter-clockwise, as GeoJSON wants of an outer ring: a positive shoelace area.
    assert shapely.Polygon(ring).exterior.is_ccw
    with pytest.raises(IndexError):
        cell_polygon_lonlat(grid, 5, 0)


def test_cells_inside_an_area_are_those_with_their_centre_inside():
    grid = Grid(cell_size=100, origin_x=0, origin_y=0, columns=4, rows=3)
    # An L-shaped area: the whole bottom row plus the cell above its west end.
    area = shapely.Polygon([(0, 0), (400, 0), (400, 100), (100, 100), (100, 200), (0, 200)])
    inside = cells_inside(grid, area)
    assert inside.tolist() == [[True, True, True, True], [True, False, False, False], [False] * 4]
    # A sliver that misses every centre catches no cell.
    assert not cells_inside(grid, shapely.box(0, 0, 40, 300)).any()
