"""The partnership's funding pages: its funds and what their money is doing, and each fund's rounds. And the
pages of the people applying for funding, outside any partnership: the open rounds, and their organisations'
applications, filled in section by section, checked and submitted."""

from typing import Any
from uuid import UUID

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone

from saferhub.accounts.requests import SignedInRequest
from saferhub.design_system.filters import figure_text
from saferhub.design_system.views import form_page, posted
from saferhub.grants import checks, selectors, services
from saferhub.grants.forms import applying as forms
from saferhub.grants.models import Application, ApplicationSection, ApplicationStatus
from saferhub.grants.selectors import applicant_awards as award_selectors
from saferhub.grants.views.applicant_awards import withdraw_refusal
from saferhub.grants.workflows import GrantRefused

# Applying for funding


def _application_url(application: Application) -> str:
    return reverse("grants:application", args=[application.public_id])


def _applying_breadcrumbs() -> list[dict[str, str]]:
    return [{"text": "Applying for funding", "href": reverse("grants:apply-home")}]


@login_required
def apply_home(request: SignedInRequest) -> HttpResponse:
    return render(
        request,
        "grants/apply_home.html",
        {
            "applications": selectors.applications_of_applicant(request.user).order_by("-created_at"),
            "awards": award_selectors.awards_with_next_steps(request.user),
            "rounds": selectors.rounds_open(),
            "organisations": selectors.organisations_of_applicant(request.user),
        },
    )


@login_required
def apply_round(request: SignedInRequest, grant_round_id: UUID) -> HttpResponse:
    """The round as an applicant reads it; POST starts an application to it."""
    grant_round = selectors.round_for_applicants(grant_round_id)
    form = forms.StartForm(
        posted(request),
        organisations=selectors.organisations_of_applicant(request.user),
    )
    if request.method == "POST" and form.is_valid():
        try:
            application = services.application_start(
                actor=request.user,
                grant_round=grant_round,
                organisation=form.cleaned_data["organisation"],
                title=form.cleaned_data["title"],
            )
        except GrantRefused as refusal:
            form.add_error(None, str(refusal))
        else:
            messages.success(request, f"Application ‘{application.title}’ started")
            return redirect(_application_url(application))
    return render(
        request,
        "grants/apply_round.html",
        {
            "round": grant_round,
            "fund": grant_round.fund,
            "criteria": grant_round.criteria.all(),
            "form": form,
            "is_open": timezone.now() < grant_round.closes_at,
        },
        status=400 if form.errors else 200,
    )


def answers_context(application: Application) -> dict[str, Any]:
    """What the answers' summary lists (grants/_answers.html) show of the application."""
    return {
        "application": application,
        "completed": set(application.sections_completed),
        "organisation_answers": [
            (label, application.answers.get(key, "")) for key, label in forms.ORGANISATION_ANSWERS
        ],
        "priorities": application.priorities.all(),
        "themes": application.themes.all(),
        "outcomes": [
            (outcome, figure_text(outcome.target, grouped=True)) for outcome in application.outcomes.all()
        ],
        "budget_lines": list(application.budget_lines.all()),
        "match_funding": application.match_funding.all(),
        "questions": [
            (number, question, application.answers.get(forms.question_key(number), ""))
            for number, question in enumerate(application.grant_round.questions, start=1)
        ],
    }


@login_required
def application_detail(request: SignedInRequest, application_id: UUID) -> HttpResponse:
    """A draft's task list; once submitted, its answers as sent, with where it has got to."""
    application = selectors.application_of_applicant(request.user, application_id)
    return render(
        request,
        "grants/application.html",
        {
            "sections": ApplicationSection.choices,
            "is_draft": application.status == ApplicationStatus.DRAFT,
            "submitted": application.status == ApplicationStatus.SUBMITTED,
            "can_withdraw": not withdraw_refusal(application),
            "award": award_selectors.award_of_application(application),
            "breadcrumbs": _applying_breadcrumbs(),
            **answers_context(application),
        },
    )


SECTION_INTROS = {
    ApplicationSection.ORGANISATION: "Who is applying: the partnership checks the organisation is eligible.",
    ApplicationSection.PROJECT: "What the project will do, when, and how much it asks for.",
    ApplicationSection.PRIORITIES: (
        "The priorities of the partnership's plan that the project will help deliver: the assessors score "
        "how well it fits them."
    ),
    ApplicationSection.OUTCOMES: (
        "What will change because of the project, how you will measure it and the number you aim for. "
        "Up to 5; leave the rows you do not need blank."
    ),
    ApplicationSection.BUDGET: (
        "What the money will be spent on, line by line. Up to 8; leave the rows you do not need blank. "
        "The lines must add up to the amount the project asks for."
    ),
    ApplicationSection.MATCH_FUNDING: (
        "Money the project has from elsewhere, and whether it is confirmed. Up to 4; if there is none, "
        "leave every row blank and save."
    ),
    ApplicationSection.QUESTIONS: "The round's own questions.",
}


# The form of each section of the task list; the priorities' also takes the choices the fund's plans give.
SECTION_FORMS: dict[ApplicationSection, Any] = {
    ApplicationSection.ORGANISATION: forms.OrganisationForm,
    ApplicationSection.PROJECT: forms.ProjectForm,
    ApplicationSection.PRIORITIES: forms.PrioritiesForm,
    ApplicationSection.OUTCOMES: forms.OutcomesForm,
    ApplicationSection.BUDGET: forms.BudgetForm,
    ApplicationSection.MATCH_FUNDING: forms.MatchFundingForm,
    ApplicationSection.QUESTIONS: forms.QuestionsForm,
}


def _section_form(section: ApplicationSection, application: Application, data: Any) -> Any:
    extra: dict[str, Any] = {"application": application}
    if section == ApplicationSection.PRIORITIES:
        extra["choices"] = selectors.plan_choices_for(application.grant_round.fund)
    return SECTION_FORMS[section](data, **extra)


@login_required
def application_section(request: SignedInRequest, application_id: UUID, section: str) -> HttpResponse:
    """One section of the task list: saved, it is complete, and the person goes back to the list."""
    application = selectors.application_of_applicant(request.user, application_id)
    part = ApplicationSection(section)
    if request.method != "POST" and application.status != ApplicationStatus.DRAFT:
        # Saving would be refused (the service says why): back to the answers as they were sent.
        messages.info(
            request, f"This application is {application.get_status_display().lower()}: it cannot be changed"
        )
        return redirect(_application_url(application))
    form = _section_form(part, application, posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            services.application_section_save(
                actor=request.user, application=application, section=part, values=form.values()
            )
        except GrantRefused as refusal:
            form.add_error(None, str(refusal))
        else:
            messages.success(request, f"‘{part.label}’ saved")
            return redirect(_application_url(application))
    intro = SECTION_INTROS[part]
    if part == ApplicationSection.PRIORITIES and not form.priority_of:
        intro = forms.NO_PRIORITIES
    if part == ApplicationSection.QUESTIONS and not application.grant_round.questions:
        intro = "This round asks no questions of its own: save to mark this section complete."
    return form_page(
        request,
        form,
        title=part.label,
        caption=application.title,
        intro=intro,
        submit_text="Save and go back to the application",
        cancel_url=_application_url(application),
        breadcrumbs=[
            *_applying_breadcrumbs(),
            {"text": application.title, "href": _application_url(application)},
        ],
    )


@login_required
def application_check(request: SignedInRequest, application_id: UUID) -> HttpResponse:
    """Check your answers; POST submits the application, or shows why it cannot be and changes nothing."""
    application = selectors.application_of_applicant(request.user, application_id)
    problem = ""
    if request.method == "POST":
        try:
            services.application_submit(actor=request.user, application=application)
        except GrantRefused as refusal:
            problem = str(refusal)
        else:
            return redirect(_application_url(application))
    is_draft = application.status == ApplicationStatus.DRAFT
    return render(
        request,
        "grants/application_check.html",
        {
            "is_draft": is_draft,
            "missing": checks.missing_sections(application) if is_draft else [],
            "problem": problem,
            "breadcrumbs": [
                *_applying_breadcrumbs(),
                {"text": application.title, "href": _application_url(application)},
            ],
            **answers_context(application),
        },
        status=400 if problem else 200,
    )
