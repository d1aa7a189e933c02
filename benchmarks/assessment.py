"""Assessment benchmark: one partnership's strategic assessment computed from a national five-year store.

The store is the counts benchmark's (generated police.uk archives, `saferhub import_crime`), built once and
reused while the archives, the geography template and the store's own code stay the same. In it, a
partnership covering Leicester (E06000016) gets the police.uk indicators (`saferhub load_indicators
policeuk.toml`: total crime and the 14 categories) and an assessment of five financial years. Then, each
in a fresh process:

- the assessment's figures: the headline table (every indicator's count in each year, changes, rates and
  E-tests), the trends (an XmR chart and seasonal table per indicator) and the places of total crime in
  the latest year (wards and LSOAs, the ward map, Gi* hotspots on a 250 m grid, concentration, every
  district of the force area as comparators): one warm-up, then the median of 5;
- the report as a tagged PDF (`assessment_report_pdf`): one warm-up, then the median of 3 (fewer when
  slow);
- the same figures written plainly in pandas, numpy and scipy over the same partition files (the area's
  force's, for the five years; the geography read from its tables; no engine code): one warm-up, then the
  median of 5. It draws no chart or map. The two are compared figure by figure.

    python -m benchmarks.assessment prepare --area E06000016 --last-month 2023-03
    python -m benchmarks.assessment engine --repeats 5
    python -m benchmarks.assessment pdf --repeats 3
    python -m benchmarks.assessment pandas --db DB --store DIR --area E06000016 --last-month 2023-03
"""

import argparse
import cProfile
import datetime as dt
import hashlib
import json
import math
import os
import shutil
import sqlite3
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from benchmarks import BENCH_DIR, PYTHON, ROOT, Geography, job_env, run_child
from benchmarks.generate_policeuk import Dataset
from benchmarks.ingest import IngestResult, engine_ingest

SOURCE = "police.uk-street"
INDICATORS_FILE = ROOT / "saferhub" / "crimedata" / "indicators" / "policeuk.toml"
TOTAL = "policeuk-total-crime"
SLUG = "bench-assessment"
LABEL = "bench"
YEARS = 5
CELL_SIZE = 250
# What the stored partitions depend on: a change elsewhere (the selectors, the assessment) keeps the store.
STORE_SOURCES = ("schema.py", "store.py")
# XmR and Anhøj's rules, as the textbooks give them.
XMR_FACTOR = 2.66


@dataclass
class AssessmentResult:
    job: str
    seconds: float  # the median run's wall time
    run_cpu_seconds: float  # the median run's CPU time in its process (every thread)
    runs: list[float]
    runs_cpu: list[float]
    cpu_seconds: float  # of the whole child process: Python and Django starting, the warm-up, every run
    peak_rss_mb: float
    load_average: tuple[float, float]
    cpu_steal_share: float
    cpu_iowait_share: float
    others_cpu_share: float
    detail: dict


def last_month_of(years: tuple[int, ...]) -> str:
    """The assessment's last month: March of the store's last year, so that the latest financial year is
    whole (a store of calendar years holds no whole year after it); December for a one-year store."""
    return f"{years[-1]}-03" if len(years) > 1 else f"{years[-1]}-12"


# --- The store: built once, reused -----------------------------------------------------------------------


def _store_key(dataset: Dataset, geography: Geography) -> str:
    digest = hashlib.sha256()
    digest.update(dataset.folder.name.encode())
    digest.update(str(geography.template_db).encode())
    for name in STORE_SOURCES:
        path = ROOT / "saferhub" / "crimedata" / name
        if path.exists():
            digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def assessment_store(
    dataset: Dataset, geography: Geography, *, built: IngestResult | None = None
) -> tuple[Path, dict]:
    """The store the assessment runs on, in var/bench/runs/assessment-<archives>: reused when the archives,
    the geography and the store's code are the same; else hard-linked from `built` (a store just built
    from the same archives, the counts benchmark's); else built with `saferhub import_crime`."""
    name = f"assessment-{dataset.folder.name}"
    run_dir = BENCH_DIR / "runs" / name
    key = _store_key(dataset, geography)
    facts_path = run_dir / "store.json"
    if facts_path.exists():
        facts = json.loads(facts_path.read_text())
        if facts.get("key") == key:
            return run_dir, facts | {"cached": True}
    shutil.rmtree(run_dir, ignore_errors=True)
    if built is not None and built.rows_rejected == 0:
        source = Path(built.detail["run_dir"])
        run_dir.mkdir(parents=True)
        shutil.copytree(source / "crime", run_dir / "crime", copy_function=os.link)
        shutil.copyfile(source / "db.sqlite3", run_dir / "db.sqlite3")
        store: IngestResult = built
        how = f"hard links to {source.name}"
    else:
        store = engine_ingest(dataset, geography, name=name)
        how = "import_crime"
    facts = {
        "key": key,
        "how": how,
        "rows": store.rows_read,
        "import_seconds": round(store.seconds, 2),
        "import_peak_rss_mb": round(store.peak_rss_mb, 1),
        "partitions": store.partitions,
    }
    facts_path.write_text(json.dumps(facts, indent=2))
    return run_dir, facts | {"cached": False}


# --- The engine, as its children run it -------------------------------------------------------------------


def prepare(*, area: str, last_month: str) -> dict:
    """The police.uk indicators loaded, a partnership of the area and its assessment: made once."""
    from benchmarks import django_setup

    django_setup()
    from django.core.management import call_command

    from saferhub.assessment.models import Assessment
    from saferhub.assessment.scoring import shipped_models
    from saferhub.assessment.services import assessment_create
    from saferhub.crimedata.models import Indicator
    from saferhub.partnerships.models import Partnership, PartnershipKind
    from saferhub.partnerships.services import partnership_create

    call_command("load_indicators", str(INDICATORS_FILE), verbosity=0)
    slugs = [slug for slug, _ in _indicators(INDICATORS_FILE)]
    month = dt.date(int(last_month[:4]), int(last_month[5:7]), 1)
    partnership = Partnership.objects.filter(slug=SLUG).first() or partnership_create(
        actor=None,
        slug=SLUG,
        name=f"Benchmark partnership of {area}",
        kind=PartnershipKind.UNITARY_CSP,
        area_codes=[area],
    )
    Assessment.objects.filter(partnership=partnership).exclude(last_month=month).delete()
    assessment = Assessment.objects.filter(partnership=partnership, label=LABEL).first()
    if assessment is None:
        by_slug = {
            indicator.slug: indicator
            for indicator in Indicator.objects.filter(partnership__isnull=True, slug__in=slugs)
        }
        assessment = assessment_create(
            actor=None,
            partnership=partnership,
            title="Benchmark assessment",
            label=LABEL,
            period_kind="financial-year",
            last_month=month,
            years=YEARS,
            indicators=[by_slug[slug] for slug in slugs],
            model=next(iter(shipped_models().values())),
        )
    return {"assessment": str(assessment.public_id), "indicators": slugs}


def _assessment() -> Any:
    from saferhub.assessment.models import Assessment

    assessment = Assessment.objects.select_related("partnership").get(partnership__slug=SLUG, label=LABEL)
    return assessment


def engine_figures(assessment: Any) -> dict:
    """The assessment's figures as the pages compute them: headline, trends of every row, places of total
    crime in the latest period."""
    from django.core.cache import cache

    from saferhub.assessment import selectors
    from saferhub.assessment.places import places_for
    from saferhub.assessment.trends import trend_of

    # The pages cache these figures by the store's version: time what a first reader after an import pays.
    cache.clear()
    headline = selectors.headline_of(assessment)
    trends = [trend_of(row, chart_id=f"trend-{index}") for index, row in enumerate(headline.rows)]
    total = next(row.indicator for row in headline.rows if row.indicator.slug == TOTAL)
    places = places_for(
        indicator=total,
        area_codes=list(assessment.partnership.area_codes),
        scope_code=assessment.partnership.slug,
        span=headline.periods[-1],
        cell_size=assessment.cell_size,
        family=list(assessment.comparator_codes),
    )
    return {
        "periods": [span.label for span in headline.periods],
        "headline": {row.indicator.slug: [cell.count for cell in row.cells] for row in headline.rows},
        "significant": sorted(
            row.indicator.slug for row in headline.rows if row.significance and row.significance.significant
        ),
        "xmr": {
            trend.row.indicator.slug: [
                round(trend.xmr.centre, 3),
                round(trend.xmr.upper, 3),
                sum(trend.xmr.outside),
                trend.xmr.longest_run,
                trend.xmr.crossings,
            ]
            for trend in trends
            if trend.xmr is not None
        },
        "wards": {place.code: place.count for place in places.wards},
        "lsoas": {place.code: place.count for place in places.lsoas},
        "cells_in_area": places.cells_in_area,
        "hotspots": _tally(spot.label for spot in places.hotspots),
        "concentration": [round(found.gini, 4) for found in places.concentration],
        "comparators": {found.code: found.count for found in places.comparators},
    }


def _tally(labels: Any) -> dict[str, int]:
    found: dict[str, int] = {}
    for label in labels:
        found[label] = found.get(label, 0) + 1
    return dict(sorted(found.items()))


def _timed(once: Any, repeats: int, *, slow: float = math.inf) -> tuple[Any, dict[str, Any]]:
    """One warm-up call, then `repeats` timed ones (fewer once one takes more than `slow` seconds): each
    run's wall time, and its CPU time in this process (all threads), which a busy machine inflates less."""
    started, cpu_started = time.perf_counter(), time.process_time()
    result = once()
    timings: dict[str, Any] = {
        "warmup": time.perf_counter() - started,
        "warmup_cpu": time.process_time() - cpu_started,
        "times": [],
        "cpu_times": [],
    }
    for _ in range(repeats):
        started, cpu_started = time.perf_counter(), time.process_time()
        result = once()
        timings["times"].append(time.perf_counter() - started)
        timings["cpu_times"].append(time.process_time() - cpu_started)
        if timings["times"][-1] > slow:
            break
    return result, timings


def _profiled(once: Any, path: str) -> None:
    profiler = cProfile.Profile()
    profiler.runcall(once)
    profiler.dump_stats(path)


def engine_timings(*, repeats: int, profile: str = "") -> dict:
    from benchmarks import django_setup

    django_setup()
    assessment = _assessment()
    figures, timings = _timed(lambda: engine_figures(assessment), repeats)
    if profile:
        _profiled(lambda: engine_figures(assessment), profile)
    return timings | {"figures": figures}


def pdf_timings(*, repeats: int, slow: float, profile: str = "", out: str = "") -> dict:
    from benchmarks import django_setup

    django_setup()
    from saferhub.assessment.report import assessment_report_pdf

    assessment = _assessment()
    pdf, timings = _timed(lambda: assessment_report_pdf(assessment, public=False), repeats, slow=slow)
    if out:
        Path(out).write_bytes(pdf)
    if profile:
        _profiled(lambda: assessment_report_pdf(assessment, public=False), profile)
    return timings | {"bytes": len(pdf)}


# --- The pandas baseline: the same figures, plainly, with no engine code ----------------------------------


def _financial_years(last_month: dt.date, years: int) -> list[tuple[str, dt.date, dt.date]]:
    start = last_month.year if last_month.month >= 4 else last_month.year - 1
    return [
        (f"{year}/{(year + 1) % 100:02d}", dt.date(year, 4, 1), dt.date(year + 1, 3, 1))
        for year in range(start - years + 1, start + 1)
    ]


def _indicators(path: Path) -> list[tuple[str, list[str]]]:
    import tomllib

    document = tomllib.loads(path.read_text(encoding="utf-8"))
    return [(item["slug"], list(item["categories"])) for item in document["indicators"]]


def _geography(database: Path, area: str) -> dict[str, Any]:
    """What the baseline needs of the geography, straight from its tables."""
    with sqlite3.connect(database) as connection:
        placements = connection.execute(
            "SELECT lsoa_code, vintage, ward_code, lad_code, pfa_code FROM geography_lsoaplacement"
        ).fetchall()
        areas = connection.execute(
            "SELECT code, name, level, population FROM geography_area "
            "WHERE level IN ('lsoa21', 'ward', 'lad', 'pfa')"
        ).fetchall()
        outline = [
            boundary
            for (boundary,) in connection.execute(
                "SELECT a.boundary FROM geography_area AS a JOIN geography_lsoaplacement AS p "
                "ON p.lsoa_code = a.code "
                "WHERE a.level = 'lsoa21' AND p.lad_code = ? AND a.boundary IS NOT NULL",
                (area,),
            )
        ]
    forces = {pfa for _, _, _, lad, pfa in placements if lad == area and pfa}
    districts = sorted({lad for _, _, _, lad, pfa in placements if pfa in forces})
    names = {code: name for code, name, _, _ in areas}
    population = {
        code: population for code, _, level, population in areas if level == "lsoa21" and population
    }
    return {
        "lsoa_lad": {lsoa: lad for lsoa, _, _, lad, _ in placements},
        "lsoa_ward": {lsoa: ward for lsoa, _, ward, _, _ in placements if ward},
        "lsoa_vintage": {lsoa: vintage for lsoa, vintage, _, _, _ in placements},
        "districts": districts,
        "force_slugs": sorted(names[code].lower().replace(" ", "-") for code in forces),
        "names": names,
        "lsoa_population": population,
        "outline": outline,
    }


def _partition_files(
    database: Path, store: Path, forces: list[str], first: dt.date, last: dt.date
) -> list[str]:
    marks = ",".join("?" * len(forces))
    with sqlite3.connect(database) as connection:
        paths = connection.execute(
            f"SELECT path FROM crimedata_partition WHERE source = ? AND force IN ({marks}) "  # noqa: S608
            "AND month BETWEEN ? AND ? ORDER BY path",
            (SOURCE, *forces, f"{first:%Y-%m-%d}", f"{last:%Y-%m-%d}"),
        ).fetchall()
    return [str(store / "crime" / path) for (path,) in paths]


def _xmr(values: Any) -> list[float | int]:
    """Centre, upper limit, months outside the limits, longest run on one side and centre-line crossings."""
    import numpy as np

    series = np.asarray(values, dtype=np.float64)
    centre = series.mean()
    moving = np.abs(np.diff(series)).mean()
    upper, lower = centre + XMR_FACTOR * moving, centre - XMR_FACTOR * moving
    outside = int(((series > upper) | (series < lower)).sum())
    # Anhøj's run rules, leaving out points on the centre line.
    sides = np.sign(series - centre)
    sides = sides[sides != 0]
    changes = np.flatnonzero(np.diff(sides) != 0)
    bounds = np.concatenate(([-1], changes, [sides.size - 1]))
    longest = int(np.diff(bounds).max()) if sides.size else 0
    return [round(float(centre), 3), round(float(upper), 3), outside, longest, int(changes.size)]


def _seasonal(months: Any, values: Any) -> dict[int, float]:
    import pandas as pd

    means = pd.Series(values, index=[month.month for month in months]).groupby(level=0).mean()
    return (means / means.mean()).to_dict()


def _bh(p_values: Any) -> Any:
    import numpy as np

    p = np.asarray(p_values, dtype=np.float64)
    if p.size == 0:
        return p
    order = np.argsort(p)
    ranked = p[order] * p.size / np.arange(1, p.size + 1)
    adjusted = np.minimum.accumulate(ranked[::-1])[::-1].clip(max=1.0)
    q = np.empty_like(adjusted)
    q[order] = adjusted
    return q


def _gini(counts: Any) -> float:
    import numpy as np

    ordered = np.sort(np.asarray(counts, dtype=np.float64))
    total = ordered.sum()
    if not total:
        return 0.0
    ranks = np.arange(1, ordered.size + 1)
    return float(2 * (ranks @ ordered) / (ordered.size * total) - (ordered.size + 1) / ordered.size)


def _top_share(counts: Any, fraction: float) -> float:
    import numpy as np

    ordered = np.sort(np.asarray(counts, dtype=np.float64))[::-1]
    return float(ordered[: math.ceil(round(fraction * ordered.size, 9))].sum() / ordered.sum())


def pandas_figures(
    *, database: Path, store: Path, area: str, last_month: dt.date, geography: dict[str, Any]
) -> tuple[dict, int]:
    """The assessment's figures in pandas, numpy and scipy; and how many rows were read."""
    import numpy as np
    import pandas as pd
    import shapely
    from pyproj import Transformer
    from scipy import ndimage, stats  # type: ignore[import-untyped]
    from shapely.geometry import shape

    years = _financial_years(last_month, YEARS)
    first, last = years[0][1], years[-1][2]
    files = _partition_files(database, store, geography["force_slugs"], first, last)
    frame = pd.read_parquet(files, columns=["month", "lsoa", "category", "longitude", "latitude"])
    rows_read = len(frame)
    lsoa_codes = pd.Index(list(geography["lsoa_lad"]))
    lads = np.asarray(list(geography["lsoa_lad"].values()), dtype=object)
    position = lsoa_codes.get_indexer(frame["lsoa"])
    frame["lad"] = np.where(position >= 0, lads[position], "")
    frame["month"] = pd.to_datetime(frame["month"])
    held = sorted(frame["month"].dt.date.unique())
    area_rows = frame[frame["lad"] == area]

    # Headline: each indicator's count by month, then by financial year.
    by_month = area_rows.groupby(["month", "category"]).size().unstack(fill_value=0)
    all_months = pd.date_range(first, last, freq="MS")
    by_month = by_month.reindex(all_months, fill_value=0)
    began = frame.groupby("category")["month"].min()
    population = sum(
        geography["lsoa_population"].get(lsoa, 0)
        for lsoa, lad in geography["lsoa_lad"].items()
        if lad == area and geography["lsoa_vintage"][lsoa] in ("2021", "2011+2021")
    )
    indicators = _indicators(INDICATORS_FILE)
    headline: dict[str, list[int | None]] = {}
    series_of: dict[str, pd.Series] = {}
    latest_pair: dict[str, tuple[int, int]] = {}
    for slug, categories in indicators:
        present = [category for category in categories if category in by_month.columns]
        series = by_month[present].sum(axis=1) if present else pd.Series(0, index=all_months)
        recorded = began.reindex(categories).min()
        cells: list[int | None] = []
        whole: list[bool] = []
        for _, start, end in years:
            months = pd.date_range(start, end, freq="MS")
            cells.append(
                int(series.loc[months].sum()) if pd.notna(recorded) and end >= recorded.date() else None
            )
            whole.append(all(month.date() in held for month in months))
        headline[slug] = cells
        series_of[slug] = series[[month.date() in held for month in series.index]]
        if whole[-1] and whole[-2] and cells[-1] is not None and cells[-2] is not None:
            latest_pair[slug] = (cells[-2], cells[-1])
    # The latest change tested (conditional binomial test of two Poisson counts), FDR across the rows.
    tested = sorted(latest_pair)
    p_values = [
        stats.binomtest(latest_pair[slug][1], sum(latest_pair[slug]), 0.5).pvalue
        if sum(latest_pair[slug])
        else 1.0
        for slug in tested
    ]
    q_values = _bh(p_values)
    rates = {
        slug: (cells[-1] / population * 1000, stats.chi2.ppf(0.025, 2 * cells[-1]) / 2 / population * 1000)
        for slug, cells in headline.items()
        if cells[-1] and population
    }

    # Trends: XmR chart and seasonal index of each indicator's months held.
    xmr = {slug: _xmr(series.to_numpy()) for slug, series in series_of.items() if series.size >= 2}
    seasonal = {slug: _seasonal(series.index, series.to_numpy()) for slug, series in series_of.items()}

    # Places of total crime in the latest year: wards, LSOAs, the grid and its Gi*, comparators.
    total_categories = dict(indicators)[TOTAL]
    _, latest_first, latest_last = years[-1]
    in_year = frame["month"].between(pd.Timestamp(latest_first), pd.Timestamp(latest_last)) & frame[
        "category"
    ].isin(total_categories)
    year_rows = frame[in_year]
    mine = year_rows[year_rows["lad"] == area]
    lsoa_counts = mine.groupby("lsoa").size()
    ward_of = pd.Series(geography["lsoa_ward"])
    ward_counts = mine.groupby(ward_of.reindex(mine["lsoa"]).to_numpy()).size()
    ward_population = (
        pd.Series(geography["lsoa_population"]).groupby(ward_of).sum()
        if geography["lsoa_population"]
        else pd.Series(dtype=float)
    )
    ward_rates = (ward_counts / ward_population.reindex(ward_counts.index) * 1000).to_dict()

    outline = shapely.union_all([shape(json.loads(boundary)) for boundary in geography["outline"]])
    to_bng = Transformer.from_crs("EPSG:4326", "EPSG:27700", always_xy=True)
    area_bng = shapely.transform(outline, lambda xy: np.column_stack(to_bng.transform(xy[:, 0], xy[:, 1])))
    min_x, min_y, max_x, max_y = area_bng.bounds
    origin_x, origin_y = math.floor(min_x / CELL_SIZE) * CELL_SIZE, math.floor(min_y / CELL_SIZE) * CELL_SIZE
    columns = math.floor((max_x - origin_x) / CELL_SIZE) + 1
    rows = math.floor((max_y - origin_y) / CELL_SIZE) + 1
    centre_x, centre_y = np.meshgrid(
        origin_x + (np.arange(columns) + 0.5) * CELL_SIZE, origin_y + (np.arange(rows) + 0.5) * CELL_SIZE
    )
    inside = shapely.contains_xy(area_bng, centre_x, centre_y)
    points = mine.dropna(subset=["longitude", "latitude"])
    x, y = to_bng.transform(points["longitude"].to_numpy(), points["latitude"].to_numpy())
    grid, _, _ = np.histogram2d(
        y,
        x,
        bins=(rows, columns),
        range=((origin_y, origin_y + rows * CELL_SIZE), (origin_x, origin_x + columns * CELL_SIZE)),
    )
    values = grid[inside]
    # Gi* with binary queen weights, the cell itself included: neighbourhood sums by a 3×3 convolution.
    kernel = np.ones((3, 3))
    masked = np.where(inside, grid, 0.0)
    local_sum = ndimage.convolve(masked, kernel, mode="constant")[inside]
    weight_sum = ndimage.convolve(inside.astype(np.float64), kernel, mode="constant")[inside]
    n = values.size
    mean = values.mean()
    spread = math.sqrt((values**2).mean() - mean**2)
    with np.errstate(divide="ignore", invalid="ignore"):
        z = (local_sum - mean * weight_sum) / (spread * np.sqrt((n * weight_sum - weight_sum**2) / (n - 1)))
    z = np.where(np.isfinite(z), z, 0.0)
    q_cells = _bh(2 * stats.norm.sf(np.abs(z)))
    labels = []
    for score, q in zip(z, q_cells, strict=True):
        for alpha, confidence in ((0.01, "99%"), (0.05, "95%"), (0.10, "90%")):
            if q < alpha:
                labels.append(f"{'Hot' if score > 0 else 'Cold'} spot, {confidence} confidence")
                break

    vintage_counts = pd.Series(
        [geography["lsoa_vintage"].get(code) for code in lsoa_counts.index]
    ).value_counts()
    vintage = "2021" if vintage_counts.get("2021", 0) >= vintage_counts.get("2011", 0) else "2011"
    area_lsoas = [
        lsoa
        for lsoa, lad in geography["lsoa_lad"].items()
        if lad == area and geography["lsoa_vintage"][lsoa] in (vintage, "2011+2021")
    ]
    lsoa_values = lsoa_counts.reindex(area_lsoas, fill_value=0).to_numpy()
    concentration = [
        (_top_share(counts, 0.05), _top_share(counts, 0.10), round(_gini(counts), 4))
        for counts in (lsoa_values, values)
    ]

    district_counts = year_rows.groupby("lad").size()
    district_population = (
        pd.Series(geography["lsoa_population"]).groupby(pd.Series(geography["lsoa_lad"])).sum()
    )
    latest_whole = all(month.date() in held for month in pd.date_range(latest_first, latest_last, freq="MS"))
    comparators = {
        code: int(district_counts.get(code, 0)) if latest_whole else None for code in geography["districts"]
    }
    comparator_rates = (
        pd.Series(comparators) / district_population.reindex(geography["districts"]) * 1000
    ).to_dict()
    figures = {
        "periods": [label for label, _, _ in years],
        "headline": headline,
        "significant": sorted(slug for slug, q in zip(tested, q_values, strict=True) if q < 0.05),
        "xmr": xmr,
        "wards": {str(code): int(count) for code, count in ward_counts.items()},
        "lsoas": {str(code): int(count) for code, count in lsoa_counts.items()},
        "cells_in_area": int(n),
        "hotspots": _tally(labels),
        "concentration": [gini for _, _, gini in concentration],
        "comparators": comparators,
    }
    _ = (rates, seasonal, ward_rates, comparator_rates)
    return figures, rows_read


def pandas_timings(*, database: Path, store: Path, area: str, last_month: str, repeats: int) -> dict:
    import pandas as pd

    month = dt.date(int(last_month[:4]), int(last_month[5:7]), 1)
    rows_read = 0

    def once() -> dict:
        nonlocal rows_read
        # The geography is read inside the timing, as the engine reads its own from the database.
        geography = _geography(database, area)
        figures, rows_read = pandas_figures(
            database=database, store=store, area=area, last_month=month, geography=geography
        )
        return figures

    figures, timings = _timed(once, repeats)
    return timings | {"figures": figures, "rows_read": rows_read, "pandas": pd.__version__}


# --- Running the children ----------------------------------------------------------------------------------


def _child(command: list[str], run_dir: Path, what: str) -> tuple[Any, dict]:
    result = run_child(command, env=job_env(run_dir)).check(what)
    return result, json.loads(result.stdout.strip().splitlines()[-1])


def _result(job: str, child: Any, timings: dict, detail: dict) -> AssessmentResult:
    return AssessmentResult(
        job=job,
        seconds=statistics.median(timings["times"]),
        run_cpu_seconds=statistics.median(timings["cpu_times"]),
        runs=[round(seconds, 4) for seconds in timings["times"]],
        runs_cpu=[round(seconds, 4) for seconds in timings["cpu_times"]],
        **child.measurements(),
        detail={
            "warmup_seconds": round(timings["warmup"], 3),
            "warmup_cpu_seconds": round(timings["warmup_cpu"], 3),
            **detail,
        },
    )


def prepare_job(run_dir: Path, *, area: str, last_month: str) -> dict:
    command = [PYTHON, "-m", "benchmarks.assessment", "prepare", "--area", area, "--last-month", last_month]
    return _child(command, run_dir, "assessment prepare")[1]


def engine_job(run_dir: Path, *, repeats: int = 5, profile: Path | None = None) -> AssessmentResult:
    command = [PYTHON, "-m", "benchmarks.assessment", "engine", "--repeats", str(repeats)]
    if profile:
        command += ["--profile", str(profile)]
    child, timings = _child(command, run_dir, "assessment figures")
    return _result("engine", child, timings, {"figures": timings["figures"]})


def pdf_job(run_dir: Path, *, repeats: int = 3, profile: Path | None = None) -> AssessmentResult:
    out = BENCH_DIR / "assessment-report.pdf"
    command = [PYTHON, "-m", "benchmarks.assessment", "pdf", "--repeats", str(repeats), "--out", str(out)]
    if profile:
        command += ["--profile", str(profile)]
    child, timings = _child(command, run_dir, "assessment PDF")
    detail = {"bytes": timings["bytes"], "pages": _pages(out), "pdf": str(out)}
    return _result("pdf", child, timings, detail)


def _pages(pdf: Path) -> int | None:
    """The PDF's page count, by poppler's pdfinfo when it is installed."""
    if shutil.which("pdfinfo") is None:
        return None
    command = ["pdfinfo", str(pdf)]
    info = subprocess.run(command, capture_output=True, text=True, check=False).stdout  # noqa: S603
    pages = [line.split(":", 1)[1].strip() for line in info.splitlines() if line.startswith("Pages:")]
    return int(pages[0]) if pages and pages[0].isdigit() else None


def pandas_job(run_dir: Path, *, area: str, last_month: str, repeats: int = 5) -> AssessmentResult:
    command = [PYTHON, "-m", "benchmarks.assessment", "pandas", "--db", str(run_dir / "db.sqlite3")]
    command += [
        "--store",
        str(run_dir),
        "--area",
        area,
        "--last-month",
        last_month,
        "--repeats",
        str(repeats),
    ]
    child, timings = _child(command, run_dir, "assessment pandas baseline")
    return _result(
        "pandas",
        child,
        timings,
        {"figures": timings["figures"], "rows_read": timings["rows_read"], "pandas": timings["pandas"]},
    )


def differences(engine: dict, baseline: dict) -> list[str]:
    """Where the engine's figures and the baseline's differ, one line each."""
    found = []
    for key in engine:
        if engine[key] != baseline.get(key):
            mine, theirs = json.dumps(engine[key])[:300], json.dumps(baseline.get(key))[:300]
            found.append(f"{key}: engine {mine} / pandas {theirs}")
    return found


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    sub = parser.add_subparsers(dest="job", required=True)
    prepare_parser = sub.add_parser(
        "prepare", help="Load the indicators, make the partnership and assessment."
    )
    engine_parser = sub.add_parser("engine", help="Time the assessment's figures in this process.")
    pdf_parser = sub.add_parser("pdf", help="Time the report's PDF in this process.")
    baseline = sub.add_parser("pandas", help="Time the same figures in pandas over the partition files.")
    for job in (prepare_parser, baseline):
        job.add_argument("--area", required=True)
        job.add_argument("--last-month", required=True)
    for job in (engine_parser, pdf_parser, baseline):
        job.add_argument("--repeats", type=int, default=5)
    for job in (engine_parser, pdf_parser):
        job.add_argument("--profile", default="", help="Run it once more under cProfile into this file.")
    pdf_parser.add_argument("--slow", type=float, default=20.0, help="Stop repeating after a run this slow.")
    pdf_parser.add_argument("--out", default="", help="Write the PDF here.")
    baseline.add_argument("--db", type=Path, required=True)
    baseline.add_argument("--store", type=Path, required=True)
    args = parser.parse_args(argv)
    if args.job == "prepare":
        result = prepare(area=args.area, last_month=args.last_month)
    elif args.job == "engine":
        result = engine_timings(repeats=args.repeats, profile=args.profile)
    elif args.job == "pdf":
        result = pdf_timings(repeats=args.repeats, slow=args.slow, profile=args.profile, out=args.out)
    else:
        result = pandas_timings(
            database=args.db,
            store=args.store,
            area=args.area,
            last_month=args.last_month,
            repeats=args.repeats,
        )
    sys.stdout.write(json.dumps(result, default=str) + "\n")


if __name__ == "__main__":
    main()
