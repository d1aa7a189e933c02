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
from saferhub.performance.board_pack import pack_context
from saferhub.performance.rag import board_pack_rules_text, is_stale, stale_rule_text
from saferhub.performance.tests.factories import ManualMeasureFactory

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
        # A figure counts for its period's length after it ends, plus the time its source takes to publish it.
        ("monthly", dt.date(2025, 7, 31), dt.date(2025, 10, 31), False),  # police.uk a few weeks late
        ("monthly", dt.date(2025, 7, 31), dt.date(2025, 11, 1), True),
        ("quarterly", dt.date(2024, 9, 30), dt.date(2025, 3, 31), False),
        ("quarterly", dt.date(2024, 9, 30), dt.date(2025, 4, 1), True),
        ("quarterly", dt.date(2024, 9, 30), dt.date(2026, 9, 30), True),  # two years old: the case
        ("annual", dt.date(2024, 3, 31), dt.date(2025, 9, 30), False),
        ("annual", dt.date(2024, 3, 31), dt.date(2025, 10, 1), True),
        ("annual", dt.date(2024, 3, 31), dt.date(2026, 3, 31), True),  # two years old earns no green
    ],
)
def test_a_figure_counts_for_its_period_and_a_reporting_allowance(frequency, period_end, as_of, stale):
    assert is_stale(period_end=period_end, frequency=frequency, as_of=as_of) is stale


@pytest.mark.parametrize(
    ("frequency", "words"),
    [
        ("monthly", "a monthly figure counts for 3 months after its month ends (the next month, and 2"),
        ("quarterly", "a quarterly figure counts for 6 months after its quarter ends (the next quarter, and"),
        ("annual", "an annual figure counts for 18 months after its year ends (the next year, and 6"),
    ],
)
def test_the_stale_rule_in_words_follows_the_table(frequency, words):
    assert stale_rule_text(frequency).startswith(words)


def test_a_monthly_figure_is_not_compared_with_a_quarters_total_after_the_frequency_changes(world):
    """The measure was monthly (September 2023: 30) and is now quarterly (2024/25 Q2, ending in September
    2024: 100): 12 months apart, but a month and a quarter are not like with like."""
    manager = world.people["partnership_manager"]
    measure = ManualMeasureFactory(
        priority=world.records["a"]["priority"], frequency="monthly", direction="reduce"
    )
    services.measure_value_record(
        actor=manager, measure=measure, period="September 2023", period_end=dt.date(2023, 9, 30), value=30
    )
    measure.frequency = "quarterly"
    measure.save()
    services.measure_value_record(
        actor=manager, measure=measure, period="2024/25 Q2", period_end=dt.date(2024, 9, 30), value=100
    )
    with time_machine.travel(dt.datetime(2024, 11, 1, 9, tzinfo=dt.UTC), tick=False):
        status = selectors.measure_status(measure)
    assert status.travel == "Not enough figures yet"
    assert status.travel_basis.startswith("no figure for the same quarter a year before 2024/25 Q2")


def test_a_monthly_measure_compares_the_same_month_a_year_before(world):
    manager = world.people["partnership_manager"]
    measure = ManualMeasureFactory(
        priority=world.records["a"]["priority"], frequency="monthly", direction="reduce"
    )
    for period, period_end, value in [
        ("September 2023", dt.date(2023, 9, 30), 40),
        ("August 2024", dt.date(2024, 8, 31), 20),
        ("September 2024", dt.date(2024, 9, 30), 30),
    ]:
        services.measure_value_record(
            actor=manager, measure=measure, period=period, period_end=period_end, value=value
        )
    with time_machine.travel(dt.datetime(2024, 11, 1, 9, tzinfo=dt.UTC), tick=False):
        status = selectors.measure_status(measure)
    assert status.travel == "Improving"
    assert status.travel_basis == "September 2024 is down 25% on September 2023, the same month a year before"


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
    assert "The latest figure is for 2024/25 Q2: a quarterly figure counts for 6 months after its" in page


def test_the_board_pack_pdf_shows_the_rule_beside_the_status(world, shoplifting):
    """The PDF is made from this page (docs/performance.md): what it says, the PDF says."""
    with time_machine.travel(TWO_YEARS_LATER, tick=False):
        pack = _pack_for_quarter(world, financial_year=2026, quarter=2)
    html = " ".join(render_to_string("performance/pack_pdf.html", pack_context(world.a, pack)).split())
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


def _pack_page(client, world, pack) -> str:
    client.force_login(world.people["partnership_manager"])
    return client.get(reverse("performance:pack", args=[world.a.slug, pack.public_id])).content.decode()


def test_a_board_pack_shows_the_rules_it_was_judged_by_not_todays(client, world, shoplifting):
    with time_machine.travel(TWO_YEARS_LATER, tick=False):
        pack = _pack_for_quarter(world, financial_year=2026, quarter=2)
    assert pack.snapshot["rules"] == board_pack_rules_text()
    assert board_pack_rules_text() in " ".join(_pack_page(client, world, pack).split())

    # A pack made under an older rule keeps the words it was made with.
    pack.snapshot["rules"] = "A figure counts for two of the measure’s periods after its period ends."
    pack.save()
    page = _pack_page(client, world, pack)
    assert "A figure counts for two of the measure’s periods after its period ends." in page
    assert board_pack_rules_text() not in " ".join(page.split())

    # A pack made before the rules were stored says none, rather than today's beside its old verdicts.
    del pack.snapshot["rules"]
    pack.save()
    page = _pack_page(client, world, pack)
    assert 'data-testid="pack-rules"' not in page
    assert "compares the latest figure with the figure for the same period a year before" not in page


def test_the_pack_pdf_colours_out_of_date_and_takes_the_words_from_the_snapshot(world, shoplifting):
    with time_machine.travel(TWO_YEARS_LATER, tick=False):
        pack = _pack_for_quarter(world, financial_year=2026, quarter=2)
    priority = pack.snapshot["priorities"][0]
    assert (priority["rag_label"], priority["measures"][0]["rag_label"]) == ("Out of date", "Out of date")
    html = render_to_string("performance/pack_pdf.html", pack_context(world.a, pack))
    assert ".govuk-tag--yellow { background:" in html
    assert '<strong class="govuk-tag govuk-tag--yellow">Out of date</strong>' in html

    # The tag says what the snapshot says (its words were fixed when the pack was made).
    priority["measures"][0]["rag_label"] = "Too old to judge"
    html = render_to_string("performance/pack_pdf.html", pack_context(world.a, pack))
    assert '<strong class="govuk-tag govuk-tag--yellow">Too old to judge</strong>' in html


def test_the_api_declares_the_statuses_a_measure_can_have(world):
    schema = Client().get("/api/v1/openapi.json").json()
    rag = schema["components"]["schemas"]["MeasureDetailOut"]["properties"]["rag"]
    assert rag["enum"] == ["red", "amber", "green", "stale", ""]


def test_a_pack_on_a_plan_that_had_ended_says_so(client, world, shoplifting):
    """The world's plan runs April 2023 – March 2026; the pack is generated in October 2026."""
    with time_machine.travel(TWO_YEARS_LATER, tick=False):
        pack = _pack_for_quarter(world, financial_year=2026, quarter=2)
    plan = world.records["a"]["plan"]
    assert pack.snapshot["plan_ended_on"] == "31 March 2026"
    page = " ".join(_pack_page(client, world, pack).split())
    assert f"{plan.title} ended on 31 March 2026, and no later plan was current" in page
    html = " ".join(render_to_string("performance/pack_pdf.html", pack_context(world.a, pack)).split())
    assert f"{plan.title} ended on 31 March 2026" in html


def test_a_pack_within_the_plan_says_nothing_of_its_end(client, world, shoplifting):
    with time_machine.travel(dt.datetime(2024, 11, 1, 9, tzinfo=dt.UTC), tick=False):
        pack = _pack_for_quarter(world, financial_year=2024, quarter=2)
    assert pack.snapshot["plan_ended_on"] == ""
    assert 'data-testid="pack-plan-ended"' not in _pack_page(client, world, pack)
