"""Plans in the JSON API: a partnership's plans, and one plan with its revisions, themes and priorities."""

import datetime as dt
from uuid import UUID

from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, Router, Schema

from saferhub.audit.services import audit_record_viewed
from saferhub.core.api_schemas import PartnershipSlug, answers
from saferhub.partnerships.selectors import partnership_for
from saferhub.plans.models import Plan
from saferhub.plans.selectors import plan_in, plans_of, priorities_of

router = Router(tags=["plans"])


class PriorityOut(Schema):
    id: UUID
    title: str
    description: str
    lead: str | None
    lead_organisation: str | None
    deliverables: list[str]
    aligned_to: list[UUID]


class ThemeOut(Schema):
    title: str
    description: str


class RevisionOut(Schema):
    label: str
    revised_on: dt.date
    summary: str


class PlanSummaryOut(Schema):
    id: UUID
    title: str
    period_start: dt.date
    period_end: dt.date
    is_current: bool
    ended: bool = Field(description="Whether the plan's period is over (its end date is before today)")


class PlanOut(PlanSummaryOut):
    partnership: str
    vision: str
    statutory_duties: str
    partnership_expectations: str
    deliverables_label: str
    revisions: list[RevisionOut]
    cross_cutting_themes: list[ThemeOut]
    priorities: list[PriorityOut]


def _plan_summary(plan: Plan) -> PlanSummaryOut:
    return PlanSummaryOut(
        id=plan.public_id,
        title=plan.title,
        period_start=plan.period_start,
        period_end=plan.period_end,
        is_current=plan.is_current,
        ended=plan.has_ended(timezone.localdate()),
    )


@router.get("/partnerships/{slug}/plans", response=answers(list[PlanSummaryOut], 404, 422))
def plan_list(request: HttpRequest, slug: PartnershipSlug) -> list[PlanSummaryOut]:
    return [_plan_summary(plan) for plan in plans_of(partnership_for(request.user, slug))]


@router.get("/partnerships/{slug}/plans/{plan_id}", response=answers(PlanOut, 404, 422))
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
