"""Middleware of every request: the response headers every page carries, renewing sessions, and the memo
of answers a safe request asks for more than once."""

import time
from collections.abc import Callable

from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.http import HttpRequest, HttpResponse
from django.utils.cache import add_never_cache_headers

from saferhub.core.request_memo import request_memo_kept


def security_headers(
    get_response: Callable[[HttpRequest], HttpResponse],
) -> Callable[[HttpRequest], HttpResponse]:
    """Permissions-Policy on every response; no-store on every page a signed-in person sees."""

    def middleware(request: HttpRequest) -> HttpResponse:
        response = get_response(request)
        response.headers.setdefault("Permissions-Policy", settings.PERMISSIONS_POLICY)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            add_never_cache_headers(response)
            response.headers["Cache-Control"] = "no-store, private"
        return response

    return middleware


# When a signed-in session was last renewed (seconds since the epoch), kept in the session itself.
SESSION_RENEWED_KEY = "_renewed_at"


def session_renewal(
    get_response: Callable[[HttpRequest], HttpResponse],
) -> Callable[[HttpRequest], HttpResponse]:
    """Renews a signed-in person's session while they use it, writing it at most once a
    SESSION_RENEW_SECONDS, where SESSION_SAVE_EVERY_REQUEST wrote the session row on every request.

    The idle timeout (SESSION_COOKIE_AGE) then runs from the last renewal: it ends a session between
    SESSION_COOKIE_AGE - SESSION_RENEW_SECONDS and SESSION_COOKIE_AGE after the last request, never later.
    """

    def middleware(request: HttpRequest) -> HttpResponse:
        response = get_response(request)
        # Only a session someone signed in to: an API call signed with a token has none, and gets none.
        if SESSION_KEY in request.session:
            now = int(time.time())
            if now - request.session.get(SESSION_RENEWED_KEY, 0) >= settings.SESSION_RENEW_SECONDS:
                request.session[SESSION_RENEWED_KEY] = now
        return response

    return middleware


def request_memo(
    get_response: Callable[[HttpRequest], HttpResponse],
) -> Callable[[HttpRequest], HttpResponse]:
    """A GET or HEAD request works out who may see and do what once (saferhub.core.request_memo)."""

    def middleware(request: HttpRequest) -> HttpResponse:
        if request.method not in ("GET", "HEAD"):
            return get_response(request)
        with request_memo_kept():
            return get_response(request)

    return middleware
