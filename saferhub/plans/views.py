"""Pages for partnership plans: list, read, print, edit, revise, priorities and cross-cutting themes."""

from uuid import UUID

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone

from saferhub.audit.services import audit_record_viewed
from saferhub.design_system.views import form_page
from saferhub.partnerships.permissions import partnership_for_action, require_permission
from saferhub.partnerships.selectors import partnership_for
from saferhub.plans import selectors, services
from saferhub.plans.forms import PlanForm, PriorityForm, RevisionForm, ThemeForm

CHANGE_PLAN = "plans.change_plan"
CHANGE_PRIORITY = "plans.change_priority"


def _plan_url(slug: str, plan_id: UUID) -> str:
    return reverse("plans:plan", args=[slug, plan_id])


@login_required
def plan_list(request: HttpRequest, slug: str) -> HttpResponse:
    partnership = partnership_for(request.user, slug)
    current = selectors.current_plan_of(partnership)
    return render(
        request,
        "plans/plan_list.html",
        {
            "partnership": partnership,
            "plans": selectors.plans_of(partnership),
            "later_plan": selectors.later_plan_of(current) if current else None,
            "can_change": request.user.has_perm(CHANGE_PLAN, partnership),
            "today": timezone.localdate(),
        },
    )


@login_required
def plan_new(request: HttpRequest, slug: str) -> HttpResponse:
    partnership = partnership_for_action(request.user, slug, CHANGE_PLAN)
    form = PlanForm(request.POST or None, partnership=partnership)
    if request.method == "POST" and form.is_valid():
        plan = services.plan_create(actor=request.user, partnership=partnership, **form.cleaned_data)
        messages.success(request, "Plan created: now add its priorities")
        return redirect("plans:plan", slug=slug, plan_id=plan.public_id)
    return form_page(
        request,
        form,
        title="Create a partnership plan",
        caption=partnership.name,
        submit_text="Create plan",
        cancel_url=reverse("plans:plan-list", args=[slug]),
        partnership=partnership,
    )


def _plan_page(request: HttpRequest, slug: str, plan_id: UUID, template: str) -> HttpResponse:
    partnership = partnership_for(request.user, slug)
    plan = selectors.plan_in(partnership, plan_id)
    audit_record_viewed(actor=request.user, target=plan)
    return render(
        request,
        template,
        {
            "partnership": partnership,
            "plan": plan,
            "later_plan": selectors.later_plan_of(plan),
            "priorities": selectors.priorities_of(plan),
            "themes": plan.themes.all(),
            "revisions": plan.revisions.all(),
            "can_change": request.user.has_perm(CHANGE_PLAN, plan),
            "can_see_history": request.user.has_perm("audit.view_audit", plan),
            "today": timezone.localdate(),
        },
    )


@login_required
def plan_detail(request: HttpRequest, slug: str, plan_id: UUID) -> HttpResponse:
    return _plan_page(request, slug, plan_id, "plans/plan.html")


@login_required
def plan_print(request: HttpRequest, slug: str, plan_id: UUID) -> HttpResponse:
    return _plan_page(request, slug, plan_id, "plans/plan_print.html")


@login_required
def plan_edit(request: HttpRequest, slug: str, plan_id: UUID) -> HttpResponse:
    partnership = partnership_for(request.user, slug)
    plan = selectors.plan_in(partnership, plan_id)
    require_permission(request.user, CHANGE_PLAN, plan)
    form = PlanForm(request.POST or None, instance=plan, partnership=partnership)
    if request.method == "POST" and form.is_valid():
        services.plan_update(actor=request.user, plan=plan, values=form.cleaned_data)
        messages.success(request, "Plan saved")
        return redirect(_plan_url(slug, plan_id))
    return form_page(
        request,
        form,
        title="Edit the plan",
        caption=plan.title,
        cancel_url=_plan_url(slug, plan_id),
        partnership=partnership,
    )


@login_required
def plan_revise(request: HttpRequest, slug: str, plan_id: UUID) -> HttpResponse:
    partnership = partnership_for(request.user, slug)
    plan = selectors.plan_in(partnership, plan_id)
    require_permission(request.user, CHANGE_PLAN, plan)
    form = RevisionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.plan_revise(actor=request.user, plan=plan, **form.cleaned_data)
        messages.success(request, "Revision recorded")
        return redirect(_plan_url(slug, plan_id))
    return form_page(
        request,
        form,
        title="Record a revision of the plan",
        caption=plan.title,
        intro=(
            "Record the review first, then edit the plan and its priorities. "
            "The plan's history keeps what it said before."
        ),
        submit_text="Record revision",
        cancel_url=_plan_url(slug, plan_id),
        partnership=partnership,
    )


@login_required
def plan_make_current(request: HttpRequest, slug: str, plan_id: UUID) -> HttpResponse:
    partnership = partnership_for(request.user, slug)
    plan = selectors.plan_in(partnership, plan_id)
    require_permission(request.user, CHANGE_PLAN, plan)
    if request.method == "POST":
        services.plan_make_current(actor=request.user, plan=plan)
        messages.success(request, f"{plan.title} is now the current plan")
    return redirect(_plan_url(slug, plan_id))


@login_required
def priority_detail(request: HttpRequest, slug: str, plan_id: UUID, priority_id: UUID) -> HttpResponse:
    partnership = partnership_for(request.user, slug)
    plan = selectors.plan_in(partnership, plan_id)
    priority = selectors.priority_in(plan, priority_id)
    audit_record_viewed(actor=request.user, target=priority)
    return render(
        request,
        "plans/priority.html",
        {
            "partnership": partnership,
            "plan": plan,
            "priority": priority,
            "can_change": request.user.has_perm(CHANGE_PRIORITY, priority),
            "can_see_history": request.user.has_perm("audit.view_audit", priority),
        },
    )


@login_required
def priority_new(request: HttpRequest, slug: str, plan_id: UUID) -> HttpResponse:
    partnership = partnership_for(request.user, slug)
    plan = selectors.plan_in(partnership, plan_id)
    require_permission(request.user, CHANGE_PLAN, plan)
    form = PriorityForm(request.POST or None, plan=plan, can_assign_lead=True)
    if request.method == "POST" and form.is_valid():
        priority = services.priority_create(actor=request.user, plan=plan, **form.cleaned_data)
        messages.success(request, f"Priority ‘{priority.title}’ added")
        return redirect(_plan_url(slug, plan_id))
    return form_page(
        request,
        form,
        title="Add a priority",
        caption=plan.title,
        submit_text="Add priority",
        cancel_url=_plan_url(slug, plan_id),
        partnership=partnership,
    )


@login_required
def priority_edit(request: HttpRequest, slug: str, plan_id: UUID, priority_id: UUID) -> HttpResponse:
    partnership = partnership_for(request.user, slug)
    plan = selectors.plan_in(partnership, plan_id)
    priority = selectors.priority_in(plan, priority_id)
    require_permission(request.user, CHANGE_PRIORITY, priority)
    form = PriorityForm(
        request.POST or None,
        initial=PriorityForm.initial_for(priority),
        plan=plan,
        can_assign_lead=request.user.has_perm(CHANGE_PLAN, plan),
    )
    if request.method == "POST" and form.is_valid():
        values = dict(form.cleaned_data)
        deliverables = values.pop("deliverables")
        aligned_to = values.pop("aligned_to", None)
        services.priority_update(
            actor=request.user,
            priority=priority,
            values=values,
            deliverables=deliverables,
            aligned_to=list(aligned_to) if aligned_to is not None else None,
        )
        messages.success(request, "Priority saved")
        return redirect("plans:priority", slug=slug, plan_id=plan_id, priority_id=priority_id)
    return form_page(
        request,
        form,
        title="Edit the priority",
        caption=priority.title,
        cancel_url=reverse("plans:priority", args=[slug, plan_id, priority_id]),
        partnership=partnership,
    )


@login_required
def theme_new(request: HttpRequest, slug: str, plan_id: UUID) -> HttpResponse:
    partnership = partnership_for(request.user, slug)
    plan = selectors.plan_in(partnership, plan_id)
    require_permission(request.user, CHANGE_PLAN, plan)
    form = ThemeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.theme_create(actor=request.user, plan=plan, **form.cleaned_data)
        messages.success(request, "Cross-cutting theme added")
        return redirect(_plan_url(slug, plan_id))
    return form_page(
        request,
        form,
        title="Add a cross-cutting theme",
        caption=plan.title,
        submit_text="Add theme",
        cancel_url=_plan_url(slug, plan_id),
        partnership=partnership,
    )


@login_required
def theme_edit(request: HttpRequest, slug: str, plan_id: UUID, theme_id: UUID) -> HttpResponse:
    partnership = partnership_for(request.user, slug)
    plan = selectors.plan_in(partnership, plan_id)
    theme = selectors.theme_in(plan, theme_id)
    require_permission(request.user, CHANGE_PLAN, plan)
    form = ThemeForm(request.POST or None, instance=theme)
    if request.method == "POST" and form.is_valid():
        services.theme_update(actor=request.user, theme=theme, values=form.cleaned_data)
        messages.success(request, "Cross-cutting theme saved")
        return redirect(_plan_url(slug, plan_id))
    return form_page(
        request,
        form,
        title="Edit a cross-cutting theme",
        caption=plan.title,
        cancel_url=_plan_url(slug, plan_id),
        partnership=partnership,
    )
