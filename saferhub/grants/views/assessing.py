"""Assessing an application, for the round's assessors and managers: eligibility, conflicts of interest,
scores, moderation and the decision."""

from typing import Any

from django.http import Http404, HttpRequest, HttpResponse


def review(request: HttpRequest, **kwargs: Any) -> HttpResponse:
    raise Http404  # Not built yet.


def eligibility(request: HttpRequest, **kwargs: Any) -> HttpResponse:
    raise Http404  # Not built yet.


def conflict(request: HttpRequest, **kwargs: Any) -> HttpResponse:
    raise Http404  # Not built yet.


def score(request: HttpRequest, **kwargs: Any) -> HttpResponse:
    raise Http404  # Not built yet.


def moderate(request: HttpRequest, **kwargs: Any) -> HttpResponse:
    raise Http404  # Not built yet.


def decide(request: HttpRequest, **kwargs: Any) -> HttpResponse:
    raise Http404  # Not built yet.
