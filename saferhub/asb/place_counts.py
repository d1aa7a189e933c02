"""Where a problem place is (a circle around a point, or a GeoJSON polygon), and the police.uk crime counts
inside it before and after the JAG's response, with whether the change is real.

The counts are of whole months the store holds for every force of the partnership's area: a month it does
not hold is "not held", never 0. The months compared are the same number on each side of the response: the
whole months since it started (the month it started in counts as after only when it started on the 1st),
up to twelve, against as many months just before it. The change is judged with the assessment's Poisson test
(`change_between`); fewer than MIN_MONTHS months on either side is too few to judge.

police.uk points are snapped to anonymous map points, so the counts are only ever totals for the place.
Only crimes in the partnership's own districts are read: a place on its boundary misses those just over it.
"""

import datetime as dt
import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt
import shapely
from shapely.geometry import shape

from saferhub.asb.models import ProblemPlace
from saferhub.assessment.methods.change import Change, change_between
from saferhub.core.months import months_after
from saferhub.crimedata import counting, schema
from saferhub.crimedata.selectors import months_stored
from saferhub.partnerships.models import Partnership

EARTH_RADIUS_METRES = 6_371_008.8
MONTHS_BEFORE = 12
MIN_MONTHS = 3
NO_DATA = "No police.uk data held for this area"
ALL_CRIME = "All crime and anti-social behaviour"


@dataclass(frozen=True)
class PlaceShape:
    """The ground a place covers: its polygon when it has one, else the circle around its point."""

    latitude: float
    longitude: float
    radius_metres: int
    area: dict[str, Any] | None

    def contains(self, longitudes: Sequence[float], latitudes: Sequence[float]) -> npt.NDArray[np.bool_]:
        """Which of the points lie inside (a point on the polygon's edge counts)."""
        x = np.asarray(longitudes, dtype=np.float64)
        y = np.asarray(latitudes, dtype=np.float64)
        if self.area is not None:
            return np.asarray(shapely.intersects_xy(shape(self.area), x, y), dtype=np.bool_)
        return np.asarray(
            distance_metres(self.longitude, self.latitude, x, y) <= self.radius_metres, dtype=np.bool_
        )

    def bounds(self) -> tuple[float, float, float, float]:
        """(west, south, east, north): a box around the place, to narrow a query before `contains`."""
        if self.area is not None:
            west, south, east, north = shape(self.area).bounds
            return float(west), float(south), float(east), float(north)
        lat_step = math.degrees(self.radius_metres / EARTH_RADIUS_METRES)
        lon_step = lat_step / max(math.cos(math.radians(self.latitude)), 0.01)
        return (
            self.longitude - lon_step,
            self.latitude - lat_step,
            self.longitude + lon_step,
            self.latitude + lat_step,
        )

    @property
    def description(self) -> str:
        if self.area is not None:
            return "within the area drawn"
        return f"within {self.radius_metres:,} metres of its point"


def shape_of(place: ProblemPlace) -> PlaceShape:
    return PlaceShape(
        latitude=place.latitude,
        longitude=place.longitude,
        radius_metres=place.radius_metres,
        area=place.area,
    )


def distance_metres(
    longitude: float, latitude: float, longitudes: npt.NDArray[np.float64], latitudes: npt.NDArray[np.float64]
) -> npt.NDArray[np.float64]:
    """Great-circle (haversine) distances from one point to many."""
    lat1, lat2 = math.radians(latitude), np.radians(latitudes)
    half_dlat = (lat2 - lat1) / 2
    half_dlon = np.radians(longitudes - longitude) / 2
    a = np.sin(half_dlat) ** 2 + math.cos(lat1) * np.cos(lat2) * np.sin(half_dlon) ** 2
    return np.asarray(2 * EARTH_RADIUS_METRES * np.arcsin(np.sqrt(np.clip(a, 0.0, 1.0))), dtype=np.float64)


# --- The counts -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class MonthCount:
    month: dt.date
    count: int | None  # None: the store does not hold the month
    side: str  # "before", "after" or "" (no response date)
    compared: bool  # one of the months the change compares


@dataclass(frozen=True)
class PlaceCounts:
    what: str
    problem: str  # why there is nothing to count (NO_DATA), else ""
    months: tuple[MonthCount, ...]
    before: tuple[dt.date, ...]  # the months compared, before the response
    after: tuple[dt.date, ...]  # and since it
    change: Change | None
    judgement: str  # the change in words, or why it cannot be judged


def crime_types() -> list[tuple[str, str]]:
    """The choices of what to count: everything, or one police.uk crime type."""
    return [("", ALL_CRIME), *((name, name) for name in sorted(schema.POLICEUK_CRIME_TYPES))]


def _held_months(scope: counting.AreaScope) -> frozenset[dt.date]:
    """The months the store holds for every force of the area: one force's gap is a gap in the place's."""
    stored = months_stored(source=schema.SOURCE_POLICEUK_STREET)
    forces = counting.forces_of(scope)
    if not forces:
        return frozenset()
    held = [frozenset(stored.get(force, ())) for force in forces]
    return frozenset.intersection(*held)


def _count_in(
    place_shape: PlaceShape, scope: counting.AreaScope, what: counting.CountFilter, month: dt.date
) -> int:
    longitudes, latitudes, _ = counting.crime_points(scope=scope, what=what, month_from=month, month_to=month)
    if not longitudes:
        return 0
    return int(place_shape.contains(longitudes, latitudes).sum())


def _span(months: Sequence[dt.date]) -> str:
    if not months:
        return ""
    first, last = months[0], months[-1]
    if first == last:
        return f"{first:%B %Y}"
    return f"{first:%B %Y} to {last:%B %Y}"


def _crimes(count: int) -> str:
    return f"{count:,} crime{'' if count == 1 else 's'}"


def change_words(change: Change, before: Sequence[dt.date], after: Sequence[dt.date]) -> str:
    """The change in a sentence a JAG can act on, naming the months compared."""
    months = len(after)
    counted = (
        f"{_crimes(change.current)} in the {months} months since the response ({_span(after)}), against "
        f"{_crimes(change.previous)} in the {months} months before it ({_span(before)})"
    )
    if change.percent is not None and change.absolute:
        counted += f": {abs(change.percent):.0f}% {'more' if change.absolute > 0 else 'fewer'}"
    if change.significant:
        verdict = f"This is {change.words}: a change this size is unlikely to be chance"
    else:
        verdict = f"This is {change.words}: a change this size could be chance"
    return f"{verdict} (Poisson test, p = {change.p_value:.3f}). {counted}."


def _nothing(what: str) -> PlaceCounts:
    return PlaceCounts(what, NO_DATA, (), (), (), None, "")


def _months_back(last: dt.date, count: int) -> list[dt.date]:
    return [months_after(last, -offset) for offset in reversed(range(count))]


def place_counts(place: ProblemPlace, *, partnership: Partnership, crime_type: str = "") -> PlaceCounts:
    """The place's monthly counts of one crime type (or all of them, ASB included) and the change since the
    response started."""
    what = counting.CountFilter(categories=(crime_type,) if crime_type else ())
    label = crime_type or ALL_CRIME
    try:
        scope = counting.area_scope(partnership.slug)
    except counting.UnknownArea:
        return _nothing(label)
    held = _held_months(scope)
    if not held:
        return _nothing(label)
    place_shape = shape_of(place)
    latest = max(held)

    def counted(month: dt.date, side: str, compared: bool) -> MonthCount:
        count = _count_in(place_shape, scope, what, month) if month in held else None
        return MonthCount(month, count, side, compared)

    started = place.response_started_on
    if started is None:
        months = tuple(counted(month, "", False) for month in _months_back(latest, MONTHS_BEFORE))
        return PlaceCounts(
            label,
            "",
            months,
            (),
            (),
            None,
            "Comparing before and after needs the date the response started.",
        )
    response_month = started.replace(day=1)
    first_after = response_month if started.day == 1 else months_after(response_month, 1)
    before_window = _months_back(months_after(response_month, -1), MONTHS_BEFORE)
    after: list[dt.date] = []
    month = first_after
    while month in held and len(after) < MONTHS_BEFORE:
        after.append(month)
        month = months_after(month, 1)
    held_before = [month for month in before_window if month in held]
    compared = min(len(after), len(held_before))
    after_compared, before_compared = after[:compared], held_before[len(held_before) - compared :]
    months = tuple(
        [counted(month, "before", month in before_compared) for month in before_window]
        + [counted(month, "after", month in after_compared) for month in after]
    )
    if all(m.count is None for m in months):
        return _nothing(label)
    if len(after) < MIN_MONTHS:
        return PlaceCounts(
            label,
            "",
            months,
            (),
            (),
            None,
            f"Too few months since the response to judge: {len(after)} whole month"
            f"{'' if len(after) == 1 else 's'} held since it started, and it takes {MIN_MONTHS}.",
        )
    if compared < MIN_MONTHS:
        return PlaceCounts(
            label, "", months, (), (), None, "Too few months held before the response to judge."
        )
    totals = {
        side: sum(m.count or 0 for m in months if m.compared and m.side == side)
        for side in ("before", "after")
    }
    change = change_between(totals["before"], totals["after"])
    return PlaceCounts(
        label,
        "",
        months,
        tuple(before_compared),
        tuple(after_compared),
        change,
        change_words(change, before_compared, after_compared),
    )
