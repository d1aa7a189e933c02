"""Counting police.uk archives the plain way, to check the engine against: csv module, no shared code."""

import csv
import io
import zipfile
from collections import Counter
from pathlib import Path

DATA = Path(__file__).resolve().parents[3] / "data"


def district_lsoas(lad: str) -> set[str]:
    """LSOAs of a district: 2011 codes from the ONS lookup, 2021 codes from the 2021 boundary file."""
    codes = set()
    with open(DATA / "ons" / "lsoa11_to_ward19_to_lad19.csv", encoding="utf-8-sig") as handle:
        codes |= {row["LSOA11CD"] for row in csv.DictReader(handle) if row["LAD19CD"] == lad}
    import json

    boundary = json.loads((DATA / "boundaries" / "lsoa" / f"{lad}.geojson").read_text())
    codes |= {feature["properties"]["LSOA21CD"] for feature in boundary["features"]}
    return codes


def street_rows(zip_paths: list[Path]):
    for zip_path in zip_paths:
        with zipfile.ZipFile(zip_path) as archive:
            for name in sorted(archive.namelist()):
                if name.endswith("-street.csv"):
                    text = archive.read(name).decode("utf-8-sig")
                    yield from csv.DictReader(io.StringIO(text))


def counts_by_month(zip_paths: list[Path], lsoas: set[str]) -> Counter:
    """(YYYY-MM, crime type) -> count of rows whose LSOA is one of `lsoas`."""
    return Counter(
        (row["Month"], row["Crime type"]) for row in street_rows(zip_paths) if row["LSOA code"] in lsoas
    )


def financial_year(month: str) -> str:
    year, number = int(month[:4]), int(month[5:7])
    start = year if number >= 4 else year - 1
    return f"{start}/{(start + 1) % 100:02d}"
