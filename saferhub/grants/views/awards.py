"""A partnership manager's pages for awards: the offer, payments, variations, spend, claw-back and closing."""

from typing import Any

from django.http import Http404, HttpRequest, HttpResponse


def offer(request: HttpRequest, **kwargs: Any) -> HttpResponse:
    raise Http404  # Not built yet.


def award_detail(request: HttpRequest, **kwargs: Any) -> HttpResponse:
    raise Http404  # Not built yet.


def offer_extend(request: HttpRequest, **kwargs: Any) -> HttpResponse:
    raise Http404  # Not built yet.


def instalment_pay(request: HttpRequest, **kwargs: Any) -> HttpResponse:
    raise Http404  # Not built yet.


def variation_decide(request: HttpRequest, **kwargs: Any) -> HttpResponse:
    raise Http404  # Not built yet.


def spend(request: HttpRequest, **kwargs: Any) -> HttpResponse:
    raise Http404  # Not built yet.


def clawback(request: HttpRequest, **kwargs: Any) -> HttpResponse:
    raise Http404  # Not built yet.


def award_close(request: HttpRequest, **kwargs: Any) -> HttpResponse:
    raise Http404  # Not built yet.


def csv(request: HttpRequest, **kwargs: Any) -> HttpResponse:
    raise Http404  # Not built yet.
