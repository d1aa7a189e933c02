"""The XmR chart, Anhøj run rules and seasonal indices (analytics-methods §3.5–3.6)."""

import dataclasses

import pytest
from hypothesis import given
from hypothesis import strategies as st

from saferhub.assessment.methods.spc import (
    anhoj_crossings_minimum,
    anhoj_longest_run_limit,
    seasonal_index,
    xmr_chart,
)


def test_xmr_chart_gives_the_reference_values():
    chart = xmr_chart([90, 85, 92, 67, 98, 83, 94, 91])
    assert chart.centre == pytest.approx(87.5)
    assert chart.mean_moving_range == pytest.approx(13.857142857, abs=1e-9)
    assert chart.upper == pytest.approx(124.36, abs=5e-3)
    assert chart.lower == pytest.approx(50.64, abs=5e-3)
    assert chart.lower_shown == chart.lower
    assert chart.moving_range_upper == pytest.approx(45.271, abs=5e-4)
    assert chart.outside == (False,) * 8


def test_the_chart_constants_are_configurable():
    chart = xmr_chart([90, 85, 92, 67, 98, 83, 94, 91], limit_factor=3.0, moving_range_factor=3.0)
    assert chart.upper == pytest.approx(87.5 + 3 * 97 / 7)
    assert chart.moving_range_upper == pytest.approx(3 * 97 / 7)


def test_a_spike_is_outside_the_limits():
    chart = xmr_chart([10, 11, 9, 10, 12, 9, 11, 10, 40])
    assert chart.outside == (False,) * 8 + (True,)


def test_a_count_chart_shows_no_limit_below_zero():
    chart = xmr_chart([0, 10, 0, 10, 0, 10])
    assert chart.lower < 0
    assert chart.lower_shown == 0.0


def test_a_long_run_on_one_side_is_flagged():
    # 16 useful points: the limit is round(log2 16 + 3) = 7, so eight in a row above the centre signal.
    values = [10, 0] * 4 + [6] * 8  # centre 5.5
    chart = xmr_chart(values)
    assert chart.longest_run_limit == 7
    assert chart.longest_run == 8
    assert chart.in_long_run == (False,) * 8 + (True,) * 8


def test_a_point_on_the_centre_line_neither_breaks_nor_extends_a_run():
    # The mean is exactly 2: the 2 sits between three 1s and three 1s, which make one run of six.
    values = [1, 1, 1, 2, 1, 1, 1, 3, 3, 3, 3, 3, 3]
    chart = xmr_chart(values)
    assert chart.centre == 2
    assert chart.longest_run == 6
    assert chart.crossings == 1
    assert chart.longest_run_limit == anhoj_longest_run_limit(12)
    assert chart.crossings_minimum == anhoj_crossings_minimum(12) == 3
    assert chart.too_few_crossings
    assert not chart.in_long_run[3]


def test_a_zigzag_crosses_every_time_and_signals_nothing():
    chart = xmr_chart([5, 7] * 12)
    assert chart.crossings == 23
    assert not chart.too_few_crossings
    assert not any(chart.in_long_run)


@pytest.mark.parametrize(
    ("n", "longest_run", "fewest_crossings"), [(10, 6, 2), (20, 7, 6), (24, 8, 8), (30, 8, 10)]
)
def test_anhoj_limits(n, longest_run, fewest_crossings):
    assert anhoj_longest_run_limit(n) == longest_run
    assert anhoj_crossings_minimum(n) == fewest_crossings


def test_the_crossings_quantile_is_configurable():
    assert anhoj_crossings_minimum(30, quantile=0.01) < anhoj_crossings_minimum(30)
    values = [5, 7] * 12
    assert xmr_chart(values, crossings_quantile=0.01).crossings_minimum == anhoj_crossings_minimum(
        24, quantile=0.01
    )


def test_xmr_chart_refuses_too_little_data():
    with pytest.raises(ValueError):
        xmr_chart([4])
    with pytest.raises(ValueError):
        xmr_chart([4, float("nan")])


def test_xmr_chart_is_frozen():
    chart = xmr_chart([1, 2, 3])
    with pytest.raises(dataclasses.FrozenInstanceError):
        chart.centre = 0


@given(st.lists(st.integers(0, 500), min_size=2, max_size=60))
def test_xmr_chart_holds_together_for_any_counts(values):
    chart = xmr_chart(values)
    assert chart.lower <= chart.centre <= chart.upper
    assert chart.lower_shown >= 0
    assert len(chart.outside) == len(chart.in_long_run) == len(values)
    useful = sum(value != chart.centre for value in values)
    assert 0 <= chart.crossings <= max(useful - 1, 0)
    assert chart.longest_run <= useful
    assert any(chart.in_long_run) == (chart.longest_run > chart.longest_run_limit)


def test_seasonal_index():
    index = seasonal_index({1: [10, 14], 2: [6]})
    assert index == pytest.approx({1: 12 / 9, 2: 6 / 9})


def test_seasonal_index_averages_one_and_refuses_nonsense():
    index = seasonal_index({month: [month, month + 2] for month in range(1, 13)})
    assert sum(index.values()) / 12 == pytest.approx(1.0)
    assert index[12] > index[1]
    with pytest.raises(ValueError):
        seasonal_index({13: [1.0]})
    with pytest.raises(ValueError):
        seasonal_index({1: [0.0], 2: [0.0]})
    assert seasonal_index({}) == {}
