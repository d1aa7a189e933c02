"""The page every kind of return shares: accepting a submitted return, or returning it. Each kind's view
finds the return and checks who may decide it, then hands over to `return_decide_page`."""

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect

from saferhub.accounts.requests import SignedInRequest
from saferhub.design_system.views import form_page
from saferhub.reporting import services
from saferhub.reporting.forms import ReturnDecisionForm
from saferhub.reporting.models import ReturnStatus
from saferhub.workflow.definitions import TransitionRefused


def return_decide_page(
    request: SignedInRequest,
    *,
    record: Any,
    noun: str,
    owner: str,
    accept: Callable[..., object],
    accepted_message: str,
    sent_back_message: str,
    return_url: str,
    **page: Any,
) -> HttpResponse:
    """Accept the submitted `record` or return it to its `owner` with a comment, then back to `return_url`.

    `accept(comment=...)` is the kind's own acceptance (it may record more with it, such as the return's
    figures); returning is the same for every kind. A refused decision is shown on the form and changes
    nothing. `page` is the rest of the form page: its title, caption, intro, submit text, partnership and
    breadcrumbs.
    """
    if record.status != ReturnStatus.SUBMITTED:
        # A draft, returned or accepted return has nothing to decide: back to it, saying why.
        messages.info(request, f"Only a submitted {noun} can be accepted or returned")
        return redirect(return_url)
    form = ReturnDecisionForm(request.POST or None, noun=noun, owner=owner)
    if request.method == "POST" and form.is_valid():
        comment = form.cleaned_data["comment"]
        try:
            if form.cleaned_data["decision"] == "accept":
                accept(comment=comment)
                messages.success(request, accepted_message)
            else:
                services.return_send_back(actor=request.user, record=record, comment=comment)
                messages.success(request, sent_back_message)
        except TransitionRefused as refusal:
            form.add_error(None, str(refusal))
        else:
            return redirect(return_url)
    return form_page(request, form, cancel_url=return_url, **page)
