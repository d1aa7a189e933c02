"""The demo's evidence: loaded once, counted right, and not loaded twice."""

from io import StringIO

import pytest
from django.core.management import call_command

from saferhub.crimedata.models import ColumnMapping, Indicator, IndicatorSet, Partition
from saferhub.crimedata.tests import independent
from saferhub.crimedata.tests.conftest import POLICEUK


@pytest.mark.django_db
def test_the_demo_loads_geography_police_data_extracts_and_indicators_once(crime_store):
    out = StringIO()
    call_command("load_demo", stdout=out)
    assert "police.uk: " in out.getvalue()
    sources = set(Partition.objects.values_list("source", flat=True))
    assert sources == {"police.uk-street", "north-west-leicestershire.crime", "north-west-leicestershire.asb"}
    assert Partition.objects.filter(source="police.uk-street").count() == 24
    stored = sum(Partition.objects.filter(source="police.uk-street").values_list("rows", flat=True))
    archives = sorted(POLICEUK.glob("leicestershire-*.zip"))
    assert stored == sum(1 for _ in independent.street_rows(archives))
    assert set(ColumnMapping.objects.values_list("slug", flat=True)) == {"nwl-crime", "nwl-asb"}
    assert IndicatorSet.objects.filter(
        slug="nwl-headline", partnership__slug="north-west-leicestershire"
    ).exists()
    assert Indicator.objects.filter(partnership=None).count() >= 14

    counts = (Partition.objects.count(), Indicator.objects.count(), ColumnMapping.objects.count())
    again = StringIO()
    call_command("load_demo", stdout=again)
    assert again.getvalue().startswith("Demo already loaded; nothing changed.")
    assert (Partition.objects.count(), Indicator.objects.count(), ColumnMapping.objects.count()) == counts
