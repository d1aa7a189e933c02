"""Measures, quarterly returns and board packs in the JSON API.

Reads follow the pages: a return exists only for its priority's lead and the partnership's managers; a
board pack for everyone who can see the partnership once it is published. The one write in the API: a
manual measure's lead (or a manager) sends its figure for a period, so a partner's own system can report.
"""

import datetime as dt
import json
from decimal import Decimal
from typing import Any, Literal
from uuid import UUID

import pydantic
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from ninja import Field, Router, Schema
from ninja.errors import HttpError

from saferhub.audit.services import audit_record_viewed
from saferhub.core.api_schemas import PartnershipSlug, answers
from saferhub.partnerships.permissions import require_permission
from saferhub.partnerships.selectors import partnership_for
from saferhub.performance import selectors, services
from saferhub.performance.models import Measure, QuarterlyReturn

router = Router(tags=["performance"])


class PointOut(Schema):
    period: str
    period_end: dt.date
    value: float | None


class MeasureOut(Schema):
    id: UUID
    title: str
    priority: str
    priority_id: UUID
    kind: str
    indicator: UUID | None
    unit: str
    baseline_value: float | None
    baseline_period: str
    target_value: float
    direction: str
    tolerance_percent: float
    frequency: str
    source: str


class MeasureDetailOut(MeasureOut):
    rag: Literal["red", "amber", "green", "stale", ""] = Field(
        description="red, amber, green, stale (the latest figure is too old to judge), "
        "or empty when there is no figure yet"
    )
    rag_reason: str = Field(description="Why the measure has its status, in words, as the pages show it")
    direction_of_travel: str
    travel_basis: str = Field(
        description="What the latest figure was compared with: the same period a year before"
    )
    figures: list[PointOut]
    note: str = Field(description="Why an automatic measure has no figures, if it has none")


class FigureIn(Schema):
    period_end: dt.date = Field(description="A day in the period the figure covers, e.g. its last day")
    value: Decimal = Field(max_digits=14, decimal_places=2)
    note: str = Field("", max_length=5000)


class FigureOut(Schema):
    measure: UUID
    period: str
    period_end: dt.date
    value: float
    note: str


class ReturnOut(Schema):
    id: UUID
    priority: str
    priority_id: UUID
    quarter: str
    due_on: dt.date
    status: str
    self_assessment: str
    summary: str
    risks_and_issues: str
    help_needed: str
    deliverable_progress: dict[str, str]
    theme_contributions: dict[str, str]
    measure_figures: dict[str, dict[str, str]]
    submitted_at: dt.datetime | None
    decided_at: dt.datetime | None


class BoardPackOut(Schema):
    id: UUID
    quarter: str
    is_published: bool
    generated_at: dt.datetime
    published_at: dt.datetime | None


class BoardPackDetailOut(BoardPackOut):
    contents: dict[str, Any]


def _measure_out(measure: Measure) -> dict[str, Any]:
    return {
        "id": measure.public_id,
        "title": measure.title,
        "priority": measure.priority.title,
        "priority_id": measure.priority.public_id,
        "kind": measure.kind,
        "indicator": measure.indicator.public_id if measure.indicator else None,
        "unit": measure.unit,
        "baseline_value": float(measure.baseline_value) if measure.baseline_value is not None else None,
        "baseline_period": measure.baseline_period,
        "target_value": float(measure.target_value),
        "direction": measure.direction,
        "tolerance_percent": float(measure.tolerance_percent),
        "frequency": measure.frequency,
        "source": measure.source,
    }


@router.get("/partnerships/{slug}/measures", response=answers(list[MeasureOut], 404, 422))
def measure_list(request: HttpRequest, slug: PartnershipSlug) -> list[dict[str, Any]]:
    """Every measure of the partnership's plans."""
    return [_measure_out(m) for m in selectors.measures_of(partnership_for(request.user, slug))]


@router.get("/partnerships/{slug}/measures/{measure_id}", response=answers(MeasureDetailOut, 404, 422))
def measure_detail(request: HttpRequest, slug: PartnershipSlug, measure_id: UUID) -> dict[str, Any]:
    """A measure with its figures, its red/amber/green status and its direction of travel."""
    measure = selectors.measure_in(partnership_for(request.user, slug), measure_id)
    status = selectors.measure_status(measure)
    return {
        **_measure_out(measure),
        "rag": status.rag,
        "rag_reason": status.rag_reason,
        "direction_of_travel": status.travel,
        "travel_basis": status.travel_basis,
        "figures": [
            {
                "period": p.period,
                "period_end": p.period_end,
                "value": float(p.value) if p.value is not None else None,
            }
            for p in status.points
        ],
        "note": status.problem,
    }


@router.get("/partnerships/{slug}/measures/{measure_id}/figures", response=answers(list[FigureOut], 404, 422))
def measure_figure_list(
    request: HttpRequest, slug: PartnershipSlug, measure_id: UUID
) -> list[dict[str, Any]]:
    """A manual measure's figures as entered (an automatic one has none: see the measure's own figures)."""
    measure = selectors.measure_in(partnership_for(request.user, slug), measure_id)
    return [_figure_out(measure, value) for value in measure.values.all()]


def _figure_out(measure: Measure, value: Any) -> dict[str, Any]:
    return {
        "measure": measure.public_id,
        "period": value.period,
        "period_end": value.period_end,
        "value": float(value.value),
        "note": value.note,
    }


def _figure_in(request: HttpRequest) -> FigureIn:
    """The body, JSON or a form, read only once the sender may write: no one learns more from a 422."""
    try:
        if request.content_type == "application/json":
            raw = json.loads(request.body or b"{}")
        else:
            raw = {key: request.POST[key] for key in request.POST}
        return FigureIn.model_validate(raw)
    except (ValueError, TypeError, pydantic.ValidationError) as error:
        raise HttpError(
            422, "Send 'period_end' (YYYY-MM-DD), 'value' (a number) and, if you like, 'note'"
        ) from error


@router.post(
    "/partnerships/{slug}/measures/{measure_id}/figures",
    response=answers(FigureOut, 403, 404, 422),
    openapi_extra={
        "requestBody": {
            "content": {"application/json": {"schema": FigureIn.model_json_schema()}},
            "required": True,
        }
    },
)
def measure_figure_record(request: HttpRequest, slug: PartnershipSlug, measure_id: UUID) -> dict[str, Any]:
    """Send a manual measure's figure for a period, as JSON: its priority's lead or a manager may. A second
    figure for the same period replaces the first (the measure's history keeps both)."""
    measure = selectors.measure_in(partnership_for(request.user, slug), measure_id)
    try:
        require_permission(request.user, "performance.record_figure", measure)
    except PermissionDenied as error:
        raise HttpError(
            403, "Only the measure's lead or a partnership manager may send its figures"
        ) from error
    figure = _figure_in(request)
    if not measure.is_manual:
        raise HttpError(422, "This measure is counted from its indicator: it takes no figures")
    if not figure.value.is_finite() or abs(figure.value) >= Decimal(10) ** 12:
        raise HttpError(422, "'value' must be a number below 1,000,000,000,000")
    if problem := selectors.figure_day_problem(figure.period_end):
        raise HttpError(422, f"'period_end': {problem}")
    saved = services.measure_value_record(
        actor=request.user,
        measure=measure,
        period=selectors.period_label_for(measure.frequency, figure.period_end),
        period_end=selectors.period_end_for(measure.frequency, figure.period_end),
        value=figure.value,
        note=figure.note,
    )
    return _figure_out(measure, saved)


def _return_out(quarterly_return: QuarterlyReturn) -> dict[str, Any]:
    return {
        "id": quarterly_return.public_id,
        "priority": quarterly_return.priority.title,
        "priority_id": quarterly_return.priority.public_id,
        "quarter": quarterly_return.reporting_round.label,
        "due_on": quarterly_return.reporting_round.due_on,
        "status": quarterly_return.status,
        "self_assessment": quarterly_return.self_assessment,
        "summary": quarterly_return.summary,
        "risks_and_issues": quarterly_return.risks_and_issues,
        "help_needed": quarterly_return.help_needed,
        "deliverable_progress": quarterly_return.deliverable_progress,
        "theme_contributions": quarterly_return.theme_contributions,
        "measure_figures": quarterly_return.measure_figures,
        "submitted_at": quarterly_return.submitted_at,
        "decided_at": quarterly_return.decided_at,
    }


@router.get("/partnerships/{slug}/returns", response=answers(list[ReturnOut], 404, 422))
def return_list(request: HttpRequest, slug: PartnershipSlug) -> list[dict[str, Any]]:
    """The quarterly returns you may see: all of them for a manager, your own priorities' for a lead."""
    return [
        _return_out(r)
        for r in selectors.returns_visible_to(request.user, partnership_for(request.user, slug))
    ]


@router.get("/partnerships/{slug}/returns/{return_id}", response=answers(ReturnOut, 404, 422))
def return_detail(request: HttpRequest, slug: PartnershipSlug, return_id: UUID) -> dict[str, Any]:
    quarterly_return = selectors.return_in(request.user, partnership_for(request.user, slug), return_id)
    audit_record_viewed(actor=request.user, target=quarterly_return)
    return _return_out(quarterly_return)


def _pack_out(pack: Any) -> dict[str, Any]:
    return {
        "id": pack.public_id,
        "quarter": pack.reporting_round.label,
        "is_published": pack.is_published,
        "generated_at": pack.generated_at,
        "published_at": pack.published_at,
    }


@router.get("/partnerships/{slug}/board-packs", response=answers(list[BoardPackOut], 404, 422))
def board_pack_list(request: HttpRequest, slug: PartnershipSlug) -> list[dict[str, Any]]:
    """Published board packs (and, for managers, those not yet published)."""
    return [
        _pack_out(p) for p in selectors.packs_visible_to(request.user, partnership_for(request.user, slug))
    ]


@router.get("/partnerships/{slug}/board-packs/{pack_id}", response=answers(BoardPackDetailOut, 404, 422))
def board_pack_detail(request: HttpRequest, slug: PartnershipSlug, pack_id: UUID) -> dict[str, Any]:
    """A board pack's contents as generated: priorities (exceptions first), measures, the action log."""
    pack = selectors.pack_in(request.user, partnership_for(request.user, slug), pack_id)
    audit_record_viewed(actor=request.user, target=pack)
    return {**_pack_out(pack), "contents": pack.snapshot}
