"""The crime files the tests import, shaped as their sources write them: police.uk street-level rows and
months, and a partnership's local extract with its column mapping."""

from pathlib import Path
from tempfile import mkdtemp

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import TestCase

from saferhub.crimedata import schema
from saferhub.crimedata.extracts import extract_mapping_parse
from saferhub.crimedata.services import column_mapping_save, crime_import, extract_import

LEICESTER = "E06000016"
IN_LEICESTER = "E01013636"  # Leicester 029B, the same code in 2011 and 2021
STREET_HEADER = ",".join(schema.POLICEUK_STREET_HEADER)


def street_line(
    month: str,
    crime_id: str = "abc",
    *,
    lsoa: str = IN_LEICESTER,
    lsoa_name: str = "Leicester 029B",
    crime_type: str = "Burglary",
    location: str = "On or near a street",
    longitude: str = "-1.15",
    latitude: str = "52.63",
    outcome: str = "Under investigation",
) -> str:
    """One row of a police.uk street-level file, as Leicestershire Police's archive writes it."""
    force = "Leicestershire Police"
    fields = [
        crime_id,
        month,
        force,
        force,
        longitude,
        latitude,
        location,
        lsoa,
        lsoa_name,
        crime_type,
        outcome,
    ]
    return ",".join(fields) + ","  # the Context column, always empty


MAPPING = """
slug = "alpha-crime"
name = "Alpha recorded crime extract"
source = "alpha.crime"
force = "leicestershire"

[columns]
reference = "Ref"
date = "Date"
category = "Offence"
lsoa = "LSOA"
domestic = "Domestic"
"""


def street_csv(month: str, *, good: int = 3, bad: int = 1, no_location: int = 0) -> bytes:
    """A police.uk street-level file: good rows in Leicester, rows with no location, and rejected rows."""
    nowhere = {
        "lsoa": "",
        "lsoa_name": "",
        "location": "No location",
        "longitude": "",
        "latitude": "",
        "outcome": "",
    }
    lines = [STREET_HEADER]
    lines += [street_line(month, f"id{index}") for index in range(good)]
    lines += [
        street_line(month, f"nl{index}", crime_type="Shoplifting", **nowhere) for index in range(no_location)
    ]
    lines += [
        street_line(month, f"bad{index}", crime_type="Not a crime type", **nowhere) for index in range(bad)
    ]
    return ("\n".join(lines) + "\n").encode()


def street_file(month: str, **rows: int) -> SimpleUploadedFile:
    return SimpleUploadedFile(f"{month}-leicestershire-street.csv", street_csv(month, **rows), "text/csv")


def upload(client, file, kind="police.uk", slug="alpha"):
    """Upload a file, and let the task worker import it (tasks run at once in the tests)."""
    with TestCase.captureOnCommitCallbacks(execute=True):
        return client.post(f"/p/{slug}/data/imports/new/", {"kind": kind, "file": file})


def import_for(partnership, *months, **rows):
    """Import police.uk months for a partnership, as its pages would (without them)."""
    folder = Path(mkdtemp())
    paths = []
    for month in months:
        path = folder / f"{month}-leicestershire-street.csv"
        path.write_bytes(street_csv(month, **rows))
        paths.append(path)
    return crime_import(paths=paths, partnership=partnership)


def extract_for(partnership, month="2023-02"):
    """Import a local extract of one row for a partnership: its own data, which no other partnership sees."""
    folder = Path(mkdtemp())
    path = folder / f"{partnership.slug}-extract-{month}.csv"
    path.write_text(
        f"Ref,Date,Offence,LSOA,Domestic\nB1,03/{month[5:]}/{month[:4]},Burglary,{IN_LEICESTER},N\n"
    )
    text = MAPPING.replace("alpha.crime", f"{partnership.slug}.crime")
    column_mapping_save(partnership=partnership, text=text, actor=None)
    return extract_import(
        paths=[path], mapping=extract_mapping_parse(text, name="text"), partnership=partnership
    )
