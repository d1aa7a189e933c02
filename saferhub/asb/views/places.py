"""Stub: being built."""

from typing import Any

from django.http import Http404, HttpRequest, HttpResponse


def place_list(request: HttpRequest, **kwargs: Any) -> HttpResponse:
    raise Http404


def place_new(request: HttpRequest, **kwargs: Any) -> HttpResponse:
    raise Http404


def place_page(request: HttpRequest, **kwargs: Any) -> HttpResponse:
    raise Http404


def place_edit(request: HttpRequest, **kwargs: Any) -> HttpResponse:
    raise Http404


def place_action_new(request: HttpRequest, **kwargs: Any) -> HttpResponse:
    raise Http404
