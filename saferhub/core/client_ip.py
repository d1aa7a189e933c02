"""The address a request came from, seen through the proxies the installation says it runs behind."""

from django.conf import settings
from django.http import HttpRequest


def client_ip(request: HttpRequest) -> str | None:
    """With N trusted proxies in front, the client is the Nth address from the right of X-Forwarded-For.

    Addresses further left were written by the client itself and cannot be trusted.
    """
    proxies = settings.SAFERHUB_TRUSTED_PROXY_COUNT
    forwarded = [
        part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()
    ]
    if proxies > 0 and len(forwarded) >= proxies:
        return forwarded[-proxies]
    return request.META.get("REMOTE_ADDR")
