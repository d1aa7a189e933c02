"""Stub: being built."""

from typing import Any

from django.http import Http404, HttpRequest, HttpResponse


def risk_new(request: HttpRequest, **kwargs: Any) -> HttpResponse:
    raise Http404


def risk_page(request: HttpRequest, **kwargs: Any) -> HttpResponse:
    raise Http404
