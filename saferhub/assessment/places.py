"""Where: an indicator's counts and rates by ward and LSOA in the latest period, the ward map, hotspots by
Getis–Ord Gi* on a regular grid, how concentrated crime is, and the same rate in comparable areas.

police.uk points are snapped to anonymous map points, so points are only ever counted into grid cells;
nothing here shows a point. A cell is named by the street its own crimes are most often on or near, which
says where the cell is without pointing at any one point.
"""

import re
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

import numpy as np
import shapely
from shapely.geometry import shape

from saferhub.assessment.headline import PeriodSpan, months_of
from saferhub.assessment.methods.concentration import generalised_gini, gini, top_share
from saferhub.assessment.methods.grid import (
    cell_counts,
    cell_indices,
    cell_polygon_lonlat,
    cells_inside,
    grid_for,
    grid_reference,
    to_british_national_grid,
)
from saferhub.assessment.methods.hotspots import grid_neighbour_weights, hotspot_classes, local_g
from saferhub.crimedata import counting
from saferhub.crimedata.models import Indicator
from saferhub.design_system.maps import (
    HOTSPOT_PALETTE,
    Choropleth,
    GridCell,
    GridMap,
    MapArea,
    choropleth,
    grid_map,
)
from saferhub.geography import selectors as geography

NOT_SIGNIFICANT = "Not significant"


@dataclass(frozen=True)
class PlaceCount:
    code: str
    name: str
    count: int
    population: int | None

    @property
    def rate(self) -> float | None:
        return self.count / self.population * 1000 if self.population else None


@dataclass(frozen=True)
class Concentration:
    places: str  # "LSOAs" or "grid cells"
    number: int
    top_5: float
    top_10: float
    gini: float
    generalised_gini: float


@dataclass(frozen=True)
class ClassifiedCell:
    """One grid cell's Gi* class, with what it rests on: the cell's own count and its neighbours'."""

    index: int  # among the cells inside the area, in row-major order from the south-west
    count: int
    neighbours: int  # the crimes in the cells touching it (queen contiguity), itself left out
    z: float
    label: str

    @property
    def through_neighbours(self) -> bool:
        """A hot spot with no crime of its own: Gi* counts a cell with its neighbours, so it is hot only
        through them."""
        return self.label.startswith("Hot") and self.count == 0


@dataclass(frozen=True)
class Hotspot:
    name: str
    label: str
    count: int
    neighbours: int
    z: float
    through_neighbours: bool


@dataclass(frozen=True)
class Comparator:
    code: str
    name: str
    count: int | None  # None: the data does not cover it
    population: int | None
    is_own: bool

    @property
    def rate(self) -> float | None:
        return self.count / self.population * 1000 if self.count is not None and self.population else None


@dataclass(frozen=True)
class Places:
    indicator: Indicator
    period: PeriodSpan
    wards: tuple[PlaceCount, ...]
    lsoas: tuple[PlaceCount, ...]
    ward_map: Choropleth | None
    hotspots: tuple[Hotspot, ...]
    hotspot_map: GridMap | None
    hot_through_neighbours: int  # hot spots with no crime of their own
    cell_size: int
    cells_in_area: int
    concentration: tuple[Concentration, ...]
    comparators: tuple[Comparator, ...]

    @property
    def hot_spots(self) -> int:
        return sum(spot.label.startswith("Hot") for spot in self.hotspots)


def _counts_by(
    scope: counting.AreaScope, indicator: Indicator, span: PeriodSpan, by: counting.GroupBy
) -> dict[str, int]:
    totals: dict[str, int] = {}
    for _, _, key, count in counting.monthly_counts(
        scope=scope,
        what=counting.indicator_filter(indicator),
        month_from=span.first,
        month_to=span.last,
        by=by,
    ):
        if key:
            totals[key] = totals.get(key, 0) + count
    return totals


def _ward_counts(lsoa_counts: dict[str, int]) -> dict[str, int]:
    """The LSOAs' counts summed by the ward each is placed in: what counting by ward gives, without reading
    the crimes again."""
    wards = geography.wards_of_lsoas(set(lsoa_counts))
    totals: dict[str, int] = {}
    for code, count in lsoa_counts.items():
        ward = wards.get(code)
        if ward:
            totals[ward] = totals.get(ward, 0) + count
    return totals


def _place_counts(counts: dict[str, int], names: dict[str, str]) -> tuple[PlaceCount, ...]:
    populations = geography.populations_of_places(set(counts))
    return tuple(
        sorted(
            (
                PlaceCount(
                    code=code, name=names.get(code, code), count=count, population=populations.get(code)
                )
                for code, count in counts.items()
            ),
            key=lambda place: (-place.count, place.name),
        )
    )


def _ward_features(area_codes: list[str]) -> list[dict[str, Any]]:
    """The wards of the areas as GeoJSON features: hotspots are named by them and drawn over them (fewer
    lines than the LSOAs that make the area)."""
    return [
        feature
        for code in area_codes
        for feature in geography.boundaries_geojson(level="ward", within=code)["features"]
    ]


def area_outline(area_codes: list[str]) -> list[dict[str, Any]]:
    """The GeoJSON geometries of the 2021 LSOAs that make up the areas: their union is the area."""
    return [
        feature["geometry"]
        for code in area_codes
        for feature in geography.boundaries_geojson(level="lsoa21", within=code)["features"]
    ]


def _ward_map(
    indicator: Indicator, area_codes: list[str], wards: tuple[PlaceCount, ...], span: PeriodSpan
) -> Choropleth | None:
    by_code = {ward.code: ward for ward in wards}
    areas = []
    for code in area_codes:
        for feature in geography.boundaries_geojson(level="ward", within=code)["features"]:
            ward = by_code.get(feature["properties"]["code"])
            areas.append(
                MapArea(
                    code=feature["properties"]["code"],
                    name=feature["properties"]["name"],
                    geometry=feature["geometry"],
                    value=round(ward.rate, 2) if ward is not None and ward.rate is not None else None,
                )
            )
    if not areas:
        return None
    return choropleth(
        title=f"{indicator.name} per 1,000 residents by ward, {span.label}",
        areas=areas,
        unit="per 1,000",
    )


def classified_cells(values: np.ndarray, inside: np.ndarray) -> list[ClassifiedCell]:
    """Gi* of the cells inside the area (binary queen contiguity, the cell itself included), classed with the
    false discovery rate controlled across the cells, each with its own count and its neighbours'."""
    weights = grid_neighbour_weights(inside)
    result = local_g(values, weights, star=True, transform="B")
    around = weights @ values
    return [
        ClassifiedCell(
            index=index, count=int(values[index]), neighbours=int(around[index]), z=float(z), label=label
        )
        for index, (z, label) in enumerate(zip(result.z, hotspot_classes(result.z, fdr=True), strict=True))
    ]


# The kinds of place police.uk gives instead of a street when a crime's map point is at one ("On or near
# Supermarket"): the same words everywhere, so they do not say where a cell is. Compared case-folded, as
# police.uk's capitals have varied ("Sports/recreation Area", "Sports/Recreation Area").
_KINDS_OF_PLACE = frozenset(
    kind.casefold()
    for kind in (
        "Airport/Airfield",
        "Bus/Coach Station",
        "Conference/Exhibition Centre",
        "Further/Higher Educational Building",
        "Hospital",
        "Motorway Service Area",
        "Nightclub",
        "No Location",
        "Park/Open Space",
        "Parking Area",
        "Pedestrian Subway",
        "Petrol Station",
        "Police Station",
        "Prison",
        "Shopping Area",
        "Sports/Recreation Area",
        "Supermarket",
        "Theatre/Concert Hall",
        "Theme/Adventure Park",
    )
)
# A word that makes a location a street: anywhere in it, since a street's name can go on after it
# ("Putney Road West", "Byron Street Extension").
_STREET_WORDS = frozenset(
    word.casefold()
    for word in (
        "Approach",
        "Avenue",
        "Boulevard",
        "Causeway",
        "Chase",
        "Close",
        "Court",
        "Crescent",
        "Croft",
        "Drive",
        "Gardens",
        "Gate",
        "Gates",
        "Green",
        "Grove",
        "Hill",
        "Lane",
        "Mews",
        "Parade",
        "Park",
        "Place",
        "Rise",
        "Road",
        "Row",
        "Square",
        "Street",
        "Terrace",
        "View",
        "Walk",
        "Way",
        "Yard",
    )
)
_ROAD_NUMBER = re.compile(r"[ABM]\d+(\(M\))?")  # "A6", "A5460", "A1(M)"
_ON_OR_NEAR = "On or near "


def _is_street(place: str) -> bool:
    return bool(_ROAD_NUMBER.fullmatch(place) or {word.casefold() for word in place.split()} & _STREET_WORDS)


def street_of(locations: Iterable[str | None]) -> str | None:
    """What a cell's own crimes name it by: the street they are most often on or near ("On or near Granby
    Street" gives "Granby Street"); where none is on a street, the most frequent place that is not one of
    police.uk's kinds of place ("Supermarket", "Parking Area"); otherwise None. Ties go to the first
    alphabetically, so a cell is always named the same."""
    places = Counter(
        place
        for location in locations
        if location and (place := location.removeprefix(_ON_OR_NEAR).strip())
        if place.casefold() not in _KINDS_OF_PLACE
    )
    streets = {place: n for place, n in places.items() if _is_street(place)}
    chosen = streets or places
    return _capitalised(min(chosen, key=lambda place: (-chosen[place], place))) if chosen else None


_ROMAN_NUMERALS = {"Ii", "Iii", "Iv", "Vi", "Vii", "Viii", "Ix"}
_POSSESSIVE_CAPITAL_S = re.compile(r"(?<=\w)'S\b")


def _capitalised(place: str) -> str:
    """police.uk capitalises every word of a location, possessives and numerals too ("St Margaret'S
    Street", "Richard Iii Road"): put those two back as they are written."""
    place = _POSSESSIVE_CAPITAL_S.sub("'s", place)
    return " ".join(word.upper() if word in _ROMAN_NUMERALS else word for word in place.split(" "))


def cell_name(*, street: str | None, ward: str | None, reference: str) -> str:
    """A cell's name: its street, its ward and, as the cell is a square and not the street, its grid
    reference, like "Granby Street, Castle ward (SK 587 045)"."""
    place = ", ".join(part for part in (street, f"{ward} ward" if ward else None) if part)
    return f"{place} ({reference})" if place else reference


def _ward_finder(wards: list[dict[str, Any]]) -> Callable[[float, float], str | None]:
    """The ward a point (BNG metres) lies in; None outside every ward drawn."""
    polygons = [shapely.transform(shape(w["geometry"]), _to_bng) for w in wards]
    names = [w["properties"]["name"] for w in wards]
    tree = shapely.STRtree(polygons)

    def ward(x: float, y: float) -> str | None:
        found = tree.query(shapely.Point(x, y), predicate="within")
        return names[int(found[0])] if len(found) else None

    return ward


def _locations_by_cell(
    cells: np.ndarray, locations: list[str | None], wanted: set[int]
) -> dict[int, list[str | None]]:
    """The location texts of the crimes in each wanted cell (flat indices, as cell_indices gives them)."""
    found: dict[int, list[str | None]] = {cell: [] for cell in wanted}
    for point in np.flatnonzero(np.isin(cells, list(wanted))):
        found[int(cells[point])].append(locations[point])
    return found


def _to_bng(xy: np.ndarray) -> np.ndarray:
    return np.column_stack(to_british_national_grid(xy[:, 0], xy[:, 1]))


def _hotspots(
    *,
    indicator: Indicator,
    scope: counting.AreaScope,
    span: PeriodSpan,
    outline: list[dict[str, Any]],
    area_codes: list[str],
    cell_size: int,
) -> tuple[tuple[Hotspot, ...], GridMap | None, int, np.ndarray]:
    """The classified grid cells of the area that are hot or cold spots, each named by the street its own
    crimes are most often on or near, its ward and its grid reference, and the map of them."""
    if not outline:
        return (), None, 0, np.zeros(0)
    longitudes, latitudes, locations = counting.crime_points(
        scope=scope, what=counting.indicator_filter(indicator), month_from=span.first, month_to=span.last
    )
    area = shapely.union_all([shape(geometry) for geometry in outline])
    area_bng = shapely.transform(area, _to_bng)
    grid = grid_for(area_bng.bounds, cell_size=float(cell_size))
    inside = cells_inside(grid, area_bng)
    x, y = to_british_national_grid(np.asarray(longitudes), np.asarray(latitudes))
    counts = cell_counts(grid, x, y)
    values = counts[inside].astype(np.float64)
    if values.size < 3 or not values.any():
        return (), None, int(values.size), values
    wards = _ward_features(area_codes)
    ward_of = _ward_finder(wards)
    centre_x, centre_y = grid.cell_centres()
    rows, columns = np.nonzero(inside)
    classified = classified_cells(values, inside)
    flat_index = rows * grid.columns + columns  # of each cell inside, as cell_indices numbers them
    located = _locations_by_cell(
        cell_indices(grid, x, y),
        locations,
        {int(flat_index[cell.index]) for cell in classified if cell.label != NOT_SIGNIFICANT},
    )
    hotspots, cells = [], []
    for cell in classified:
        row, column = int(rows[cell.index]), int(columns[cell.index])
        if cell.label == NOT_SIGNIFICANT:
            # Counted in the map's summary, not drawn: the outline shows through where it lies.
            cells.append(GridCell(corners=(), label=cell.label, count=cell.count, name=""))
            continue
        x_centre, y_centre = float(centre_x[row, column]), float(centre_y[row, column])
        name = cell_name(
            street=street_of(located[int(flat_index[cell.index])]),
            ward=ward_of(x_centre, y_centre),
            reference=grid_reference(x_centre, y_centre),
        )
        if cell.through_neighbours:
            name += f", none of its own: hot through the {cell.neighbours:,} crimes in the cells around it"
        hotspots.append(
            Hotspot(
                name=name,
                label=cell.label,
                count=cell.count,
                neighbours=cell.neighbours,
                z=cell.z,
                through_neighbours=cell.through_neighbours,
            )
        )
        cells.append(
            GridCell(
                corners=cell_polygon_lonlat(grid, row, column), label=cell.label, count=cell.count, name=name
            )
        )
    hotspots.sort(key=lambda spot: -spot.z)
    drawn = grid_map(
        title=f"{indicator.name}: hotspots (Getis–Ord Gi*) on a {cell_size} m grid, {span.label}",
        outline=[ward["geometry"] for ward in wards] or outline,
        cells=cells,
        classes=HOTSPOT_PALETTE,
    )
    return tuple(hotspots), drawn, int(values.size), values


def _concentration(places: str, counts: list[float]) -> Concentration | None:
    if not counts or sum(counts) == 0:
        return None
    return Concentration(
        places=places,
        number=len(counts),
        top_5=top_share(counts, 0.05),
        top_10=top_share(counts, 0.10),
        gini=gini(counts),
        generalised_gini=generalised_gini(counts),
    )


def _comparators(
    indicator: Indicator, area_codes: list[str], span: PeriodSpan, family: list[str]
) -> tuple[Comparator, ...]:
    """The districts of the force areas the partnership lies in, and the family of similar areas."""
    codes: list[str] = []
    for code in area_codes:
        for district in geography.lad_codes_in(code):
            codes.extend(sorted(geography.districts_in_same_force(district)))
    codes = list(dict.fromkeys([*codes, *family]))
    names = geography.area_names(codes)
    held = counting.months_held(sources=indicator.sources)
    whole = all(month in held for month in months_of(span))
    counts: dict[str, int | None] = dict.fromkeys(codes)
    if whole:
        counts = counting.comparator_counts(
            what=counting.indicator_filter(indicator),
            codes=[code for code in codes if code in names],
            month_from=span.first,
            month_to=span.last,
        )
    populations = geography.district_populations(codes)
    found = []
    for code in codes:
        population = populations.get(code)
        if population is None and code in names:
            population = geography.population_of(code)  # not a district, or a district with no figure
        found.append(
            Comparator(
                code=code,
                name=names.get(code, code),
                count=counts.get(code),
                population=population,
                is_own=code in area_codes,
            )
        )
    return tuple(sorted(found, key=lambda c: -(c.rate if c.rate is not None else -1)))


def _lsoas_counted_in(scope: counting.AreaScope, counts: dict[str, int]) -> list[str]:
    """Every LSOA of the area of the vintage the counts mostly use (police.uk moved to 2021 LSOAs in 2023),
    so that places with no crime count as 0 in the concentration."""
    vintages = geography.lsoa_vintages_in(lsoas=scope.lsoas, districts=scope.districts, codes=set(counts))
    counted = [vintages.get(code) for code in counts if vintages.get(code)]
    vintage = 2021 if counted.count(2021) >= counted.count(2011) else 2011
    area = scope.lsoas if scope.lsoas is not None else geography.lsoas_of_districts(scope.districts)
    return sorted(code for code in area if vintages.get(code) in (vintage, 0))


def places_for(
    *,
    indicator: Indicator,
    area_codes: list[str],
    scope_code: str,
    span: PeriodSpan,
    cell_size: int = 250,
    family: list[str] | None = None,
) -> Places:
    scope = counting.area_scope(scope_code)
    lsoa_counts = _counts_by(scope, indicator, span, "lsoa")
    ward_counts = _ward_counts(lsoa_counts)
    wards = _place_counts(ward_counts, geography.area_names(ward_counts))
    lsoas = _place_counts(lsoa_counts, geography.area_names(lsoa_counts))
    outline = area_outline(area_codes)
    hotspots, hotspot_map, cells_in_area, cell_values = _hotspots(
        indicator=indicator,
        scope=scope,
        span=span,
        outline=outline,
        area_codes=area_codes,
        cell_size=cell_size,
    )
    lsoa_values = [float(lsoa_counts.get(code, 0)) for code in _lsoas_counted_in(scope, lsoa_counts)]
    concentration = tuple(
        found
        for found in (
            _concentration("LSOAs", lsoa_values),
            _concentration(f"{cell_size} m grid cells", [float(v) for v in cell_values]),
        )
        if found is not None
    )
    return Places(
        indicator=indicator,
        period=span,
        wards=wards,
        lsoas=lsoas,
        ward_map=_ward_map(indicator, area_codes, wards, span),
        hotspots=hotspots,
        hotspot_map=hotspot_map,
        hot_through_neighbours=sum(spot.through_neighbours for spot in hotspots),
        cell_size=cell_size,
        cells_in_area=cells_in_area,
        concentration=concentration,
        comparators=_comparators(indicator, area_codes, span, family or []),
    )
