"""What every open data download shares: the Open Government Licence, named in the JSON and, for a CSV
(which has no standard place for it), in a `Link: <...>; rel="license"` header on both; and a public cache
lifetime, after which a cache asks again with the download's ETag."""

from typing import Any

from django.http import HttpResponse
from django.utils.cache import patch_cache_control

LICENCE_NAME = "Open Government Licence v3.0"
LICENCE_URL = "https://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/"
MAX_AGE_SECONDS = 60 * 60


def licence_json() -> dict[str, Any]:
    return {"name": LICENCE_NAME, "url": LICENCE_URL}


def attribution(publisher: str) -> str:
    return f"Contains public sector information from {publisher} licensed under the {LICENCE_NAME}."


def published(response: HttpResponse) -> HttpResponse:
    """The download as open data: its licence linked, cacheable by anyone for MAX_AGE_SECONDS."""
    response["Link"] = f'<{LICENCE_URL}>; rel="license"'
    patch_cache_control(response, public=True, max_age=MAX_AGE_SECONDS)
    return response
