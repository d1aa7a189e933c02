"""The geometry of server-drawn charts: bars in proportion, round axis steps, labels that do not collide."""

import datetime as dt

import pytest
from jinja2 import Environment, PackageLoader

from saferhub.design_system.charts import (
    MARGIN_BOTTOM,
    MARGIN_LEFT,
    MARGIN_RIGHT,
    MARGIN_TOP,
    bar_chart,
    monthly_axis_labels,
    nice_step,
    nice_ticks,
    number_text,
)


@pytest.mark.parametrize(
    ("maximum", "integers", "ticks"),
    [
        (123, False, [0, 25, 50, 75, 100, 125]),
        (1000, False, [0, 200, 400, 600, 800, 1000]),
        (3, True, [0, 1, 2, 3]),
        (7, True, [0, 2, 4, 6, 8]),
        (0.6, False, [0, 0.2, 0.4, 0.6]),
        (0, True, [0, 1]),
        (12_345, True, [0, 2_500, 5_000, 7_500, 10_000, 12_500]),
    ],
)
def test_ticks_are_round_and_reach_the_maximum(maximum, integers, ticks):
    assert nice_ticks(maximum, integers=integers) == ticks


def test_counts_never_get_fractional_steps():
    assert nice_step(0.4, integers=True) == 1
    assert nice_step(2.2, integers=True) == 5  # not 2.5
    assert nice_step(22, integers=True) == 25


def test_negative_values_are_refused():
    with pytest.raises(ValueError, match="0 or more"):
        nice_ticks(-1)
    with pytest.raises(ValueError, match="0 or more"):
        bar_chart(chart_id="c", title="t", labels=["a"], values=[-1])


def test_a_label_for_each_value():
    with pytest.raises(ValueError, match="a label for each value"):
        bar_chart(chart_id="c", title="t", labels=["a"], values=[1, 2])


def test_bars_stand_on_the_axis_in_proportion_and_fill_the_plot():
    chart = bar_chart(
        chart_id="c", title="t", labels=["a", "b", "c", "d"], values=[0, 50, 100, 25], width=440, height=300
    )
    bottom = 300 - MARGIN_BOTTOM
    plot_height = bottom - MARGIN_TOP
    assert chart.ticks[-1].label == "100" and chart.ticks[-1].y == MARGIN_TOP
    heights = [bar.height for bar in chart.bars]
    assert heights == [0, plot_height / 2, plot_height, plot_height / 4]
    assert all(bar.y + bar.height == pytest.approx(bottom, abs=0.01) for bar in chart.bars)
    slot = (440 - MARGIN_LEFT - MARGIN_RIGHT) / 4
    assert [bar.x for bar in chart.bars] == pytest.approx(
        [MARGIN_LEFT + slot * (i + 0.1) for i in range(4)], abs=0.01
    )
    assert all(bar.width == pytest.approx(slot * 0.8, abs=0.01) for bar in chart.bars)
    assert chart.bars[-1].x + chart.bars[-1].width < 440 - MARGIN_RIGHT
    assert [tick.y for tick in chart.ticks] == sorted((tick.y for tick in chart.ticks), reverse=True)


def test_an_all_zero_series_draws_flat_bars_on_a_unit_axis():
    chart = bar_chart(chart_id="c", title="t", labels=["a", "b"], values=[0, 0])
    assert [bar.height for bar in chart.bars] == [0, 0]
    assert [tick.label for tick in chart.ticks] == ["0", "1"]


def test_a_missing_value_has_no_bar_and_says_so():
    chart = bar_chart(
        chart_id="c", title="t", labels=["a", "b", "c"], values=[4, None, 8], missing_text="not held"
    )
    assert [bar.height for bar in chart.bars][1] == 0
    assert (chart.bars[1].value, chart.bars[1].value_text) == (None, "not held")
    assert chart.ticks[-1].label == "8"  # the axis is drawn for the values there are


def test_the_macro_shades_a_missing_values_slot():
    env = Environment(loader=PackageLoader("saferhub.design_system", "jinja2"), autoescape=True)
    macro = env.get_template("design_system/chart.html").module.bar_chart
    svg = str(macro(bar_chart(chart_id="c", title="t", labels=["a", "b"], values=[None, 2])))
    assert svg.count('data-missing="true"') == 1
    assert svg.count('fill="#1d70b8"') == 1
    assert "<title>a: no data</title>" in svg


def test_values_are_written_with_thousands_separators():
    chart = bar_chart(chart_id="c", title="t", labels=["a"], values=[12345])
    assert chart.bars[0].value_text == "12,345"
    assert number_text(2.5) == "2.50"


def months(first: dt.date, count: int) -> list[dt.date]:
    index = first.year * 12 + first.month - 1
    return [dt.date((index + i) // 12, (index + i) % 12 + 1, 1) for i in range(count)]


def test_a_monthly_axis_labels_januaries_and_a_first_month_that_has_room():
    labels = monthly_axis_labels(months(dt.date(2020, 4, 1), 36))
    assert [(i, label) for i, label in enumerate(labels) if label] == [
        (0, "Apr 2020"),
        (9, "Jan 2021"),
        (21, "Jan 2022"),
        (33, "Jan 2023"),
    ]
    crowded = monthly_axis_labels(months(dt.date(2020, 12, 1), 36))
    assert crowded[0] == ""  # one bar before January: its label would run into January's


def test_a_long_monthly_axis_labels_every_other_january():
    labels = [label for label in monthly_axis_labels(months(dt.date(2010, 12, 1), 14 * 12)) if label]
    assert len(labels) <= 8
    assert labels[:3] == ["Jan 2011", "Jan 2013", "Jan 2015"]


def test_axis_labels_are_thinned_to_the_most_allowed():
    chart = bar_chart(chart_id="c", title="t", labels=[str(i) for i in range(40)], values=[1] * 40)
    assert [label.label for label in chart.axis_labels] == [str(i) for i in range(0, 40, 5)]


def test_the_macro_draws_an_image_with_a_text_alternative_and_no_style():
    env = Environment(loader=PackageLoader("saferhub.design_system", "jinja2"), autoescape=True)
    macro = env.get_template("design_system/chart.html").module.bar_chart
    chart = bar_chart(
        chart_id="burglary",
        title="Burglary <by month>",
        description="The table gives every figure.",
        labels=["January 2023", "February 2023"],
        values=[3, 5],
    )
    svg = str(macro(chart))
    assert svg.startswith("<svg")
    assert 'role="img"' in svg
    assert 'aria-label="Burglary &lt;by month&gt;. The table gives every figure."' in svg
    assert "<title>Burglary &lt;by month&gt;</title>" in svg
    assert svg.count("<rect ") == 2
    assert "<title>February 2023: 5</title>" in svg
    assert "style" not in svg
    assert "<script" not in svg


def test_a_target_is_a_dashed_line_the_axis_reaches():
    """A target above every bar still fits: the axis goes up to it, and the line is at its height."""
    chart = bar_chart(
        chart_id="t",
        title="Shoplifting",
        labels=["Q1", "Q2"],
        values=[40, 60],
        target=100,
        target_label="Target: 100",
    )
    assert chart.ticks[-1].label == "100"
    assert chart.target_y == chart.plot_top
    assert chart.target_label == "Target: 100"
    with pytest.raises(ValueError, match="target of 0 or more"):
        bar_chart(chart_id="t", title="x", labels=["a"], values=[1], target=-1)
