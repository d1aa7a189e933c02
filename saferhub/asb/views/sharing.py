"""Sharing a case: the lead organisation's people see the organisations on it, invite another (only one an
agreement in force joins to the lead, shown with what it would see) and remove one, which loses sight of
the case at once. Anyone else who sees the case is refused (403); anyone who does not gets a 404."""

from uuid import UUID

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from saferhub.accounts.requests import SignedInRequest
from saferhub.asb import services
from saferhub.asb.forms.sharing import InviteForm
from saferhub.asb.selectors import cases as case_records
from saferhub.asb.views.cases import LEAD_CASE, case_breadcrumbs, case_for, case_url
from saferhub.asb.workflows import CaseRefused
from saferhub.design_system.views import posted
from saferhub.partnerships.permissions import require_permission


@login_required
def organisations(request: SignedInRequest, slug: str, case_id: UUID) -> HttpResponse:
    partnership, case, _ = case_for(request, slug, case_id)
    require_permission(request.user, LEAD_CASE, case)
    options = case_records.sharing_options(case)
    form = InviteForm(posted(request), options=options)
    if request.method == "POST" and form.is_valid():
        chosen = form.chosen().organisation
        try:
            services.organisation_invite(actor=request.user, case=case, organisation=chosen)
        except CaseRefused as refusal:
            form.add_error("organisation", str(refusal))
        else:
            messages.success(request, f"{chosen} invited to case {case.reference}")
            return redirect(reverse("asb:organisations", args=[slug, case.public_id]))
    return render(
        request,
        "asb/cases/organisations.html",
        {
            "partnership": partnership,
            "case": case,
            "form": form,
            "options": options,
            "involvements": case_records.involvements_of(case),
            "breadcrumbs": case_breadcrumbs(partnership, case),
        },
        status=400 if form.is_bound and form.errors else 200,
    )


@login_required
def organisation_remove(
    request: SignedInRequest, slug: str, case_id: UUID, involvement_id: UUID
) -> HttpResponse:
    partnership, case, _ = case_for(request, slug, case_id)
    # The lead's right first: a partner is not told whether an involvement exists.
    require_permission(request.user, LEAD_CASE, case)
    involvement = case_records.involvement_in(case, involvement_id)
    if request.method == "POST":
        services.organisation_remove(actor=request.user, involvement=involvement)
        messages.success(request, f"{involvement.organisation} removed from case {case.reference}")
        return redirect(reverse("asb:organisations", args=[slug, case.public_id]))
    return render(
        request,
        "asb/cases/organisation_remove.html",
        {
            "partnership": partnership,
            "case": case,
            "involvement": involvement,
            "cancel_url": reverse("asb:organisations", args=[slug, case.public_id]),
            "breadcrumbs": [*case_breadcrumbs(partnership, case)],
            "case_url": case_url(case),
        },
    )
