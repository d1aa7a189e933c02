"""Resetting a forgotten password by email, and the invitation a new person gets to choose theirs."""

import re
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.core import mail
from django.test import Client

from saferhub.audit.models import AuditEvent
from saferhub.partnerships.models import Partnership
from saferhub.partnerships.tests.factories import PASSWORD

RESET = "/password-reset/"
NEW_PASSWORD = "a-much-longer-new-passphrase"


def link_in(message):
    """The path of the set-password link in an email."""
    match = re.search(r"https?://\S+/password-reset/\S+/\S+/", message.body)
    assert match, message.body
    return urlsplit(match.group(0)).path


def ask_for_reset(client, email):
    return client.post(RESET, {"email": email}, follow=True)


def set_password(client, link, password):
    """Open the link from the email, then submit the new password on the page it leads to."""
    page = client.get(link, follow=True)
    return client.post(page.redirect_chain[-1][0], {"new_password1": password, "new_password2": password})


def signs_in(email, password):
    return Client().post("/sign-in/", {"email": email, "password": password}).status_code == 302


@pytest.fixture
def reset_link(client, manager):
    ask_for_reset(client, manager.email)
    return link_in(mail.outbox[0])


def test_reset_for_a_known_email_sends_one_link(manager):
    client = Client(enforce_csrf_checks=True)
    client.get(RESET)
    response = client.post(
        RESET,
        {"email": manager.email, "csrfmiddlewaretoken": client.cookies["csrftoken"].value},
        follow=True,
    )
    assert response.redirect_chain[-1][0] == "/password-reset/sent/"
    assert "Check your email" in response.content.decode()
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == [manager.email]
    assert mail.outbox[0].subject == "Reset your Saferhub password"
    assert link_in(mail.outbox[0]).startswith(RESET)


def test_reset_email_address_is_case_insensitive(client, manager):
    ask_for_reset(client, manager.email.upper())
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == [manager.email]


def test_reset_for_an_unknown_email_shows_the_same_page_and_sends_nothing(client, world):
    response = ask_for_reset(client, "stranger@example.org")
    assert response.status_code == 200
    assert "Check your email" in response.content.decode()
    assert mail.outbox == []


def test_reset_needs_a_valid_email_address(client, world):
    response = client.post(RESET, {"email": "not-an-email"})
    assert "govuk-error-summary" in response.content.decode()
    assert mail.outbox == []


def test_link_opens_the_set_password_page(client, reset_link):
    response = client.get(reset_link, follow=True)
    assert response.status_code == 200
    assert "Set a new password" in response.content.decode()


def test_too_short_password_is_refused(client, manager, reset_link):
    response = set_password(client, reset_link, "short-pw")
    page = response.content.decode()
    assert response.status_code == 200
    assert "govuk-error-summary" in page
    assert "This password is too short" in page
    assert signs_in(manager.email, PASSWORD)
    assert not AuditEvent.objects.filter(verb="password_changed").exists()


def test_mismatched_passwords_are_refused(client, manager, reset_link):
    page = client.get(reset_link, follow=True)
    response = client.post(
        page.redirect_chain[-1][0], {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD + "x"}
    )
    assert "govuk-error-summary" in response.content.decode()
    assert signs_in(manager.email, PASSWORD)


def test_good_password_is_set_and_works_for_sign_in(client, manager, reset_link):
    response = set_password(client, reset_link, NEW_PASSWORD)
    assert response.status_code == 302
    assert response["Location"] == "/password-reset/complete/"
    assert "Your password has been set" in client.get(response["Location"]).content.decode()
    assert signs_in(manager.email, NEW_PASSWORD)
    assert not signs_in(manager.email, PASSWORD)


def test_password_change_by_reset_is_audited(client, manager, reset_link):
    set_password(client, reset_link, NEW_PASSWORD)
    assert AuditEvent.objects.filter(verb="password_changed", actor=manager).count() == 1


def test_link_cannot_be_used_twice(client, manager, reset_link):
    set_password(client, reset_link, NEW_PASSWORD)
    response = Client().get(reset_link, follow=True)
    assert "This link has expired" in response.content.decode()
    assert "Set a new password" not in response.content.decode()


def test_reset_signs_out_the_persons_other_sessions(client, manager):
    elsewhere = Client()
    elsewhere.force_login(manager)
    ask_for_reset(client, manager.email)
    set_password(client, link_in(mail.outbox[0]), NEW_PASSWORD)
    response = elsewhere.get("/account/")
    assert response.status_code == 302
    assert response["Location"].startswith("/sign-in/")


def test_reset_lifts_a_lockout_as_the_lockout_page_promises(client, manager):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        response = Client().post("/sign-in/", {"email": manager.email, "password": "wrong-password"})
    assert "reset your password" in response.content.decode()
    ask_for_reset(client, manager.email)
    set_password(client, link_in(mail.outbox[0]), NEW_PASSWORD)
    assert signs_in(manager.email, NEW_PASSWORD)


def test_a_made_up_link_has_expired(client, world):
    response = client.get("/password-reset/MQ/abc-0123456789abcdef/", follow=True)
    assert "This link has expired" in response.content.decode()


# The invitation a new person gets when a manager adds them


@pytest.fixture
def invitation(client, world, manager, django_capture_on_commit_callbacks):
    client.force_login(manager)
    council = world.records["a"]["membership"].organisation
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/p/alpha/people/add/",
            {
                "email": "New.Person@Alpha.example",
                "full_name": "New Person",
                "organisation": council.pk,
                "role": "analyst",
            },
        )
    assert response.status_code == 302
    client.logout()
    return mail.outbox


def test_adding_a_new_person_emails_them_an_invitation(invitation, world):
    assert len(invitation) == 1
    assert invitation[0].to == ["new.person@alpha.example"]
    assert world.a.name in invitation[0].subject
    assert link_in(invitation[0]).startswith(RESET)
    assert "You will be asked to accept the invitation" in invitation[0].body


def test_the_invitation_is_plain_text_not_html_escaped(
    client, world, manager, django_capture_on_commit_callbacks
):
    Partnership.objects.filter(pk=world.a.pk).update(name="Safer Q&A <Partnership>")
    client.force_login(manager)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            "/p/alpha/people/add/",
            {
                "email": "amp@alpha.example",
                "full_name": "Ann O'Neil",
                "organisation": world.records["a"]["membership"].organisation.pk,
                "role": "analyst",
            },
        )
    (sent,) = mail.outbox
    assert "Safer Q&A <Partnership>" in sent.body and "Ann O'Neil" in sent.body
    assert "&amp;" not in sent.body and "&#39;" not in sent.body


def test_invitation_link_sets_a_password_and_then_they_can_sign_in(client, invitation):
    assert not signs_in("new.person@alpha.example", NEW_PASSWORD)
    response = set_password(client, link_in(invitation[0]), NEW_PASSWORD)
    assert response["Location"] == "/password-reset/complete/"
    assert signs_in("new.person@alpha.example", NEW_PASSWORD)
    response = client.get(link_in(invitation[0]), follow=True)
    assert "This link has expired" in response.content.decode()


def test_adding_someone_who_has_an_account_tells_them_to_sign_in_not_to_choose_a_password(
    client, world, manager, django_capture_on_commit_callbacks
):
    client.force_login(manager)
    council = world.records["a"]["membership"].organisation
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/p/alpha/people/add/",
            {
                "email": world.people["other_manager"].email,
                "full_name": "B. Manager",
                "organisation": council.pk,
                "role": "analyst",
            },
        )
    assert response.status_code == 302
    (sent,) = mail.outbox
    assert sent.to == [world.people["other_manager"].email]
    assert "Hello Beta Manager" in sent.body
    assert f"{manager.full_name} has invited you to {world.a.name} as an analyst" in sent.body
    assert RESET not in sent.body


def test_invited_person_who_lost_the_email_can_ask_for_a_new_link(client, invitation):
    mail.outbox.clear()
    ask_for_reset(client, "new.person@alpha.example")
    assert len(mail.outbox) == 1
