"""The force area's analyst imports a police.uk file and reads its rejections; a city analyst, who may not
load police.uk data, sees the import in the city's history, checks the coverage and quality of the data, and
defines an indicator; an analyst uploads a file whose every row is rejected. axe runs on every page. Set
SAFERHUB_SCREENSHOTS to a folder to keep a picture of each page."""

import os
import re
from pathlib import Path

from django.core.management import call_command
from playwright.sync_api import Page, expect

from saferhub.crimedata import schema
from saferhub.crimedata.models import ImportRun, Partition
from saferhub.crimedata.tests.factories import ImportRunFactory
from saferhub.geography.models import Area
from saferhub.partnerships.models import Partnership
from tests.e2e.browsing import sign_in

ANALYST = "analyst@leicester.demo"
STEWARD = "opcc@llr.demo"  # the force area's analyst, who loads police.uk data for Leicestershire
DATA = Path(__file__).resolve().parents[2] / "data"
SHOTS = os.environ.get("SAFERHUB_SCREENSHOTS", "")
MONTH = "2024-03"  # after the demo's police.uk data (2022 and 2023): January and February are then missing


def shot(page: Page, name: str) -> None:
    if SHOTS:
        Path(SHOTS).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(SHOTS) / f"{name}.png"), full_page=True)


def street_csv(kept: int = 4) -> bytes:
    """Rows in Leicester (the first `kept` of three burglaries and a shoplifting) and one that is not a
    police.uk crime type."""
    police = "Leicestershire Police,Leicestershire Police"
    rows = [
        f"a{i},{MONTH},{police},-1.15,52.63,On or near Braunstone Avenue,E01013636,Leicester 029B,{kind},,"
        for i, kind in enumerate(["Burglary", "Burglary", "Shoplifting", "Burglary"][:kept])
    ]
    rows.append(f"b1,{MONTH},{police},,,No location,,,Shop lifting,,")
    return ("\n".join([",".join(schema.POLICEUK_STREET_HEADER), *rows]) + "\n").encode()


def load_demo_with_geography() -> None:
    call_command("load_demo", verbosity=0)
    if not Area.objects.filter(code="E06000016").exists():
        call_command("import_geography", str(DATA / "ons"), str(DATA / "boundaries"), verbosity=0)


def test_analyst_imports_a_file_checks_the_data_and_defines_an_indicator(
    page: Page, axe, transactional_db, settings, tmp_path
):
    settings.SAFERHUB_DATA_DIR = tmp_path
    load_demo_with_geography()
    demo_has_2023 = Partition.objects.filter(source="police.uk-street", month__year=2023).exists()

    sign_in(page, ANALYST)
    page.get_by_role("link", name="Leicester Community Safety Partnership").first.click()
    page.get_by_role("link", name="Crime and ASB data").click()
    expect(page.get_by_role("heading", name="Crime and ASB data")).to_be_visible()
    axe.check(page)
    shot(page, "01-index")

    # The upload page, and its error state; a city analyst may not load the force's police.uk data.
    page.get_by_role("link", name="Import crime or ASB data").click()
    expect(page.get_by_role("heading", name="Import crime or ASB data")).to_be_visible()
    axe.check(page)
    shot(page, "02-import")
    page.get_by_role("button", name="Import").click()
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_contain_text("Select what you are importing")
    expect(summary).to_contain_text("Select a file to import")
    expect(summary).to_be_focused()
    expect(page).to_have_title(re.compile("^Error: "))
    axe.check(page)
    shot(page, "03-import-errors")
    page.get_by_label("police.uk files (CSV or the zip police.uk gives you)").check()
    page.get_by_label("Upload a file").set_input_files(
        {"name": f"{MONTH}-leicestershire-street.csv", "mimeType": "text/csv", "buffer": street_csv()}
    )
    page.get_by_role("button", name="Import").click()
    expect(summary).to_contain_text("only the analysts and managers of the force area")
    axe.check(page)
    assert not ImportRun.objects.filter(partnership__slug="leicester").exists()

    # The force area's analyst loads it.
    page.context.clear_cookies()
    sign_in(page, STEWARD)
    page.goto("/p/llr/data/imports/new/")
    page.get_by_label("police.uk files (CSV or the zip police.uk gives you)").check()
    page.get_by_label("Upload a file").set_input_files(
        {"name": f"{MONTH}-leicestershire-street.csv", "mimeType": "text/csv", "buffer": street_csv()}
    )
    page.get_by_role("button", name="Import").click()

    # The run: its summary and the rejected row.
    expect(page.get_by_role("heading", name="police.uk import")).to_be_visible()
    expect(page.get_by_test_id("outcome")).to_contain_text("Imported 4 rows; 1 row was rejected")
    rejections = page.get_by_test_id("rejections")
    expect(rejections).to_contain_text("Crime type")
    expect(rejections).to_contain_text("not a police.uk crime type")
    expect(page.locator(".govuk-summary-list")).to_contain_text("March 2024")
    axe.check(page)
    shot(page, "04-import-run")
    with page.expect_download() as download:
        page.get_by_role("link", name="Download every rejection (CSV)").click()
    report = Path(download.value.path()).read_text(encoding="utf-8")
    assert report.splitlines()[0] == "file,line,column,reason"
    assert "Shop lifting" not in report and "not a police.uk crime type" in report

    # A second file for the same month: what it would change is shown first, and it can be undone.
    page.goto("/p/llr/data/imports/new/")
    page.get_by_label("police.uk files (CSV or the zip police.uk gives you)").check()
    page.get_by_label("Upload a file").set_input_files(
        {"name": f"{MONTH}-leicestershire-street.csv", "mimeType": "text/csv", "buffer": street_csv(kept=2)}
    )
    page.get_by_role("button", name="Import").click()
    expect(page.get_by_role("heading", name="What would change")).to_be_visible()
    changes = page.get_by_test_id("changes")
    expect(changes.get_by_role("row", name=re.compile("Burglary"))).to_contain_text("3")
    axe.check(page)
    shot(page, "04a-import-awaiting")
    page.get_by_role("button", name="Replace the months held").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("Imported 2 rows")
    expect(page.get_by_role("heading", name="Undo")).to_be_visible()
    axe.check(page)
    shot(page, "04b-import-replaced")
    page.get_by_role("button", name=re.compile(f"Restore leicestershire {MONTH}")).click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text(
        f"Restored police.uk-street leicestershire {MONTH}"
    )
    axe.check(page)
    assert Partition.objects.get(source="police.uk-street", month__year=2024).rows == 4

    # The city's history lists the force area's import: it changed the city's data.
    page.context.clear_cookies()
    sign_in(page, ANALYST)
    page.goto("/p/leicester/data/imports/")
    expect(page.get_by_test_id("imports")).to_contain_text(f"{MONTH}-leicestershire-street.csv")
    axe.check(page)
    shot(page, "05-import-history")

    # An import still running: the progress bar, kept current by the page's script.
    leicester = Partnership.objects.get(slug="leicester")
    running = ImportRunFactory(partnership=leicester, kind="police.uk", status="running", progress=40)
    page.goto(f"/p/leicester/data/imports/{running.public_id}/")
    expect(page.get_by_text("Importing: 40% done")).to_be_visible()
    expect(page.locator("progress")).to_have_attribute("value", "40")
    axe.check(page)
    shot(page, "06-import-running")
    ImportRun.objects.filter(pk=running.pk).update(status="failed", error="Stopped by the test")

    # Coverage and quality.
    page.goto("/p/leicester/data/")
    page.get_by_role("link", name="Data coverage").click()
    coverage = page.get_by_test_id("coverage-police.uk-street")
    expect(coverage).to_contain_text("2024")
    if demo_has_2023:
        expect(page.get_by_text("2 months missing:")).to_be_visible()
        expect(coverage.locator(".govuk-tag--red")).to_have_count(2)
    axe.check(page)
    shot(page, "07-coverage")

    page.goto("/p/leicester/data/")
    page.get_by_role("link", name="Data quality by month").click()
    quality = page.get_by_test_id("quality-police.uk-street-leicestershire")
    march = quality.get_by_role("row", name=re.compile("March 2024"))
    expect(march).to_contain_text("4")
    expect(march.locator("td").last).to_have_text("1")  # the one rejected row of that month's file
    axe.check(page)
    shot(page, "08-quality")

    # Column mappings: an error, then one saved.
    page.goto("/p/leicester/data/mappings/")
    axe.check(page)
    page.get_by_role("button", name="Add or replace a mapping").click()
    page.get_by_label("Column mapping").fill('slug = "leicester-asb"\nname = "Leicester ASB"\n')
    page.get_by_role("button", name="Save mapping").click()
    expect(page.locator(".govuk-error-message")).to_contain_text("has no 'source'")
    axe.check(page)
    shot(page, "09-mapping-error")
    page.get_by_label("Column mapping").fill(
        'slug = "leicester-asb"\nname = "Leicester ASB incidents"\nsource = "leicester.asb"\n'
        'force = "leicestershire"\n\n[columns]\ndate = "Date"\n\n[categories]\n'
        'fixed = "Anti-social behaviour"\n'
    )
    page.get_by_role("button", name="Save mapping").click()
    expect(page.get_by_role("heading", name="Leicester ASB incidents")).to_be_visible()
    axe.check(page)
    shot(page, "10-mappings")

    # Indicators: the list, the two steps of defining one (with an error), and its preview.
    page.goto("/p/leicester/data/indicators/")
    axe.check(page)
    shot(page, "11-indicators")
    page.get_by_role("button", name="Define an indicator").click()
    axe.check(page)
    page.get_by_role("button", name="Continue").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Select the data the indicator counts")
    axe.check(page)
    page.get_by_label("police.uk street-level crime").check()
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_test_id("chosen-sources")).to_contain_text("police.uk street-level crime")
    page.get_by_label("Name", exact=True).fill("Burglary in Leicester")
    page.get_by_label("Short name").fill("Leicester Burglary")
    page.get_by_label("Burglary", exact=True).check()
    page.get_by_label("Also show a rate per 1,000 residents").check()
    page.get_by_role("button", name="Save indicator").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("lower-case letters, digits and hyphens")
    axe.check(page)
    shot(page, "12-indicator-errors")
    page.get_by_label("Short name").fill("leicester-burglary")
    page.get_by_role("button", name="Save indicator").click()

    expect(page.get_by_role("heading", name="Burglary in Leicester")).to_be_visible()
    chart = page.get_by_role("img", name=re.compile("Burglary in Leicester: count by month"))
    expect(chart).to_be_visible()
    table = page.get_by_test_id("series")
    expect(table).to_be_visible()
    expect(table.get_by_role("row", name=re.compile("March 2024"))).to_contain_text("3")
    expect(table).to_contain_text("Per 1,000 residents")
    if demo_has_2023:
        # January 2022 to March 2024: the demo's two years, the two months missing, and the one imported.
        expect(chart.locator('rect[fill="#1d70b8"]')).to_have_count(25)
        expect(chart.locator('rect[data-missing="true"]')).to_have_count(2)
        expect(table.get_by_role("row", name=re.compile("February 2024"))).to_contain_text("Not held")
    axe.check(page)
    shot(page, "13-indicator-preview")

    # Changing it, then removing it.
    page.get_by_role("button", name="Change the indicator").click()
    page.get_by_label("Name", exact=True).fill("")
    page.get_by_role("button", name="Save indicator").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Enter a name for the indicator")
    axe.check(page)
    shot(page, "14-indicator-edit-errors")
    page.get_by_label("Name", exact=True).fill("Burglary in the city")
    page.get_by_role("button", name="Save indicator").click()
    expect(page.get_by_role("heading", name="Burglary in the city")).to_be_visible()
    page.get_by_role("button", name="Remove the indicator").click()
    expect(page.get_by_role("heading", name="Remove ‘Burglary in the city’")).to_be_visible()
    axe.check(page)
    shot(page, "15-indicator-remove")
    page.get_by_role("button", name="Remove indicator").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text(
        "Indicator ‘Burglary in the city’ removed"
    )
    axe.check(page)


def all_rejected_csv() -> bytes:
    """Ten rows, every one of them with a crime type police.uk does not have."""
    police = "Leicestershire Police,Leicestershire Police"
    rows = [f"r{i},{MONTH},{police},,,No location,,,Shop lifting,," for i in range(10)]
    return ("\n".join([",".join(schema.POLICEUK_STREET_HEADER), *rows]) + "\n").encode()


def test_an_analyst_uploads_a_file_whose_every_row_is_rejected(
    page: Page, axe, transactional_db, settings, tmp_path
):
    settings.SAFERHUB_DATA_DIR = tmp_path
    load_demo_with_geography()
    held = Partition.objects.count()
    sign_in(page, STEWARD)
    page.goto("/p/llr/data/imports/new/")
    page.get_by_label("police.uk files (CSV or the zip police.uk gives you)").check()
    page.get_by_label("Upload a file").set_input_files(
        {"name": f"{MONTH}-leicestershire-street.csv", "mimeType": "text/csv", "buffer": all_rejected_csv()}
    )
    page.get_by_role("button", name="Import").click()

    expect(page.get_by_role("heading", name="police.uk import")).to_be_visible()
    expect(page.locator(".govuk-tag")).to_have_text("Refused")
    inset = page.locator(".govuk-inset-text")
    expect(inset).to_contain_text("Nothing was imported.")
    expect(inset).to_contain_text("every one of its 10 rows was rejected")
    expect(inset).not_to_contain_text("<p")
    summary = page.locator(".govuk-summary-list")
    expect(summary.locator(".govuk-summary-list__row", has_text="Rows read")).to_contain_text("10")
    expect(summary.locator(".govuk-summary-list__row", has_text="Rows rejected")).to_contain_text("10")
    rejections = page.get_by_test_id("rejections")
    expect(rejections.locator("tbody tr")).to_have_count(10)
    expect(rejections).to_contain_text("not a police.uk crime type")
    axe.check(page)
    shot(page, "20-all-rejected")
    assert Partition.objects.count() == held
    assert ImportRun.objects.get(partnership__slug="llr").status == "refused"
