"""The control chart: the series as a line broken where a month is not held, its limits, the signals."""

import xml.etree.ElementTree as ET  # parses only markup the test itself rendered

from django.template import engines

from saferhub.design_system.control_charts import control_chart


def _chart(values):
    return control_chart(
        chart_id="c",
        title="Burglary by month",
        labels=[f"Month {i}" for i in range(len(values))],
        values=values,
        centre=10,
        upper=20,
        lower=-2,
        signals=["above the upper limit" if v and v > 20 else "" for v in values],
        axis_labels=["Jan 2023", "", "", ""][: len(values)],
    )


def test_a_month_not_held_breaks_the_line_and_has_no_point():
    chart = _chart([5, None, 12, 25])
    assert chart.path.count("M") == 2 and chart.path.count("L") == 1
    assert [point.label for point in chart.points] == ["Month 0", "Month 2", "Month 3"]


def test_the_signalling_point_and_the_levels_are_where_the_values_are():
    chart = _chart([5, 8, 12, 25])
    assert [point.signal for point in chart.points] == ["", "", "", "above the upper limit"]
    upper, centre, lower = chart.levels
    assert upper.y < centre.y < lower.y == chart.plot_bottom  # a negative lower limit is drawn at 0
    assert lower.label == "Lower limit 0"
    top_point = chart.points[-1]
    assert top_point.y < upper.y  # 25 is drawn above the limit of 20


def test_the_macro_draws_valid_svg_with_a_diamond_for_each_signal():
    template = engines["jinja2"].from_string(
        '{% from "design_system/control_chart.html" import control_chart %}{{ control_chart(chart) }}'
    )
    svg = ET.fromstring(template.render({"chart": _chart([5, 8, 12, 25])}))  # noqa: S314 - our own markup
    titles = [element.text for element in svg.iter("{http://www.w3.org/2000/svg}title")]
    assert "Month 3: 25 (above the upper limit)" in titles
    assert svg.get("role") == "img" and "Burglary by month" in svg.get("aria-label")
