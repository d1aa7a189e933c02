"""What an indicator's preview says and how much it reads: another partnership's extract is a source nobody
has, and a preview read once is not read from the store again until the store changes."""

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from saferhub.crimedata.importing import import_run_confirm, partition_version_restore
from saferhub.crimedata.models import PartitionVersion
from saferhub.crimedata.selectors import indicator_preview
from saferhub.crimedata.tests.crime_files import LEICESTER, extract_for, import_for
from saferhub.crimedata.tests.factories import IndicatorFactory
from saferhub.performance.models import Measure

pytestmark = pytest.mark.usefixtures("geography")


@pytest.fixture(autouse=True)
def empty_cache():
    """Each test starts with nothing cached, as a freshly started process does."""
    cache.clear()


@pytest.fixture
def alpha(world, crime_store):
    """Partnership A as the force-area partnership of Leicestershire, with police.uk data held."""
    world.a.area_codes = [LEICESTER]
    world.a.kind = "force_area"
    world.a.save()
    return world.a


def indicator_of(partnership, slug, sources):
    return IndicatorFactory(partnership=partnership, slug=slug, name=slug, sources=sources)


@pytest.mark.parametrize("with_police_uk", [False, True])
def test_another_partnerships_extract_is_previewed_as_a_source_nobody_has(
    client, world, alpha, with_police_uk, sign_in
):
    import_for(alpha, "2023-01", "2023-02", good=2, bad=0)
    extract_for(world.b, "2023-03")  # beta.crime: B's own extract, holding a month police.uk does not
    also = ["police.uk-street"] if with_police_uk else []
    theirs = indicator_of(alpha, "theirs", [*also, "beta.crime"])
    nobodys = indicator_of(alpha, "nobodys", [*also, "gamma.crime"])

    previews = [indicator_preview(indicator=i, partnership=alpha) for i in (theirs, nobodys)]
    assert previews[0] == previews[1]
    counts = [point.count for point in previews[0].points]
    assert counts == ([2, 2] if with_police_uk else [])
    for indicator in (theirs, nobodys):
        page = sign_in("analyst").get(f"/p/alpha/data/indicators/{indicator.public_id}/")
        assert "another partnership" not in page.content.decode()
        if not with_police_uk:
            assert "none of the indicator’s sources holds any data yet" in page.content.decode()


def automatic_measure(world, indicator):
    return Measure.objects.create(
        priority=world.records["a"]["priority"],
        title="Burglary in Leicester",
        kind="automatic",
        indicator=indicator,
        unit="crimes",
        target_value=10,
        direction="decrease",
        frequency="quarterly",
    )


STORE_AND_GEOGRAPHY = (
    "crimedata_partition",
    "crimedata_staleaggregate",
    "crimedata_columnmapping",
    "geography_",
)


def store_reads(queries):
    """The queries that read the store's manifest, its owners or the geography (not the store's version)."""
    return [
        q["sql"]
        for q in queries
        if any(f'"{table}' in q["sql"] for table in STORE_AND_GEOGRAPHY)
        and "crimedata_importrun" not in q["sql"]
    ]


def test_the_performance_page_reads_the_store_once_until_it_changes(client, world, alpha, sign_in):
    import_for(alpha, *(f"2023-{month:02d}" for month in range(1, 7)), good=3, bad=0)
    automatic_measure(world, indicator_of(alpha, "burglary", ["police.uk-street"]))
    sign_in("partnership_manager")
    with CaptureQueriesContext(connection) as first:
        assert client.get("/p/alpha/performance/").status_code == 200
    with CaptureQueriesContext(connection) as again:
        assert client.get("/p/alpha/performance/").status_code == 200
    assert store_reads(first.captured_queries)  # the first view reads the manifest and the area
    assert store_reads(again.captured_queries) == []  # the second only asks the store's version
    assert len(again.captured_queries) < len(first.captured_queries)

    import_for(alpha, "2023-07", good=3, bad=0)
    with CaptureQueriesContext(connection) as after_import:
        assert client.get("/p/alpha/performance/").status_code == 200
    assert store_reads(after_import.captured_queries)


def test_an_import_a_confirmation_and_a_restore_are_seen_by_the_next_preview(world, alpha):
    import_for(alpha, "2023-01", good=3, bad=0)
    indicator = indicator_of(alpha, "burglary", ["police.uk-street"])

    def counts():
        return [
            (f"{p.month:%Y-%m}", p.count)
            for p in indicator_preview(indicator=indicator, partnership=alpha).points
        ]

    assert counts() == [("2023-01", 3)]
    import_for(alpha, "2023-02", good=4, bad=0)
    assert counts() == [("2023-01", 3), ("2023-02", 4)]
    waiting = import_for(alpha, "2023-01", good=5, bad=0)  # a held month changes: it waits for confirming
    assert counts() == [("2023-01", 3), ("2023-02", 4)]
    import_run_confirm(run=waiting, actor=None)
    assert counts() == [("2023-01", 5), ("2023-02", 4)]
    partition_version_restore(version=PartitionVersion.objects.get(), actor=None, partnership=alpha)
    assert counts() == [("2023-01", 3), ("2023-02", 4)]


def test_a_preview_is_not_shared_between_partnerships(world, alpha):
    import_for(alpha, "2023-01", good=3, bad=0)
    shared = IndicatorFactory(partnership=None, slug="shared", name="Shared", sources=["police.uk-street"])
    assert indicator_preview(indicator=shared, partnership=alpha).area_code == LEICESTER
    assert indicator_preview(indicator=shared, partnership=world.b).area_code == ", ".join(world.b.area_codes)
