"""Response headers a browser enforces for us: CSP with a per-response nonce, framing, sniffing, caching."""

import re

import pytest
from django.conf import settings
from django.test import Client

from saferhub.partnerships.tests.factories import PASSWORD

INLINE_SCRIPT = re.compile(r"<script\b(?![^>]*\bsrc=)([^>]*)>", re.IGNORECASE)
NONCE_ATTRIBUTE = re.compile(r'\bnonce="([^"]+)"')


def directives(csp: str) -> dict[str, list[str]]:
    """`default-src 'self'; script-src 'self' 'nonce-x'` → {"default-src": ["'self'"], ...}."""
    parsed = {}
    for part in csp.split(";"):
        if words := part.split():
            parsed[words[0].lower()] = words[1:]
    return parsed


def signed_in_pages(world) -> dict[str, str]:
    a = world.records["a"]
    plan = a["plan"].public_id
    return {
        "home": "/",
        "partnership": "/p/alpha/",
        "plan": f"/p/alpha/plans/{plan}/",
        "a form": f"/p/alpha/plans/{plan}/edit/",
        "account": "/account/",
        "audit log": "/p/alpha/audit/",
    }


def assert_csp_nonce_matches_the_page(response) -> None:
    csp = response.headers.get("Content-Security-Policy", "")
    assert csp, "no Content-Security-Policy header"
    policy = directives(csp)
    assert "'unsafe-inline'" not in csp and "'unsafe-eval'" not in csp, csp
    script_src = policy.get("script-src", policy.get("default-src", []))
    assert "*" not in script_src and "data:" not in script_src, csp
    nonces = [source[len("'nonce-") : -1] for source in script_src if source.startswith("'nonce-")]
    assert len(nonces) == 1, f"script-src should carry one nonce: {csp}"
    inline = INLINE_SCRIPT.findall(response.content.decode())
    assert inline, "the page has no inline script to check (the GOV.UK template has one)"
    for attributes in inline:
        match = NONCE_ATTRIBUTE.search(attributes)
        assert match, f"an inline script without a nonce would not run: <script{attributes}>"
        assert match.group(1) == nonces[0], "the inline script's nonce differs from the header's"
    assert policy.get("frame-ancestors") == ["'none'"], csp
    assert policy.get("object-src") == ["'none'"], csp
    assert "base-uri" in policy, csp


def assert_hardening_headers(response) -> None:
    assert response.headers.get("X-Frame-Options") == "DENY"
    assert response.headers.get("X-Content-Type-Options") == "nosniff"
    assert response.headers.get("Referrer-Policy") in {"same-origin", "no-referrer", "strict-origin"}
    permissions = response.headers.get("Permissions-Policy", "")
    for feature in ("camera=()", "microphone=()", "geolocation=()"):
        assert feature in permissions, permissions


@pytest.fixture
def as_manager(sign_in):
    return sign_in("partnership_manager")


@pytest.mark.parametrize("page", ["home", "partnership", "plan", "a form", "account", "audit log"])
def test_signed_in_page_headers(page, as_manager, world):
    response = as_manager.get(signed_in_pages(world)[page])
    assert response.status_code == 200
    assert_csp_nonce_matches_the_page(response)
    assert_hardening_headers(response)
    cache_control = response.headers.get("Cache-Control", "")
    assert "no-store" in cache_control, f"a signed-in page may be cached: {cache_control!r}"


def test_the_nonce_is_new_on_every_response(as_manager):
    def nonce() -> str:
        csp = directives(as_manager.get("/").headers["Content-Security-Policy"])
        return next(s for s in csp["script-src"] if s.startswith("'nonce-"))

    assert nonce() != nonce()


def test_refusals_carry_the_same_headers(client, world):
    """A 403 or 404 seen by someone signed in is neither framable nor cached."""
    client.force_login(world.people["analyst"])
    for url, status in (("/p/alpha/settings/", 403), ("/p/beta/", 404)):
        response = client.get(url)
        assert response.status_code == status
        assert_hardening_headers(response)
        assert "no-store" in response.headers.get("Cache-Control", ""), url


def test_public_sign_in_page_headers(client, world):
    response = client.get("/sign-in/")
    assert response.status_code == 200
    assert_csp_nonce_matches_the_page(response)
    assert_hardening_headers(response)


def test_session_cookie_is_http_only(world):
    """Signing in through the form sets a session cookie that page scripts cannot read."""
    client = Client(enforce_csrf_checks=True)
    client.get("/sign-in/")
    token = client.cookies[settings.CSRF_COOKIE_NAME].value
    response = client.post(
        "/sign-in/",
        {"email": "partnership_manager@alpha.example", "password": PASSWORD, "csrfmiddlewaretoken": token},
    )
    assert response.status_code == 302
    cookie = response.cookies[settings.SESSION_COOKIE_NAME]
    assert cookie.value
    assert cookie["httponly"] is True
    assert cookie["samesite"].lower() in {"lax", "strict"}
    assert client.get("/").status_code == 200
