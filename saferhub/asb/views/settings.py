"""The partnership's casework settings: its managers change the numbers of its local policy and its risk
matrix; until they first save, the documented defaults apply."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from saferhub.accounts.requests import SignedInRequest
from saferhub.asb.forms.settings import SettingsForm
from saferhub.asb.risk import DEFAULT_MATRIX
from saferhub.asb.selectors import settings_of
from saferhub.asb.services.settings import settings_save
from saferhub.design_system.views import posted
from saferhub.partnerships.permissions import partnership_for_action

MANAGE = "asb.manage"


@login_required
def settings_edit(request: SignedInRequest, slug: str) -> HttpResponse:
    partnership = partnership_for_action(request.user, slug, MANAGE)
    form = SettingsForm(posted(request), current=settings_of(partnership))
    if request.method == "POST" and form.is_valid():
        settings_save(actor=request.user, partnership=partnership, values=form.values())
        messages.success(request, "Casework settings saved")
        return redirect("asb:settings", slug=slug)
    return render(
        request,
        "asb/settings/edit.html",
        {
            "form": form,
            "title": "Casework settings",
            "caption": partnership.name,
            "intro": "The partnership's own policy for anti-social behaviour casework. Each number shows its "
            "default.",
            "submit_text": "Save the settings",
            "cancel_url": reverse("partnerships:partnership", args=[slug]),
            "partnership": partnership,
            "default_matrix": DEFAULT_MATRIX,
        },
        status=400 if form.is_bound and form.errors else 200,
    )
