"""A point or a postcode resolved to the 2021 LSOA that holds it (what places an ASB case in its ward)."""

import io
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from shapely.geometry import Point, shape

from saferhub.geography.models import Area, LsoaPlacement, Postcode
from saferhub.geography.selectors import lsoa_at, postcode_lookup, ward_of_lsoa
from saferhub.geography.services import geography_import

DATA = Path(__file__).resolve().parents[3] / "data"
LEICESTER_LSOAS = DATA / "boundaries" / "lsoa" / "E06000016.geojson"


@pytest.fixture(scope="module")
def imported(django_db_setup: Any, django_db_blocker: Any) -> Iterator[None]:
    with django_db_blocker.unblock():
        geography_import(paths=[DATA / "ons", DATA / "boundaries"])
        yield
        LsoaPlacement.objects.all().delete()
        Area.objects.all().delete()


@pytest.fixture
def geography(imported: None, db: Any) -> None:
    return None


def leicester_boundaries() -> list[tuple[str, Any]]:
    features = json.loads(LEICESTER_LSOAS.read_text(encoding="utf-8"))["features"]
    code_key = next(key for key in features[0]["properties"] if key.upper().startswith("LSOA21CD"))
    return [(feature["properties"][code_key], shape(feature["geometry"])) for feature in features]


def test_a_point_inside_an_lsoa_is_placed_in_it_checked_against_the_boundary_file(geography):
    # An independent check: for points inside ten of Leicester's LSOAs (a point shapely guarantees lies
    # inside each polygon), the LSOA found is the one whose boundary in the published file holds it.
    for code, polygon in leicester_boundaries()[:10]:
        inside = polygon.representative_point()
        assert lsoa_at(inside.y, inside.x) == code
        assert polygon.covers(Point(inside.x, inside.y))


def test_a_point_is_placed_in_its_lsoa_and_that_lsoa_in_its_ward(geography):
    code, polygon = leicester_boundaries()[0]
    inside = polygon.representative_point()
    found = lsoa_at(inside.y, inside.x)
    assert found == code
    assert ward_of_lsoa(code).startswith("E05")


def test_a_point_far_from_every_lsoa_held_is_placed_nowhere(geography):
    assert lsoa_at(54.5, 2.5) is None  # the North Sea


def test_postcodes_are_loaded_from_the_ons_directory_and_looked_up(tmp_path, db):
    directory = tmp_path / "onspd.csv"
    directory.write_text(
        "pcd,pcds,dointr,doterm,lsoa21cd,lat,long\n"
        "LE1  5FQ,LE1 5FQ,199812,,E01013648,52.634400,-1.131900\n"
        "LE1  1AA,LE1 1AA,198001,200012,E01013649,52.630000,-1.130000\n"
        "LE2  9ZZ,LE2 9ZZ,202001,,E01013650,99.999999,0.000000\n",
        encoding="utf-8",
    )
    call_command("import_postcodes", str(directory), stdout=io.StringIO())
    held = postcode_lookup("LE1 5FQ")
    assert held is not None and held.lsoa_code == "E01013648" and held.latitude == pytest.approx(52.6344)
    assert postcode_lookup("LE1 1AA") is None  # terminated in 2000
    no_point = postcode_lookup("LE2 9ZZ")
    assert no_point is not None and no_point.latitude is None


def test_a_file_that_is_no_postcode_directory_is_refused_and_changes_nothing(tmp_path, db):
    Postcode.objects.create(postcode="LE1 5FQ", lsoa_code="E01013648")
    wrong = tmp_path / "wrong.csv"
    wrong.write_text("name,value\nx,1\n", encoding="utf-8")
    with pytest.raises(CommandError, match="no column pcds"):
        call_command("import_postcodes", str(wrong))
    bad_row = tmp_path / "bad.csv"
    bad_row.write_text("pcds,lsoa21cd,lat,long\nLE1 5FQ,E01013648,north,-1.13\n", encoding="utf-8")
    with pytest.raises(CommandError, match="line 2, column lat: 'north' is not a number"):
        call_command("import_postcodes", str(bad_row))
    assert list(Postcode.objects.values_list("postcode", flat=True)) == ["LE1 5FQ"]
