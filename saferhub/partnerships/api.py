"""Partnerships in the JSON API: the ones you can see, one of them, and its member organisations."""

from django.http import HttpRequest
from ninja import Router, Schema

from saferhub.core.api_schemas import PartnershipSlug, answers
from saferhub.partnerships.models import Partnership
from saferhub.partnerships.selectors import partner_organisations_of, partnership_for, partnerships_visible_to

router = Router(tags=["partnerships"])


class OrganisationOut(Schema):
    name: str
    type: str
    status: str


class PartnershipOut(Schema):
    slug: str
    name: str
    kind: str
    parent: str | None
    area_codes: list[str]


def _partnership_out(partnership: Partnership) -> PartnershipOut:
    return PartnershipOut(
        slug=partnership.slug,
        name=partnership.name,
        kind=partnership.kind,
        parent=partnership.parent.slug if partnership.parent else None,
        area_codes=list(partnership.area_codes),
    )


@router.get("/partnerships", response=answers(list[PartnershipOut]))
def partnership_list(request: HttpRequest) -> list[PartnershipOut]:
    """The partnerships you can see."""
    return [_partnership_out(p) for p in partnerships_visible_to(request.user)]


@router.get("/partnerships/{slug}", response=answers(PartnershipOut, 404, 422))
def partnership_detail(request: HttpRequest, slug: PartnershipSlug) -> PartnershipOut:
    return _partnership_out(partnership_for(request.user, slug))


@router.get("/partnerships/{slug}/organisations", response=answers(list[OrganisationOut], 404, 422))
def organisation_list(request: HttpRequest, slug: PartnershipSlug) -> list[OrganisationOut]:
    """Member organisations, each as a responsible authority, co-operating body or other partner."""
    partnership = partnership_for(request.user, slug)
    return [
        OrganisationOut(name=p.organisation.name, type=p.organisation.type, status=p.status)
        for p in partner_organisations_of(partnership)
    ]
