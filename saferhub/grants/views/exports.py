"""CSV exports of a fund's awards and a round's applications, safe to open in a spreadsheet."""

from typing import Any

from django.http import Http404, HttpRequest, HttpResponse


def fund_awards_csv(request: HttpRequest, **kwargs: Any) -> HttpResponse:
    raise Http404  # Not built yet.


def round_applications_csv(request: HttpRequest, **kwargs: Any) -> HttpResponse:
    raise Http404  # Not built yet.
