"""Personal API tokens: created on the account page, shown once, used as a bearer token, revoked."""

import hashlib
import re

import pytest
from django.test import Client

from saferhub.accounts.models import ApiToken
from saferhub.audit.models import AuditEvent

NEW_TOKEN = "/account/tokens/new/"
API = "/api/v1/partnerships"


def create_token(client, name="Police performance feed"):
    """Create a token through the page and return the secret it shows."""
    response = client.post(NEW_TOKEN, {"name": name})
    assert response.status_code == 200
    match = re.search(r'data-testid="api-token">([^<]+)</code>', response.content.decode())
    assert match
    return match.group(1)


def call_api(secret):
    return Client().get(API, headers={"Authorization": f"Bearer {secret}"})


def revoke_url(token):
    return f"/account/tokens/{token.public_id}/revoke/"


@pytest.fixture
def signed_in(client, manager):
    client.force_login(manager)
    return client


def test_create_token_shows_the_secret_once_and_stores_only_its_hash(manager):
    client = Client(enforce_csrf_checks=True)
    client.force_login(manager)
    client.get(NEW_TOKEN)
    response = client.post(
        NEW_TOKEN, {"name": "Police feed", "csrfmiddlewaretoken": client.cookies["csrftoken"].value}
    )
    page = response.content.decode()
    assert "Copy the token now. It will not be shown again." in page
    match = re.search(r'data-testid="api-token">([^<]+)</code>', page)
    assert match
    secret = match.group(1)
    token = ApiToken.objects.get(user=manager)
    assert token.token_hash == hashlib.sha256(secret.encode()).hexdigest()
    assert secret not in (token.token_hash, token.prefix, token.name)
    assert secret.startswith(token.prefix)
    account_page = client.get("/account/").content.decode()
    assert token.prefix in account_page
    assert secret not in account_page


def test_create_token_is_audited(signed_in, manager):
    create_token(signed_in)
    token = ApiToken.objects.get(user=manager)
    event = AuditEvent.objects.get(verb="token_created")
    assert event.actor == manager
    assert event.target_id == str(token.public_id)


def test_token_needs_a_name(signed_in, manager):
    response = signed_in.post(NEW_TOKEN, {"name": ""})
    assert "Enter a name for the token" in response.content.decode()
    assert not ApiToken.objects.exists()


def test_token_page_needs_sign_in(client, world):
    response = client.get(NEW_TOKEN)
    assert response.status_code == 302
    assert response["Location"].startswith("/sign-in/")


def test_token_reads_the_partnerships_the_person_can_see(signed_in):
    response = call_api(create_token(signed_in))
    assert response.status_code == 200
    assert [p["slug"] for p in response.json()] == ["alpha"]


def test_using_a_token_records_when_it_was_last_used(signed_in, manager):
    secret = create_token(signed_in)
    assert "Never" in signed_in.get("/account/").content.decode()
    call_api(secret)
    assert ApiToken.objects.get(user=manager).last_used_at is not None


def test_revoked_token_is_refused(signed_in, manager):
    secret = create_token(signed_in)
    token = ApiToken.objects.get(user=manager)
    response = signed_in.post(revoke_url(token))
    assert response.status_code == 302
    assert response["Location"] == "/account/"
    assert "has been revoked" in signed_in.get("/account/").content.decode()
    assert call_api(secret).status_code == 401
    event = AuditEvent.objects.get(verb="token_revoked")
    assert event.actor == manager
    assert event.target_id == str(token.public_id)


def test_revoke_is_post_only(signed_in, manager):
    secret = create_token(signed_in)
    assert signed_in.get(revoke_url(ApiToken.objects.get(user=manager))).status_code == 405
    assert call_api(secret).status_code == 200


def test_revoking_twice_is_a_404(signed_in, manager):
    create_token(signed_in)
    token = ApiToken.objects.get(user=manager)
    signed_in.post(revoke_url(token))
    assert signed_in.post(revoke_url(token)).status_code == 404
    assert AuditEvent.objects.filter(verb="token_revoked").count() == 1


def test_another_persons_token_cannot_be_revoked(client, world, manager):
    client.force_login(world.people["other_manager"])
    secret = create_token(client)
    token = ApiToken.objects.get(user=world.people["other_manager"])
    client.force_login(manager)
    assert client.post(revoke_url(token)).status_code == 404
    assert call_api(secret).status_code == 200
    assert not AuditEvent.objects.filter(verb="token_revoked").exists()


@pytest.mark.parametrize(
    "headers",
    [
        {},
        {"Authorization": "Bearer"},
        {"Authorization": "Bearer shb_not-a-real-token"},
        {"Authorization": "Token shb_not-a-real-token"},
    ],
    ids=["missing", "empty", "bogus", "wrong-scheme"],
)
def test_missing_or_bogus_token_is_refused(world, headers):
    assert Client().get(API, headers=headers).status_code == 401


def test_token_hash_is_not_a_token(signed_in, manager):
    create_token(signed_in)
    assert call_api(ApiToken.objects.get(user=manager).token_hash).status_code == 401


def test_token_of_a_deactivated_person_is_refused(signed_in, manager):
    secret = create_token(signed_in)
    manager.is_active = False
    manager.save()
    assert call_api(secret).status_code == 401


def test_session_cookie_alone_does_not_open_the_api(signed_in):
    assert signed_in.get(API).status_code == 401
