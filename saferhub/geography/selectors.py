"""Reads about areas, by ONS code. Public reference data: nothing here is scoped to a person.

Nothing is cached: the crime data engine asks a handful of indexed questions per request, and a cache
would have to be emptied by every import, in every process.
"""

from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from django.db import models
from django.db.models import Count, Q, Sum
from shapely.geometry import Point, shape

from saferhub.geography.models import (
    LSOA_LEVELS,
    VINTAGES_OF_2011,
    VINTAGES_OF_2021,
    Area,
    AreaLevel,
    LsoaPlacement,
    Postcode,
    Vintage,
)

# Which LsoaPlacement column holds the code of an area of each level.
PLACEMENT_FIELD: dict[str, str] = {
    AreaLevel.LSOA11: "lsoa_code",
    AreaLevel.LSOA21: "lsoa_code",
    AreaLevel.WARD: "ward_code",
    AreaLevel.LAD: "lad_code",
    AreaLevel.CSP: "csp_code",
    AreaLevel.PFA: "pfa_code",
    AreaLevel.COUNTY: "county_code",
}


def area_by_code(code: str) -> Area | None:
    """The area with this ONS code, of any level, or None."""
    return Area.objects.filter(code=code).first()


def lsoa_codes_in(code: str) -> frozenset[str] | None:
    """Every LSOA code, 2011 and 2021, that lies in the area with this code; None when the code is unknown.

    An LSOA code gives itself.
    """
    area = area_by_code(code)
    if area is None:
        return None
    if area.level in LSOA_LEVELS:
        return frozenset({code})
    return frozenset(placements_in(area).values_list("lsoa_code", flat=True))


def lad_codes_in(code: str) -> frozenset[str]:
    """The districts the area lies in (an LSOA or ward: one) or covers (a CSP, force area or county).

    Empty when the code is unknown.
    """
    area = area_by_code(code)
    if area is None:
        return frozenset()
    if area.level == AreaLevel.LAD:
        return frozenset({code})
    districts = set(placements_in(area).values_list("lad_code", flat=True))
    if area.lad_code:
        districts.add(area.lad_code)  # a ward no LSOA is placed in still lies in its district
    return frozenset(districts)


def lsoa_placements() -> list[tuple[str, str, str, str, str]]:
    """(lsoa_code, ward_code, lad_code, csp_code, pfa_code) for every LSOA code of either vintage.

    Codes the sources do not give are blank: see LsoaPlacement.
    """
    return list(
        LsoaPlacement.objects.order_by("lsoa_code").values_list(
            "lsoa_code", "ward_code", "lad_code", "csp_code", "pfa_code"
        )
    )


def known_lsoa_codes() -> frozenset[str]:
    """Every LSOA code, 2011 and 2021, that has a placement (a district, at least)."""
    return frozenset(LsoaPlacement.objects.values_list("lsoa_code", flat=True))


# How lsoa_vintages() writes an LSOA code's vintage: a year, or 0 for a code in both sets.
VINTAGE_NUMBERS = {Vintage.ONLY_2011: 2011, Vintage.ONLY_2021: 2021, Vintage.BOTH: 0}


def lsoa_vintages() -> dict[str, int]:
    """Every LSOA code that has a placement, with its vintage: 2011 (2021 replaced it), 2021 (new in
    2021), or 0 (the same code in both sets)."""
    return {
        code: VINTAGE_NUMBERS[Vintage(vintage)]
        for code, vintage in LsoaPlacement.objects.values_list("lsoa_code", "vintage")
    }


def population_of(code: str) -> int | None:
    """Usual residents at Census 2021: the sum over the area's 2021 LSOAs. None for an unknown code, or
    when no census figure was imported for it (a 2011 LSOA that 2021 replaced has none)."""
    area = area_by_code(code)
    if area is None:
        return None
    if area.level in LSOA_LEVELS:
        return area.population
    lsoas = placements_in(area).values("lsoa_code")
    total: int | None = Area.objects.filter(level=AreaLevel.LSOA21, code__in=lsoas).aggregate(
        total=Sum("population")
    )["total"]
    return total


def ward_names() -> dict[str, str]:
    """Every ward's name by its code: 2019 wards (those LSOAs are placed in) and 2025 wards (boundaries)."""
    return dict(Area.objects.filter(level=AreaLevel.WARD).values_list("code", "name"))


def area_names(codes: Iterable[str]) -> dict[str, str]:
    """The names of those of these codes that are known, by code."""
    return dict(Area.objects.filter(code__in=set(codes)).values_list("code", "name"))


def boundaries_geojson(*, level: str, within: str) -> dict[str, Any]:
    """A GeoJSON FeatureCollection of the areas of `level` that lie in the area `within` (the wards of a
    district, the LSOAs of a ward), each with properties code and name. Areas without an imported
    boundary are left out; an unknown `within` gives no features.

    The wards in a district are its 2019 wards (which LSOAs are placed in) and its 2025 wards (from the
    boundary files, which name their district); only the 2025 wards have boundaries, so they are the
    ones drawn. Where a district's wards were recoded after 2019 (Blaby, Charnwood), the codes on the
    map are not the codes crimes are counted by.
    """
    if level not in PLACEMENT_FIELD:
        raise ValueError(f"Unknown area level {level!r}: one of {', '.join(PLACEMENT_FIELD)}")
    area = area_by_code(within)
    areas = Area.objects.none() if area is None else areas_of_level_in(level, area)
    return {
        "type": "FeatureCollection",
        "features": [
            {"type": "Feature", "properties": {"code": code, "name": name}, "geometry": boundary}
            for code, name, boundary in areas.filter(boundary__isnull=False).values_list(
                "code", "name", "boundary"
            )
        ],
    }


def areas_of_level_in(level: str, area: Area) -> models.QuerySet[Area]:
    placements = placements_in(area)
    if level in LSOA_LEVELS:
        vintages = VINTAGES_OF_2011 if level == AreaLevel.LSOA11 else VINTAGES_OF_2021
        return Area.objects.filter(code__in=placements.filter(vintage__in=vintages).values("lsoa_code"))
    inside = Q(code__in=placements.values(PLACEMENT_FIELD[level]))
    if level == AreaLevel.WARD:
        districts = [area.code] if area.level == AreaLevel.LAD else placements.values("lad_code")
        inside |= Q(lad_code__in=districts)
    return Area.objects.filter(inside | Q(code=area.code), level=level)  # an area lies in itself


def placements_in(area: Area) -> models.QuerySet[LsoaPlacement]:
    return LsoaPlacement.objects.filter(**{PLACEMENT_FIELD[area.level]: area.code})


def lsoa21_boundaries() -> list[tuple[str, dict[str, Any]]]:
    """(code, GeoJSON geometry) of every 2021 LSOA whose boundary is held: for placing points in LSOAs."""
    rows = Area.objects.filter(level=AreaLevel.LSOA21, boundary__isnull=False).values_list("code", "boundary")
    return [(code, boundary) for code, boundary in rows if boundary is not None]


def populations_of(codes: Iterable[str]) -> dict[str, int]:
    """Census 2021 residents of each of these LSOAs and wards that has a figure, by code, in two queries:
    an LSOA's own, a ward's the sum over the 2021 LSOAs placed in it."""
    wanted = set(codes)
    found: dict[str, int] = {
        code: int(population or 0)
        for code, population in Area.objects.filter(
            code__in=wanted, level__in=LSOA_LEVELS, population__isnull=False
        ).values_list("code", "population")
    }
    lsoa_population: dict[str, int | None] = dict(
        Area.objects.filter(level=AreaLevel.LSOA21, population__isnull=False).values_list(
            "code", "population"
        )
    )
    for ward, lsoa in LsoaPlacement.objects.filter(
        ward_code__in=wanted, vintage__in=VINTAGES_OF_2021
    ).values_list("ward_code", "lsoa_code"):
        if lsoa in lsoa_population:
            found[ward] = found.get(ward, 0) + (lsoa_population[lsoa] or 0)
    return found


def districts_in_same_force(district: str) -> frozenset[str]:
    """The districts of the police force area (or areas) this district lies in, itself included."""
    forces = LsoaPlacement.objects.filter(lad_code=district).exclude(pfa_code="").values("pfa_code")
    return frozenset(
        LsoaPlacement.objects.filter(pfa_code__in=forces)
        .order_by()
        .values_list("lad_code", flat=True)
        .distinct()
    )


def lsoas_of_districts(districts: frozenset[str]) -> frozenset[str]:
    return frozenset().union(*((lsoa_codes_in(code) or frozenset()) for code in districts))


def populations_of_places(codes: set[str] | frozenset[str]) -> dict[str, int]:
    """populations_of, reading only the LSOAs it needs: Census 2021 residents of each of these
    LSOAs and wards that has a figure, a ward's the sum over the 2021 LSOAs placed in it."""
    found = {
        code: population
        for code, (level, population) in levels_and_populations(codes).items()
        if level in (AreaLevel.LSOA11, AreaLevel.LSOA21) and population is not None
    }
    in_wards = list(
        LsoaPlacement.objects.filter(ward_code__in=codes, vintage__in=VINTAGES_OF_2021)
        .order_by()
        .values_list("ward_code", "lsoa_code")
    )
    lsoa_population = _lsoa21_populations({lsoa for _, lsoa in in_wards})
    for ward, lsoa in in_wards:
        if lsoa in lsoa_population:
            found[ward] = found.get(ward, 0) + lsoa_population[lsoa]
    return found


def levels_and_populations(codes: set[str] | frozenset[str]) -> dict[str, tuple[str, int | None]]:
    """The level and population of each of these codes that is known: looked up by code alone, which
    SQLite answers from the code's index (with the level too, it would read every area of that level)."""
    return {
        code: (level, population)
        for code, level, population in Area.objects.filter(code__in=codes)
        .order_by()
        .values_list("code", "level", "population")
    }


def _lsoa21_populations(codes: set[str] | frozenset[str]) -> dict[str, int]:
    return {
        code: population
        for code, (level, population) in levels_and_populations(codes).items()
        if level == AreaLevel.LSOA21 and population is not None
    }


def wards_of_lsoas(codes: set[str] | frozenset[str]) -> dict[str, str]:
    """The ward each of these LSOAs is placed in, for those placed in one."""
    return dict(
        LsoaPlacement.objects.filter(lsoa_code__in=codes)
        .exclude(ward_code="")
        .order_by()
        .values_list("lsoa_code", "ward_code")
    )


def lsoa_vintages_in(
    *, lsoas: frozenset[str] | None, districts: frozenset[str], codes: set[str] | frozenset[str]
) -> dict[str, int]:
    """lsoa_vintages for these LSOAs (with None, every LSOA of these districts) and these codes only."""
    inside = Q(lsoa_code__in=lsoas) if lsoas is not None else Q(lad_code__in=districts)
    return {
        code: VINTAGE_NUMBERS[Vintage(vintage)]
        for code, vintage in LsoaPlacement.objects.filter(inside | Q(lsoa_code__in=codes))
        .order_by()
        .values_list("lsoa_code", "vintage")
    }


def district_populations(districts: list[str]) -> dict[str, int | None]:
    """population_of of each district, in three queries: the sum over its 2021 LSOAs; None when
    the district is unknown or none of its LSOAs has a figure."""
    known = {
        code for code, (level, _) in levels_and_populations(set(districts)).items() if level == AreaLevel.LAD
    }
    placed = list(
        LsoaPlacement.objects.filter(lad_code__in=known).order_by().values_list("lad_code", "lsoa_code")
    )
    population = _lsoa21_populations({lsoa for _, lsoa in placed})
    totals: dict[str, int | None] = dict.fromkeys(districts)
    for lad, lsoa in placed:
        if lsoa in population:
            totals[lad] = (totals[lad] or 0) + population[lsoa]
    return totals


def force_areas_of_districts(districts: Iterable[str]) -> dict[str, set[str]]:
    """The police force areas (by code) each of these districts lies in, as the LSOAs placed in it say."""
    found: dict[str, set[str]] = defaultdict(set)
    for lad, pfa in (
        LsoaPlacement.objects.filter(lad_code__in=districts)
        .exclude(pfa_code="")
        .order_by()
        .values_list("lad_code", "pfa_code")
        .distinct()
    ):
        found[lad].add(pfa)
    return found


def areas_held() -> tuple[int, int | None]:
    """How many areas are held, and the people they hold in all: any geography import changes one or both."""
    held = Area.objects.aggregate(count=Count("pk"), people=Sum("population"))
    return held["count"], held["people"]


# How far (in degrees of latitude and longitude) from a point an LSOA's centre may lie for the LSOA still to
# hold it: the largest rural LSOAs of the force area reach about 10 km from their centres.
_NEAR_DEGREES = 0.15
# The nearest centres whose boundaries are tested: a point lies in one of the few LSOAs nearest to it.
_NEAREST_TESTED = 12


def lsoa_at(latitude: float, longitude: float) -> str | None:
    """The 2021 LSOA whose boundary holds the point; the nearest centre when those near have no boundary
    held; None when no LSOA held lies near, or the boundaries held near it do not hold it. Reads the
    boundaries of the dozen LSOAs whose centres are nearest, never them all."""
    near = [
        (code, lat, lon)
        for code, lat, lon in Area.objects.filter(
            level=AreaLevel.LSOA21,
            centroid_lat__range=(latitude - _NEAR_DEGREES, latitude + _NEAR_DEGREES),
            centroid_lon__range=(longitude - _NEAR_DEGREES, longitude + _NEAR_DEGREES),
        ).values_list("code", "centroid_lat", "centroid_lon")
        if lat is not None and lon is not None
    ]
    if not near:
        return None
    nearest = [
        code
        for code, lat, lon in sorted(
            near, key=lambda row: (row[1] - latitude) ** 2 + (row[2] - longitude) ** 2
        )
    ][:_NEAREST_TESTED]
    boundaries = dict(Area.objects.filter(code__in=nearest).values_list("code", "boundary"))
    point = Point(longitude, latitude)
    for code in nearest:
        boundary = boundaries.get(code)
        if boundary and shape(boundary).covers(point):
            return str(code)
    return None if any(boundaries.values()) else str(nearest[0])


def postcode_lookup(postcode: str) -> Postcode | None:
    """A postcode loaded from the ONS Postcode Directory (`import_postcodes`), written as `postcode_normalise`
    writes it; None when it is not held."""
    return Postcode.objects.filter(postcode=postcode).first()


def postcodes_held() -> int:
    return Postcode.objects.count()


def ward_of_lsoa(code: str) -> str:
    """The ward an LSOA is placed in ("" when it is in none held)."""
    return wards_of_lsoas({code}).get(code, "")
