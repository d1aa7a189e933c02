"""The error pages a person can meet, in the browser: the site's layout, a way back, and nothing for axe."""

from typing import Any

from playwright.sync_api import Page, expect

from saferhub.partnerships.tests.factories import PASSWORD
from tests.e2e.browsing import sign_in


def follow_the_way_back(page: Page) -> None:
    page.get_by_role("link", name="Go to the home page").click()
    expect(page.get_by_role("heading", name="Your partnerships")).to_be_visible()


def test_not_found_forbidden_and_server_error_pages(
    page: Page, axe: Any, transactional_db: Any, world: Any, monkeypatch: Any
) -> None:
    sign_in(page, world.people["board_member"].email, password=PASSWORD, lands_on="Your partnerships")

    response = page.goto("/p/beta/")
    assert response is not None and response.status == 404
    expect(page.get_by_role("heading", level=1)).to_have_text("Page not found")
    expect(page.get_by_role("link", name="Your account")).to_be_visible()
    axe.check(page)
    follow_the_way_back(page)

    response = page.goto("/p/alpha/groups/new/")
    assert response is not None and response.status == 403
    expect(page.get_by_role("heading", level=1)).to_have_text("You cannot do this")
    axe.check(page)
    follow_the_way_back(page)

    def broken(*args: Any, **kwargs: Any) -> None:
        raise RuntimeError("the view failed")

    # The live server runs in this process: the home page's selector now fails as a broken database would.
    monkeypatch.setattr("saferhub.partnerships.views.selectors.memberships_of", broken)
    response = page.goto("/")
    assert response is not None and response.status == 500
    expect(page.get_by_role("heading", level=1)).to_have_text("Sorry, there is a problem with the service")
    expect(page.get_by_text("the view failed")).to_have_count(0)
    axe.check(page)


def test_a_form_sent_after_its_cookie_is_lost_explains_what_to_do(
    page: Page, axe: Any, transactional_db: Any, world: Any
) -> None:
    page.goto("/sign-in/")
    page.context.clear_cookies()
    page.get_by_label("Email address").fill(world.people["analyst"].email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Sorry, that form could not be sent")
    axe.check(page)
    page.get_by_role("link", name="Go to the home page").click()
    expect(page.get_by_role("heading", name="Sign in")).to_be_visible()


def test_an_unknown_address_when_signed_out(page: Page, axe: Any, transactional_db: Any) -> None:
    response = page.goto("/no-such-page/")
    assert response is not None and response.status == 404
    expect(page.get_by_role("heading", level=1)).to_have_text("Page not found")
    axe.check(page)
