import datetime as dt
from typing import Annotated, Any
from uuid import UUID

from ninja import Field, Path, Schema

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


class OrganisationOut(Schema):
    name: str
    type: str
    status: str


class PartnershipOut(Schema):
    slug: str
    name: str
    kind: str
    parent: str | None
    area_codes: list[str]


class DeliverableOut(Schema):
    text: str


class PriorityOut(Schema):
    id: UUID
    title: str
    description: str
    lead: str | None
    lead_organisation: str | None
    deliverables: list[str]
    aligned_to: list[UUID]


class ThemeOut(Schema):
    title: str
    description: str


class RevisionOut(Schema):
    label: str
    revised_on: dt.date
    summary: str


class PlanSummaryOut(Schema):
    id: UUID
    title: str
    period_start: dt.date
    period_end: dt.date
    is_current: bool
    ended: bool = Field(description="Whether the plan's period is over (its end date is before today)")


class PlanOut(PlanSummaryOut):
    partnership: str
    vision: str
    statutory_duties: str
    partnership_expectations: str
    deliverables_label: str
    revisions: list[RevisionOut]
    cross_cutting_themes: list[ThemeOut]
    priorities: list[PriorityOut]


class CrimeCountOut(Schema):
    """One row of `crime_counts`: the ward or LSOA only when counted by it."""

    period: str
    category: str
    ward: str | None = None
    lsoa: str | None = None
    count: int


class CrimeCountsOut(Schema):
    area: str
    name: str
    period: str
    source: str
    counts: list[CrimeCountOut]


class IndicatorOut(Schema):
    id: UUID
    slug: str
    name: str
    description: str
    shared: bool
    sources: list[str]
    categories: list[str]
    subcategories: list[str]
    flags: dict[str, bool]
    asb_types: list[str]
    area_code: str
    per_1000: bool


class SeriesPointOut(Schema):
    """A month's count; null for a month none of the indicator's sources holds (not the same as 0)."""

    month: str
    count: int | None
    rate_per_1000: float | None


class IndicatorSeriesOut(Schema):
    id: UUID
    slug: str
    name: str
    area: str
    area_name: str
    population: int | None
    months: list[SeriesPointOut]
    note: str = ""


class ImportRunOut(Schema):
    id: UUID
    kind: str
    status: str
    started_by: str | None
    created_at: dt.datetime
    finished_at: dt.datetime | None
    progress: int
    files: list[str]
    rows_read: int
    rows_stored: int
    rows_rejected: int
    months: list[str]
    forces: list[str]
    replaced: list[str]
    notes: list[str]
    error: str
