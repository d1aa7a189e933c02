"""Stub: being built."""

from typing import Any

from django.http import Http404, HttpRequest, HttpResponse


def letter(request: HttpRequest, **kwargs: Any) -> HttpResponse:
    raise Http404


def letter_pdf(request: HttpRequest, **kwargs: Any) -> HttpResponse:
    raise Http404


def templates(request: HttpRequest, **kwargs: Any) -> HttpResponse:
    raise Http404


def template_edit(request: HttpRequest, **kwargs: Any) -> HttpResponse:
    raise Http404
