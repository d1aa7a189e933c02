"""Loads the Leicester, Leicestershire and Rutland demo from demo.toml, through the ordinary services.

Idempotent: a record that already exists (matched by slug, name, title or email) is left as it is, so a
second run keeps whatever was changed in the demo since.
"""

import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.db import transaction

from saferhub.accounts.models import User
from saferhub.accounts.services import user_create
from saferhub.crimedata.models import Indicator
from saferhub.partnerships import services as partnership_services
from saferhub.partnerships.models import Membership, Organisation, PartnerOrganisation, Partnership
from saferhub.performance import services as performance_services
from saferhub.performance.models import Measure, ReportingRound
from saferhub.plans import services as plan_services
from saferhub.plans.models import Plan, Priority
from saferhub.plans.selectors import current_plan_of

DEMO_FILE = Path(__file__).with_name("demo.toml")
# Only the demo uses this password; it is printed by `make run`.
DEMO_PASSWORD = "demo-password-not-for-real-use"


@dataclass
class DemoSummary:
    created: dict[str, int] = field(default_factory=dict)

    def count(self, kind: str) -> None:
        self.created[kind] = self.created.get(kind, 0) + 1


def demo_load(path: Path = DEMO_FILE) -> DemoSummary:
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    summary = DemoSummary()
    with transaction.atomic():
        organisations = _organisations(data.get("organisations", []), summary)
        partnerships = _partnerships(data.get("partnerships", []), organisations, summary)
        users = _users(data.get("users", []), partnerships, organisations, summary)
        new_priorities = _plans(data.get("plans", []), partnerships, organisations, summary)
        _leads(data.get("users", []), users, new_priorities)
        _performance(data.get("performance", []), summary)
    return summary


def demo_performance_load(path: Path = DEMO_FILE) -> DemoSummary:
    """Only the performance part: run after the crime data, whose indicators the automatic measures count."""
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    summary = DemoSummary()
    with transaction.atomic():
        _performance(data.get("performance", []), summary)
    return summary


def _organisations(rows: list[dict[str, Any]], summary: DemoSummary) -> dict[str, Organisation]:
    found = {}
    for row in rows:
        organisation = Organisation.objects.filter(name=row["name"]).first()
        if organisation is None:
            organisation = partnership_services.organisation_create(
                actor=None, name=row["name"], type=row["type"]
            )
            summary.count("organisations")
        found[row["name"]] = organisation
    return found


def _partnerships(
    rows: list[dict[str, Any]], organisations: dict[str, Organisation], summary: DemoSummary
) -> dict[str, Partnership]:
    found: dict[str, Partnership] = {}
    for row in rows:
        partnership = Partnership.objects.filter(slug=row["slug"]).first()
        if partnership is None:
            partnership = partnership_services.partnership_create(
                actor=None,
                slug=row["slug"],
                name=row["name"],
                short_name=row.get("short_name", ""),
                kind=row["kind"],
                parent=found.get(row.get("parent", ""))
                or Partnership.objects.filter(slug=row.get("parent")).first(),
                area_codes=row.get("area_codes", []),
            )
            if row.get("requires_two_factor"):
                partnership_services.partnership_settings_update(
                    actor=None, partnership=partnership, requires_two_factor=True
                )
            summary.count("partnerships")
        found[row["slug"]] = partnership
        for partner in row.get("partners", []):
            organisation = organisations[partner["organisation"]]
            if not PartnerOrganisation.objects.filter(
                partnership=partnership, organisation=organisation
            ).exists():
                partnership_services.partner_organisation_add(
                    actor=None, partnership=partnership, organisation=organisation, status=partner["status"]
                )
        for group in row.get("groups", []):
            if not partnership.groups.filter(name=group["name"]).exists():
                partnership_services.group_create(
                    actor=None,
                    partnership=partnership,
                    name=group["name"],
                    kind=group["kind"],
                    purpose=group.get("purpose", ""),
                )
                summary.count("groups")
    return found


def _users(
    rows: list[dict[str, Any]],
    partnerships: dict[str, Partnership],
    organisations: dict[str, Organisation],
    summary: DemoSummary,
) -> dict[str, User]:
    found = {}
    for row in rows:
        user = User.objects.filter(email=row["email"]).first()
        if user is None:
            user = user_create(
                actor=None,
                email=row["email"],
                full_name=row["full_name"],
                job_title=row.get("job_title", ""),
                password=DEMO_PASSWORD,
            )
            summary.count("users")
        found[row["email"]] = user
        for membership in row.get("memberships", []):
            partnership = partnerships[membership["partnership"]]
            organisation = organisations[membership["organisation"]]
            if not PartnerOrganisation.objects.filter(
                partnership=partnership, organisation=organisation
            ).exists():
                partnership_services.partner_organisation_add(
                    actor=None, partnership=partnership, organisation=organisation, status="other_partner"
                )
            if not Membership.objects.filter(
                user=user, partnership=partnership, role=membership["role"]
            ).exists():
                partnership_services.membership_create(
                    actor=None,
                    user=user,
                    partnership=partnership,
                    organisation=organisation,
                    role=membership["role"],
                )
    return found


def _plans(
    rows: list[dict[str, Any]],
    partnerships: dict[str, Partnership],
    organisations: dict[str, Organisation],
    summary: DemoSummary,
) -> list[Priority]:
    """Creates the plans not loaded before; returns the priorities it created."""
    created: list[Priority] = []
    for row in rows:
        partnership = partnerships[row["partnership"]]
        if Plan.objects.filter(partnership=partnership, title=row["title"]).exists():
            continue
        plan = plan_services.plan_create(
            actor=None,
            partnership=partnership,
            title=row["title"],
            period_start=row["period_start"],
            period_end=row["period_end"],
            is_current=row.get("is_current", True),
            foreword=row.get("foreword", "").strip(),
            vision=row.get("vision", "").strip(),
            statutory_duties=row.get("statutory_duties", "").strip(),
            partnership_expectations=row.get("partnership_expectations", "").strip(),
            deliverables_label=row.get("deliverables_label", "Key deliverables"),
        )
        summary.count("plans")
        for theme in row.get("cross_cutting_themes", []):
            plan_services.theme_create(
                actor=None, plan=plan, title=theme["title"], description=theme.get("description", "").strip()
            )
        for priority in row.get("priorities", []):
            created.append(
                plan_services.priority_create(
                    actor=None,
                    plan=plan,
                    title=priority["title"],
                    description=priority.get("description", "").strip(),
                    lead_organisation=organisations.get(priority.get("lead_organisation", "")),
                    deliverables=[text.strip() for text in priority.get("deliverables", [])],
                    aligned_to=[_priority_named(reference) for reference in priority.get("aligned_to", [])],
                )
            )
            summary.count("priorities")
        for revision in row.get("revisions", []):
            plan_services.plan_revise(
                actor=None,
                plan=plan,
                label=revision["label"],
                revised_on=revision["revised_on"],
                summary=revision.get("summary", "").strip(),
            )
    return created


def _priority_named(reference: str) -> Priority:
    """'partnership-slug:plan title:priority title', a priority loaded earlier in the file."""
    slug, plan_title, title = reference.split(":", 2)
    return Priority.objects.get(plan__partnership__slug=slug, plan__title=plan_title, title=title)


def _leads(rows: list[dict[str, Any]], users: dict[str, User], new_priorities: list[Priority]) -> None:
    """Make each demo theme lead the lead of the priorities they are named for, in a current plan loaded now.

    Only priorities created by this run: a lead removed since the demo was first loaded stays removed.
    """
    for row in rows:
        for membership in row.get("memberships", []):
            for priority in new_priorities:
                if (
                    priority.title in membership.get("lead_of", [])
                    and priority.plan.is_current
                    and priority.plan.partnership.slug == membership["partnership"]
                ):
                    plan_services.priority_update(
                        actor=None, priority=priority, values={"lead_user": users[row["email"]]}
                    )


def _performance(rows: list[dict[str, Any]], summary: DemoSummary) -> None:
    """Measures of the current plan's priorities (with their figures) and the quarters' returns.

    An automatic measure whose indicator is not loaded yet is left for a later run; `load_demo` runs this
    again after the crime data.
    """
    for row in rows:
        partnership = Partnership.objects.get(slug=row["partnership"])
        plan = current_plan_of(partnership)
        if plan is None:
            continue
        for spec in row.get("measures", []):
            priority = plan.priorities.get(title=spec["priority"])
            measure = Measure.objects.filter(priority=priority, title=spec["title"]).first()
            if measure is None:
                indicator = None
                if spec["kind"] == "automatic":
                    indicator = Indicator.objects.filter(
                        partnership__isnull=True, slug=spec["indicator"]
                    ).first()
                    if indicator is None:
                        continue
                measure = performance_services.measure_create(
                    actor=None,
                    priority=priority,
                    title=spec["title"],
                    kind=spec["kind"],
                    indicator=indicator,
                    unit=spec.get("unit", ""),
                    baseline_value=spec.get("baseline_value"),
                    baseline_period=spec.get("baseline_period", ""),
                    target_value=spec["target_value"],
                    direction=spec["direction"],
                    tolerance_percent=spec.get("tolerance_percent", 0),
                    frequency=spec.get("frequency", "quarterly"),
                    source=spec.get("source", ""),
                )
                summary.count("measures")
            for figure in spec.get("figures", []):
                if not measure.values.filter(period=figure["period"]).exists():
                    performance_services.measure_value_record(
                        actor=None,
                        measure=measure,
                        period=figure["period"],
                        period_end=figure["period_end"],
                        value=figure["value"],
                    )
        for spec in row.get("rounds", []):
            if not ReportingRound.objects.filter(
                partnership=partnership, financial_year=spec["financial_year"], quarter=spec["quarter"]
            ).exists():
                summary.count("reporting rounds")
            performance_services.reporting_round_open(
                actor=None,
                partnership=partnership,
                financial_year=spec["financial_year"],
                quarter=spec["quarter"],
                due_on=spec["due_on"],
            )
