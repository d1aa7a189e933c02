"""Seed 003's headline table of North West Leicestershire, printed by `headline_table` from the local
extracts: every count, every blank and every year-on-year percentage the seed published."""

import csv
import io
import itertools
import json
from pathlib import Path

import pytest
from django.core.management import call_command

pytestmark = pytest.mark.django_db


def test_the_command_prints_the_seed_table_of_north_west_leicestershire(nwl_extracts):
    """Seed 003's table, cell for cell: the counts, the blanks, and the seed's year-on-year percentages."""
    out = io.StringIO()
    call_command(
        "headline_table",
        "--area=E07000134",
        "--period=rolling-12",
        "--to=2019-09",
        "--years=5",
        "--indicators=nwl-headline",
        "--format=json",
        stdout=out,
    )
    printed = {row["name"]: row for row in json.loads(out.getvalue())["rows"]}
    seed = _seed_rows()
    assert list(printed) == list(seed)
    for name, (counts, changes) in seed.items():
        assert printed[name]["counts"] == counts, name
        assert printed[name]["change_pct"] == changes, name

    out = io.StringIO()
    call_command(
        "headline_table",
        "--area=E07000134",
        "--period=rolling-12",
        "--to=2019-09",
        "--indicators=nwl-headline",
        stdout=out,
    )
    rows = list(csv.reader(io.StringIO(out.getvalue())))
    assert rows[0] == [
        "indicator",
        "12 months to Sep 2015",
        "12 months to Sep 2016",
        "12 months to Sep 2017",
        "12 months to Sep 2018",
        "12 months to Sep 2019",
        "change_pct",
        "rate_per_1000",
        "significant",
    ]
    residential = next(row for row in rows if row[0] == "Burglary Residential")
    assert residential[1:7] == ["", "", "275", "439", "438", "-0.2"]


def _seed_rows() -> dict[str, tuple[list[int | None], list[float | None]]]:
    """The seed's table as published in 003 (the text of the PDF), counts and 'Yearly Change %'."""
    text = (
        Path(__file__).resolve().parents[3] / "data" / "local" / "nwl-headline-figures-2019.csv"
    ).read_text()
    rows = {}
    for row in csv.DictReader(io.StringIO(text)):
        counts = [int(row[key]) if row[key] else None for key in list(row)[1:]]
        changes: list[float | None] = [None]
        for before, after in itertools.pairwise(counts):
            changes.append(None if not before or after is None else round((after - before) / before * 100, 1))
        rows[row["Offence Category"]] = (counts, changes)
    return rows


@pytest.mark.parametrize(
    ("name", "published"),
    [
        ("Total crime", [None, 2.7, 28.0, 6.7, 8.3]),
        ("Burglary Residential", [None, None, None, 59.6, -0.2]),
        ("Burglary Business & Community", [None, None, None, 101.6, -23.0]),
        ("Hate Crime", [None, 24.2, -4.9, 94.9, 2.6]),
        ("Robbery", [None, 0.0, 27.8, 0.0, -13.0]),
    ],
)
def test_the_seed_percentages_are_those_the_seed_printed(name, published):
    """The percentages the test expects are the ones typed in seed 003, not only recomputed ones."""
    assert _seed_rows()[name][1] == published
