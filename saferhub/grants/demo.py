"""The demo's funding: the Leicester locality fund, a closed round with an application at every stage, and
an open round a new applicant can try. Everything goes through the services, as the partnership's manager,
the applicant and the assessors would do it; a round that already exists is left as it is."""

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils import timezone

from saferhub.accounts.models import User
from saferhub.core.registry import DemoRun, DemoStage
from saferhub.grants import services
from saferhub.grants.forms.funds import STANDARD_CRITERIA
from saferhub.grants.models import (
    Application,
    ApplicationSection,
    Award,
    Decision,
    Fund,
    ProjectReturnSection,
)
from saferhub.grants.services import CriterionSpec
from saferhub.partnerships.models import Organisation, Partnership
from saferhub.plans.selectors import current_plan_of
from saferhub.reporting import services as reporting

# The quarters' reports are due a month after each quarter of the fund's financial year ends.
REPORT_DUE = {1: (7, 31), 2: (10, 31), 3: (1, 31), 4: (4, 30)}


def demo_load(run: DemoRun) -> None:
    if run.stage != DemoStage.RECORDS:
        return
    with transaction.atomic():
        for spec in run.demo.get("grants", []):
            _fund(spec, run)


def _fund(spec: dict[str, Any], run: DemoRun) -> None:
    partnership = Partnership.objects.get(slug=spec["partnership"])
    manager = User.objects.get(email=spec["manager"])
    fund = Fund.objects.filter(partnership=partnership, name=spec["name"]).first()
    if fund is None:
        fund = services.fund_create(
            actor=manager,
            partnership=partnership,
            name=spec["name"],
            funder=spec["funder"],
            accountable_body=spec["accountable_body"],
            financial_year=spec["financial_year"],
            total_pence=spec["total_pence"],
        )
        run.count("funds")
    for applicant in spec.get("applicants", []):
        services.applicant_add(
            actor=manager,
            user=User.objects.get(email=applicant["email"]),
            organisation=Organisation.objects.get(name=applicant["organisation"]),
        )
    assessors = [User.objects.get(email=email) for email in spec.get("assessors", [])]
    for round_spec in spec.get("rounds", []):
        if not fund.rounds.filter(title=round_spec["title"]).exists():
            _round(fund, round_spec, manager, assessors, spec)
            run.count("funding rounds")


def _round(
    fund: Fund, spec: dict[str, Any], manager: User, assessors: list[User], fund_spec: dict[str, Any]
) -> None:
    now = timezone.now()
    closed = spec.get("closed", False)
    grant_round = services.round_create(
        actor=manager,
        fund=fund,
        title=spec["title"],
        # A closed round is opened, applied to and then closed early, so that every step is a real one.
        opens_at=now + dt.timedelta(days=-30 if closed else spec["opens_in_days"]),
        closes_at=now + dt.timedelta(days=30 if closed else spec["closes_in_days"]),
        eligibility=spec["eligibility"],
        max_award_pence=spec["max_award_pence"],
        questions=spec.get("questions", []),
        criteria=[CriterionSpec(name=name, weight=weight) for _, name, weight in STANDARD_CRITERIA],
        assessors=assessors,
    )
    applicant_of = {a["organisation"]: User.objects.get(email=a["email"]) for a in fund_spec["applicants"]}
    applications = [
        (_application(grant_round, app_spec, applicant_of[app_spec["organisation"]]), app_spec)
        for app_spec in spec.get("applications", [])
    ]
    if closed:
        services.round_close(actor=manager, grant_round=grant_round)
    for application, app_spec in applications:
        _assess_and_award(application, app_spec, manager, assessors, applicant_of[app_spec["organisation"]])


def _application(grant_round: Any, spec: dict[str, Any], applicant: User) -> Application:
    organisation = Organisation.objects.get(name=spec["organisation"])
    application = services.application_start(
        actor=applicant, grant_round=grant_round, organisation=organisation, title=spec["title"]
    )
    budget = [(item, pence) for item, pence in spec["budget"]]
    requested = sum(pence for _, pence in budget)
    plan = current_plan_of(grant_round.fund.partnership)
    sections: dict[ApplicationSection, dict[str, Any]] = {
        ApplicationSection.PROJECT: {
            "title": spec["title"],
            "summary": spec["summary"],
            "amount_requested_pence": requested,
            # The fund's financial year, so that the dashboard can forecast a project's underspend.
            "starts_on": dt.date(grant_round.fund.financial_year, 4, 1),
            "ends_on": dt.date(grant_round.fund.financial_year + 1, 3, 31),
        },
    }
    if spec["stage"] != "draft":
        text, measure, target = spec["outcome"]
        sections |= {
            ApplicationSection.ORGANISATION: {"answers": {"address": "Leicester", "registered_number": ""}},
            ApplicationSection.PRIORITIES: {
                "priorities": [plan.priorities.get(title=spec["priority"])] if plan else []
            },
            ApplicationSection.OUTCOMES: {"outcomes": [(text, measure, target)]},
            ApplicationSection.BUDGET: {"lines": budget},
            ApplicationSection.MATCH_FUNDING: {"sources": []},
            ApplicationSection.QUESTIONS: {"answers": {"q1": "Through the schools and the mosque."}},
        }
    for section, values in sections.items():
        application = services.application_section_save(
            actor=applicant, application=application, section=section, values=values
        )
    if spec["stage"] != "draft":
        application = services.application_submit(actor=applicant, application=application)
    return application


def _assess_and_award(
    application: Application, spec: dict[str, Any], manager: User, assessors: list[User], applicant: User
) -> None:
    stage = spec["stage"]
    if stage == "draft":
        return
    services.eligibility_decide(actor=manager, application=application, eligible=True)
    criteria = list(application.grant_round.criteria.all())
    for assessor, scores in zip(assessors, spec.get("scores", []), strict=False):
        services.scores_record(
            actor=assessor,
            application=application,
            scores={criterion: (score, "") for criterion, score in zip(criteria, scores, strict=True)},
        )
    if spec.get("conflict"):
        services.conflict_declare(
            actor=User.objects.get(email=spec["conflict"]),
            application=application,
            reason="I sit on the organisation's management committee.",
        )
    if stage == "scored":
        return
    agreed = [round(sum(pair) / 2) for pair in zip(*spec["scores"], strict=True)]
    application = services.moderation_record(
        actor=manager,
        application=application,
        agreed={criterion: (score, "") for criterion, score in zip(criteria, agreed, strict=True)},
    )
    if stage == "rejected":
        services.application_decide(
            actor=manager, application=application, decision=Decision.REJECT, reason="Below the pass mark."
        )
        return
    application = services.application_decide(
        actor=manager,
        application=application,
        decision=Decision.APPROVE_WITH_CONDITIONS,
        reason="Above the pass mark, and the strongest fit with the ASB priority.",
        conditions=spec["conditions"],
    )
    half = spec["award_pence"] // 2
    award = services.award_offer(
        actor=manager,
        application=application,
        amount_pence=spec["award_pence"],
        instalments=[(half, None), (spec["award_pence"] - half, 2)],
    )
    award = services.award_respond(actor=applicant, award=award, accept=True)
    services.instalment_pay(
        actor=manager, instalment=award.instalments.get(position=1), paid_on=timezone.localdate()
    )
    for quarter in spec.get("reported_quarters", []):
        _quarter_reported(award, quarter, manager, applicant)
    if 2 in spec.get("reported_quarters", []):
        services.instalment_pay(
            actor=manager, instalment=award.instalments.get(position=2), paid_on=timezone.localdate()
        )


def _quarter_reported(award: Award, quarter: int, manager: User, applicant: User) -> None:
    fund = award.application.grant_round.fund
    month, day = REPORT_DUE[quarter]
    year = fund.financial_year + (1 if quarter >= 3 else 0)  # Q3 and Q4 are reported in the next year
    reporting_round, _ = services.project_returns_open(
        actor=manager,
        fund=fund,
        financial_year=fund.financial_year,
        quarter=quarter,
        due_on=dt.date(year, month, day),
    )
    project_return = reporting_round.returns.get(award=award)
    lines = list(award.application.budget_lines.all())
    outcome = award.application.outcomes.get()
    spend_each = award.amount_pence // 4 // len(lines)
    answers: dict[ProjectReturnSection, dict[str, Any]] = {
        ProjectReturnSection.PROGRESS: {"progress": "Sessions ran every Friday and Saturday as planned."},
        ProjectReturnSection.FIGURES: {"figures": {str(outcome.public_id): str(30 * quarter)}},
        ProjectReturnSection.SPEND: {"spend": {str(line.public_id): spend_each for line in lines}},
        ProjectReturnSection.CASE_STUDY: {
            "case_study": "A young person referred by a PCSO now volunteers at the club."
        },
        ProjectReturnSection.RISKS: {"risks": "Recruiting a second female youth worker."},
    }
    for section, values in answers.items():
        services.project_return_section_save(
            actor=applicant, project_return=project_return, section=section, values=values
        )
    reporting.return_submit(actor=applicant, record=project_return)
    services.project_return_accept(actor=manager, project_return=project_return)
