"""Making an assessment: indicators of the same name, the years the store holds, and the warning before an
assessment covers periods with no data."""

from pathlib import Path

import pytest
from django.urls import reverse

from saferhub import crimedata
from saferhub.assessment import selectors
from saferhub.assessment.models import Assessment
from saferhub.crimedata.models import Indicator, IndicatorSet
from saferhub.crimedata.services import indicators_load
from saferhub.partnerships.models import Partnership

pytestmark = pytest.mark.django_db

INDICATORS = Path(crimedata.__file__).parent / "indicators"


@pytest.fixture
def partnership(world):
    Partnership.objects.filter(pk=world.a.pk).update(area_codes=["E07000134"])
    world.a.refresh_from_db()
    indicators_load(path_or_text=INDICATORS / "policeuk.toml")
    return world.a


def _create(client, partnership, **fields):
    return client.post(
        reverse("assessment:assessment-new", args=[partnership.slug]),
        {
            "title": "Headline assessment 2019",
            "label": "2019",
            "period_kind": "rolling-12",
            "last_month": "2019-09",
            "years": "5",
            "scoring_model": "morile-style",
            "accept_periods_without_data": "on",  # the test's store is empty
            **fields,
        },
    )


def test_the_pre_ticked_total_crime_and_a_sets_own_total_crime_are_two_issues(partnership, client, world):
    """North West Leicestershire's headline set has its own "Total crime", and the form pre-ticks police.uk's:
    the assessment is made, and the two are told apart by where each came from."""
    indicators_load(path_or_text=INDICATORS / "nwl-headline.toml", partnership=partnership)
    headline = IndicatorSet.objects.get(partnership=partnership, slug="nwl-headline")
    client.force_login(world.people["partnership_manager"])
    defaults = selectors.default_indicator_choice(partnership)
    response = _create(client, partnership, indicator_set=headline.pk, indicators=defaults["indicators"])
    assert response.status_code == 302
    assessment = Assessment.objects.get(label="2019")
    titles = list(assessment.issues.filter(indicator__isnull=False).values_list("title", flat=True))
    assert titles[:2] == [
        "Total crime – police.uk street-level crime",
        "Total crime – North West Leicestershire headline figures",
    ]
    assert len(set(titles)) == len(titles)
    page = client.get(response.url).content.decode()
    assert "Total crime – police.uk street-level crime" in page
    assert "Total crime – North West Leicestershire headline figures" in page
    # The test's store is empty: every year says so, rather than passing for a crime not recorded then.
    assert "No data held" in page and "Not recorded then" not in page
    assert "The store holds no data for some periods of this table" in page


def test_the_serious_violence_set_with_the_shared_robbery_ticked_is_made(partnership, client, world):
    indicators_load(path_or_text=INDICATORS / "leicester-serious-violence.toml", partnership=partnership)
    serious = IndicatorSet.objects.get(partnership=partnership, slug="leicester-serious-violence")
    robbery = Indicator.objects.get(partnership=None, slug="policeuk-robbery")
    client.force_login(world.people["analyst"])
    response = _create(client, partnership, indicator_set=serious.pk, indicators=[robbery.pk])
    assert response.status_code == 302
    titles = set(Assessment.objects.get(label="2019").issues.values_list("title", flat=True))
    assert "Robbery – police.uk street-level crime" in titles
    assert "Robbery – Serious violence (Leicester's definition)" in titles


def test_the_form_warns_before_making_an_assessment_over_periods_with_no_data(partnership, client, world):
    """The store holds nothing here: the form says which periods have no data and makes nothing until the
    analyst confirms."""
    total = Indicator.objects.get(partnership=None, slug="policeuk-total-crime")
    client.force_login(world.people["analyst"])
    response = _create(client, partnership, indicators=[total.pk], accept_periods_without_data="")
    assert response.status_code == 400
    page = response.content.decode()
    assert "The store holds no data for some periods this assessment covers" in page
    assert "police.uk street-level crime: 12 months to Sep 2015, 12 months to Sep 2016" in page
    assert "Create it anyway: those periods will show “No data held”" in page
    assert not Assessment.objects.exists()

    assert _create(client, partnership, indicators=[total.pk]).status_code == 302
    assert Assessment.objects.get(label="2019").years == 5
