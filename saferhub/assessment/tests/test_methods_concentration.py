"""Concentration of crime across places: the toy vectors of analytics-methods §3.10 and their properties."""

import itertools

import pytest
from hypothesis import given
from hypothesis import strategies as st

from saferhub.assessment.methods.concentration import generalised_gini, gini, lorenz_curve, top_share


def test_gini_reference_value():
    assert gini([0, 0, 0, 0, 0, 0, 1, 1, 3, 5]) == pytest.approx(0.74, abs=1e-12)


def test_generalised_gini_reference_value():
    # n = 5 crimes in N = 14 places.
    counts = [0] * 10 + [1, 1, 2, 1]
    assert gini(counts) == pytest.approx(0.7571, abs=5e-5)
    assert generalised_gini(counts) == pytest.approx(0.32, abs=1e-12)


def test_generalised_gini_is_zero_for_the_most_equal_spread_the_data_allow():
    # Three crimes in eight places: plain Gini calls this concentrated (5/8), though it could not be less so.
    counts = [1, 1, 1, 0, 0, 0, 0, 0]
    assert gini(counts) == pytest.approx(5 / 8)
    assert generalised_gini(counts) == pytest.approx(0.0, abs=1e-12)


def test_equal_counts_and_no_crime_are_not_concentrated():
    assert gini([4, 4, 4, 4]) == pytest.approx(0.0, abs=1e-12)
    assert gini([0, 0, 0]) == 0.0
    assert generalised_gini([0, 0, 0]) == 0.0


def test_all_crime_in_one_place_is_the_most_concentrated():
    assert gini([0, 0, 0, 9]) == pytest.approx(3 / 4)


def test_concentration_refuses_nonsense():
    for bad in ([], [1, -1], [float("nan")]):
        with pytest.raises(ValueError):
            gini(bad)
    with pytest.raises(ValueError):
        top_share([1, 2], 0)


counts_lists = st.lists(st.integers(0, 1000), min_size=1, max_size=80)


@given(counts_lists)
def test_gini_lies_in_zero_to_one_and_ignores_order_and_scale(counts):
    coefficient = gini(counts)
    assert 0 <= coefficient < 1
    assert gini(list(reversed(counts))) == pytest.approx(coefficient, abs=1e-12)
    assert gini([3 * c for c in counts]) == pytest.approx(coefficient, abs=1e-12)


@given(counts_lists)
def test_generalised_gini_is_gini_once_crimes_outnumber_places(counts):
    if sum(counts) >= len(counts):
        assert generalised_gini(counts) == gini(counts)
    else:
        assert generalised_gini(counts) <= gini(counts) + 1e-12


@given(counts_lists)
def test_the_lorenz_curve_encloses_half_the_gini(counts):
    curve = lorenz_curve(counts)
    assert curve[0] == (0.0, 0.0) and curve[-1] == (1.0, 1.0)
    assert all(y1 <= y2 for (_, y1), (_, y2) in itertools.pairwise(curve))
    area_under = sum((x2 - x1) * (y1 + y2) / 2 for (x1, y1), (x2, y2) in itertools.pairwise(curve))
    assert 0.5 - area_under == pytest.approx(gini(counts) / 2, abs=1e-9)


def test_top_share_takes_the_ceiling_of_places():
    counts = list(range(1, 31))  # 30 places, total 465
    # 10% of 30 is exactly 3 places (not the 4 that 0.1 × 30 = 3.0000000000000004 would round up to).
    assert top_share(counts, 0.10) == pytest.approx((30 + 29 + 28) / 465)
    # 5% of 30 is 1.5, so 2 places.
    assert top_share(counts, 0.05) == pytest.approx((30 + 29) / 465)
    assert top_share(counts, 1.0) == pytest.approx(1.0)
    assert top_share([0, 0], 0.5) == 0.0


@given(counts_lists, st.floats(0.01, 1.0))
def test_top_share_is_at_least_the_share_of_places(counts, fraction):
    if sum(counts):
        assert top_share(counts, fraction) >= min(fraction, 1.0) - 1e-12
