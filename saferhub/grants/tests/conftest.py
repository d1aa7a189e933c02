"""A fund of partnership A with an open round, two assessors and an applicant organisation: the people and
records the funding tests share."""

import datetime as dt
from dataclasses import dataclass
from typing import Any

import pytest

from saferhub.grants import services
from saferhub.grants.models import Application, ApplicationSection, GrantRound, ProjectReturnSection
from saferhub.grants.tests.factories import (
    ApplicantMemberFactory,
    CriterionFactory,
    FundFactory,
    GrantRoundFactory,
)
from saferhub.partnerships.models import Role
from saferhub.partnerships.tests.factories import MembershipFactory, UserFactory
from saferhub.reporting import services as reporting


@dataclass
class Funding:
    grant_round: GrantRound
    applicant: Any
    other_applicant: Any
    assessors: list[Any]
    criteria: list[Any]


@pytest.fixture
def funding(world) -> Funding:
    fund = FundFactory(partnership=world.a, total_pence=5_000_000)
    fund.served.add(world.a)
    grant_round = GrantRoundFactory(fund=fund)
    criteria = [
        CriterionFactory(grant_round=grant_round, name="Fit with the partnership's priorities", weight=2),
        CriterionFactory(grant_round=grant_round, name="Value for money", weight=1),
    ]
    council = world.records["a"]["priority"].lead_organisation
    assessors = [world.people["grant_assessor"]]
    for number in (2, 3):
        assessor = UserFactory(email=f"assessor{number}@alpha.example", full_name=f"Assessor {number}")
        MembershipFactory(user=assessor, partnership=world.a, organisation=council, role=Role.GRANT_ASSESSOR)
        assessors.append(assessor)
    grant_round.assessors.set(assessors)
    applicant = ApplicantMemberFactory(user__email="coordinator@youthgroup.example").user
    other = ApplicantMemberFactory(user__email="chair@otherclub.example").user
    return Funding(grant_round, applicant, other, assessors, criteria)


def application_complete(funding: Funding, world, amount_pence: int = 1_200_000) -> Application:
    """An application of the applicant's organisation with every section of the task list saved."""
    organisation = funding.applicant.applicant_memberships.get().organisation
    application = services.application_start(
        actor=funding.applicant,
        grant_round=funding.grant_round,
        organisation=organisation,
        title="Safer streets",
    )
    sections = {
        ApplicationSection.ORGANISATION: {"answers": {"registered_number": "1234567"}},
        ApplicationSection.PROJECT: {
            "title": "Safer streets after school",
            "summary": "Detached youth work in the town centre.",
            "amount_requested_pence": amount_pence,
            "starts_on": None,
            "ends_on": None,
        },
        ApplicationSection.PRIORITIES: {"priorities": [world.records["a"]["priority"]]},
        ApplicationSection.OUTCOMES: {"outcomes": [("Fewer young people drawn into ASB", "Referrals", "40")]},
        ApplicationSection.BUDGET: {
            "lines": [("Youth workers", amount_pence - 200_000), ("Venue hire", 200_000)]
        },
        ApplicationSection.MATCH_FUNDING: {"sources": []},
        ApplicationSection.QUESTIONS: {"answers": {"q1": "Through the schools."}},
    }
    for section, values in sections.items():
        application = services.application_section_save(
            actor=funding.applicant, application=application, section=section, values=values
        )
    return application


def quarter_reported(manager, award, applicant, quarter: int, spend: dict) -> Any:
    """The project's report of a quarter, every section filled in by the applicant, submitted and accepted:
    `spend` is {budget line: pence}."""
    fund = award.application.grant_round.fund
    reporting_round, _ = services.project_returns_open(
        actor=manager,
        fund=fund,
        financial_year=fund.financial_year,
        quarter=quarter,
        due_on=dt.date(fund.financial_year, 7, 31),
    )
    project_return = reporting_round.returns.get(award=award)
    outcome = award.application.outcomes.first()
    answers = {
        ProjectReturnSection.PROGRESS: {"progress": "On track."},
        ProjectReturnSection.FIGURES: {"figures": {str(outcome.public_id): "12"} if outcome else {}},
        ProjectReturnSection.SPEND: {"spend": {str(line.public_id): pence for line, pence in spend.items()}},
        ProjectReturnSection.CASE_STUDY: {"case_study": "A young person found work."},
        ProjectReturnSection.RISKS: {"risks": ""},
    }
    for section, values in answers.items():
        services.project_return_section_save(
            actor=applicant, project_return=project_return, section=section, values=values
        )
    reporting.return_submit(actor=applicant, record=project_return)
    return services.project_return_accept(actor=manager, project_return=project_return)
