"""The applicant's pages for its awards: answering the offer, asking for a variation, the final report; and
withdrawing an application."""

from typing import Any

from django.http import Http404, HttpRequest, HttpResponse


def application_withdraw(request: HttpRequest, **kwargs: Any) -> HttpResponse:
    raise Http404  # Not built yet.


def my_award(request: HttpRequest, **kwargs: Any) -> HttpResponse:
    raise Http404  # Not built yet.


def offer_respond(request: HttpRequest, **kwargs: Any) -> HttpResponse:
    raise Http404  # Not built yet.


def variation_new(request: HttpRequest, **kwargs: Any) -> HttpResponse:
    raise Http404  # Not built yet.


def final_report(request: HttpRequest, **kwargs: Any) -> HttpResponse:
    raise Http404  # Not built yet.
