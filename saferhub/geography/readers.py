"""Reading the ONS geography files into memory, checking every row, before anything is written.

A file is recognised by its header (a GeoJSON file by its features' properties), never by its name:
ONS downloads arrive with names like "LSOA_(2011)_to_Ward_(2019)_Lookup_in_England_and_Wales.csv"
or "Export.csv", and get renamed.
"""

import csv
import io
import json
import math
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from shapely.geometry import shape

from saferhub.geography.models import AreaLevel

ONS_CODE = re.compile(r"[A-Z][0-9]{8}")
CENSUS_AREA_NAME = "2021 super output area - lower layer"


class GeographyFileError(Exception):
    """A file the import cannot use. The message names the file, and the line and column of a bad row."""


@dataclass
class GeographySources:
    """Everything the files say, keyed by ONS code."""

    # By level, then code: {"lad": {"E06000016": "Leicester"}}; boundaries likewise, with GeoJSON geometries.
    names: dict[str, dict[str, str]] = field(default_factory=lambda: {level: {} for level in AreaLevel})
    lsoa11_ward_and_district: dict[str, tuple[str, str]] = field(default_factory=dict)
    ward_districts: dict[str, str] = field(default_factory=dict)
    district_partnerships: dict[str, str] = field(default_factory=dict)
    district_forces: dict[str, str] = field(default_factory=dict)
    district_counties: dict[str, str] = field(default_factory=dict)
    imd_ranks: dict[str, int] = field(default_factory=dict)
    populations: dict[str, int] = field(default_factory=dict)
    centroids: dict[str, tuple[float, float]] = field(default_factory=dict)
    boundaries: dict[str, dict[str, dict[str, Any]]] = field(
        default_factory=lambda: {level: {} for level in AreaLevel}
    )
    files_read: list[tuple[str, str, int]] = field(default_factory=list)

    def add_name(self, level: str, code: str, name: str) -> None:
        """The first non-blank name wins: some files name a code with a blank (pfa19_names' L99999999)."""
        named = self.names[level]
        if not named.get(code):
            named[code] = name


@dataclass(frozen=True)
class Row:
    path: Path
    line: int
    values: dict[str | None, str | None]

    def text(self, column: str) -> str:
        return (self.values.get(column) or "").strip()

    def code(self, column: str) -> str:
        value = self.text(column)
        if not ONS_CODE.fullmatch(value):
            raise self.error(column, f"{value!r} is not an ONS code")
        return value

    def integer(self, column: str) -> int:
        value = self.text(column)
        if not (value.isascii() and value.isdigit()):
            raise self.error(column, f"{value!r} is not a whole number")
        return int(value)

    def number(self, column: str) -> float:
        value = self.text(column)
        try:
            number = float(value)
        except ValueError:
            number = math.nan
        if not math.isfinite(number):
            raise self.error(column, f"{value!r} is not a number")
        return number

    def error(self, column: str, problem: str) -> GeographyFileError:
        return GeographyFileError(f"{self.path}, line {self.line}, column {column}: {problem}")


def read_lsoa11_lookup(sources: GeographySources, row: Row) -> None:
    lsoa, ward, district = row.code("LSOA11CD"), row.code("WD19CD"), row.code("LAD19CD")
    sources.add_name(AreaLevel.LSOA11, lsoa, row.text("LSOA11NM"))
    sources.add_name(AreaLevel.WARD, ward, row.text("WD19NM"))
    sources.add_name(AreaLevel.LAD, district, row.text("LAD19NM"))
    sources.lsoa11_ward_and_district[lsoa] = (ward, district)
    sources.ward_districts[ward] = district


def read_district_partnerships(sources: GeographySources, row: Row) -> None:
    district, partnership, force = row.code("LAD19CD"), row.code("CSP19CD"), row.code("PFA19CD")
    sources.add_name(AreaLevel.LAD, district, row.text("LAD19NM"))
    sources.add_name(AreaLevel.CSP, partnership, row.text("CSP19NM"))
    sources.add_name(AreaLevel.PFA, force, row.text("PFA19NM"))
    sources.district_partnerships[district] = partnership
    sources.district_forces[district] = force


def read_partnership_names(sources: GeographySources, row: Row) -> None:
    sources.add_name(AreaLevel.CSP, row.code("CSP19CD"), row.text("CSP19NM"))


def read_force_names(sources: GeographySources, row: Row) -> None:
    sources.add_name(AreaLevel.PFA, row.code("PFA19CD"), row.text("PFA19NM"))


def read_ward_counties(sources: GeographySources, row: Row) -> None:
    ward, district, county = row.code("WD19CD"), row.code("LAD19CD"), row.code("CTY19CD")
    sources.add_name(AreaLevel.WARD, ward, row.text("WD19NM"))
    sources.add_name(AreaLevel.LAD, district, row.text("LAD19NM"))
    sources.add_name(AreaLevel.COUNTY, county, row.text("CTY19NM"))
    sources.ward_districts[ward] = district
    sources.district_counties[district] = county


def read_deprivation(sources: GeographySources, row: Row) -> None:
    lsoa = row.code("LSOA11CD")
    sources.add_name(AreaLevel.LSOA11, lsoa, row.text("LSOA11NM"))
    sources.add_name(AreaLevel.LAD, row.code("LAD19CD"), row.text("LAD19NM"))
    sources.imd_ranks[lsoa] = row.integer("IMD19")


def read_census_population(sources: GeographySources, row: Row) -> None:
    if not row.text(CENSUS_AREA_NAME) and not row.text("Population"):
        return  # the table's footnotes, under it: text in the code column, no population
    lsoa = row.code("LSOA21CD")
    sources.add_name(AreaLevel.LSOA21, lsoa, row.text(CENSUS_AREA_NAME))
    sources.populations[lsoa] = row.integer("Population")


def read_lsoa21_names(sources: GeographySources, row: Row) -> None:
    sources.add_name(AreaLevel.LSOA21, row.code("LSOA21CD"), row.text("LSOA21NM"))


def read_centroids(sources: GeographySources, row: Row) -> None:
    if not row.text("LSOACD").startswith(("E", "W")):
        return  # Scottish data zones and Northern Irish small areas: no LSOA of England and Wales
    sources.centroids[row.code("LSOACD")] = (row.number("latitude"), row.number("longitude"))


def read_district_names(sources: GeographySources, row: Row) -> None:
    sources.add_name(AreaLevel.LAD, row.code("LADCD"), row.text("LADNM"))


@dataclass(frozen=True)
class CsvFormat:
    description: str
    columns: frozenset[str]
    read_row: Callable[[GeographySources, Row], None]


CSV_FORMATS = (
    CsvFormat(
        "LSOA (2011) to ward (2019) to LAD (2019) lookup",
        frozenset({"LSOA11CD", "LSOA11NM", "WD19CD", "WD19NM", "LAD19CD", "LAD19NM"}),
        read_lsoa11_lookup,
    ),
    CsvFormat(
        "LAD to community safety partnership to police force area lookup (2019)",
        frozenset({"LAD19CD", "LAD19NM", "CSP19CD", "CSP19NM", "PFA19CD", "PFA19NM"}),
        read_district_partnerships,
    ),
    CsvFormat(
        "Community safety partnership names (2019)", frozenset({"CSP19CD", "CSP19NM"}), read_partnership_names
    ),
    CsvFormat("Police force area names (2019)", frozenset({"PFA19CD", "PFA19NM"}), read_force_names),
    CsvFormat(
        "Ward to LAD to county lookup (2019)",
        frozenset({"WD19CD", "WD19NM", "LAD19CD", "LAD19NM", "CTY19CD", "CTY19NM"}),
        read_ward_counties,
    ),
    CsvFormat(
        "Index of Multiple Deprivation 2019 by LSOA (2011)",
        frozenset({"LSOA11CD", "LSOA11NM", "LAD19CD", "LAD19NM", "IMD19"}),
        read_deprivation,
    ),
    CsvFormat(
        "Census 2021 usual residents by LSOA (2021)",
        frozenset({CENSUS_AREA_NAME, "LSOA21CD", "Population"}),
        read_census_population,
    ),
    CsvFormat("LSOA (2021) names", frozenset({"LSOA21CD", "LSOA21NM"}), read_lsoa21_names),
    CsvFormat("LSOA centroids", frozenset({"LSOACD", "latitude", "longitude"}), read_centroids),
    CsvFormat("Local authority district names", frozenset({"LADCD", "LADNM"}), read_district_names),
)


@dataclass(frozen=True)
class BoundaryFormat:
    description: str
    level: str
    code_property: str
    name_property: str
    # The district a ward lies in: wards change codes between vintages, so the lookups may not know it.
    district_property: str = ""


BOUNDARY_FORMATS = (
    BoundaryFormat("LSOA (2021) boundaries", AreaLevel.LSOA21, "LSOA21CD", "LSOA21NM"),
    BoundaryFormat("LSOA (2011) boundaries", AreaLevel.LSOA11, "LSOA11CD", "LSOA11NM"),
    BoundaryFormat("Ward (2025) boundaries", AreaLevel.WARD, "WD25CD", "WD25NM", district_property="LAD25CD"),
)


def read_geography_files(*, paths: Iterable[Path]) -> GeographySources:
    sources = GeographySources()
    for path in files_under(paths):
        try:
            text = path.read_text(encoding="utf-8-sig")
        except UnicodeDecodeError:
            raise GeographyFileError(
                f"{path}: not a UTF-8 text file, so not an ONS CSV or GeoJSON file"
            ) from None
        if text.lstrip().startswith("{"):
            read_boundaries(sources, path, text)
        else:
            read_csv(sources, path, text)
    return sources


def files_under(paths: Iterable[Path]) -> list[Path]:
    """The files named, and every file in the folders named, hidden ones (.DS_Store) aside."""
    found: list[Path] = []
    for path in paths:
        if path.is_dir():
            inside = (file for file in path.rglob("*") if file.is_file())
            found += sorted(
                f for f in inside if not any(p.startswith(".") for p in f.relative_to(path).parts)
            )
        elif path.is_file():
            found.append(path)
        else:
            raise GeographyFileError(f"{path}: no such file or folder")
    return found


def read_csv(sources: GeographySources, path: Path, text: str) -> None:
    reader = csv.DictReader(io.StringIO(text, newline=""))
    header = reader.fieldnames or []
    file_format = recognised_csv_format(path, header)
    rows = 0
    for values in reader:
        file_format.read_row(sources, Row(path=path, line=reader.line_num, values=values))
        rows += 1
    sources.files_read.append((str(path), file_format.description, rows))


def recognised_csv_format(path: Path, header: Sequence[str]) -> CsvFormat:
    """The format whose columns are all in the header; the most specific, since the CSP lookup also
    carries the columns of the CSP names file."""
    matches = sorted((f for f in CSV_FORMATS if f.columns <= set(header)), key=lambda f: -len(f.columns))
    if not matches:
        raise GeographyFileError(
            f"{path}: not a geography file this import knows (header: {','.join(header)})"
        )
    if len(matches) > 1 and len(matches[0].columns) == len(matches[1].columns):
        raise GeographyFileError(
            f"{path}: the header fits both {matches[0].description} and {matches[1].description} "
            f"(header: {','.join(header)})"
        )
    return matches[0]


def read_boundaries(sources: GeographySources, path: Path, text: str) -> None:
    try:
        collection = json.loads(text)
    except json.JSONDecodeError as error:
        raise GeographyFileError(
            f"{path}, line {error.lineno}, column {error.colno}: not valid JSON"
        ) from None
    features = collection.get("features") if isinstance(collection, dict) else None
    properties = feature_properties(features[0]) if isinstance(features, list) and features else {}
    file_format = next((f for f in BOUNDARY_FORMATS if f.code_property in properties), None)
    if file_format is None or not isinstance(features, list) or collection.get("type") != "FeatureCollection":
        raise GeographyFileError(
            f"{path}: not a boundary file this import knows: a GeoJSON FeatureCollection whose features have "
            f"one of the properties {', '.join(f.code_property for f in BOUNDARY_FORMATS)} "
            f"(its first feature's properties: {', '.join(properties) or 'none'})"
        )
    for number, feature in enumerate(features, start=1):
        read_boundary_feature(sources, f"{path}, feature {number}", file_format, feature)
    sources.files_read.append((str(path), file_format.description, len(features)))


def feature_properties(feature: Any) -> dict[str, Any]:
    properties = feature.get("properties") if isinstance(feature, dict) else None
    return properties if isinstance(properties, dict) else {}


def read_boundary_feature(
    sources: GeographySources, where: str, file_format: BoundaryFormat, feature: Any
) -> None:
    properties = feature_properties(feature)
    code = str(properties.get(file_format.code_property) or "")
    if not ONS_CODE.fullmatch(code):
        raise GeographyFileError(
            f"{where}, property {file_format.code_property}: {code!r} is not an ONS code"
        )
    geometry = feature.get("geometry")
    try:
        polygon = shape(geometry)
    except Exception as error:  # shapely raises a different exception for each way a geometry can be wrong
        raise GeographyFileError(f"{where}, geometry: not a GeoJSON geometry ({error})") from None
    if polygon.geom_type not in ("Polygon", "MultiPolygon") or polygon.is_empty:
        raise GeographyFileError(f"{where}, geometry: a {polygon.geom_type}, not a polygon")
    sources.add_name(file_format.level, code, str(properties.get(file_format.name_property) or "").strip())
    sources.boundaries[file_format.level][code] = geometry
    if file_format.district_property:
        sources.ward_districts.setdefault(code, str(properties.get(file_format.district_property) or ""))
