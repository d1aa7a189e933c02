"""Reading the crime store: counts of any area and period, from the aggregates, through DuckDB.

A crime counts in an area when its LSOA lies in that area. Rows with no location count only for their
force's area.
"""

import csv
import datetime as dt
import hashlib
import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Literal

import duckdb
import pyarrow as pa
from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.db.models import Count, F, Max, Min, Q, QuerySet, Sum
from django.http import Http404

from saferhub.crimedata import schema, store
from saferhub.crimedata.models import (
    ColumnMapping,
    ImportRun,
    ImportStatus,
    Indicator,
    IndicatorSet,
    Partition,
    PartitionVersion,
    StaleAggregate,
)
from saferhub.crimedata.services import aggregates_refresh
from saferhub.crimedata.stewards import force_of_area, forces_of_districts
from saferhub.geography import selectors as geography
from saferhub.geography.models import VINTAGES_OF_2021, Area, AreaLevel, LsoaPlacement, Vintage
from saferhub.partnerships.models import Partnership
from saferhub.partnerships.selectors import partnership_by_slug

Period = Literal["month", "calendar-year", "financial-year"]
GroupBy = Literal["category", "ward", "lsoa"]


class UnknownArea(Exception):
    pass


@dataclass(frozen=True)
class AreaScope:
    """Where to count: the districts whose aggregates to read, and which of their LSOAs count."""

    code: str
    name: str
    districts: frozenset[str]
    lsoas: frozenset[str] | None
    forces_without_location: frozenset[str] = frozenset()


@dataclass(frozen=True)
class CountFilter:
    """What to count. Empty tuples mean 'all'; flags maps a flag to the value it must have."""

    sources: tuple[str, ...] = (schema.SOURCE_POLICEUK_STREET,)
    categories: tuple[str, ...] = ()
    subcategories: tuple[str, ...] = ()
    flags: dict[str, bool] = field(default_factory=dict)
    asb_types: tuple[str, ...] = ()


def area_scope(code: str) -> AreaScope:
    """An ONS code (LSOA, ward, district, CSP, force area) or a partnership's slug."""
    partnership = partnership_by_slug(code)
    if partnership is not None:
        codes = list(partnership.area_codes)
        if not codes:
            raise UnknownArea(f"the partnership '{code}' has no areas recorded")
        districts = frozenset().union(*(geography.lad_codes_in(c) for c in codes))
        in_partnership = frozenset().union(*((geography.lsoa_codes_in(c) or frozenset()) for c in codes))
        whole = all(c in districts for c in codes)
        return AreaScope(
            code=code, name=partnership.name, districts=districts, lsoas=None if whole else in_partnership
        )
    area = geography.area_by_code(code)
    lsoas = geography.lsoa_codes_in(code)
    if area is None or lsoas is None:
        raise UnknownArea(f"'{code}' is neither an ONS area code we know nor a partnership")
    districts = geography.lad_codes_in(code)
    partial = area.level in {"lsoa11", "lsoa21", "ward"}
    forces = frozenset({force_of_area(area.name)}) if area.level == "pfa" else frozenset()
    return AreaScope(
        code=code,
        name=area.name,
        districts=districts,
        lsoas=lsoas if partial else None,
        forces_without_location=forces,
    )


def monthly_counts(
    *,
    scope: AreaScope,
    what: CountFilter,
    month_from: dt.date,
    month_to: dt.date,
    by: GroupBy | None = "category",
) -> list[tuple[dt.date, str, str, int]]:
    """(month, category, the --by value or '', count) for every combination with at least one crime."""
    _aggregates_made_fresh(what.sources)
    read = _aggregates_read(scope=scope, sources=what.sources, month_from=month_from, month_to=month_to)
    if read is None:
        return []
    cursor, conditions, parameters = read
    conditions += _what_conditions(what, parameters)
    key = {"category": "''", "lsoa": "coalesce(lsoa, '')", "ward": "coalesce(w.ward, '')", None: "''"}[by]
    join = ""
    if by == "ward":
        cursor.register("lsoa_wards", _lsoa_wards())
        join = "LEFT JOIN lsoa_wards AS w USING (lsoa)"
    rows = cursor.execute(
        f"""
        SELECT month, {"category" if by is not None else "'All'"} AS category, {key} AS key, sum(n)::BIGINT
        FROM read_parquet($files, union_by_name = true) {join}
        WHERE {" AND ".join(conditions)}
        GROUP BY ALL
        ORDER BY 1, 2, 3
        """,  # noqa: S608 - the SQL is built from fixed fragments; every value is bound
        parameters,
    ).fetchall()
    return [(month, category, key, int(count)) for month, category, key, count in rows]


def _aggregates_read(
    *, scope: AreaScope, sources: tuple[str, ...], month_from: dt.date, month_to: dt.date
) -> tuple[duckdb.DuckDBPyConnection, list[str], dict[str, Any]] | None:
    """A DuckDB cursor, the SQL conditions and their bound values that read the scope's aggregates of these
    sources over the months (its LSOAs, and rows with no location for a force area); None when no
    aggregate file holds them. The caller adds what to count and unregisters "area_lsoas" if it was set."""
    years = range(month_from.year, month_to.year + 1)
    files = store.aggregate_files(sources=sources, years=years, districts=sorted(scope.districts))
    if scope.forces_without_location:
        files += store.aggregate_files(sources=sources, years=years, districts=[store.NO_DISTRICT])
    if not files:
        return None
    conditions = ["month BETWEEN $month_from AND $month_to"]
    parameters: dict[str, Any] = {"files": files, "month_from": month_from, "month_to": month_to}
    cursor = store.duckdb_cursor()
    if scope.lsoas is not None:
        cursor.register("area_lsoas", pa.table({"lsoa": sorted(scope.lsoas)}))
        conditions.append("lsoa IN (SELECT lsoa FROM area_lsoas)")
    if scope.forces_without_location:
        conditions.append(f"(lad <> '{store.NO_DISTRICT}' OR force IN (SELECT unnest($forces)))")
        parameters["forces"] = sorted(scope.forces_without_location)
    return cursor, conditions, parameters


def _aggregates_made_fresh(sources: tuple[str, ...]) -> None:
    if StaleAggregate.objects.filter(source__in=sources).exists():
        # An import stopped after its manifest committed but before its aggregates were rebuilt.
        aggregates_refresh()


def _what_conditions(what: CountFilter, parameters: dict[str, Any]) -> list[str]:
    """SQL conditions for the filter's categories, subcategories, ASB types and flags; binds their values."""
    conditions = []
    for name, values in (
        ("category", what.categories),
        ("subcategory", what.subcategories),
        ("asb_type", what.asb_types),
    ):
        if values:
            conditions.append(f"{name} IN (SELECT unnest(${name}s))")
            parameters[f"{name}s"] = list(values)
    for flag, value in what.flags.items():
        if flag not in schema.FLAGS:
            raise ValueError(f"unknown flag {flag}")
        conditions.append(f"{flag} = {'true' if value else 'false'}")
    return conditions


def _lsoa_wards() -> pa.Table:
    placements = geography.lsoa_placements()
    return pa.table({"lsoa": [row[0] for row in placements], "ward": [row[1] for row in placements]})


def period_label(month: dt.date, period: Period) -> str:
    """'2023-04', '2023', or '2023/24' (the financial year runs April to March)."""
    if period == "month":
        return f"{month:%Y-%m}"
    if period == "calendar-year":
        return str(month.year)
    start = month.year if month.month >= 4 else month.year - 1
    return f"{start}/{(start + 1) % 100:02d}"


def period_counts(
    *,
    scope: AreaScope,
    what: CountFilter,
    period: Period,
    month_from: dt.date,
    month_to: dt.date,
    by: GroupBy | None = "category",
) -> list[dict[str, Any]]:
    """Counts folded into periods: one dict per (period, category, by-value) with its count."""
    totals: dict[tuple[str, str, str], int] = defaultdict(int)
    for month, category, key, count in monthly_counts(
        scope=scope, what=what, month_from=month_from, month_to=month_to, by=by
    ):
        totals[(period_label(month, period), category, key)] += count
    return [{"period": p, "category": c, "key": k, "count": n} for (p, c, k), n in sorted(totals.items())]


def months_stored(*, source: str) -> dict[str, list[dt.date]]:
    """For each force, the months the store holds: what the coverage calendar shows."""
    found: dict[str, list[dt.date]] = defaultdict(list)
    for force, month in (
        Partition.objects.filter(source=source).values_list("force", "month").order_by("month")
    ):
        found[force].append(month)
    return dict(found)


def import_runs() -> Any:
    return ImportRun.objects.select_related("started_by", "partnership")


def indicator_filter(indicator: Indicator) -> CountFilter:
    """What an indicator counts, as the filter monthly_counts takes."""
    return CountFilter(
        sources=tuple(indicator.sources),
        categories=tuple(indicator.categories),
        subcategories=tuple(indicator.subcategories),
        flags=dict(indicator.flags),
        asb_types=tuple(indicator.asb_types),
    )


def indicator_series(
    *, indicator: Indicator, scope: AreaScope, month_from: dt.date, month_to: dt.date
) -> list[tuple[dt.date, int]]:
    """The indicator's count in each month from month_from to month_to, a month with none counting 0."""
    counts = {
        month: count
        for month, _, _, count in monthly_counts(
            scope=scope, what=indicator_filter(indicator), month_from=month_from, month_to=month_to, by=None
        )
    }
    series = []
    month = month_from.replace(day=1)
    while month <= month_to:
        series.append((month, counts.get(month, 0)))
        month = (month + dt.timedelta(days=32)).replace(day=1)
    return series


def indicator_set_for(*, slug: str, partnership: Partnership | None) -> IndicatorSet | None:
    """The partnership's own set of this slug, else the shared one, else None."""
    if partnership is not None:
        own = IndicatorSet.objects.filter(partnership=partnership, slug=slug).first()
        if own is not None:
            return own
    return IndicatorSet.objects.filter(partnership__isnull=True, slug=slug).first()


# --- What the crime data pages read --------------------------------------------------------------------

SOURCE_LABELS = {
    schema.SOURCE_POLICEUK_STREET: "police.uk street-level crime",
    schema.SOURCE_POLICEUK_OUTCOMES: "police.uk outcomes",
    schema.SOURCE_POLICEUK_STOP_SEARCH: "police.uk stop and search",
}
_SMALL_WORDS = {"and", "of", "the"}
_MONTH_IN_NAME = re.compile(r"(\d{4}-(?:0[1-9]|1[0-2]))")
_POLICEUK_FILE = re.compile(r"(\d{4}-\d{2})-(?P<force>[a-z0-9-]+?)-(?P<kind>street|outcomes)\.csv$")


def force_label(force: str) -> str:
    """'leicestershire' -> 'Leicestershire', 'devon-and-cornwall' -> 'Devon and Cornwall'."""
    words = force.split("-")
    return " ".join(
        word if position and word in _SMALL_WORDS else word.capitalize()
        for position, word in enumerate(words)
    )


def sources_visible_to(partnership: Partnership) -> dict[str, str]:
    """The sources stored that a partnership's pages show, each with what people call it.

    Every source is shown except a local extract that another partnership's saved mapping owns: police.uk
    data is public, and a source imported only from the command line belongs to no one partnership.
    """
    stored = set(Partition.objects.order_by().values_list("source", flat=True).distinct())
    own: dict[str, str] = {}
    for source, name in column_mappings_of(partnership).order_by("name").values_list("source", "name"):
        own.setdefault(source, name)
    visible = sorted(
        stored - sources_owned_elsewhere(partnership),
        key=lambda source: (not source.startswith("police.uk"), source),
    )
    return {source: SOURCE_LABELS.get(source) or own.get(source) or source for source in visible}


def sources_owned_elsewhere(partnership: Partnership) -> set[str]:
    """The sources of other partnerships' saved mappings: their local extracts, not this partnership's."""
    return set(
        ColumnMapping.objects.exclude(partnership=partnership).order_by().values_list("source", flat=True)
    )


@dataclass(frozen=True)
class SourceSummary:
    source: str
    label: str
    forces: tuple[str, ...]
    first: dt.date
    last: dt.date
    months: int
    rows: int


def store_summary(*, sources: dict[str, str]) -> list[SourceSummary]:
    """For each source (in the order given): its forces, first and last month, months held and rows."""
    forces: dict[str, set[str]] = defaultdict(set)
    for source, force in (
        Partition.objects.filter(source__in=sources).order_by().values_list("source", "force").distinct()
    ):
        forces[source].add(force)
    totals = {
        row["source"]: row
        for row in Partition.objects.filter(source__in=sources)
        .order_by()
        .values("source")
        .annotate(
            first=Min("month"), last=Max("month"), months=Count("month", distinct=True), rows_held=Sum("rows")
        )
    }
    return [
        SourceSummary(
            source=source,
            label=label,
            forces=tuple(force_label(force) for force in sorted(forces[source])),
            first=totals[source]["first"],
            last=totals[source]["last"],
            months=totals[source]["months"],
            rows=totals[source]["rows_held"] or 0,
        )
        for source, label in sources.items()
        if source in totals
    ]


def _months_between(first: dt.date, last: dt.date) -> list[dt.date]:
    months, month = [], first.replace(day=1)
    while month <= last:
        months.append(month)
        month = (month + dt.timedelta(days=32)).replace(day=1)
    return months


def month_ranges(months: list[dt.date]) -> list[tuple[dt.date, dt.date]]:
    """Consecutive months as (first, last) runs: a missing year is one run, not twelve months."""
    ranges: list[tuple[dt.date, dt.date]] = []
    for month in sorted(months):
        if ranges and (ranges[-1][1] + dt.timedelta(days=32)).replace(day=1) == month:
            ranges[-1] = (ranges[-1][0], month)
        else:
            ranges.append((month, month))
    return ranges


@dataclass(frozen=True)
class CoverageYear:
    """One row of the coverage calendar: a force's year, each month 'imported', 'missing' (inside the range
    held but not held) or '' (before the first month or after the last)."""

    year: int
    months: tuple[str, ...]


@dataclass(frozen=True)
class ForceCoverage:
    force: str
    label: str
    first: dt.date
    last: dt.date
    years: tuple[CoverageYear, ...]
    missing: tuple[tuple[dt.date, dt.date], ...]

    @property
    def missing_months(self) -> int:
        return sum(len(_months_between(first, last)) for first, last in self.missing)


@dataclass(frozen=True)
class SourceCoverage:
    source: str
    label: str
    forces: tuple[ForceCoverage, ...]


def coverage_calendar(*, source: str, label: str = "") -> SourceCoverage:
    """The months held of each force of a source, as a calendar: one row a year, a gap standing out."""
    forces = []
    for force, months in sorted(months_stored(source=source).items()):
        held = set(months)
        first, last = min(held), max(held)
        years = tuple(
            CoverageYear(
                year=year,
                months=tuple(
                    ""
                    if not first <= dt.date(year, number, 1) <= last
                    else "imported"
                    if dt.date(year, number, 1) in held
                    else "missing"
                    for number in range(1, 13)
                ),
            )
            for year in range(first.year, last.year + 1)
        )
        missing = [month for month in _months_between(first, last) if month not in held]
        forces.append(
            ForceCoverage(
                force=force,
                label=force_label(force),
                first=first,
                last=last,
                years=years,
                missing=tuple(month_ranges(missing)),
            )
        )
    return SourceCoverage(
        source=source, label=label or SOURCE_LABELS.get(source, source), forces=tuple(forces)
    )


@dataclass(frozen=True)
class MonthQuality:
    month: dt.date
    rows: int
    no_location_rows: int
    lsoa_2011_rows: int
    lsoa_2021_rows: int
    # Rejected in the month's file(s) of the import that stored it; None when that import's files do not
    # say their month (a local extract of many months): then only the import's total is known.
    rejected: int | None
    run_id: Any
    run_partnership_id: int | None
    run_rejected: int

    @property
    def no_location_percent(self) -> float:
        return 100 * self.no_location_rows / self.rows if self.rows else 0.0

    @property
    def lsoa_both_rows(self) -> int:
        """Rows whose LSOA code is the same in 2011 and 2021 (most codes did not change)."""
        return self.rows - self.no_location_rows - self.lsoa_2011_rows - self.lsoa_2021_rows


@dataclass(frozen=True)
class ForceQuality:
    force: str
    label: str
    months: tuple[MonthQuality, ...]


@dataclass(frozen=True)
class SourceQuality:
    source: str
    label: str
    forces: tuple[ForceQuality, ...]


def data_quality_by_month(*, source: str, label: str = "") -> SourceQuality:
    """Per force and month held: rows, rows with no location, rows by LSOA vintage, and rejected rows.

    Rejected rows come from the import that stored the month: the rejections in its files whose name gives
    that month (police.uk's files do: 2023-01-leicestershire-street.csv), read from its rejection report.
    For an import whose files do not name their month, `rejected` is None and the page shows the import's
    total instead.
    """
    partitions = list(
        Partition.objects.filter(source=source).select_related("import_run").order_by("force", "month")
    )
    by_run: dict[int, Counter[tuple[str, str | None, str | None]] | None] = {}
    forces: dict[str, list[MonthQuality]] = defaultdict(list)
    for partition in partitions:
        run = partition.import_run
        if run.pk not in by_run:
            by_run[run.pk] = _rejections_by_file_month(run)
        counts = by_run[run.pk]
        forces[partition.force].append(
            MonthQuality(
                month=partition.month,
                rows=partition.rows,
                no_location_rows=partition.no_location_rows,
                lsoa_2011_rows=partition.lsoa_2011_rows,
                lsoa_2021_rows=partition.lsoa_2021_rows,
                rejected=None
                if counts is None
                else _rejected_in(counts, month=partition.month, force=partition.force, source=source),
                run_id=run.public_id,
                run_partnership_id=run.partnership_id,
                run_rejected=run.rows_rejected,
            )
        )
    return SourceQuality(
        source=source,
        label=label or SOURCE_LABELS.get(source, source),
        forces=tuple(
            ForceQuality(force=force, label=force_label(force), months=tuple(months))
            for force, months in sorted(forces.items())
        ),
    )


def _rejections_by_file_month(run: ImportRun) -> Counter[tuple[str, str | None, str | None]] | None:
    """The run's rejections counted by (month, force, police.uk kind) as their files' names give them.

    None when that cannot be known: a rejection's file does not name its month, or the report is missing.
    """
    counts: Counter[tuple[str, str | None, str | None]] = Counter()
    if not run.rows_rejected:
        return counts
    path = report_file(run)
    if path is None:
        return None
    with path.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            name = row.get("file", "").lstrip("'").rsplit("/", 1)[-1].rsplit(":", 1)[-1]
            policeuk = _POLICEUK_FILE.search(name)
            if policeuk:
                counts[(policeuk.group(1), policeuk.group("force"), policeuk.group("kind"))] += 1
                continue
            month = _MONTH_IN_NAME.search(name)
            if month is None:
                return None
            counts[(month.group(1), None, None)] += 1
    return counts


def _rejected_in(
    counts: Counter[tuple[str, str | None, str | None]], *, month: dt.date, force: str, source: str
) -> int:
    key = f"{month:%Y-%m}"
    return sum(
        count
        for (file_month, file_force, kind), count in counts.items()
        if file_month == key
        and file_force in (None, force)
        and (kind is None or source == f"police.uk-{kind}")
    )


def report_file(run: ImportRun) -> Path | None:
    """The run's report of every rejected row, when it has one and it is still in the store."""
    if not run.report_path:
        return None
    root = store.store_root().resolve()
    path = (root / run.report_path).resolve()
    if not path.is_relative_to(root) or not path.is_file():
        return None
    return path


@dataclass(frozen=True)
class SourceFields:
    """What a source's rows hold: the categories present, and which flags have values (police.uk has none)."""

    categories: dict[str, tuple[str, ...]]  # category -> the sources (of those asked about) that have it
    flags: tuple[str, ...]


def source_fields(*, sources: list[str]) -> SourceFields:
    """The categories present in these sources' data, and the flags any of them fills, from the aggregates."""
    spans = (
        Partition.objects.filter(source__in=sources)
        .order_by()
        .aggregate(first=Min("month"), last=Max("month"))
    )
    if spans["first"] is None:
        return SourceFields(categories={}, flags=())
    years = range(spans["first"].year, spans["last"].year + 1)
    files = store.aggregate_files(sources=sources, years=years, districts=None)
    if not files:
        return SourceFields(categories={}, flags=())
    cursor = store.duckdb_cursor()
    flag_columns = ", ".join(f"bool_or({flag} IS NOT NULL)" for flag in schema.FLAGS)
    categories: dict[str, list[str]] = defaultdict(list)
    for source, category in cursor.execute(
        "SELECT DISTINCT source, category FROM read_parquet($files, union_by_name = true) "
        "WHERE category IS NOT NULL ORDER BY 2, 1",
        {"files": files},
    ).fetchall():
        categories[category].append(source)
    filled = cursor.execute(
        f"SELECT {flag_columns} FROM read_parquet($files, union_by_name = true)",  # noqa: S608 - fixed names
        {"files": files},
    ).fetchone()
    return SourceFields(
        categories={category: tuple(found) for category, found in categories.items()},
        flags=tuple(flag for flag, has in zip(schema.FLAGS, filled or (), strict=False) if has),
    )


def latest_month(*, sources: list[str] | tuple[str, ...]) -> dt.date | None:
    """The last month any of these sources holds."""
    return Partition.objects.filter(source__in=sources).order_by().aggregate(last=Max("month"))["last"]


def import_runs_of(partnership: Partnership) -> QuerySet[ImportRun]:
    """The imports made in the partnership's pages, and the police.uk imports and restores that touched its
    area (wherever they were made), newest first."""
    touching = ImportRun.touched.through.objects.filter(partnership=partnership).values("importrun_id")
    return import_runs().filter(Q(partnership=partnership) | Q(pk__in=touching))


def replaced_versions_of(run: ImportRun) -> QuerySet[PartitionVersion]:
    """The partition versions this import or restore replaced and that can still be restored."""
    return (
        PartitionVersion.objects.filter(replaced_by=run)
        .select_related("import_run")
        .order_by("source", "force", "month")
    )


def replaced_version_in(partnership: Partnership, run_id: Any, version_id: Any) -> PartitionVersion:
    run = import_run_in(partnership, run_id)
    version = replaced_versions_of(run).filter(public_id=version_id).first()
    if version is None:
        raise Http404("No such version")
    return version


def import_run_in(partnership: Partnership, public_id: Any) -> ImportRun:
    run = import_runs_of(partnership).filter(public_id=public_id).first()
    if run is None:
        raise Http404("No such import")
    return run


def column_mappings_of(partnership: Partnership) -> QuerySet[ColumnMapping]:
    return ColumnMapping.objects.filter(partnership=partnership)


def column_mapping_in(partnership: Partnership, public_id: Any) -> ColumnMapping:
    mapping = column_mappings_of(partnership).filter(public_id=public_id).first()
    if mapping is None:
        raise Http404("No such column mapping")
    return mapping


def indicators_for(partnership: Partnership) -> QuerySet[Indicator]:
    """The partnership's own indicators and the shared ones."""
    return Indicator.objects.filter(Q(partnership=partnership) | Q(partnership__isnull=True))


def indicator_in(partnership: Partnership, public_id: Any) -> Indicator:
    indicator = indicators_for(partnership).filter(public_id=public_id).first()
    if indicator is None:
        raise Http404("No such indicator")
    return indicator


def own_indicator_in(partnership: Partnership, public_id: Any) -> Indicator:
    """One of the partnership's own indicators (not a shared one), which its analysts may change."""
    indicator = Indicator.objects.filter(partnership=partnership, public_id=public_id).first()
    if indicator is None:
        raise Http404("No such indicator")
    return indicator


@dataclass(frozen=True)
class IndicatorGroup:
    """The indicators of one set, in its order; or (indicator_set None) those in no set shown."""

    indicator_set: IndicatorSet | None
    indicators: tuple[Indicator, ...]


def indicator_groups(partnership: Partnership) -> list[IndicatorGroup]:
    """The partnership's own sets, then the shared ones, then the indicators in none of them."""
    sets = (
        IndicatorSet.objects.filter(Q(partnership=partnership) | Q(partnership__isnull=True))
        .order_by(F("partnership").asc(nulls_last=True), "name")
        .prefetch_related("members__indicator")
    )
    groups: list[IndicatorGroup] = []
    grouped: set[int] = set()
    for indicator_set in sets:
        members = tuple(member.indicator for member in indicator_set.members.all())
        grouped.update(indicator.pk for indicator in members)
        groups.append(IndicatorGroup(indicator_set=indicator_set, indicators=members))
    rest = tuple(
        indicators_for(partnership)
        .exclude(pk__in=grouped)
        .order_by(F("partnership").asc(nulls_last=True), "name")
    )
    if rest:
        groups.append(IndicatorGroup(indicator_set=None, indicators=rest))
    return groups


@dataclass(frozen=True)
class SeriesPoint:
    month: dt.date
    count: int | None  # None: none of the indicator's sources holds this month (not the same as 0)
    rate: float | None  # per 1,000 residents, when asked for and the population is known


@dataclass(frozen=True)
class IndicatorPreview:
    area_code: str
    area_name: str
    population: int | None
    points: tuple[SeriesPoint, ...]
    problem: str = ""  # why there is nothing to show


def store_version() -> str:
    """A name of the crime store and its owners as they now are, in one query: it changes with every import
    run saved (a new one, its progress, its outcome; a restore is a run of its own), with every run
    committed (confirming one changes no count of runs), and with every column mapping saved or removed (a
    mapping decides whose a source is). The data directory is part of it: two stores are two versions.
    What is derived from the store is cached under it, so nothing is served from a store that has changed."""
    # Plain SQL because it is asked on every cached read: the ORM cannot aggregate two tables in one query.
    quote = connection.ops.quote_name
    runs, mappings = quote(ImportRun._meta.db_table), quote(ColumnMapping._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT (SELECT count(*) FROM {runs}), (SELECT count(*) FROM {runs} WHERE status = %s), "  # noqa: S608 - table names from the models
            f"(SELECT max(updated_at) FROM {runs}), (SELECT count(*) FROM {mappings}), "
            f"(SELECT max(updated_at) FROM {mappings})",
            [ImportStatus.COMMITTED.value],
        )
        state = cursor.fetchone()
    return "|".join(str(part) for part in (settings.SAFERHUB_DATA_DIR, *state))


def indicator_preview(
    *,
    indicator: Indicator,
    partnership: Partnership,
    months: int = 36,
    month_from: dt.date | None = None,
    month_to: dt.date | None = None,
) -> IndicatorPreview:
    """The indicator's count in each month, by default the last `months` up to the last its sources hold
    (starting no earlier than the first they hold), in its area (its own, or the partnership's), with a
    rate per 1,000 residents when it asks for one. A month none of its sources holds has no count.

    Another partnership's local extract counts as a source nobody has: it holds nothing here, so the answer
    does not say whether it exists. The preview is derived only from the store, the indicator's definition
    and the partnership's name and areas, so it is cached under the store's version and those (never the
    person's: whoever may see the partnership sees the same preview)."""
    asked = (
        indicator_filter(indicator),
        indicator.area_code,
        indicator.per_1000,
        partnership.pk,
        partnership.name,
        tuple(partnership.area_codes),
        months,
        month_from,
        month_to,
    )
    key = "crimedata:indicator-preview:" + hashlib.sha256(repr((store_version(), asked)).encode()).hexdigest()
    found: IndicatorPreview | None = cache.get(key)
    if found is None:
        found = _indicator_preview_read(
            indicator=indicator,
            partnership=partnership,
            months=months,
            month_from=month_from,
            month_to=month_to,
        )
        cache.set(key, found, timeout=None)  # kept until evicted: a changed store is another key
    return found


def _indicator_preview_read(
    *,
    indicator: Indicator,
    partnership: Partnership,
    months: int,
    month_from: dt.date | None,
    month_to: dt.date | None,
) -> IndicatorPreview:
    code = indicator.area_code or partnership.slug
    shown_code = indicator.area_code or ", ".join(partnership.area_codes)
    try:
        scope = area_scope(code)
    except UnknownArea as error:
        return IndicatorPreview(
            area_code=shown_code, area_name="", population=None, points=(), problem=str(error)
        )
    elsewhere = sources_owned_elsewhere(partnership)
    what = replace(
        indicator_filter(indicator), sources=tuple(s for s in indicator.sources if s not in elsewhere)
    )
    held = months_held(sources=what.sources)
    last = month_to or (max(held) if held else None)
    if last is None:
        return IndicatorPreview(
            area_code=shown_code,
            area_name=scope.name,
            population=None,
            points=(),
            problem="none of the indicator’s sources holds any data yet",
        )
    first = month_from or max(_months_back(last, months - 1), min(held))
    population = _population(indicator.area_code, partnership) if indicator.per_1000 else None
    counts = {
        month: count
        for month, _, _, count in monthly_counts(
            scope=scope, what=what, month_from=first, month_to=last, by=None
        )
    }
    return IndicatorPreview(
        area_code=shown_code,
        area_name=scope.name,
        population=population,
        points=tuple(
            SeriesPoint(
                month=month,
                count=counts.get(month, 0) if month in held else None,
                rate=round(1000 * counts.get(month, 0) / population, 2)
                if population and month in held
                else None,
            )
            for month in _months_between(first, last)
        ),
    )


def _months_back(month: dt.date, count: int) -> dt.date:
    index = month.year * 12 + month.month - 1 - count
    return dt.date(index // 12, index % 12 + 1, 1)


def _population(area_code: str, partnership: Partnership) -> int | None:
    return population_of_scope(area_code or partnership.slug)


# --- What the strategic assessment reads -----------------------------------------------------------


def months_held(*, sources: list[str] | tuple[str, ...]) -> frozenset[dt.date]:
    """The months at least one of these sources holds for some force: a month outside it is missing, not 0."""
    return frozenset(
        Partition.objects.filter(source__in=sources).order_by().values_list("month", flat=True).distinct()
    )


def forces_of(scope: AreaScope) -> frozenset[str]:
    """The police.uk force slugs whose areas hold the scope's districts."""
    return forces_of_districts(scope.districts) | scope.forces_without_location


def crime_points(
    *, scope: AreaScope, what: CountFilter, month_from: dt.date, month_to: dt.date
) -> tuple[list[float], list[float], list[str | None]]:
    """(longitudes, latitudes, locations) of the crimes the filter counts in the scope's LSOAs: for hotspot
    grids, and to name a cell by the streets its crimes are on or near (the location text, "On or near
    Granby Street", None where a row has none).

    police.uk points are snapped to anonymous map points, so they are only ever aggregated to cells.
    Rows without a point are left out.
    """
    partitions = Partition.objects.filter(source__in=what.sources, month__gte=month_from, month__lte=month_to)
    forces = forces_of(scope)
    if forces:
        partitions = partitions.filter(force__in=forces)
    files = [str(store.store_root() / path) for path in partitions.values_list("path", flat=True)]
    if not files:
        return [], [], []
    cursor = store.duckdb_cursor()
    lsoas = scope.lsoas if scope.lsoas is not None else lsoas_of_districts(scope.districts)
    cursor.register("area_lsoas", pa.table({"lsoa": sorted(lsoas)}))
    conditions = ["lsoa IN (SELECT lsoa FROM area_lsoas)", "longitude IS NOT NULL", "latitude IS NOT NULL"]
    parameters: dict[str, Any] = {"files": files}
    conditions += _what_conditions(what, parameters)
    table = cursor.execute(
        f"""
        SELECT longitude, latitude, location FROM read_parquet($files, union_by_name = true)
        WHERE {" AND ".join(conditions)}
        """,  # noqa: S608 - the SQL is built from fixed fragments; every value is bound
        parameters,
    ).fetchnumpy()
    cursor.unregister("area_lsoas")
    # A null location comes back masked; tolist() gives None for it.
    return list(table["longitude"]), list(table["latitude"]), table["location"].tolist()


def lsoas_of_districts(districts: frozenset[str]) -> frozenset[str]:
    return frozenset().union(*((geography.lsoa_codes_in(code) or frozenset()) for code in districts))


def first_month_recorded(what: CountFilter) -> dt.date | None:
    """The first month anything the filter counts was recorded, anywhere in the store. Before it the kind of
    crime was not recorded at all (a category or subgroup that did not exist yet): not a count of 0."""
    held = months_held(sources=what.sources)
    if not held:
        return None
    _aggregates_made_fresh(what.sources)
    files = store.aggregate_files(
        sources=what.sources, years=range(min(held).year, max(held).year + 1), districts=None
    )
    if not files:
        return None
    parameters: dict[str, Any] = {"files": files}
    conditions = ["true", *_what_conditions(what, parameters)]
    (first,) = store.duckdb_cursor().execute(
        f"""
            SELECT min(month) FROM read_parquet($files, union_by_name = true) WHERE {" AND ".join(conditions)}
            """,  # noqa: S608 - the SQL is built from fixed fragments; every value is bound
        parameters,
    ).fetchone() or (None,)
    return first


def population_of_scope(code: str) -> int | None:
    """Census 2021 residents of an ONS area, or of a partnership's areas (by its slug); None if not known."""
    partnership = partnership_by_slug(code)
    if partnership is None:
        return geography.population_of(code)
    populations = [geography.population_of(area) for area in partnership.area_codes]
    if not populations or any(population is None for population in populations):
        return None
    return sum(population for population in populations if population is not None)


def forces_held(*, sources: list[str] | tuple[str, ...]) -> frozenset[str]:
    """The forces whose data at least one of these sources holds."""
    return frozenset(
        Partition.objects.filter(source__in=sources).order_by().values_list("force", flat=True).distinct()
    )


def _filter_expression(what: CountFilter, parameters: dict[str, Any], prefix: str) -> str:
    """One SQL boolean for the filter (as _what_conditions, joined by AND), its values bound under `prefix`:
    several filters can then share one query, each as a FILTER clause or an aggregate's argument."""
    parts = []
    for name, values in (
        ("category", what.categories),
        ("subcategory", what.subcategories),
        ("asb_type", what.asb_types),
    ):
        if values:
            parameters[f"{prefix}_{name}"] = list(values)
            parts.append(f"list_contains(${prefix}_{name}, {name})")
    for flag, value in what.flags.items():
        if flag not in schema.FLAGS:
            raise ValueError(f"unknown flag {flag}")
        parts.append(f"{flag} = {'true' if value else 'false'}")
    return "(" + " AND ".join(parts) + ")" if parts else "true"


def indicator_series_of(
    *, indicators: list[Indicator], scope: AreaScope, month_from: dt.date, month_to: dt.date
) -> list[list[tuple[dt.date, int]]]:
    """indicator_series of each indicator, in one read of the aggregates per set of sources."""
    filters = [indicator_filter(indicator) for indicator in indicators]
    counts: list[dict[dt.date, int]] = [{} for _ in filters]
    by_sources: dict[tuple[str, ...], list[int]] = defaultdict(list)
    for index, what in enumerate(filters):
        by_sources[what.sources].append(index)
    for sources, indices in by_sources.items():
        _aggregates_made_fresh(sources)
        read = _aggregates_read(scope=scope, sources=sources, month_from=month_from, month_to=month_to)
        if read is None:
            continue
        cursor, conditions, parameters = read
        sums = ", ".join(
            f"sum(n) FILTER (WHERE {_filter_expression(filters[index], parameters, f'f{index}')})::BIGINT"
            for index in indices
        )
        rows = cursor.execute(
            f"""
            SELECT month, {sums} FROM read_parquet($files, union_by_name = true)
            WHERE {" AND ".join(conditions)}
            GROUP BY month
            """,  # noqa: S608 - the SQL is built from fixed fragments; every value is bound
            parameters,
        ).fetchall()
        if scope.lsoas is not None:
            cursor.unregister("area_lsoas")
        for month, *values in rows:
            for index, value in zip(indices, values, strict=True):
                if value:
                    counts[index][month] = int(value)
    series = []
    for found in counts:
        months, month = [], month_from.replace(day=1)
        while month <= month_to:
            months.append((month, found.get(month, 0)))
            month = (month + dt.timedelta(days=32)).replace(day=1)
        series.append(months)
    return series


def first_months_recorded(filters: list[CountFilter]) -> list[dt.date | None]:
    """first_month_recorded of each filter, reading little: a filter that counts anything in the first month
    its sources hold began then, which the partitions of that one month say for every filter at once; only
    the others are looked for in the aggregates of every year."""
    found: list[dt.date | None] = [None] * len(filters)
    by_sources: dict[tuple[str, ...], list[int]] = defaultdict(list)
    for index, what in enumerate(filters):
        by_sources[what.sources].append(index)
    for sources, indices in by_sources.items():
        held = months_held(sources=sources)
        if not held:
            continue
        first = min(held)
        paths = Partition.objects.filter(source__in=sources, month=first).values_list("path", flat=True)
        files = [str(store.store_root() / path) for path in paths]
        recorded: list[bool | None] = [None] * len(indices)
        if files:
            parameters: dict[str, Any] = {"files": files}
            tests = ", ".join(
                f"bool_or({_filter_expression(filters[index], parameters, f'f{index}')})" for index in indices
            )
            row = (
                store.duckdb_cursor()
                .execute(
                    f"SELECT {tests} FROM read_parquet($files, union_by_name = true)",  # noqa: S608 - fixed fragments
                    parameters,
                )
                .fetchone()
            )
            recorded = list(row) if row is not None else recorded
        for index, began_then in zip(indices, recorded, strict=True):
            found[index] = first if began_then else first_month_recorded(filters[index])
    return found


def populations_of_places(codes: set[str] | frozenset[str]) -> dict[str, int]:
    """geography.populations_of, reading only the LSOAs it needs: Census 2021 residents of each of these
    LSOAs and wards that has a figure, a ward's the sum over the 2021 LSOAs placed in it."""
    found = {
        code: population
        for code, (level, population) in _levels_and_populations(codes).items()
        if level in (AreaLevel.LSOA11, AreaLevel.LSOA21) and population is not None
    }
    in_wards = list(
        LsoaPlacement.objects.filter(ward_code__in=codes, vintage__in=VINTAGES_OF_2021)
        .order_by()
        .values_list("ward_code", "lsoa_code")
    )
    lsoa_population = _lsoa21_populations({lsoa for _, lsoa in in_wards})
    for ward, lsoa in in_wards:
        if lsoa in lsoa_population:
            found[ward] = found.get(ward, 0) + lsoa_population[lsoa]
    return found


def _levels_and_populations(codes: set[str] | frozenset[str]) -> dict[str, tuple[str, int | None]]:
    """The level and population of each of these codes that is known: looked up by code alone, which
    SQLite answers from the code's index (with the level too, it would read every area of that level)."""
    return {
        code: (level, population)
        for code, level, population in Area.objects.filter(code__in=codes)
        .order_by()
        .values_list("code", "level", "population")
    }


def _lsoa21_populations(codes: set[str] | frozenset[str]) -> dict[str, int]:
    return {
        code: population
        for code, (level, population) in _levels_and_populations(codes).items()
        if level == AreaLevel.LSOA21 and population is not None
    }


def wards_of_lsoas(codes: set[str] | frozenset[str]) -> dict[str, str]:
    """The ward each of these LSOAs is placed in, for those placed in one."""
    return dict(
        LsoaPlacement.objects.filter(lsoa_code__in=codes)
        .exclude(ward_code="")
        .order_by()
        .values_list("lsoa_code", "ward_code")
    )


def lsoa_vintages_in(scope: AreaScope, codes: set[str] | frozenset[str]) -> dict[str, int]:
    """geography.lsoa_vintages for the scope's LSOAs and these codes only."""
    inside = Q(lsoa_code__in=scope.lsoas) if scope.lsoas is not None else Q(lad_code__in=scope.districts)
    return {
        code: geography.VINTAGE_NUMBERS[Vintage(vintage)]
        for code, vintage in LsoaPlacement.objects.filter(inside | Q(lsoa_code__in=codes))
        .order_by()
        .values_list("lsoa_code", "vintage")
    }


def district_populations(districts: list[str]) -> dict[str, int | None]:
    """geography.population_of of each district, in three queries: the sum over its 2021 LSOAs; None when
    the district is unknown or none of its LSOAs has a figure."""
    known = {
        code for code, (level, _) in _levels_and_populations(set(districts)).items() if level == AreaLevel.LAD
    }
    placed = list(
        LsoaPlacement.objects.filter(lad_code__in=known).order_by().values_list("lad_code", "lsoa_code")
    )
    population = _lsoa21_populations({lsoa for _, lsoa in placed})
    totals: dict[str, int | None] = dict.fromkeys(districts)
    for lad, lsoa in placed:
        if lsoa in population:
            totals[lad] = (totals[lad] or 0) + population[lsoa]
    return totals


def comparator_counts(
    *, what: CountFilter, codes: list[str], month_from: dt.date, month_to: dt.date
) -> dict[str, int | None]:
    """What the filter counts from month_from to month_to in each area, None where no force whose data is
    held covers it. Districts are counted together, in one read of their aggregates; any other area on its
    own, as monthly_counts counts it."""
    held_forces = forces_held(sources=what.sources)
    levels = {code: level for code, (level, _) in _levels_and_populations(set(codes)).items()}
    districts = [code for code in codes if levels.get(code) == AreaLevel.LAD]
    forces_by_district: dict[str, set[str]] = defaultdict(set)
    for lad, pfa in (
        LsoaPlacement.objects.filter(lad_code__in=districts)
        .exclude(pfa_code="")
        .order_by()
        .values_list("lad_code", "pfa_code")
        .distinct()
    ):
        forces_by_district[lad].add(pfa)
    names = geography.area_names({pfa for pfas in forces_by_district.values() for pfa in pfas})
    counted = [
        code
        for code in districts
        if {force_of_area(names[pfa]) for pfa in forces_by_district[code] if pfa in names} & held_forces
    ]
    found: dict[str, int | None] = dict.fromkeys(codes)
    _aggregates_made_fresh(what.sources)
    years = range(month_from.year, month_to.year + 1)
    files = store.aggregate_files(sources=what.sources, years=years, districts=sorted(counted))
    if files:
        parameters: dict[str, Any] = {"files": files, "month_from": month_from, "month_to": month_to}
        conditions = ["month BETWEEN $month_from AND $month_to", *_what_conditions(what, parameters)]
        for lad, count in (
            store.duckdb_cursor()
            .execute(
                f"""
                SELECT lad, sum(n)::BIGINT FROM read_parquet($files, union_by_name = true)
                WHERE {" AND ".join(conditions)}
                GROUP BY lad
                """,  # noqa: S608 - the SQL is built from fixed fragments; every value is bound
                parameters,
            )
            .fetchall()
        ):
            if lad in found:
                found[lad] = int(count)
    for code in counted:
        if found[code] is None:
            found[code] = 0
    for code in codes:
        if code in levels and code not in districts:
            scope = area_scope(code)
            if forces_of(scope) & held_forces:
                found[code] = sum(
                    n
                    for _, _, _, n in monthly_counts(
                        scope=scope, what=what, month_from=month_from, month_to=month_to, by=None
                    )
                )
    return found
