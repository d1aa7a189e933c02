"""What every browser journey does the same way: sign in through the form, as a person would."""

from typing import Any

from playwright.sync_api import Page, expect

from saferhub.demo.loader import DEMO_PASSWORD


def sign_in(
    page: Page, email: str, *, password: str = DEMO_PASSWORD, axe: Any = None, lands_on: str | None = None
) -> None:
    """Sign in as `email`. With `axe`, the sign-in page is checked first; with `lands_on`, the journey goes
    on only once the page headed so has opened (the person's partnerships, or the security code page)."""
    page.goto("/sign-in/")
    if axe is not None:
        axe.check(page)
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    if lands_on is not None:
        expect(page.get_by_role("heading", name=lands_on)).to_be_visible()
