"""A case for the case pages' tests: A's council leads it, the police are on it under an agreement in force,
with a victim, a perpetrator and an incident; a police case officer of A to see it as a partner."""

from dataclasses import dataclass
from typing import Any

from django.urls import reverse

from saferhub.asb.models import Case, CaseOrganisation, CaseParty, Incident, PartyRole
from saferhub.asb.tests.factories import (
    CaseFactory,
    CaseOrganisationFactory,
    CasePartyFactory,
    IncidentFactory,
)
from saferhub.governance.models import SharingAgreement
from saferhub.governance.tests.factories import agreement_between
from saferhub.partnerships.models import Organisation, Role
from saferhub.partnerships.tests.factories import MembershipFactory, UserFactory
from tests.world import World


@dataclass
class Scene:
    council: Organisation
    police: Organisation
    case: Case
    victim: CaseParty
    perpetrator: CaseParty
    incident: Incident
    involvement: CaseOrganisation
    agreement: SharingAgreement
    police_officer: Any

    def url(self, name: str = "asb:case", case: Case | None = None, **kwargs: Any) -> str:
        return reverse(name, kwargs={"slug": "alpha", "case_id": (case or self.case).public_id, **kwargs})


def scene_build(world: World, *, items: list[str] | None = None) -> Scene:
    council = Organisation.objects.get(name="Alpha City Council")
    police = Organisation.objects.get(name="Shire Police")
    agreement = agreement_between(
        world.a, council, police, **({"data_items": items} if items is not None else {})
    )
    case = CaseFactory(
        partnership=world.a, lead_organisation=council, lead_officer=world.people["case_officer"]
    )
    victim = CasePartyFactory(case=case, party__name="Valerie Victim")
    perpetrator = CasePartyFactory(case=case, party__name="Percy Perpetrator", role=PartyRole.PERPETRATOR)
    police_officer = UserFactory(email="officer@police.example", full_name="Police Officer")
    MembershipFactory(user=police_officer, partnership=world.a, organisation=police, role=Role.CASE_OFFICER)
    return Scene(
        council=council,
        police=police,
        case=case,
        victim=victim,
        perpetrator=perpetrator,
        incident=IncidentFactory(case=case, reference="POL-1", victim=victim.party),
        involvement=CaseOrganisationFactory(case=case, organisation=police),
        agreement=agreement,
        police_officer=police_officer,
    )
