"""Removing or replacing two-factor authentication needs more than a live session, and the person is told."""

import datetime as dt

import pytest
import time_machine
from django.core import mail
from django.test import Client
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from saferhub.accounts.tests.factories import TOTPDeviceFactory
from saferhub.accounts.tests.test_sign_in import code_now, events, sign_in, wrong_code
from saferhub.partnerships.tests.factories import PASSWORD

REMOVE = "/account/two-factor/remove/"
SETUP = "/account/two-factor/"


@pytest.fixture
def device(manager):
    return TOTPDeviceFactory(user=manager)


@pytest.fixture
def signed_in(client, manager, device):
    """Signed in with password and code, as the person would be."""
    sign_in(client, manager.email)
    client.post("/sign-in/security-code/", {"code": code_now(device)})
    return client


def remove(client, proof, capture):
    with capture(execute=True):
        return client.post(REMOVE, {"proof": proof})


def test_the_account_page_leads_to_a_page_that_asks_who_you_are(signed_in):
    assert REMOVE in signed_in.get("/account/").content.decode()
    page = signed_in.get(REMOVE).content.decode()
    assert "Remove two-factor authentication" in page
    assert "Your password, or a code from the authenticator app you use now" in page


def test_a_live_session_alone_cannot_remove_two_factor(
    signed_in, manager, django_capture_on_commit_callbacks
):
    response = remove(signed_in, "", django_capture_on_commit_callbacks)
    assert response.status_code == 400
    assert "Enter your password or a security code" in response.content.decode()
    assert TOTPDevice.objects.filter(user=manager, confirmed=True).exists()
    assert not events("two_factor_disabled").exists()
    assert mail.outbox == []


@pytest.mark.parametrize("proof", ["not-my-password", "wrong code"])
def test_a_wrong_password_or_code_removes_nothing_and_is_audited(
    signed_in, manager, device, proof, django_capture_on_commit_callbacks
):
    proof = wrong_code(device) if proof == "wrong code" else proof
    response = remove(signed_in, proof, django_capture_on_commit_callbacks)
    assert response.status_code == 400
    assert "That is not your password or a current code" in response.content.decode()
    assert TOTPDevice.objects.filter(user=manager, confirmed=True).exists()
    assert events("refused", actor=manager, context__action="two_factor_remove").count() == 1
    assert mail.outbox == []


def test_wrong_passwords_here_count_towards_the_lockout(signed_in, manager, device):
    for _ in range(5):
        signed_in.post(REMOVE, {"proof": "not-my-password"})
    response = signed_in.post(REMOVE, {"proof": PASSWORD})
    assert response.status_code == 429
    assert TOTPDevice.objects.filter(user=manager, confirmed=True).exists()


@pytest.mark.parametrize("proof", ["password", "code"])
def test_the_password_or_a_current_code_removes_it_and_the_person_is_emailed(
    signed_in, manager, device, proof, django_capture_on_commit_callbacks
):
    # The code used to sign in cannot be used again: the next one, half a minute later.
    with time_machine.travel(timezone.now() + dt.timedelta(seconds=30)):
        proof = code_now(device) if proof == "code" else PASSWORD
        response = remove(signed_in, proof, django_capture_on_commit_callbacks)
    assert response.status_code == 302
    assert response["Location"] == "/account/"
    assert not TOTPDevice.objects.filter(user=manager).exists()
    assert events("two_factor_disabled", actor=manager).count() == 1
    [message] = mail.outbox
    assert message.to == [manager.email]
    assert message.subject == "Two-factor authentication was removed on your Saferhub account"
    assert "If you did not, someone else may be using your account" in message.body
    assert "/password-reset/" in message.body
    assert "tell your partnership's administrator" in message.body  # plain text, nothing escaped
    signed_in.post("/sign-out/")
    assert sign_in(signed_in, manager.email)["Location"] == "/"


def test_the_email_goes_only_once_the_change_commits(signed_in, manager, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        signed_in.post(REMOVE, {"proof": PASSWORD})
    assert mail.outbox == []
    assert len(callbacks) == 1


def test_without_two_factor_the_remove_page_goes_back_to_the_account(client, manager):
    client.force_login(manager)
    assert client.get(REMOVE)["Location"] == "/account/"


# Replacing the device


def new_device_code(client):
    client.get(SETUP)
    return code_now(TOTPDevice.objects.get(confirmed=False))


def test_replacing_the_device_asks_for_the_password_or_current_code(signed_in):
    page = signed_in.get(SETUP).content.decode()
    assert "This replaces the authenticator app you use now" in page
    assert "Your password, or a code from the authenticator app you use now" in page


def test_a_live_session_alone_cannot_replace_the_device(
    signed_in, manager, device, django_capture_on_commit_callbacks
):
    code = new_device_code(signed_in)
    with django_capture_on_commit_callbacks(execute=True):
        response = signed_in.post(SETUP, {"code": code, "proof": "not-my-password"})
    assert "That is not your password or a current code" in response.content.decode()
    assert list(TOTPDevice.objects.filter(user=manager, confirmed=True)) == [device]
    assert events("refused", actor=manager, context__action="two_factor_replace").count() == 1
    with django_capture_on_commit_callbacks(execute=True):
        signed_in.post(SETUP, {"code": code})
    assert list(TOTPDevice.objects.filter(user=manager, confirmed=True)) == [device]
    assert mail.outbox == []


def test_replacing_with_the_password_is_audited_and_emailed(
    signed_in, manager, device, django_capture_on_commit_callbacks
):
    code = new_device_code(signed_in)
    with django_capture_on_commit_callbacks(execute=True):
        response = signed_in.post(SETUP, {"code": code, "proof": PASSWORD})
    assert response["Location"] == "/account/"
    [kept] = TOTPDevice.objects.filter(user=manager, confirmed=True)
    assert kept != device
    assert events("two_factor_enabled", actor=manager).get().context == {"replaced": True}
    [message] = mail.outbox
    assert message.subject == (
        "Two-factor authentication was moved to a new authenticator app on your Saferhub account"
    )


def test_setting_up_a_first_device_needs_no_password_and_is_emailed(
    manager, django_capture_on_commit_callbacks
):
    client = Client()
    client.force_login(manager)
    code = new_device_code(client)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(SETUP, {"code": code})
    assert response["Location"] == "/account/"
    assert events("two_factor_enabled", actor=manager).get().context == {"replaced": False}
    assert mail.outbox[0].subject == "Two-factor authentication was set up on your Saferhub account"
