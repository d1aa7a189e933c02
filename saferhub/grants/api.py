"""Funding in the JSON API, read and written as the funding pages do.

Under `/partnerships/{slug}/`, the partnership's people: everyone who can see the partnership reads its
funds (their totals to the penny), their rounds (with the criteria and weights) and the awards made, as
the fund pages show them; the managers, and a round's assessors, read its submitted applications (reading
one is audited); the managers read and fill in the projects' quarterly reports.

An applicant organisation's members belong to no partnership, so their token reaches their own records
under `/funding/`, as their pages do: their organisations' applications, awards and reports, and the
figures of a report while it is theirs to fill in. Anyone else's record is a 404. Money is whole pence.
"""

import datetime as dt
import json
from decimal import Decimal
from typing import Any
from uuid import UUID

from django.db.models import QuerySet
from django.http import Http404, HttpRequest
from django.utils import timezone
from ninja import Field, Router, Schema
from ninja.errors import HttpError

from saferhub.audit.services import audit_record_viewed
from saferhub.core.api_schemas import PartnershipSlug, answers
from saferhub.design_system.filters import figure_text
from saferhub.grants import selectors, services
from saferhub.grants.forms.project_reports import FiguresForm
from saferhub.grants.models import (
    Application,
    Award,
    Fund,
    GrantRound,
    ProjectReturn,
    ProjectReturnSection,
)
from saferhub.grants.money import AwardMoney
from saferhub.grants.returns import PROJECT_RETURN
from saferhub.grants.selectors import api as api_selectors
from saferhub.grants.selectors.applicant_awards import award_of_applicant, awards_of_applicant
from saferhub.grants.selectors.awards import award_in
from saferhub.grants.selectors.reports import project_return_of_applicant, project_returns_of_applicant
from saferhub.partnerships.selectors import partnership_for
from saferhub.reporting import selectors as reporting
from saferhub.workflow.definitions import TransitionRefused

router = Router(tags=["funding"])

# --- Funds and rounds -----------------------------------------------------------------------------


class FundOut(Schema):
    id: UUID
    name: str
    funder: str
    accountable_body: str
    financial_year: int = Field(description="The year the financial year starts: 2026 for 2026/27")
    total_pence: int
    committed_pence: int = Field(description="Held by awards: as offered and varied, less claw-backs")
    paid_pence: int
    spent_pence: int = Field(description="Spent, as the projects' accepted reports say")
    clawed_back_pence: int
    remaining_pence: int = Field(description="Left to offer: the total less what is committed")


class RoundOut(Schema):
    id: UUID
    title: str
    opens_at: dt.datetime
    closes_at: dt.datetime
    max_award_pence: int
    pass_mark_percent: int


class FundDetailOut(FundOut):
    rounds: list[RoundOut]


class GrantRoundOut(RoundOut):
    fund_id: UUID
    fund: str
    status: api_selectors.RoundStatus = Field(
        description="upcoming (not open yet), open (taking applications) or closed"
    )


class CriterionOut(Schema):
    name: str
    guidance: str
    weight: int = Field(description="What a score of this criterion is multiplied by in the total")
    max_score: int = Field(description="Scored from 0 to this")


class GrantRoundDetailOut(GrantRoundOut):
    eligibility: str
    questions: list[str]
    criteria: list[CriterionOut]


def _fund_out(fund: Fund) -> dict[str, Any]:
    money = selectors.fund_money(fund)
    return {
        "id": fund.public_id,
        "name": fund.name,
        "funder": fund.funder,
        "accountable_body": fund.accountable_body,
        "financial_year": fund.financial_year,
        "total_pence": money.total,
        "committed_pence": money.committed,
        "paid_pence": money.paid,
        "spent_pence": money.spent,
        "clawed_back_pence": money.clawed_back,
        "remaining_pence": money.remaining,
    }


def _round_out(grant_round: GrantRound) -> dict[str, Any]:
    return {
        "id": grant_round.public_id,
        "title": grant_round.title,
        "opens_at": grant_round.opens_at,
        "closes_at": grant_round.closes_at,
        "max_award_pence": grant_round.max_award_pence,
        "pass_mark_percent": grant_round.pass_mark_percent,
        "fund_id": grant_round.fund.public_id,
        "fund": grant_round.fund.name,
        "status": api_selectors.round_status(grant_round, timezone.now()),
    }


@router.get("/partnerships/{slug}/funds", response=answers(list[FundOut], 404, 422))
def fund_list(request: HttpRequest, slug: PartnershipSlug) -> list[dict[str, Any]]:
    """The partnership's funds with their money, in whole pence."""
    return [_fund_out(fund) for fund in selectors.funds_of(partnership_for(request.user, slug))]


@router.get("/partnerships/{slug}/funds/{fund_id}", response=answers(FundDetailOut, 404, 422))
def fund_detail(request: HttpRequest, slug: PartnershipSlug, fund_id: UUID) -> dict[str, Any]:
    """A fund with its money and its rounds."""
    fund = selectors.fund_in(partnership_for(request.user, slug), fund_id)
    return {**_fund_out(fund), "rounds": [_round_out(r) for r in selectors.rounds_of(fund)]}


@router.get("/partnerships/{slug}/rounds", response=answers(list[GrantRoundOut], 404, 422))
def round_list(request: HttpRequest, slug: PartnershipSlug) -> list[dict[str, Any]]:
    """The rounds of every fund of the partnership, the latest to open first."""
    return [_round_out(r) for r in api_selectors.rounds_of_partnership(partnership_for(request.user, slug))]


@router.get("/partnerships/{slug}/rounds/{grant_round_id}", response=answers(GrantRoundDetailOut, 404, 422))
def round_detail(request: HttpRequest, slug: PartnershipSlug, grant_round_id: UUID) -> dict[str, Any]:
    """A round with who may apply, its questions, and the criteria applications are scored against."""
    grant_round = api_selectors.round_of_partnership(partnership_for(request.user, slug), grant_round_id)
    return {
        **_round_out(grant_round),
        "eligibility": grant_round.eligibility,
        "questions": [str(question) for question in grant_round.questions],
        "criteria": [
            {"name": c.name, "guidance": c.guidance, "weight": c.weight, "max_score": c.max_score}
            for c in grant_round.criteria.all()
        ],
    }


# --- Applications ---------------------------------------------------------------------------------


class ApplicationOut(Schema):
    id: UUID
    round_id: UUID
    round: str
    organisation: str
    title: str
    status: str = Field(
        description="draft, submitted, ineligible, eligible, moderated, approved, rejected or withdrawn"
    )
    amount_requested_pence: int
    submitted_at: dt.datetime | None
    decision: str = Field(description="approve, approve_with_conditions or reject; empty until decided")
    decided_at: dt.datetime | None


class OutcomeOut(Schema):
    id: UUID
    text: str
    measure: str
    target: str = Field(description="The figure the project aims for, as a decimal number: '40'")


class BudgetLineOut(Schema):
    id: UUID
    item: str
    amount_pence: int


class ApplicationDetailOut(ApplicationOut):
    summary: str
    starts_on: dt.date | None
    ends_on: dt.date | None
    conditions: str = Field(description="The conditions of an approval with conditions")
    outcomes: list[OutcomeOut]
    budget: list[BudgetLineOut]


def _application_out(application: Application) -> dict[str, Any]:
    return {
        "id": application.public_id,
        "round_id": application.grant_round.public_id,
        "round": application.grant_round.title,
        "organisation": application.organisation.name,
        "title": application.title,
        "status": application.status,
        "amount_requested_pence": application.amount_requested_pence,
        "submitted_at": application.submitted_at,
        "decision": application.decision,
        "decided_at": application.decided_at,
    }


def _application_detail_out(application: Application) -> dict[str, Any]:
    return {
        **_application_out(application),
        "summary": application.summary,
        "starts_on": application.starts_on,
        "ends_on": application.ends_on,
        "conditions": application.conditions,
        "outcomes": [
            {"id": o.public_id, "text": o.text, "measure": o.measure, "target": figure_text(o.target)}
            for o in application.outcomes.all()
        ],
        "budget": [
            {"id": line.public_id, "item": line.item, "amount_pence": line.amount_pence}
            for line in application.budget_lines.all()
        ],
    }


@router.get("/partnerships/{slug}/applications", response=answers(list[ApplicationOut], 404, 422))
def application_list(request: HttpRequest, slug: PartnershipSlug) -> list[dict[str, Any]]:
    """The submitted applications you may see: every round's for a manager, your rounds' for an assessor
    (less any you declared a conflict with); none for anyone else."""
    partnership = partnership_for(request.user, slug)
    return [_application_out(a) for a in api_selectors.applications_visible_to(request.user, partnership)]


@router.get(
    "/partnerships/{slug}/applications/{application_id}", response=answers(ApplicationDetailOut, 404, 422)
)
def application_detail(request: HttpRequest, slug: PartnershipSlug, application_id: UUID) -> dict[str, Any]:
    """A submitted application, for the partnership's managers and its round's assessors. Audited."""
    partnership = partnership_for(request.user, slug)
    application = api_selectors.application_visible_to(request.user, partnership, application_id)
    audit_record_viewed(actor=request.user, target=application)
    return _application_detail_out(application)


@router.get("/funding/applications", response=answers(list[ApplicationOut]))
def applicant_application_list(request: HttpRequest) -> list[dict[str, Any]]:
    """Your organisations' applications, drafts too: for the people who apply for an organisation."""
    return [_application_out(a) for a in selectors.applications_of_applicant(request.user)]


@router.get("/funding/applications/{application_id}", response=answers(ApplicationDetailOut, 404, 422))
def applicant_application_detail(request: HttpRequest, application_id: UUID) -> dict[str, Any]:
    """One of your organisations' applications; any other is a 404."""
    return _application_detail_out(selectors.application_of_applicant(request.user, application_id))


# --- Awards ---------------------------------------------------------------------------------------


class InstalmentOut(Schema):
    id: UUID
    position: int
    amount_pence: int
    after_quarter: int | None = Field(
        description="Paid once this quarter's report is accepted; null: paid on acceptance"
    )
    paid_on: dt.date | None


class AwardOut(Schema):
    id: UUID
    application_id: UUID
    project: str
    organisation: str
    fund: str
    status: str = Field(description="offered, accepted, declined, final_report or closed")
    amount_pence: int = Field(description="As offered; approved variations change what is granted")
    respond_by: dt.date = Field(description="The offer lapses unless accepted by this date")
    granted_pence: int = Field(description="The offer and every approved variation")
    committed_pence: int = Field(description="What the award holds of the fund's money")
    paid_pence: int
    spent_pence: int = Field(description="Spent, as the project's accepted reports say")
    unspent_pence: int = Field(description="Paid and neither spent nor paid back")
    clawed_back_pence: int


class AwardDetailOut(AwardOut):
    instalments: list[InstalmentOut]


def _award_out(award: Award, money: AwardMoney) -> dict[str, Any]:
    return {
        "id": award.public_id,
        "application_id": award.application.public_id,
        "project": award.application.title,
        "organisation": award.application.organisation.name,
        "fund": award.application.grant_round.fund.name,
        "status": award.status,
        "amount_pence": award.amount_pence,
        "respond_by": award.respond_by,
        "granted_pence": money.granted,
        "committed_pence": money.committed,
        "paid_pence": money.paid,
        "spent_pence": money.spent,
        "unspent_pence": money.unspent,
        "clawed_back_pence": money.clawed_back,
    }


def _awards_out(awards: QuerySet[Award]) -> list[dict[str, Any]]:
    money = selectors.award_money_of(awards)
    return [_award_out(award, money[award.pk]) for award in awards]


def _award_detail_out(award: Award) -> dict[str, Any]:
    return {
        **_award_out(award, selectors.award_money(award)),
        "instalments": [
            {
                "id": i.public_id,
                "position": i.position,
                "amount_pence": i.amount_pence,
                "after_quarter": i.after_quarter,
                "paid_on": i.paid_on,
            }
            for i in award.instalments.all()
        ],
    }


@router.get("/partnerships/{slug}/awards", response=answers(list[AwardOut], 404, 422))
def award_list(request: HttpRequest, slug: PartnershipSlug) -> list[dict[str, Any]]:
    """The awards of the partnership's funds with their money, as the fund pages show them."""
    return _awards_out(api_selectors.awards_of_partnership(partnership_for(request.user, slug)))


@router.get("/partnerships/{slug}/awards/{award_id}", response=answers(AwardDetailOut, 404, 422))
def award_detail(request: HttpRequest, slug: PartnershipSlug, award_id: UUID) -> dict[str, Any]:
    """An award with its money and its payment schedule: the partnership's managers, as its page (anyone
    else is told it does not exist; the list of awards is what the fund's page shows to all its readers)."""
    award = award_in(partnership_for(request.user, slug), award_id)
    if not request.user.has_perm("grants.manage", award):
        raise Http404("No such award")
    return _award_detail_out(award)


@router.get("/funding/awards", response=answers(list[AwardOut]))
def applicant_award_list(request: HttpRequest) -> list[dict[str, Any]]:
    """The awards made to your organisations."""
    return _awards_out(awards_of_applicant(request.user).order_by("application__title"))


@router.get("/funding/awards/{award_id}", response=answers(AwardDetailOut, 404, 422))
def applicant_award_detail(request: HttpRequest, award_id: UUID) -> dict[str, Any]:
    """One of your organisations' awards with its payment schedule; any other is a 404."""
    return _award_detail_out(award_of_applicant(request.user, award_id))


# --- Funded projects' quarterly reports -----------------------------------------------------------


class SectionOut(Schema):
    name: str
    label: str
    completed: bool


class ProjectReturnOut(Schema):
    id: UUID
    award_id: UUID
    project: str
    organisation: str
    quarter: str = Field(description="The quarter of the fund's financial year: '2026/27 Q1'")
    due_on: dt.date
    status: str = Field(description="draft, submitted, returned (for changes) or accepted")
    sections: list[SectionOut]
    submitted_at: dt.datetime | None
    decided_at: dt.datetime | None


class FigureOut(Schema):
    outcome_id: UUID
    outcome: str
    measure: str
    target: str = Field(description="The figure the project aims for, as a decimal number: '40'")
    figure: str | None = Field(description="The measure's figure this quarter; null until it is given")


class SpendOut(Schema):
    budget_line_id: UUID
    item: str
    spent_pence: int | None = Field(description="Spent on the line this quarter; null until it is given")


class ProjectReturnDetailOut(ProjectReturnOut):
    progress: str
    figures: list[FigureOut]
    spend: list[SpendOut]
    case_study: str
    risks: str


class FiguresIn(Schema):
    figures: dict[str, Decimal] = Field(
        description="A figure for every outcome of the project, by the outcome's id: 12 or 12.5"
    )


def _return_out(project_return: ProjectReturn) -> dict[str, Any]:
    application = project_return.award.application
    return {
        "id": project_return.public_id,
        "award_id": project_return.award.public_id,
        "project": application.title,
        "organisation": application.organisation.name,
        "quarter": project_return.reporting_round.label,
        "due_on": project_return.reporting_round.due_on,
        "status": project_return.status,
        "sections": [
            {
                "name": section.name,
                "label": section.label,
                "completed": section.is_complete(project_return),
            }
            for section in PROJECT_RETURN.sections
        ],
        "submitted_at": project_return.submitted_at,
        "decided_at": project_return.decided_at,
    }


def _figures_out(project_return: ProjectReturn) -> list[dict[str, Any]]:
    return [
        {
            "outcome_id": outcome.public_id,
            "outcome": outcome.text,
            "measure": outcome.measure,
            "target": figure_text(outcome.target),
            "figure": project_return.figures.get(str(outcome.public_id)),
        }
        for outcome in project_return.award.application.outcomes.all()
    ]


def _return_detail_out(project_return: ProjectReturn) -> dict[str, Any]:
    return {
        **_return_out(project_return),
        "progress": project_return.progress,
        "figures": _figures_out(project_return),
        "spend": [
            {
                "budget_line_id": line.public_id,
                "item": line.item,
                "spent_pence": project_return.spend.get(str(line.public_id)),
            }
            for line in project_return.award.application.budget_lines.all()
        ],
        "case_study": project_return.case_study,
        "risks": project_return.risks,
    }


FIGURES_EXPECTED = 'Send JSON: {"figures": {"<outcome id>": 12, ...}}, a figure for every outcome'


def _figure_text(value: Any) -> str:
    """A figure as the form reads it: a number written out in full (never "1E+3"), anything else as sent."""
    if isinstance(value, Decimal | int) and not isinstance(value, bool):
        return figure_text(Decimal(value))
    return str(value)


def _figures_in(request: HttpRequest, project_return: ProjectReturn) -> dict[str, Any]:
    """The report's figures section from the body, checked by the page's own form (a figure for every
    outcome, each a number from 0), or a 422 that says what is wrong."""
    try:
        # Decimal, not float: a figure is kept exactly as sent ("0.1" stays 0.1; 1e-7 is not written "1e-07").
        body = json.loads(request.body or b"{}", parse_float=Decimal)
    except ValueError as error:
        raise HttpError(422, FIGURES_EXPECTED) from error
    figures = body.get("figures") if isinstance(body, dict) else None
    if not isinstance(figures, dict):
        raise HttpError(422, FIGURES_EXPECTED)
    outcomes = {str(outcome.public_id) for outcome in project_return.award.application.outcomes.all()}
    if unknown := sorted(set(figures) - outcomes):
        raise HttpError(422, f"'figures': not an outcome of this project: {', '.join(unknown)}")
    form = FiguresForm(
        {f"o_{UUID(key).hex}": _figure_text(value) for key, value in figures.items()},
        project_return=project_return,
    )
    if not form.is_valid():
        problems = [str(problem) for errors in form.errors.values() for problem in errors]
        raise HttpError(422, f"'figures': {'; '.join(problems)}")
    return form.values()


def _figures_save(request: HttpRequest, project_return: ProjectReturn) -> list[dict[str, Any]]:
    """Save the report's figures section as its page does: only while it is a draft or returned, by the
    project's people or the managers; a refusal is a 400 that says why."""
    values = _figures_in(request, project_return)
    try:
        services.project_return_section_save(
            actor=request.user,
            project_return=project_return,
            section=ProjectReturnSection.FIGURES,
            values=values,
        )
    except TransitionRefused as refusal:
        raise HttpError(400, str(refusal)) from refusal
    return _figures_out(project_return)


FIGURES_BODY = {
    "requestBody": {
        "content": {"application/json": {"schema": FiguresIn.model_json_schema()}},
        "required": True,
    }
}


def _project_return_of_partnership(request: HttpRequest, slug: str, project_return_id: UUID) -> ProjectReturn:
    """A report of one of the partnership's projects: its managers see them; anyone else gets a 404."""
    partnership = partnership_for(request.user, slug)
    project_return: ProjectReturn = reporting.return_in(
        PROJECT_RETURN, request.user, partnership, project_return_id
    )
    return project_return


@router.get("/partnerships/{slug}/project-returns", response=answers(list[ProjectReturnOut], 404, 422))
def project_return_list(request: HttpRequest, slug: PartnershipSlug) -> list[dict[str, Any]]:
    """The projects' quarterly reports, for the partnership's managers (none for anyone else)."""
    partnership = partnership_for(request.user, slug)
    return [
        _return_out(r)
        for r in reporting.returns_visible_to(PROJECT_RETURN, request.user, partnership).select_related(
            "award__application__organisation"
        )
    ]


@router.get(
    "/partnerships/{slug}/project-returns/{project_return_id}",
    response=answers(ProjectReturnDetailOut, 404, 422),
)
def project_return_detail(
    request: HttpRequest, slug: PartnershipSlug, project_return_id: UUID
) -> dict[str, Any]:
    """A project's report with every section, for the partnership's managers. Audited."""
    project_return = _project_return_of_partnership(request, slug, project_return_id)
    audit_record_viewed(actor=request.user, target=project_return)
    return _return_detail_out(project_return)


@router.get(
    "/partnerships/{slug}/project-returns/{project_return_id}/figures",
    response=answers(list[FigureOut], 404, 422),
)
def project_return_figures(
    request: HttpRequest, slug: PartnershipSlug, project_return_id: UUID
) -> list[dict[str, Any]]:
    """A report's figure for each outcome's measure, for the partnership's managers. Audited."""
    project_return = _project_return_of_partnership(request, slug, project_return_id)
    audit_record_viewed(actor=request.user, target=project_return)
    return _figures_out(project_return)


@router.put(
    "/partnerships/{slug}/project-returns/{project_return_id}/figures",
    response=answers(list[FigureOut], 400, 404, 422),
    openapi_extra=FIGURES_BODY,
)
def project_return_figures_save(
    request: HttpRequest, slug: PartnershipSlug, project_return_id: UUID
) -> list[dict[str, Any]]:
    """Send a report's figures, as JSON, while it is a draft or returned for changes: a manager may."""
    return _figures_save(request, _project_return_of_partnership(request, slug, project_return_id))


@router.get("/funding/project-returns", response=answers(list[ProjectReturnOut]))
def applicant_project_return_list(request: HttpRequest) -> list[dict[str, Any]]:
    """Your organisations' projects' quarterly reports."""
    return [
        _return_out(r)
        for r in project_returns_of_applicant(request.user).order_by(
            "-reporting_round__due_on", "award__application__title"
        )
    ]


@router.get(
    "/funding/project-returns/{project_return_id}", response=answers(ProjectReturnDetailOut, 404, 422)
)
def applicant_project_return_detail(request: HttpRequest, project_return_id: UUID) -> dict[str, Any]:
    """One of your projects' reports with every section; any other is a 404."""
    return _return_detail_out(project_return_of_applicant(request.user, project_return_id))


@router.get(
    "/funding/project-returns/{project_return_id}/figures", response=answers(list[FigureOut], 404, 422)
)
def applicant_project_return_figures(request: HttpRequest, project_return_id: UUID) -> list[dict[str, Any]]:
    """One of your projects' reports: its figure for each outcome's measure."""
    return _figures_out(project_return_of_applicant(request.user, project_return_id))


@router.put(
    "/funding/project-returns/{project_return_id}/figures",
    response=answers(list[FigureOut], 400, 404, 422),
    openapi_extra=FIGURES_BODY,
)
def applicant_project_return_figures_save(
    request: HttpRequest, project_return_id: UUID
) -> list[dict[str, Any]]:
    """Send your project's figures for a report, as JSON, while it is a draft or returned for changes."""
    return _figures_save(request, project_return_of_applicant(request.user, project_return_id))
