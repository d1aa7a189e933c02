import datetime as dt
from uuid import UUID

from ninja import Schema


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


class PlanOut(PlanSummaryOut):
    partnership: str
    vision: str
    statutory_duties: str
    partnership_expectations: str
    deliverables_label: str
    revisions: list[RevisionOut]
    cross_cutting_themes: list[ThemeOut]
    priorities: list[PriorityOut]
