"""The crime data endpoints of the JSON API: the same rows as the pages and commands, scoped the same way."""

import io
import json

import pytest
from django.core.management import call_command

from saferhub.crimedata.models import Indicator
from saferhub.crimedata.services import column_mapping_save, indicators_load
from saferhub.crimedata.tests.crime_files import MAPPING, extract_for, import_for

pytestmark = pytest.mark.usefixtures("geography")


@pytest.fixture
def api(world, crime_store, api_as):
    world.a.area_codes = ["E06000016"]
    world.a.save()
    return api_as("board_member")


def command_json(*args):
    out = io.StringIO()
    call_command("crime_counts", *args, "--format", "json", stdout=out)
    return json.loads(out.getvalue())


@pytest.mark.parametrize("by", ["category", "ward", "lsoa"])
def test_crime_counts_are_the_rows_the_command_gives(api, world, by):
    import_for(world.a, "2023-01", "2023-02", good=3, no_location=1, bad=0)
    query = f"?from=2023-01&to=2023-03&by={by}&period=month"
    response = api("/partnerships/alpha/crime-counts" + query)
    assert response.status_code == 200
    body = response.json()
    expected = command_json("--area", "alpha", "--from", "2023-01", "--to", "2023-03", "--by", by)
    assert body["counts"] == expected["counts"]
    assert (body["area"], body["name"], body["period"], body["source"]) == (
        "alpha",
        "Alpha Community Safety Partnership",
        "month",
        "police.uk-street",
    )
    assert sum(row["count"] for row in body["counts"]) == 6


def test_crime_counts_of_an_ons_area_by_financial_year(api, world):
    import_for(world.a, "2023-03", "2023-04", good=2, bad=0)
    body = api(
        "/partnerships/alpha/crime-counts?area=E06000016&period=financial-year&from=2023-01&to=2023-12"
    )
    assert body.json()["counts"] == [
        {"period": "2022/23", "category": "Burglary", "count": 2},
        {"period": "2023/24", "category": "Burglary", "count": 2},
    ]


@pytest.mark.parametrize(
    "query",
    ["?from=2023", "?from=2023-05&to=2023-01", "?area=beta", "?area=E99999999", "?period=week", "?by=force"],
)
def test_crime_counts_refuse_what_they_cannot_answer(api, query):
    response = api("/partnerships/alpha/crime-counts" + query)
    assert response.status_code == 422, response.content


def test_another_partnerships_local_extract_is_not_counted(api, world):
    column_mapping_save(partnership=world.b, text=MAPPING.replace("alpha.crime", "beta.crime"), actor=None)
    assert api("/partnerships/alpha/crime-counts?source=beta.crime").status_code == 404


def test_indicators_and_their_series(api, world):
    import_for(world.a, "2023-01", "2023-03", good=3, bad=0)
    indicators_load(
        path_or_text='[[indicators]]\nslug = "own"\nname = "Own burglary"\nsources = ["police.uk-street"]\n'
        'categories = ["Burglary"]\nper_1000 = true\n',
        partnership=world.a,
    )
    indicators_load(
        path_or_text='[[indicators]]\nslug = "theirs"\nname = "Beta"\nsources = ["police.uk-street"]\n',
        partnership=world.b,
    )
    listed = api("/partnerships/alpha/indicators").json()
    assert [(i["slug"], i["shared"]) for i in listed] == [("own", False)]
    own = Indicator.objects.get(slug="own")
    body = api(f"/partnerships/alpha/indicators/{own.public_id}/series").json()
    rate = pytest.approx(3000 / body["population"], abs=0.01)
    assert body["months"] == [
        {"month": "2023-01", "count": 3, "rate_per_1000": rate},
        {"month": "2023-02", "count": None, "rate_per_1000": None},  # not held: not the same as none
        {"month": "2023-03", "count": 3, "rate_per_1000": rate},
    ]
    assert body["population"] > 300_000  # Leicester at Census 2021
    longer = api(f"/partnerships/alpha/indicators/{own.public_id}/series?from=2022-12&to=2023-01").json()
    assert [(point["month"], point["count"]) for point in longer["months"]] == [
        ("2022-12", None),
        ("2023-01", 3),
    ]
    theirs = Indicator.objects.get(slug="theirs")
    assert api(f"/partnerships/alpha/indicators/{theirs.public_id}/series").status_code == 404


def test_imports_are_the_partnerships_own_extracts_and_the_police_uk_imports_of_its_area(api, world):
    own = extract_for(world.a)
    theirs = extract_for(world.b, "2023-03")
    police_uk = import_for(world.b, "2023-01", bad=1)  # the installation's data, for Leicestershire
    body = {run["id"]: run for run in api("/partnerships/alpha/imports").json()}
    assert set(body) == {str(own.public_id), str(police_uk.public_id)}
    assert str(theirs.public_id) not in body
    assert body[str(police_uk.public_id)]["rows_rejected"] == 1
    assert body[str(own.public_id)]["status"] == "committed"
    assert api("/partnerships/beta/imports").status_code == 404
