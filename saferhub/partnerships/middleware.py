"""Sends staff of a partnership that requires two-factor authentication to set it up before anything else."""

from collections.abc import Callable
from functools import cache

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse

from saferhub.partnerships.selectors import two_factor_required_for

_ALWAYS_ALLOWED = ("accounts:two-factor-setup", "accounts:sign-out", "accounts:sign-in")


@cache
def _always_allowed_paths() -> frozenset[str]:
    """Reversed on first use, not on every request: the URLs do not change while the process runs."""
    return frozenset(reverse(name) for name in _ALWAYS_ALLOWED)


def require_two_factor_for_staff(
    get_response: Callable[[HttpRequest], HttpResponse],
) -> Callable[[HttpRequest], HttpResponse]:
    def middleware(request: HttpRequest) -> HttpResponse:
        user = request.user
        # Asked afresh on every request, never kept in the session: a role given or a partnership's
        # requirement turned on applies at once. On a page the answer comes from the memberships the
        # page reads anyway (partnerships.selectors), so it costs no query of its own.
        if (
            user.is_authenticated
            and not user.is_verified()  # type: ignore[attr-defined]  # added by django_otp
            and not request.path.startswith(("/static/", "/api/"))
            and request.path not in _always_allowed_paths()
            and two_factor_required_for(user)
        ):
            return redirect("accounts:two-factor-setup")
        return get_response(request)

    return middleware
