"""Crime data in the JSON API: counts as `crime_counts` gives them, indicators with their monthly series, and
imports (the partnership's own, and the police.uk imports that touched its area)."""

import datetime as dt
import re
from typing import Literal
from uuid import UUID

from django.http import HttpRequest
from django.utils import timezone
from ninja import Query, Router, Schema
from ninja.errors import HttpError

from saferhub.core.api_schemas import (
    AREA_PATTERN,
    MONTH_PATTERN,
    PATTERN_WORDS,
    SOURCE_PATTERN,
    PartnershipSlug,
    answers,
)
from saferhub.core.months import month_parse
from saferhub.crimedata import counting, selectors
from saferhub.crimedata.models import SOURCE_MAX_LENGTH, ImportRun, Indicator
from saferhub.partnerships.models import Partnership
from saferhub.partnerships.selectors import partnership_for

router = Router(tags=["crime data"])


class CrimeCountOut(Schema):
    """One row of `crime_counts`: the ward or LSOA only when counted by it."""

    period: str
    category: str
    ward: str | None = None
    lsoa: str | None = None
    count: int


class CrimeCountsOut(Schema):
    area: str
    name: str
    period: str
    source: str
    counts: list[CrimeCountOut]


class IndicatorOut(Schema):
    id: UUID
    slug: str
    name: str
    description: str
    shared: bool
    sources: list[str]
    categories: list[str]
    subcategories: list[str]
    flags: dict[str, bool]
    asb_types: list[str]
    area_code: str
    per_1000: bool


class SeriesPointOut(Schema):
    """A month's count; null for a month none of the indicator's sources holds (not the same as 0)."""

    month: str
    count: int | None
    rate_per_1000: float | None


class IndicatorSeriesOut(Schema):
    id: UUID
    slug: str
    name: str
    area: str
    area_name: str
    population: int | None
    months: list[SeriesPointOut]
    note: str = ""


class ImportRunOut(Schema):
    id: UUID
    kind: str
    status: str
    started_by: str | None
    created_at: dt.datetime
    finished_at: dt.datetime | None
    progress: int
    files: list[str]
    rows_read: int
    rows_stored: int
    rows_rejected: int
    months: list[str]
    forces: list[str]
    replaced: list[str]
    notes: list[str]
    error: str


_ONS_CODE = re.compile(r"^[A-Z][0-9]{8}$")


def _month(text: str, parameter: str) -> dt.date:
    try:
        return month_parse(text)
    except ValueError as error:
        raise HttpError(422, f"'{parameter}' must be a month in the form YYYY-MM, not '{text}'") from error


@router.get(
    "/partnerships/{slug}/crime-counts",
    response=answers(CrimeCountsOut, 404, 422),
    exclude_none=True,
)
def crime_counts(
    request: HttpRequest,
    slug: PartnershipSlug,
    area: str | None = Query(None, pattern=AREA_PATTERN, max_length=80),
    period: Literal["month", "calendar-year", "financial-year"] = "month",
    month_from: str = Query("2010-12", alias="from", pattern=MONTH_PATTERN),
    month_to: str | None = Query(None, alias="to", pattern=MONTH_PATTERN),
    by: Literal["category", "ward", "lsoa"] = "category",
    source: str = Query("police.uk-street", pattern=SOURCE_PATTERN, max_length=SOURCE_MAX_LENGTH),
) -> CrimeCountsOut:
    """Counts of crimes by period, as the `crime_counts` command gives them. `area` is an ONS code (LSOA,
    ward, district, CSP, force area); by default, the partnership's own areas. `from` and `to` are months,
    YYYY-MM (`to` defaults to this month). `source` is police.uk's, or one of the partnership's own local
    extracts: any other is "No such source" (404), whether or not another partnership has it."""
    partnership = partnership_for(request.user, slug)
    code = area or partnership.slug
    if code != partnership.slug and not _ONS_CODE.match(code):
        raise HttpError(422, f"'area' must be {PATTERN_WORDS[AREA_PATTERN]}")
    if source not in _sources_countable_by(partnership):
        raise HttpError(404, "No such source")
    first = _month(month_from, "from")
    last = _month(month_to, "to") if month_to else timezone.localdate().replace(day=1)
    if last < first:
        raise HttpError(422, "'to' is before 'from'")
    try:
        scope = counting.area_scope(code)
    except counting.UnknownArea as error:
        raise HttpError(422, str(error)) from error
    rows = counting.period_counts(
        scope=scope,
        what=counting.CountFilter(sources=(source,)),
        period=period,
        month_from=first,
        month_to=last,
        by=by,
    )
    return CrimeCountsOut(
        area=scope.code,
        name=scope.name,
        period=period,
        source=source,
        counts=[
            CrimeCountOut(
                period=row["period"],
                category=row["category"],
                **({by: row["key"]} if by != "category" else {}),
                count=row["count"],
            )
            for row in rows
        ],
    )


def _sources_countable_by(partnership: Partnership) -> set[str]:
    """police.uk's sources, the stored sources the partnership's pages show and its own extracts' sources.

    Another partnership's extract is not among them, and is refused just as a source no one has is.
    """
    return (
        set(selectors.SOURCE_LABELS)
        | set(selectors.sources_visible_to(partnership))
        | set(selectors.column_mappings_of(partnership).values_list("source", flat=True))
    )


def _indicator_out(indicator: Indicator) -> IndicatorOut:
    return IndicatorOut(
        id=indicator.public_id,
        slug=indicator.slug,
        name=indicator.name,
        description=indicator.description,
        shared=indicator.partnership_id is None,
        sources=list(indicator.sources),
        categories=list(indicator.categories),
        subcategories=list(indicator.subcategories),
        flags=dict(indicator.flags),
        asb_types=list(indicator.asb_types),
        area_code=indicator.area_code,
        per_1000=indicator.per_1000,
    )


@router.get("/partnerships/{slug}/indicators", response=answers(list[IndicatorOut], 404, 422))
def indicator_list(request: HttpRequest, slug: PartnershipSlug) -> list[IndicatorOut]:
    """The partnership's own indicators and the shared ones."""
    return [_indicator_out(i) for i in selectors.indicators_for(partnership_for(request.user, slug))]


@router.get(
    "/partnerships/{slug}/indicators/{indicator_id}/series",
    response=answers(IndicatorSeriesOut, 404, 422),
)
def indicator_series(
    request: HttpRequest,
    slug: PartnershipSlug,
    indicator_id: UUID,
    month_from: str | None = Query(None, alias="from", pattern=MONTH_PATTERN),
    month_to: str | None = Query(None, alias="to", pattern=MONTH_PATTERN),
) -> IndicatorSeriesOut:
    """The indicator's count in each month in its area (by default, the last 36 months its data holds), with
    a rate per 1,000 residents when the indicator asks for one and the population is known."""
    partnership = partnership_for(request.user, slug)
    indicator = selectors.indicator_in(partnership, indicator_id)
    first = _month(month_from, "from") if month_from else None
    last = _month(month_to, "to") if month_to else None
    if first and last and last < first:
        raise HttpError(422, "'to' is before 'from'")
    preview = selectors.indicator_preview(
        indicator=indicator, partnership=partnership, month_from=first, month_to=last
    )
    return IndicatorSeriesOut(
        id=indicator.public_id,
        slug=indicator.slug,
        name=indicator.name,
        area=preview.area_code,
        area_name=preview.area_name,
        population=preview.population,
        months=[
            SeriesPointOut(month=f"{point.month:%Y-%m}", count=point.count, rate_per_1000=point.rate)
            for point in preview.points
        ],
        note=preview.problem,
    )


def _import_out(run: ImportRun) -> ImportRunOut:
    return ImportRunOut(
        id=run.public_id,
        kind=run.kind,
        status=run.status,
        started_by=run.started_by.full_name if run.started_by else None,
        created_at=run.created_at,
        finished_at=run.finished_at,
        progress=run.progress,
        files=list(run.files),
        rows_read=run.rows_read,
        rows_stored=run.rows_stored,
        rows_rejected=run.rows_rejected,
        months=list(run.months),
        forces=list(run.forces),
        replaced=list(run.replaced),
        notes=list(run.notes),
        error=run.error,
    )


@router.get("/partnerships/{slug}/imports", response=answers(list[ImportRunOut], 404, 422))
def import_list(request: HttpRequest, slug: PartnershipSlug) -> list[ImportRunOut]:
    """The imports made in the partnership's pages, and the police.uk imports that touched its area, newest
    first."""
    return [_import_out(run) for run in selectors.import_runs_of(partnership_for(request.user, slug))]
