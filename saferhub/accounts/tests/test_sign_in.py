"""Signing in and out, the lockout, two-factor authentication and the idle timeout, as a person meets them."""

import datetime as dt
from urllib.parse import quote

import pytest
import time_machine
from django.conf import settings
from django.test import Client
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from saferhub.accounts.tests.factories import TOTPDeviceFactory
from saferhub.audit.models import AuditEvent
from saferhub.partnerships.tests.factories import PASSWORD

SIGN_IN = "/sign-in/"
CODE_PAGE = "/sign-in/security-code/"
SETUP_PAGE = "/account/two-factor/"


def sign_in(client, email, password=PASSWORD, next_url=None):
    url = SIGN_IN + (f"?next={quote(next_url, safe='')}" if next_url else "")
    return client.post(url, {"email": email, "password": password})


def code_now(device):
    """The code the person's authenticator app shows at this moment."""
    device.refresh_from_db()
    return f"{totp(device.bin_key, device.step, device.t0, device.digits, device.drift):06d}"


def wrong_code(device):
    return f"{(int(code_now(device)) + 500_000) % 1_000_000:06d}"


def events(verb, **filters):
    return AuditEvent.objects.filter(verb=verb, **filters)


def is_signed_in(client):
    return client.get("/account/").status_code == 200


@pytest.fixture
def device(manager):
    return TOTPDeviceFactory(user=manager)


# Email and password


def test_sign_in_page_with_csrf_signs_in_and_is_audited(world, manager):
    client = Client(enforce_csrf_checks=True)
    client.get(SIGN_IN)
    response = client.post(
        SIGN_IN,
        {
            "email": manager.email,
            "password": PASSWORD,
            "csrfmiddlewaretoken": client.cookies["csrftoken"].value,
        },
    )
    assert response.status_code == 302
    assert response["Location"] == "/"
    assert is_signed_in(client)
    assert events("signed_in", actor=manager).count() == 1


def test_sign_in_without_csrf_token_is_refused(world, manager):
    client = Client(enforce_csrf_checks=True)
    response = client.post(SIGN_IN, {"email": manager.email, "password": PASSWORD})
    assert response.status_code == 403
    assert not events("signed_in").exists()


def test_email_is_case_insensitive(client, manager):
    response = sign_in(client, manager.email.upper())
    assert response.status_code == 302
    assert is_signed_in(client)


def test_wrong_password_shows_error_summary_and_is_audited(client, manager):
    response = sign_in(client, manager.email, "not-the-password")
    page = response.content.decode()
    assert response.status_code in (200, 400)
    assert "govuk-error-summary" in page
    assert "There is a problem" in page
    assert "Enter a correct email address and password" in page
    assert events("sign_in_failed").filter(context__email=manager.email).count() == 1
    assert not is_signed_in(client)


def test_unknown_email_gets_the_same_error(client, world):
    response = sign_in(client, "stranger@example.org")
    assert "Enter a correct email address and password" in response.content.decode()
    assert events("sign_in_failed").count() == 1


def test_next_path_on_this_site_is_followed(client, manager):
    response = sign_in(client, manager.email, next_url="/p/alpha/")
    assert response["Location"] == "/p/alpha/"


@pytest.mark.parametrize(
    "next_url",
    [
        "https://evil.example/",
        "https://evil.example",
        "//evil.example/",
        "/\\evil.example/",
        "https:/evil.example",
        "javascript:alert(1)",
    ],
)
def test_next_to_another_site_is_ignored(client, manager, next_url):
    response = sign_in(client, manager.email, next_url=next_url)
    assert response.status_code == 302
    assert response["Location"] == "/"


def test_signed_in_person_visiting_sign_in_goes_home(client, manager):
    client.force_login(manager)
    response = client.get(SIGN_IN)
    assert response.status_code == 302
    assert response["Location"] == "/"


# Lockout


def test_too_many_failures_lock_the_account(client, manager):
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert sign_in(client, manager.email, "wrong-password").status_code in (200, 400)
    response = sign_in(client, manager.email, "wrong-password")
    assert response.status_code == 429
    assert "You cannot sign in for now" in response.content.decode()


def test_locked_account_refuses_the_right_password(client, manager):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        sign_in(client, manager.email, "wrong-password")
    response = sign_in(client, manager.email)
    assert response.status_code == 429
    assert "You cannot sign in for now" in response.content.decode()
    assert not events("signed_in").exists()
    assert not is_signed_in(client)


def test_changing_the_case_of_the_email_does_not_avoid_the_lockout(client, manager):
    for attempt in range(settings.AXES_FAILURE_LIMIT):
        sign_in(client, manager.email.upper() if attempt % 2 else manager.email.title(), "wrong-password")
    assert sign_in(client, manager.email).status_code == 429


def test_lockout_is_per_account_so_others_can_still_sign_in(client, world, manager):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        sign_in(client, manager.email, "wrong-password")
    response = sign_in(client, world.people["analyst"].email)
    assert response.status_code == 302


# Signing out


def test_sign_out_by_get_is_not_allowed(client, manager):
    client.force_login(manager)
    assert client.get("/sign-out/").status_code == 405
    assert is_signed_in(client)


def test_sign_out_ends_the_session_and_is_audited(client, manager):
    sign_in(client, manager.email)
    response = client.post("/sign-out/")
    assert response.status_code == 302
    assert response["Location"] == SIGN_IN
    assert "You have signed out" in client.get(SIGN_IN).content.decode()
    assert not is_signed_in(client)
    assert events("signed_out", actor=manager).count() == 1


# Two-factor authentication at sign-in


def test_person_with_a_device_is_asked_for_a_code(client, manager, device):
    response = sign_in(client, manager.email)
    assert response.status_code == 302
    assert response["Location"] == CODE_PAGE
    assert "Enter your security code" in client.get(CODE_PAGE).content.decode()
    assert not is_signed_in(client)
    assert not events("signed_in").exists()


def test_code_page_without_a_password_first_goes_back_to_sign_in(client, world):
    response = client.get(CODE_PAGE)
    assert response.status_code == 302
    assert response["Location"] == SIGN_IN


def test_wrong_code_is_refused(client, manager, device):
    sign_in(client, manager.email)
    response = client.post(CODE_PAGE, {"code": wrong_code(device)})
    page = response.content.decode()
    assert response.status_code in (200, 400)
    assert "govuk-error-summary" in page
    assert "The security code is wrong or has expired" in page
    assert not is_signed_in(client)
    assert events("sign_in_failed").filter(context__email=manager.email).count() == 1


def test_code_that_is_not_six_digits_is_refused(client, manager, device):
    sign_in(client, manager.email)
    response = client.post(CODE_PAGE, {"code": "12ab"})
    assert "Enter the 6-digit security code from your authenticator app" in response.content.decode()
    assert not is_signed_in(client)


def test_right_code_signs_in_verified(client, world, manager, device):
    world.a.requires_two_factor = True
    world.a.save()
    sign_in(client, manager.email, next_url="/p/alpha/")
    response = client.post(CODE_PAGE, {"code": code_now(device)})
    assert response.status_code == 302
    assert response["Location"] == "/p/alpha/"
    # Verified: the partnership that requires two-factor lets them in rather than sending them to set it up.
    assert client.get("/p/alpha/").status_code == 200
    event = events("signed_in", actor=manager).get()
    assert event.context == {"two_factor": True}


def test_a_code_cannot_be_used_twice(client, manager, device):
    sign_in(client, manager.email)
    code = code_now(device)
    client.post(CODE_PAGE, {"code": code})
    client.post("/sign-out/")
    sign_in(client, manager.email)
    response = client.post(CODE_PAGE, {"code": code})
    assert "The security code is wrong or has expired" in response.content.decode()
    assert not is_signed_in(client)


# Setting two-factor authentication up and removing it


def test_setup_page_confirms_a_device_with_a_right_code(client, manager):
    client.force_login(manager)
    page = client.get(SETUP_PAGE).content.decode()
    assert "Set up two-factor authentication" in page
    device = TOTPDevice.objects.get(user=manager, confirmed=False)
    response = client.post(SETUP_PAGE, {"code": code_now(device)})
    assert response.status_code == 302
    assert response["Location"] == "/account/"
    assert TOTPDevice.objects.filter(user=manager, confirmed=True).count() == 1
    assert events("two_factor_enabled", actor=manager).count() == 1
    assert "On: a code from your authenticator app" in client.get("/account/").content.decode()


def test_setup_page_refuses_a_wrong_code(client, manager):
    client.force_login(manager)
    client.get(SETUP_PAGE)
    device = TOTPDevice.objects.get(user=manager, confirmed=False)
    response = client.post(SETUP_PAGE, {"code": wrong_code(device)})
    assert "The security code is wrong or has expired" in response.content.decode()
    assert not TOTPDevice.objects.filter(user=manager, confirmed=True).exists()
    assert not events("two_factor_enabled").exists()


def test_after_setup_sign_in_asks_for_a_code(client, manager):
    client.force_login(manager)
    client.get(SETUP_PAGE)
    client.post(SETUP_PAGE, {"code": code_now(TOTPDevice.objects.get(user=manager))})
    client.post("/sign-out/")
    assert sign_in(client, manager.email)["Location"] == CODE_PAGE


# A partnership that requires two-factor authentication


@pytest.fixture
def two_factor_required(world):
    world.a.requires_two_factor = True
    world.a.save()
    return world


@pytest.mark.parametrize("path", ["/", "/p/alpha/", "/account/", "/account/tokens/new/"])
def test_staff_without_a_device_are_sent_to_set_it_up(client, two_factor_required, manager, path):
    sign_in(client, manager.email)
    response = client.get(path)
    assert response.status_code == 302
    assert response["Location"] == SETUP_PAGE


@pytest.mark.parametrize("role", ["analyst", "theme_lead", "administrator"])
def test_every_staff_role_is_sent_to_set_it_up(client, two_factor_required, role):
    sign_in(client, two_factor_required.people[role].email)
    assert client.get("/p/alpha/")["Location"] == SETUP_PAGE


def test_staff_can_reach_the_setup_page_and_sign_out(client, two_factor_required, manager):
    sign_in(client, manager.email)
    assert client.get(SETUP_PAGE).status_code == 200
    assert client.post("/sign-out/")["Location"] == SIGN_IN


def test_staff_who_set_up_two_factor_are_let_in(client, two_factor_required, manager):
    sign_in(client, manager.email)
    client.get(SETUP_PAGE)
    client.post(SETUP_PAGE, {"code": code_now(TOTPDevice.objects.get(user=manager))})
    assert client.get("/p/alpha/").status_code == 200


def test_board_member_is_not_required_to_use_two_factor(client, two_factor_required):
    sign_in(client, two_factor_required.people["board_member"].email)
    assert client.get("/").status_code == 200
    assert client.get("/p/alpha/").status_code == 200


def test_staff_of_another_partnership_are_not_required_to_use_two_factor(client, two_factor_required):
    sign_in(client, two_factor_required.people["other_manager"].email)
    assert client.get("/p/beta/").status_code == 200


# Sessions


def test_session_cookie_ends_when_the_browser_closes(client, manager):
    assert settings.SESSION_EXPIRE_AT_BROWSER_CLOSE
    response = sign_in(client, manager.email)
    cookie = response.cookies[settings.SESSION_COOKIE_NAME]
    assert cookie["max-age"] == ""
    assert cookie["expires"] == ""
    assert cookie["httponly"]
    assert client.session.get_expiry_age() == settings.SESSION_COOKIE_AGE


def test_idle_session_is_signed_out_after_session_cookie_age(client, manager):
    idle = dt.timedelta(seconds=settings.SESSION_COOKIE_AGE)
    with time_machine.travel(dt.datetime(2025, 6, 2, 9, 0, tzinfo=dt.UTC), tick=False) as traveller:
        sign_in(client, manager.email)
        traveller.shift(idle - dt.timedelta(minutes=1))
        assert is_signed_in(client)
        # Each request renews the session, so steady use keeps a person signed in past the first limit.
        traveller.shift(idle - dt.timedelta(minutes=1))
        assert is_signed_in(client)
        traveller.shift(idle + dt.timedelta(minutes=1))
        response = client.get("/account/")
    assert response.status_code == 302
    assert response["Location"].startswith(SIGN_IN)
