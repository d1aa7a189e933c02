"""Stub: being built."""

from typing import Any

from django.http import Http404, HttpRequest, HttpResponse


def step_new(request: HttpRequest, **kwargs: Any) -> HttpResponse:
    raise Http404


def conviction(request: HttpRequest, **kwargs: Any) -> HttpResponse:
    raise Http404


def step_outcome(request: HttpRequest, **kwargs: Any) -> HttpResponse:
    raise Http404
