"""The strategic assessment pages of a partnership. Reads go through the selectors, writes through the
services; the figures are computed from the crime store, once for each version of it (figures_cache)."""

from collections.abc import Callable
from functools import partial, wraps
from typing import Any
from uuid import UUID

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.text import slugify

from saferhub.accounts.requests import SignedInRequest
from saferhub.assessment import selectors, services
from saferhub.assessment.documents import REPORT_PDF, report_pdf_params
from saferhub.assessment.forms import (
    AddToPlanForm,
    AgreeForm,
    AssessmentForm,
    ChooseForm,
    IssueForm,
    ScoreForm,
    SettingsForm,
)
from saferhub.assessment.headline import headline_csv, sorted_rows
from saferhub.assessment.models import Assessment
from saferhub.assessment.report import report_of
from saferhub.assessment.scoring import GROUP_LABELS, shipped_models
from saferhub.assessment.trends import trend_of
from saferhub.core.csv import csv_text
from saferhub.crimedata.counting import UnknownArea
from saferhub.design_system.views import form_page
from saferhub.documents.services import document_request
from saferhub.documents.shortcuts import document_redirect
from saferhub.partnerships.permissions import partnership_for_action, require_permission
from saferhub.partnerships.selectors import partnership_for
from saferhub.plans.selectors import plans_of

VIEW = "assessment.view_assessment"
CHANGE = "assessment.change_assessment"
SCORE = "assessment.score_issues"
AGREE = "assessment.agree_scores"
CHOOSE = "assessment.choose_priorities"
SORTS = {
    "order": "The indicator set's order",
    "count": "Latest count",
    "change": "Latest change",
    "name": "Name",
}


def figures(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """A page of figures: when the partnership has no areas to count in, it says so instead."""

    @wraps(view)
    def page(request: HttpRequest, slug: str, assessment_id: UUID, **kwargs: Any) -> HttpResponse:
        try:
            return view(request, slug, assessment_id, **kwargs)
        except UnknownArea as problem:
            assessment = _assessment(request, slug, assessment_id)
            return _page(request, "assessment/no_figures.html", assessment, problem=str(problem))

    return page


def _assessment(request: HttpRequest, slug: str, assessment_id: UUID, permission: str = VIEW) -> Assessment:
    partnership = partnership_for(request.user, slug)
    assessment = selectors.assessment_in(partnership, assessment_id)  # 404 for another's
    require_permission(request.user, permission, assessment)
    return assessment


def _url(name: str, assessment: Assessment, **kwargs: Any) -> str:
    return reverse(
        f"assessment:{name}",
        kwargs={"slug": assessment.partnership.slug, "assessment_id": assessment.public_id, **kwargs},
    )


def _can(request: HttpRequest, assessment: Assessment) -> dict[str, bool]:
    user = request.user
    return {
        "can_change": user.has_perm(CHANGE, assessment),
        "can_score": user.has_perm(SCORE, assessment),
        "can_agree": user.has_perm(AGREE, assessment),
        "can_choose": user.has_perm(CHOOSE, assessment),
        "can_see_history": user.has_perm("audit.view_audit", assessment),
    }


def _page(request: HttpRequest, template: str, assessment: Assessment, **context: Any) -> HttpResponse:
    return render(
        request,
        template,
        {
            "partnership": assessment.partnership,
            "assessment": assessment,
            **_can(request, assessment),
            **context,
        },
    )


@login_required
def assessment_list(request: HttpRequest, slug: str) -> HttpResponse:
    partnership = partnership_for_action(request.user, slug, VIEW)
    return render(
        request,
        "assessment/assessments.html",
        {
            "partnership": partnership,
            "assessments": selectors.assessments_of(partnership),
            "can_create": request.user.has_perm(CHANGE, partnership),
        },
    )


@login_required
def assessment_new(request: SignedInRequest, slug: str) -> HttpResponse:
    partnership = partnership_for_action(request.user, slug, CHANGE)
    available = selectors.indicators_available_to(partnership)
    form = AssessmentForm(
        request.POST or None,
        indicators=available,
        sets=selectors.indicator_sets_available_to(partnership),
        assessments=selectors.assessments_of(partnership),
        initial=selectors.default_indicator_choice(partnership),
        periods_without_data=partial(selectors.periods_without_data_of, partnership),
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            assessment = services.assessment_create(
                actor=request.user,
                partnership=partnership,
                title=data["title"],
                label=data["label"],
                period_kind=data["period_kind"],
                last_month=data["last_month"],
                years=data["years"],
                indicators=form.chosen_indicators(),
                indicator_set=data["indicator_set"],
                model=shipped_models()[data["scoring_model"]],
            )
        except services.AssessmentError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, f"Assessment ‘{assessment.title}’ created")
            return redirect(_url("assessment", assessment))
    if not form.is_bound:
        form.fields["scoring_model"].initial = next(iter(shipped_models()))
    return form_page(
        request,
        form,
        title="New strategic assessment",
        caption=partnership.name,
        submit_text="Create assessment",
        cancel_url=reverse("assessment:assessments", args=[slug]),
        partnership=partnership,
    )


@login_required
@figures
def assessment_detail(request: HttpRequest, slug: str, assessment_id: UUID) -> HttpResponse:
    assessment = _assessment(request, slug, assessment_id)
    table = selectors.headline_of(assessment)
    sort = request.GET.get("sort", "order")
    if sort not in SORTS:
        sort = "order"
    return _page(
        request,
        "assessment/assessment.html",
        assessment,
        table=table,
        rows=sorted_rows(table, sort),  # type: ignore[arg-type]
        sort=sort,
        sorts=SORTS,
        chosen=selectors.chosen_priorities(assessment),
    )


@login_required
@figures
def headline_download(request: HttpRequest, slug: str, assessment_id: UUID) -> HttpResponse:
    assessment = _assessment(request, slug, assessment_id)
    table = selectors.headline_of(assessment)
    header, body = headline_csv(table, table.rows)
    response = HttpResponse(csv_text(header, body), content_type="text/csv; charset=utf-8")
    name = slugify(f"{assessment.partnership.slug}-{assessment.label}-headline")
    response["Content-Disposition"] = f'attachment; filename="{name}.csv"'
    return response


@login_required
@figures
def assessment_trends(request: HttpRequest, slug: str, assessment_id: UUID) -> HttpResponse:
    assessment = _assessment(request, slug, assessment_id)
    table = selectors.headline_of(assessment)
    trends = [trend_of(row, chart_id=f"trend-{index}") for index, row in enumerate(table.rows)]
    return _page(request, "assessment/trends.html", assessment, table=table, trends=trends)


@login_required
@figures
def assessment_places(request: HttpRequest, slug: str, assessment_id: UUID) -> HttpResponse:
    assessment = _assessment(request, slug, assessment_id)
    indicators = selectors.indicators_of(assessment)
    if not indicators:
        return _page(
            request, "assessment/no_figures.html", assessment, problem="the assessment covers no indicators"
        )
    chosen = request.GET.get("indicator") or indicators[0].slug
    indicator = next((i for i in indicators if i.slug == chosen), None)
    if indicator is None:
        raise Http404("The assessment does not cover that indicator")
    table = selectors.headline_of(assessment)
    places = selectors.places_of(assessment, indicator, table.periods[-1])
    return _page(
        request,
        "assessment/places.html",
        assessment,
        indicators=indicators,
        names=selectors.indicator_names_of(assessment),
        places=places,
    )


@login_required
def assessment_settings(request: HttpRequest, slug: str, assessment_id: UUID) -> HttpResponse:
    assessment = _assessment(request, slug, assessment_id, CHANGE)
    model = selectors.scoring_model_of(assessment)
    form = SettingsForm(
        request.POST or None, model=model, initial=SettingsForm.initial_for(assessment, model)
    )
    if request.method == "POST" and form.is_valid():
        services.assessment_update(
            actor=request.user,
            assessment=assessment,
            values={
                "summary": form.cleaned_data["summary"],
                "cell_size": form.cleaned_data["cell_size"],
                "comparator_codes": form.cleaned_data["comparator_codes"],
                "scoring": form.scoring_model().as_json(),
            },
        )
        messages.success(request, "Settings saved")
        return redirect(_url("assessment", assessment))
    return form_page(
        request,
        form,
        title="Assessment settings",
        caption=assessment.title,
        cancel_url=_url("assessment", assessment),
        partnership=assessment.partnership,
    )


@login_required
def issue_new(request: HttpRequest, slug: str, assessment_id: UUID) -> HttpResponse:
    assessment = _assessment(request, slug, assessment_id, CHANGE)
    form = IssueForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.issue_add(actor=request.user, assessment=assessment, **form.cleaned_data)
        except services.AssessmentError as error:
            form.add_error("title", str(error).capitalize())
        else:
            messages.success(request, f"Issue ‘{form.cleaned_data['title']}’ added")
            return redirect(_url("scoring", assessment))
    return form_page(
        request,
        form,
        title="Add an issue with no count",
        caption=assessment.title,
        intro="An issue partners should weigh that no crime file counts, like county lines.",
        submit_text="Add issue",
        cancel_url=_url("scoring", assessment),
        partnership=assessment.partnership,
    )


@login_required
def scoring(request: HttpRequest, slug: str, assessment_id: UUID) -> HttpResponse:
    assessment = _assessment(request, slug, assessment_id)
    scored = selectors.scored_issue_ids(assessment, request.user)
    return _page(
        request,
        "assessment/scoring.html",
        assessment,
        issues=selectors.issues_of(assessment),
        scored=scored,
        model=selectors.scoring_model_of(assessment),
    )


@login_required
def issue_score(request: SignedInRequest, slug: str, assessment_id: UUID, issue_id: UUID) -> HttpResponse:
    assessment = _assessment(request, slug, assessment_id)
    issue = selectors.issue_in(assessment, issue_id)
    require_permission(request.user, SCORE, assessment)
    model = selectors.scoring_model_of(assessment)
    dimensions = selectors.partner_dimensions(model, issue)
    own = selectors.own_scores(issue, request.user)
    initial = {slug: str(score.value) for slug, score in own.items()}
    initial["rationale"] = next((score.rationale for score in own.values() if score.rationale), "")
    form = ScoreForm(request.POST or None, model=model, dimensions=dimensions, initial=initial)
    if request.method == "POST" and form.is_valid():
        services.scores_record(actor=request.user, issue=issue, scores=form.scores())
        messages.success(request, f"Your scores for ‘{issue.title}’ are saved")
        return redirect(_url("scoring", assessment))
    computed = [] if not issue.indicator_id else [d for d in model.dimensions if d.data]
    return render(
        request,
        "assessment/issue_score.html",
        {
            "partnership": assessment.partnership,
            "assessment": assessment,
            "issue": issue,
            "form": form,
            "computed": computed,
            "model": model,
            "groups": GROUP_LABELS,
        },
        status=400 if form.is_bound and form.errors else 200,
    )


@login_required
@figures
def workshop(request: HttpRequest, slug: str, assessment_id: UUID) -> HttpResponse:
    assessment = _assessment(request, slug, assessment_id)
    return _page(
        request,
        "assessment/workshop.html",
        assessment,
        views=selectors.issue_views(assessment),
        model=selectors.scoring_model_of(assessment),
    )


@login_required
@figures
def issue_agree(request: SignedInRequest, slug: str, assessment_id: UUID, issue_id: UUID) -> HttpResponse:
    assessment = _assessment(request, slug, assessment_id)
    issue = selectors.issue_in(assessment, issue_id)
    require_permission(request.user, AGREE, assessment)
    model = selectors.scoring_model_of(assessment)
    views = selectors.issue_views(assessment)
    view = next(v for v in views if v.issue.pk == issue.pk)
    dimensions = [d.slug for d in view.dimensions if d.computed is None]
    initial: dict[str, Any] = {d.slug: str(d.agreed.value) for d in view.dimensions if d.agreed is not None}
    initial["rationale"] = next(
        (d.agreed.rationale for d in view.dimensions if d.agreed and d.agreed.rationale), ""
    )
    form = AgreeForm(request.POST or None, model=model, dimensions=dimensions, initial=initial)
    if request.method == "POST" and form.is_valid():
        for dimension, value in form.agreed().items():
            services.score_agree(
                actor=request.user,
                issue=issue,
                dimension=dimension,
                value=value,
                rationale=form.cleaned_data["rationale"],
            )
        messages.success(request, f"Agreed scores for ‘{issue.title}’ saved")
        return redirect(_url("workshop", assessment))
    return render(
        request,
        "assessment/issue_agree.html",
        {
            "partnership": assessment.partnership,
            "assessment": assessment,
            "issue": issue,
            "view": view,
            "form": form,
        },
        status=400 if form.is_bound and form.errors else 200,
    )


def _what_if(request: HttpRequest, assessment: Assessment) -> tuple[Any, dict[str, str]]:
    """The model with the weights asked for in the query string (the what-if form), and its errors."""
    model = selectors.scoring_model_of(assessment)
    weights, errors = {}, {}
    for dimension in model.dimensions:
        text = request.GET.get(f"weight_{dimension.slug}", "").strip()
        if not text:
            continue
        try:
            weight = float(text)
        except ValueError:
            errors[dimension.slug] = f"Enter the weight of {dimension.label} as a number, like 1"
            continue
        if not 0 <= weight <= 10:
            errors[dimension.slug] = f"Enter a weight of {dimension.label} from 0 to 10"
        else:
            weights[dimension.slug] = weight
    asked = model.with_weights(weights)
    if not errors and (weightless := asked.weightless_group()):
        slug, message = weightless
        errors[slug] = message
    return asked, errors


@login_required
@figures
def ranking(request: HttpRequest, slug: str, assessment_id: UUID) -> HttpResponse:
    assessment = _assessment(request, slug, assessment_id)
    model, errors = _what_if(request, assessment)
    trying = any(request.GET.get(f"weight_{d.slug}") for d in model.dimensions) and not errors
    return _page(
        request,
        "assessment/ranking.html",
        assessment,
        ranking=selectors.ranking_of(assessment, model=model if trying else None),
        saved_model=selectors.scoring_model_of(assessment),
        trying=trying,
        errors=errors,
        asked=request.GET,
    )


@login_required
@figures
def priorities(request: HttpRequest, slug: str, assessment_id: UUID) -> HttpResponse:
    assessment = _assessment(request, slug, assessment_id)
    result = selectors.ranking_of(assessment)
    ranks = {result.views[r.key].issue.pk: r.rank for r in result.results}
    form = ChooseForm(
        request.POST or None, issues=selectors.issues_of(assessment).filter(chosen__isnull=True), ranks=ranks
    )
    if request.method == "POST":
        require_permission(request.user, CHOOSE, assessment)
        if form.is_valid():
            try:
                chosen = services.priority_choose(
                    actor=request.user,
                    assessment=assessment,
                    issue=form.cleaned_data["issue"],
                    reason=form.cleaned_data["reason"],
                )
            except services.AssessmentError as error:
                form.add_error("issue", str(error).capitalize())
            else:
                messages.success(request, f"‘{chosen.issue.title}’ chosen as a priority")
                return redirect(_url("priorities", assessment))
    response = _page(
        request,
        "assessment/priorities.html",
        assessment,
        form=form,
        chosen=selectors.chosen_priorities(assessment),
        ranks=ranks,
    )
    if form.is_bound and form.errors:
        response.status_code = 400
    return response


@login_required
def priority_remove(request: HttpRequest, slug: str, assessment_id: UUID, chosen_id: UUID) -> HttpResponse:
    assessment = _assessment(request, slug, assessment_id)
    chosen = selectors.chosen_in(assessment, chosen_id)  # another's record is not found, whatever the method
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    require_permission(request.user, CHOOSE, assessment)
    services.priority_unchoose(actor=request.user, chosen=chosen)
    messages.success(request, f"‘{chosen.issue.title}’ is no longer a chosen priority")
    return redirect(_url("priorities", assessment))


@login_required
def priority_to_plan(request: HttpRequest, slug: str, assessment_id: UUID, chosen_id: UUID) -> HttpResponse:
    assessment = _assessment(request, slug, assessment_id)
    chosen = selectors.chosen_in(assessment, chosen_id)
    require_permission(request.user, CHOOSE, assessment)
    form = AddToPlanForm(request.POST or None, plans=plans_of(assessment.partnership))
    if request.method == "POST" and form.is_valid():
        try:
            priority = services.priority_add_to_plan(
                actor=request.user, chosen=chosen, plan=form.cleaned_data["plan"]
            )
        except services.AssessmentError as error:
            form.add_error("plan", str(error).capitalize())
        else:
            messages.success(request, f"‘{priority.title}’ added to {priority.plan.title}")
            return redirect(_url("priorities", assessment))
    return form_page(
        request,
        form,
        title=f"Add ‘{chosen.issue.title}’ to a plan",
        caption=assessment.title,
        intro="The plan's priority links back to this assessment and the reason it was chosen.",
        submit_text="Add to plan",
        cancel_url=_url("priorities", assessment),
        partnership=assessment.partnership,
    )


def _public(request: HttpRequest) -> bool:
    return request.GET.get("version") == "public"


@login_required
@figures
def report(request: HttpRequest, slug: str, assessment_id: UUID) -> HttpResponse:
    assessment = _assessment(request, slug, assessment_id)
    public = _public(request)
    return _page(request, "assessment/report.html", assessment, report=report_of(assessment, public=public))


@login_required
def report_pdf(request: SignedInRequest, slug: str, assessment_id: UUID) -> HttpResponse:
    """The report's PDF, made by the task worker: the made one while the figures are unchanged, else its
    progress page."""
    assessment = _assessment(request, slug, assessment_id)
    document = document_request(
        actor=request.user,
        partnership=assessment.partnership,
        kind=REPORT_PDF,
        params=report_pdf_params(assessment, public=_public(request)),
    )
    return document_redirect(document)
