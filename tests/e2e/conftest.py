"""Browser tests: Debian's Chromium driven by Playwright against a live server, with axe on every page."""

import os
from collections.abc import Iterator
from typing import Any

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Browser, Page, sync_playwright

# Playwright's sync API runs an event loop in this thread; the ORM calls the tests make are still synchronous.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = os.environ.get("SAFERHUB_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
WCAG_22_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "tests/e2e/" in str(item.fspath):
            item.add_marker(pytest.mark.e2e)


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    if not os.path.exists(CHROMIUM):
        pytest.fail(f"The browser tests need Chromium at {CHROMIUM}: run `make system-packages`.")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


class AccessibilityChecker:
    """Runs axe on every page it is shown and remembers every violation, so one test reports them all."""

    def __init__(self) -> None:
        self.axe = Axe()
        self.failures: list[str] = []
        self.pages_checked: list[str] = []

    def check(self, page: Page) -> None:
        results = self.axe.run(page, options={"runOnly": {"type": "tag", "values": WCAG_22_AA}})
        self.pages_checked.append(page.url)
        if results.violations_count:
            self.failures.append(f"{page.url}\n{results.generate_report()}")


@pytest.fixture
def axe() -> Iterator[AccessibilityChecker]:
    checker = AccessibilityChecker()
    yield checker
    assert not checker.failures, "axe found WCAG 2.2 AA violations:\n" + "\n".join(checker.failures)


@pytest.fixture
def page(browser: Browser, live_server: Any) -> Iterator[Page]:
    context = browser.new_context(base_url=live_server.url, viewport={"width": 1024, "height": 800})
    page = context.new_page()
    errors: list[str] = []

    def on_console(message: Any) -> None:
        # A page answered 400 for a form with errors is expected; failed assets are caught below instead.
        if message.type == "error" and not message.text.startswith("Failed to load resource"):
            errors.append(message.text)

    def on_response(response: Any) -> None:
        if response.request.resource_type != "document" and response.status >= 400:
            errors.append(f"{response.status} for {response.url}")

    page.on("console", on_console)
    page.on("response", on_response)
    yield page
    context.close()
    # A CSP violation, a broken script or a missing asset shows up here, even when the page still looks right.
    assert not errors, f"The browser reported errors: {errors}"
