"""The forms refuse what a person might mistype, with a specific message, and save nothing."""

import datetime as dt
from decimal import Decimal

import pytest
from django import forms as django_forms
from django.utils import timezone

from saferhub.performance import services
from saferhub.performance.forms import FigureForm, RoundForm, parse_decimal
from saferhub.performance.tests.factories import ManualMeasureFactory


@pytest.mark.parametrize(
    ("text", "value"),
    [("12", 12), ("12.5", Decimal("12.5")), ("1,234", 1234), (" -5 ", -5), (".5", Decimal(".5"))],
)
def test_a_number_is_read_as_written(text, value):
    assert parse_decimal(text) == value


@pytest.mark.parametrize("text", ["12,5", "1,23", "1e3", "NaN", "Infinity", "abc", "=SUM(A1:A2)"])
def test_a_comma_is_only_a_thousands_separator_and_nothing_else_passes(text):
    """'12,5' (twelve and a half, written the continental way) must not become 125."""
    with pytest.raises(django_forms.ValidationError, match=r"Enter a number, like 12 or 12\.5"):
        parse_decimal(text)


def test_a_huge_figure_is_told_the_limit():
    with pytest.raises(django_forms.ValidationError, match="smaller than 1,000,000,000,000"):
        parse_decimal("99999999999999999")


@pytest.mark.django_db
def test_a_figure_for_a_period_still_to_come_is_refused(world):
    measure = ManualMeasureFactory(priority=world.records["a"]["priority"])
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    for day, message in [(tomorrow, "today or earlier"), (dt.date(1900, 1, 1), "from 1 January 2000")]:
        form = FigureForm({"period_end": day.isoformat(), "value": "7"}, measure=measure)
        assert not form.is_valid()
        assert message in form.errors["period_end"][0]
    assert FigureForm({"period_end": "2025-09-30", "value": "7"}, measure=measure).is_valid()


@pytest.mark.django_db
def test_a_new_quarter_cannot_be_due_in_the_past_but_an_open_one_keeps_its_date(world):
    manager = world.people["partnership_manager"]
    yesterday = timezone.localdate() - dt.timedelta(days=1)
    data = {
        "quarter": "2",
        "financial_year": "2025",
        "due_on": yesterday.isoformat(),
        "remind_days_before": "7",
        "remind_days_after": "3",
    }
    form = RoundForm(data, partnership=world.a)
    assert not form.is_valid()
    assert form.errors["due_on"] == ["Enter a due date today or later"]
    services.reporting_round_open(
        actor=manager, partnership=world.a, financial_year=2025, quarter=2, due_on=yesterday
    )
    assert RoundForm(data, partnership=world.a).is_valid()  # opening it again adds new priorities' returns
    form = RoundForm({**data, "due_on": "2099-01-01"}, partnership=world.a)
    assert not form.is_valid()
    assert f"due on {yesterday.day} {yesterday:%B %Y}:" in form.errors["due_on"][0]
