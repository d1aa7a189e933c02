"""The JSON API at /api/v1/: the same records and permissions as the pages, for partners' systems."""

from uuid import UUID

from django.http import HttpRequest
from ninja import NinjaAPI

from saferhub.api.auth import PersonalToken
from saferhub.api.schemas import (
    OrganisationOut,
    PartnershipOut,
    PlanOut,
    PlanSummaryOut,
    PriorityOut,
    RevisionOut,
    ThemeOut,
)
from saferhub.audit.services import audit_record_viewed
from saferhub.partnerships.models import Partnership
from saferhub.partnerships.selectors import partner_organisations_of, partnership_for, partnerships_visible_to
from saferhub.plans.models import Plan
from saferhub.plans.selectors import plan_in, plans_of, priorities_of

api = NinjaAPI(
    title="Saferhub API",
    version="1.0.0",
    description="Read a partnership's structure and plans. Authenticate with a personal token from your "
    "account page: `Authorization: Bearer <token>`. You see what your memberships let you see.",
    auth=PersonalToken(),
    urls_namespace="api-1.0.0",
)


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
    )


@api.get("/partnerships", response=list[PartnershipOut], tags=["partnerships"])
def partnership_list(request: HttpRequest) -> list[PartnershipOut]:
    """The partnerships you can see."""
    return [_partnership_out(p) for p in partnerships_visible_to(request.user)]


@api.get("/partnerships/{slug}", response=PartnershipOut, tags=["partnerships"])
def partnership_detail(request: HttpRequest, slug: str) -> PartnershipOut:
    return _partnership_out(partnership_for(request.user, slug))


@api.get("/partnerships/{slug}/organisations", response=list[OrganisationOut], tags=["partnerships"])
def organisation_list(request: HttpRequest, slug: str) -> list[OrganisationOut]:
    """Member organisations, each as a responsible authority, co-operating body or other partner."""
    partnership = partnership_for(request.user, slug)
    return [
        OrganisationOut(name=p.organisation.name, type=p.organisation.type, status=p.status)
        for p in partner_organisations_of(partnership)
    ]


@api.get("/partnerships/{slug}/plans", response=list[PlanSummaryOut], tags=["plans"])
def plan_list(request: HttpRequest, slug: str) -> list[PlanSummaryOut]:
    return [_plan_summary(plan) for plan in plans_of(partnership_for(request.user, slug))]


@api.get("/partnerships/{slug}/plans/{plan_id}", response=PlanOut, tags=["plans"])
def plan_detail(request: HttpRequest, slug: str, plan_id: UUID) -> PlanOut:
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
