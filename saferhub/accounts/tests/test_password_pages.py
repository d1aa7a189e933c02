"""The set-password and change-password pages as a person reads them: a plain hint, errors where typed."""

import re

import pytest
from django.core import mail

from saferhub.partnerships.tests.factories import PASSWORD

CHANGE = "/account/password/"
HINT = "Your password must contain at least 12 characters."


def error_of(page: str, field: str) -> str:
    """The GOV.UK error message drawn for one field ('' if none)."""
    match = re.search(rf'<p id="{field}-error" class="govuk-error-message">(.*?)</p>', page, re.S)
    return match.group(1) if match else ""


@pytest.fixture
def set_password_page(client, world):
    client.post("/password-reset/", {"email": world.people["analyst"].email})
    link = re.search(r"https?://\S+?(/password-reset/\S+/\S+/)", mail.outbox[0].body).group(1)
    return client.get(link, follow=True).redirect_chain[-1][0]


def test_change_password_hint_is_words_not_markup(client, world):
    client.force_login(world.people["analyst"])
    page = client.get(CHANGE).content.decode()
    assert HINT in page
    assert "&lt;ul&gt;" not in page
    assert "&lt;li&gt;" not in page


def test_set_password_hint_is_words_not_markup(client, set_password_page):
    page = client.get(set_password_page).content.decode()
    assert HINT in page
    assert "&lt;ul&gt;" not in page


def test_a_too_short_new_password_is_reported_on_the_new_password_field(client, world):
    client.force_login(world.people["analyst"])
    response = client.post(
        CHANGE, {"old_password": PASSWORD, "new_password1": "short-pw", "new_password2": "short-pw"}
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "at least 12 characters" in error_of(page, "id_new_password1")
    assert error_of(page, "id_new_password2") == ""
    assert 'href="#id_new_password1"' in page


def test_a_too_short_password_when_setting_one_is_reported_where_it_was_typed(client, set_password_page):
    response = client.post(set_password_page, {"new_password1": "short-pw", "new_password2": "short-pw"})
    page = response.content.decode()
    assert "at least 12 characters" in error_of(page, "id_new_password1")
    assert error_of(page, "id_new_password2") == ""


def test_passwords_that_differ_are_reported_on_the_confirmation(client, world):
    client.force_login(world.people["analyst"])
    page = client.post(
        CHANGE,
        {
            "old_password": PASSWORD,
            "new_password1": "a-long-passphrase-1",
            "new_password2": "a-long-passphrase-2",
        },
    ).content.decode()
    assert "didn’t match" in error_of(page, "id_new_password2")
    assert error_of(page, "id_new_password1") == ""


def test_a_refused_form_does_not_send_the_typed_passwords_back_in_the_page(client, world):
    client.force_login(world.people["analyst"])
    page = client.post(
        CHANGE,
        {
            "old_password": "wrong-old-secret-1",
            "new_password1": "typed-new-9",
            "new_password2": "typed-new-9",
        },
    ).content.decode()
    assert "wrong-old-secret-1" not in page
    assert "typed-new-9" not in page
