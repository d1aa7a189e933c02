"""A fund of partnership A with an open round, two assessors and an applicant organisation: the people and
records the funding tests share."""

from dataclasses import dataclass
from typing import Any

import pytest

from saferhub.grants import services
from saferhub.grants.models import Application, ApplicationSection, GrantRound
from saferhub.grants.tests.factories import (
    ApplicantMemberFactory,
    CriterionFactory,
    FundFactory,
    GrantRoundFactory,
)
from saferhub.partnerships.models import Role
from saferhub.partnerships.tests.factories import MembershipFactory, UserFactory


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
        ApplicationSection.ORGANISATION: {"answers": {"registered_charity": "1234567"}},
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
        ApplicationSection.QUESTIONS: {"answers": {"1": "Through the schools."}},
    }
    for section, values in sections.items():
        application = services.application_section_save(
            actor=funding.applicant, application=application, section=section, values=values
        )
    return application
