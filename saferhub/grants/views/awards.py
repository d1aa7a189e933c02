"""A partnership manager's pages for awards: the offer, payments, variations, spend, claw-back and closing.

Another partnership's award (or application) is a 404; the partnership's own people who do not manage it
are refused (403, audited), as the fund's page lists its awards to all of them. A refusal of a service is
shown on the form, which keeps what was typed.
"""

from collections.abc import Callable, Sequence
from typing import Any
from uuid import UUID

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from saferhub.accounts.requests import SignedInRequest
from saferhub.audit.services import audit_record_viewed
from saferhub.design_system.filters import govuk_date, pounds
from saferhub.design_system.views import posted
from saferhub.grants import selectors, services
from saferhub.grants.forms import awards as forms_awards
from saferhub.grants.models import (
    RUNNING_AWARD_STATUSES,
    Application,
    ApplicationStatus,
    Award,
    AwardStatus,
    VariationStatus,
)
from saferhub.grants.money import AwardMoney
from saferhub.grants.selectors import awards as award_records
from saferhub.grants.selectors.assessing import application_for_staff
from saferhub.grants.workflows import GrantRefused
from saferhub.partnerships.models import Partnership
from saferhub.partnerships.permissions import require_permission
from saferhub.partnerships.selectors import partnership_for

MANAGE = "grants.manage"


def _award_url(award: Award) -> str:
    return reverse("grants:award", args=[award.audit_partnership.slug, award.public_id])


def _fund_breadcrumbs(partnership: Partnership, application: Application) -> list[dict[str, str]]:
    fund = application.grant_round.fund
    return [
        {"text": partnership.name, "href": reverse("partnerships:partnership", args=[partnership.slug])},
        {"text": "Funding", "href": reverse("grants:index", args=[partnership.slug])},
        {"text": fund.name, "href": reverse("grants:fund", args=[partnership.slug, fund.public_id])},
    ]


def _award_in(request: SignedInRequest, slug: str, award_id: UUID) -> tuple[Partnership, Award]:
    """The partnership's award, if the person can see the partnership: 404 for another's."""
    partnership = partnership_for(request.user, slug)
    return partnership, award_records.award_in(partnership, award_id)


def _managed_award(request: SignedInRequest, slug: str, award_id: UUID) -> tuple[Partnership, Award]:
    """The partnership's award, for one of its managers: 404 for another's, 403 for the rest of its people."""
    partnership, award = _award_in(request, slug, award_id)
    require_permission(request.user, MANAGE, award)
    return partnership, award


def _written(form: forms.Form, write: Callable[[], object]) -> bool:
    """Run the service for a valid form; its refusal goes on the form (kept as typed) instead."""
    try:
        write()
    except GrantRefused as refusal:
        form.add_error(None, str(refusal))
        return False
    return True


def _posted(request: SignedInRequest, form: forms.Form, write: Callable[[], object]) -> bool:
    """Whether a form was POSTed, valid, and written by the service."""
    return request.method == "POST" and form.is_valid() and _written(form, write)


def _form_with_facts(request: SignedInRequest, form: forms.Form, **context: Any) -> HttpResponse:
    """A page that is one form, with what the decision rests on (`facts`: label and text) above it;
    re-shown with its errors (status 400) when it is invalid or the service refused it."""
    return render(
        request,
        "grants/awards/action.html",
        {"form": form, **context},
        status=400 if form.is_bound and form.errors else 200,
    )


def _action_page(
    request: SignedInRequest,
    partnership: Partnership,
    award: Award,
    form: forms.Form,
    *,
    title: str,
    submit_text: str,
    facts: Sequence[tuple[str, str]] = (),
    intro: str = "",
) -> HttpResponse:
    """One of an award's forms, under the award's page."""
    return _form_with_facts(
        request,
        form,
        partnership=partnership,
        title=title,
        caption=award.application.title,
        intro=intro,
        facts=facts,
        submit_text=submit_text,
        cancel_url=_award_url(award),
        breadcrumbs=[
            *_fund_breadcrumbs(partnership, award.application),
            {"text": award.application.title, "href": _award_url(award)},
        ],
    )


def _done(request: SignedInRequest, award: Award, message: str) -> HttpResponse:
    messages.success(request, message)
    return redirect(_award_url(award))


@login_required
def offer(request: SignedInRequest, slug: str, application_id: UUID) -> HttpResponse:
    """Offer an approved application its award. The application is known to the round's managers and
    assessors only: anyone else gets a 404."""
    partnership = partnership_for(request.user, slug)
    application = application_for_staff(request.user, partnership, application_id)
    require_permission(request.user, MANAGE, application)
    if request.method == "GET":
        audit_record_viewed(actor=request.user, target=application)
    offered = award_records.award_offered_to(application)
    if offered is not None:
        messages.info(
            request, "This application has been offered its award already: change it through a variation"
        )
        return redirect(_award_url(offered))
    round_url = reverse("grants:round", args=[slug, application.grant_round.public_id])
    if application.status != ApplicationStatus.APPROVED:
        messages.info(
            request,
            f"This application is {application.get_status_display().lower()}: only an approved application "
            "is offered an award",
        )
        return redirect(round_url)
    remaining = selectors.fund_money(application.grant_round.fund).remaining
    form = forms_awards.OfferForm(posted(request), application=application, remaining_pence=remaining)
    if request.method == "POST" and form.is_valid():
        try:
            award = services.award_offer(actor=request.user, application=application, **form.offer_values())
        except GrantRefused as refusal:
            form.add_error(None, str(refusal))
        else:
            return _done(
                request, award, f"Award of {pounds(award.amount_pence)} offered to {application.organisation}"
            )
    return _form_with_facts(
        request,
        form,
        partnership=partnership,
        title="Offer an award",
        caption=application.title,
        facts=[
            ("Organisation", application.organisation.name),
            ("Asked for", pounds(application.amount_requested_pence)),
            ("Left in the fund to offer", pounds(remaining)),
        ],
        submit_text="Make the offer",
        cancel_url=round_url,
        breadcrumbs=[
            *_fund_breadcrumbs(partnership, application),
            {"text": application.grant_round.title, "href": round_url},
        ],
    )


@login_required
def award_detail(request: SignedInRequest, slug: str, award_id: UUID) -> HttpResponse:
    partnership, award = _managed_award(request, slug, award_id)
    audit_record_viewed(actor=request.user, target=award)
    running = award.status in RUNNING_AWARD_STATUSES
    return render(
        request,
        "grants/awards/award.html",
        {
            "partnership": partnership,
            "award": award,
            "application": award.application,
            "money": selectors.award_money(award),
            "instalments": award_records.instalment_rows(award),
            "when_paid": forms_awards.when_paid,
            "variations": award.variations.select_related("requested_by", "decided_by"),
            "spend": award_records.spend_table(award),
            "reports": award_records.project_reports_of(award),
            "clawbacks": award.clawbacks.select_related("recorded_by").order_by("created_at"),
            "history": award_records.award_history(award),
            "can_extend": award.status == AwardStatus.OFFERED,
            "running": running,
            "can_close": award.status == AwardStatus.FINAL_REPORT,
            "breadcrumbs": _fund_breadcrumbs(partnership, award.application),
        },
    )


@login_required
def offer_extend(request: SignedInRequest, slug: str, award_id: UUID) -> HttpResponse:
    partnership, award = _managed_award(request, slug, award_id)
    form = forms_awards.ExtendForm(posted(request))
    if _posted(
        request,
        form,
        lambda: services.offer_extend(
            actor=request.user, award=award, respond_by=form.cleaned_data["respond_by"]
        ),
    ):
        return _done(request, award, "The offer was given longer")
    money = selectors.award_money(award)
    return _action_page(
        request,
        partnership,
        award,
        form,
        title="Give the applicant longer to accept the offer",
        submit_text="Give longer",
        facts=[
            ("Offered", pounds(award.amount_pence)),
            ("Accept by", govuk_date(award.respond_by) + (" (lapsed)" if money.lapsed else "")),
        ],
        intro=(
            "The offer lapsed and its money went back to the fund: giving it longer takes the money again, "
            "if the fund still has it."
            if money.lapsed
            else ""
        ),
    )


@login_required
def instalment_pay(request: SignedInRequest, slug: str, award_id: UUID, instalment_id: UUID) -> HttpResponse:
    # Another award's instalment does not exist here, for anyone: looked up before the permission.
    partnership, award = _award_in(request, slug, award_id)
    instalment = award_records.instalment_of(award, instalment_id)
    require_permission(request.user, MANAGE, award)
    form = forms_awards.PaymentForm(posted(request))
    if _posted(
        request,
        form,
        lambda: services.instalment_pay(
            actor=request.user, instalment=instalment, paid_on=form.cleaned_data["paid_on"]
        ),
    ):
        return _done(request, award, f"Payment of {pounds(instalment.amount_pence)} recorded")
    waiting = (
        instalment.after_quarter is not None
        and instalment.after_quarter not in award_records.quarters_accepted(award)
    )
    return _action_page(
        request,
        partnership,
        award,
        form,
        title=f"Record the payment of instalment {instalment.position}",
        submit_text="Record the payment",
        facts=[
            ("Amount", pounds(instalment.amount_pence)),
            ("Paid", forms_awards.when_paid(instalment.after_quarter)),
            ("Paid on", govuk_date(instalment.paid_on) or "Not paid yet"),
        ],
        intro=(
            f"The project's Q{instalment.after_quarter} report has not been accepted yet: this instalment "
            "cannot be paid until it is."
            if waiting and instalment.paid_on is None
            else ""
        ),
    )


@login_required
def variation_decide(request: SignedInRequest, slug: str, award_id: UUID, variation_id: UUID) -> HttpResponse:
    partnership, award = _award_in(request, slug, award_id)
    variation = award_records.variation_of(award, variation_id)
    require_permission(request.user, MANAGE, award)
    if request.method != "POST" and variation.status != VariationStatus.REQUESTED:
        messages.info(request, f"This variation was {variation.get_status_display().lower()} already")
        return redirect(_award_url(award))
    form = forms_awards.VariationDecisionForm(posted(request))
    if _posted(
        request,
        form,
        lambda: services.variation_decide(
            actor=request.user,
            variation=variation,
            approve=form.cleaned_data["decision"] == forms_awards.APPROVE,
            reason=form.cleaned_data["reason"],
        ),
    ):
        approved = form.cleaned_data["decision"] == forms_awards.APPROVE
        return _done(request, award, "Variation approved" if approved else "Variation refused")
    money = selectors.award_money(award)
    remaining = selectors.fund_money(award.application.grant_round.fund).remaining
    change = variation.amount_pence
    facts = [
        ("What it asks", variation.description),
        ("Asked by", f"{variation.requested_by or 'Unknown'} on {govuk_date(variation.created_at)}"),
        ("Change to the award", pounds(change) if change else "None: the money stays as it is"),
    ]
    if change:
        facts += [
            ("Granted", f"{pounds(money.granted)}, then {pounds(money.granted + change)} if approved"),
            ("Paid so far", pounds(money.paid)),
            ("Left in the fund", f"{pounds(remaining)}, then {pounds(remaining - change)} if approved"),
        ]
    return _action_page(
        request,
        partnership,
        award,
        form,
        title="Decide the variation",
        submit_text="Save the decision",
        facts=facts,
    )


@login_required
def spend(request: SignedInRequest, slug: str, award_id: UUID) -> HttpResponse:
    partnership, award = _managed_award(request, slug, award_id)
    form = forms_awards.SpendForm(posted(request), lines=list(award.application.budget_lines.all()))
    if _posted(
        request,
        form,
        lambda: services.spend_record(
            actor=request.user, award=award, period=form.cleaned_data["period"], spend=form.spend()
        ),
    ):
        return _done(request, award, f"Spend for {form.cleaned_data['period']} recorded")
    return _action_page(
        request,
        partnership,
        award,
        form,
        title="Record spend",
        submit_text="Record the spend",
        intro=(
            "What the project spent in one period against each line of its budget. What you enter replaces "
            "what was recorded for that line and period before; a line left blank is left as it was."
        ),
    )


def _spent_text(award: Award, money: AwardMoney) -> str:
    """What the project spent, or that it has reported no spend yet: never £0.00 for no data."""
    return pounds(money.spent) if award_records.spend_reported(award) else "None reported yet"


@login_required
def clawback(request: SignedInRequest, slug: str, award_id: UUID) -> HttpResponse:
    partnership, award = _managed_award(request, slug, award_id)
    money = selectors.award_money(award)
    form = forms_awards.ClawbackForm(posted(request), most_pence=money.unspent)
    if _posted(
        request,
        form,
        lambda: services.clawback_record(
            actor=request.user,
            award=award,
            amount_pence=form.cleaned_data["amount_pence"],
            reason=form.cleaned_data["reason"],
        ),
    ):
        return _done(request, award, f"Claw-back of {pounds(form.cleaned_data['amount_pence'])} recorded")
    return _action_page(
        request,
        partnership,
        award,
        form,
        title="Claw money back",
        submit_text="Record the claw-back",
        facts=[
            ("Paid", pounds(money.paid)),
            ("Spent", _spent_text(award, money)),
            ("Clawed back already", pounds(money.clawed_back)),
            ("The most that can be clawed back", pounds(money.unspent)),
        ],
        intro="Money the project pays back: no more than it was paid and has neither spent nor paid back.",
    )


@login_required
def award_close(request: SignedInRequest, slug: str, award_id: UUID) -> HttpResponse:
    partnership, award = _managed_award(request, slug, award_id)
    form = forms_awards.CloseForm(posted(request))
    if _posted(
        request,
        form,
        lambda: services.award_close(actor=request.user, award=award, comment=form.cleaned_data["comment"]),
    ):
        return _done(request, award, "Award closed")
    money = selectors.award_money(award)
    return _action_page(
        request,
        partnership,
        award,
        form,
        title="Close the award",
        submit_text="Close the award",
        facts=[
            ("Granted", pounds(money.granted)),
            ("Paid", pounds(money.paid)),
            ("Spent", _spent_text(award, money)),
            ("Clawed back", pounds(money.clawed_back)),
            ("Not paid, going back to the fund", pounds(max(money.granted - money.paid, 0))),
        ],
        intro="Once closed, nothing more is paid: what the award has not paid goes back to the fund.",
    )
