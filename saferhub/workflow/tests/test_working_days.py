"""Working days skip weekends and the bank holidays of England and Wales, substitute days included."""

import datetime as dt

import pytest

from saferhub.workflow.working_days import is_working_day, working_days_after


@pytest.mark.parametrize(
    ("start", "days", "expected"),
    [
        # Christmas 2026 is a Friday and Boxing Day a Saturday: its substitute is Monday 28 December.
        (dt.date(2026, 12, 24), 1, dt.date(2026, 12, 29)),
        # Christmas 2027 falls on a Saturday: both substitutes, 27 and 28 December, are off.
        (dt.date(2027, 12, 24), 1, dt.date(2027, 12, 29)),
        # Good Friday 3 April and Easter Monday 6 April 2026.
        (dt.date(2026, 4, 2), 1, dt.date(2026, 4, 7)),
        # Easter Monday 2027 is 29 March, after Good Friday 26 March.
        (dt.date(2027, 3, 25), 2, dt.date(2027, 3, 31)),
        # The early May bank holidays: 4 May 2026 and 3 May 2027.
        (dt.date(2026, 5, 1), 1, dt.date(2026, 5, 5)),
        (dt.date(2027, 4, 30), 1, dt.date(2027, 5, 4)),
        # An ordinary fortnight: ten working days after a Monday is the Monday two weeks on.
        (dt.date(2026, 6, 8), 10, dt.date(2026, 6, 22)),
        # Twenty working days across Christmas and New Year 2026/27.
        (dt.date(2026, 12, 18), 20, dt.date(2027, 1, 20)),
        (dt.date(2026, 6, 8), 0, dt.date(2026, 6, 8)),
    ],
)
def test_working_days_after_skips_weekends_and_bank_holidays(start, days, expected):
    assert working_days_after(start, days) == expected


def test_bank_holidays_are_not_working_days_and_ordinary_weekdays_are():
    assert not is_working_day(dt.date(2026, 8, 31))  # the summer bank holiday
    assert not is_working_day(dt.date(2027, 1, 1))
    assert not is_working_day(dt.date(2026, 6, 13))  # a Saturday
    assert is_working_day(dt.date(2026, 3, 17))  # St Patrick's Day is a holiday in Northern Ireland only


def test_counting_backwards_is_refused():
    with pytest.raises(ValueError, match="must not be negative"):
        working_days_after(dt.date(2026, 6, 8), -1)
