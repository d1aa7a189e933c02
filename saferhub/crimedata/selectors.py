"""What the crime data pages, the API and the other apps read about the crime store: its sources, coverage,
quality and import history, a partnership's indicators and column mappings, and an indicator's preview.

The counts themselves are counting.py's; the areas they are counted in are geography's selectors'.
"""

import csv
import datetime as dt
import hashlib
import re
from collections import Counter, defaultdict
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.db.models import Count, F, Max, Min, Q, QuerySet, Sum
from django.http import Http404

from saferhub.crimedata import schema, store
from saferhub.crimedata.counting import (
    UnknownArea,
    area_scope,
    indicator_filter,
    monthly_counts,
    months_held,
    population_of_scope,
)
from saferhub.crimedata.models import (
    ColumnMapping,
    ImportRun,
    ImportStatus,
    Indicator,
    IndicatorSet,
    Partition,
    PartitionVersion,
)
from saferhub.partnerships.models import Partnership


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


def indicator_sets_for(partnership: Partnership) -> QuerySet[IndicatorSet]:
    """The partnership's own indicator sets and the shared ones."""
    return IndicatorSet.objects.filter(Q(partnership=partnership) | Q(partnership__isnull=True))


def indicators_among(*ids: QuerySet[Any]) -> QuerySet[Indicator]:
    """The indicators any of these querysets of indicator ids names (what an assessment counts, say)."""
    among = Q(pk__in=[])
    for some in ids:
        among |= Q(pk__in=some)
    return Indicator.objects.filter(among)


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
