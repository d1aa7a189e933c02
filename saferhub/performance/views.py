"""Pages for measures, quarterly returns, board packs and the county view."""

from functools import partial
from typing import Any
from uuid import UUID

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone

from saferhub.accounts.requests import SignedInRequest
from saferhub.audit.services import audit_record_viewed
from saferhub.design_system.charts import bar_chart
from saferhub.design_system.views import form_page
from saferhub.documents.services import document_request
from saferhub.documents.shortcuts import document_redirect
from saferhub.partnerships.permissions import partnership_for_action, require_permission
from saferhub.partnerships.selectors import partnership_for
from saferhub.performance import forms, selectors, services
from saferhub.performance.board_pack import pack_context
from saferhub.performance.documents import BOARD_PACK_PDF, board_pack_pdf_params
from saferhub.performance.models import BoardPack, Frequency, RagRule, ReturnSection
from saferhub.performance.rag import (
    FIGURE_LIFETIMES,
    figure_text,
    judgement_rules_text,
    rule_text,
    stale_rule_text,
)
from saferhub.plans.selectors import current_plan_of, later_plan_of, plan_in, plans_of
from saferhub.reporting.views import return_decide_page

MANAGE = "performance.manage"
EDIT_RETURN = "performance.edit_return"
RECORD_FIGURE = "performance.record_figure"


def _index_url(slug: str) -> str:
    return reverse("performance:index", args=[slug])


@login_required
def index(request: HttpRequest, slug: str) -> HttpResponse:
    partnership = partnership_for(request.user, slug)
    plan = current_plan_of(partnership)
    margin = selectors.amber_margin_of(partnership)
    priorities = list(plan.priorities.select_related("lead_user")) if plan else []
    statuses = selectors.priority_measure_statuses(priorities, amber_margins={partnership.pk: margin})
    today = timezone.localdate()
    can_manage = request.user.has_perm(MANAGE, partnership)
    plan_ended = plan is not None and plan.has_ended(today)
    return render(
        request,
        "performance/index.html",
        {
            "partnership": partnership,
            "plan": plan,
            "plan_ended": plan_ended,
            "later_plan": later_plan_of(plan) if plan is not None and plan_ended else None,
            "judgement_rules": judgement_rules_text(),
            "priorities": [(p, statuses[p.pk]) for p in priorities],
            "your_returns": [
                r for r in selectors.returns_visible_to(request.user, partnership) if r.is_editable
            ]
            if not can_manage
            else [],
            "rounds": selectors.rounds_of(partnership) if can_manage else [],
            "overdue": selectors.overdue_returns(partnership, today=today) if can_manage else [],
            "packs": selectors.packs_visible_to(request.user, partnership),
            "can_manage": can_manage,
            "amber_margin": margin,
            "has_children": partnership.children.exists(),
            "today": today,
        },
    )


@login_required
def rag_rule(request: HttpRequest, slug: str) -> HttpResponse:
    partnership = partnership_for_action(request.user, slug, MANAGE)
    form = forms.RagRuleForm(
        request.POST or None, initial={"amber_margin_percent": selectors.amber_margin_of(partnership)}
    )
    if request.method == "POST" and form.is_valid():
        services.rag_rule_set(actor=request.user, partnership=partnership, **form.cleaned_data)
        messages.success(request, "RAG rule saved")
        return redirect(_index_url(slug))
    return form_page(
        request,
        form,
        title="Change the RAG rule",
        caption=partnership.name,
        intro=(
            "Each measure is green when its latest figure meets its target or misses it by no more than "
            "the measure’s tolerance. It is amber when it misses by up to the tolerance plus this margin, "
            f"and red beyond that. Without a change the margin is {RagRule.DEFAULT_AMBER_MARGIN}%."
        ),
        cancel_url=_index_url(slug),
        partnership=partnership,
    )


# --- Measures -------------------------------------------------------------------------------------


def _measure_chart(status: selectors.MeasureStatus) -> Any:
    known = [p for p in status.points if p.value is None or p.value >= 0]
    if not known or any(p.value is not None and p.value < 0 for p in status.points):
        return None
    measure = status.measure
    return bar_chart(
        chart_id=f"measure-{measure.public_id.hex[:8]}",
        title=f"{measure.title} by period, against the target of {figure_text(measure.target_value)}",
        description="The dashed line is the target.",
        labels=[p.period for p in status.points],
        values=[float(p.value) if p.value is not None else None for p in status.points],
        target=float(measure.target_value),
        target_label=f"Target: {figure_text(measure.target_value)}",
        max_axis_labels=4,
    )


@login_required
def measure_detail(request: HttpRequest, slug: str, measure_id: UUID) -> HttpResponse:
    partnership = partnership_for(request.user, slug)
    measure = selectors.measure_in(partnership, measure_id)
    margin = selectors.amber_margin_of(partnership)
    status = selectors.measure_status(measure, amber_margin=margin)
    return render(
        request,
        "performance/measure.html",
        {
            "partnership": partnership,
            "measure": measure,
            "status": status,
            "chart": _measure_chart(status),
            "rule": rule_text(tolerance=measure.tolerance_percent, amber_margin=margin),
            "stale_rule": stale_rule_text(measure.frequency),
            "period_name": FIGURE_LIFETIMES[Frequency(measure.frequency)].period_name,
            "can_manage": request.user.has_perm(MANAGE, measure),
            "can_record": measure.is_manual and request.user.has_perm(RECORD_FIGURE, measure),
        },
    )


@login_required
def measure_new(request: HttpRequest, slug: str, priority_id: UUID) -> HttpResponse:
    partnership = partnership_for(request.user, slug)
    priority = selectors.priority_in(partnership, priority_id)
    require_permission(request.user, MANAGE, priority)
    form = forms.MeasureForm(request.POST or None, priority=priority)
    if request.method == "POST" and form.is_valid():
        measure = services.measure_create(actor=request.user, priority=priority, **form.cleaned_data)
        messages.success(request, f"Measure ‘{measure.title}’ added")
        return redirect("performance:measure", slug=slug, measure_id=measure.public_id)
    return form_page(
        request,
        form,
        title="Add a measure",
        caption=priority.title,
        submit_text="Add measure",
        cancel_url=_index_url(slug),
        partnership=partnership,
    )


@login_required
def measure_edit(request: HttpRequest, slug: str, measure_id: UUID) -> HttpResponse:
    partnership = partnership_for(request.user, slug)
    measure = selectors.measure_in(partnership, measure_id)
    require_permission(request.user, MANAGE, measure)
    form = forms.MeasureForm(request.POST or None, instance=measure, priority=measure.priority)
    if request.method == "POST" and form.is_valid():
        services.measure_update(actor=request.user, measure=measure, values=form.cleaned_data)
        messages.success(request, "Measure saved")
        return redirect("performance:measure", slug=slug, measure_id=measure_id)
    return form_page(
        request,
        form,
        title="Edit the measure",
        caption=measure.priority.title,
        cancel_url=reverse("performance:measure", args=[slug, measure_id]),
        partnership=partnership,
    )


@login_required
def measure_figure(request: HttpRequest, slug: str, measure_id: UUID) -> HttpResponse:
    partnership = partnership_for(request.user, slug)
    measure = selectors.measure_in(partnership, measure_id)
    require_permission(request.user, RECORD_FIGURE, measure)
    if not measure.is_manual:
        raise Http404("An automatic measure takes no figures")
    form = forms.FigureForm(request.POST or None, measure=measure)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        services.measure_value_record(
            actor=request.user,
            measure=measure,
            period=data["period"],
            period_end=data["period_end"],
            value=data["value"],
            note=data["note"],
        )
        messages.success(request, f"Figure for {data['period']} saved")
        return redirect("performance:measure", slug=slug, measure_id=measure_id)
    return form_page(
        request,
        form,
        title="Enter a figure",
        caption=measure.title,
        intro="A figure for a period that already has one replaces it; the measure’s history keeps both.",
        cancel_url=reverse("performance:measure", args=[slug, measure_id]),
        partnership=partnership,
    )


# --- Rounds ---------------------------------------------------------------------------------------


@login_required
def round_new(request: HttpRequest, slug: str) -> HttpResponse:
    partnership = partnership_for_action(request.user, slug, MANAGE)
    form = forms.RoundForm(request.POST or None, partnership=partnership)
    plan = current_plan_of(partnership)
    if request.method == "POST" and form.is_valid():
        reporting_round, opened = services.reporting_round_open(
            actor=request.user, partnership=partnership, **form.cleaned_data
        )
        messages.success(request, f"{reporting_round.label}: {len(opened)} returns opened")
        return redirect("performance:round", slug=slug, round_id=reporting_round.public_id)
    return form_page(
        request,
        form,
        title="Open a quarter’s returns",
        caption=partnership.name,
        intro=(
            f"A return opens for each priority of {plan.title}, addressed to its lead. "
            "Opening the same quarter again adds returns only for priorities added since."
            if plan
            else "The partnership has no current plan: there are no priorities to open returns for."
        ),
        submit_text="Open returns",
        cancel_url=_index_url(slug),
        partnership=partnership,
    )


@login_required
def round_detail(request: HttpRequest, slug: str, round_id: UUID) -> HttpResponse:
    partnership = partnership_for(request.user, slug)
    reporting_round = selectors.round_in(partnership, round_id)
    require_permission(request.user, MANAGE, reporting_round)
    return render(
        request,
        "performance/round.html",
        {
            "partnership": partnership,
            "round": reporting_round,
            "returns": selectors.round_returns(request.user, reporting_round),
            "pack": BoardPack.objects.filter(reporting_round=reporting_round).first(),
            "today": timezone.localdate(),
        },
    )


# --- Returns --------------------------------------------------------------------------------------

SECTION_INTROS = {
    ReturnSection.PROGRESS: "What was done this quarter towards each deliverable of the priority.",
    ReturnSection.THEMES: "How this priority delivered on each of the partnership’s cross-cutting themes.",
    ReturnSection.MEASURES: (
        "Enter this quarter’s figure for each measure you report. Figures counted from the crime data are "
        "filled in for you: comment on them."
    ),
    ReturnSection.RISKS: "What stands in the way, and what the partnership can do about it.",
    ReturnSection.ASSESSMENT: "Your overall view of the quarter, which the board reads first.",
}

SECTION_FORMS: dict[str, Any] = {
    ReturnSection.PROGRESS: forms.ProgressForm,
    ReturnSection.THEMES: forms.ThemesForm,
    ReturnSection.MEASURES: forms.MeasuresForm,
    ReturnSection.RISKS: forms.RisksForm,
    ReturnSection.ASSESSMENT: forms.AssessmentForm,
}


def _return_url(slug: str, return_id: UUID) -> str:
    return reverse("performance:return", args=[slug, return_id])


def _return_context(request: HttpRequest, quarterly_return: Any) -> dict[str, Any]:
    statuses = selectors.return_measures(quarterly_return)
    return {
        "quarterly_return": quarterly_return,
        "deliverables": selectors.return_deliverables(quarterly_return),
        "themes": selectors.return_themes(quarterly_return),
        "statuses": statuses,
        # An automatic measure's figure for the return's quarter, not its latest (which may be years old).
        "quarter_figures": {
            s.measure.pk: selectors.figure_for_quarter(s, quarterly_return.reporting_round) for s in statuses
        },
        "steps": quarterly_return.steps.select_related("actor"),
        "can_edit": quarterly_return.is_editable and request.user.has_perm(EDIT_RETURN, quarterly_return),
        "can_decide": request.user.has_perm(MANAGE, quarterly_return),
        "today": timezone.localdate(),
    }


@login_required
def return_detail(request: HttpRequest, slug: str, return_id: UUID) -> HttpResponse:
    partnership = partnership_for(request.user, slug)
    quarterly_return = selectors.return_in(request.user, partnership, return_id)
    audit_record_viewed(actor=request.user, target=quarterly_return)
    return render(
        request,
        "performance/return.html",
        {
            "partnership": partnership,
            "sections": selectors.return_section_names(),
            **_return_context(request, quarterly_return),
        },
    )


def _section_form(section: str, quarterly_return: Any, data: Any) -> Any:
    form_class = SECTION_FORMS[section]
    extra: dict[str, Any] = {"quarterly_return": quarterly_return}
    if section == ReturnSection.PROGRESS:
        extra["deliverables"] = selectors.return_deliverables(quarterly_return)
    elif section == ReturnSection.THEMES:
        extra["themes"] = selectors.return_themes(quarterly_return)
    elif section == ReturnSection.MEASURES:
        extra["statuses"] = selectors.return_measures(quarterly_return)
    return form_class(data, **extra)


@login_required
def return_section(request: HttpRequest, slug: str, return_id: UUID, section: str) -> HttpResponse:
    partnership = partnership_for(request.user, slug)
    quarterly_return = selectors.return_in(request.user, partnership, return_id)
    require_permission(request.user, EDIT_RETURN, quarterly_return)
    if not quarterly_return.is_editable:
        messages.info(request, f"This return is {quarterly_return.get_status_display().lower()}")
        return redirect(_return_url(slug, return_id))
    form = _section_form(section, quarterly_return, request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.return_section_save(
                actor=request.user, quarterly_return=quarterly_return, section=section, values=form.values()
            )
        except services.ReturnNotAllowed as error:
            messages.info(request, str(error))
        else:
            messages.success(request, f"‘{ReturnSection(section).label}’ saved")
        return redirect(_return_url(slug, return_id))
    return form_page(
        request,
        form,
        title=ReturnSection(section).label,
        caption=f"{quarterly_return.priority.title}: {quarterly_return.reporting_round.label} return",
        intro=SECTION_INTROS[ReturnSection(section)],
        submit_text="Save and come back later",
        cancel_url=_return_url(slug, return_id),
        partnership=partnership,
    )


@login_required
def return_check(request: HttpRequest, slug: str, return_id: UUID) -> HttpResponse:
    """Check your answers, then submit."""
    partnership = partnership_for(request.user, slug)
    quarterly_return = selectors.return_in(request.user, partnership, return_id)
    require_permission(request.user, EDIT_RETURN, quarterly_return)
    missing = services.return_missing_sections(quarterly_return)
    problem = ""
    if request.method == "POST":
        try:
            services.return_submit(actor=request.user, quarterly_return=quarterly_return)
        except services.ReturnNotAllowed as error:
            problem = str(error)
        else:
            messages.success(request, "Return submitted to the partnership manager")
            return redirect(_return_url(slug, return_id))
    return render(
        request,
        "performance/return_check.html",
        {
            "partnership": partnership,
            "missing": missing,
            "problem": problem,
            **_return_context(request, quarterly_return),
        },
        status=400 if problem else 200,
    )


@login_required
def return_decide(request: SignedInRequest, slug: str, return_id: UUID) -> HttpResponse:
    partnership = partnership_for(request.user, slug)
    quarterly_return = selectors.return_in(request.user, partnership, return_id)
    require_permission(request.user, MANAGE, quarterly_return)
    return return_decide_page(
        request,
        record=quarterly_return,
        noun="return",
        owner="the lead",
        accept=partial(services.return_accept, actor=request.user, quarterly_return=quarterly_return),
        accepted_message="Return accepted",
        sent_back_message="Return sent back to the lead",
        return_url=_return_url(slug, return_id),
        title="Accept or return",
        caption=f"{quarterly_return.priority.title}: {quarterly_return.reporting_round.label} return",
        intro=f"The return is {quarterly_return.get_status_display().lower()}.",
        submit_text="Save decision",
        partnership=partnership,
    )


# --- Board packs ----------------------------------------------------------------------------------


@login_required
def pack_generate(request: HttpRequest, slug: str, round_id: UUID) -> HttpResponse:
    """POST makes the pack; GET changes nothing and goes back to the round."""
    partnership = partnership_for(request.user, slug)
    reporting_round = selectors.round_in(partnership, round_id)
    require_permission(request.user, MANAGE, reporting_round)
    if request.method != "POST":
        return redirect("performance:round", slug=slug, round_id=round_id)
    try:
        pack = services.board_pack_generate(actor=request.user, reporting_round=reporting_round)
    except services.ReturnNotAllowed as error:
        messages.info(request, str(error))
        return redirect("performance:round", slug=slug, round_id=round_id)
    messages.success(request, f"Board pack for {reporting_round.label} generated")
    return redirect("performance:pack", slug=slug, pack_id=pack.public_id)


@login_required
def pack_detail(request: HttpRequest, slug: str, pack_id: UUID) -> HttpResponse:
    partnership = partnership_for(request.user, slug)
    pack = selectors.pack_in(request.user, partnership, pack_id)
    audit_record_viewed(actor=request.user, target=pack)
    return render(
        request,
        "performance/pack.html",
        {**pack_context(partnership, pack), "can_manage": request.user.has_perm(MANAGE, pack)},
    )


@login_required
def pack_pdf(request: SignedInRequest, slug: str, pack_id: UUID) -> HttpResponse:
    partnership = partnership_for(request.user, slug)
    pack = selectors.pack_in(request.user, partnership, pack_id)
    document = document_request(
        actor=request.user, partnership=partnership, kind=BOARD_PACK_PDF, params=board_pack_pdf_params(pack)
    )
    return document_redirect(document)  # the download is audited as a view of the pack


@login_required
def pack_publish(request: HttpRequest, slug: str, pack_id: UUID) -> HttpResponse:
    """POST publishes the pack; GET changes nothing and goes back to it."""
    partnership = partnership_for(request.user, slug)
    pack = selectors.pack_in(request.user, partnership, pack_id)
    require_permission(request.user, MANAGE, pack)
    if request.method == "POST" and not pack.is_published:
        services.board_pack_publish(actor=request.user, pack=pack)
        messages.success(request, "Board pack published: board members can now read it")
    return redirect("performance:pack", slug=slug, pack_id=pack_id)


# --- The county view and the plan cycle -----------------------------------------------------------


@login_required
def county(request: HttpRequest, slug: str) -> HttpResponse:
    partnership = partnership_for(request.user, slug)
    return render(
        request,
        "performance/county.html",
        {
            "partnership": partnership,
            "view": selectors.county_view(partnership),
            "today": timezone.localdate(),
        },
    )


@login_required
def plan_changes(request: HttpRequest, slug: str, plan_id: UUID) -> HttpResponse:
    partnership = partnership_for(request.user, slug)
    plan = plan_in(partnership, plan_id)
    return render(
        request,
        "performance/plan_changes.html",
        {"partnership": partnership, "plan": plan, "changes": selectors.revision_changes(plan)},
    )


@login_required
def carry_forward(request: HttpRequest, slug: str, plan_id: UUID) -> HttpResponse:
    partnership = partnership_for(request.user, slug)
    plan = plan_in(partnership, plan_id)
    require_permission(request.user, MANAGE, plan)
    previous = plans_of(partnership).exclude(pk=plan.pk).filter(period_start__lt=plan.period_start).first()
    measures = list(selectors.measures_of(partnership).filter(priority__plan=previous)) if previous else []
    form = forms.CarryForwardForm(
        request.POST or None, measures=measures, priorities=list(plan.priorities.all())
    )
    if request.method == "POST" and form.is_valid():
        copies = services.measures_carry_forward(actor=request.user, choices=form.choices())
        messages.success(request, f"{len(copies)} measures carried forward into {plan.title}")
        return redirect(_index_url(slug))
    return form_page(
        request,
        form,
        title="Carry measures forward",
        caption=plan.title,
        intro=(
            f"Choose which measures of {previous.title} still apply, and the priority of this plan each "
            "belongs to now. Their definitions are copied; their figures stay with the old plan."
            if previous and measures
            else "There is no earlier plan with measures to carry forward."
        ),
        submit_text="Carry forward",
        cancel_url=_index_url(slug),
        partnership=partnership,
    )
