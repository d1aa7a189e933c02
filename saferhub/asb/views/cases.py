"""Stub: being built."""

from typing import Any

from django.http import Http404, HttpRequest, HttpResponse


def case_list(request: HttpRequest, **kwargs: Any) -> HttpResponse:
    raise Http404


def case_new(request: HttpRequest, **kwargs: Any) -> HttpResponse:
    raise Http404


def case_page(request: HttpRequest, **kwargs: Any) -> HttpResponse:
    raise Http404


def case_edit(request: HttpRequest, **kwargs: Any) -> HttpResponse:
    raise Http404


def incident_new(request: HttpRequest, **kwargs: Any) -> HttpResponse:
    raise Http404


def incident_page(request: HttpRequest, **kwargs: Any) -> HttpResponse:
    raise Http404


def party_new(request: HttpRequest, **kwargs: Any) -> HttpResponse:
    raise Http404


def case_close(request: HttpRequest, **kwargs: Any) -> HttpResponse:
    raise Http404


def case_reopen(request: HttpRequest, **kwargs: Any) -> HttpResponse:
    raise Http404


def case_link(request: HttpRequest, **kwargs: Any) -> HttpResponse:
    raise Http404


def case_merge(request: HttpRequest, **kwargs: Any) -> HttpResponse:
    raise Http404
