"""A signed-in person's session is renewed while they use the site, without a write on every page."""

import datetime as dt

import time_machine
from django.conf import settings
from django.contrib.sessions.models import Session

from saferhub.accounts.services import api_token_create
from saferhub.partnerships.tests.factories import PASSWORD

START = dt.datetime(2025, 6, 2, 9, 0, tzinfo=dt.UTC)


def _expiry(client) -> dt.datetime:
    return Session.objects.get(session_key=client.session.session_key).expire_date


def test_pages_within_a_minute_do_not_rewrite_the_session(client, world):
    with time_machine.travel(START, tick=False) as traveller:
        client.post("/sign-in/", {"email": world.people["partnership_manager"].email, "password": PASSWORD})
        signed_in_expiry = _expiry(client)
        traveller.shift(dt.timedelta(seconds=settings.SESSION_RENEW_SECONDS - 1))
        assert client.get("/account/").status_code == 200
        assert _expiry(client) == signed_in_expiry


def test_a_page_after_a_minute_renews_the_session_for_the_whole_idle_timeout(client, world):
    with time_machine.travel(START, tick=False) as traveller:
        client.post("/sign-in/", {"email": world.people["partnership_manager"].email, "password": PASSWORD})
        traveller.shift(dt.timedelta(seconds=settings.SESSION_RENEW_SECONDS))
        assert client.get("/account/").status_code == 200
        renewed_at = START + dt.timedelta(seconds=settings.SESSION_RENEW_SECONDS)
        assert _expiry(client) == renewed_at + dt.timedelta(seconds=settings.SESSION_COOKIE_AGE)
        # Still signed in just short of the idle timeout after that renewal, and signed out after it.
        traveller.shift(dt.timedelta(seconds=settings.SESSION_COOKIE_AGE - 1))
        assert client.get("/account/").status_code == 200
        traveller.shift(dt.timedelta(seconds=settings.SESSION_COOKIE_AGE + 1))
        assert client.get("/account/").status_code == 302


def test_an_api_call_with_a_token_leaves_no_session(client, world):
    _, secret = api_token_create(user=world.people["partnership_manager"], name="Test feed")
    response = client.get("/api/v1/partnerships", headers={"Authorization": f"Bearer {secret}"})
    assert response.status_code == 200
    assert settings.SESSION_COOKIE_NAME not in response.cookies
    assert not Session.objects.exists()
