"""Months as people type them (YYYY-MM) and as the data holds them (the first day of the month)."""

import datetime as dt
import re

_MONTH = re.compile(r"^\d{4}-(0[1-9]|1[0-2])$")


def month_parse(text: str) -> dt.date:
    """'2024-03' as the first day of March 2024; ValueError, saying the form expected, otherwise."""
    if not _MONTH.match(text):
        raise ValueError(f"'{text}' is not a month in the form YYYY-MM")
    return dt.date(int(text[:4]), int(text[5:]), 1)
