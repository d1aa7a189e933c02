"""Working days: Monday to Friday, except the bank holidays of England and Wales (ADR 0019).

The bank holidays come from the `holidays` library, which follows the published GOV.UK list, including
substitute days ("Boxing Day (observed)") and one-off holidays proclaimed for an occasion.
"""

import datetime as dt
from functools import cache

import holidays

SATURDAY = 5


@cache
def bank_holidays(year: int) -> frozenset[dt.date]:
    # England and Wales share one list of bank holidays; the library files it under England ("ENG").
    return frozenset(holidays.country_holidays("GB", subdiv="ENG", years=year))


def is_working_day(day: dt.date) -> bool:
    return day.weekday() < SATURDAY and day not in bank_holidays(day.year)


def working_days_after(start: dt.date, days: int) -> dt.date:
    """The date `days` working days after `start` (which is not counted itself, working day or not)."""
    if days < 0:
        raise ValueError("Count working days forwards: days must not be negative")
    day = start
    while days:
        day += dt.timedelta(days=1)
        if is_working_day(day):
            days -= 1
    return day
