"""Reading the crime store: counts of any area and period, from the aggregates, through DuckDB.

A crime counts in an area when its LSOA lies in that area. Rows with no location count only for their
force's area.
"""

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any, Literal

import pyarrow as pa

from saferhub.crimedata import schema, store
from saferhub.crimedata.models import ImportRun, Indicator, IndicatorSet, Partition, StaleAggregate
from saferhub.crimedata.policeuk import force_slug
from saferhub.crimedata.services import aggregates_refresh
from saferhub.geography import selectors as geography
from saferhub.partnerships.models import Partnership
from saferhub.partnerships.selectors import partnership_by_slug

Period = Literal["month", "calendar-year", "financial-year"]
GroupBy = Literal["category", "ward", "lsoa"]

# police.uk's slugs that do not follow from the force area's ONS name.
_FORCE_SLUG_EXCEPTIONS = {"london-city-of": "city-of-london", "metropolitan-police": "metropolitan"}


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
    forces = frozenset({_force_of_area(area.name)}) if area.level == "pfa" else frozenset()
    return AreaScope(
        code=code,
        name=area.name,
        districts=districts,
        lsoas=lsoas if partial else None,
        forces_without_location=forces,
    )


def _force_of_area(name: str) -> str:
    slug = force_slug(name)
    return _FORCE_SLUG_EXCEPTIONS.get(slug, slug)


def monthly_counts(
    *,
    scope: AreaScope,
    what: CountFilter,
    month_from: dt.date,
    month_to: dt.date,
    by: GroupBy | None = "category",
) -> list[tuple[dt.date, str, str, int]]:
    """(month, category, the --by value or '', count) for every combination with at least one crime."""
    if StaleAggregate.objects.filter(source__in=what.sources).exists():
        # An import stopped after its manifest committed but before its aggregates were rebuilt.
        aggregates_refresh()
    years = range(month_from.year, month_to.year + 1)
    files = store.aggregate_files(sources=what.sources, years=years, districts=sorted(scope.districts))
    if scope.forces_without_location:
        files += store.aggregate_files(sources=what.sources, years=years, districts=[store.NO_DISTRICT])
    if not files:
        return []
    conditions = ["month BETWEEN $month_from AND $month_to"]
    parameters: dict[str, Any] = {"files": files, "month_from": month_from, "month_to": month_to}
    cursor = store.duckdb_cursor()
    if scope.lsoas is not None:
        cursor.register("area_lsoas", pa.table({"lsoa": sorted(scope.lsoas)}))
        conditions.append("lsoa IN (SELECT lsoa FROM area_lsoas)")
    if scope.forces_without_location:
        conditions.append(f"(lad <> '{store.NO_DISTRICT}' OR force IN (SELECT unnest($forces)))")
        parameters["forces"] = sorted(scope.forces_without_location)
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
