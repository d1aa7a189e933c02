"""The filters that write figures and money for people: exactly, and as people write them."""

from decimal import Decimal

import pytest

from saferhub.design_system.filters import figure_text, pounds


@pytest.mark.parametrize(
    ("number", "plain", "grouped"),
    [
        (Decimal("1000"), "1000", "1,000"),  # not 1E+3, which a Decimal's normal form is
        (Decimal("12.50"), "12.5", "12.5"),
        (Decimal("40.00"), "40", "40"),
        (Decimal("0.0000001"), "0.0000001", "0.0000001"),  # not 1E-7
        (Decimal("1234567.25"), "1234567.25", "1,234,567.25"),
    ],
)
def test_a_figure_is_written_in_full_without_trailing_zeros(number, plain, grouped):
    assert figure_text(number) == plain
    assert figure_text(number, grouped=True) == grouped
    assert Decimal(plain) == number  # nothing lost


@pytest.mark.parametrize(
    ("pence", "shown"), [(23_900_000, "£239,000.00"), (1, "£0.01"), (-50_000, "-£500.00"), (None, "")]
)
def test_money_is_shown_to_the_penny(pence, shown):
    assert pounds(pence) == shown
