"""The register of information sharing agreements: the list, an agreement's page with its lifecycle's steps,
the managers' forms (an agreement's terms, its parties), and the register in summary as open data.

Reading the register is not audited: it holds no personal data (the public sees it in summary)."""

import datetime as dt
from typing import Any
from uuid import UUID

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseNotAllowed, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import condition, require_safe

from saferhub.accounts.requests import SignedInRequest
from saferhub.core.csv import csv_response
from saferhub.core.open_data import attribution, licence_json, published
from saferhub.core.request_memo import memoised
from saferhub.design_system.views import form_page, posted
from saferhub.governance import selectors, services
from saferhub.governance.forms import AgreementDatesForm, AgreementForm, AmendForm, PartyForm, StepForm
from saferhub.governance.models import AgreementParty, AgreementStatus, SharingAgreement
from saferhub.governance.workflows import AGREEMENT_WORKFLOW, MANAGE, AgreementRefused
from saferhub.partnerships.models import Partnership
from saferhub.partnerships.permissions import partnership_for_action, require_permission
from saferhub.partnerships.selectors import (
    organisation_choices_in,
    partnership_by_slug,
    partnership_for,
)

VIEW = "governance.view_agreements"
# The steps whose buttons move an agreement on (the others have forms of their own on its page).
FORWARD_STEPS = ("assess_impact", "send_for_review", "sign", "activate")
STEP_BUTTONS = {
    "assess_impact": "Send for its impact assessment",
    "send_for_review": "Send for legal and information governance review",
    "sign": "Record as signed by every party",
    "activate": "Make active",
}


def _register_url(partnership: Partnership) -> str:
    return reverse("governance:agreements", kwargs={"slug": partnership.slug})


def _agreement_url(agreement: SharingAgreement) -> str:
    return reverse(
        "governance:agreement",
        kwargs={"slug": agreement.partnership.slug, "agreement_id": agreement.public_id},
    )


def _breadcrumbs(partnership: Partnership, agreement: SharingAgreement | None = None) -> list[dict[str, str]]:
    crumbs = [
        {
            "text": partnership.name,
            "href": reverse("partnerships:partnership", kwargs={"slug": partnership.slug}),
        },
        {"text": "Information sharing agreements", "href": _register_url(partnership)},
    ]
    if agreement is not None:
        crumbs.append({"text": agreement.title, "href": _agreement_url(agreement)})
    return crumbs


def _agreement(request: SignedInRequest, slug: str, agreement_id: UUID) -> SharingAgreement:
    """The agreement, for someone who can read the register (404 for anyone who cannot see it)."""
    partnership = partnership_for(request.user, slug)
    agreement = selectors.agreement_for(request.user, partnership, agreement_id)
    require_permission(request.user, VIEW, partnership)
    return agreement


def _managed_agreement(request: SignedInRequest, slug: str, agreement_id: UUID) -> SharingAgreement:
    agreement = _agreement(request, slug, agreement_id)
    require_permission(request.user, MANAGE, agreement)
    return agreement


def _managed_party(
    request: SignedInRequest, slug: str, agreement_id: UUID, party_id: UUID
) -> tuple[SharingAgreement, AgreementParty]:
    """The agreement and its party, each a 404 before the role is checked (a 403)."""
    agreement = _agreement(request, slug, agreement_id)
    party = next((party for party in agreement.parties.all() if party.public_id == party_id), None)
    if party is None:
        raise Http404("No such party")
    require_permission(request.user, MANAGE, agreement)
    return agreement, party


# The register and an agreement


@login_required
def agreement_list(request: SignedInRequest, slug: str) -> HttpResponse:
    partnership = partnership_for(request.user, slug)
    require_permission(request.user, VIEW, partnership)
    return render(
        request,
        "governance/register.html",
        {
            "partnership": partnership,
            "agreements": selectors.agreements_of(partnership),
            "today": timezone.localdate(),
            "can_manage": request.user.has_perm(MANAGE, partnership),
            "breadcrumbs": _breadcrumbs(partnership)[:1],
        },
    )


def _steps_open(request: SignedInRequest, agreement: SharingAgreement) -> set[str]:
    """The page's steps the agreement's state allows, for someone who may manage it (none for anyone else).
    Their checks are left to the step itself, whose refusal says what is missing."""
    if not request.user.has_perm(MANAGE, agreement):
        return set()
    return {
        name
        for name in services.PAGE_STEPS
        if agreement.status in AGREEMENT_WORKFLOW.transition_named(name).sources
    }


def _agreement_page(
    request: SignedInRequest, agreement: SharingAgreement, *, form: StepForm | None = None, status: int = 200
) -> HttpResponse:
    steps = _steps_open(request, agreement)
    errors = []
    if form is not None and form.errors:
        anchor = "#step-" + str(form.data.get("step", ""))
        errors = [
            {"text": message, "href": anchor} for messages_ in form.errors.values() for message in messages_
        ]
    return render(
        request,
        "governance/agreement.html",
        {
            "partnership": agreement.partnership,
            "agreement": agreement,
            "parties": agreement.parties.all(),
            "history": agreement.steps.select_related("actor"),
            "step_labels": {t.name: t.label for t in AGREEMENT_WORKFLOW.transitions},
            "forward_steps": [(name, STEP_BUTTONS[name]) for name in FORWARD_STEPS if name in steps],
            "can_renew": "renew" in steps,
            "can_terminate": "terminate" in steps,
            "can_manage": bool(steps),
            "drafting": agreement.status in services.DRAFTING_STATUSES,
            "editable": agreement.status != AgreementStatus.TERMINATED,
            "today": timezone.localdate(),
            "form": form,
            "errors": errors,
            "posted": form.data if form is not None else {},
            "breadcrumbs": _breadcrumbs(agreement.partnership),
        },
        status=status,
    )


@login_required
def agreement_page(request: SignedInRequest, slug: str, agreement_id: UUID) -> HttpResponse:
    return _agreement_page(request, _agreement(request, slug, agreement_id))


@login_required
def agreement_move(request: SignedInRequest, slug: str, agreement_id: UUID) -> HttpResponse:
    """One step of the agreement's lifecycle; a refusal is shown on its page (400), saying why. POST only,
    once the agreement is known to exist for the person (404 first)."""
    agreement = _agreement(request, slug, agreement_id)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    require_permission(request.user, MANAGE, agreement)
    form = StepForm(request.POST)
    if form.is_valid():
        try:
            moved = services.agreement_step(
                actor=request.user,
                agreement=agreement,
                name=form.cleaned_data["step"],
                comment=form.cleaned_data["comment"],
                review_on=form.cleaned_data["review_on"],
            )
        except AgreementRefused as refusal:
            form.add_error(None, str(refusal))
        else:
            messages.success(request, f"The agreement has been {_label_of(form.cleaned_data['step'])}")
            return redirect(_agreement_url(moved))
    agreement.refresh_from_db()
    return _agreement_page(request, agreement, form=form, status=400)


def _label_of(step: str) -> str:
    return AGREEMENT_WORKFLOW.transition_named(step).label


# The managers' forms


@login_required
def agreement_new(request: SignedInRequest, slug: str) -> HttpResponse:
    partnership = partnership_for_action(request.user, slug, MANAGE)
    form = AgreementForm(posted(request))
    if request.method == "POST" and form.is_valid():
        agreement = services.agreement_create(
            actor=request.user, partnership=partnership, values=form.changed_values()
        )
        messages.success(request, f"Agreement ‘{agreement.title}’ drafted")
        return redirect(_agreement_url(agreement))
    return form_page(
        request,
        form,
        title="Add an agreement",
        submit_text="Save as a draft",
        cancel_url=_register_url(partnership),
        partnership=partnership,
        breadcrumbs=_breadcrumbs(partnership),
    )


def _edit_form(agreement: SharingAgreement, data: Any) -> AgreementForm | AgreementDatesForm | AmendForm:
    if agreement.status in services.AMENDABLE_STATUSES:
        return AmendForm(data, instance=agreement, initial={"review_on": None})
    if agreement.status == AgreementStatus.SIGNED:
        return AgreementDatesForm(data, instance=agreement)
    return AgreementForm(data, instance=agreement)


def _edit_words(agreement: SharingAgreement) -> dict[str, str]:
    if agreement.status in services.AMENDABLE_STATUSES:
        return {
            "title": "Amend the agreement",
            "submit_text": "Amend the agreement",
            "intro": "The agreement is in force: an amendment is recorded in its history with why, and sets "
            "the date of its next review.",
        }
    if agreement.status == AgreementStatus.SIGNED:
        return {
            "title": "Change the agreement's dates",
            "submit_text": "Save",
            "intro": "The agreement is signed: its terms cannot change, only its dates, until it is active.",
        }
    return {"title": "Change the agreement", "submit_text": "Save", "intro": ""}


@login_required
def agreement_edit(request: SignedInRequest, slug: str, agreement_id: UUID) -> HttpResponse:
    """Drafting: every term. Signed: its dates. Active or due for review: amending. Terminated: nothing."""
    agreement = _managed_agreement(request, slug, agreement_id)
    if agreement.status == AgreementStatus.TERMINATED:
        return _cannot(request, agreement, "This agreement is terminated: it cannot change.")
    form = _edit_form(agreement, posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            if isinstance(form, AmendForm):
                services.agreement_amend(
                    actor=request.user,
                    agreement=agreement,
                    values=form.changed_values(),
                    comment=form.cleaned_data["comment"],
                )
            else:
                services.agreement_update(
                    actor=request.user, agreement=agreement, values=form.changed_values()
                )
        except AgreementRefused as refusal:
            form.add_error(None, str(refusal))
        else:
            messages.success(request, "The agreement has been changed")
            return redirect(_agreement_url(agreement))
    return form_page(
        request,
        form,
        caption=agreement.title,
        cancel_url=_agreement_url(agreement),
        partnership=agreement.partnership,
        breadcrumbs=_breadcrumbs(agreement.partnership, agreement),
        **_edit_words(agreement),
    )


def _cannot(request: SignedInRequest, agreement: SharingAgreement, reason: str) -> HttpResponse:
    """A form the agreement's state does not allow: why, and the way back (400 to a POST)."""
    return render(
        request,
        "governance/cannot.html",
        {
            "partnership": agreement.partnership,
            "agreement": agreement,
            "reason": reason,
            "back_url": _agreement_url(agreement),
            "breadcrumbs": _breadcrumbs(agreement.partnership, agreement),
        },
        status=400 if request.method == "POST" else 200,
    )


def _parties_fixed(agreement: SharingAgreement) -> str:
    if agreement.status in services.DRAFTING_STATUSES:
        return ""
    return (
        f"This agreement is {agreement.get_status_display().lower()}: its parties change only while it is "
        "being drafted."
    )


@login_required
def party_add(request: SignedInRequest, slug: str, agreement_id: UUID) -> HttpResponse:
    agreement = _managed_agreement(request, slug, agreement_id)
    if reason := _parties_fixed(agreement):
        return _cannot(request, agreement, reason)
    organisations = organisation_choices_in(agreement.partnership).exclude(
        pk__in=[party.organisation_id for party in agreement.parties.all()]
    )
    form = PartyForm(posted(request), organisations=organisations)
    if request.method == "POST" and form.is_valid():
        try:
            party = services.party_add(
                actor=request.user,
                agreement=agreement,
                organisation=form.cleaned_data["organisation"],
                values=form.party_values(),
            )
        except AgreementRefused as refusal:
            form.add_error(None, str(refusal))
        else:
            messages.success(request, f"{party.organisation} added as a party")
            return redirect(_agreement_url(agreement))
    return form_page(
        request,
        form,
        title="Add a party",
        caption=agreement.title,
        cancel_url=_agreement_url(agreement),
        partnership=agreement.partnership,
        breadcrumbs=_breadcrumbs(agreement.partnership, agreement),
    )


@login_required
def party_edit(
    request: SignedInRequest, slug: str, agreement_id: UUID, agreement_party_id: UUID
) -> HttpResponse:
    agreement, party = _managed_party(request, slug, agreement_id, agreement_party_id)
    if reason := _parties_fixed(agreement):
        return _cannot(request, agreement, reason)
    form = PartyForm(posted(request), instance=party)
    if request.method == "POST" and form.is_valid():
        try:
            services.party_update(actor=request.user, party=party, values=form.party_values())
        except AgreementRefused as refusal:
            form.add_error(None, str(refusal))
        else:
            messages.success(request, f"{party.organisation} has been changed")
            return redirect(_agreement_url(agreement))
    return form_page(
        request,
        form,
        title=f"Change {party.organisation}",
        caption=agreement.title,
        cancel_url=_agreement_url(agreement),
        partnership=agreement.partnership,
        breadcrumbs=_breadcrumbs(agreement.partnership, agreement),
    )


@login_required
def party_remove(
    request: SignedInRequest, slug: str, agreement_id: UUID, agreement_party_id: UUID
) -> HttpResponse:
    """Asks first; POST removes the party."""
    agreement, party = _managed_party(request, slug, agreement_id, agreement_party_id)
    if reason := _parties_fixed(agreement):
        return _cannot(request, agreement, reason)
    if request.method == "POST":
        try:
            services.party_remove(actor=request.user, party=party)
        except AgreementRefused as refusal:
            return _cannot(request, agreement, str(refusal))
        messages.success(request, f"{party.organisation} is no longer a party to the agreement")
        return redirect(_agreement_url(agreement))
    return render(
        request,
        "governance/party_remove.html",
        {
            "partnership": agreement.partnership,
            "agreement": agreement,
            "party": party,
            "back_url": _agreement_url(agreement),
            "breadcrumbs": _breadcrumbs(agreement.partnership, agreement),
        },
    )


# Open data: the register in summary


def _published(slug: str) -> Partnership:
    """Any partnership, by its slug, for its public open data (no sign-in); 404 for an unknown slug."""
    partnership = partnership_by_slug(slug)
    if partnership is None:
        raise Http404("No such partnership")
    return partnership


def _changed_at(slug: str) -> dt.datetime | None:
    """The newest change to the published register (an agreement or its parties), asked once per request
    for the ETag and Last-Modified both; an unknown slug is a 404 here already."""

    def newest() -> dt.datetime | None:
        agreements = list(selectors.published_register(_published(slug)))
        times = [agreement.updated_at for agreement in agreements] + [
            party.updated_at for agreement in agreements for party in agreement.parties.all()
        ]
        return max(times, default=None)

    return memoised(("governance-open-data-changed", slug), newest)


def _last_modified(request: HttpRequest, slug: str, extension: str) -> dt.datetime | None:
    return _changed_at(slug)


def _etag(request: HttpRequest, slug: str, extension: str) -> str | None:
    changed = _changed_at(slug)
    # The day too: an agreement stops being in force when its end date passes, with no change to any row.
    today = timezone.localdate().isoformat()
    return None if changed is None else f"{slug}-agreements-{extension}-{today}-{changed.timestamp():.6f}"


def _summary(agreement: SharingAgreement) -> dict[str, Any]:
    """What the public sees of an agreement: no person's name (not even its signatories)."""
    return {
        "title": agreement.title,
        "parties": [party.organisation.name for party in agreement.parties.all()],
        "purpose": agreement.purpose,
        "status": agreement.get_status_display(),
        # Its status is its lifecycle's; whether it lets anyone share today is this (an end date passed).
        "in_force": agreement.in_force_on(timezone.localdate()),
        "starts_on": agreement.starts_on.isoformat() if agreement.starts_on else None,
        "review_on": agreement.review_on.isoformat() if agreement.review_on else None,
        "ends_on": agreement.ends_on.isoformat() if agreement.ends_on else None,
    }


def _as_json(partnership: Partnership, summaries: list[dict[str, Any]]) -> HttpResponse:
    return JsonResponse(
        {
            "partnership": partnership.name,
            "licence": licence_json(),
            "attribution": attribution(partnership.name),
            "agreements": summaries,
        },
        json_dumps_params={"ensure_ascii": False},
    )


def _as_csv(partnership: Partnership, summaries: list[dict[str, Any]]) -> HttpResponse:
    return csv_response(
        ["Title", "Parties", "Purpose", "Status", "In force today", "Starts", "Review date", "Ends"],
        (
            [
                summary["title"],
                "; ".join(summary["parties"]),
                summary["purpose"],
                summary["status"],
                "Yes" if summary["in_force"] else "No",
                summary["starts_on"] or "",
                summary["review_on"] or "",
                summary["ends_on"] or "",
            ]
            for summary in summaries
        ),
        filename=f"{partnership.slug} information sharing agreements",
    )


@require_safe
@condition(etag_func=_etag, last_modified_func=_last_modified)
def register_open_data(request: HttpRequest, slug: str, extension: str) -> HttpResponse:
    """The register in summary, public under the Open Government Licence: every agreement past its
    drafting (signed, active, due for review or terminated), with its parties, purpose, status and dates."""
    partnership = _published(slug)
    summaries = [_summary(agreement) for agreement in selectors.published_register(partnership)]
    return published((_as_json if extension == "json" else _as_csv)(partnership, summaries))
