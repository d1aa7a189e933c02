"""The North West Leicestershire headline table (seed 003), every cell, from the local extracts.

The extracts are imported through the shipped mappings, the shipped nwl-headline set is loaded, and each
of its 18 indicators is counted through the selectors for the seed's five rolling years to September
2019. Each must equal the seed's published figure, and a blank in the seed must be a count of 0.
"""

import csv
import datetime as dt
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from django.db import transaction
from django.test import override_settings

from saferhub.crimedata.counting import area_scope, indicator_series
from saferhub.crimedata.extracts import extract_mapping_read
from saferhub.crimedata.selectors import indicator_set_for
from saferhub.crimedata.services import extract_import, indicators_load

PACKAGE = Path(__file__).resolve().parents[1]
DATA = Path(__file__).resolve().parents[3] / "data"
LOCAL = DATA / "local" if (DATA / "local").exists() else Path("/work/shared/data/local")
NORTH_WEST_LEICESTERSHIRE = "E07000134"
FIRST_MONTH, LAST_MONTH = dt.date(2014, 10, 1), dt.date(2019, 9, 1)
YEARS = ["FY 2015", "FY 2016", "FY 2017", "FY 2018", "FY 2019"]

# pytest-django creates the test database only for a session with a test marked as using it.
pytestmark = pytest.mark.django_db


def _seed_table() -> dict[str, list[int | None]]:
    with open(LOCAL / "nwl-headline-figures-2019.csv", encoding="utf-8") as handle:
        return {
            row["Offence Category"]: [
                int(row[f"Incident Count {year}"]) if row[f"Incident Count {year}"] else None
                for year in YEARS
            ]
            for row in csv.DictReader(handle)
        }


SEED = _seed_table()


def _rolling_year(month: dt.date) -> str:
    """The seed's years run October to September: October 2014 to September 2015 is "FY 2015"."""
    return f"FY {month.year + 1 if month.month >= 10 else month.year}"


@pytest.fixture(scope="module")
def counted(
    geography: None, django_db_blocker: Any, tmp_path_factory: pytest.TempPathFactory
) -> dict[str, Any]:
    """Import, load and count once for the module, in a store of its own and a transaction rolled back
    after, so that other modules find the database as they left it. (pytest-django's `settings` fixture
    lasts one test: a module's override is override_settings.)"""
    store = tmp_path_factory.mktemp("crime-store")
    with django_db_blocker.unblock(), override_settings(SAFERHUB_DATA_DIR=store), transaction.atomic():
        runs = [
            extract_import(
                paths=[LOCAL / "nwl-crime-extract.csv"],
                mapping=extract_mapping_read(PACKAGE / "mappings" / "nwl-crime.toml"),
            ),
            extract_import(
                paths=[LOCAL / "nwl-asb-incidents.csv"],
                mapping=extract_mapping_read(PACKAGE / "mappings" / "nwl-asb.toml"),
            ),
        ]
        indicators_load(path_or_text=PACKAGE / "indicators" / "nwl-headline.toml")
        headline = indicator_set_for(slug="nwl-headline", partnership=None)
        assert headline is not None
        scope = area_scope(NORTH_WEST_LEICESTERSHIRE)
        table: dict[str, list[int]] = {}
        series: dict[str, list[tuple[dt.date, int]]] = {}
        for member in headline.members.select_related("indicator"):
            indicator = member.indicator
            assert indicator.area_code == NORTH_WEST_LEICESTERSHIRE
            series[indicator.slug] = indicator_series(
                indicator=indicator, scope=scope, month_from=FIRST_MONTH, month_to=LAST_MONTH
            )
            years: Counter[str] = Counter()
            for month, count in series[indicator.slug]:
                years[_rolling_year(month)] += count
            table[indicator.name] = [years[year] for year in YEARS]
        transaction.set_rollback(True)
    return {"table": table, "series": series, "runs": runs}


def test_both_extracts_are_imported_whole(counted):
    assert [(run.rows_read, run.rows_stored, run.rows_rejected) for run in counted["runs"]] == [
        (27_903, 27_903, 0),
        (6_439, 6_439, 0),
    ]


def test_the_set_has_the_seeds_18_rows_in_its_order(counted):
    assert list(counted["table"]) == list(SEED)
    assert len(SEED) == 18


@pytest.mark.parametrize("row", list(SEED))
def test_every_cell_of_the_row_equals_the_seed(counted, row):
    expected = [0 if cell is None else cell for cell in SEED[row]]
    assert counted["table"][row] == expected
    # A blank in the seed is a year the data cannot give (the burglary subgroups before FY 2017): a count
    # of 0, and only there.
    assert [count == 0 for count in counted["table"][row]] == [cell is None for cell in SEED[row]]


def test_a_series_has_every_month_with_the_months_before_a_subgroup_began_as_0(counted):
    series = counted["series"]["nwl-burglary-residential"]
    assert len(series) == 60
    assert (series[0][0], series[-1][0]) == (FIRST_MONTH, LAST_MONTH)
    assert [count for month, count in series if month < dt.date(2016, 10, 1)] == [0] * 24
    assert all(count > 0 for month, count in series if month >= dt.date(2016, 10, 1))
