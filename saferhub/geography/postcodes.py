"""Reading the ONS Postcode Directory (ONSPD) or the National Statistics Postcode Lookup (NSPL): each live
postcode with its centre and its 2021 LSOA. Both are CSV files with one header row; the columns are found
by name, so either product, and the smaller extracts ONS publishes of them, can be read."""

import csv
import io
from collections.abc import Iterator
from pathlib import Path

from saferhub.geography.readers import GeographyFileError

POSTCODE_COLUMNS = ("pcds", "pcd", "pcd7", "pcd8", "postcode")
LSOA_COLUMNS = ("lsoa21cd", "lsoa21", "lsoa11cd", "lsoa11")
LATITUDE_COLUMNS = ("lat", "latitude")
LONGITUDE_COLUMNS = ("long", "longitude", "lon")
TERMINATED_COLUMNS = ("doterm",)


def _column(header: list[str], names: tuple[str, ...]) -> int | None:
    lowered = [name.strip().lower() for name in header]
    return next((lowered.index(name) for name in names if name in lowered), None)


def _required_column(header: list[str], names: tuple[str, ...], path: Path) -> int:
    found = _column(header, names)
    if found is None:
        raise GeographyFileError(
            f"{path.name}: no column {names[0]} (looked for {', '.join(names)}): is this the ONS Postcode "
            "Directory or the National Statistics Postcode Lookup?"
        )
    return found


def _coordinate(text: str, path: Path, line: int, column: str) -> float | None:
    """ONS writes 99.999999 / 0.000000 for a postcode with no grid reference: no point."""
    if not text.strip():
        return None
    try:
        value = float(text)
    except ValueError:
        raise GeographyFileError(
            f"{path.name}, line {line}, column {column}: '{text}' is not a number"
        ) from None
    return None if value >= 99 else value


def postcode_rows(path: Path) -> Iterator[tuple[str, str, float | None, float | None]]:
    """(postcode as written with one space, LSOA code, latitude, longitude) of each live postcode."""
    try:
        text = io.TextIOWrapper(path.open("rb"), encoding="utf-8-sig", newline="")
        reader = csv.reader(text)
        header = next(reader, None)
    except (OSError, UnicodeDecodeError) as error:
        raise GeographyFileError(f"{path.name}: cannot be read as UTF-8 CSV ({error})") from None
    if not header:
        raise GeographyFileError(f"{path.name} is empty")
    postcode_at = _required_column(header, POSTCODE_COLUMNS, path)
    lsoa_at = _required_column(header, LSOA_COLUMNS, path)
    lat_at = _column(header, LATITUDE_COLUMNS)
    lon_at = _column(header, LONGITUDE_COLUMNS)
    ended_at = _column(header, TERMINATED_COLUMNS)
    with text:
        try:
            for line, row in enumerate(reader, start=2):
                if not row:
                    continue
                if len(row) < len(header):
                    raise GeographyFileError(
                        f"{path.name}, line {line}: {len(row)} columns where the header has {len(header)}"
                    )
                if ended_at is not None and row[ended_at].strip():
                    continue
                compact = row[postcode_at].replace(" ", "").upper()
                if len(compact) < 5:
                    raise GeographyFileError(
                        f"{path.name}, line {line}, column {header[postcode_at]}: '{row[postcode_at]}' "
                        "is not a postcode"
                    )
                yield (
                    f"{compact[:-3]} {compact[-3:]}",
                    row[lsoa_at].strip(),
                    _coordinate(row[lat_at], path, line, header[lat_at]) if lat_at is not None else None,
                    _coordinate(row[lon_at], path, line, header[lon_at]) if lon_at is not None else None,
                )
        except UnicodeDecodeError:
            raise GeographyFileError(f"{path.name}: not UTF-8 text") from None
