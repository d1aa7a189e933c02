"""Judging a measure fairly: like-for-like direction of travel, stale figures, the rule beside the status.

The case the board pack got wrong: shoplifting's latest figure was two years old and up 34% on the same
quarter a year earlier, yet the pack called it "Improving" (it was below the quarter before) and Amber.
"""

import datetime as dt
from decimal import Decimal

import pytest
import time_machine
from django.template.loader import render_to_string
from django.test import Client
from django.urls import reverse

from saferhub.accounts.services import api_token_create
from saferhub.performance import selectors, services
from saferhub.performance.rag import is_stale
from saferhub.performance.tests.factories import ManualMeasureFactory
from saferhub.performance.views import _pack_context

# Reduce shoplifting to 120 a quarter, within 5%: 134 misses by 11.7%, which the rule alone makes amber.
FIGURES = [
    ("2023/24 Q2", dt.date(2023, 9, 30), Decimal(100)),
    ("2024/25 Q1", dt.date(2024, 6, 30), Decimal(150)),
    ("2024/25 Q2", dt.date(2024, 9, 30), Decimal(134)),  # below the quarter before, up 34% on a year before
]
TWO_YEARS_LATER = dt.datetime(2026, 10, 15, 9, tzinfo=dt.UTC)


@pytest.fixture
def shoplifting(world):
    manager = world.people["partnership_manager"]
    measure = ManualMeasureFactory(
        priority=world.records["a"]["priority"],
        title="Shoplifting",
        unit="crimes",
        direction="reduce",
        target_value=Decimal(120),
        tolerance_percent=Decimal(5),
    )
    for period, period_end, value in FIGURES:
        services.measure_value_record(
            actor=manager, measure=measure, period=period, period_end=period_end, value=value
        )
    return measure


def test_a_figure_two_years_old_up_34_percent_on_the_same_quarter_is_stale_and_worsening(shoplifting):
    with time_machine.travel(TWO_YEARS_LATER, tick=False):
        status = selectors.measure_status(shoplifting)
    assert status.rag == "stale"
    assert status.rag_label == "Out of date"
    assert status.travel == "Worsening"
    assert status.travel_basis == "2024/25 Q2 is up 34% on 2023/24 Q2, the same quarter a year before"
    assert "The latest figure is for 2024/25 Q2" in status.rag_reason


def test_the_same_figure_when_it_was_current_is_amber_with_its_reason(shoplifting):
    with time_machine.travel(dt.datetime(2024, 11, 1, 9, tzinfo=dt.UTC), tick=False):
        status = selectors.measure_status(shoplifting)
    assert status.rag == "amber"
    assert status.rag_reason == (
        "134 misses the target of 120 by 11.7% (green within 5%, amber within 15%) in 2024/25 Q2"
    )
    assert status.travel == "Worsening"


@pytest.mark.parametrize(
    ("frequency", "period_end", "as_of", "stale"),
    [
        ("quarterly", dt.date(2024, 9, 30), dt.date(2025, 3, 31), False),  # two quarters on: still counts
        ("quarterly", dt.date(2024, 9, 30), dt.date(2025, 4, 1), True),
        ("monthly", dt.date(2025, 7, 31), dt.date(2025, 9, 30), False),
        ("monthly", dt.date(2025, 7, 31), dt.date(2025, 10, 1), True),
        ("annual", dt.date(2024, 3, 31), dt.date(2026, 3, 31), False),
        ("annual", dt.date(2024, 3, 31), dt.date(2026, 4, 1), True),
    ],
)
def test_a_figure_counts_for_two_of_its_periods(frequency, period_end, as_of, stale):
    assert is_stale(period_end=period_end, frequency=frequency, as_of=as_of) is stale


def test_without_the_same_period_a_year_before_there_is_no_direction_of_travel(world, shoplifting):
    shoplifting.values.filter(period="2023/24 Q2").delete()
    with time_machine.travel(dt.datetime(2024, 11, 1, 9, tzinfo=dt.UTC), tick=False):
        status = selectors.measure_status(shoplifting)
    assert status.travel == "Not enough figures yet"
    assert status.travel_basis.startswith("no figure for the same quarter a year before 2024/25 Q2")


def _pack_for_quarter(world, *, financial_year, quarter):
    manager = world.people["partnership_manager"]
    reporting_round, _ = services.reporting_round_open(
        actor=manager,
        partnership=world.a,
        financial_year=financial_year,
        quarter=quarter,
        due_on=dt.date(financial_year + 1, 1, 31),
    )
    return services.board_pack_generate(actor=manager, reporting_round=reporting_round)


def test_the_board_pack_flags_the_stale_figure_and_shows_the_rule_beside_it(client, world, shoplifting):
    with time_machine.travel(TWO_YEARS_LATER, tick=False):
        pack = _pack_for_quarter(world, financial_year=2026, quarter=2)
        client.force_login(world.people["partnership_manager"])
        page = client.get(reverse("performance:pack", args=[world.a.slug, pack.public_id])).content.decode()
    measure = pack.snapshot["priorities"][0]["measures"][0]
    assert (measure["rag"], measure["travel"]) == ("stale", "Worsening")
    assert pack.snapshot["priorities"][0]["rag"] == "stale"  # not Amber: the figure earns nothing silently
    assert "Out of date" in page
    assert "Improving" not in page
    assert "Amber" not in page
    assert "up 34% on 2023/24 Q2, the same quarter a year before" in page
    assert "The latest figure is for 2024/25 Q2: a figure counts for 2 quarters after its period ends" in page


def test_the_board_pack_pdf_shows_the_rule_beside_the_status(world, shoplifting):
    """The PDF is made from this page (docs/performance.md): what it says, the PDF says."""
    with time_machine.travel(TWO_YEARS_LATER, tick=False):
        pack = _pack_for_quarter(world, financial_year=2026, quarter=2)
    html = " ".join(render_to_string("performance/pack_pdf.html", _pack_context(world.a, pack)).split())
    assert "Out of date" in html
    assert "up 34% on 2023/24 Q2, the same quarter a year before" in html
    assert "The latest figure is for 2024/25 Q2" in html
    assert "compares the latest figure with the figure for the same period a year before" in html


def test_the_measure_and_performance_pages_show_the_reason_beside_the_status(client, world, shoplifting):
    client.force_login(world.people["partnership_manager"])
    with time_machine.travel(TWO_YEARS_LATER, tick=False):
        measure_page = client.get(
            reverse("performance:measure", args=[world.a.slug, shoplifting.public_id])
        ).content.decode()
        index_page = client.get(reverse("performance:index", args=[world.a.slug])).content.decode()
    for page in (measure_page, index_page):
        assert "Out of date" in page
        assert "The latest figure is for 2024/25 Q2" in page
        assert "up 34% on 2023/24 Q2" in page


def test_the_api_gives_the_stale_status_with_its_reason_and_what_it_compared(world, shoplifting):
    _, secret = api_token_create(user=world.people["partnership_manager"], name="Feed")
    url = f"/api/v1/partnerships/alpha/measures/{shoplifting.public_id}"
    with time_machine.travel(TWO_YEARS_LATER, tick=False):
        body = _api_get(url, secret)
    assert body["rag"] == "stale"
    assert "The latest figure is for 2024/25 Q2" in body["rag_reason"]
    assert body["direction_of_travel"] == "Worsening"
    assert body["travel_basis"] == "2024/25 Q2 is up 34% on 2023/24 Q2, the same quarter a year before"


def _api_get(url: str, secret: str) -> dict:
    response = Client().get(url, headers={"Authorization": f"Bearer {secret}"})
    assert response.status_code == 200, response.content
    return response.json()
