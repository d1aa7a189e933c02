"""Importing the geography: areas from the ONS files, then where every LSOA of either vintage lies.

police.uk moved from 2011 to 2021 LSOAs in 2023, and ONS publishes the ward, district and partnership
lookups for 2011 LSOAs only. So a 2021 LSOA is placed through the 2011 geography: by its own code when
2021 kept it, else by where its boundary lies, else by its name ("Leicester 001A" is in Leicester).
"""

import re
from collections import Counter
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.db import models, transaction
from shapely import STRtree
from shapely.geometry import shape

from saferhub.geography.models import (
    Area,
    AreaLevel,
    LsoaPlacement,
    PlacementMethod,
    Postcode,
    Vintage,
)
from saferhub.geography.postcodes import postcode_rows
from saferhub.geography.readers import GeographySources, read_geography_files

LSOA_NAME_SUFFIX = re.compile(r" \d{3}[A-Z]$")
DELETE_BATCH = 1000


@dataclass(frozen=True)
class GeographyImportSummary:
    files: list[tuple[str, str, int]]  # (path, what it was recognised as, rows or features read)
    areas: dict[str, int]  # level: how many
    placements: dict[str, int]  # method: how many LSOA codes it placed
    unplaced: list[str]  # LSOA codes no lookup, boundary or district name could place
    removed: int  # areas and placements no file describes any more


def geography_import(*, paths: Sequence[Path]) -> GeographyImportSummary:
    """Make the stored geography what the files describe: import every file together.

    Every file is read and checked before anything is written, and the writes are one transaction, so a
    bad file changes nothing. Rows are matched on their codes, so importing again changes nothing; an
    area or placement no file describes is removed.
    """
    sources = read_geography_files(paths=paths)
    areas = areas_described_by(sources)
    placements, unplaced = lsoa_placements_from(sources)
    with transaction.atomic():
        removed = replace_rows(Area, areas, key="code")
        removed += replace_rows(LsoaPlacement, placements, key="lsoa_code")
    return GeographyImportSummary(
        files=sources.files_read,
        areas=dict(Counter(str(area.level) for area in areas)),
        placements=dict(Counter(str(placement.method) for placement in placements)),
        unplaced=unplaced,
        removed=removed,
    )


def areas_described_by(sources: GeographySources) -> list[Area]:
    areas = []
    lsoa11_names, lsoa21_names = sources.names[AreaLevel.LSOA11], sources.names[AreaLevel.LSOA21]
    for code in sorted(lsoa11_names.keys() | lsoa21_names.keys()):
        boundary = sources.boundaries[AreaLevel.LSOA21].get(code) or sources.boundaries[AreaLevel.LSOA11].get(
            code
        )
        areas.append(
            Area(
                code=code,
                name=lsoa21_names.get(code) or lsoa11_names.get(code, ""),
                level=AreaLevel.LSOA21 if code in lsoa21_names else AreaLevel.LSOA11,
                population=sources.populations.get(code),
                imd_rank=sources.imd_ranks.get(code),
                boundary=boundary,
                **centroid_fields(sources.centroids.get(code), boundary),
            )
        )
    for level in (AreaLevel.WARD, AreaLevel.LAD, AreaLevel.CSP, AreaLevel.PFA, AreaLevel.COUNTY):
        for code, name in sorted(sources.names[level].items()):
            boundary = sources.boundaries[level].get(code)
            areas.append(
                Area(
                    code=code,
                    name=name,
                    level=level,
                    lad_code=sources.ward_districts.get(code, "") if level == AreaLevel.WARD else "",
                    boundary=boundary,
                    **centroid_fields(None, boundary),
                )
            )
    return areas


def centroid_fields(centroid: tuple[float, float] | None, boundary: dict[str, Any] | None) -> dict[str, Any]:
    """The ONS population-weighted centroid when there is one, else a point surely inside the boundary."""
    if centroid is None and boundary is not None:
        point = shape(boundary).representative_point()
        centroid = (point.y, point.x)
    latitude, longitude = centroid or (None, None)
    return {"centroid_lat": latitude, "centroid_lon": longitude}


def lsoa_placements_from(sources: GeographySources) -> tuple[list[LsoaPlacement], list[str]]:
    lsoa11_codes, lsoa21_codes = (
        sources.names[AreaLevel.LSOA11].keys(),
        sources.names[AreaLevel.LSOA21].keys(),
    )
    lookup = sources.lsoa11_ward_and_district
    containing_lsoa11 = lsoa11_locator(sources)
    district_named = district_codes_by_name(sources)
    placements, unplaced = [], []
    for code in sorted(lsoa11_codes | lsoa21_codes):
        if code in lookup:
            method, (ward, district) = PlacementMethod.LOOKUP, lookup[code]
        elif code in sources.boundaries[AreaLevel.LSOA21] and (
            found := containing_lsoa11(sources.boundaries[AreaLevel.LSOA21][code])
        ):
            method, (ward, district) = PlacementMethod.BOUNDARY, lookup[found]
        elif district := district_named.get(district_name_of(sources, code), ""):
            method, ward = PlacementMethod.NAME, ""
        else:
            unplaced.append(code)
            continue
        placements.append(
            LsoaPlacement(
                lsoa_code=code,
                vintage=vintage_of(code, lsoa11_codes=lsoa11_codes, lsoa21_codes=lsoa21_codes),
                ward_code=ward,
                lad_code=district,
                csp_code=sources.district_partnerships.get(district, ""),
                pfa_code=sources.district_forces.get(district, ""),
                county_code=sources.district_counties.get(district, ""),
                method=method,
            )
        )
    return placements, unplaced


def vintage_of(code: str, *, lsoa11_codes: Collection[str], lsoa21_codes: Collection[str]) -> Vintage:
    if code not in lsoa21_codes:
        return Vintage.ONLY_2011
    return Vintage.BOTH if code in lsoa11_codes else Vintage.ONLY_2021


def lsoa11_locator(sources: GeographySources) -> Callable[[dict[str, Any]], str]:
    """A function from a 2021 LSOA's boundary to the looked-up 2011 LSOA that holds its centre, or ""."""
    codes = sorted(sources.boundaries[AreaLevel.LSOA11].keys() & sources.lsoa11_ward_and_district.keys())
    tree = STRtree([shape(sources.boundaries[AreaLevel.LSOA11][code]) for code in codes])

    def containing_lsoa11(boundary: dict[str, Any]) -> str:
        # representative_point, not centroid: the centroid of a crescent lies outside it.
        inside = tree.query(shape(boundary).representative_point(), predicate="within")
        return min((codes[index] for index in inside), default="")

    return containing_lsoa11


def district_name_of(sources: GeographySources, lsoa_code: str) -> str:
    name = sources.names[AreaLevel.LSOA21].get(lsoa_code) or sources.names[AreaLevel.LSOA11].get(
        lsoa_code, ""
    )
    return LSOA_NAME_SUFFIX.sub("", name)


def district_codes_by_name(sources: GeographySources) -> dict[str, str]:
    """District codes by name, and by the name LSOA names use ("Bristol" for "Bristol, City of").

    Some names have had two codes (Barnsley was recoded in 2023): the one the 2019 lookups know wins,
    since its partnership and force area are known.
    """
    named: dict[str, str] = {}
    districts = sources.names[AreaLevel.LAD]
    for code in sorted(districts, key=lambda code: (code not in sources.district_partnerships, code)):
        named.setdefault(districts[code], code)
        named.setdefault(districts[code].split(",")[0], code)
    return named


def replace_rows(model: type[models.Model], rows: list[Any], *, key: str) -> int:
    """Insert or update `rows` on their `key`, delete the rows no longer there; return how many went."""
    manager = model._default_manager
    fields = [f.name for f in model._meta.concrete_fields if not f.primary_key and f.name != key]
    manager.bulk_create(
        rows, update_conflicts=True, unique_fields=[key], update_fields=fields, batch_size=500
    )
    gone = sorted(set(manager.values_list(key, flat=True)) - {getattr(row, key) for row in rows})
    for start in range(0, len(gone), DELETE_BATCH):
        manager.filter(**{f"{key}__in": gone[start : start + DELETE_BATCH]}).delete()
    return len(gone)


POSTCODE_BATCH = 5000


def postcodes_import(*, path: Path) -> int:
    """Replace the postcodes held with the live ones of an ONS Postcode Directory or NSPL file; a bad row
    stops the import and changes nothing. Returns how many are held."""
    rows = [
        Postcode(postcode=postcode, lsoa_code=lsoa, latitude=latitude, longitude=longitude)
        for postcode, lsoa, latitude, longitude in postcode_rows(path)
    ]
    with transaction.atomic():
        Postcode.objects.all().delete()
        Postcode.objects.bulk_create(rows, batch_size=POSTCODE_BATCH)
    return len(rows)
