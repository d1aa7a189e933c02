"""The authorisation matrix rows for the ASB casework app's URL names, merged into test_authz_matrix.MATRIX
from one module per topic (asb_matrix/), and the casework records each partnership has for them.

Each partnership has a case led by its council (the world's "Alpha City Council"), with a victim, a
perpetrator who has had a Community Protection Warning, an incident, a risk assessment, and the police
invited under an agreement in force; and a problem place.
"""

import datetime as dt
from typing import Any

from django.utils import timezone

from saferhub.asb.models import Intervention, PartyKind, PartyRole, RiskAssessment, RiskLevel, Stage
from saferhub.asb.tests.factories import (
    CaseFactory,
    CaseOrganisationFactory,
    CasePartyFactory,
    IncidentFactory,
    PartyFactory,
    ProblemPlaceFactory,
)
from saferhub.governance.tests.factories import agreement_between
from saferhub.partnerships.models import Organisation
from tests.security.asb_matrix import api, cases, letters, places, reports, risk, settings, sharing, steps
from tests.security.matrix_words import Expect

TOPICS = (cases, sharing, risk, steps, letters, settings, places, reports, api)

MATRIX: dict[str, Expect] = {name: expect for topic in TOPICS for name, expect in topic.MATRIX.items()}

RECORD_KWARGS: dict[str, str] = {
    "case_id": "case",
    "case_party_id": "case_party",
    "incident_id": "incident",
    "involvement_id": "involvement",
    "risk_assessment_id": "risk_assessment",
    "intervention_id": "intervention",
    "place_id": "place",
}


def records(world: Any) -> None:
    council = Organisation.objects.get(name="Alpha City Council")
    police = Organisation.objects.get(name="Shire Police")
    today = timezone.localdate()
    for owner, partnership in (("a", world.a), ("b", world.b)):
        records = world.records[owner]
        manager = world.people["partnership_manager" if owner == "a" else "other_manager"]
        agreement_between(partnership, council, police, title=f"ASB sharing {owner.upper()}")
        case = CaseFactory(partnership=partnership, lead_organisation=council, lead_officer=manager)
        victim = CasePartyFactory(case=case, party__name=f"Val Victim{owner.upper()}")
        perpetrator = CasePartyFactory(
            case=case,
            party=PartyFactory(
                partnership=partnership, kind=PartyKind.PERSON, name=f"Percy Perp{owner.upper()}"
            ),
            role=PartyRole.PERPETRATOR,
            stage=Stage.CPW,
            stage_since=today - dt.timedelta(days=5),
            stage_due_on=today + dt.timedelta(days=23),
        )
        records["case"] = case
        records["case_party"] = perpetrator
        records["incident"] = IncidentFactory(case=case, victim=victim.party)
        records["involvement"] = CaseOrganisationFactory(case=case, organisation=police)
        records["risk_assessment"] = RiskAssessment.objects.create(
            case=case,
            victim=victim,
            assessed_on=today - dt.timedelta(days=4),
            matrix={"questions": [], "thresholds": {"medium": 1, "high": 2}},
            answers=[],
            score=0,
            level=RiskLevel.STANDARD,
            next_review_on=today + dt.timedelta(days=24),
        )
        records["intervention"] = Intervention.objects.create(
            case_party=perpetrator,
            kind=Stage.CPW,
            issued_on=today - dt.timedelta(days=5),
            due_on=today + dt.timedelta(days=23),
            organisation=council,
        )
        records["place"] = ProblemPlaceFactory(partnership=partnership, name=f"Clock Tower {owner.upper()}")
        for topic in TOPICS:
            extra = getattr(topic, "records", None)
            if extra is not None:
                extra(world, owner)
