"""The applicant's pages for its awards: answering the offer, asking for a variation, the final report; and
withdrawing an application. Outside any partnership: another organisation's award or application is a 404.

Each action page says why it cannot be taken, instead of showing a form, when the award or application is
not in a state for it; a refusal the service gives all the same is shown on the form, never as a 500.
"""

from collections.abc import Callable
from typing import Any
from uuid import UUID

from django import forms as django_forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone

from saferhub.accounts.requests import SignedInRequest
from saferhub.design_system.filters import govuk_date, pounds
from saferhub.design_system.views import posted
from saferhub.grants import selectors, services
from saferhub.grants.forms import applicant_awards as forms
from saferhub.grants.models import RUNNING_AWARD_STATUSES, Application, Award, AwardStatus
from saferhub.grants.selectors import applicant_awards as award_selectors
from saferhub.grants.workflows import UNDECIDED, GrantRefused


def _award_url(award: Award) -> str:
    return reverse("grants:my-award", kwargs={"award_id": award.public_id})


def _application_url(application: Application) -> str:
    return reverse("grants:application", kwargs={"application_id": application.public_id})


def _breadcrumbs(*trail: tuple[str, str]) -> list[dict[str, str]]:
    return [
        {"text": "Applying for funding", "href": reverse("grants:apply-home")},
        *({"text": text, "href": href} for text, href in trail),
    ]


def _award_breadcrumbs(award: Award) -> list[dict[str, str]]:
    return _breadcrumbs((award.application.title, _award_url(award)))


# Why an action cannot be taken on the award now ("" when it can): the page then says so instead of
# showing its form, and the award page shows no link to it.


def offer_response_refusal(award: Award) -> str:
    if award.status != AwardStatus.OFFERED:
        return f"This offer has been answered already: the award is {award.get_status_display().lower()}"
    if award.respond_by < timezone.localdate():
        return (
            f"This offer lapsed on {govuk_date(award.respond_by)}: ask the partnership to give you longer to "
            "answer it"
        )
    return ""


def variation_refusal(award: Award) -> str:
    if award.status not in RUNNING_AWARD_STATUSES:
        return (
            f"This award is {award.get_status_display().lower()}: a variation is asked for only while the "
            "project runs"
        )
    return ""


def final_report_refusal(award: Award) -> str:
    if award.status != AwardStatus.ACCEPTED:
        return (
            f"This award is {award.get_status_display().lower()}: the final report is sent once, while the "
            "project runs"
        )
    return ""


def withdraw_refusal(application: Application) -> str:
    if application.status not in UNDECIDED:
        return (
            f"This application is {application.get_status_display().lower()}: an application can be "
            "withdrawn only until the partnership decides it"
        )
    return ""


def _action_page(
    request: SignedInRequest,
    form: django_forms.Form,
    *,
    refusal: str,
    write: Callable[[], object],
    done: str,
    done_url: str,
    title: str,
    caption: str,
    breadcrumbs: list[dict[str, str]],
    submit_text: str,
    cancel_url: str,
    **context: Any,
) -> HttpResponse:
    """One action of an award or an application: the form, or why it cannot be taken now. A valid POST
    runs `write` (the service); its refusal shows on the form and changes nothing."""
    page = {"title": title, "caption": caption, "breadcrumbs": breadcrumbs, "cancel_url": cancel_url}
    if refusal:
        return render(
            request,
            "grants/my_award/cannot.html",
            {**page, "refusal": refusal},
            status=400 if request.method == "POST" else 200,
        )
    if request.method == "POST" and form.is_valid():
        try:
            write()
        except GrantRefused as refused:
            form.add_error(None, str(refused))
        else:
            messages.success(request, done)
            return redirect(done_url)
    return render(
        request,
        "grants/my_award/action.html",
        {**page, "form": form, "submit_text": submit_text, **context},
        status=400 if form.is_bound and form.errors else 200,
    )


@login_required
def my_award(request: SignedInRequest, award_id: UUID) -> HttpResponse:
    """The award as its organisation sees it: the offer, the money paid and to come, variations, reports."""
    award = award_selectors.award_of_applicant(request.user, award_id)
    return render(
        request,
        "grants/my_award/award.html",
        {
            "page": award_selectors.applicant_award(award),
            "award": award,
            "application": award.application,
            "respond_refusal": offer_response_refusal(award),
            "can_vary": not variation_refusal(award),
            "can_report": not final_report_refusal(award),
            "breadcrumbs": _breadcrumbs(),
        },
    )


@login_required
def offer_respond(request: SignedInRequest, award_id: UUID) -> HttpResponse:
    award = award_selectors.award_of_applicant(request.user, award_id)
    form = forms.OfferResponseForm(posted(request))
    return _action_page(
        request,
        form,
        refusal=offer_response_refusal(award),
        write=lambda: services.award_respond(actor=request.user, award=award, accept=form.accepts),
        done="Your answer has been sent to the partnership",
        done_url=_award_url(award),
        title="Accept or decline the offer",
        caption=award.application.title,
        breadcrumbs=_award_breadcrumbs(award),
        submit_text="Send your answer",
        cancel_url=_award_url(award),
        summary="grants/my_award/_offer.html",
        page=award_selectors.applicant_award(award),
        award=award,
    )


@login_required
def variation_new(request: SignedInRequest, award_id: UUID) -> HttpResponse:
    award = award_selectors.award_of_applicant(request.user, award_id)
    granted = selectors.award_money(award).granted
    form = forms.VariationForm(posted(request), granted_pence=granted)
    return _action_page(
        request,
        form,
        refusal=variation_refusal(award),
        write=lambda: services.variation_request(actor=request.user, award=award, **form.values()),
        done="Variation asked for: the partnership will answer it in writing",
        done_url=_award_url(award),
        title="Ask for a variation",
        caption=award.application.title,
        breadcrumbs=_award_breadcrumbs(award),
        submit_text="Ask for the variation",
        cancel_url=_award_url(award),
        intro=(
            f"The award grants {pounds(granted)}. Nothing changes until the partnership approves the "
            "variation in writing."
        ),
    )


@login_required
def final_report(request: SignedInRequest, award_id: UUID) -> HttpResponse:
    award = award_selectors.award_of_applicant(request.user, award_id)
    form = forms.FinalReportForm(posted(request))
    return _action_page(
        request,
        form,
        refusal=final_report_refusal(award),
        write=lambda: services.final_report_send(
            actor=request.user, award=award, report=form.cleaned_data["report"]
        ),
        done="Final report sent",
        done_url=_award_url(award),
        title="Send the final report",
        caption=award.application.title,
        breadcrumbs=_award_breadcrumbs(award),
        submit_text="Send the final report",
        cancel_url=_award_url(award),
        intro=(
            "Once you send it you cannot change it. The partnership then reconciles the project's money "
            "and closes the award."
        ),
    )


@login_required
def application_withdraw(request: SignedInRequest, application_id: UUID) -> HttpResponse:
    application = selectors.application_of_applicant(request.user, application_id)
    form = forms.WithdrawForm(posted(request))
    return _action_page(
        request,
        form,
        refusal=withdraw_refusal(application),
        write=lambda: services.application_withdraw(
            actor=request.user, application=application, reason=form.cleaned_data["reason"]
        ),
        done=f"Application ‘{application.title}’ withdrawn",
        done_url=_application_url(application),
        title="Withdraw the application",
        caption=application.title,
        breadcrumbs=_breadcrumbs((application.title, _application_url(application))),
        submit_text="Withdraw the application",
        cancel_url=_application_url(application),
        intro=(
            "Once withdrawn, the partnership no longer considers the application, and it cannot be "
            "submitted again. You can start a new application while the round is open."
        ),
    )
