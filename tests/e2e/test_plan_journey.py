"""A partnership manager signs in with two-factor authentication, edits a priority and reads its history."""

import re

from django.core.management import call_command
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import Page, expect

from saferhub.accounts.models import User
from saferhub.accounts.tests.factories import TOTPDeviceFactory
from tests.e2e.browsing import sign_in

MANAGER = "manager@leicester.demo"
LEAD = "lead@leicester.demo"


def _code(device: TOTPDevice) -> str:
    code = totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits, drift=device.drift)
    return f"{code:06d}"


def test_manager_signs_in_with_two_factor_edits_a_priority_and_sees_its_history(
    page: Page, axe, transactional_db
):
    call_command("load_demo", "--without-crime-data", verbosity=0)
    manager = User.objects.get(email=MANAGER)
    device = TOTPDeviceFactory(user=manager)

    sign_in(page, MANAGER, axe=axe)
    expect(page.get_by_role("heading", name="Enter your security code")).to_be_visible()
    axe.check(page)
    page.get_by_label("Security code").fill("000000" if _code(device) != "000000" else "111111")
    page.get_by_role("button", name="Continue").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("The security code is wrong")
    axe.check(page)
    # django-otp refuses any code for a second after a wrong one, as a person retyping would not notice.
    page.wait_for_timeout(1100)
    page.get_by_label("Security code").fill(_code(device))
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("heading", name="Your partnerships")).to_be_visible()
    axe.check(page)

    page.get_by_role("link", name="Leicester Community Safety Partnership").first.click()
    axe.check(page)
    page.get_by_role("link", name="Partnership plans and priorities").click()
    axe.check(page)
    page.get_by_role("link", name=re.compile("April 2023")).click()
    expect(page.get_by_role("heading", name="Strategic priorities")).to_be_visible()
    axe.check(page)
    page.get_by_role("link", name="3. Business Crime").click()
    axe.check(page)
    page.get_by_role("button", name="Edit the priority").click()
    axe.check(page)

    page.get_by_label("Priority", exact=True).fill("")
    page.get_by_role("button", name="Save").click()
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_contain_text("Enter the priority")
    expect(summary).to_be_focused()
    expect(page).to_have_title(re.compile("^Error: "))
    axe.check(page)

    page.get_by_label("Priority", exact=True).fill("Business Crime and Retail Theft")
    deliverables = page.get_by_label("Key deliverables")
    deliverables.fill(deliverables.input_value() + "\nShopwatch radio scheme in the city centre")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("heading", name="Business Crime and Retail Theft")).to_be_visible()
    expect(page.get_by_text("Shopwatch radio scheme in the city centre")).to_be_visible()
    axe.check(page)

    page.get_by_role("link", name="History of this priority").click()
    changes = page.get_by_test_id("changes")
    expect(changes).to_contain_text("Business Crime and Retail Theft")
    expect(changes).to_contain_text("Business Crime")
    # The browser sent the untouched description with CRLF line breaks: that is no change anyone made.
    expect(changes).not_to_contain_text("Description")
    expect(changes).to_contain_text("Deliverable added")
    expect(changes).to_contain_text("Shopwatch radio scheme in the city centre")
    expect(page.get_by_test_id("events")).to_contain_text("deliverables")
    expect(page.get_by_test_id("views")).to_contain_text(manager.full_name)
    axe.check(page)

    page.get_by_role("link", name="Audit log").click()
    expect(page.locator("table")).to_contain_text("Updated: title, deliverables")
    axe.check(page)


def test_staff_must_set_up_two_factor_when_the_partnership_requires_it(page: Page, axe, transactional_db):
    call_command("load_demo", "--without-crime-data", verbosity=0)
    from saferhub.partnerships.models import Partnership

    Partnership.objects.filter(slug="leicester").update(requires_two_factor=True)
    sign_in(page, LEAD, axe=axe)
    expect(page.get_by_role("heading", name="Set up two-factor authentication")).to_be_visible()
    axe.check(page)
    page.goto("/p/leicester/")
    expect(page.get_by_role("heading", name="Set up two-factor authentication")).to_be_visible()

    device = TOTPDevice.objects.get(user__email=LEAD, confirmed=False)
    page.get_by_label("Security code").fill(_code(device))
    page.get_by_role("button", name="Turn on two-factor authentication").click()
    expect(page.get_by_text("Two-factor authentication is set up")).to_be_visible()
    axe.check(page)
    page.goto("/p/leicester/")
    expect(page.get_by_role("heading", name="Leicester Community Safety Partnership")).to_be_visible()


def test_keyboard_user_reaches_the_skip_link_first_and_sees_a_focus_ring(page: Page, axe, transactional_db):
    call_command("load_demo", "--without-crime-data", verbosity=0)
    page.goto("/sign-in/")
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Skip to main content")
    expect(skip).to_be_focused()
    outline = skip.evaluate("el => getComputedStyle(el).outlineStyle + ' ' + getComputedStyle(el).boxShadow")
    assert outline != "none none"
    page.keyboard.press("Enter")
    page.keyboard.press("Tab")
    expect(page.get_by_label("Email address")).to_be_focused()


def test_pages_reflow_at_320_pixels_without_sideways_scrolling(page: Page, axe, transactional_db):
    call_command("load_demo", "--without-crime-data", verbosity=0)
    page.set_viewport_size({"width": 320, "height": 640})
    sign_in(page, MANAGER, axe=axe)
    page.goto("/p/leicester/")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 320
    axe.check(page)
