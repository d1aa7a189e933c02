"""The site's own small pages: the accessibility statement, the health check and the error pages."""

import logging
from dataclasses import dataclass

from django.db import connection
from django.http import HttpRequest, HttpResponse, HttpResponseServerError, JsonResponse
from django.middleware.csp import get_nonce
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.templatetags.static import static

logger = logging.getLogger(__name__)


def accessibility_statement(request: HttpRequest) -> HttpResponse:
    return render(request, "core/accessibility.html")


def favicon(request: HttpRequest) -> HttpResponse:
    """Browsers ask for /favicon.ico whatever the page says; send them to the real one."""
    return redirect(static("govuk/assets/images/favicon.ico"), permanent=True)


def health(request: HttpRequest) -> JsonResponse:
    """For a load balancer: the process is up and its database answers."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})


@dataclass(frozen=True)
class ErrorPage:
    status: int
    title: str
    paragraphs: tuple[str, ...]


BAD_REQUEST = ErrorPage(
    400,
    "Sorry, there is a problem with that request",
    ("The page could not understand what your browser sent. Go back and try again.",),
)
FORBIDDEN = ErrorPage(
    403,
    "You cannot do this",
    (
        "Your role does not allow this. Nothing has been changed.",
        "If you need to do it, ask your partnership manager.",
    ),
)
FORM_EXPIRED = ErrorPage(
    403,
    "Sorry, that form could not be sent",
    (
        "For your security, a form stops working when the page it came from is too old, when you have "
        "signed in or out since it was opened, or when your browser blocks this site's cookies.",
        "Nothing has been changed. Go back, reload the page and try again.",
        "If you need to tell someone: the form's security check (its CSRF token) failed.",
    ),
)
NOT_FOUND = ErrorPage(
    404,
    "Page not found",
    (
        "If you typed the web address, check it is correct. If you pasted it, check you copied all of it.",
        "If you followed a link, the page may have been removed, or you may not have access to it.",
    ),
)
SERVER_ERROR = ErrorPage(
    500,
    "Sorry, there is a problem with the service",
    (
        "Try again later.",
        "If you were saving something, check whether it was saved before you try again.",
    ),
)
# What the server error page falls back to if even its template cannot be drawn (a missing static
# manifest, a broken deployment): plain HTML that needs nothing.
LAST_RESORT = (
    '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>Sorry, there is a problem with the '
    "service – Saferhub</title></head><body><main><h1>Sorry, there is a problem with the service</h1>"
    '<p>Try again later.</p><p><a href="/">Go to the home page</a></p></main></body></html>'
)


def _error_page(request: HttpRequest, page: ErrorPage) -> HttpResponse:
    return render(request, "core/error.html", {"page": page}, status=page.status)


def bad_request(request: HttpRequest, exception: Exception) -> HttpResponse:
    return _error_page(request, BAD_REQUEST)


def permission_denied(request: HttpRequest, exception: Exception) -> HttpResponse:
    return _error_page(request, FORBIDDEN)


def page_not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    return _error_page(request, NOT_FOUND)


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    return _error_page(request, FORM_EXPIRED)


def server_error(request: HttpRequest) -> HttpResponse:
    """Drawn without the request's context: no session, no database, no context processor.

    Whatever broke the page may be the database itself, so nothing here may need it. The CSP nonce is
    read directly, so the layout's one inline script still runs.
    """
    body: str
    try:
        nonce = get_nonce(request)
        body = render_to_string(
            "core/error.html", {"page": SERVER_ERROR, "cspNonce": str(nonce) if nonce is not None else ""}
        )
    except Exception:
        logger.exception("The server error page could not be drawn")
        body = LAST_RESORT
    return HttpResponseServerError(body)
