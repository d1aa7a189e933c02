"""Changing and removing one of the partnership's own indicators: audited, and refused while it is in use."""

import pytest

from saferhub.audit.models import AuditEvent
from saferhub.crimedata.models import Indicator
from saferhub.crimedata.tests.factories import (
    IndicatorFactory,
    IndicatorSetFactory,
    IndicatorSetMemberFactory,
)
from saferhub.performance.tests.factories import ManualMeasureFactory


@pytest.fixture
def burglary(world, crime_store):
    return IndicatorFactory(
        partnership=world.a,
        slug="burglary",
        name="Burglary",
        sources=["police.uk-street"],
        categories=["Burglary"],
    )


def test_the_indicator_page_offers_to_change_and_remove_it(client, world, burglary, sign_in):
    page = sign_in("analyst").get(f"/p/alpha/data/indicators/{burglary.public_id}/").content.decode()
    assert f'href="/p/alpha/data/indicators/{burglary.public_id}/edit/"' in page
    assert f'href="/p/alpha/data/indicators/{burglary.public_id}/remove/"' in page


def test_an_indicator_is_changed_and_the_change_audited(client, world, burglary, sign_in):
    url = f"/p/alpha/data/indicators/{burglary.public_id}/edit/"
    page = sign_in("analyst").get(url).content.decode()
    assert 'value="Burglary"' in page
    assert "under the short name burglary" in page
    response = client.post(
        url, {"name": "Burglary in Alpha", "description": "Every burglary.", "area_code": ""}
    )
    assert response.status_code == 302
    burglary.refresh_from_db()
    assert (burglary.name, burglary.slug, burglary.description) == (
        "Burglary in Alpha",
        "burglary",
        "Every burglary.",
    )
    event = AuditEvent.objects.get(target_id=str(burglary.public_id), verb="updated")
    assert set(event.context["fields"]) >= {"name", "description"}


def test_a_change_with_errors_changes_nothing(client, world, burglary, sign_in):
    response = sign_in("analyst").post(
        f"/p/alpha/data/indicators/{burglary.public_id}/edit/", {"name": "", "area_code": "nowhere"}
    )
    assert response.status_code == 400
    assert "Enter a name for the indicator" in response.content.decode()
    burglary.refresh_from_db()
    assert burglary.name == "Burglary"


def test_an_unused_indicator_is_removed_and_audited(client, world, burglary, sign_in):
    url = f"/p/alpha/data/indicators/{burglary.public_id}/remove/"
    assert "Remove ‘Burglary’" in sign_in("analyst").get(url).content.decode()
    response = client.post(url)
    assert response.status_code == 302
    assert not Indicator.objects.filter(pk=burglary.pk).exists()
    assert AuditEvent.objects.filter(target_id=str(burglary.public_id), verb="deleted").exists()


def test_an_indicator_a_measure_counts_is_not_removed_and_the_page_says_why(client, world, burglary, sign_in):
    ManualMeasureFactory(priority=world.records["a"]["priority"], indicator=burglary, kind="automatic")
    response = sign_in("analyst").post(f"/p/alpha/data/indicators/{burglary.public_id}/remove/")
    assert response.status_code == 400
    assert "‘Burglary’ is in use by 1 measure: it was not removed" in response.content.decode()
    assert Indicator.objects.filter(pk=burglary.pk).exists()
    assert not AuditEvent.objects.filter(target_id=str(burglary.public_id), verb="deleted").exists()


def test_an_indicator_a_set_lists_is_not_removed(client, world, burglary, sign_in):
    headline = IndicatorSetFactory(partnership=world.a, name="Headline figures")
    IndicatorSetMemberFactory(indicator_set=headline, indicator=burglary)
    response = sign_in("analyst").post(f"/p/alpha/data/indicators/{burglary.public_id}/remove/")
    assert "is in use by the set ‘Headline figures’" in response.content.decode()
    assert Indicator.objects.filter(pk=burglary.pk).exists()


def test_a_shared_indicator_or_another_partnerships_cannot_be_changed_here(client, world, burglary, sign_in):
    shared = IndicatorFactory(partnership=None, slug="shared", name="Shared")
    theirs = IndicatorFactory(partnership=world.b, slug="theirs", name="Theirs")
    sign_in("analyst")
    for indicator in (shared, theirs):
        for action in ("edit", "remove"):
            assert client.get(f"/p/alpha/data/indicators/{indicator.public_id}/{action}/").status_code == 404
    assert (
        "Remove the indicator"
        not in client.get(f"/p/alpha/data/indicators/{shared.public_id}/").content.decode()
    )


@pytest.mark.parametrize("who", ["board_member", "theme_lead"])
def test_people_who_do_not_work_with_the_data_cannot_change_or_remove(client, world, burglary, who):
    client.force_login(world.people[who])
    for action in ("edit", "remove"):
        assert client.post(f"/p/alpha/data/indicators/{burglary.public_id}/{action}/").status_code == 403
    assert Indicator.objects.get(pk=burglary.pk).name == "Burglary"
