"""police.uk stop-and-search files: searches, not crimes, stored beside them under their own source.

A search has a date and time and coordinates but no LSOA: it is placed in the 2021 LSOA whose boundary
holds its point, where boundaries are held; otherwise it counts for its force only.
"""

import datetime as dt
from typing import Protocol

import pyarrow as pa
import pyarrow.compute as pc

from saferhub.crimedata import schema
from saferhub.crimedata.csvfiles import Rejection

SEARCH_TYPES = frozenset({"Person search", "Vehicle search", "Person and Vehicle search"})
CATEGORY = "Stop and search"


class PointPlacer(Protocol):
    def lsoa_for_point(self, *, longitudes: pa.Array, latitudes: pa.Array) -> pa.Array: ...


def _is_date(text: str) -> bool:
    try:
        dt.date.fromisoformat(text[:10])
    except ValueError:
        return False
    return len(text) >= 10


def stop_search_rows(
    table: pa.Table,
    *,
    name: str,
    lines: list[int],
    force: str,
    numbers: tuple[pa.Array, pa.Array],
    outside: tuple[pa.Array, pa.Array],
    lsoa_vintages: dict[str, int],
    placer: PointPlacer | None,
) -> tuple[pa.Table, list[Rejection]]:
    """The searches as rows of the crime table, and the rows rejected (file, line, column, reason)."""
    longitude, latitude = numbers
    dates = table["Date"]
    distinct = pc.unique(dates).to_pylist()
    good_dates = pc.is_in(dates, value_set=pa.array([d for d in distinct if d and _is_date(d)], pa.string()))
    rules = [
        (
            "Type",
            "not a police.uk search type",
            pc.invert(pc.is_in(table["Type"], pa.array(sorted(SEARCH_TYPES)))),
        ),
        ("Date", "date is not in the form YYYY-MM-DD", pc.invert(good_dates)),
        ("Longitude", "longitude is not a number in the UK's range", outside[0]),
        ("Latitude", "latitude is not a number in the UK's range", outside[1]),
    ]
    failed_any = pa.repeat(False, table.num_rows)
    rejections = []
    for column, reason, failed in rules:
        failed = pc.fill_null(failed, True)
        new = pc.and_(failed, pc.invert(failed_any))
        rejections += [Rejection(name, lines[i], column, reason) for i in pc.indices_nonzero(new).to_pylist()]
        failed_any = pc.or_(failed_any, failed)
    ok = pc.invert(failed_any)
    kept = table.filter(ok)
    longitude, latitude = longitude.filter(ok), latitude.filter(ok)
    rows = kept.num_rows
    date = pc.cast(pc.utf8_slice_codeunits(kept["Date"], 0, 10), pa.date32())
    month = pc.cast(
        pc.binary_join_element_wise(pc.utf8_slice_codeunits(kept["Date"], 0, 7), "-01", ""), pa.date32()
    )
    if placer is not None:
        lsoa = placer.lsoa_for_point(longitudes=longitude, latitudes=latitude)
    else:
        lsoa = pa.nulls(rows, pa.string())
    known = [code for code in pc.unique(lsoa).to_pylist() if code in lsoa_vintages]
    vintage = pc.take(
        pa.array([lsoa_vintages[code] for code in known], pa.int16()),
        pc.index_in(lsoa, value_set=pa.array(known, pa.string())),
    )
    nulls = lambda typ: pa.nulls(rows, typ)  # noqa: E731
    outcome = pc.if_else(pc.equal(kept["Outcome"], ""), None, kept["Outcome"])
    crime_rows = pa.table(
        {
            "source": pa.repeat(schema.SOURCE_POLICEUK_STOP_SEARCH, rows),
            "force": pa.repeat(force, rows),
            "month": month,
            "date": date,
            "reference": nulls(pa.string()),
            "crime_id": nulls(schema.CRIME_ID),
            "category": pa.repeat(CATEGORY, rows),
            "subcategory": kept["Type"],
            "lsoa": lsoa,
            "lsoa_vintage": vintage,
            "longitude": longitude,
            "latitude": latitude,
            "location": nulls(pa.string()),
            "outcome": outcome,
            "domestic": nulls(pa.bool_()),
            "alcohol": nulls(pa.bool_()),
            "hate": nulls(pa.bool_()),
            "rural": nulls(pa.bool_()),
            "asb_type": nulls(pa.string()),
        },
        schema=schema.CRIME_ROW,
    )
    return crime_rows, rejections
