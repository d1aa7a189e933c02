"""The JSON API at /api/v1/: the same records and permissions as the pages, for partners' systems."""

import datetime as dt
import re
from typing import Literal
from uuid import UUID

from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from ninja import NinjaAPI, Query
from ninja.errors import HttpError, ValidationError

from saferhub.api.auth import PersonalToken
from saferhub.api.performance import router as performance_router
from saferhub.api.schemas import (
    AREA_PATTERN,
    MONTH_PATTERN,
    PATTERN_WORDS,
    SOURCE_PATTERN,
    CrimeCountOut,
    CrimeCountsOut,
    ImportRunOut,
    IndicatorOut,
    IndicatorSeriesOut,
    OrganisationOut,
    PartnershipOut,
    PartnershipSlug,
    PlanOut,
    PlanSummaryOut,
    PriorityOut,
    RevisionOut,
    SeriesPointOut,
    ThemeOut,
    answers,
)
from saferhub.audit.services import audit_record_viewed
from saferhub.core.months import month_parse
from saferhub.crimedata import selectors as crime
from saferhub.crimedata.models import SOURCE_MAX_LENGTH, ImportRun, Indicator
from saferhub.partnerships.models import Partnership
from saferhub.partnerships.selectors import partner_organisations_of, partnership_for, partnerships_visible_to
from saferhub.plans.models import Plan
from saferhub.plans.selectors import plan_in, plans_of, priorities_of

api = NinjaAPI(
    title="Saferhub API",
    version="1.0.0",
    description="Read a partnership's structure, plans, crime data, measures, returns and board packs, and "
    "send a manual measure's figures. Authenticate with a personal token "
    "from your account page: `Authorization: Bearer <token>`. You see what your memberships let you see.",
    auth=PersonalToken(),
    urls_namespace="api-1.0.0",
)
# Measures, quarterly returns and board packs; the one write: a manual measure's figures, by its lead.
api.add_router("", performance_router)


@api.exception_handler(ValidationError)
def _invalid_request(request: HttpRequest, error: ValidationError) -> HttpResponse:
    """A parameter the schema refuses, in words (the same body as every other refusal)."""
    problems = []
    for problem in error.errors:
        name = str(problem.get("loc", ["request"])[-1])
        pattern = (problem.get("ctx") or {}).get("pattern")
        if pattern in PATTERN_WORDS:
            problems.append(f"'{name}' must be {PATTERN_WORDS[pattern]}")
        else:
            problems.append(f"'{name}': {problem.get('msg', 'not valid')}")
    return api.create_response(request, {"detail": "; ".join(problems) or "Not valid"}, status=422)


def _partnership_out(partnership: Partnership) -> PartnershipOut:
    return PartnershipOut(
        slug=partnership.slug,
        name=partnership.name,
        kind=partnership.kind,
        parent=partnership.parent.slug if partnership.parent else None,
        area_codes=list(partnership.area_codes),
    )


def _plan_summary(plan: Plan) -> PlanSummaryOut:
    return PlanSummaryOut(
        id=plan.public_id,
        title=plan.title,
        period_start=plan.period_start,
        period_end=plan.period_end,
        is_current=plan.is_current,
        ended=plan.has_ended(timezone.localdate()),
    )


@api.get("/partnerships", response=answers(list[PartnershipOut]), tags=["partnerships"])
def partnership_list(request: HttpRequest) -> list[PartnershipOut]:
    """The partnerships you can see."""
    return [_partnership_out(p) for p in partnerships_visible_to(request.user)]


@api.get("/partnerships/{slug}", response=answers(PartnershipOut, 404, 422), tags=["partnerships"])
def partnership_detail(request: HttpRequest, slug: PartnershipSlug) -> PartnershipOut:
    return _partnership_out(partnership_for(request.user, slug))


@api.get(
    "/partnerships/{slug}/organisations",
    response=answers(list[OrganisationOut], 404, 422),
    tags=["partnerships"],
)
def organisation_list(request: HttpRequest, slug: PartnershipSlug) -> list[OrganisationOut]:
    """Member organisations, each as a responsible authority, co-operating body or other partner."""
    partnership = partnership_for(request.user, slug)
    return [
        OrganisationOut(name=p.organisation.name, type=p.organisation.type, status=p.status)
        for p in partner_organisations_of(partnership)
    ]


@api.get("/partnerships/{slug}/plans", response=answers(list[PlanSummaryOut], 404, 422), tags=["plans"])
def plan_list(request: HttpRequest, slug: PartnershipSlug) -> list[PlanSummaryOut]:
    return [_plan_summary(plan) for plan in plans_of(partnership_for(request.user, slug))]


@api.get("/partnerships/{slug}/plans/{plan_id}", response=answers(PlanOut, 404, 422), tags=["plans"])
def plan_detail(request: HttpRequest, slug: PartnershipSlug, plan_id: UUID) -> PlanOut:
    """A plan with its revisions, cross-cutting themes and priorities (leads and deliverables)."""
    partnership = partnership_for(request.user, slug)
    plan = plan_in(partnership, plan_id)
    audit_record_viewed(actor=request.user, target=plan)
    return PlanOut(
        **_plan_summary(plan).model_dump(),
        partnership=partnership.slug,
        vision=plan.vision,
        statutory_duties=plan.statutory_duties,
        partnership_expectations=plan.partnership_expectations,
        deliverables_label=plan.deliverables_label,
        revisions=[
            RevisionOut(label=rev.label, revised_on=rev.revised_on, summary=rev.summary)
            for rev in plan.revisions.all()
        ],
        cross_cutting_themes=[ThemeOut(title=t.title, description=t.description) for t in plan.themes.all()],
        priorities=[
            PriorityOut(
                id=p.public_id,
                title=p.title,
                description=p.description,
                lead=p.lead_user.full_name if p.lead_user else None,
                lead_organisation=p.lead_organisation.name if p.lead_organisation else None,
                deliverables=[d.text for d in p.deliverables.all()],
                aligned_to=[other.public_id for other in p.aligned_to.all()],
            )
            for p in priorities_of(plan)
        ],
    )


_ONS_CODE = re.compile(r"^[A-Z][0-9]{8}$")


def _month(text: str, parameter: str) -> dt.date:
    try:
        return month_parse(text)
    except ValueError as error:
        raise HttpError(422, f"'{parameter}' must be a month in the form YYYY-MM, not '{text}'") from error


@api.get(
    "/partnerships/{slug}/crime-counts",
    response=answers(CrimeCountsOut, 404, 422),
    tags=["crime data"],
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
        scope = crime.area_scope(code)
    except crime.UnknownArea as error:
        raise HttpError(422, str(error)) from error
    rows = crime.period_counts(
        scope=scope,
        what=crime.CountFilter(sources=(source,)),
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
        set(crime.SOURCE_LABELS)
        | set(crime.sources_visible_to(partnership))
        | set(crime.column_mappings_of(partnership).values_list("source", flat=True))
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


@api.get(
    "/partnerships/{slug}/indicators", response=answers(list[IndicatorOut], 404, 422), tags=["crime data"]
)
def indicator_list(request: HttpRequest, slug: PartnershipSlug) -> list[IndicatorOut]:
    """The partnership's own indicators and the shared ones."""
    return [_indicator_out(i) for i in crime.indicators_for(partnership_for(request.user, slug))]


@api.get(
    "/partnerships/{slug}/indicators/{indicator_id}/series",
    response=answers(IndicatorSeriesOut, 404, 422),
    tags=["crime data"],
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
    indicator = crime.indicator_in(partnership, indicator_id)
    first = _month(month_from, "from") if month_from else None
    last = _month(month_to, "to") if month_to else None
    if first and last and last < first:
        raise HttpError(422, "'to' is before 'from'")
    preview = crime.indicator_preview(
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


@api.get("/partnerships/{slug}/imports", response=answers(list[ImportRunOut], 404, 422), tags=["crime data"])
def import_list(request: HttpRequest, slug: PartnershipSlug) -> list[ImportRunOut]:
    """The imports made in the partnership's pages, and the police.uk imports that touched its area, newest
    first."""
    return [_import_out(run) for run in crime.import_runs_of(partnership_for(request.user, slug))]
