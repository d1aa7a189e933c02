"""Leicester's housing-related ASB casework, as its officers use it: the council's housing officer opens a
case, adds three incidents, a victim and a perpetrator, assesses the victim's risk, invites the police under
the partnership's agreement, gives the perpetrator a Community Protection Warning and is refused the notice
before the warning's deadline; the police officer then finds the case on their list and opens it, and the
fire service's officer, whose organisation no agreement covers, finds no such case. axe checks every page,
the error states included."""

import datetime as dt
import re

from django.core.management import call_command
from django.utils import timezone
from playwright.sync_api import Page, expect

from tests.e2e.browsing import sign_in

HOUSING = "caseworker@leicester.demo"
POLICE = "police.officer@leicester.demo"
FIRE = "fire.officer@leicester.demo"
SUMMARY = "Drug dealing and intimidation on the stairwell of Block C"


def sign_out(page: Page) -> None:
    page.get_by_role("button", name="Sign out").click()


def shows_error(page: Page, axe, message: str) -> None:
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_contain_text(message)
    expect(page).to_have_title(re.compile("^Error: "))
    axe.check(page)


def open_the_case(page: Page, axe) -> str:
    sign_in(page, HOUSING, axe=axe, lands_on="My work")
    axe.check(page)
    page.get_by_role("link", name="Leicester Community Safety Partnership").first.click()
    page.get_by_role("link", name="Anti-social behaviour cases").click()
    expect(page.get_by_role("heading", name="ASB cases")).to_be_visible()
    axe.check(page)
    page.get_by_role("button", name="Open a case").click()
    axe.check(page)
    page.get_by_role("button", name="Open the case").click()
    shows_error(page, axe, "Enter a summary of the case")
    page.get_by_label("Summary").fill(SUMMARY)
    page.get_by_label("Lead officer").select_option(label="Daniel Okafor")
    page.get_by_label("Address").fill("Block C, St Matthews Estate, Leicester")
    page.get_by_label("Postcode").fill("le1 2pj")
    page.get_by_role("button", name="Open the case").click()
    anyway = page.get_by_role("button", name="Open a new case anyway")
    if anyway.count():
        axe.check(page)
        anyway.click()
    expect(page.get_by_role("heading", name=SUMMARY)).to_be_visible()
    axe.check(page)
    return page.url


def add_party(page: Page, axe, role: str, name: str, born: dt.date) -> None:
    page.get_by_role("link", name="Add a victim, witness, reporter or perpetrator").click()
    axe.check(page)
    page.get_by_label(role, exact=True).check()
    page.get_by_label("Name").fill(name)
    page.get_by_label("Date of birth").fill(born.isoformat())
    page.get_by_role("button", name=re.compile("^Add")).click()
    matched = page.get_by_label("None of these: add a new one")
    if matched.count():
        axe.check(page)
        matched.check()
        page.get_by_role("button", name=re.compile("^Add")).click()
    expect(page.get_by_role("heading", name=SUMMARY)).to_be_visible()
    expect(page.get_by_role("heading", name=name)).to_be_visible()


def add_incident(page: Page, axe, day: dt.date, reference: str, what: str) -> None:
    page.get_by_role("link", name="Add an incident").click()
    page.get_by_label("Date it happened").fill(day.isoformat())
    page.get_by_label("Time it happened").fill("23:15")
    page.get_by_label("Date reported").fill((day + dt.timedelta(days=1)).isoformat())
    page.get_by_label("Reporting organisation").select_option(label="Leicester City Council")
    page.get_by_label("Their reference").fill(reference)
    page.get_by_label("Nuisance").check()
    page.get_by_label("What happened").fill(what)
    page.get_by_role("button", name=re.compile("^(Add|Record|Save)")).click()
    anyway = page.get_by_role("button", name=re.compile("anyway"))
    if anyway.count():
        anyway.click()
    expect(page.get_by_role("heading", name=SUMMARY)).to_be_visible()


def test_a_housing_officer_works_a_case_with_the_police_and_the_fire_service_cannot_see_it(
    page: Page, axe, transactional_db
):
    call_command("load_demo", "--without-crime-data", verbosity=0)
    today = timezone.localdate()
    case_url = open_the_case(page, axe)

    add_party(page, axe, "Victim", "Amira Patel", dt.date(1961, 3, 2))
    add_party(page, axe, "Perpetrator", "Jordan Reeve", dt.date(2001, 8, 19))
    for days_ago, reference in ((20, "LCC-ASB-9101"), (12, "LCC-ASB-9102"), (4, "LCC-ASB-9103")):
        add_incident(
            page, axe, today - dt.timedelta(days=days_ago), reference, "Shouting and dealing on the stairs"
        )
    incidents = page.get_by_test_id("incidents")
    for reference in ("LCC-ASB-9101", "LCC-ASB-9102", "LCC-ASB-9103"):
        expect(incidents).to_contain_text(reference)
    axe.check(page)

    # The same council reference again is refused, and nothing is stored twice.
    page.get_by_role("link", name="Add an incident").click()
    page.get_by_label("Date it happened").fill(today.isoformat())
    page.get_by_label("Time it happened").fill("22:00")
    page.get_by_label("Date reported").fill(today.isoformat())
    page.get_by_label("Reporting organisation").select_option(label="Leicester City Council")
    page.get_by_label("Their reference").fill("LCC-ASB-9102")
    page.get_by_label("Nuisance").check()
    page.get_by_label("What happened").fill("The same report again")
    page.get_by_role("button", name=re.compile("^(Add|Record|Save)")).click()
    # Offered first as a likely duplicate; going on anyway is refused, naming the reference.
    expect(page.locator("body")).to_contain_text("LCC-ASB-9102")
    axe.check(page)
    page.get_by_role("button", name=re.compile("anyway")).click()
    shows_error(page, axe, "LCC-ASB-9102")
    page.goto(case_url)

    # The victim's risk: high, so the case is flagged for the JAG.
    page.get_by_role("link", name=re.compile("^Assess risk")).click()
    axe.check(page)
    for answer in page.get_by_role("checkbox").all()[:6]:
        answer.check()
    page.get_by_role("button", name=re.compile("^(Save|Record)")).click()
    if page.locator(".govuk-error-summary").count():
        axe.check(page)
        page.get_by_label("Joint Action Group").check()
        page.get_by_role("button", name=re.compile("^(Save|Record)")).click()
    page.goto(case_url)
    expect(page.locator("body")).to_contain_text(re.compile("High", re.I))

    # The police are invited under the agreement in force; the fire service is not offered.
    page.get_by_role("link", name="Invite or remove an organisation").click()
    axe.check(page)
    expect(page.get_by_role("radio", name=re.compile("Fire and Rescue"))).to_have_count(0)
    page.get_by_role("radio", name=re.compile("Leicestershire Police")).check()
    page.get_by_role("button", name=re.compile("^Invite")).click()
    expect(page.locator("body")).to_contain_text("Leicestershire Police")
    axe.check(page)
    page.goto(case_url)

    # A Community Protection Warning with a 28-day deadline; the notice is refused until it has passed.
    page.get_by_role("link", name=re.compile("^Take a step")).click()
    axe.check(page)
    page.get_by_role("link", name="Community Protection Warning").click()
    page.get_by_label("Date issued").fill(today.isoformat())
    page.get_by_role("button", name=re.compile("^Record")).click()
    expect(page.locator("body")).to_contain_text("Community Protection Warning")
    page.goto(case_url)
    page.get_by_role("link", name=re.compile("^Take a step")).click()
    deadline = today + dt.timedelta(days=28)
    expect(page.locator("body")).to_contain_text(re.compile("compliance deadline"))
    axe.check(page)
    page.goto(page.url.split("?")[0] + "?step=cpn")
    page.get_by_label("Date issued").fill(today.isoformat())
    page.get_by_role("button", name=re.compile("^Record")).click()
    shows_error(page, axe, f"{deadline.day} {deadline:%B %Y}")
    sign_out(page)

    # The police officer finds the case on their list and opens it.
    sign_in(page, POLICE, lands_on="My work")
    page.goto("/p/leicester/asb/cases/")
    page.get_by_role("row", name=re.compile(SUMMARY)).get_by_role("link").first.click()
    expect(page.get_by_role("heading", name=SUMMARY)).to_be_visible()
    expect(page.locator("body")).to_contain_text("Jordan Reeve")
    axe.check(page)
    sign_out(page)

    # The fire service's officer: no agreement, so the case does not exist for them.
    sign_in(page, FIRE, lands_on="My work")
    page.goto("/p/leicester/asb/cases/")
    expect(page.locator("body")).not_to_contain_text(SUMMARY)
    axe.check(page)
    response = page.goto(case_url)
    assert response is not None and response.status == 404
    axe.check(page)
