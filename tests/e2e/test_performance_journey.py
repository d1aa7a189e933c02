"""The Business Crime lead fills in the 2025/26 Q2 return; the manager returns it, then accepts it; the board
pack PDF holds the lead's narrative. axe checks every page; the board pack reflows at 320 px; another
priority's return does not exist for the lead."""

import re
import subprocess
from pathlib import Path

from django.core.management import call_command
from playwright.sync_api import Page, expect

from saferhub.performance.models import QuarterlyReturn
from tests.e2e.browsing import sign_in

MANAGER = "manager@leicester.demo"
LEAD = "lead@leicester.demo"
NARRATIVE = "Retail crime in the city centre fell after the Shopwatch radios went live in August."


def sign_out(page: Page) -> None:
    page.get_by_role("button", name="Sign out").click()


def open_performance(page: Page, axe) -> None:
    page.get_by_role("link", name="Leicester Community Safety Partnership").first.click()
    page.get_by_role("link", name=re.compile("^Performance")).click()
    expect(page.get_by_role("heading", name="Performance", exact=True)).to_be_visible()
    axe.check(page)


def check_reflow_at_320(page: Page, axe) -> None:
    """WCAG 1.4.10: at 320 CSS px the page never scrolls sideways; wide tables scroll in their own region."""
    size = page.viewport_size
    page.set_viewport_size({"width": 320, "height": 640})
    assert page.evaluate("document.documentElement.scrollWidth") <= 320
    for region in page.locator(".app-table-scroll").all():
        assert region.get_attribute("role") == "region" and region.get_attribute("aria-label")
        assert region.get_attribute("tabindex") == "0"  # reachable by keyboard, to scroll it
    axe.check(page)
    assert size is not None
    page.set_viewport_size(size)


def save_section(page: Page, axe, name: str, fill) -> None:
    page.get_by_role("link", name=name).click()
    axe.check(page)
    fill()
    page.get_by_role("button", name="Save and come back later").click()
    expect(page.get_by_text(f"‘{name}’ saved")).to_be_visible()
    axe.check(page)


def test_a_quarterly_return_from_draft_to_the_board_pack(page: Page, axe, transactional_db):
    call_command("load_demo", "--without-crime-data", verbosity=0)
    other = QuarterlyReturn.objects.get(priority__title="City Centre Violent Crime")

    # The lead finds the return waiting, and tries to save a section empty.
    sign_in(page, LEAD, lands_on="Your partnerships")
    axe.check(page)
    open_performance(page, axe)
    page.get_by_role("link", name="Business Crime: 2025/26 Q2 return").click()
    expect(page.get_by_role("heading", name="Business Crime")).to_be_visible()
    expect(page.locator(".govuk-task-list")).to_contain_text("Not yet started")
    axe.check(page)
    page.get_by_role("link", name="Progress on each deliverable").click()
    page.get_by_role("button", name="Save and come back later").click()
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_contain_text("Enter progress on ‘Reduce retail crime in City’")
    expect(summary).to_be_focused()
    expect(page).to_have_title(re.compile("^Error: "))
    axe.check(page)
    for box in page.locator("textarea").all():
        box.fill("Shopwatch radios in 40 city centre stores; joint patrols on Saturdays.")
    page.get_by_role("button", name="Save and come back later").click()
    expect(page.get_by_text("‘Progress on each deliverable’ saved")).to_be_visible()
    axe.check(page)

    # Save and come back: the lead leaves, and returns later to the rest.
    sign_out(page)
    sign_in(page, LEAD, lands_on="Your partnerships")
    axe.check(page)
    open_performance(page, axe)
    page.get_by_role("link", name="Business Crime: 2025/26 Q2 return").click()
    tasks = page.locator(".govuk-task-list")
    expect(tasks.locator("li", has_text="Progress on each deliverable")).to_contain_text("Completed")

    def themes() -> None:
        for box in page.locator("textarea").all():
            box.fill("Store staff trained to spot and report exploitation of young people.")

    save_section(page, axe, "Cross-cutting themes", themes)

    def measures() -> None:
        page.get_by_label(re.compile("figure for 2025/26 Q2")).fill("twenty")
        page.get_by_role("button", name="Save and come back later").click()
        expect(page.locator(".govuk-error-summary")).to_contain_text("Enter a number, like 12 or 12.5")
        axe.check(page)
        page.get_by_label(re.compile("figure for 2025/26 Q2")).fill("27")
        page.get_by_label(re.compile("Comment on Premises")).fill("Three test purchase operations.")

    save_section(page, axe, "Performance measures", measures)

    def risks() -> None:
        page.get_by_label("Risks and issues").fill("Two Trading Standards officers leave in October.")
        page.get_by_label("Help needed from the partnership").fill("Police support for test purchases.")

    save_section(page, axe, "Risks, issues and help needed", risks)

    def assessment() -> None:
        page.get_by_label("Amber: some concern, in hand").check()
        page.get_by_label("Summary for the board").fill("A first draft.")

    save_section(page, axe, "RAG self-assessment and summary", assessment)

    # Another priority's return does not exist for this lead.
    response = page.goto(f"/p/leicester/performance/returns/{other.public_id}/")
    assert response is not None and response.status == 404
    response = page.goto(f"/p/leicester/performance/returns/{other.public_id}/risks/")
    assert response is not None and response.status == 404
    ours = QuarterlyReturn.objects.get(priority__title="Business Crime")
    page.goto(f"/p/leicester/performance/returns/{ours.public_id}/")
    done = ("Progress on each deliverable", "Cross-cutting themes", "RAG self-assessment and summary")
    for section in done:
        expect(tasks.locator("li", has_text=section)).to_contain_text("Completed")

    page.get_by_role("button", name="Check and submit").click()
    expect(page.get_by_role("heading", name="Check your return before you submit it")).to_be_visible()
    expect(page.locator("main")).to_contain_text("Police support for test purchases.")
    axe.check(page)
    page.get_by_role("button", name="Submit the return").click()
    expect(page.get_by_text("Return submitted to the partnership manager")).to_be_visible()
    expect(page.locator("main")).to_contain_text("Submitted")
    axe.check(page)
    sign_out(page)

    # The manager returns it with a comment.
    sign_in(page, MANAGER, lands_on="Your partnerships")
    axe.check(page)
    open_performance(page, axe)
    page.get_by_role("link", name="2025/26 Q2 returns").click()
    expect(page.get_by_test_id("returns")).to_contain_text("Submitted")
    axe.check(page)
    page.get_by_role("link", name="Business Crime").click()
    axe.check(page)
    page.get_by_role("button", name="Accept or return").click()
    page.get_by_label("Return it to the lead for changes").check()
    page.get_by_role("button", name="Save decision").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Enter what the lead should change")
    axe.check(page)
    page.get_by_label("Comment for the lead").fill("Please say what the board can do about the staffing gap.")
    page.get_by_role("button", name="Save decision").click()
    expect(page.get_by_text("Return sent back to the lead")).to_be_visible()
    axe.check(page)
    sign_out(page)

    # The lead reads the comment, changes the summary and submits again.
    sign_in(page, LEAD, lands_on="Your partnerships")
    axe.check(page)
    open_performance(page, axe)
    page.get_by_role("link", name="Business Crime: 2025/26 Q2 return").click()
    expect(page.get_by_test_id("manager-comment")).to_contain_text(
        "what the board can do about the staffing gap"
    )
    axe.check(page)
    page.get_by_role("link", name="RAG self-assessment and summary").click()
    page.get_by_label("Summary for the board").fill(NARRATIVE)
    page.get_by_role("button", name="Save and come back later").click()
    page.get_by_role("button", name="Check and submit").click()
    expect(page.locator("main")).to_contain_text(NARRATIVE)
    page.get_by_role("button", name="Submit the return").click()
    expect(page.get_by_text("Return submitted to the partnership manager")).to_be_visible()
    sign_out(page)

    # The manager accepts it and produces the board pack.
    sign_in(page, MANAGER, lands_on="Your partnerships")
    axe.check(page)
    open_performance(page, axe)
    page.get_by_role("link", name="2025/26 Q2 returns").click()
    page.get_by_role("link", name="Business Crime").click()
    page.get_by_role("button", name="Accept or return").click()
    page.get_by_label("Accept the return").check()
    page.get_by_role("button", name="Save decision").click()
    expect(page.get_by_text("Return accepted")).to_be_visible()
    steps = page.get_by_test_id("steps")
    for step in ("Opened", "Submitted", "Returned for changes", "Accepted"):
        expect(steps).to_contain_text(step)
    axe.check(page)
    page.get_by_role("link", name="Performance").click()
    page.get_by_role("link", name="2025/26 Q2 returns").click()
    page.get_by_role("button", name="Generate the board pack").click()
    expect(page.get_by_role("heading", name="Board pack 2025/26 Q2")).to_be_visible()
    summary_table = page.get_by_test_id("summary")
    # Exceptions first: the lead's amber before priorities with no figures.
    expect(summary_table.locator("tbody tr").first).to_contain_text("Business Crime")
    expect(summary_table.locator("tbody tr").first).to_contain_text("Amber")
    expect(page.locator("main")).to_contain_text(NARRATIVE)
    expect(page.get_by_test_id("funded-projects")).to_contain_text(
        "records no funded projects for this financial year"
    )
    axe.check(page)
    check_reflow_at_320(page, axe)

    with page.expect_download() as download:
        page.get_by_role("link", name="Download the board pack as a PDF").click()
    pdf = Path(download.value.path())
    text = subprocess.run(
        ["/usr/bin/pdftotext", str(pdf), "-"], capture_output=True, check=True
    ).stdout.decode()
    assert "Board pack 2025/26 Q2" in text
    assert " ".join(NARRATIVE.split()) in " ".join(text.split())
    assert "Premises selling knives or vapes unlawfully" in text
    # The rules the pack was judged by, stored with it when it was generated.
    assert "A monthly figure counts for 3 months after its month ends" in " ".join(text.split())
    info = subprocess.run(["/usr/bin/pdfinfo", str(pdf)], capture_output=True, check=True).stdout.decode()
    assert "Tagged:          yes" in info

    page.get_by_role("button", name="Publish to the board").click()
    expect(page.get_by_text("Board pack published")).to_be_visible()
    axe.check(page)
    sign_out(page)

    # A board member reads the published pack.
    sign_in(page, "board@leicester.demo", lands_on="Your partnerships")
    axe.check(page)
    open_performance(page, axe)
    page.get_by_role("link", name="Board pack 2025/26 Q2").click()
    expect(page.locator("main")).to_contain_text(NARRATIVE)
    axe.check(page)
    check_reflow_at_320(page, axe)
