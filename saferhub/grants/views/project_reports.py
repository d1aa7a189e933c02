"""Funded projects' quarterly reports: the managers open a quarter and decide the reports, the project fills
them in. The pages of the reporting rounds' second kind of return."""

from typing import Any

from django.http import Http404, HttpRequest, HttpResponse


def reports_open(request: HttpRequest, **kwargs: Any) -> HttpResponse:
    raise Http404  # Not built yet.


def report_round(request: HttpRequest, **kwargs: Any) -> HttpResponse:
    raise Http404  # Not built yet.


def report_detail(request: HttpRequest, **kwargs: Any) -> HttpResponse:
    raise Http404  # Not built yet.


def report_decide(request: HttpRequest, **kwargs: Any) -> HttpResponse:
    raise Http404  # Not built yet.


def my_report(request: HttpRequest, **kwargs: Any) -> HttpResponse:
    raise Http404  # Not built yet.


def my_report_section(request: HttpRequest, **kwargs: Any) -> HttpResponse:
    raise Http404  # Not built yet.


def my_report_check(request: HttpRequest, **kwargs: Any) -> HttpResponse:
    raise Http404  # Not built yet.
