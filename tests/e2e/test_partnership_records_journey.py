"""A manager changes and removes a member organisation, a group's meeting and a group; removes two-factor
authentication with their password. axe on every page, including the refusal and the error states."""

from typing import Any

from playwright.sync_api import Page, expect

from saferhub.accounts.tests.factories import TOTPDeviceFactory
from saferhub.partnerships.tests.factories import PASSWORD, OrganisationFactory, PartnerOrganisationFactory
from tests.e2e.browsing import sign_in


def test_manager_changes_and_removes_the_partnerships_records(
    page: Page, axe: Any, transactional_db: Any, world: Any
) -> None:
    manager = world.people["partnership_manager"]
    housing = OrganisationFactory(name="Alpha Homes", type="housing")
    PartnerOrganisationFactory(partnership=world.a, organisation=housing, status="other_partner")
    sign_in(page, manager.email, password=PASSWORD)

    page.goto("/p/alpha/")
    axe.check(page)
    page.get_by_role("link", name="Remove Alpha City Council").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("cannot be removed while 8 memberships")
    axe.check(page)
    page.get_by_role("link", name="Go back").click()
    page.get_by_role("link", name="Change Alpha Homes").click()
    axe.check(page)
    page.get_by_label("Co-operating body").check()
    page.get_by_role("button", name="Save").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("Alpha Homes is now co-operating body")
    page.get_by_role("link", name="Remove Alpha Homes").click()
    axe.check(page)
    page.get_by_role("button", name="Remove organisation").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("no longer a member organisation")

    page.get_by_role("link", name="Executive Board").click()
    page.get_by_role("link", name="Change Quarterly board").click()
    axe.check(page)
    page.get_by_label("Notes or minutes").fill("Present: A, B\nApologies: C")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("Apologies: C")).to_be_visible()
    axe.check(page)
    page.get_by_role("link", name="Remove Quarterly board").click()
    axe.check(page)
    page.get_by_role("button", name="Remove meeting").click()
    expect(page.get_by_text("No meetings recorded.")).to_be_visible()
    page.get_by_role("link", name="Change the group's name, type or purpose").click()
    page.get_by_label("Name").fill("")
    page.get_by_role("button", name="Save").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Enter the group's name")
    axe.check(page)
    page.get_by_role("link", name="Cancel").click()
    page.get_by_role("link", name="Remove the group").click()
    axe.check(page)
    page.get_by_role("button", name="Remove group").click()
    expect(page.get_by_text("No groups yet.")).to_be_visible()

    TOTPDeviceFactory(user=manager)
    page.goto("/account/")
    page.get_by_role("button", name="Remove two-factor authentication").click()
    page.get_by_label("Your password, or a code").fill("not-my-password")
    page.get_by_role("button", name="Remove two-factor authentication").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("That is not your password")
    axe.check(page)
    page.get_by_label("Your password, or a code").fill(PASSWORD)
    page.get_by_role("button", name="Remove two-factor authentication").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("has been removed")
    axe.check(page)
