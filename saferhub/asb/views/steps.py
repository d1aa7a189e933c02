"""The incremental approach with a perpetrator: the steps (each allowed now, or why not) and those taken,
taking one, recording a conviction and a step's outcome.

A case the person may not see, or whose enforcement and perpetrators its agreements do not share with
their organisation, is a 404. A step the law does not allow now is re-shown (400) with the guard's reason.
"""

from typing import Any
from uuid import UUID

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone

from saferhub.accounts.requests import SignedInRequest
from saferhub.asb.forms.steps import ConvictionForm, OutcomeForm, StepForm
from saferhub.asb.letters import LETTER_STAGES
from saferhub.asb.models import CaseParty
from saferhub.asb.selectors import steps as step_records
from saferhub.asb.services import steps as step_services
from saferhub.asb.workflows import CaseRefused
from saferhub.audit.services import audit_record_viewed
from saferhub.design_system.filters import govuk_date
from saferhub.design_system.views import posted
from saferhub.partnerships.models import Partnership
from saferhub.partnerships.permissions import require_permission
from saferhub.partnerships.selectors import partnership_for

WORK_CASE = "asb.work_case"


def _steps_url(case_party: CaseParty) -> str:
    case = case_party.case
    return reverse("asb:step-new", args=[case.partnership.slug, case.public_id, case_party.public_id])


def _breadcrumbs(partnership: Partnership, case_party: CaseParty) -> list[dict[str, str]]:
    case = case_party.case
    return [
        {"text": partnership.name, "href": reverse("partnerships:partnership", args=[partnership.slug])},
        {"text": "Cases", "href": reverse("asb:cases", args=[partnership.slug])},
        {"text": case.reference, "href": reverse("asb:case", args=[partnership.slug, case.public_id])},
    ]


def _perpetrator(request: SignedInRequest, slug: str, case_id: UUID, case_party_id: UUID) -> CaseParty:
    """The perpetrator, for someone who works the case and sees its enforcement (404 otherwise); a view
    of their details is audited."""
    partnership = partnership_for(request.user, slug)
    case_party, _ = step_records.perpetrator_for(request.user, partnership, case_id, case_party_id)
    require_permission(request.user, WORK_CASE, case_party)
    if request.method == "GET":
        audit_record_viewed(actor=request.user, target=case_party)
    return case_party


def _facts(case_party: CaseParty) -> list[tuple[str, str]]:
    party = case_party.party
    facts = [
        ("Perpetrator", party.name),
        ("Kind", party.get_kind_display()),
        ("Date of birth", govuk_date(party.date_of_birth) if party.date_of_birth else "Not known"),
        ("Current step", case_party.get_stage_display()),
    ]
    if case_party.stage_since:
        facts.append(("Since", govuk_date(case_party.stage_since)))
    if case_party.stage_due_on:
        facts.append(("Deadline", govuk_date(case_party.stage_due_on)))
    if case_party.convicted_on:
        facts.append(("Convicted on", govuk_date(case_party.convicted_on)))
    return facts


def _common(partnership: Partnership, case_party: CaseParty) -> dict[str, Any]:
    return {
        "partnership": partnership,
        "case_party": case_party,
        "facts": _facts(case_party),
        "caption": f"{case_party.case.reference}: {case_party.party.name}",
        "breadcrumbs": _breadcrumbs(partnership, case_party),
    }


def _form_page(request: SignedInRequest, form: forms.Form, **context: Any) -> HttpResponse:
    """One form about the perpetrator, under what it rests on; re-shown (400) with its errors."""
    return render(
        request,
        "asb/steps/step.html",
        {"form": form, **context},
        status=400 if form.is_bound and form.errors else 200,
    )


@login_required
def step_new(request: SignedInRequest, slug: str, case_id: UUID, case_party_id: UUID) -> HttpResponse:
    """GET: the steps, each allowed today or why not, and the steps taken; with ?step=<name>, the form to
    take that one. POST: take the step."""
    case_party = _perpetrator(request, slug, case_id, case_party_id)
    partnership = case_party.case.partnership
    today = timezone.localdate()
    step = (request.POST if request.method == "POST" else request.GET).get("step", "")
    choosable = (*step_records.STEP_NAMES, step_records.RESOLVE)
    if request.method == "GET" and step not in choosable:
        return render(
            request,
            "asb/steps/steps.html",
            {
                **_common(partnership, case_party),
                "options": step_records.step_options(case_party, today),
                "resolve_url": f"{_steps_url(case_party)}?step={step_records.RESOLVE}",
                "taken": step_records.steps_taken(case_party),
                "letter_stages": LETTER_STAGES,
                "step_label": step_records.step_label,
            },
        )
    default_due_on = step_records.default_due_on(case_party, step, today) if step in choosable else None
    form = StepForm(posted(request), step=step, default_due_on=default_due_on)
    if request.method == "POST" and form.is_valid():
        try:
            if step == step_records.RESOLVE:
                step_services.resolve(
                    actor=request.user, case_party=case_party, comment=form.cleaned_data["comment"]
                )
            else:
                step_services.step_take(
                    actor=request.user,
                    case_party=case_party,
                    step=step,
                    issued_on=form.cleaned_data["issued_on"],
                    due_on=form.cleaned_data.get("due_on"),
                    comment=form.cleaned_data["comment"],
                )
        except CaseRefused as refusal:
            form.add_error(None, str(refusal))
        else:
            messages.success(
                request, f"{step_records.step_label(step)}: recorded for {case_party.party.name}"
            )
            return redirect(_steps_url(case_party))
    refusal_today = (
        step_records.step_refusal(case_party, step, issued_on=today, due_on=default_due_on)
        if step in choosable and not form.errors
        else ""
    )
    return _form_page(
        request,
        form,
        title=step_records.step_label(step) if step in choosable else "Take a step",
        submit_text="Record the step",
        cancel_url=_steps_url(case_party),
        refusal_today=refusal_today,
        **_common(partnership, case_party),
    )


@login_required
def conviction(request: SignedInRequest, slug: str, case_id: UUID, case_party_id: UUID) -> HttpResponse:
    case_party = _perpetrator(request, slug, case_id, case_party_id)
    form = ConvictionForm(posted(request), initial={"convicted_on": case_party.convicted_on})
    if request.method == "POST" and form.is_valid():
        try:
            step_services.conviction_record(
                actor=request.user, case_party=case_party, convicted_on=form.cleaned_data["convicted_on"]
            )
        except CaseRefused as refusal:
            form.add_error(None, str(refusal))
        else:
            messages.success(request, f"Conviction recorded for {case_party.party.name}")
            return redirect(_steps_url(case_party))
    return _form_page(
        request,
        form,
        title="Record a conviction",
        submit_text="Record the conviction",
        cancel_url=_steps_url(case_party),
        **_common(case_party.case.partnership, case_party),
    )


@login_required
def step_outcome(request: SignedInRequest, slug: str, case_id: UUID, intervention_id: UUID) -> HttpResponse:
    partnership = partnership_for(request.user, slug)
    intervention = step_records.intervention_for(request.user, partnership, case_id, intervention_id)
    case_party = intervention.case_party
    require_permission(request.user, WORK_CASE, case_party)
    if request.method == "GET":
        audit_record_viewed(actor=request.user, target=intervention)
    form = OutcomeForm(posted(request), initial={"outcome": intervention.outcome})
    if request.method == "POST" and form.is_valid():
        try:
            step_services.step_outcome_record(
                actor=request.user, intervention=intervention, outcome=form.cleaned_data["outcome"]
            )
        except CaseRefused as refusal:
            form.add_error(None, str(refusal))
        else:
            messages.success(request, "Outcome recorded")
            return redirect(_steps_url(case_party))
    return _form_page(
        request,
        form,
        title=f"Outcome of the {step_records.step_label(intervention.kind).lower()} of "
        f"{govuk_date(intervention.issued_on)}",
        submit_text="Record the outcome",
        cancel_url=_steps_url(case_party),
        **_common(partnership, case_party),
    )
