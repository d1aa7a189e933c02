"""Open data: what a partnership funded, for how much, for which priority, and what it achieved."""

from typing import Any

from django.http import Http404, HttpRequest, HttpResponse


def funded_projects(request: HttpRequest, **kwargs: Any) -> HttpResponse:
    raise Http404  # Not built yet.
