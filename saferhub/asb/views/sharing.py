"""Stub: being built."""

from typing import Any

from django.http import Http404, HttpRequest, HttpResponse


def organisations(request: HttpRequest, **kwargs: Any) -> HttpResponse:
    raise Http404


def organisation_remove(request: HttpRequest, **kwargs: Any) -> HttpResponse:
    raise Http404
