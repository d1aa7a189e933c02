"""What every app's JSON API router shares: the parameters' patterns, the partnership's slug and the refusals.

Here, below the apps, so that each app's `api.py` can use them without importing `saferhub.api` above it.
"""

from typing import Annotated, Any

from ninja import Path, Schema

# What the API's words for its parameters mean, as patterns a client (and the schema's readers) can check.
MONTH_PATTERN = r"^[0-9]{4}-(0[1-9]|1[0-2])$"
SLUG_PATTERN = r"^[-a-zA-Z0-9_]+$"
AREA_PATTERN = r"^([A-Z][0-9]{8}|[-a-z0-9_]+)$"
SOURCE_PATTERN = r"^[-a-zA-Z0-9._]+$"
# How a refusal names what a pattern wanted.
PATTERN_WORDS = {
    MONTH_PATTERN: "a month in the form YYYY-MM",
    SLUG_PATTERN: "a partnership's slug: letters, digits, hyphens and underscores",
    AREA_PATTERN: "an ONS code, like E05010511, or this partnership's slug",
    SOURCE_PATTERN: "a source's name, like police.uk-street",
}

PartnershipSlug = Annotated[
    str, Path(pattern=SLUG_PATTERN, max_length=80, description="The partnership's slug, e.g. `leicester`")
]


class ErrorOut(Schema):
    """Every refusal: 401 (no token, or one that does not work), 403, 404 (or not yours to see) and 422."""

    detail: str


def answers(ok: Any, *refusals: int) -> dict[int, Any]:
    """An endpoint's declared responses: `ok` for 200, and the error body for a 401 and each refusal."""
    return {200: ok, 401: ErrorOut, **dict.fromkeys(refusals, ErrorOut)}
