"""The partnership's funding pages: its funds and what their money is doing, and each fund's rounds. And the
pages of the people applying for funding, outside any partnership: the open rounds, and their organisations'
applications, filled in section by section, checked and submitted."""

from uuid import UUID

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone

from saferhub.accounts.requests import SignedInRequest
from saferhub.design_system.views import form_page
from saferhub.grants import selectors, services
from saferhub.grants.forms import funds as forms
from saferhub.grants.selectors import dashboard as dashboard_selectors
from saferhub.partnerships.models import Role
from saferhub.partnerships.permissions import partnership_for_action, require_permission
from saferhub.partnerships.selectors import partnership_for, people_with_role_in

MANAGE = "grants.manage"


@login_required
def index(request: SignedInRequest, slug: str) -> HttpResponse:
    partnership = partnership_for(request.user, slug)
    overdue = dashboard_selectors.overdue_reports(partnership, today=timezone.localdate())
    funds = [
        (
            fund,
            selectors.fund_money(fund),
            dashboard_selectors.fund_forecast(fund),
            sum(1 for report in overdue if report.reporting_round.fund_id == fund.pk),
        )
        for fund in selectors.funds_of(partnership)
    ]
    return render(
        request,
        "grants/index.html",
        {
            "partnership": partnership,
            "funds": funds,
            "can_manage": request.user.has_perm(MANAGE, partnership),
        },
    )


@login_required
def fund_new(request: SignedInRequest, slug: str) -> HttpResponse:
    partnership = partnership_for_action(request.user, slug, MANAGE)
    form = forms.FundForm(request.POST or None, partnership=partnership)
    if request.method == "POST" and form.is_valid():
        fund = services.fund_create(actor=request.user, partnership=partnership, **form.cleaned_data)
        messages.success(request, f"Fund ‘{fund.name}’ set up")
        return redirect("grants:fund", slug=slug, fund_id=fund.public_id)
    return form_page(
        request,
        form,
        title="Set up a fund",
        caption=partnership.name,
        submit_text="Set up the fund",
        cancel_url=reverse("grants:index", args=[slug]),
        partnership=partnership,
    )


@login_required
def fund_detail(request: SignedInRequest, slug: str, fund_id: UUID) -> HttpResponse:
    partnership = partnership_for(request.user, slug)
    fund = selectors.fund_in(partnership, fund_id)
    return render(
        request,
        "grants/fund.html",
        {
            "partnership": partnership,
            "fund": fund,
            "dashboard": dashboard_selectors.fund_dashboard(fund, today=timezone.localdate()),
            "rounds": selectors.rounds_of(fund),
            "assesses": selectors.rounds_assessed_by(request.user, fund),
            "report_rounds": selectors.report_rounds_of(fund),
            "can_manage": request.user.has_perm(MANAGE, partnership),
        },
    )


@login_required
def round_new(request: SignedInRequest, slug: str, fund_id: UUID) -> HttpResponse:
    partnership = partnership_for(request.user, slug)
    fund = selectors.fund_in(partnership, fund_id)
    require_permission(request.user, MANAGE, fund)
    form = forms.RoundForm(
        request.POST or None, assessors=people_with_role_in(partnership, Role.GRANT_ASSESSOR)
    )
    if request.method == "POST" and form.is_valid():
        grant_round = services.round_create(actor=request.user, fund=fund, **form.round_values())
        messages.success(request, f"Round ‘{grant_round.title}’ set up")
        return redirect("grants:round", slug=slug, grant_round_id=grant_round.public_id)
    return form_page(
        request,
        form,
        title="Set up a round",
        caption=fund.name,
        submit_text="Set up the round",
        cancel_url=reverse("grants:fund", args=[slug, fund.public_id]),
        partnership=partnership,
    )
