"""Where: hotspots named by street, ward and grid reference, and their Gi* classes checked against each
cell's own count and its neighbours', by a computation written apart from methods/hotspots.py."""

import csv
import datetime as dt
import io
import itertools
import math
import re
import zipfile
from collections import Counter

import numpy as np
import pytest
from pyproj import Transformer
from scipy import stats  # type: ignore[import-untyped]

from saferhub.assessment.headline import PeriodSpan
from saferhub.assessment.methods.grid import grid_reference
from saferhub.assessment.places import Places, cell_name, classified_cells, places_for, street_of
from saferhub.assessment.tests.conftest import ARCHIVES
from saferhub.crimedata.models import Indicator

GRID_REFERENCE = re.compile(r"[A-Z]{2} \d{3} \d{3}")
STREET_WARD_REFERENCE = re.compile(r"[^,]+, [^,]+ ward \([A-Z]{2} \d{3} \d{3}\)")


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


def test_a_cell_is_named_by_its_most_frequent_street_before_any_kind_of_place():
    supermarket, granby, belvoir = (
        "On or near Supermarket",
        "On or near Granby Street",
        "On or near Belvoir Street",
    )
    assert street_of([supermarket] * 9 + [granby] * 2 + [belvoir]) == "Granby Street"
    assert street_of([granby, belvoir]) == "Belvoir Street"  # a tie goes to the first alphabetically
    assert street_of(["On or near A6", "On or near Putney Road West", "On or near A6"]) == "A6"
    # No street: the most frequent place that is not one of police.uk's kinds of place, else nothing.
    assert street_of([supermarket] * 5 + ["On or near Parking Area"] * 3 + ["On or near The Rushes"]) == (
        "The Rushes"
    )
    assert street_of(["On or near sports/recreation Area", "On or near Theme/Adventure Park"]) is None
    assert street_of(["No Location", None, "", "On or near Nightclub"]) is None
    assert street_of([]) is None


def test_a_streets_possessive_and_numerals_are_written_as_on_the_street_sign():
    assert street_of(["On or near St Margaret'S Street"]) == "St Margaret's Street"
    assert street_of(["On or near Richard Iii Road"]) == "Richard III Road"
    assert street_of(["On or near Ivy Road"]) == "Ivy Road"  # a word is not a numeral


def test_a_cells_name_keeps_its_grid_reference_whatever_else_is_known():
    assert cell_name(street="Granby Street", ward="Castle", reference="SK 587 045") == (
        "Granby Street, Castle ward (SK 587 045)"
    )
    assert cell_name(street=None, ward="Castle", reference="SK 587 045") == "Castle ward (SK 587 045)"
    assert cell_name(street="A6", ward=None, reference="SK 587 045") == "A6 (SK 587 045)"
    assert cell_name(street=None, ward=None, reference="SK 587 045") == "SK 587 045"


def _leicester_2023() -> Places:
    return places_for(
        indicator=Indicator.objects.get(partnership=None, slug="policeuk-total-crime"),
        area_codes=["E06000016"],
        scope_code="E06000016",
        span=PeriodSpan(label="2023", first=dt.date(2023, 1, 1), last=dt.date(2023, 12, 1)),
    )


@pytest.mark.django_db
def test_leicesters_hotspots_are_named_by_street_ward_and_grid_reference(leicestershire_store):
    """Every hot or cold spot has a place name, not "Cell 26-23", that keeps its grid reference; a hot spot
    with a count of 0 is named by its ward alone and says it is hot through its neighbours."""
    places = _leicester_2023()
    assert places.hotspots
    for spot in places.hotspots:
        assert not spot.name.startswith("Cell"), spot.name
        assert GRID_REFERENCE.search(spot.name), spot.name
        assert spot.through_neighbours == (spot.label.startswith("Hot") and spot.count == 0)
        if spot.through_neighbours:
            assert re.fullmatch(
                r"[^,]+ ward \([A-Z]{2} \d{3} \d{3}\), none of its own: "
                r"hot through the [\d,]+ crimes in the cells around it",
                spot.name,
            )
            assert spot.neighbours > 0
    named = [spot for spot in places.hotspots if " ward (" in spot.name]
    assert len(named) >= len(places.hotspots) * 0.9  # all but cells on the edge lie in a ward drawn
    on_streets = [spot for spot in places.hotspots if STREET_WARD_REFERENCE.fullmatch(spot.name)]
    assert len(on_streets) >= len(places.hotspots) * 0.8  # a few cells' crimes are all at kinds of place
    assert "Fox Lane, Castle ward (SK 588 046)" in [spot.name for spot in places.hotspots]


# Where police.uk gives a kind of place instead of a street; and the words street names end in, for the
# cells of central Leicester this test reads.
KINDS_OF_PLACE = {"Supermarket", "Parking Area", "Shopping Area", "Petrol Station", "Nightclub", "Hospital"}
STREET_ENDINGS = (
    "Street",
    "Lane",
    "Road",
    "Place",
    "Gate",
    "Gates",
    "Walk",
    "Square",
    "Way",
    "Close",
    "Causeway",
)


def _locations_in_leicesters_cells() -> dict[tuple[int, int], list[str]]:
    """The raw police.uk rows of 2023 counted as total crime in Leicester, their locations grouped by the
    250 m cell of the National Grid their point is in (its south-west corner, in metres)."""
    to_grid = Transformer.from_crs("EPSG:4326", "EPSG:27700", always_xy=True)
    cells: dict[tuple[int, int], list[str]] = {}
    with zipfile.ZipFile(ARCHIVES[1]) as archive:
        for member in archive.namelist():
            if not member.endswith("-street.csv"):
                continue
            for row in csv.DictReader(io.TextIOWrapper(archive.open(member), encoding="utf-8")):
                if (
                    row["Crime type"] == "Anti-social behaviour"
                    or not row["LSOA name"].startswith("Leicester ")
                    or not row["Longitude"]
                ):
                    continue
                easting, northing = to_grid.transform(float(row["Longitude"]), float(row["Latitude"]))
                corner = (math.floor(easting / 250) * 250, math.floor(northing / 250) * 250)
                cells.setdefault(corner, []).append(row["Location"].removeprefix("On or near "))
    return cells


def _cell_of(name: str) -> tuple[int, int]:
    """The 250 m cell whose centre a name's grid reference (100 m, in Leicester's square SK) gives."""
    found = GRID_REFERENCE.search(name)
    assert found, name
    letters, east, north = found.group().split()
    assert letters == "SK"  # 400 km east, 300 km north of the National Grid's origin
    easting, northing = 400_000 + int(east) * 100 + 50, 300_000 + int(north) * 100 + 50
    return math.floor(easting / 250) * 250, math.floor(northing / 250) * 250


@pytest.mark.django_db
def test_leicesters_hotspots_are_named_by_the_street_most_of_their_own_crimes_are_on(leicestershire_store):
    """Read from the raw rows: each busiest hot spot's name starts with the most frequent street among the
    crimes in its own cell, and a cell whose crimes are most often at a kind of place ("Shopping Area") is
    still named by its street."""
    hot = [spot for spot in _leicester_2023().hotspots if spot.label.startswith("Hot") and spot.count]
    by_cell = _locations_in_leicesters_cells()
    generic_first = []
    for spot in hot[:20]:
        locations = Counter(by_cell[_cell_of(spot.name)])
        assert locations.total() == spot.count, spot.name
        streets = Counter({place: n for place, n in locations.items() if place.endswith(STREET_ENDINGS)})
        most = max(streets.values())
        street = spot.name.split(", ")[0]
        assert streets[street] == most, (spot.name, streets.most_common(3))
        if locations.most_common(1)[0][0] in KINDS_OF_PLACE:
            generic_first.append(spot.name)
    assert generic_first  # the test's data does have such a cell
