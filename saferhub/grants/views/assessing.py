"""Assessing an application, for the round's assessors and managers: eligibility, conflicts of interest,
scores, moderation and the decision."""

from typing import Any
from uuid import UUID

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from saferhub.accounts.requests import SignedInRequest
from saferhub.audit.services import audit_record_viewed
from saferhub.grants import selectors
from saferhub.partnerships.selectors import partnership_for

MANAGE = "grants.manage"


@login_required
def round_detail(request: SignedInRequest, slug: str, grant_round_id: UUID) -> HttpResponse:
    partnership = partnership_for(request.user, slug)
    grant_round = selectors.round_for(request.user, partnership, grant_round_id)
    audit_record_viewed(actor=request.user, target=grant_round)
    # Assessors score alone: the scores so far, and the recommendation, are for the managers.
    can_manage = request.user.has_perm(MANAGE, grant_round)
    scores = selectors.application_scores(grant_round) if can_manage else {}
    return render(
        request,
        "grants/round.html",
        {
            "partnership": partnership,
            "round": grant_round,
            "fund": grant_round.fund,
            "criteria": grant_round.criteria.all(),
            "assessors": grant_round.assessors.order_by("full_name"),
            "applications": [
                (a, scores.get(a.pk)) for a in selectors.applications_of_round(grant_round, request.user)
            ],
            "can_manage": can_manage,
        },
    )


def review(request: HttpRequest, **kwargs: Any) -> HttpResponse:
    raise Http404  # Not built yet.


def eligibility(request: HttpRequest, **kwargs: Any) -> HttpResponse:
    raise Http404  # Not built yet.


def conflict(request: HttpRequest, **kwargs: Any) -> HttpResponse:
    raise Http404  # Not built yet.


def score(request: HttpRequest, **kwargs: Any) -> HttpResponse:
    raise Http404  # Not built yet.


def moderate(request: HttpRequest, **kwargs: Any) -> HttpResponse:
    raise Http404  # Not built yet.


def decide(request: HttpRequest, **kwargs: Any) -> HttpResponse:
    raise Http404  # Not built yet.


def round_close(request: HttpRequest, **kwargs: Any) -> HttpResponse:
    raise Http404  # Not built yet.
