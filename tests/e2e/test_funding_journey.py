"""The Leicester locality fund, from an application to the board pack: a voluntary group applies to the open
round, the manager passes it to the assessors, two score it and the third declares a conflict and cannot,
the manager moderates it and approves it with conditions, offers the grant, the group accepts and sends its
Q3 report, the manager accepts the report, and the quarter's board pack shows the project. axe checks every
page, the error states included."""

import datetime as dt
import re

from django.core.management import call_command
from django.utils import timezone
from playwright.sync_api import Page, expect

from tests.e2e.browsing import sign_in

MANAGER = "manager@leicester.demo"
APPLICANT = "applicant@youthforum.demo"
ASSESSORS = ("assessor@leicester.demo", "assessor2@leicester.demo")
CONFLICTED = "assessor3@leicester.demo"
PROJECT = "Safer parks after dark"
CONDITIONS = "Share the youth workers' DBS checks with the partnership before the first session."


def sign_out(page: Page) -> None:
    page.get_by_role("button", name="Sign out").click()


def go_to_the_round_as(page: Page, axe, email: str) -> None:
    """Staff reach the open round through the partnership's funding pages."""
    sign_in(page, email, lands_on="Your partnerships")
    page.get_by_role("link", name="Leicester Community Safety Partnership").first.click()
    page.get_by_role("link", name=re.compile("^Funding")).click()
    axe.check(page)
    page.get_by_role("link", name="Leicester Locality Fund").first.click()
    axe.check(page)
    page.get_by_role("link", name="Winter projects 2026/27").click()
    expect(page.get_by_role("heading", name="Winter projects 2026/27")).to_be_visible()
    axe.check(page)


def open_the_application_as_staff(page: Page, axe, email: str) -> None:
    go_to_the_round_as(page, axe, email)
    page.get_by_test_id("applications").get_by_role("link", name=PROJECT).click()
    expect(page.get_by_role("heading", name=PROJECT)).to_be_visible()
    axe.check(page)


def save_section(page: Page, axe, name: str, fill) -> None:
    page.get_by_role("link", name=name, exact=True).click()
    axe.check(page)
    fill()
    page.get_by_role("button", name="Save and go back to the application").click()
    expect(page.get_by_role("heading", name=PROJECT)).to_be_visible()
    axe.check(page)


def refused_then_fixed(page: Page, axe, button: str, message: str) -> None:
    """Submitting the form as it is is refused with `message` in the error summary, which takes focus."""
    page.get_by_role("button", name=button).click()
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_contain_text(message)
    expect(summary).to_be_focused()
    expect(page).to_have_title(re.compile("^Error: "))
    axe.check(page)


def open_quarter(page: Page, button: str, due: dt.date) -> None:
    """The form that opens a quarter's returns or reports, the funding's and the theme leads' alike: the
    demo has Q1 and Q2 of 2026/27 open, so Q3."""
    page.get_by_label("Financial year it starts in").fill("2026")
    if page.get_by_label("Q3", exact=True).count():
        page.get_by_label("Q3", exact=True).check()
    else:
        page.get_by_label("Quarter").select_option("3")
    page.get_by_label(re.compile("are due on")).fill(due.isoformat())
    page.get_by_role("button", name=button).click()


def apply(page: Page, axe) -> None:
    sign_in(page, APPLICANT)
    page.get_by_role("link", name="Apply for funding").first.click()
    expect(page.get_by_role("heading", name="Applying for funding")).to_be_visible()
    axe.check(page)
    page.get_by_role("link", name="Winter projects 2026/27").click()
    axe.check(page)
    refused_then_fixed(page, axe, "Start an application", "Enter the project's title")
    page.get_by_label("Project title").fill(PROJECT)
    page.get_by_label("Braunstone Community Garden").check()
    page.get_by_role("button", name="Start an application").click()
    expect(page.get_by_role("heading", name=PROJECT)).to_be_visible()
    axe.check(page)

    def organisation() -> None:
        page.get_by_label("Registered charity or company number").fill("1190000")
        page.get_by_label("Address").fill("Braunstone Park, Leicester LE3 1QN")
        page.get_by_label("Telephone number").fill("0116 496 0000")

    def project() -> None:
        page.get_by_label("What the project will do").fill("Youth work in Braunstone Park on winter nights.")
        page.get_by_label("How much the project asks for, in pounds").fill("4,000")
        page.get_by_label("The project starts on").fill("2027-01-04")
        page.get_by_label("The project ends on").fill("2027-03-26")

    def priorities() -> None:
        page.locator("input[name=priorities]").first.check()

    def outcomes() -> None:
        page.get_by_label("What will change").first.fill("Fewer calls about young people in the park")
        page.locator("input[name=measure_1]").fill("Calls to the police about the park")
        page.get_by_label("Target number").first.fill("40")

    def budget() -> None:
        page.get_by_label("What the money is for").first.fill("Youth workers, 200 hours")
        page.get_by_label("Amount, in pounds").first.fill("4,000")

    def questions() -> None:
        page.locator("textarea").first.fill("The garden's volunteers will keep the sessions going.")

    # A section saved empty is refused, and says what is missing.
    page.get_by_role("link", name="Your organisation", exact=True).click()
    refused_then_fixed(page, axe, "Save and go back to the application", "Enter")
    organisation()
    page.get_by_role("button", name="Save and go back to the application").click()
    for name, fill in (
        ("The project", project),
        ("The priorities it serves", priorities),
        ("Outcomes and measures", outcomes),
        ("Budget", budget),
        ("Match funding", lambda: None),
        ("The round's questions", questions),
    ):
        save_section(page, axe, name, fill)
    page.get_by_role("button", name="Check and submit").click()
    axe.check(page)
    page.get_by_role("button", name="Submit the application").click()
    expect(page.get_by_text("Submitted").first).to_be_visible()
    axe.check(page)
    sign_out(page)


def test_a_voluntary_group_is_funded_and_reports_to_the_board_pack(page: Page, axe, transactional_db):
    call_command("load_demo", "--without-crime-data", verbosity=0)
    apply(page, axe)

    # The manager passes it to the assessors.
    open_the_application_as_staff(page, axe, MANAGER)
    page.get_by_role("link", name="Rule on eligibility").click()
    axe.check(page)
    page.get_by_label("Eligible: pass it to the assessors").check()
    page.get_by_role("button", name="Save the ruling").click()
    axe.check(page)
    sign_out(page)

    # Two assessors score it, each alone.
    for email, score in zip(ASSESSORS, ("4", "3"), strict=True):
        open_the_application_as_staff(page, axe, email)
        page.get_by_role("link", name="Score this application").click()
        axe.check(page)
        refused_then_fixed(page, axe, "Save my scores", "Enter a score for")
        for box in page.locator("input[name^=score_]").all():
            box.fill(score)
        page.get_by_role("button", name="Save my scores").click()
        axe.check(page)
        sign_out(page)

    # The third declares a conflict, and then cannot score it.
    open_the_application_as_staff(page, axe, CONFLICTED)
    page.get_by_role("link", name="Declare a conflict of interest").click()
    axe.check(page)
    page.locator("textarea").first.fill("I sit on the garden's committee.")
    page.get_by_role("button", name="Declare the conflict").click()
    axe.check(page)
    expect(page.get_by_role("link", name="Score this application")).to_have_count(0)
    score_page = page.url.rstrip("/").rsplit("/", 1)[0] + "/score/"
    page.goto(score_page)
    expect(page.get_by_role("heading", name="Page not found")).to_be_visible()
    axe.check(page)
    sign_out(page)

    # The manager moderates and approves with conditions, then offers the grant.
    open_the_application_as_staff(page, axe, MANAGER)
    page.get_by_role("link", name="Moderate the scores").click()
    axe.check(page)
    for box in page.locator("input[name^=score_]").all():
        box.fill("4")
    for box in page.locator("textarea").all():
        box.fill("Agreed at the panel on the strength of the park's call data.")
    page.get_by_role("button", name="Save the agreed scores").click()
    axe.check(page)
    page.get_by_role("link", name="Decide", exact=True).click()
    axe.check(page)
    page.get_by_label("Approve with conditions").check()
    page.get_by_role("button", name="Save the decision").click()
    expect(page.locator(".govuk-error-summary")).to_be_visible()
    axe.check(page)
    page.locator("textarea[name=conditions]").fill(CONDITIONS)
    page.locator("textarea[name=reason]").fill("Scored above the pass mark; the fund has the money.")
    page.get_by_role("button", name="Save the decision").click()
    axe.check(page)
    page.get_by_role("link", name="Make an offer").click()
    axe.check(page)
    page.get_by_role("button", name="Make the offer").click()
    expect(page.get_by_text(CONDITIONS).first).to_be_visible()
    axe.check(page)
    sign_out(page)

    # The group accepts the offer.
    sign_in(page, APPLICANT)
    page.get_by_role("link", name="Apply for funding").first.click()
    page.get_by_role("link", name=PROJECT).first.click()
    axe.check(page)
    page.get_by_role("button", name="Accept or decline the offer").click()
    axe.check(page)
    page.get_by_label("Yes, we accept the offer").check()
    page.get_by_role("button", name="Send your answer").click()
    expect(page.locator(".govuk-error-summary")).to_be_visible()
    axe.check(page)
    page.get_by_role("checkbox").check()
    page.get_by_role("button", name="Send your answer").click()
    expect(page.get_by_text("Accepted").first).to_be_visible()
    axe.check(page)
    sign_out(page)

    # The manager asks for the quarter's reports.
    go_to_the_round_as(page, axe, MANAGER)
    page.get_by_role("link", name="Leicester Locality Fund").first.click()
    page.get_by_role("button", name="Open a quarter's project reports").click()
    axe.check(page)
    due = timezone.localdate() + dt.timedelta(days=14)
    open_quarter(page, "Open the reports", due)
    expect(page.get_by_role("heading", name="2026/27 Q3 project reports")).to_be_visible()
    axe.check(page)
    sign_out(page)

    # The group sends its report.
    sign_in(page, APPLICANT)
    page.get_by_role("link", name="Apply for funding").first.click()
    # The group's other project, funded last round, owes its Q3 report too: this is the new one's.
    page.get_by_role("row", name=re.compile(PROJECT)).get_by_role(
        "link", name=re.compile("Q3 report")
    ).click()
    axe.check(page)
    for section in ("Progress against the outcomes", "The measures' figures", "Spend against the budget"):
        page.get_by_role("link", name=section).click()
        axe.check(page)
        for box in page.locator("textarea").all():
            box.fill("Sessions ran every Friday from October; the park was quieter.")
        for box in page.locator("input[type=text]").all():
            box.fill("12")
        page.get_by_role("button", name="Save and come back later").click()
        expect(page.get_by_text(f"‘{section}’ saved")).to_be_visible()
        axe.check(page)
    for section in ("A case study", "Risks and help needed"):
        page.get_by_role("link", name=section).click()
        page.locator("textarea").first.fill("A young person now volunteers at the garden.")
        page.get_by_role("button", name="Save and come back later").click()
        expect(page.get_by_text(f"‘{section}’ saved")).to_be_visible()
    page.get_by_role("button", name="Check and submit").click()
    axe.check(page)
    page.get_by_role("button", name=re.compile("^Submit")).click()
    expect(page.get_by_text("Report submitted to the partnership")).to_be_visible()
    axe.check(page)
    sign_out(page)

    # The manager accepts it, and the quarter's board pack shows the project.
    go_to_the_round_as(page, axe, MANAGER)
    page.get_by_role("link", name="Leicester Locality Fund").first.click()
    page.get_by_role("link", name=re.compile("Q3 reports")).first.click()
    axe.check(page)
    page.get_by_role("link", name=PROJECT).click()
    axe.check(page)
    page.get_by_role("button", name="Accept or return").click()
    axe.check(page)
    page.get_by_label("Accept the report").check()
    page.get_by_role("button", name="Save the decision").click()
    expect(page.get_by_text("Accepted").first).to_be_visible()
    axe.check(page)
    page.get_by_role("link", name="Leicester Community Safety Partnership").first.click()
    page.get_by_role("link", name=re.compile("^Performance")).click()
    page.get_by_role("button", name="Open a quarter’s returns").click()
    open_quarter(page, "Open returns", due)
    page.get_by_role("button", name="Generate the board pack").click()
    expect(page.get_by_role("heading", name="Board pack 2026/27 Q3")).to_be_visible()
    expect(page.get_by_test_id("funded-projects")).to_contain_text(PROJECT)
    expect(page.get_by_test_id("funded-projects")).to_contain_text("£4,000.00")
    axe.check(page)
