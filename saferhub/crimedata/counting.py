"""The counting engine: counts of any area and period, read from the store's aggregates through DuckDB,
and the rebuild of the aggregates an import has made stale.

A crime counts in an area when its LSOA lies in that area. Rows with no location count only for their
force's area. Below the selectors (an indicator's preview counts through it) and the import engine (which
rebuilds the aggregates once it commits); other apps count through it too, as they read through selectors.
"""

import datetime as dt
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

import duckdb
import pyarrow as pa

from saferhub.crimedata import schema, store
from saferhub.crimedata.models import Indicator, Partition, StaleAggregate
from saferhub.crimedata.stewards import force_of_area, forces_of_districts
from saferhub.geography import selectors as geography
from saferhub.geography.models import AreaLevel
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
    lsoas = scope.lsoas if scope.lsoas is not None else geography.lsoas_of_districts(scope.districts)
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


def comparator_counts(
    *, what: CountFilter, codes: list[str], month_from: dt.date, month_to: dt.date
) -> dict[str, int | None]:
    """What the filter counts from month_from to month_to in each area, None where no force whose data is
    held covers it. Districts are counted together, in one read of their aggregates; any other area on its
    own, as monthly_counts counts it."""
    held_forces = forces_held(sources=what.sources)
    levels = {code: level for code, (level, _) in geography.levels_and_populations(set(codes)).items()}
    districts = [code for code in codes if levels.get(code) == AreaLevel.LAD]
    forces_by_district = geography.force_areas_of_districts(districts)
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


def lsoa_districts() -> dict[str, str]:
    """Each placed LSOA's district (store.NO_DISTRICT for one placed in none)."""
    return {row[0]: row[2] or store.NO_DISTRICT for row in geography.lsoa_placements()}


def aggregates_refresh(
    known_counts: Mapping[str, store.DistrictCounts] | None = None, lad_of: Mapping[str, str] | None = None
) -> int:
    """Rebuild every aggregate an import has made stale; returns how many (source, year)s were rebuilt.

    `known_counts` has the store.counts_by_district of partitions just written, by path (an import's own):
    those partitions are not read back from their files. `lad_of` is lsoa_districts(), when the caller has
    it already.
    """
    stale = list(StaleAggregate.objects.all())
    if not stale:
        return 0
    districts = lsoa_districts() if lad_of is None else lad_of
    for mark in stale:
        paths = list(
            Partition.objects.filter(source=mark.source, month__year=mark.year).values_list("path", flat=True)
        )
        store.aggregates_rebuild(
            source=mark.source,
            year=mark.year,
            partition_paths=paths,
            lad_of=districts,
            known_counts=known_counts,
        )
        StaleAggregate.objects.filter(pk=mark.pk).delete()
    return len(stale)
