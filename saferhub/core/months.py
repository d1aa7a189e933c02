"""Months as people type them (YYYY-MM) and as the data holds them (the first day of the month)."""

import calendar
import datetime as dt
import re

_MONTH = re.compile(r"^\d{4}-(0[1-9]|1[0-2])$")


def month_parse(text: str) -> dt.date:
    """'2024-03' as the first day of March 2024; ValueError, saying the form expected, otherwise."""
    if not _MONTH.match(text):
        raise ValueError(f"'{text}' is not a month in the form YYYY-MM")
    return dt.date(int(text[:4]), int(text[5:]), 1)


def months_after(day: dt.date, months: int) -> dt.date:
    """The same day `months` calendar months later, or that month's last day when it is shorter: a month
    after 31 January is 28 (or 29) February."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))
