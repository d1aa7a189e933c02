"""Synthetic police.uk street-level archives at national scale, deterministic for a seed.

One zip a month, `YYYY-MM.zip`, holding `YYYY-MM/YYYY-MM-<force>-street.csv` for each of the 43
territorial forces of England and Wales, in police.uk's exact header and format (no quoting, LF line
ends, a trailing empty Context). Rows are made in bulk with numpy and written with pyarrow's CSV writer.

LSOAs come from the national ONS lookup (../shared/data/ons) when it is there, else from the project's
trimmed copy (data/ons: far fewer LSOAs). With the national lookup each force gets its real area's LSOAs
(LAD -> police force area lookup); when some force would get none (the trimmed copy), each force gets a
contiguous share of the LSOAs sorted by district. Output is cached under var/bench/policeuk/, keyed by
(years, rows a year, seed, LSOA source), so reruns skip generation.

    python -m benchmarks.generate_policeuk --years 2023 --rows-per-year 6000000 --seed 1
"""

import argparse
import io
import json
import os
import shutil
import time
import zipfile
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.csv as pacsv

from benchmarks import BENCH_DIR, ONS_LOOKUP, data_dir

GENERATOR_VERSION = 1
HEADER = (
    "Crime ID,Month,Reported by,Falls within,Longitude,Latitude,Location,LSOA code,LSOA name,"
    "Crime type,Last outcome category,Context\n"
)

# The 43 territorial forces of England and Wales: police.uk's slug, the name in its files, and the
# police force area's name in the ONS LAD -> PFA lookup (2019).
FORCES = (
    ("avon-and-somerset", "Avon and Somerset Constabulary", "Avon and Somerset"),
    ("bedfordshire", "Bedfordshire Police", "Bedfordshire"),
    ("cambridgeshire", "Cambridgeshire Constabulary", "Cambridgeshire"),
    ("cheshire", "Cheshire Constabulary", "Cheshire"),
    ("city-of-london", "City of London Police", "City of London"),
    ("cleveland", "Cleveland Police", "Cleveland"),
    ("cumbria", "Cumbria Constabulary", "Cumbria"),
    ("derbyshire", "Derbyshire Constabulary", "Derbyshire"),
    ("devon-and-cornwall", "Devon & Cornwall Police", "Devon & Cornwall"),
    ("dorset", "Dorset Police", "Dorset"),
    ("durham", "Durham Constabulary", "Durham"),
    ("dyfed-powys", "Dyfed-Powys Police", "Dyfed-Powys"),
    ("essex", "Essex Police", "Essex"),
    ("gloucestershire", "Gloucestershire Constabulary", "Gloucestershire"),
    ("greater-manchester", "Greater Manchester Police", "Greater Manchester"),
    ("gwent", "Gwent Police", "Gwent"),
    ("hampshire", "Hampshire Constabulary", "Hampshire"),
    ("hertfordshire", "Hertfordshire Constabulary", "Hertfordshire"),
    ("humberside", "Humberside Police", "Humberside"),
    ("kent", "Kent Police", "Kent"),
    ("lancashire", "Lancashire Constabulary", "Lancashire"),
    ("leicestershire", "Leicestershire Police", "Leicestershire"),
    ("lincolnshire", "Lincolnshire Police", "Lincolnshire"),
    ("merseyside", "Merseyside Police", "Merseyside"),
    ("metropolitan", "Metropolitan Police Service", "Metropolitan Police"),
    ("norfolk", "Norfolk Constabulary", "Norfolk"),
    ("north-wales", "North Wales Police", "North Wales"),
    ("north-yorkshire", "North Yorkshire Police", "North Yorkshire"),
    ("northamptonshire", "Northamptonshire Police", "Northamptonshire"),
    ("northumbria", "Northumbria Police", "Northumbria"),
    ("nottinghamshire", "Nottinghamshire Police", "Nottinghamshire"),
    ("south-wales", "South Wales Police", "South Wales"),
    ("south-yorkshire", "South Yorkshire Police", "South Yorkshire"),
    ("staffordshire", "Staffordshire Police", "Staffordshire"),
    ("suffolk", "Suffolk Constabulary", "Suffolk"),
    ("surrey", "Surrey Police", "Surrey"),
    ("sussex", "Sussex Police", "Sussex"),
    ("thames-valley", "Thames Valley Police", "Thames Valley"),
    ("warwickshire", "Warwickshire Police", "Warwickshire"),
    ("west-mercia", "West Mercia Police", "West Mercia"),
    ("west-midlands", "West Midlands Police", "West Midlands"),
    ("west-yorkshire", "West Yorkshire Police", "West Yorkshire"),
    ("wiltshire", "Wiltshire Police", "Wiltshire"),
)
ASB = "Anti-social behaviour"
# The national mix of police.uk rows by crime type (per cent).
CRIME_TYPES = (
    ("Violence and sexual offences", 33.0),
    (ASB, 17.0),
    ("Public order", 10.0),
    ("Criminal damage and arson", 8.0),
    ("Other theft", 7.0),
    ("Shoplifting", 7.0),
    ("Vehicle crime", 5.0),
    ("Burglary", 4.5),
    ("Drugs", 2.5),
    ("Other crime", 1.5),
    ("Theft from the person", 1.3),
    ("Bicycle theft", 1.2),
    ("Possession of weapons", 1.1),
    ("Robbery", 0.9),
)
# Last outcome categories of crimes (ASB has none), roughly as a recent year of police.uk files has them.
OUTCOMES = (
    ("Investigation complete; no suspect identified", 40.0),
    ("Unable to prosecute suspect", 33.0),
    ("Court result unavailable", 7.0),
    ("Under investigation", 4.0),
    ("Local resolution", 4.0),
    ("Action to be taken by another organisation", 2.2),
    ("Formal action is not in the public interest", 1.8),
    ("Further action is not in the public interest", 1.5),
    ("Status update unavailable", 1.5),
    ("Awaiting court outcome", 1.2),
    ("Further investigation is not in the public interest", 0.9),
    ("Offender given a caution", 0.8),
    ("Suspect charged as part of another case", 0.4),
    ("Offender given a drugs possession warning", 0.3),
    ("Offender given penalty notice", 0.2),
    ("Offender given community sentence", 0.1),
    ("Offender sent to prison", 0.1),
)
NO_LOCATION_SHARE = 0.02
BLANK_STREET_SHARE = 0.015  # police.uk has rows reading just "On or near "
PLACE_SHARE = 0.2  # snapped to a point of interest rather than a street
PLACES = (
    "Supermarket",
    "Parking Area",
    "Shopping Area",
    "Petrol Station",
    "Sports/Recreation Area",
    "Nightclub",
    "Further/Higher Educational Building",
    "Hospital",
    "Police Station",
    "Theatre/Concert Hall",
    "Conference/Exhibition Centre",
    "Park/Open Space",
    "Bus/Coach Station",
    "Pedestrian Subway",
)
STREET_NAMES = (
    "High",
    "Church",
    "Station",
    "Victoria",
    "Green",
    "Manor",
    "Park",
    "Queens",
    "Kings",
    "Mill",
    "School",
    "Chapel",
    "New",
    "London",
    "York",
    "Albert",
    "Windsor",
    "Grange",
    "Springfield",
    "Meadow",
    "Orchard",
    "Willow",
    "Oak",
    "Beech",
    "Elm",
    "Ash",
    "Cedar",
    "Highfield",
    "Westfield",
    "North",
    "South",
    "West",
    "East",
    "Market",
    "Bridge",
    "Castle",
    "Abbey",
    "Forest",
    "Brook",
    "Hill",
    "Lime",
    "Rectory",
    "Vicarage",
    "Cross",
    "Glebe",
    "Stanley",
    "Clarence",
    "Alexandra",
    "Cromwell",
    "Nelson",
)
STREET_KINDS = ("Road", "Street", "Lane", "Avenue", "Close", "Way", "Drive", "Gardens", "Crescent", "Place")
HEX = np.frombuffer(b"0123456789abcdef", dtype=np.uint8)
_WRITE_OPTIONS = pacsv.WriteOptions(include_header=False, quoting_style="none")


@dataclass
class Geography:
    """The LSOAs rows are placed in, and which force each belongs to, as numpy arrays."""

    codes: np.ndarray  # object array of str
    names: np.ndarray
    latitude: np.ndarray
    longitude: np.ndarray
    weight: np.ndarray  # relative crime volume of each LSOA
    force: np.ndarray  # index into FORCES
    national: bool
    how: str


def load_geography(seed: int) -> Geography:
    data, national = data_dir()
    ons = data / "ons"
    lookup = pacsv.read_csv(ons / ONS_LOOKUP).select(["LSOA11CD", "LSOA11NM", "LAD19CD"]).to_pydict()
    order = sorted(
        range(len(lookup["LSOA11CD"])), key=lambda i: (lookup["LAD19CD"][i], lookup["LSOA11CD"][i])
    )
    codes = np.array([lookup["LSOA11CD"][i] for i in order], dtype=object)
    names = np.array([lookup["LSOA11NM"][i] for i in order], dtype=object)
    districts = [lookup["LAD19CD"][i] for i in order]
    latitude = np.full(len(codes), 52.6)
    longitude = np.full(len(codes), -1.4)
    centroids_path = ons / "lsoa_centroids.csv"
    if centroids_path.exists():
        centroids = pacsv.read_csv(centroids_path).select(["LSOACD", "latitude", "longitude"]).to_pydict()
        where = {code: i for i, code in enumerate(centroids["LSOACD"])}
        for position, code in enumerate(codes):
            if code in where:
                latitude[position] = centroids["latitude"][where[code]]
                longitude[position] = centroids["longitude"][where[code]]
    rng = np.random.default_rng([seed, 0])
    weight = rng.lognormal(0.0, 0.7, len(codes))  # crime concentrates in some places
    force = _forces_by_area(ons, districts)
    how = "each force's own LSOAs (ONS LAD to police force area lookup)"
    if force is None or len(np.unique(force)) < len(FORCES):
        # Contiguous shares of the LSOAs sorted by district: every force gets some.
        force = np.repeat(np.arange(len(FORCES)), [len(part) for part in np.array_split(codes, len(FORCES))])
        how = "a contiguous share of the LSOAs (sorted by district) for each force"
    return Geography(codes, names, latitude, longitude, weight, force, national, how)


def _forces_by_area(ons: Path, districts: list[str]) -> np.ndarray | None:
    path = ons / "lad19_to_csp19_to_pfa19.csv"
    if not path.exists():
        return None
    table = pacsv.read_csv(path).select(["LAD19CD", "PFA19NM"]).to_pydict()
    force_of_area = {area: index for index, (_, _, area) in enumerate(FORCES)}
    force_of_area["Devon and Cornwall"] = force_of_area["Devon & Cornwall"]
    force_of_area["London, City of"] = force_of_area["City of London"]
    by_district = {
        lad: force_of_area[pfa]
        for lad, pfa in zip(table["LAD19CD"], table["PFA19NM"], strict=True)
        if pfa in force_of_area
    }
    if any(lad not in by_district for lad in districts):
        return None
    return np.array([by_district[lad] for lad in districts])


@dataclass(frozen=True)
class Dataset:
    folder: Path
    zips: list[Path]
    years: tuple[int, ...]
    rows: int
    rows_per_force_year: dict[str, int]
    lsoas: int
    national: bool
    how: str
    seconds: float
    cached: bool
    bytes_zipped: int
    bytes_csv: int


def dataset_key(years: tuple[int, ...], rows_per_year: int, seed: int) -> str:
    _, national = data_dir()
    span = f"{years[0]}" if len(years) == 1 else f"{years[0]}-{years[-1]}"
    source = "national" if national else "project"
    return f"{span}_{rows_per_year}r_s{seed}_{source}_v{GENERATOR_VERSION}"


def generate(
    *, years: tuple[int, ...], rows_per_year: int, seed: int, processes: int | None = None
) -> Dataset:
    """The archives for these years, from the cache when they were made before."""
    folder = BENCH_DIR / "policeuk" / dataset_key(years, rows_per_year, seed)
    manifest_path = folder / "manifest.json"
    if manifest_path.exists():
        manifest = json.loads(manifest_path.read_text())
        return _dataset(folder, manifest, cached=True)
    started = time.perf_counter()
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    geography = load_geography(seed)
    months = [(year, month) for year in years for month in range(1, 13)]
    per_month = _rows_per_month(rows_per_year)
    tasks = [(folder, seed, year, month, per_month[month - 1]) for year, month in months]
    workers = processes or min(len(tasks), os.cpu_count() or 1)
    counts: dict[str, int] = dict.fromkeys((slug for slug, _, _ in FORCES), 0)
    sizes = [0, 0]
    with ProcessPoolExecutor(max_workers=workers, initializer=_init_worker, initargs=(geography,)) as pool:
        for by_force, zipped, unzipped in pool.map(_month_write, tasks):
            for slug, rows in by_force.items():
                counts[slug] += rows
            sizes[0] += zipped
            sizes[1] += unzipped
    manifest = {
        "years": list(years),
        "rows": sum(counts.values()),
        "rows_per_force_year": {slug: rows // len(years) for slug, rows in counts.items()},
        "lsoas": len(np.unique(geography.codes)),
        "national": geography.national,
        "how": geography.how,
        "seconds": round(time.perf_counter() - started, 2),
        "bytes_zipped": sizes[0],
        "bytes_csv": sizes[1],
        "zips": [f"{year}-{month:02d}.zip" for year, month in months],
    }
    manifest_path.write_text(json.dumps(manifest, indent=2))
    return _dataset(folder, manifest, cached=False)


def _dataset(folder: Path, manifest: dict, *, cached: bool) -> Dataset:
    return Dataset(
        folder=folder,
        zips=[folder / name for name in manifest["zips"]],
        years=tuple(manifest["years"]),
        rows=manifest["rows"],
        rows_per_force_year=manifest["rows_per_force_year"],
        lsoas=manifest["lsoas"],
        national=manifest["national"],
        how=manifest["how"],
        seconds=manifest["seconds"],
        cached=cached,
        bytes_zipped=manifest["bytes_zipped"],
        bytes_csv=manifest["bytes_csv"],
    )


def _rows_per_month(rows_per_year: int) -> list[int]:
    """A mild seasonal shape (more in summer), summing exactly to the year's rows."""
    shape = 1 + 0.06 * np.sin(2 * np.pi * (np.arange(12) - 3) / 12)
    exact = rows_per_year * shape / shape.sum()
    rows = np.floor(exact).astype(np.int64)
    rows[np.argsort(rows - exact)[: rows_per_year - rows.sum()]] += 1
    return rows.tolist()


_geography: Geography | None = None


def _init_worker(geography: Geography) -> None:
    global _geography
    _geography = geography


def _month_write(task: tuple[Path, int, int, int, int]) -> tuple[dict[str, int], int, int]:
    folder, seed, year, month, rows = task
    assert _geography is not None  # noqa: S101
    geography = _geography
    rng = np.random.default_rng([seed, year, month])
    force_weight = np.bincount(geography.force, weights=geography.weight, minlength=len(FORCES))
    per_force = rng.multinomial(rows, force_weight / force_weight.sum())
    label = f"{year}-{month:02d}"
    final = folder / f"{label}.zip"
    temporary = folder / f".{label}.zip.tmp"
    by_force: dict[str, int] = {}
    unzipped = 0
    with zipfile.ZipFile(temporary, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
        archive.mkdir(f"{label}/")
        for index, (slug, name, _) in enumerate(FORCES):
            csv = _force_month_csv(rng, geography, index, name, label, int(per_force[index]))
            archive.writestr(f"{label}/{label}-{slug}-street.csv", csv)
            by_force[slug] = int(per_force[index])
            unzipped += len(csv)
    os.replace(temporary, final)
    return by_force, final.stat().st_size, unzipped


def _dictionary(
    indices: np.ndarray, values: list[str] | np.ndarray, mask: np.ndarray | None = None
) -> pa.Array:
    return pa.DictionaryArray.from_arrays(
        pa.array(indices.astype(np.int32), mask=mask), pa.array(list(values), pa.string())
    )


def _force_month_csv(
    rng: np.random.Generator, geography: Geography, force: int, name: str, label: str, rows: int
) -> bytes:
    lsoas = np.flatnonzero(geography.force == force)
    cumulative = np.cumsum(geography.weight[lsoas])
    place = lsoas[np.searchsorted(cumulative, rng.random(rows) * cumulative[-1], side="right")]
    type_cumulative = np.cumsum([share for _, share in CRIME_TYPES])
    crime_type = np.searchsorted(type_cumulative, rng.random(rows) * type_cumulative[-1], side="right")
    is_asb = crime_type == 1
    no_location = rng.random(rows) < NO_LOCATION_SHARE
    # police.uk files run LSOA by LSOA, the rows with no location last.
    order = np.lexsort((crime_type, np.where(no_location, len(geography.codes), place)))
    place, crime_type, is_asb, no_location = (
        place[order],
        crime_type[order],
        is_asb[order],
        no_location[order],
    )

    outcome_cumulative = np.cumsum([share for _, share in OUTCOMES])
    outcome = np.searchsorted(outcome_cumulative, rng.random(rows) * outcome_cumulative[-1], side="right")

    # Coordinates: anonymised map points near the LSOA's population-weighted centroid.
    latitude = np.round(geography.latitude[place] + rng.normal(0.0, 0.004, rows), 6)
    longitude = np.round(geography.longitude[place] + rng.normal(0.0, 0.006, rows), 6)

    # Location: a street of the LSOA (each LSOA has a handful), a point of interest, or a blank street.
    streets = len(STREET_NAMES) * len(STREET_KINDS)
    street = (place * 7 + rng.integers(0, 9, rows)) % streets
    roll = rng.random(rows)
    location = np.where(roll < PLACE_SHARE, streets + rng.integers(0, len(PLACES), rows), street)
    location = np.where(roll > 1 - BLANK_STREET_SHARE, streets + len(PLACES), location)
    location = np.where(no_location, streets + len(PLACES) + 1, location)

    codes_used, lsoa_index = np.unique(place, return_inverse=True)
    table = pa.table(
        {
            "Crime ID": _crime_ids(rng, ~is_asb),
            "Month": _dictionary(np.zeros(rows), [label]),
            "Reported by": _dictionary(np.zeros(rows), [name]),
            "Falls within": _dictionary(np.zeros(rows), [name]),
            "Longitude": pa.array(longitude, mask=no_location),
            "Latitude": pa.array(latitude, mask=no_location),
            "Location": _dictionary(location, _LOCATIONS),
            "LSOA code": _dictionary(lsoa_index, geography.codes[codes_used], mask=no_location),
            "LSOA name": _dictionary(lsoa_index, geography.names[codes_used], mask=no_location),
            "Crime type": _dictionary(crime_type, [crime for crime, _ in CRIME_TYPES]),
            "Last outcome category": _dictionary(outcome, [o for o, _ in OUTCOMES], mask=is_asb),
            "Context": pa.nulls(rows, pa.string()),
        }
    )
    buffer = io.BytesIO()
    buffer.write(HEADER.encode())
    pacsv.write_csv(table, buffer, write_options=_WRITE_OPTIONS)
    return buffer.getvalue()


_LOCATIONS = [
    *(f"On or near {street} {kind}" for street in STREET_NAMES for kind in STREET_KINDS),
    *(f"On or near {place}" for place in PLACES),
    "On or near ",
    "No Location",
]


def _crime_ids(rng: np.random.Generator, has_id: np.ndarray) -> pa.Array:
    """64 hex digits for each crime, an empty string for ASB: built straight into Arrow's buffers."""
    count = int(has_id.sum())
    random = np.frombuffer(rng.bytes(count * 32), dtype=np.uint8)
    digits = np.empty(count * 64, dtype=np.uint8)
    digits[0::2] = HEX[random >> 4]
    digits[1::2] = HEX[random & 15]
    offsets = np.zeros(len(has_id) + 1, dtype=np.int32)
    np.cumsum(has_id * 64, out=offsets[1:])
    return pa.StringArray.from_buffers(len(has_id), pa.py_buffer(offsets), pa.py_buffer(digits))


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--years", nargs="+", type=int, default=[2023], help="Calendar years to make.")
    parser.add_argument("--rows-per-year", type=int, default=6_000_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--processes", type=int, default=None)
    args = parser.parse_args(argv)
    dataset = generate(
        years=tuple(args.years), rows_per_year=args.rows_per_year, seed=args.seed, processes=args.processes
    )
    print(describe(dataset))


def describe(dataset: Dataset) -> str:
    lsoa_source = (
        "the national ONS lookup"
        if dataset.national
        else "the project's trimmed copy of the ONS lookup (data/ons): FEWER LSOAs than national"
    )
    return (
        f"{dataset.rows:,} rows over {len(dataset.zips)} monthly zips "
        f"({dataset.years[0]}-{dataset.years[-1]}), "
        f"{dataset.lsoas:,} LSOAs from {lsoa_source}; {dataset.how}. "
        f"{dataset.bytes_csv / 1e9:.2f} GB of CSV, {dataset.bytes_zipped / 1e9:.2f} GB zipped. "
        + (
            f"Cached (made in {dataset.seconds:.1f} s)."
            if dataset.cached
            else f"Made in {dataset.seconds:.1f} s."
        )
        + f" {dataset.folder}"
    )


if __name__ == "__main__":
    main()
