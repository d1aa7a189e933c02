"""Run every benchmark: `python -m benchmarks` (or `make bench`). See docs/benchmarks.md.

python -m benchmarks                    one national year (6M rows) ingested; counts over a 5-year store
python -m benchmarks --quick            a smoke run: 500,000 rows, one year
python -m benchmarks --rows-per-year N --years Y --store-rows-per-year M
python -m benchmarks --skip-ingest --skip-counts   only the strategic assessment (its store is reused)
python -m benchmarks --only load        only the load benchmark (gunicorn, PostgreSQL, locust)
python -m benchmarks --only asb         only ASB casework at a force area's scale (--quick: a 20th of it)
"""

import argparse
import json
import os
import statistics
import sys
import time
from collections.abc import Callable

from benchmarks import BENCH_DIR, SHARED_DATA, Geography, engine_fingerprint, geography_template
from benchmarks.asb import asb_benchmark
from benchmarks.assessment import (
    assessment_store,
    differences,
    engine_job,
    last_month_of,
    pdf_job,
    prepare_job,
)
from benchmarks.assessment import pandas_job as assessment_pandas_job
from benchmarks.counts import cli_job, pandas_job, selector_job
from benchmarks.generate_policeuk import describe, generate
from benchmarks.ingest import IngestResult, engine_ingest, pandas_baseline, profile_summary
from benchmarks.load import LoadRefused, load_benchmark
from benchmarks.report import Row, machine, table, write_json

INGEST_RATE_TARGET = 750_000
INGEST_MEMORY_TARGET_MB = 2048
INGEST_RATIO_TARGET = 2.0
COUNTS_TARGET_SECONDS = 0.050
ASSESSMENT_TARGET_SECONDS = 2.0
ASSESSMENT_PDF_TARGET_SECONDS = 20.0
BUSY_SHARE = 0.1
BUSY_STEAL = 0.03
PARTS = ("ingest", "counts", "assessment", "load", "asb")

Say = Callable[[str], None]


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--rows-per-year", type=int, default=6_000_000, help="Rows of the ingested year.")
    parser.add_argument("--years", type=int, default=5, help="Years in the store the counts run on.")
    parser.add_argument(
        "--store-rows-per-year",
        type=int,
        default=3_000_000,
        help="Rows a year of the counts store (smaller than national, to keep the run short).",
    )
    parser.add_argument(
        "--last-year", type=int, default=2023, help="The ingested year, and the store's last."
    )
    parser.add_argument("--quick", action="store_true", help="A smoke run: 500,000 rows, one year.")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--area", default="E06000016", help="The area counted (ONS code or partnership slug)."
    )
    parser.add_argument("--calls", type=int, default=50, help="Timed period_counts calls.")
    parser.add_argument(
        "--repeat",
        type=int,
        default=3,
        help="Run each ingest job this many times and keep the fastest (the median is reported too).",
    )
    parser.add_argument("--skip-ingest", action="store_true")
    parser.add_argument("--skip-counts", action="store_true")
    parser.add_argument("--skip-assessment", action="store_true")
    parser.add_argument("--skip-load", action="store_true")
    parser.add_argument("--skip-asb", action="store_true")
    parser.add_argument(
        "--only",
        choices=PARTS,
        action="append",
        help="Run only this part (repeat for several): the others are skipped.",
    )
    parser.add_argument("--load-users", type=int, default=50, help="Simulated users of the load benchmark.")
    parser.add_argument(
        "--load-seconds", type=int, default=60, help="How long each of the load benchmark's two runs lasts."
    )
    parser.add_argument(
        "--load-port", type=int, default=8765, help="The loopback port the load benchmark serves on."
    )
    parser.add_argument(
        "--load-single-requests",
        type=int,
        default=10,
        help="Requests of each page by one user alone (after 3 warm-up): their median is reported.",
    )
    parser.add_argument(
        "--profile",
        action="store_true",
        help="Also run the engine's import, and the assessment and its PDF, once more under cProfile.",
    )
    args = parser.parse_args(argv)
    for part in PARTS:
        if args.only and part not in args.only:
            setattr(args, f"skip_{part}", True)
    if args.quick:
        args.rows_per_year, args.years, args.store_rows_per_year = 500_000, 1, 500_000
    started = time.perf_counter()
    facts: dict[str, object] = {
        "date": time.strftime("%Y-%m-%d %H:%M:%S %Z"),
        "machine": machine(),
        "options": vars(args),
    }
    notes: list[str] = []
    say = print
    say(f"Machine: {json.dumps(facts['machine'])}")

    rows: list[Row] = []
    if not args.skip_load:
        rows += _load(args, facts, notes, say)
    if args.skip_ingest and args.skip_counts and args.skip_assessment and args.skip_asb:
        _finish(rows, facts, notes, started, say)
        return
    geography = geography_template()
    say(
        f"Geography ({'national' if geography.national else 'project copy'}): "
        f"migrate {geography.migrate_seconds} s, "
        f"import_geography {geography.import_seconds} s, peak {geography.import_peak_rss_mb:.0f} MB"
        f"{' (cached template)' if geography.cached else ''}. {geography.summary}"
    )
    facts["geography"] = vars(geography) | {"template_db": str(geography.template_db)}
    facts["engine_source"] = engine_fingerprint()
    if not args.skip_asb:
        asb_rows, facts["asb"], asb_notes = asb_benchmark(quick=args.quick, geography=geography, say=say)
        rows += asb_rows
        notes += asb_notes

    if not args.skip_ingest:
        rows += _ingest(args, geography, facts, notes, say)
    if not args.skip_counts:
        rows += _counts(args, geography, facts, notes, say)
    if not args.skip_assessment:
        rows += _assessment(args, geography, facts, notes, say)
    jobs = [
        (f"{part} {name}", job)
        for part in ("ingest", "counts", "assessment")
        for name, job in dict(facts.get(part) or {}).items()  # type: ignore[call-overload]
        if isinstance(job, dict) and "load_average" in job
    ]
    loads = {name: tuple(round(value, 2) for value in job["load_average"]) for name, job in jobs}
    steal = {name: job["cpu_steal_share"] for name, job in jobs}
    if any(share > BUSY_STEAL for share in steal.values()):
        notes.append(
            "The hypervisor took CPU time from this virtual machine (steal) during: "
            + "; ".join(f"{name} {share:.0%}" for name, share in steal.items() if share > BUSY_STEAL)
            + ". Wall times there are inflated."
        )
    facts["cpu_steal_shares"] = steal
    facts["cpu_iowait_shares"] = {name: job["cpu_iowait_share"] for name, job in jobs}

    others = {name: job["others_cpu_share"] for name, job in jobs}
    busy = [f"{name} {share:.0%}" for name, share in others.items() if share > BUSY_SHARE]
    if busy:
        notes.append(
            f"Other processes used this share of the machine's {os.cpu_count()} cores while a job ran: "
            f"{'; '.join(busy)}. Those wall times are inflated; CPU s is the job's own CPU time."
        )
    facts["others_cpu_shares"] = others
    facts["load_averages"] = loads
    _finish(rows, facts, notes, started, say)


def _load(args: argparse.Namespace, facts: dict, notes: list[str], say: Say) -> list[Row]:
    """The load benchmark, or why it cannot run here (the rest still runs unless it was asked for alone)."""
    try:
        rows, facts["load"], load_notes = load_benchmark(
            users=args.load_users,
            seconds=args.load_seconds,
            single_requests=args.load_single_requests,
            port=args.load_port,
            say=say,
        )
    except LoadRefused as refused:
        if args.only:
            raise SystemExit(str(refused)) from refused
        say(str(refused))
        notes.append(str(refused))
        facts["load"] = {"skipped": str(refused)}
        return []
    notes += load_notes
    return rows


def _finish(rows: list[Row], facts: dict, notes: list[str], started: float, say: Say) -> None:
    facts["seconds_total"] = round(time.perf_counter() - started, 1)
    facts["notes"] = notes
    say("")
    say(table(rows))
    for note in notes:
        say(f"- {note}")
    path = BENCH_DIR / "results.json"
    write_json(path, rows=rows, facts=facts)
    say(f"Total {facts['seconds_total']} s. Results written to {path}")


def _ingest(
    args: argparse.Namespace, geography: Geography, facts: dict, notes: list[str], say: Say
) -> list[Row]:
    dataset = generate(years=(args.last_year,), rows_per_year=args.rows_per_year, seed=args.seed)
    say(f"Ingest data: {describe(dataset)}")
    engines, baselines = [], []
    for attempt in range(1, args.repeat + 1):
        say(f"Ingest: saferhub import_crime (run {attempt} of {args.repeat}) ...")
        engines.append(engine_ingest(dataset, geography, name="ingest-engine"))
        say(
            f"  {engines[-1].seconds:.2f} s, CPU {engines[-1].cpu_seconds:.2f} s, "
            f"peak {engines[-1].peak_rss_mb:,.0f} MB"
        )
        say(f"Ingest: pandas baseline (run {attempt} of {args.repeat}) ...")
        baselines.append(pandas_baseline(dataset, geography, name="ingest-pandas"))
        say(
            f"  {baselines[-1].seconds:.2f} s, CPU {baselines[-1].cpu_seconds:.2f} s, "
            f"peak {baselines[-1].peak_rss_mb:,.0f} MB"
        )
    # The fastest of the runs: a busy machine only ever makes a run slower.
    engine = min(engines, key=lambda run: run.seconds)
    baseline = min(baselines, key=lambda run: run.seconds)
    facts["ingest_runs"] = {
        "engine_seconds": [round(run.seconds, 2) for run in engines],
        "pandas_seconds": [round(run.seconds, 2) for run in baselines],
    }
    if len(engines) > 1:
        middle = statistics.median(run.seconds for run in engines)
        notes.append(
            f"The engine's {len(engines)} runs took {', '.join(f'{run.seconds:.2f}' for run in engines)} s "
            f"(CPU {', '.join(f'{run.cpu_seconds:.1f}' for run in engines)} s): median {middle:.2f} s, "
            f"{engine.rows_read / middle:,.0f} rows a second. The table gives the fastest."
        )
    if engine.rows_rejected or baseline.rows_rejected:
        notes.append(
            f"Rows rejected: engine {engine.rows_rejected:,}, pandas {baseline.rows_rejected:,} "
            "(the generator makes only valid rows: an unknown LSOA means the geography is not the "
            "national one)."
        )
    ratio = engine.rows_per_second / baseline.rows_per_second
    met = (
        engine.rows_per_second >= INGEST_RATE_TARGET
        and engine.peak_rss_mb < INGEST_MEMORY_TARGET_MB
        and ratio >= INGEST_RATIO_TARGET
    )
    facts["ingest"] = {
        "dataset": describe(dataset),
        "engine": vars(engine),
        "pandas": vars(baseline),
        "targets": {
            "rows_per_second": engine.rows_per_second >= INGEST_RATE_TARGET,
            "peak_memory": engine.peak_rss_mb < INGEST_MEMORY_TARGET_MB,
            "ratio": ratio >= INGEST_RATIO_TARGET,
        },
    }
    if args.profile:
        say("Ingest: saferhub import_crime again, under cProfile ...")
        profiled = engine_ingest(dataset, geography, name="ingest-engine-profiled", profile=True)
        text = profile_summary(BENCH_DIR / "profile-ingest-engine-profiled.prof", top=40)
        (BENCH_DIR / "profile-ingest.txt").write_text(text)
        say(f"  profiled run {profiled.seconds:.2f} s; the profile is in {BENCH_DIR / 'profile-ingest.txt'}")
    return [
        Row(
            job=f"ingest {args.last_year}: saferhub import_crime",
            rows=engine.rows_read,
            seconds=engine.seconds,
            cpu_seconds=engine.cpu_seconds,
            rows_per_second=engine.rows_per_second,
            peak_rss_mb=engine.peak_rss_mb,
            ratio=ratio,
            target=f">= {INGEST_RATE_TARGET:,} rows/s, < 2 GB, >= 2x pandas",
            met=met,
        ),
        Row(
            job=f"ingest {args.last_year}: pandas baseline",
            rows=baseline.rows_read,
            seconds=baseline.seconds,
            cpu_seconds=baseline.cpu_seconds,
            rows_per_second=baseline.rows_per_second,
            peak_rss_mb=baseline.peak_rss_mb,
            ratio=1.0,
            target="(baseline)",
            met=None,
        ),
    ]


def _counts(
    args: argparse.Namespace, geography: Geography, facts: dict, notes: list[str], say: Say
) -> list[Row]:
    years = tuple(range(args.last_year - args.years + 1, args.last_year + 1))
    dataset = generate(years=years, rows_per_year=args.store_rows_per_year, seed=args.seed)
    say(f"Counts store data: {describe(dataset)}")
    say("Counts: building the store with saferhub import_crime ...")
    store = engine_ingest(dataset, geography, name="counts-store")
    say(f"  {store.rows_read:,} rows in {store.seconds:.2f} s, peak {store.peak_rss_mb:,.0f} MB")
    run_dir = BENCH_DIR / "runs" / "counts-store"
    month_from, month_to = f"{years[0]}-01", f"{years[-1]}-12"
    window = {"area": args.area, "month_from": month_from, "month_to": month_to}
    say(f"Counts: period_counts for {args.area}, {month_from} to {month_to}, by financial year ...")
    selector = selector_job(run_dir, calls=args.calls, **window)
    p95_ms = (selector.p95_seconds or 0) * 1000
    say(f"  median {selector.seconds * 1000:.2f} ms, p95 {p95_ms:.2f} ms")
    say("Counts: saferhub crime_counts, once ...")
    cli = cli_job(run_dir, **window)
    say(f"  {cli.seconds:.2f} s")
    say("Counts: pandas baseline ...")
    baseline = pandas_job(run_dir, **window)
    say(f"  median {baseline.seconds:.3f} s over {baseline.detail['files']} files")
    agree = (
        selector.detail["counts"] == baseline.detail["counts"]
        and cli.detail["total"] == selector.detail["total"]
    )
    if not agree:
        notes.append("The engine's and pandas' counts DIFFER: see results.json.")
    smaller = args.store_rows_per_year < args.rows_per_year
    notes.append(
        f"Counts: {args.area} ({len(selector.detail['districts'])} district(s)), {len(years) * 12} months, "
        f"{selector.detail['total']:,} crimes; engine and pandas agree: {'yes' if agree else 'NO'}. "
        f"period_counts cold first call {selector.detail['cold_ms']:.1f} ms; with area_scope (what each "
        f"crime_counts call also does) median {selector.detail['with_area_scope_median_ms']:.1f} ms. "
        f"The store has {dataset.rows:,} rows ({args.store_rows_per_year:,} a year"
        f"{', smaller than national to keep the run short' if smaller else ''})."
    )
    facts["counts"] = {
        "dataset": describe(dataset),
        "store_import": vars(store),
        "selector": vars(selector) | {"detail": {k: v for k, v in selector.detail.items() if k != "counts"}},
        "cli": vars(cli),
        "pandas": vars(baseline) | {"detail": {k: v for k, v in baseline.detail.items() if k != "counts"}},
        "agree": agree,
    }
    span = f"{len(years)}y"
    return [
        Row(
            job=f"counts store: import_crime ({span}, {args.store_rows_per_year / 1e6:g}M/y)",
            rows=store.rows_read,
            seconds=store.seconds,
            cpu_seconds=store.cpu_seconds,
            rows_per_second=store.rows_per_second,
            peak_rss_mb=store.peak_rss_mb,
            ratio=None,
            target="(builds the store)",
            met=None,
        ),
        Row(
            job=f"counts {args.area} {span} FY: period_counts (p95 {p95_ms:.1f} ms)",
            rows=selector.detail["total"],
            seconds=selector.seconds,
            cpu_seconds=None,
            rows_per_second=None,
            peak_rss_mb=selector.peak_rss_mb,
            ratio=baseline.seconds / selector.seconds,
            target="< 50 ms median, warm",
            met=selector.seconds < COUNTS_TARGET_SECONDS,
        ),
        Row(
            job=f"counts {args.area} {span} FY: saferhub crime_counts (1 call)",
            rows=cli.detail["total"],
            seconds=cli.seconds,
            cpu_seconds=cli.cpu_seconds,
            rows_per_second=None,
            peak_rss_mb=cli.peak_rss_mb,
            ratio=baseline.seconds / cli.seconds,
            target="(reference)",
            met=None,
        ),
        Row(
            job=f"counts {args.area} {span} FY: pandas baseline median",
            rows=baseline.detail["total"],
            seconds=baseline.seconds,
            cpu_seconds=None,
            rows_per_second=baseline.rows_scanned / baseline.seconds,
            peak_rss_mb=baseline.peak_rss_mb,
            ratio=1.0,
            target="(baseline)",
            met=None,
        ),
    ]


def _assessment(
    args: argparse.Namespace, geography: Geography, facts: dict, notes: list[str], say: Say
) -> list[Row]:
    if not geography.national:
        # Without the national lookup the generator files each force's crimes under a contiguous share of the
        # project's LSOAs, not under the force's own area: the baseline, which reads the area's force's files
        # as an analyst would, then counts other crimes than the engine (267,252 rows against 1.7 million).
        reason = (
            f"it needs the national ONS data in {SHARED_DATA} (with the trimmed copy in data/ons the "
            "synthetic files do not put an area's crimes under its own force, so the pandas baseline and the "
            "engine would not count the same crimes)"
        )
        say(f"Assessment: not run: {reason}.")
        notes.append(f"Assessment not run: {reason}.")
        facts["assessment"] = {"skipped": reason}
        return [
            Row(
                job=f"assessment {args.area}: not run, needs ../shared/data",
                rows=None,
                seconds=None,
                cpu_seconds=None,
                rows_per_second=None,
                peak_rss_mb=None,
                ratio=None,
                target=f"< {ASSESSMENT_TARGET_SECONDS:g} s (national data only)",
                met=None,
            )
        ]
    years = tuple(range(args.last_year - args.years + 1, args.last_year + 1))
    dataset = generate(years=years, rows_per_year=args.store_rows_per_year, seed=args.seed)
    built = IngestResult(**facts["counts"]["store_import"]) if "counts" in facts else None
    say(f"Assessment store data: {describe(dataset)}")
    run_dir, store = assessment_store(dataset, geography, built=built)
    say(
        f"  store: {'reused' if store['cached'] else store['how']}, {store['rows']:,} rows "
        f"({store['import_seconds']} s to import)"
    )
    last_month = last_month_of(years)
    prepared = prepare_job(run_dir, area=args.area, last_month=last_month)
    say(
        f"Assessment of {args.area}: {len(prepared['indicators'])} indicators, 5 financial years to "
        f"{last_month}, places of total crime ..."
    )
    profile = BENCH_DIR / "profile-assessment.prof" if args.profile else None
    engine = engine_job(run_dir, repeats=5, profile=profile)
    say(
        f"  median {engine.seconds:.3f} s (CPU {engine.run_cpu_seconds:.3f} s) of {engine.runs} "
        f"(warm-up {engine.detail['warmup_seconds']} s)"
    )
    say("Assessment: the report's PDF ...")
    pdf_profile = BENCH_DIR / "profile-assessment-pdf.prof" if args.profile else None
    pdf = pdf_job(run_dir, repeats=3, profile=pdf_profile)
    say(
        f"  median {pdf.seconds:.2f} s (CPU {pdf.run_cpu_seconds:.2f} s) of {pdf.runs}, "
        f"{pdf.detail['pages']} pages, {pdf.detail['bytes']:,} bytes"
    )
    say("Assessment: pandas baseline ...")
    baseline = assessment_pandas_job(run_dir, area=args.area, last_month=last_month, repeats=5)
    say(
        f"  median {baseline.seconds:.3f} s (CPU {baseline.run_cpu_seconds:.3f} s) of {baseline.runs}, "
        f"{baseline.detail['rows_read']:,} rows read"
    )
    if profile and pdf_profile:
        for path in (profile, pdf_profile):
            path.with_suffix(".txt").write_text(profile_summary(path, top=40))
        say(f"  profiles in {profile.with_suffix('.txt')} and {pdf_profile.with_suffix('.txt')}")
    differ = differences(engine.detail["figures"], baseline.detail["figures"])
    figures = engine.detail["figures"]
    notes.append(
        f"Assessment: {args.area}, {len(figures['headline'])} indicators over "
        f"{', '.join(figures['periods'])}; "
        f"places of total crime in {figures['periods'][-1]}: {figures['cells_in_area']:,} grid cells, "
        f"{len(figures['comparators'])} comparators. Engine and pandas agree: "
        + ("yes." if not differ else "NO, on " + "; ".join(differ))
        + f" The PDF has {pdf.detail['pages']} pages. CPU s of these rows: the median run's own CPU time."
    )
    facts["assessment"] = {
        "dataset": describe(dataset),
        "store": store,
        "last_month": last_month,
        "engine": vars(engine),
        "pdf": vars(pdf),
        "pandas": vars(baseline),
        "differences": differ,
    }
    return [
        Row(
            job=f"assessment {args.area}: headline, trends, places (median of {len(engine.runs)})",
            rows=None,
            seconds=engine.seconds,
            cpu_seconds=engine.run_cpu_seconds,
            rows_per_second=None,
            peak_rss_mb=engine.peak_rss_mb,
            ratio=baseline.seconds / engine.seconds,
            target=f"< {ASSESSMENT_TARGET_SECONDS:g} s",
            met=engine.seconds < ASSESSMENT_TARGET_SECONDS,
        ),
        Row(
            job=f"assessment {args.area}: report PDF (median of {len(pdf.runs)})",
            rows=None,
            seconds=pdf.seconds,
            cpu_seconds=pdf.run_cpu_seconds,
            rows_per_second=None,
            peak_rss_mb=pdf.peak_rss_mb,
            ratio=None,
            target=f"< {ASSESSMENT_PDF_TARGET_SECONDS:g} s",
            met=pdf.seconds < ASSESSMENT_PDF_TARGET_SECONDS,
        ),
        Row(
            job=f"assessment {args.area}: pandas baseline (median of {len(baseline.runs)})",
            rows=baseline.detail["rows_read"],
            seconds=baseline.seconds,
            cpu_seconds=baseline.run_cpu_seconds,
            rows_per_second=None,
            peak_rss_mb=baseline.peak_rss_mb,
            ratio=1.0,
            target="(baseline)",
            met=None,
        ),
    ]


if __name__ == "__main__":
    try:
        main()
    except KeyboardInterrupt:
        # Each benchmark has stopped what it started on the way out; a traceback would only hide that.
        print("Interrupted: the benchmarks stopped what they had started.", file=sys.stderr)
        raise SystemExit(130) from None
