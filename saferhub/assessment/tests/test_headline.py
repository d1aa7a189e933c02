"""The headline table, checked against plain Python over the real police.uk archives (Leicester), against
the seed's published table (North West Leicestershire), and for the months it does not hold."""

import csv
import datetime as dt
import io
import json
from collections import Counter
from pathlib import Path
from unittest import mock

import pytest
from django.core.management import call_command
from scipy import stats  # type: ignore[import-untyped]

from saferhub.assessment import headline, selectors, services
from saferhub.assessment.headline import headline_csv, headline_json, headline_table_for, periods_ending
from saferhub.assessment.scoring import shipped_models
from saferhub.assessment.tests.conftest import ARCHIVES
from saferhub.crimedata.models import Indicator, IndicatorSet
from saferhub.crimedata.services import crime_import
from saferhub.crimedata.tests import independent
from saferhub.crimedata.tests.crime_files import STREET_HEADER, street_line
from saferhub.geography import selectors as geography
from saferhub.partnerships.models import Partnership

LEICESTER = "E06000016"
DATA = Path(__file__).resolve().parents[3] / "data"
pytestmark = pytest.mark.django_db


def _policeuk_indicators():
    headline = IndicatorSet.objects.get(slug="policeuk-crime-types", partnership=None)
    return [member.indicator for member in headline.members.select_related("indicator")]


def _leicester_population() -> int:
    boundary = json.loads((DATA / "boundaries" / "lsoa" / f"{LEICESTER}.geojson").read_text())
    codes = {feature["properties"]["LSOA21CD"] for feature in boundary["features"]}
    with open(DATA / "ons" / "census2021_residents_by_lsoa21.csv", encoding="utf-8-sig") as handle:
        return sum(int(row["Population"]) for row in csv.DictReader(handle) if row["LSOA21CD"] in codes)


def _benjamini_hochberg(p_values: list[float]) -> list[float]:
    order = sorted(range(len(p_values)), key=lambda i: p_values[i])
    adjusted, running = [0.0] * len(p_values), 1.0
    for rank in range(len(order), 0, -1):
        index = order[rank - 1]
        running = min(running, p_values[index] * len(p_values) / rank)
        adjusted[index] = running
    return adjusted


@pytest.fixture(scope="module")
def plain_leicester() -> dict[str, Counter]:
    """Counts per (rolling year, crime type) by the csv module: the 12 months to December 2022 and 2023."""
    by_month = independent.counts_by_month(ARCHIVES, independent.district_lsoas(LEICESTER))
    years: dict[str, Counter] = {"2022": Counter(), "2023": Counter()}
    for (month, category), count in by_month.items():
        years[month[:4]][category] += count
    return years


def test_leicester_rolling_years_equal_plain_python_cell_for_cell(leicestershire_store, plain_leicester):
    indicators = _policeuk_indicators()
    table = headline_table_for(
        area_code=LEICESTER,
        indicators=indicators,
        kind="rolling-12",
        years=2,
        last_month=dt.date(2023, 12, 1),
    )
    population = _leicester_population()
    assert table.population == population
    assert [span.label for span in table.periods] == ["12 months to Dec 2022", "12 months to Dec 2023"]
    p_values = []
    for row in table.rows:
        category = row.indicator.categories[0]
        before, after = plain_leicester["2022"][category], plain_leicester["2023"][category]
        assert [cell.count for cell in row.cells] == [before, after], row.indicator.name
        assert all(cell.whole for cell in row.cells)
        assert row.latest_change == pytest.approx((after - before) / before * 100)
        assert row.absolute_change == after - before
        assert row.rate_per_1000 == pytest.approx(after / population * 1000)
        low, high = stats.chi2.ppf(0.025, 2 * after) / 2, stats.chi2.ppf(0.975, 2 * after + 2) / 2
        assert row.rate_interval == pytest.approx((low / population * 1000, high / population * 1000))
        p_values.append(stats.poisson_means_test(after, 1, before, 1).pvalue)
    assert len(table.rows) == 14
    for row, q in zip(table.rows, _benjamini_hochberg(p_values), strict=True):
        assert row.significance is not None
        # The E-test sums a truncated grid: p-values agree to 1% down to 1e-9, far below any threshold.
        assert row.significance.q_value == pytest.approx(q, rel=1e-2, abs=1e-12)
        expected = (
            ("a real rise" if row.absolute_change > 0 else "a real fall")
            if q < 0.05
            else "within normal variation"
        )
        assert row.significance.words == expected, row.indicator.name


def test_a_financial_year_with_months_missing_is_flagged_and_not_compared(leicestershire_store):
    """The store holds January 2022 to December 2023: 2021/22 lacks nine months and 2023/24 three."""
    table = headline_table_for(
        area_code=LEICESTER,
        indicators=_policeuk_indicators(),
        kind="financial-year",
        years=3,
        last_month=dt.date(2024, 3, 1),
    )
    assert [span.label for span in table.periods] == ["2021/22", "2022/23", "2023/24"]
    assert table.incomplete
    for row in table.rows:
        first, whole, last = row.cells
        assert len(first.missing) == 9 and not whole.missing and len(last.missing) == 3
        assert row.changes == (None, None, None)
        assert row.significance is None
        assert row.not_compared == "3 months of 2023/24 not held"
        assert row.rate_per_1000 is None


def test_periods_end_where_asked():
    assert [
        (s.label, s.first, s.last)
        for s in periods_ending(dt.date(2025, 3, 1), kind="financial-year", years=2)
    ] == [
        ("2023/24", dt.date(2023, 4, 1), dt.date(2024, 3, 1)),
        ("2024/25", dt.date(2024, 4, 1), dt.date(2025, 3, 1)),
    ]
    assert periods_ending(dt.date(2019, 9, 1), kind="rolling-12", years=1)[0].first == dt.date(2018, 10, 1)


def test_the_command_explains_bad_input(leicestershire_store):
    from django.core.management.base import CommandError

    for arguments, message in (
        (["--area=E06000016", "--to=2024-13"], "not a month in the form YYYY-MM"),
        (["--area=NOWHERE", "--to=2024-03"], "neither an ONS area code we know nor a partnership"),
        (["--area=E06000016", "--to=2024-03", "--indicators=missing"], "there is no indicator set 'missing'"),
        (["--area=E06000016", "--to=2024-03", "--years=0"], "--years must be from 1 to 10"),
    ):
        with pytest.raises(CommandError, match=message):
            call_command("headline_table", *arguments, stdout=io.StringIO())


def test_years_the_store_does_not_hold_say_no_data_held_not_not_recorded(leicestershire_store):
    """Five rolling years to December 2023 of a store holding 2022 and 2023: the first three hold no data,
    which the table, its CSV and its JSON say, unlike a kind of crime not recorded then (a blank)."""
    table = headline_table_for(
        area_code=LEICESTER,
        indicators=_policeuk_indicators(),
        kind="rolling-12",
        years=5,
        last_month=dt.date(2023, 12, 1),
    )
    for row in table.rows:
        assert [cell.held for cell in row.cells] == [False, False, False, True, True]
        assert not any(cell.not_recorded for cell in row.cells[:3])
    assert table.no_data_held["Burglary"] == (
        "12 months to Dec 2019",
        "12 months to Dec 2020",
        "12 months to Dec 2021",
    )
    _header, body = headline_csv(table, table.rows)
    burglary = next(row for row in body if row[0] == "Burglary")
    assert burglary[1:4] == ["no data held"] * 3 and isinstance(burglary[4], int)
    printed = headline_json(table, table.rows)["rows"][0]
    assert printed["data_held"] == [False, False, False, True, True]

    out, err = io.StringIO(), io.StringIO()
    call_command(
        "headline_table",
        f"--area={LEICESTER}",
        "--period=rolling-12",
        "--to=2023-12",
        "--years=5",
        stdout=out,
        stderr=err,
    )
    rows = list(csv.reader(io.StringIO(out.getvalue())))
    assert rows[1][1:4] == ["no data held"] * 3
    assert (
        "Burglary: no data held for 12 months to Dec 2019, 12 months to Dec 2020, 12 months to Dec 2021"
        in (err.getvalue())
    )


def test_the_command_and_the_form_default_to_the_years_the_store_holds(leicestershire_store, world):
    out = io.StringIO()
    call_command("headline_table", f"--area={LEICESTER}", "--period=rolling-12", "--to=2023-12", stdout=out)
    assert next(csv.reader(io.StringIO(out.getvalue())))[1:3] == [
        "12 months to Dec 2022",
        "12 months to Dec 2023",
    ]

    defaults = selectors.default_indicator_choice(world.a)
    assert defaults["last_month"] == dt.date(2023, 12, 1)
    assert defaults["years"] == 3  # 2021/22 (January to March 2022), 2022/23 and 2023/24 (to December)


def test_the_headline_is_computed_once_per_version_of_the_store_and_again_after_an_import(
    leicestershire_store, world, tmp_path
):
    """The table is derived from the store and the definitions only, so it is kept; a new import (here,
    one burglary in January 2024) changes the store's version and the table is computed afresh."""
    Partnership.objects.filter(pk=world.a.pk).update(area_codes=[LEICESTER])
    world.a.refresh_from_db()
    assessment = services.assessment_create(
        actor=world.people["analyst"],
        partnership=world.a,
        title="Burglary to January 2024",
        label="2024",
        period_kind="rolling-12",
        last_month=dt.date(2024, 1, 1),
        years=2,
        indicators=[Indicator.objects.get(partnership=None, slug="policeuk-burglary")],
        model=shipped_models()["morile-style"],
    )
    with mock.patch.object(
        headline.counting, "indicator_series_of", wraps=headline.counting.indicator_series_of
    ) as read:
        before = selectors.headline_of(assessment).rows[0].cells[-1]
        assert selectors.headline_of(assessment).rows[0].cells[-1] == before
        assert read.call_count == 1
        assert before.missing == (dt.date(2024, 1, 1),)

        lsoa = sorted(geography.lsoas_of_districts(frozenset({LEICESTER})))[-1]
        month = tmp_path / "2024-01-leicestershire-street.csv"
        row = street_line("2024-01", lsoa=lsoa, lsoa_name="Leicester 001A", longitude="-1.13")
        month.write_text(f"{STREET_HEADER}\n{row}\n", encoding="utf-8")
        crime_import(paths=[month])
        after = selectors.headline_of(assessment).rows[0].cells[-1]
        assert read.call_count == 2
    assert after.missing == () and after.count == before.count + 1
