"""Jinja filters for dates, money and labels the way GOV.UK writes them."""

import datetime as dt
from decimal import Decimal
from typing import Any

from django.utils import timezone
from jinja2 import Environment
from markupsafe import Markup, escape


def govuk_date(value: dt.date | dt.datetime | None) -> str:
    """'5 April 2025', the GOV.UK style."""
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        value = timezone.localtime(value) if timezone.is_aware(value) else value
    return f"{value.day} {value:%B %Y}"


def govuk_datetime(value: dt.datetime | None) -> str:
    """'5 April 2025 at 2:30pm'."""
    if value is None:
        return ""
    local = timezone.localtime(value) if timezone.is_aware(value) else value
    hour = local.hour % 12 or 12
    suffix = "am" if local.hour < 12 else "pm"
    return f"{govuk_date(local)} at {hour}:{local:%M}{suffix}"


def pounds(pence: int | None) -> str:
    """'£239,000.00' for 23900000 pence: money exactly, never through a float."""
    if pence is None:
        return ""
    sign = "-" if pence < 0 else ""
    whole, part = divmod(abs(pence), 100)
    return f"{sign}£{whole:,}.{part:02d}"


def figure_text(number: Decimal, *, grouped: bool = False) -> str:
    """A figure as people write it: 12.5 and 1200 (1,200 grouped), never 12.50 or 1.2E+3."""
    return format(number.normalize(), ",f" if grouped else "f")


def paragraphs(text: str | None) -> Markup:
    """Plain text typed by a person, as GOV.UK body paragraphs; every piece of it escaped."""
    blocks = [block.strip() for block in (text or "").replace("\r\n", "\n").split("\n\n")]
    html = "".join(
        '<p class="govuk-body">' + "<br>".join(escape(line) for line in block.split("\n")) + "</p>"
        for block in blocks
        if block
    )
    return Markup(html)  # noqa: S704 - built only from escaped text


def register_filters(env: Environment) -> None:
    filters: dict[str, Any] = {
        "govuk_date": govuk_date,
        "govuk_datetime": govuk_datetime,
        "paragraphs": paragraphs,
        "pounds": pounds,
    }
    env.filters.update(filters)
