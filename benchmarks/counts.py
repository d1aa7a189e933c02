"""Counts benchmark: one area's crimes by financial year over five years of a national store.

The store is built by `saferhub import_crime` from generated archives. Then, each in a fresh process:
- `selectors.period_counts` (the service `saferhub crime_counts` uses), timed in one process: 3 warm-up
  calls, then the median and p95 of 50;
- one `saferhub crime_counts` call end to end, for reference (process start, Django, DuckDB, the query);
- the same question in pandas over the same partition Parquet files the manifest names (read the
  columns needed, keep the area's LSOAs, group by financial year and crime type): one warm-up, median of 5.

    python -m benchmarks.counts selector --area E06000016 --from 2019-01 --to 2023-12
    python -m benchmarks.counts pandas --db DB --store DIR --area E06000016 --from 2019-01 --to 2023-12
"""

import argparse
import datetime as dt
import json
import sqlite3
import statistics
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from benchmarks import PYTHON, job_env, run_child, saferhub_command

SOURCE = "police.uk-street"


@dataclass
class CountsResult:
    job: str
    seconds: float  # the median call (or the one CLI call)
    p95_seconds: float | None
    cpu_seconds: float  # of the whole child process
    peak_rss_mb: float
    load_average: tuple[float, float]
    cpu_steal_share: float
    cpu_iowait_share: float
    others_cpu_share: float
    rows_scanned: int
    detail: dict


def _month(text: str) -> dt.date:
    return dt.date(int(text[:4]), int(text[5:7]), 1)


def _financial_year(month: dt.date) -> str:
    start = month.year if month.month >= 4 else month.year - 1
    return f"{start}/{(start + 1) % 100:02d}"


def _stats(times: list[float]) -> dict:
    ordered = sorted(times)
    return {
        "median_ms": round(statistics.median(ordered) * 1000, 3),
        "p95_ms": round(ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))] * 1000, 3),
        "min_ms": round(ordered[0] * 1000, 3),
        "max_ms": round(ordered[-1] * 1000, 3),
        "calls": len(ordered),
    }


def selector_timings(*, area: str, month_from: str, month_to: str, warmup: int, calls: int) -> dict:
    """Time period_counts in this process (what the child runs)."""
    from benchmarks import django_setup

    django_setup()
    from saferhub.crimedata.counting import CountFilter, area_scope, period_counts

    started = time.perf_counter()
    scope = area_scope(area)
    scope_seconds = time.perf_counter() - started
    what = CountFilter()

    def once() -> list[dict]:
        return period_counts(
            scope=scope,
            what=what,
            period="financial-year",
            month_from=_month(month_from),
            month_to=_month(month_to),
            by="category",
        )

    started = time.perf_counter()
    rows = once()
    cold = time.perf_counter() - started
    for _ in range(warmup - 1):
        once()
    times = []
    for _ in range(calls):
        started = time.perf_counter()
        rows = once()
        times.append(time.perf_counter() - started)
    # What one crime_counts call does in-process: resolve the area, then count.
    with_scope = []
    for _ in range(min(calls, 20)):
        started = time.perf_counter()
        scope = area_scope(area)
        once()
        with_scope.append(time.perf_counter() - started)
    return {
        **_stats(times),
        "cold_ms": round(cold * 1000, 3),
        "area_scope_ms": round(scope_seconds * 1000, 3),
        "with_area_scope_median_ms": round(statistics.median(with_scope) * 1000, 3),
        "counts": {f"{row['period']}|{row['category']}": row["count"] for row in rows},
        "total": sum(row["count"] for row in rows),
        "districts": sorted(scope.districts),
    }


def area_lsoas(database: Path, area: str) -> list[str]:
    """The LSOA codes (both vintages) placed in an area, from the geography tables: no engine code."""
    with sqlite3.connect(database) as connection:
        return [
            row[0]
            for row in connection.execute(
                "SELECT lsoa_code FROM geography_lsoaplacement "
                "WHERE ? IN (lsoa_code, ward_code, lad_code, csp_code, pfa_code, county_code)",
                (area,),
            )
        ]


def partition_files(database: Path, store: Path, month_from: str, month_to: str) -> list[str]:
    """The current partition files of these months, as the manifest names them."""
    with sqlite3.connect(database) as connection:
        paths = connection.execute(
            "SELECT path FROM crimedata_partition WHERE source = ? AND month BETWEEN ? AND ? ORDER BY path",
            (SOURCE, f"{month_from}-01", f"{month_to}-01"),
        ).fetchall()
    return [str(store / "crime" / path) for (path,) in paths]


def pandas_timings(
    *, database: Path, store: Path, area: str, month_from: str, month_to: str, repeats: int
) -> dict:
    import pandas as pd

    files = partition_files(database, store, month_from, month_to)
    lsoas = area_lsoas(database, area)
    scanned = 0

    def once() -> dict[str, int]:
        nonlocal scanned
        frame = pd.read_parquet(files, columns=["month", "lsoa", "category"])
        scanned = len(frame)
        frame = frame[frame["lsoa"].isin(lsoas)]
        month = pd.to_datetime(frame["month"])
        start = month.dt.year - (month.dt.month < 4)
        period = start.astype(str) + "/" + ((start + 1) % 100).astype(str).str.zfill(2)
        counts = frame.groupby([period.rename("period"), frame["category"]]).size()
        return {f"{p}|{c}": int(n) for (p, c), n in counts.items()}

    once()  # warm-up: the file system cache and pandas' imports, as the engine gets its warm-ups
    times = []
    for _ in range(repeats):
        started = time.perf_counter()
        counts = once()
        times.append(time.perf_counter() - started)
    return {
        **_stats(times),
        "counts": counts,
        "total": sum(counts.values()),
        "files": len(files),
        "rows_scanned": scanned,
        "lsoas": len(lsoas),
        "pandas": pd.__version__,
    }


def selector_job(
    run_dir: Path, *, area: str, month_from: str, month_to: str, calls: int = 50
) -> CountsResult:
    command = [PYTHON, "-m", "benchmarks.counts", "selector", "--area", area, "--from", month_from]
    command += ["--to", month_to, "--warmup", "3", "--calls", str(calls)]
    result = run_child(command, env=job_env(run_dir)).check("period_counts timing")
    timings = json.loads(result.stdout.strip().splitlines()[-1])
    return CountsResult(
        job="selector",
        seconds=timings["median_ms"] / 1000,
        p95_seconds=timings["p95_ms"] / 1000,
        **result.measurements(),
        rows_scanned=0,
        detail=timings,
    )


def cli_job(run_dir: Path, *, area: str, month_from: str, month_to: str) -> CountsResult:
    command = saferhub_command(
        "crime_counts", "--area", area, "--period", "financial-year", "--from", month_from, "--to", month_to
    )
    result = run_child([*command, "--format", "json"], env=job_env(run_dir)).check("saferhub crime_counts")
    output = json.loads(result.stdout.strip().splitlines()[-1])
    return CountsResult(
        job="cli",
        seconds=result.seconds,
        p95_seconds=None,
        **result.measurements(),
        rows_scanned=0,
        detail={
            "total": sum(row["count"] for row in output["counts"]),
        },
    )


def pandas_job(run_dir: Path, *, area: str, month_from: str, month_to: str, repeats: int = 5) -> CountsResult:
    command = [PYTHON, "-m", "benchmarks.counts", "pandas", "--db", str(run_dir / "db.sqlite3")]
    command += ["--store", str(run_dir), "--area", area, "--from", month_from, "--to", month_to]
    command += ["--repeats", str(repeats)]
    result = run_child(command, env=job_env(run_dir)).check("pandas counts")
    timings = json.loads(result.stdout.strip().splitlines()[-1])
    return CountsResult(
        job="pandas",
        seconds=timings["median_ms"] / 1000,
        p95_seconds=timings["p95_ms"] / 1000,
        **result.measurements(),
        rows_scanned=timings["rows_scanned"],
        detail=timings,
    )


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    sub = parser.add_subparsers(dest="job", required=True)
    selector = sub.add_parser("selector", help="Time selectors.period_counts in this process.")
    baseline = sub.add_parser("pandas", help="Time the same counts in pandas over the partition files.")
    for job in (selector, baseline):
        job.add_argument("--area", required=True)
        job.add_argument("--from", dest="month_from", required=True)
        job.add_argument("--to", dest="month_to", required=True)
    selector.add_argument("--warmup", type=int, default=3)
    selector.add_argument("--calls", type=int, default=50)
    baseline.add_argument("--db", type=Path, required=True)
    baseline.add_argument("--store", type=Path, required=True)
    baseline.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args(argv)
    if args.job == "selector":
        result = selector_timings(
            area=args.area,
            month_from=args.month_from,
            month_to=args.month_to,
            warmup=args.warmup,
            calls=args.calls,
        )
    else:
        result = pandas_timings(
            database=args.db,
            store=args.store,
            area=args.area,
            month_from=args.month_from,
            month_to=args.month_to,
            repeats=args.repeats,
        )
    sys.stdout.write(json.dumps(result) + "\n")


if __name__ == "__main__":
    main()
