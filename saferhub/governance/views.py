"""Stub: being built."""

from typing import Any

from django.http import Http404, HttpRequest, HttpResponse


def agreement_edit(request: HttpRequest, **kwargs: Any) -> HttpResponse:
    raise Http404


def agreement_list(request: HttpRequest, **kwargs: Any) -> HttpResponse:
    raise Http404


def agreement_move(request: HttpRequest, **kwargs: Any) -> HttpResponse:
    raise Http404


def agreement_new(request: HttpRequest, **kwargs: Any) -> HttpResponse:
    raise Http404


def agreement_page(request: HttpRequest, **kwargs: Any) -> HttpResponse:
    raise Http404


def party_add(request: HttpRequest, **kwargs: Any) -> HttpResponse:
    raise Http404


def party_edit(request: HttpRequest, **kwargs: Any) -> HttpResponse:
    raise Http404


def party_remove(request: HttpRequest, **kwargs: Any) -> HttpResponse:
    raise Http404


def register_open_data(request: HttpRequest, **kwargs: Any) -> HttpResponse:
    raise Http404
