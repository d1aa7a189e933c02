"""The police.uk crime counts around a problem place, before and after the response, checked against counts
made apart from place_counts.py (distances on the WGS84 ellipsoid by pyproj, polygons by hand) on crime
files written here; the change's wording; and what the page says when it cannot count or judge."""

import datetime as dt
import random

import pytest
from pyproj import Geod

from saferhub.asb.place_counts import NO_DATA, place_counts
from saferhub.asb.tests.factories import ProblemPlaceFactory
from saferhub.assessment.methods.change import change_between
from saferhub.crimedata.services import crime_import
from saferhub.crimedata.tests.conftest import geography  # noqa: F401 - the module fixture
from saferhub.crimedata.tests.crime_files import IN_LEICESTER, LEICESTER, STREET_HEADER, street_line
from saferhub.partnerships.models import Partnership

pytestmark = pytest.mark.django_db

CENTRE = (52.6354, -1.1334)  # latitude, longitude of Leicester's clock tower
RADIUS = 250
TYPES = ("Burglary", "Anti-social behaviour", "Drugs")
BEFORE = [f"2023-{month:02d}" for month in range(4, 13)] + [f"2024-{month:02d}" for month in range(1, 4)]
DURING = "2024-04"  # the month the response started in (on the 15th): neither before nor after
AFTER = [f"2024-{month:02d}" for month in range(5, 11)]
# A rectangle inside the circle's box, as [longitude, latitude] corners, for the polygon's count.
WEST, EAST, SOUTH, NORTH = -1.1350, -1.1300, 52.6340, 52.6370
RECTANGLE = {
    "type": "Polygon",
    "coordinates": [[[WEST, SOUTH], [EAST, SOUTH], [EAST, NORTH], [WEST, NORTH], [WEST, SOUTH]]],
}
GEOD = Geod(ellps="WGS84")


def _rows_of(month: str, count: int, rng: random.Random) -> list[tuple[float, float, str]]:
    """Points scattered around the centre, none within 10 m of the circle's edge (where the haversine and
    the ellipsoid could disagree), nor on the rectangle's edges."""
    rows: list[tuple[float, float, str]] = []
    while len(rows) < count:
        latitude = CENTRE[0] + rng.uniform(-0.006, 0.006)
        longitude = CENTRE[1] + rng.uniform(-0.009, 0.009)
        if abs(_distance(longitude, latitude) - RADIUS) < 10:
            continue
        if (
            min(abs(longitude - WEST), abs(longitude - EAST), abs(latitude - SOUTH), abs(latitude - NORTH))
            < 1e-5
        ):
            continue
        rows.append((round(longitude, 6), round(latitude, 6), rng.choice(TYPES)))
    return rows


def _distance(longitude: float, latitude: float) -> float:
    return float(GEOD.inv(CENTRE[1], CENTRE[0], longitude, latitude)[2])


def _in_rectangle(longitude: float, latitude: float) -> bool:
    return WEST <= longitude <= EAST and SOUTH <= latitude <= NORTH


@pytest.fixture
def crime_months(crime_store, tmp_path, geography):  # noqa: F811 - the imported fixture, requested
    """Busy months before the response and quieter ones after it, imported; the rows of each month."""
    rng = random.Random(20240415)
    written: dict[str, list[tuple[float, float, str]]] = {}
    paths = []
    for month in [*BEFORE, DURING, *AFTER]:
        rows = _rows_of(month, 80 if month in BEFORE else 25, rng)
        written[month] = rows
        lines = [
            street_line(
                month,
                f"{month}-{index:03d}",
                lsoa=IN_LEICESTER,
                crime_type=crime_type,
                longitude=str(longitude),
                latitude=str(latitude),
            )
            for index, (longitude, latitude, crime_type) in enumerate(rows)
        ]
        path = tmp_path / f"{month}-leicestershire-street.csv"
        path.write_text("\n".join([STREET_HEADER, *lines]) + "\n", encoding="utf-8")
        paths.append(path)
    crime_import(paths=paths)
    return written


def _leicester(world):
    Partnership.objects.filter(pk=world.a.pk).update(area_codes=[LEICESTER])
    world.a.refresh_from_db()
    return world.a


def _month(text: str) -> dt.date:
    return dt.date(int(text[:4]), int(text[5:]), 1)


def test_the_counts_and_the_change_agree_with_an_independent_computation(world, sign_in, crime_months):
    partnership = _leicester(world)
    place = ProblemPlaceFactory(
        partnership=partnership,
        latitude=CENTRE[0],
        longitude=CENTRE[1],
        radius_metres=RADIUS,
        response_started_on=dt.date(2024, 4, 15),
    )

    def expected(
        crime_type: str = "", inside=lambda lon, lat: _distance(lon, lat) <= RADIUS
    ) -> dict[str, int]:
        return {
            month: sum(1 for lon, lat, kind in rows if inside(lon, lat) and crime_type in {"", kind})
            for month, rows in crime_months.items()
        }

    for crime_type in ("", "Burglary"):
        counts = place_counts(place, partnership=partnership, crime_type=crime_type)
        wanted = expected(crime_type)
        assert counts.problem == ""
        assert [(f"{m.month:%Y-%m}", m.count, m.side) for m in counts.months] == [
            *((month, wanted[month], "before") for month in BEFORE),
            *((month, wanted[month], "after") for month in AFTER),
        ]
        # Six whole months since the response against the six just before it.
        assert [f"{month:%Y-%m}" for month in counts.after] == AFTER
        assert [f"{month:%Y-%m}" for month in counts.before] == BEFORE[-6:]
        change = change_between(sum(wanted[m] for m in BEFORE[-6:]), sum(wanted[m] for m in AFTER))
        assert counts.change == change

    everything = place_counts(place, partnership=partnership)
    assert everything.change is not None and everything.change.direction == "fall"
    assert everything.judgement.startswith("This is a real fall: a change this size is unlikely to be chance")
    assert "in the 6 months since the response (May 2024 to October 2024)" in everything.judgement
    assert "in the 6 months before it (October 2023 to March 2024)" in everything.judgement

    place.area = RECTANGLE
    in_area = place_counts(place, partnership=partnership)
    wanted = expected(inside=_in_rectangle)
    assert [m.count for m in in_area.months] == [wanted[month] for month in [*BEFORE, *AFTER]]

    page = sign_in("board_member").get(f"/p/alpha/asb/places/{place.public_id}/")
    assert page.status_code == 200
    assert "This is a real fall" in page.text and 'data-testid="chart"' in page.text
    assert 'data-testid="counts"' in page.text and "September 2024" in page.text
    burglary = sign_in("board_member").get(f"/p/alpha/asb/places/{place.public_id}/?crime_type=Burglary")
    assert "Burglary around" in burglary.text
    printable = sign_in("board_member").get(f"/p/alpha/asb/places/{place.public_id}/?print=1")
    assert "This is a real fall" in printable.text and "govuk-header" not in printable.text


def test_too_few_months_since_the_response_is_not_judged(world, crime_months):
    partnership = _leicester(world)
    place = ProblemPlaceFactory(partnership=partnership, response_started_on=dt.date(2024, 9, 1))
    counts = place_counts(place, partnership=partnership)
    assert counts.change is None
    assert counts.judgement.startswith("Too few months since the response to judge: 2 whole months held")
    assert [m.month for m in counts.months if m.side == "after"] == [
        dt.date(2024, 9, 1),
        dt.date(2024, 10, 1),
    ]


def test_without_a_response_date_the_last_twelve_months_show_and_the_page_says_what_is_needed(
    world, sign_in, crime_months
):
    partnership = _leicester(world)
    place = ProblemPlaceFactory(partnership=partnership)
    counts = place_counts(place, partnership=partnership)
    assert (counts.months[0].month, counts.months[-1].month) == (_month("2023-11"), _month("2024-10"))
    assert counts.change is None
    page = sign_in("board_member").get(f"/p/alpha/asb/places/{place.public_id}/")
    assert "Comparing before and after needs the date the response started." in page.text


def test_with_no_police_uk_data_the_page_says_so_and_never_shows_0(world, sign_in, crime_store, geography):  # noqa: F811
    partnership = _leicester(world)
    place = ProblemPlaceFactory(partnership=partnership, response_started_on=dt.date(2024, 4, 15))
    assert place_counts(place, partnership=partnership).problem == NO_DATA
    page = sign_in("board_member").get(f"/p/alpha/asb/places/{place.public_id}/")
    assert "No police.uk data held for this area." in page.text
    assert 'data-testid="counts"' not in page.text and 'data-testid="chart"' not in page.text
