"""Confidence intervals for counts and rates per 1,000: the reference table of analytics-methods §3.4."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from saferhub.assessment.methods.intervals import byar_interval, garwood_interval, rate_per_1000

# k, exact lower, exact upper, Byar lower, Byar upper, each given to 4 decimal places (Byar's k = 0 to 3).
REFERENCE = [
    (0, 0.0, 3.6889, None, 3.668),
    (5, 1.6235, 11.6683, 1.6113, 11.6682),
    (25, 16.1787, 36.9049, 16.1743, 36.9065),
    (120, 99.4919, 143.4906, 99.4902, 143.4917),
]


@pytest.mark.parametrize(("k", "lower", "upper", "_byar_lower", "_byar_upper"), REFERENCE)
def test_garwood_gives_the_reference_values(k, lower, upper, _byar_lower, _byar_upper):
    assert garwood_interval(k) == pytest.approx((lower, upper), abs=5e-5)


@pytest.mark.parametrize(("k", "_lower", "_upper", "byar_lower", "byar_upper"), REFERENCE)
def test_byar_gives_the_reference_values(k, _lower, _upper, byar_lower, byar_upper):
    lower, upper = byar_interval(k)
    if byar_lower is None:
        assert lower is None
        assert upper == pytest.approx(byar_upper, abs=5e-4)
    else:
        assert (lower, upper) == pytest.approx((byar_lower, byar_upper), abs=5e-5)


def test_a_higher_confidence_gives_a_wider_interval():
    lower_95, upper_95 = garwood_interval(25)
    lower_99, upper_99 = garwood_interval(25, confidence=0.99)
    assert lower_99 < lower_95 and upper_99 > upper_95


@given(st.integers(0, 10_000))
def test_the_exact_interval_contains_the_count(k):
    lower, upper = garwood_interval(k)
    assert 0 <= lower <= k < upper


@given(st.integers(5, 10_000))
def test_byar_is_within_one_percent_of_exact_from_five(k):
    exact_lower, exact_upper = garwood_interval(k)
    byar_lower, byar_upper = byar_interval(k)
    assert byar_lower == pytest.approx(exact_lower, rel=1e-2)
    assert byar_upper == pytest.approx(exact_upper, rel=1e-2)


@pytest.mark.parametrize("bad", [{"k": -1}, {"k": 3, "confidence": 1.0}, {"k": 3, "confidence": 0}])
def test_intervals_refuse_nonsense(bad):
    with pytest.raises(ValueError):
        garwood_interval(**bad)
    with pytest.raises(ValueError):
        byar_interval(**bad)


def test_rate_per_1000():
    assert rate_per_1000(25, 5_000) == pytest.approx(5.0)
    assert rate_per_1000(3, 250) == pytest.approx(12.0)
    assert rate_per_1000(0, 1_200) == 0.0
    assert rate_per_1000(25, 0) is None
