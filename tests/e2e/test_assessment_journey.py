"""An analyst creates Leicester's 2023/24 strategic assessment from the demo data, two partners score the
issues on their own, the partnership manager agrees scores, chooses three priorities and downloads the PDF,
which holds the headline table. axe runs on every page. Set SAFERHUB_SCREENSHOTS to a folder to keep a
picture of each page."""

import csv
import datetime as dt
import os
import re
import subprocess
from pathlib import Path

from playwright.sync_api import Page, expect

from saferhub.assessment.models import Assessment, ChosenPriority, Score
from saferhub.crimedata.counting import CountFilter, area_scope, monthly_counts
from tests.e2e.browsing import sign_in
from tests.e2e.test_crime_data_journey import load_demo_with_geography

SHOTS = os.environ.get("SAFERHUB_SCREENSHOTS", "")
# The stronger partner's scores; the other scores one less. Each dimension has words of its own.
SCORED = {
    "Violence and sexual offences": {
        "Harm to individuals (harm)": "4 – Severe",
        "Influence (partnership position)": "3 – Much",
    },
    "Shoplifting": {
        "Harm to individuals (harm)": "1 – Low",
        "Influence (partnership position)": "3 – Much",
    },
    "County lines and child criminal exploitation": {
        "Harm to individuals (harm)": "4 – Severe",
        "Volume (likelihood)": "2 – Occasional",
        "Trend (likelihood)": "3 – Rising",
    },
}
SEED_TABLE = Path(__file__).resolve().parents[2] / "data" / "local" / "nwl-headline-figures-2019.csv"


def _violence_in_2023() -> int:
    """What the engine counts (its figures are checked against the archives in the assessment's own tests)."""
    scope = area_scope("E06000016")
    rows = monthly_counts(
        scope=scope,
        what=CountFilter(categories=("Violence and sexual offences",)),
        month_from=dt.date(2023, 1, 1),
        month_to=dt.date(2023, 12, 1),
        by=None,
    )
    return sum(count for *_, count in rows)


def shot(page: Page, name: str) -> None:
    if SHOTS:
        Path(SHOTS).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(SHOTS) / f"assessment-{name}.png"), full_page=True)


def sign_out(page: Page) -> None:
    page.get_by_role("button", name="Sign out").click()


def open_assessment(page: Page) -> None:
    page.goto("/p/leicester/assessments/")
    page.get_by_role("link", name="Strategic assessment 2023/24").click()


def score_issues(page: Page, axe, *, who: str, stronger: bool) -> None:
    open_assessment(page)
    page.get_by_role("navigation", name="Assessment sections").get_by_role(
        "link", name="Score issues"
    ).click()
    axe.check(page)
    for issue, choices in SCORED.items():
        page.get_by_role("link", name=issue, exact=True).click()
        for dimension, choice in choices.items():
            group = page.get_by_role("group", name=dimension)
            if stronger:
                group.get_by_label(choice, exact=True).check()
            else:
                group.get_by_label(re.compile(rf"^\s*{max(int(choice[0]) - 1, 0)} – ")).check()
        page.get_by_label("Why you scored it so").fill(f"{who}: what our casework shows")
        axe.check(page)
        page.get_by_role("button", name="Save my scores").click()
        expect(page.get_by_text(f"Your scores for ‘{issue}’ are saved")).to_be_visible()
    expect(page.get_by_text(f"You have scored {len(SCORED)} of")).to_be_visible()


def test_the_partnership_builds_its_assessment_scores_it_and_chooses_its_priorities(
    page: Page, axe, transactional_db, settings, tmp_path
):
    settings.SAFERHUB_DATA_DIR = tmp_path
    load_demo_with_geography()

    # The analyst creates the assessment: rolling years to the last month the demo holds.
    sign_in(page, "analyst@leicester.demo")
    page.goto("/p/leicester/")
    page.get_by_role("link", name="Strategic assessments and priority setting").click()
    axe.check(page)
    page.get_by_role("button", name="New assessment").click()
    page.get_by_role("button", name="Create assessment").click()
    expect(page.get_by_role("link", name="Enter a title")).to_be_visible()  # the error summary
    axe.check(page)
    page.get_by_label("Title").fill("Strategic assessment 2023/24")
    page.get_by_label("Period", exact=True).fill("2023/24")
    page.get_by_label("Rolling 12 months ending in the last month").check()
    page.get_by_label("Last month of data").fill("2023-12")
    page.get_by_label("How many years to compare").fill("2")
    shot(page, "new")
    page.get_by_role("button", name="Create assessment").click()
    expect(page.get_by_role("heading", name="Headline figures")).to_be_visible()
    table = page.get_by_test_id("headline-table")
    expect(table).to_contain_text("12 months to Dec 2023")
    violence = f"{_violence_in_2023():,}"
    expect(table.get_by_role("row", name="Violence and sexual offences")).to_contain_text(violence)
    shot(page, "headline")
    axe.check(page)
    for section in ("Trends", "Where", "Ranking"):
        page.get_by_role("navigation", name="Assessment sections").get_by_role("link", name=section).click()
        expect(
            page.get_by_role("heading", name=section if section != "Where" else "Where", exact=True)
        ).to_be_visible()
        if section == "Trends":
            expect(page.get_by_test_id("control-chart").first).to_be_visible()
        shot(page, section.lower())
        axe.check(page)
        if section == "Where":
            # Hotspots are named by street, ward and grid reference, not "Cell 26-23", and say when they
            # are hot only through their neighbours.
            cells = page.get_by_test_id("map-table").nth(1)
            expect(cells).to_contain_text(re.compile(r"\w[^,]*, Castle ward \(SK \d{3} \d{3}\)"))
            expect(cells).not_to_contain_text(re.compile(r"Cell \d"))
            # WCAG 1.4.10: at 320 CSS pixels the page reflows, only its tables scroll in their own regions.
            page.set_viewport_size({"width": 320, "height": 800})
            page.reload()
            assert page.evaluate("document.documentElement.scrollWidth") <= 320
            shot(page, "where-320")
            axe.check(page)
            page.set_viewport_size({"width": 1280, "height": 800})
    sign_out(page)

    # Two partners score the issues, each on their own.
    sign_in(page, "analyst@leicester.demo")
    score_issues(page, axe, who="Police analyst", stronger=True)
    shot(page, "scoring")
    sign_out(page)
    sign_in(page, "lead@leicester.demo")
    score_issues(page, axe, who="Business crime lead", stronger=False)
    sign_out(page)
    assessment = Assessment.objects.get(partnership__slug="leicester", label="2023/24")
    assert Score.objects.filter(issue__assessment=assessment).values("scorer").distinct().count() == 2

    # The manager sees the spread, agrees a score, reads the ranking and chooses three priorities.
    sign_in(page, "manager@leicester.demo")
    open_assessment(page)
    page.get_by_role("navigation", name="Assessment sections").get_by_role("link", name="Workshop").click()
    expect(page.get_by_text("Spread 3 to 4").first).to_be_visible()
    expect(page.get_by_test_id("partner-reasons").first).to_contain_text(
        "Police analyst: what our casework shows"
    )
    shot(page, "workshop")
    axe.check(page)
    page.get_by_role(
        "link", name="Record the agreed scores for County lines and child criminal exploitation"
    ).click()
    page.get_by_label("Harm to individuals").select_option("4")
    page.get_by_label("What the partners agreed, and why").fill("Exploitation cases rising in the city")
    axe.check(page)
    page.get_by_role("button", name="Save agreed scores").click()
    page.get_by_role("navigation", name="Assessment sections").get_by_role("link", name="Ranking").click()
    ranking = page.get_by_test_id("ranking")
    for issue in SCORED:
        expect(ranking.get_by_role("row", name=issue)).to_be_visible()
    shot(page, "ranking-scored")
    page.get_by_role("navigation", name="Assessment sections").get_by_role("link", name="Priorities").click()
    for issue in (
        "Violence and sexual offences",
        "County lines and child criminal exploitation",
        "Shoplifting",
    ):
        page.get_by_label("Issue").select_option(
            label=page.locator("#id_issue option", has_text=issue).first.inner_text()
        )
        page.get_by_label("Why the partnership chose it").fill(f"{issue}: high harm and rising")
        page.get_by_role("button", name="Choose as a priority").click()
        expect(page.get_by_text(f"‘{issue}’ chosen as a priority")).to_be_visible()
    shot(page, "priorities")
    axe.check(page)
    assert ChosenPriority.objects.filter(assessment=assessment).count() == 3

    # The report, and its PDF.
    page.get_by_role("navigation", name="Assessment sections").get_by_role("link", name="Report").click()
    expect(page.get_by_test_id("chosen-priorities").first).to_contain_text("County lines")
    axe.check(page)
    with page.expect_download() as download:
        page.get_by_role("button", name="Download the PDF").click()
    pdf = tmp_path / "report.pdf"
    download.value.save_as(pdf)
    assert pdf.read_bytes().startswith(b"%PDF")
    text = subprocess.run(
        ["/usr/bin/pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    assert "Crime counts and year-on-year change" in text
    assert "Violence and sexual offences" in text and violence in text
    assert "County lines and child criminal exploitation: high harm and rising" in text
    info = subprocess.run(["/usr/bin/pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    assert "Tagged:          yes" in info


def _seed_row(name: str) -> list[str]:
    """A row of seed 003's published table as the page gives its counts: a blank, a crime not recorded
    then, is blank to the eye and "Not recorded then" to a screen reader."""
    with SEED_TABLE.open(encoding="utf-8") as seed:
        row = next(row for row in csv.reader(seed) if row[0] == name)
    return [f"{int(count):,}" if count else "Not recorded then" for count in row[1:]]


def test_an_nwl_manager_makes_the_2019_headline_assessment_with_the_pre_ticked_defaults(
    page: Page, axe, transactional_db, settings, tmp_path
):
    """North West Leicestershire's headline set has its own "Total crime" and the form pre-ticks police.uk's,
    which the store holds only for 2022 and 2023: the form warns before making it, the two rows are told
    apart, the police.uk years say "No data held" and the set's rows are seed 003's table."""
    settings.SAFERHUB_DATA_DIR = tmp_path
    load_demo_with_geography()

    sign_in(page, "manager@nwleics.demo")
    page.goto("/p/north-west-leicestershire/assessments/")
    page.get_by_role("button", name="New assessment").click()
    expect(page.get_by_label("Total crime", exact=True)).to_be_checked()  # the pre-ticked default
    page.get_by_label("Title").fill("Headline figures 2019")
    page.get_by_label("Period", exact=True).fill("2019")
    page.get_by_label("Rolling 12 months ending in the last month").check()
    page.get_by_label("Last month of data").fill("2019-09")
    page.get_by_label("How many years to compare").fill("5")
    page.get_by_label("Indicator set").select_option(label="North West Leicestershire headline figures")
    page.get_by_role("button", name="Create assessment").click()

    # Before making it, the form says which periods hold no data, and asks.
    summary = page.get_by_role("alert")
    expect(summary).to_contain_text("The store holds no data for some periods this assessment covers")
    expect(summary).to_contain_text("police.uk street-level crime: 12 months to Sep 2015")
    shot(page, "nwl-warning")
    axe.check(page)
    page.get_by_label("Create it anyway: those periods will show “No data held”").check()
    page.get_by_role("button", name="Create assessment").click()

    expect(page.get_by_role("heading", name="Headline figures", exact=True)).to_be_visible()
    table = page.get_by_test_id("headline-table")
    policeuk = table.get_by_role("row", name="Total crime – police.uk street-level crime")
    expect(policeuk.get_by_role("cell").nth(0)).to_have_text("No data held")
    expect(policeuk.get_by_role("cell").nth(4)).to_have_text("No data held")
    own = table.get_by_role("row", name="Total crime – North West Leicestershire headline figures")
    residential = table.get_by_role("row", name="Burglary Residential")
    for row, name in ((own, "Total crime"), (residential, "Burglary Residential")):
        cells = row.get_by_role("cell")
        for index, count in enumerate(_seed_row(name)):
            expect(cells.nth(index)).to_have_text(count)
    expect(page.get_by_test_id("no-data-warning")).to_contain_text(
        "Total crime – police.uk street-level crime"
    )
    shot(page, "nwl-headline")
    axe.check(page)
