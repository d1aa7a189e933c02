"""The RAG rule and direction of travel, as docs/performance.md states them."""

from decimal import Decimal as D  # noqa: N817 - the table below reads better short

import pytest

from saferhub.performance.rag import direction_of_travel, rag_status, worst


@pytest.mark.parametrize(
    ("value", "target", "direction", "tolerance", "expected"),
    [
        # Reduce to 100 with a 5% tolerance and the default 10% amber margin.
        (D(90), D(100), "reduce", D(5), "green"),  # better than the target
        (D(105), D(100), "reduce", D(5), "green"),  # 5% over: within tolerance
        (D(106), D(100), "reduce", D(5), "amber"),
        (D(115), D(100), "reduce", D(5), "amber"),  # 15% = tolerance + margin: still amber
        (D(116), D(100), "reduce", D(5), "red"),
        # Increase to 30 with no tolerance.
        (D(30), D(30), "increase", D(0), "green"),
        (D(28), D(30), "increase", D(0), "amber"),  # 6.7% short
        (D(26), D(30), "increase", D(0), "red"),  # 13.3% short
        (D(40), D(30), "increase", D(0), "green"),
        # Maintain at 50: either side counts.
        (D(55), D(50), "maintain", D(10), "green"),  # 10% over
        (D(44), D(50), "maintain", D(10), "amber"),  # 12% under
        (D(60), D(50), "maintain", D(10), "amber"),  # 20% over = tolerance + margin
        (D(61), D(50), "maintain", D(10), "red"),
        (D(39), D(50), "maintain", D(10), "red"),
        # A target of 0: on it or better is green; anything worse is red.
        (D(0), D(0), "reduce", D(5), "green"),
        (D(1), D(0), "reduce", D(5), "red"),
    ],
)
def test_rag_rule(value, target, direction, tolerance, expected):
    status = rag_status(
        value=value, target=target, direction=direction, tolerance=tolerance, amber_margin=D(10)
    )
    assert status == expected


def test_the_partnership_can_widen_amber():
    args = {"value": D(125), "target": D(100), "direction": "reduce", "tolerance": D(0)}
    assert rag_status(**args, amber_margin=D(10)) == "red"
    assert rag_status(**args, amber_margin=D(25)) == "amber"


def test_no_figure_no_status():
    assert rag_status(value=None, target=D(1), direction="reduce", tolerance=D(0), amber_margin=D(10)) is None


def test_direction_of_travel_follows_what_the_measure_wants():
    assert direction_of_travel(latest=D(8), previous=D(10), direction="reduce") == "Improving"
    assert direction_of_travel(latest=D(8), previous=D(10), direction="increase") == "Worsening"
    assert direction_of_travel(latest=D(8), previous=D(8), direction="increase") == "No change"
    assert direction_of_travel(latest=D(8), previous=None, direction="increase") == "Not enough figures yet"


def test_exceptions_first():
    assert worst(["green", "amber", ""]) == "amber"
    assert worst(["green", "red", "amber"]) == "red"
    assert worst(["", ""]) == ""
