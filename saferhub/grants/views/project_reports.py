"""Funded projects' quarterly reports: the managers open a quarter and decide the reports, the project fills
them in. The pages of the reporting rounds' second kind of return, the same shape as the theme leads'
(performance/views.py), sharing their pieces of page (reporting/_return_macros.html)."""

from functools import partial
from typing import Any
from uuid import UUID

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone

from saferhub.accounts.requests import SignedInRequest
from saferhub.audit.services import audit_record_viewed
from saferhub.design_system.views import form_page, posted
from saferhub.grants import selectors, services
from saferhub.grants.forms import project_reports as forms
from saferhub.grants.models import ProjectReturn, ProjectReturnSection
from saferhub.grants.returns import PROJECT_RETURN
from saferhub.grants.selectors import reports as reports_selectors
from saferhub.partnerships.models import Partnership
from saferhub.partnerships.permissions import require_permission
from saferhub.partnerships.selectors import partnership_for
from saferhub.reporting import selectors as reporting_selectors
from saferhub.reporting import services as reporting
from saferhub.reporting.forms import QuarterOpenForm
from saferhub.reporting.models import ReturnStatus
from saferhub.reporting.views import return_decide_page
from saferhub.workflow.definitions import TransitionRefused

MANAGE = "grants.manage"
# How the shared forms and pages word this kind: whose a report is.
NOUN, OWNER = "report", "the project"


def _report_url(slug: str, project_return: ProjectReturn) -> str:
    return reverse("grants:report", args=[slug, project_return.public_id])


def _my_report_url(project_return: ProjectReturn) -> str:
    return reverse("grants:my-report", args=[project_return.public_id])


def _report_context(project_return: ProjectReturn) -> dict[str, Any]:
    """What every page of one report shows of it: its answers beside what the project promised, its steps."""
    return {
        "report": project_return,
        "round": project_return.reporting_round,
        "application": project_return.award.application,
        "figures": reports_selectors.report_figures(project_return),
        "spend": reports_selectors.report_spend(project_return),
        "steps": project_return.steps.select_related("actor"),
        "sections": reporting_selectors.section_names(PROJECT_RETURN),
        "today": timezone.localdate(),
    }


# --- The partnership's managers -------------------------------------------------------------------


def _managers_breadcrumbs(partnership: Partnership, fund: Any) -> list[dict[str, str]]:
    return [
        {"text": partnership.name, "href": reverse("partnerships:partnership", args=[partnership.slug])},
        {"text": "Funding", "href": reverse("grants:index", args=[partnership.slug])},
        {"text": fund.name, "href": reverse("grants:fund", args=[partnership.slug, fund.public_id])},
    ]


def _managed_report(request: SignedInRequest, slug: str, project_return_id: UUID) -> ProjectReturn:
    """A report of the partnership's, as its managers alone know it: anyone else is told it does not exist."""
    partnership = partnership_for(request.user, slug)
    project_return: ProjectReturn = reporting_selectors.return_in(
        PROJECT_RETURN, request.user, partnership, project_return_id
    )
    return project_return


@login_required
def reports_open(request: SignedInRequest, slug: str, fund_id: UUID) -> HttpResponse:
    partnership = partnership_for(request.user, slug)
    fund = selectors.fund_in(partnership, fund_id)
    require_permission(request.user, MANAGE, fund)
    form = QuarterOpenForm(
        request.POST or None,
        existing=forms.existing_quarter(fund),
        initial={"financial_year": fund.financial_year},
        noun="reports",
        owner=OWNER,
        added_since="projects started since",
    )
    if request.method == "POST" and form.is_valid():
        try:
            reporting_round, opened = services.project_returns_open(
                actor=request.user, fund=fund, **form.cleaned_data
            )
        except TransitionRefused as refusal:
            form.add_error(None, str(refusal))
        else:
            messages.success(request, f"{reporting_round.label}: {len(opened)} project reports opened")
            return redirect("grants:report-round", slug=slug, report_round_id=reporting_round.public_id)
    return form_page(
        request,
        form,
        title="Open a quarter’s project reports",
        caption=fund.name,
        intro=(
            "A report opens for each project of the fund that is running (its offer accepted), addressed to "
            "the person who applied. Opening the same quarter again adds reports only for projects started "
            "since."
        ),
        submit_text="Open the reports",
        cancel_url=reverse("grants:fund", args=[slug, fund.public_id]),
        partnership=partnership,
        breadcrumbs=_managers_breadcrumbs(partnership, fund),
    )


@login_required
def report_round(request: SignedInRequest, slug: str, report_round_id: UUID) -> HttpResponse:
    partnership = partnership_for(request.user, slug)
    reporting_round = reporting_selectors.round_in(PROJECT_RETURN, partnership, report_round_id)
    require_permission(request.user, MANAGE, reporting_round)
    return render(
        request,
        "grants/reports/round.html",
        {
            "partnership": partnership,
            "round": reporting_round,
            "returns": reports_selectors.report_round_returns(request.user, reporting_round),
            "today": timezone.localdate(),
            "breadcrumbs": _managers_breadcrumbs(partnership, reporting_round.fund),
        },
    )


@login_required
def report_detail(request: SignedInRequest, slug: str, project_return_id: UUID) -> HttpResponse:
    """The report as the project sent it, set against what it promised: every view of it is audited."""
    project_return = _managed_report(request, slug, project_return_id)
    audit_record_viewed(actor=request.user, target=project_return)
    partnership = project_return.reporting_round.partnership
    return render(
        request,
        "grants/reports/report.html",
        {
            "partnership": partnership,
            "can_decide": request.user.has_perm(MANAGE, project_return)
            and project_return.status == ReturnStatus.SUBMITTED,
            "breadcrumbs": [
                *_managers_breadcrumbs(partnership, project_return.reporting_round.fund),
                {
                    "text": f"{project_return.reporting_round.label} reports",
                    "href": reverse(
                        "grants:report-round", args=[slug, project_return.reporting_round.public_id]
                    ),
                },
            ],
            **_report_context(project_return),
        },
    )


@login_required
def report_decide(request: SignedInRequest, slug: str, project_return_id: UUID) -> HttpResponse:
    project_return = _managed_report(request, slug, project_return_id)
    require_permission(request.user, MANAGE, project_return)
    report_url = _report_url(slug, project_return)
    partnership = project_return.reporting_round.partnership
    return return_decide_page(
        request,
        record=project_return,
        noun=NOUN,
        owner=OWNER,
        accept=partial(services.project_return_accept, actor=request.user, project_return=project_return),
        accepted_message="Report accepted: its spend now counts in the fund’s figures",
        sent_back_message="Report returned to the project, who has been emailed",
        return_url=report_url,
        title="Accept the report, or return it",
        caption=f"{project_return.award.application.title}: {project_return.reporting_round.label} report",
        intro=(
            "Accepting it records its spend against the project’s budget. Returning it emails the project "
            "your comment."
        ),
        submit_text="Save the decision",
        partnership=partnership,
        breadcrumbs=[
            *_managers_breadcrumbs(partnership, project_return.reporting_round.fund),
            {"text": str(project_return), "href": report_url},
        ],
    )


# --- The project's people -------------------------------------------------------------------------

SECTION_FORMS: dict[ProjectReturnSection, Any] = {
    ProjectReturnSection.PROGRESS: forms.ProgressForm,
    ProjectReturnSection.FIGURES: forms.FiguresForm,
    ProjectReturnSection.SPEND: forms.SpendForm,
    ProjectReturnSection.CASE_STUDY: forms.CaseStudyForm,
    ProjectReturnSection.RISKS: forms.RisksForm,
}

SECTION_INTROS = {
    ProjectReturnSection.PROGRESS: "What the project did this quarter towards the outcomes it promised.",
    ProjectReturnSection.FIGURES: "This quarter’s figure for the measure of each outcome promised.",
    ProjectReturnSection.SPEND: (
        "What the project spent this quarter on each line of its budget. The partnership records it "
        "once it accepts the report."
    ),
    ProjectReturnSection.CASE_STUDY: "One story that shows what the project changed this quarter.",
    ProjectReturnSection.RISKS: "What stands in the way, and what the partnership can do to help.",
}
# A section with nothing to ask of this project (no outcomes, or no budget lines) says so.
SECTION_EMPTY = {
    ProjectReturnSection.FIGURES: "The project promised no outcomes: save to mark this section complete.",
    ProjectReturnSection.SPEND: "The project has no budget lines: save to mark this section complete.",
}


def _projects_breadcrumbs(project_return: ProjectReturn) -> list[dict[str, str]]:
    return [
        {"text": "Applying for funding", "href": reverse("grants:apply-home")},
        {"text": str(project_return), "href": _my_report_url(project_return)},
    ]


@login_required
def my_report(request: SignedInRequest, project_return_id: UUID) -> HttpResponse:
    """The report's task list while the project can change it; once sent, its answers and where it is."""
    project_return = reports_selectors.project_return_of_applicant(request.user, project_return_id)
    return render(
        request,
        "grants/reports/my_report.html",
        {
            "breadcrumbs": _projects_breadcrumbs(project_return)[:1],
            **_report_context(project_return),
        },
    )


@login_required
def my_report_section(request: SignedInRequest, project_return_id: UUID, section: str) -> HttpResponse:
    """One section of the report: saved, it is complete, and the person goes back to the task list."""
    project_return = reports_selectors.project_return_of_applicant(request.user, project_return_id)
    part = ProjectReturnSection(section)
    if not project_return.is_editable:
        messages.info(
            request, f"This report is {project_return.get_status_display().lower()}: it cannot be changed"
        )
        return redirect(_my_report_url(project_return))
    form = SECTION_FORMS[part](posted(request), project_return=project_return)
    if request.method == "POST" and form.is_valid():
        try:
            services.project_return_section_save(
                actor=request.user, project_return=project_return, section=part, values=form.values()
            )
        except TransitionRefused as refusal:
            form.add_error(None, str(refusal))
        else:
            messages.success(request, f"‘{part.label}’ saved")
            return redirect(_my_report_url(project_return))
    return form_page(
        request,
        form,
        title=part.label,
        caption=str(project_return),
        intro=SECTION_EMPTY[part] if part in SECTION_EMPTY and not form.fields else SECTION_INTROS[part],
        submit_text="Save and come back later",
        cancel_url=_my_report_url(project_return),
        breadcrumbs=_projects_breadcrumbs(project_return),
    )


@login_required
def my_report_check(request: SignedInRequest, project_return_id: UUID) -> HttpResponse:
    """Check your answers; POST submits the report, or shows why it cannot be and changes nothing."""
    project_return = reports_selectors.project_return_of_applicant(request.user, project_return_id)
    problem = ""
    if request.method == "POST":
        try:
            reporting.return_submit(actor=request.user, record=project_return)
        except TransitionRefused as refusal:
            problem = str(refusal)
        else:
            messages.success(request, "Report submitted to the partnership")
            return redirect(_my_report_url(project_return))
    return render(
        request,
        "grants/reports/my_report_check.html",
        {
            "missing": reporting.missing_sections(project_return) if project_return.is_editable else [],
            "problem": problem,
            "breadcrumbs": _projects_breadcrumbs(project_return),
            **_report_context(project_return),
        },
        status=400 if problem else 200,
    )
