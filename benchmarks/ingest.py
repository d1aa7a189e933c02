"""Ingest benchmark: one national year through `saferhub import_crime`, and through plain pandas.

Both jobs run in their own fresh process on the same archives. The engine's job is the whole command:
read the zips, check every row, write one Parquet file per (source, force, month), commit the manifest,
rebuild the aggregates. Counts are right the moment it returns: the job checks that no aggregate was left
stale for a later count to rebuild, so the figure holds everything a count needs. The pandas baseline
does the same reading, checking and partition writing, and nothing the engine skips: every CSV read
from the zips with pandas (dtype=str); month form, numeric coordinates in the UK's range, a force named,
the crime type one of police.uk's, the LSOA known (from the same database); one zstd Parquet file per
(force, month) with typed month and coordinates.

    python -m benchmarks.ingest pandas --db DB --out DIR ZIP...     (the baseline, as its child runs it)
"""

import argparse
import cProfile
import json
import pstats
import re
import shutil
import sqlite3
import sys
import time
import zipfile
from dataclasses import dataclass
from pathlib import Path

from benchmarks import (
    BENCH_DIR,
    PYTHON,
    Geography,
    engine_fingerprint,
    fresh_run_dir,
    job_env,
    run_child,
    saferhub_command,
)
from benchmarks.generate_policeuk import Dataset
from saferhub.crimedata import schema

_FILE_FORCE = re.compile(r"\d{4}-\d{2}-(?P<force>[a-z0-9-]+?)-street\.csv$")
_MONTH = r"\d{4}-(0[1-9]|1[0-2])"
# The baseline checks what the engine checks, by the same published rules.
CRIME_TYPES = schema.POLICEUK_CRIME_TYPES
LONGITUDE_RANGE = schema.LONGITUDE_RANGE
LATITUDE_RANGE = schema.LATITUDE_RANGE


@dataclass
class IngestResult:
    job: str
    rows_read: int
    rows_stored: int
    rows_rejected: int
    seconds: float
    cpu_seconds: float
    peak_rss_mb: float
    load_average: tuple[float, float]
    cpu_steal_share: float
    cpu_iowait_share: float
    others_cpu_share: float
    partitions: int
    detail: dict

    @property
    def rows_per_second(self) -> float:
        return self.rows_read / self.seconds if self.seconds else 0.0


def engine_ingest(
    dataset: Dataset, geography: Geography, *, name: str, profile: bool = False
) -> IngestResult:
    """`saferhub import_crime --json <the zips>` into a fresh store and database."""
    run_dir = fresh_run_dir(name, geography)
    command = saferhub_command("import_crime", "--json", *map(str, dataset.zips), profiled=profile)
    env = job_env(run_dir)
    if profile:
        env["BENCH_PROFILE"] = str(BENCH_DIR / f"profile-{name}.prof")
    sources = engine_fingerprint()
    result = run_child(command, env=env).check("saferhub import_crime")
    summary = json.loads(result.stdout.strip().splitlines()[-1])
    partitions = sum(1 for _ in (run_dir / "crime" / "partitions").rglob("*.parquet"))
    aggregates = sum(1 for _ in (run_dir / "crime" / "aggregates").rglob("*.parquet"))
    with sqlite3.connect(run_dir / "db.sqlite3") as connection:
        (stale,) = connection.execute("SELECT count(*) FROM crimedata_staleaggregate").fetchone()
    if stale or not aggregates:
        raise RuntimeError(
            f"saferhub import_crime returned with {stale} stale aggregates and {aggregates} aggregate files: "
            "its time would not include everything a count needs"
        )
    return IngestResult(
        job="engine",
        rows_read=summary["rows_read"],
        rows_stored=summary["rows_stored"],
        rows_rejected=summary["rows_rejected"],
        seconds=result.seconds,
        **result.measurements(),
        partitions=partitions,
        detail={
            "run_dir": str(run_dir),
            "notes": summary["notes"][:5],
            "profile": env.get("BENCH_PROFILE", ""),
            "engine_source": sources,
            "aggregate_files": aggregates,
            "stale_aggregates_after": stale,
        },
    )


def pandas_baseline(dataset: Dataset, geography: Geography, *, name: str) -> IngestResult:
    run_dir = fresh_run_dir(name, geography)
    out = run_dir / "parquet"
    command = [PYTHON, "-m", "benchmarks.ingest", "pandas", "--db", str(run_dir / "db.sqlite3")]
    command += ["--out", str(out), *map(str, dataset.zips)]
    result = run_child(command, env=job_env(run_dir)).check("pandas baseline")
    summary = json.loads(result.stdout.strip().splitlines()[-1])
    return IngestResult(
        job="pandas",
        rows_read=summary["rows_read"],
        rows_stored=summary["rows_stored"],
        rows_rejected=summary["rows_rejected"],
        seconds=result.seconds,
        **result.measurements(),
        partitions=summary["partitions"],
        detail={"run_dir": str(run_dir), "pandas": summary["pandas"]},
    )


def known_lsoas(database: Path) -> list[str]:
    """Every LSOA code the geography knows: the same set the engine checks against."""
    with sqlite3.connect(database) as connection:
        return [row[0] for row in connection.execute("SELECT lsoa_code FROM geography_lsoaplacement")]


def pandas_ingest(zips: list[Path], *, database: Path, out: Path) -> dict:
    """The plain pandas job: read every street CSV in the zips, check it, write Parquet per (force, month)."""
    import pandas as pd

    # Index.get_indexer, not Series.isin: on pandas 3's str dtype isin rebuilds its value set in Python on
    # every call (about 0.2 s a file for 70,000 LSOA codes), which would make this baseline a straw man.
    known = pd.Index(known_lsoas(database), dtype=str)
    rows_read = rows_stored = partitions = 0
    shutil.rmtree(out, ignore_errors=True)
    for path in zips:
        with zipfile.ZipFile(path) as archive:
            for member in sorted(archive.namelist()):
                match = _FILE_FORCE.search(member)
                if match is None:
                    continue
                with archive.open(member) as stream:
                    frame = pd.read_csv(stream, dtype=str, keep_default_na=False)
                rows_read += len(frame)
                longitude = pd.to_numeric(frame["Longitude"].where(frame["Longitude"] != ""), errors="coerce")
                latitude = pd.to_numeric(frame["Latitude"].where(frame["Latitude"] != ""), errors="coerce")
                lon_blank, lat_blank = (
                    frame["Longitude"].str.strip() == "",
                    frame["Latitude"].str.strip() == "",
                )
                lsoa = frame["LSOA code"]
                ok = (
                    frame["Month"].str.fullmatch(_MONTH)
                    & (frame["Falls within"].str.strip() != "")
                    & (lon_blank | longitude.between(*LONGITUDE_RANGE))
                    & (lat_blank | latitude.between(*LATITUDE_RANGE))
                    & ((lsoa.str.strip() == "") | (known.get_indexer(lsoa) >= 0))
                    & frame["Crime type"].isin(CRIME_TYPES)
                )
                good = frame[ok]
                blank_to_null = lambda column: column.where(column != "")  # noqa: E731
                table = pd.DataFrame(
                    {
                        "force": match.group("force"),
                        "month": pd.to_datetime(good["Month"] + "-01", format="%Y-%m-%d"),
                        "reference": blank_to_null(good["Crime ID"]),
                        "category": good["Crime type"],
                        "lsoa": blank_to_null(good["LSOA code"]),
                        "longitude": longitude[ok],
                        "latitude": latitude[ok],
                        "location": blank_to_null(good["Location"]),
                        "outcome": blank_to_null(good["Last outcome category"]),
                    }
                )
                rows_stored += len(table)
                for month, part in table.groupby("month", sort=True):
                    folder = out / match.group("force")
                    folder.mkdir(parents=True, exist_ok=True)
                    part.to_parquet(folder / f"{month:%Y-%m}.parquet", compression="zstd", index=False)
                    partitions += 1
    return {
        "rows_read": rows_read,
        "rows_stored": rows_stored,
        "rows_rejected": rows_read - rows_stored,
        "partitions": partitions,
        "pandas": pd.__version__,
    }


def profile_summary(path: Path, *, top: int = 25) -> str:
    """The functions the engine spent its time in, by cumulative and by own time."""
    import io

    buffer = io.StringIO()
    stats = pstats.Stats(str(path), stream=buffer)
    stats.sort_stats("cumulative").print_stats(top)
    stats.sort_stats("tottime").print_stats(top)
    return buffer.getvalue()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    sub = parser.add_subparsers(dest="job", required=True)
    baseline = sub.add_parser("pandas", help="The pandas baseline (what its child process runs).")
    baseline.add_argument("--db", type=Path, required=True)
    baseline.add_argument("--out", type=Path, required=True)
    baseline.add_argument("--profile", type=Path, default=None)
    baseline.add_argument("zips", nargs="+", type=Path)
    args = parser.parse_args(argv)
    started = time.perf_counter()
    if args.profile:
        profiler = cProfile.Profile()
        summary = profiler.runcall(pandas_ingest, args.zips, database=args.db, out=args.out)
        profiler.dump_stats(args.profile)
    else:
        summary = pandas_ingest(args.zips, database=args.db, out=args.out)
    summary["seconds_in_job"] = round(time.perf_counter() - started, 3)
    sys.stdout.write(json.dumps(summary) + "\n")


if __name__ == "__main__":
    main()
