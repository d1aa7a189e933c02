"""Places on a regular grid in British National Grid metres: projecting points, counting them per cell.

A grid of equal squares is the unit for grid thematic maps and grid Gi* (analytics-methods §3.9).
Cells are half-open squares [x, x + size) × [y, y + size); row 0 is the southernmost row and column 0
the westernmost.
"""

import functools
import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt
import shapely
from pyproj import Transformer

Coordinates = Sequence[float] | npt.NDArray[np.float64]


@functools.cache
def _transformer(source: str, target: str) -> Transformer:
    """Building a Transformer is slow and using one is fast; pyproj's are safe to share between threads."""
    return Transformer.from_crs(source, target, always_xy=True)


def to_british_national_grid(
    longitudes: Coordinates, latitudes: Coordinates
) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.float64]]:
    """WGS84 longitudes and latitudes (EPSG:4326, as police.uk publishes) to BNG eastings and northings.

    PROJ picks the best transformation it has for EPSG:4326 → EPSG:27700: the OSTN15 grid if installed,
    otherwise a Helmert transformation good to a few metres, which is finer than police.uk's snap points.
    """
    eastings, northings = _transformer("EPSG:4326", "EPSG:27700").transform(
        np.asarray(longitudes, dtype=np.float64), np.asarray(latitudes, dtype=np.float64)
    )
    return np.asarray(eastings, dtype=np.float64), np.asarray(northings, dtype=np.float64)


@dataclass(frozen=True)
class Grid:
    """A regular grid of square cells in BNG metres, anchored at its south-west corner."""

    cell_size: float
    origin_x: float
    origin_y: float
    columns: int
    rows: int

    @property
    def shape(self) -> tuple[int, int]:
        """(rows, columns), the shape of every per-cell array for this grid."""
        return self.rows, self.columns

    def cell_centres(self) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.float64]]:
        """The x and y of every cell's centre, each an array of shape (rows, columns)."""
        xs = self.origin_x + (np.arange(self.columns) + 0.5) * self.cell_size
        ys = self.origin_y + (np.arange(self.rows) + 0.5) * self.cell_size
        centre_x, centre_y = np.meshgrid(xs, ys)
        return centre_x, centre_y


def grid_for(bounds: tuple[float, float, float, float], cell_size: float = 250.0) -> Grid:
    """The grid covering bounds (min_x, min_y, max_x, max_y) in BNG metres, origin on a multiple of the cell.

    Snapping the origin means the same area always gets the same cells, so maps from different years line
    up. A point exactly on the north or east edge of the bounds is still inside a cell.
    """
    min_x, min_y, max_x, max_y = bounds
    if cell_size <= 0:
        raise ValueError("The cell size must be positive.")
    if not (min_x <= max_x and min_y <= max_y):
        raise ValueError("The bounds must be (min_x, min_y, max_x, max_y).")
    origin_x = math.floor(min_x / cell_size) * cell_size
    origin_y = math.floor(min_y / cell_size) * cell_size
    return Grid(
        cell_size=cell_size,
        origin_x=origin_x,
        origin_y=origin_y,
        columns=math.floor((max_x - origin_x) / cell_size) + 1,
        rows=math.floor((max_y - origin_y) / cell_size) + 1,
    )


def cell_indices(grid: Grid, x: Coordinates, y: Coordinates) -> npt.NDArray[np.int64]:
    """The cell each point falls in, as its flat index row × columns + column; -1 outside the grid."""
    xs, ys = np.asarray(x, dtype=np.float64).ravel(), np.asarray(y, dtype=np.float64).ravel()
    if xs.shape != ys.shape:
        raise ValueError("x and y must have the same length.")
    with np.errstate(invalid="ignore"):
        columns = np.floor((xs - grid.origin_x) / grid.cell_size)
        rows = np.floor((ys - grid.origin_y) / grid.cell_size)
    inside = (columns >= 0) & (columns < grid.columns) & (rows >= 0) & (rows < grid.rows)
    flat = np.full(xs.shape, -1, dtype=np.int64)
    flat[inside] = rows[inside].astype(np.int64) * grid.columns + columns[inside].astype(np.int64)
    return flat


def cell_counts(grid: Grid, x: Coordinates, y: Coordinates) -> npt.NDArray[np.int64]:
    """How many points fall in each cell, shape (rows, columns); points outside the grid are ignored."""
    flat = cell_indices(grid, x, y)
    return np.bincount(flat[flat >= 0], minlength=grid.rows * grid.columns).reshape(grid.shape)


def cell_polygon_lonlat(grid: Grid, row: int, column: int) -> list[tuple[float, float]]:
    """The cell's corners as (longitude, latitude), a closed ring (the first corner repeated at the end).

    Counter-clockwise from the south-west corner, as GeoJSON expects of an outer ring.
    """
    if not (0 <= row < grid.rows and 0 <= column < grid.columns):
        raise IndexError(f"Cell ({row}, {column}) is outside a {grid.rows} × {grid.columns} grid.")
    west = grid.origin_x + column * grid.cell_size
    south = grid.origin_y + row * grid.cell_size
    east, north = west + grid.cell_size, south + grid.cell_size
    xs = np.array([west, east, east, west, west])
    ys = np.array([south, south, north, north, south])
    longitudes, latitudes = _transformer("EPSG:27700", "EPSG:4326").transform(xs, ys)
    return [(float(lon), float(lat)) for lon, lat in zip(longitudes, latitudes, strict=True)]


def cells_inside(grid: Grid, polygon_bng: Any) -> npt.NDArray[np.bool_]:
    """True for each cell whose centre is inside the shapely geometry (in BNG metres); shape (rows, columns).

    A cell counts as in the area by its centre: the caller may choose another rule (any overlap, most of
    the cell) for its own purposes.
    """
    centre_x, centre_y = grid.cell_centres()
    return np.asarray(shapely.contains_xy(polygon_bng, centre_x, centre_y), dtype=np.bool_)


# The Ordnance Survey's 100 km square letters: a 5 × 5 alphabet without I.
_GRID_LETTERS = "ABCDEFGHJKLMNOPQRSTUVWXYZ"


def grid_reference(easting: float, northing: float, *, digits: int = 3) -> str:
    """The Ordnance Survey grid reference of a point in BNG metres, e.g. "SK 587 045" (3 digits: 100 m).

    The first letter names the 500 km square from the false origin (S, T, N, O, H), the second the 100 km
    square inside it, each counted from the north-west on the 5 × 5 alphabet without I.
    """
    if not (0 <= easting < 700_000 and 0 <= northing < 1_300_000):
        raise ValueError(f"({easting:.0f}, {northing:.0f}) is outside the National Grid.")
    east_100k, north_100k = int(easting // 100_000), int(northing // 100_000)
    first = (19 - north_100k) - (19 - north_100k) % 5 + (east_100k + 10) // 5
    second = (19 - north_100k) * 5 % 25 + east_100k % 5
    unit = 10 ** (5 - digits)
    east = int(easting % 100_000) // unit
    north = int(northing % 100_000) // unit
    return f"{_GRID_LETTERS[first]}{_GRID_LETTERS[second]} {east:0{digits}d} {north:0{digits}d}"
