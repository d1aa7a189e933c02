"""The geography import on the project's copy of the real ONS files, checked against the files themselves.

Expected values are computed here from the CSV and GeoJSON files with the csv and json modules, never
from the importer's own readers.
"""

import csv
import io
import json
import shutil
import zipfile
from collections.abc import Iterator
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command

from saferhub.geography import selectors
from saferhub.geography.models import VINTAGES_OF_2011, VINTAGES_OF_2021, Area, LsoaPlacement, PlacementMethod
from saferhub.geography.readers import GeographyFileError
from saferhub.geography.services import GeographyImportSummary, geography_import

DATA = settings.BASE_DIR / "data"
ONS = DATA / "ons"
LEICESTER, NORTH_WEST_LEICESTERSHIRE = "E06000016", "E07000134"
LEICESTERSHIRE_FORCE_DISTRICTS = frozenset(
    {"E06000016", "E06000017", "E07000129", "E07000130", "E07000131", "E07000132", "E07000133", "E07000134"}
    | {"E07000135"}
)


def ons_rows(name: str) -> list[dict[str, str]]:
    with (ONS / name).open(encoding="utf-8-sig", newline="") as file:
        return list(csv.DictReader(file))


def boundary_properties(kind: str) -> list[dict[str, Any]]:
    return [
        feature["properties"]
        for path in sorted((DATA / "boundaries" / kind).glob("*.geojson"))
        for feature in json.loads(path.read_text(encoding="utf-8"))["features"]
    ]


def policeuk_rows() -> Iterator[dict[str, str]]:
    for archive in sorted((DATA / "policeuk").glob("*.zip")):
        with zipfile.ZipFile(archive) as zipped:
            for member in sorted(name for name in zipped.namelist() if name.endswith(".csv")):
                with zipped.open(member) as raw:
                    yield from csv.DictReader(io.TextIOWrapper(raw, encoding="utf-8-sig", newline=""))


def lsoa11_codes_of(district: str) -> set[str]:
    return {
        row["LSOA11CD"] for row in ons_rows("lsoa11_to_ward19_to_lad19.csv") if row["LAD19CD"] == district
    }


def lsoa21_rows_named_after(district_name: str) -> list[dict[str, str]]:
    return [
        row
        for row in ons_rows("census2021_residents_by_lsoa21.csv")
        if row["2021 super output area - lower layer"].rsplit(" ", 1)[0] == district_name
    ]


def partnership_and_force_of(district: str) -> tuple[str, str]:
    row = next(row for row in ons_rows("lad19_to_csp19_to_pfa19.csv") if row["LAD19CD"] == district)
    return row["CSP19CD"], row["PFA19CD"]


def stored_geography() -> tuple[list[Any], list[Any]]:
    return list(Area.objects.order_by("code").values_list()), list(
        LsoaPlacement.objects.order_by("lsoa_code").values_list()
    )


@pytest.fixture(scope="module")
def imported(django_db_setup: Any, django_db_blocker: Any) -> Iterator[GeographyImportSummary]:
    """The project's geography, imported once for the module; the tests that write roll back."""
    with django_db_blocker.unblock():
        yield geography_import(paths=[ONS, DATA / "boundaries"])
        LsoaPlacement.objects.all().delete()
        Area.objects.all().delete()


@pytest.fixture
def geography(imported: GeographyImportSummary, db: Any) -> GeographyImportSummary:
    return imported


def test_every_file_is_recognised_by_its_header(geography):
    recognised = {Path(path).name: description for path, description, _ in geography.files}
    assert recognised["lsoa21_names.csv"] == "LSOA (2021) names"
    assert recognised["census2021_residents_by_lsoa21.csv"] == "Census 2021 usual residents by LSOA (2021)"
    assert recognised["lad19_to_csp19_to_pfa19.csv"].startswith("LAD to community safety partnership")
    assert len(geography.files) == len(list(ONS.glob("*.csv"))) + len(
        list((DATA / "boundaries").rglob("*.geojson"))
    )
    assert geography.unplaced == []


def test_a_district_has_as_many_lsoas_of_each_vintage_as_the_ons_files_list(geography):
    in_2011 = LsoaPlacement.objects.filter(lad_code=NORTH_WEST_LEICESTERSHIRE, vintage__in=VINTAGES_OF_2011)
    in_2021 = LsoaPlacement.objects.filter(lad_code=NORTH_WEST_LEICESTERSHIRE, vintage__in=VINTAGES_OF_2021)
    assert in_2011.count() == len(lsoa11_codes_of(NORTH_WEST_LEICESTERSHIRE)) == 58
    assert in_2021.count() == len(lsoa21_rows_named_after("North West Leicestershire")) == 60


def test_every_lsoa_in_the_policeuk_archives_is_known_and_in_a_district(geography):
    codes = {row["LSOA code"] for row in policeuk_rows() if row["LSOA code"]}
    placements = {row[0]: row[2] for row in selectors.lsoa_placements()}
    assert codes <= selectors.known_lsoa_codes()
    assert all(placements[code] for code in codes)
    assert codes <= selectors.lsoa_vintages().keys()


def test_a_2021_only_lsoa_of_leicester_is_placed_by_its_boundary(geography):
    lsoa11_codes = {row["LSOA11CD"] for row in ons_rows("lsoa11_to_ward19_to_lad19.csv")}
    new_code = next(
        row["LSOA code"]
        for row in policeuk_rows()
        if row["Month"] >= "2023-06"
        and row["LSOA name"].startswith("Leicester ")
        and row["LSOA code"] not in lsoa11_codes
    )
    partnership, force = partnership_and_force_of(LEICESTER)
    assert force == "E23000021"
    assert (
        next(row for row in ons_rows("pfa19_names.csv") if row["PFA19CD"] == force)["PFA19NM"]
        == "Leicestershire"
    )

    placement = LsoaPlacement.objects.get(lsoa_code=new_code)
    assert (placement.method, placement.vintage) == (PlacementMethod.BOUNDARY, "2021")
    assert (placement.lad_code, placement.csp_code, placement.pfa_code) == (LEICESTER, partnership, force)
    assert placement.ward_code in {row["WD19CD"] for row in ons_rows("lsoa11_to_ward19_to_lad19.csv")}
    assert new_code in selectors.lsoa_codes_in(placement.ward_code)


def test_a_2021_only_lsoa_without_a_boundary_is_placed_by_its_district_name(geography):
    lsoa11_codes = {row["LSOA11CD"] for row in ons_rows("lsoa11_to_ward19_to_lad19.csv")}
    rugby_code = next(
        row["LSOA21CD"] for row in lsoa21_rows_named_after("Rugby") if row["LSOA21CD"] not in lsoa11_codes
    )
    placement = LsoaPlacement.objects.get(lsoa_code=rugby_code)
    assert (placement.method, placement.lad_code, placement.ward_code) == (
        PlacementMethod.NAME,
        "E07000220",
        "",
    )
    assert (placement.csp_code, placement.pfa_code) == partnership_and_force_of("E07000220")


def test_the_lsoas_in_a_district_are_its_2011_and_2021_lsoas(geography):
    lsoa21_codes = {
        properties["LSOA21CD"]
        for properties in boundary_properties("lsoa")
        if properties["LADCD_ACTIVE"] == NORTH_WEST_LEICESTERSHIRE
    }
    expected = lsoa11_codes_of(NORTH_WEST_LEICESTERSHIRE) | lsoa21_codes
    assert selectors.lsoa_codes_in(NORTH_WEST_LEICESTERSHIRE) == expected
    some_lsoa = min(expected)
    assert selectors.lsoa_codes_in(some_lsoa) == {some_lsoa}
    assert selectors.lad_codes_in(some_lsoa) == {NORTH_WEST_LEICESTERSHIRE}
    assert selectors.lsoa_codes_in("E99999999") is None
    assert selectors.lad_codes_in("E99999999") == frozenset()


def test_the_partnership_and_force_area_of_leicester_resolve(geography):
    partnership, force = partnership_and_force_of(LEICESTER)
    assert selectors.area_by_code(partnership).name == "Leicester"
    assert selectors.area_by_code(force).name == "Leicestershire"
    assert selectors.lsoa_codes_in(partnership) == selectors.lsoa_codes_in(LEICESTER)
    assert selectors.lad_codes_in(partnership) == {LEICESTER}
    assert selectors.lad_codes_in(force) == LEICESTERSHIRE_FORCE_DISTRICTS
    assert selectors.area_names([LEICESTER, partnership, "E99999999"]) == {
        LEICESTER: "Leicester",
        partnership: "Leicester",
    }


def test_the_county_covers_its_seven_districts(geography):
    county = next(
        row for row in ons_rows("ward19_to_lad19_to_county19.csv") if row["CTY19NM"] == "Leicestershire"
    )
    assert selectors.lad_codes_in(county["CTY19CD"]) == LEICESTERSHIRE_FORCE_DISTRICTS - {
        LEICESTER,
        "E06000017",
    }


def test_a_districts_population_is_the_census_sum_of_its_lsoas(geography):
    rows = lsoa21_rows_named_after("North West Leicestershire")
    assert selectors.population_of(NORTH_WEST_LEICESTERSHIRE) == sum(int(row["Population"]) for row in rows)
    assert selectors.population_of(rows[0]["LSOA21CD"]) == int(rows[0]["Population"])
    assert selectors.population_of("E99999999") is None


def test_the_ward_boundaries_of_a_district_are_its_2025_wards(geography):
    """Charnwood's wards were all recoded after 2019: the map still finds them, by their district."""
    wards = {
        properties["WD25CD"]: properties["WD25NM"]
        for properties in boundary_properties("ward")
        if properties["LAD25CD"] == "E07000130"
    }
    collection = selectors.boundaries_geojson(level="ward", within="E07000130")
    assert collection["type"] == "FeatureCollection"
    assert {f["properties"]["code"]: f["properties"]["name"] for f in collection["features"]} == wards
    assert all(f["geometry"]["type"] in ("Polygon", "MultiPolygon") for f in collection["features"])
    assert set(selectors.ward_names()) >= wards.keys()
    lsoas = selectors.boundaries_geojson(level="lsoa21", within=NORTH_WEST_LEICESTERSHIRE)["features"]
    assert len(lsoas) == 60
    assert selectors.boundaries_geojson(level="ward", within="E99999999")["features"] == []
    with pytest.raises(ValueError, match="Unknown area level"):
        selectors.boundaries_geojson(level="region", within=LEICESTER)


def test_importing_again_changes_nothing(geography):
    before = stored_geography()
    summary = geography_import(paths=[ONS, DATA / "boundaries"])
    assert summary.removed == 0
    assert stored_geography() == before


def test_a_file_with_an_unknown_header_fails_naming_the_file_and_its_header(geography, tmp_path):
    unknown = tmp_path / "lookup.csv"
    unknown.write_text("OA21CD,MSOA21CD\nE00000001,E02000001\n", encoding="utf-8")
    with pytest.raises(
        GeographyFileError, match=r"lookup\.csv: not a geography file .*header: OA21CD,MSOA21CD"
    ):
        geography_import(paths=[ONS / "pfa19_names.csv", unknown])


def test_a_bad_row_fails_with_its_line_and_column_and_writes_nothing(geography, tmp_path):
    lines = (ONS / "census2021_residents_by_lsoa21.csv").read_text(encoding="utf-8").splitlines(keepends=True)
    lines[4] = lines[4].rsplit(",", 1)[0] + ",12x\r\n"  # line 5 of the file
    bad = tmp_path / "census.csv"
    bad.write_text("".join(lines), encoding="utf-8", newline="")
    before = stored_geography()
    with pytest.raises(
        GeographyFileError, match=r"census\.csv, line 5, column Population: '12x' is not a whole"
    ):
        geography_import(paths=[ONS / "lad_codes.csv", bad])
    assert stored_geography() == before


def test_a_file_with_a_byte_order_mark_imports(geography, tmp_path):
    assert (ONS / "lsoa21_names.csv").read_bytes().startswith(b"\xef\xbb\xbf")
    first = ons_rows("lsoa21_names.csv")[0]
    centroids = tmp_path / "centroids.csv"  # a BOM before a column that matters
    centroids.write_text(
        f"\ufeffLSOACD,latitude,longitude\n{first['LSOA21CD']},52.5,-1.25\n", encoding="utf-8"
    )
    summary = geography_import(paths=[ONS / "lsoa21_names.csv", centroids])
    assert summary.areas == {"lsoa21": len(ons_rows("lsoa21_names.csv"))}
    assert len(summary.unplaced) == len(ons_rows("lsoa21_names.csv"))  # no district names, so no placements
    assert summary.removed > 0  # the rest of the module's geography, until the test rolls back
    area = selectors.area_by_code(first["LSOA21CD"])
    assert (area.name, area.centroid_lat, area.centroid_lon) == (first["LSOA21NM"], 52.5, -1.25)


def test_a_bad_boundary_feature_is_named_by_its_number(geography, tmp_path):
    collection = json.loads((DATA / "boundaries" / "ward" / "E06000017.geojson").read_text(encoding="utf-8"))
    collection["features"][2]["geometry"] = {"type": "Point", "coordinates": [-0.7, 52.6]}
    bad = tmp_path / "wards.geojson"
    bad.write_text(json.dumps(collection), encoding="utf-8")
    with pytest.raises(
        GeographyFileError, match=r"wards\.geojson, feature 3, geometry: a Point, not a polygon"
    ):
        geography_import(paths=[bad])


def test_the_command_prints_a_summary_and_refuses_a_bad_file(geography, tmp_path):
    out = StringIO()
    call_command("import_geography", str(ONS / "pfa19_names.csv"), "--json", stdout=out)
    assert json.loads(out.getvalue())["areas"] == {"pfa": len(ons_rows("pfa19_names.csv"))}
    shutil.copy(DATA / "local" / "nwl-headline-figures-2019.csv", tmp_path)
    with pytest.raises(
        CommandError, match=r"Nothing imported\. .*nwl-headline-figures-2019\.csv: not a geography"
    ):
        call_command("import_geography", str(tmp_path), stdout=StringIO())
