"""Bringing applicants in: a manager invites an organisation to a round, an applicant invites colleagues,
and a voluntary group signs up through a round's page."""

from typing import Any

from django.http import Http404, HttpRequest, HttpResponse


def round_invite(request: HttpRequest, **kwargs: Any) -> HttpResponse:
    raise Http404  # Not built yet.


def sign_up(request: HttpRequest, **kwargs: Any) -> HttpResponse:
    raise Http404  # Not built yet.


def invitation_accept(request: HttpRequest, **kwargs: Any) -> HttpResponse:
    raise Http404  # Not built yet.


def organisation_people(request: HttpRequest, **kwargs: Any) -> HttpResponse:
    raise Http404  # Not built yet.
