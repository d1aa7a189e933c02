"""Who sees a case's pages: its lead organisation all of it; a partner on it under an agreement in force only
the agreement's items; everyone else (agreement ended or terminated, removed, never on it, another
partnership, no case role) a 404 at once. Every view is audited."""

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from saferhub.asb.models import CaseOrganisation
from saferhub.asb.tests.case_scene import Scene, scene_build
from saferhub.asb.tests.factories import CaseFactory
from saferhub.audit.models import AuditEvent, AuditVerb
from saferhub.governance.models import AgreementStatus, DataItem
from saferhub.partnerships.models import Role
from saferhub.partnerships.tests.factories import MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def scene(world: Any) -> Scene:
    return scene_build(world)


def as_police(client: Any, scene: Scene) -> Any:
    client.force_login(scene.police_officer)
    return client


def test_the_lead_organisation_sees_every_part(sign_in: Any, scene: Scene) -> None:
    page = sign_in("case_officer").get(scene.url())
    text = page.content.decode()
    assert page.status_code == 200
    assert "Valerie Victim" in text and "Percy Perpetrator" in text and "POL-1" in text
    assert "Not shared" not in text


def test_a_partner_under_an_agreement_sees_the_case(client: Any, scene: Scene) -> None:
    page = as_police(client, scene).get(scene.url())
    assert page.status_code == 200
    assert "Valerie Victim" in page.content.decode()


def test_a_partner_sees_only_the_items_its_agreement_shares(client: Any, world: Any) -> None:
    scene = scene_build(world, items=[DataItem.INCIDENTS])
    text = as_police(client, scene).get(scene.url()).content.decode()
    assert "POL-1" in text
    assert "Valerie Victim" not in text and "Percy Perpetrator" not in text
    assert text.count("Not shared with Shire Police under the agreements in force") == 2


def test_a_partner_does_not_get_an_item_it_does_not_see_by_its_address(client: Any, world: Any) -> None:
    scene = scene_build(world, items=[DataItem.VICTIMS])
    url = scene.url("asb:incident", incident_id=scene.incident.public_id)
    assert as_police(client, scene).get(url).status_code == 404


def test_an_agreement_ended_yesterday_ends_sight_at_once(client: Any, scene: Scene) -> None:
    scene.agreement.ends_on = timezone.localdate() - dt.timedelta(days=1)
    scene.agreement.save()
    assert as_police(client, scene).get(scene.url()).status_code == 404


def test_an_agreement_ending_today_still_shares(client: Any, scene: Scene) -> None:
    scene.agreement.ends_on = timezone.localdate()
    scene.agreement.save()
    assert as_police(client, scene).get(scene.url()).status_code == 200


def test_a_terminated_agreement_ends_sight_at_once(client: Any, scene: Scene) -> None:
    scene.agreement.status = AgreementStatus.TERMINATED
    scene.agreement.save()
    assert as_police(client, scene).get(scene.url()).status_code == 404


def test_a_removed_organisation_loses_sight_at_once(client: Any, scene: Scene) -> None:
    CaseOrganisation.objects.filter(pk=scene.involvement.pk).update(removed_at=timezone.now())
    assert as_police(client, scene).get(scene.url()).status_code == 404
    assert scene.case.reference not in as_police(client, scene).get("/p/alpha/asb/cases/").content.decode()


def test_an_organisation_not_on_the_case_gets_404(client: Any, world: Any, scene: Scene) -> None:
    other = CaseFactory(partnership=world.a, lead_organisation=scene.council)
    assert as_police(client, scene).get(scene.url(case=other)).status_code == 404
    listed = as_police(client, scene).get("/p/alpha/asb/cases/").content.decode()
    assert scene.case.reference in listed and other.reference not in listed


def test_another_partnerships_case_is_404(sign_in: Any, world: Any, scene: Scene) -> None:
    theirs = CaseFactory(partnership=world.b, lead_organisation=scene.council)
    assert sign_in("partnership_manager").get(scene.url(case=theirs)).status_code == 404
    assert sign_in("other_manager").get(scene.url()).status_code == 404


@pytest.mark.parametrize("role", [Role.ANALYST, Role.BOARD_MEMBER, Role.THEME_LEAD])
def test_a_case_role_is_needed(sign_in: Any, scene: Scene, role: str) -> None:
    assert sign_in(role).get(scene.url()).status_code == 404
    assert sign_in(role).get("/p/alpha/asb/cases/").status_code == 403


def test_a_police_analyst_without_a_case_role_sees_nothing(client: Any, world: Any, scene: Scene) -> None:
    analyst = UserFactory()
    MembershipFactory(user=analyst, partnership=world.a, organisation=scene.police, role=Role.ANALYST)
    client.force_login(analyst)
    assert client.get(scene.url()).status_code == 404


def test_every_view_of_a_case_and_an_incident_is_audited(sign_in: Any, world: Any, scene: Scene) -> None:
    client = sign_in("case_officer")
    client.get(scene.url())
    client.get(scene.url("asb:incident", incident_id=scene.incident.public_id))
    viewed = AuditEvent.objects.filter(verb=AuditVerb.VIEWED, actor=world.people["case_officer"])
    assert [event.target_id for event in viewed.order_by("id")] == [
        str(scene.case.public_id),
        str(scene.incident.public_id),
    ]


def test_a_refused_page_is_not_audited_as_viewed(sign_in: Any, scene: Scene) -> None:
    sign_in("analyst").get(scene.url())
    assert not AuditEvent.objects.filter(verb=AuditVerb.VIEWED).exists()


def test_a_partner_cannot_lead(client: Any, scene: Scene) -> None:
    for name in ("asb:case-close", "asb:case-edit", "asb:case-merge", "asb:case-link", "asb:organisations"):
        assert as_police(client, scene).get(scene.url(name)).status_code == 403, name
