"""Assessing an application, for the round's assessors and managers: eligibility, conflicts of interest,
scores, moderation and the decision; and the round's page, with its ranking against the money left."""

from collections.abc import Callable
from typing import Any
from uuid import UUID

from django import forms as django_forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from saferhub.accounts.requests import SignedInRequest
from saferhub.audit.services import audit_record_viewed
from saferhub.design_system.views import posted
from saferhub.grants import selectors, services
from saferhub.grants.forms import assessing as forms
from saferhub.grants.models import Application, Decision, GrantRound
from saferhub.grants.selectors import assessing as assessing
from saferhub.grants.selectors.assessing import Step
from saferhub.grants.views.applying import answers_context
from saferhub.grants.workflows import GrantRefused
from saferhub.partnerships.models import Partnership
from saferhub.partnerships.permissions import require_permission
from saferhub.partnerships.selectors import partnership_for

MANAGE = "grants.manage"
SCORE = "grants.score"
# Every assessor named on the round, conflicted or not: they may declare a conflict, and the scoring page
# tells a conflicted one why they cannot score.
NAMED_ASSESSOR = "grants.declare_conflict"


def _round_url(grant_round: GrantRound) -> str:
    return reverse("grants:round", args=[grant_round.fund.partnership.slug, grant_round.public_id])


def _review_url(application: Application) -> str:
    return reverse(
        "grants:review", args=[application.grant_round.fund.partnership.slug, application.public_id]
    )


def _round_breadcrumbs(partnership: Partnership, grant_round: GrantRound) -> list[dict[str, str]]:
    """The way back from a page of the round: the partnership, its funding, the fund and the round."""
    fund = grant_round.fund
    return [
        {"text": partnership.name, "href": reverse("partnerships:partnership", args=[partnership.slug])},
        {"text": "Funding", "href": reverse("grants:index", args=[partnership.slug])},
        {"text": fund.name, "href": reverse("grants:fund", args=[partnership.slug, fund.public_id])},
        {"text": grant_round.title, "href": _round_url(grant_round)},
    ]


@login_required
def round_detail(request: SignedInRequest, slug: str, grant_round_id: UUID) -> HttpResponse:
    partnership = partnership_for(request.user, slug)
    grant_round = selectors.round_for(request.user, partnership, grant_round_id)
    audit_record_viewed(actor=request.user, target=grant_round)
    # Assessors score alone: the scores so far, the recommendation and the ranking are for the managers.
    can_manage = request.user.has_perm(MANAGE, grant_round)
    scores = selectors.application_scores(grant_round) if can_manage else {}
    is_assessor = assessing.is_assessor_of(grant_round, request.user)
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
            "ranking": assessing.round_ranking(grant_round, scores) if can_manage else None,
            "can_close": can_manage and not assessing.round_close_refusal(grant_round),
            "is_assessor": is_assessor,
            "to_score": assessing.applications_to_score(grant_round, request.user) if is_assessor else [],
        },
    )


def _staff_application(
    request: SignedInRequest, slug: str, application_id: UUID, permission: str
) -> tuple[Partnership, Application]:
    """The application the page acts on: 404 to whoever may not see it, 403 (audited) to whoever sees it but
    may not take this step."""
    partnership = partnership_for(request.user, slug)
    application = assessing.application_for_staff(request.user, partnership, application_id)
    require_permission(request.user, permission, application)
    return partnership, application


@login_required
def review(request: SignedInRequest, slug: str, application_id: UUID) -> HttpResponse:
    """The application as the partnership's staff see it: its answers, scores, conflicts, decision and
    history, with the steps its state allows."""
    partnership = partnership_for(request.user, slug)
    application = assessing.application_for_staff(request.user, partnership, application_id)
    audit_record_viewed(actor=request.user, target=application)
    user = request.user
    can_manage = user.has_perm(MANAGE, application)
    every_score = assessing.sees_every_score(user, application)
    conflict = assessing.conflict_of(application, user)
    return render(
        request,
        "grants/assessing/review.html",
        {
            "partnership": partnership,
            "round": application.grant_round,
            "breadcrumbs": _round_breadcrumbs(partnership, application.grant_round),
            "conflict": conflict,
            "can_manage": can_manage,
            "is_assessor": user.has_perm(NAMED_ASSESSOR, application),
            "can_score": user.has_perm(SCORE, application),
            "steps_open": assessing.steps_open(application),
            "every_score": every_score,
            "criterion_scores": assessing.criterion_scores(
                application, assessor=None if every_score else user
            ),
            "weighted": selectors.application_scores(application.grant_round)[application.pk]
            if every_score
            else None,
            "conflicts": assessing.conflicts_of(application) if can_manage else [],
            "award": assessing.award_of(application),
            "history": assessing.application_history(application),
            "change": False,
            **answers_context(application),
            "organisation_heading": "The organisation",
        },
    )


def _step_page(
    request: SignedInRequest,
    partnership: Partnership,
    application: Application,
    form: django_forms.BaseForm,
    *,
    take: Callable[[], object],
    refusal: str,
    title: str,
    done: str,
    template: str = "grants/assessing/step.html",
    **context: Any,
) -> HttpResponse:
    """A step's page: its form, or, when the step cannot be taken now, why not. A valid POST takes the step
    (`take`) and goes back to the application; a refused one shows the service's reason and changes
    nothing. Showing the page is a view of the application, audited as the review page's is."""
    if request.method == "POST" and form.is_valid():
        try:
            take()
        except GrantRefused as refused:
            form.add_error(None, str(refused))
        else:
            messages.success(request, done)
            return redirect(_review_url(application))
    audit_record_viewed(actor=request.user, target=application)
    return render(
        request,
        template,
        {
            "partnership": partnership,
            "application": application,
            "form": form,
            "refusal": refusal,
            "title": title,
            "caption": f"{application.title}, {application.organisation.name}",
            "back_url": _review_url(application),
            "breadcrumbs": [
                *_round_breadcrumbs(partnership, application.grant_round),
                {"text": application.title, "href": _review_url(application)},
            ],
            **context,
        },
        status=400 if form.is_bound and form.errors else 200,
    )


@login_required
def eligibility(request: SignedInRequest, slug: str, application_id: UUID) -> HttpResponse:
    partnership, application = _staff_application(request, slug, application_id, MANAGE)
    form = forms.EligibilityForm(posted(request))
    return _step_page(
        request,
        partnership,
        application,
        form,
        take=lambda: services.eligibility_decide(
            actor=request.user,
            application=application,
            eligible=form.cleaned_data["eligible"],
            reason=form.cleaned_data["reason"].strip(),
        ),
        refusal=assessing.step_refusal(application, Step.ELIGIBILITY),
        title="Rule on eligibility",
        intro=f"Who may apply: {application.grant_round.eligibility}",
        submit_text="Save the ruling",
        done="Eligibility ruled",
    )


@login_required
def conflict(request: SignedInRequest, slug: str, application_id: UUID) -> HttpResponse:
    partnership, application = _staff_application(request, slug, application_id, NAMED_ASSESSOR)
    form = forms.ConflictForm(posted(request))
    declared = assessing.conflict_of(application, request.user)
    return _step_page(
        request,
        partnership,
        application,
        form,
        take=lambda: services.conflict_declare(
            actor=request.user, application=application, reason=form.cleaned_data["reason"].strip()
        ),
        refusal=assessing.score_refusal(application, request.user)
        if declared
        else assessing.step_refusal(application, Step.CONFLICT),
        title="Declare a conflict of interest",
        intro=(
            "Once you declare a conflict you cannot score this application, and any scores you gave it are "
            "withdrawn. The partnership's managers see what you declare."
        ),
        submit_text="Declare the conflict",
        done="Conflict of interest declared: you cannot score this application",
    )


@login_required
def score(request: SignedInRequest, slug: str, application_id: UUID) -> HttpResponse:
    partnership, application = _staff_application(request, slug, application_id, NAMED_ASSESSOR)
    own = assessing.criterion_scores(application, assessor=request.user)
    form = forms.ScoreForm(
        posted(request),
        criteria=[row.criterion for row in own],
        initial=forms.ScoreForm.initial_from(
            (row.criterion, score.score, score.comment) for row in own for score in row.scores
        ),
    )
    return _step_page(
        request,
        partnership,
        application,
        form,
        take=lambda: services.scores_record(
            actor=request.user, application=application, scores=form.values()
        ),
        refusal=assessing.score_refusal(application, request.user),
        title="Score the application",
        intro=(
            "Score each criterion on your own: no one sees your scores but you and the partnership's "
            "managers until the scores are moderated. You can change them until then."
        ),
        submit_text="Save my scores",
        done="Your scores are saved",
    )


@login_required
def moderate(request: SignedInRequest, slug: str, application_id: UUID) -> HttpResponse:
    partnership, application = _staff_application(request, slug, application_id, MANAGE)
    rows = assessing.criterion_scores(application)
    form = forms.ModerateForm(
        posted(request),
        criteria=[row.criterion for row in rows],
        spreads={row.criterion.pk: row.spread for row in rows},
        initial=forms.ModerateForm.initial_from(
            (row.criterion, row.moderated.score, row.moderated.reason) for row in rows if row.moderated
        ),
    )
    return _step_page(
        request,
        partnership,
        application,
        form,
        take=lambda: services.moderation_record(
            actor=request.user, application=application, agreed=form.values()
        ),
        refusal=assessing.step_refusal(application, Step.MODERATE),
        title="Moderate the scores",
        intro=(
            "The assessors' scores side by side: where they differ, agree one score for each criterion and "
            "say why. Saving finishes the moderation."
        ),
        submit_text="Save the agreed scores",
        done="Scores moderated",
        template="grants/assessing/step_scores.html",
        criterion_scores=rows,
        weighted=selectors.application_scores(application.grant_round)[application.pk],
    )


@login_required
def decide(request: SignedInRequest, slug: str, application_id: UUID) -> HttpResponse:
    partnership, application = _staff_application(request, slug, application_id, MANAGE)
    form = forms.DecideForm(posted(request))
    return _step_page(
        request,
        partnership,
        application,
        form,
        take=lambda: services.application_decide(
            actor=request.user,
            application=application,
            decision=Decision(form.cleaned_data["decision"]),
            reason=form.cleaned_data["reason"].strip(),
            conditions=form.cleaned_data["conditions"].strip(),
        ),
        refusal=assessing.step_refusal(application, Step.DECIDE),
        title="Decide",
        submit_text="Save the decision",
        done="Decision saved",
        template="grants/assessing/step_scores.html",
        criterion_scores=assessing.criterion_scores(application),
        weighted=selectors.application_scores(application.grant_round)[application.pk],
    )


@login_required
def round_close(request: SignedInRequest, slug: str, grant_round_id: UUID) -> HttpResponse:
    """GET asks to confirm; POST closes the round now."""
    partnership = partnership_for(request.user, slug)
    grant_round = selectors.round_for(request.user, partnership, grant_round_id)
    require_permission(request.user, MANAGE, grant_round)
    problem = ""
    if request.method == "POST":
        try:
            services.round_close(actor=request.user, grant_round=grant_round)
        except GrantRefused as refused:
            problem = str(refused)
        else:
            messages.success(request, f"‘{grant_round.title}’ is closed: it takes no more applications")
            return redirect(_round_url(grant_round))
    return render(
        request,
        "grants/assessing/round_close.html",
        {
            "partnership": partnership,
            "round": grant_round,
            "refusal": assessing.round_close_refusal(grant_round),
            "problem": problem,
            "drafts": assessing.drafts_of(grant_round),
            "breadcrumbs": _round_breadcrumbs(partnership, grant_round),
        },
        status=400 if problem else 200,
    )
