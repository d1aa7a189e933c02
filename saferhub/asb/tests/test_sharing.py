"""Sharing a case: the lead invites an organisation an agreement in force joins to it (and only such a one),
sees what it would see, and removes it, which ends its sight of the case at once."""

from typing import Any

import pytest

from saferhub.asb.models import CaseOrganisation
from saferhub.asb.tests.case_scene import Scene, scene_build
from saferhub.audit.models import AuditEvent, AuditVerb
from saferhub.governance.models import DataItem
from saferhub.governance.tests.factories import agreement_between
from saferhub.partnerships.tests.factories import OrganisationFactory, PartnerOrganisationFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def scene(world: Any) -> Scene:
    return scene_build(world)


@pytest.fixture
def fire(world: Any, scene: Scene) -> Any:
    fire = OrganisationFactory(name="Shire Fire and Rescue")
    PartnerOrganisationFactory(partnership=world.a, organisation=fire)
    return fire


def test_only_organisations_under_an_agreement_are_offered(
    sign_in: Any, world: Any, scene: Scene, fire: Any
) -> None:
    text = sign_in("case_officer").get(scene.url("asb:organisations")).content.decode()
    assert "Shire Fire and Rescue" not in text
    assert "No other organisation can be invited" in text
    agreement_between(world.a, scene.council, fire, data_items=[DataItem.INCIDENTS])
    text = sign_in("case_officer").get(scene.url("asb:organisations")).content.decode()
    assert "Shire Fire and Rescue (would see: Incidents: what happened, when and where)" in text


def test_inviting_an_organisation(sign_in: Any, world: Any, scene: Scene, fire: Any) -> None:
    agreement_between(world.a, scene.council, fire)
    page = sign_in("case_officer").post(scene.url("asb:organisations"), {"organisation": str(fire.public_id)})
    assert page.status_code == 302
    assert CaseOrganisation.objects.filter(case=scene.case, organisation=fire, removed_at=None).exists()


def test_an_organisation_without_an_agreement_cannot_be_invited(
    sign_in: Any, scene: Scene, fire: Any
) -> None:
    page = sign_in("case_officer").post(scene.url("asb:organisations"), {"organisation": str(fire.public_id)})
    assert page.status_code == 400
    assert (
        "Select one of the organisations an agreement lets this case be shared with" in page.content.decode()
    )
    assert not CaseOrganisation.objects.filter(organisation=fire).exists()


def test_nothing_chosen_says_so(sign_in: Any, world: Any, scene: Scene, fire: Any) -> None:
    agreement_between(world.a, scene.council, fire)
    page = sign_in("case_officer").post(scene.url("asb:organisations"), {})
    assert page.status_code == 400 and "Select the organisation to invite" in page.content.decode()


def test_removing_asks_first_then_ends_sight_at_once(client: Any, sign_in: Any, scene: Scene) -> None:
    url = scene.url("asb:organisation-remove", involvement_id=scene.involvement.public_id)
    lead = sign_in("case_officer")
    confirm = lead.get(url)
    assert confirm.status_code == 200 and "Remove Shire Police from the case?" in confirm.content.decode()
    assert CaseOrganisation.objects.get(pk=scene.involvement.pk).removed_at is None
    assert lead.post(url).status_code == 302
    assert CaseOrganisation.objects.get(pk=scene.involvement.pk).removed_at is not None
    assert AuditEvent.objects.filter(
        verb=AuditVerb.UPDATED, target_id=str(scene.involvement.public_id)
    ).exists()
    assert lead.get(url).status_code == 404
    client.force_login(scene.police_officer)
    assert client.get(scene.url()).status_code == 404


def test_a_partner_cannot_remove(client: Any, scene: Scene) -> None:
    client.force_login(scene.police_officer)
    url = scene.url("asb:organisation-remove", involvement_id=scene.involvement.public_id)
    assert client.post(url).status_code == 403
    assert CaseOrganisation.objects.get(pk=scene.involvement.pk).removed_at is None
