"""The named people and records every suite shares (the root conftest's `world`), built by one function so
that a fixture of wider scope can build them once (the authorisation matrix's, once per module)."""

import datetime as dt
from dataclasses import dataclass
from typing import Any

from saferhub.partnerships.models import Partnership, Role
from saferhub.partnerships.tests.factories import (
    GroupFactory,
    MembershipFactory,
    OrganisationFactory,
    PartnerOrganisationFactory,
    PartnershipFactory,
    UserFactory,
)
from saferhub.plans.tests.factories import DeliverableFactory, PlanFactory, PriorityFactory, ThemeFactory


@dataclass
class World:
    county: Partnership
    a: Partnership
    b: Partnership
    people: dict[str, Any]
    records: dict[str, Any]


def world_build() -> World:
    """Partnership A (with its plan, priority, group, action) and partnership B with a record of each kind."""
    county = PartnershipFactory(slug="county", name="County Strategy Board", kind="county_board")
    a = PartnershipFactory(slug="alpha", name="Alpha Community Safety Partnership", parent=county)
    b = PartnershipFactory(slug="beta", name="Beta Community Safety Partnership", parent=county)
    council = OrganisationFactory(name="Alpha City Council")
    police = OrganisationFactory(name="Shire Police", type="police")
    for partnership in (county, a, b):
        PartnerOrganisationFactory(
            partnership=partnership, organisation=council, status="responsible_authority"
        )
        PartnerOrganisationFactory(
            partnership=partnership, organisation=police, status="responsible_authority"
        )
    people: dict[str, Any] = {}
    for role in Role:
        user = UserFactory(email=f"{role.value}@alpha.example", full_name=f"Alpha {role.label}")
        MembershipFactory(user=user, partnership=a, organisation=council, role=role)
        people[role.value] = user
    people["other_manager"] = UserFactory(email="manager@beta.example", full_name="Beta Manager")
    MembershipFactory(
        user=people["other_manager"], partnership=b, organisation=council, role=Role.PARTNERSHIP_MANAGER
    )
    people["county_manager"] = UserFactory(email="manager@county.example", full_name="County Manager")
    MembershipFactory(
        user=people["county_manager"], partnership=county, organisation=council, role=Role.PARTNERSHIP_MANAGER
    )
    people["nobody"] = UserFactory(email="nobody@example.org", full_name="No Memberships")

    records: dict[str, Any] = {}
    for key, partnership in (("a", a), ("b", b)):
        plan = PlanFactory(partnership=partnership, title=f"{partnership.name} Plan 2023–2026")
        priority = PriorityFactory(plan=plan, title="Business Crime", lead_organisation=police)
        DeliverableFactory(priority=priority, text="Target repeat shoplifting offenders")
        group = GroupFactory(partnership=partnership, name="Executive Board")
        records[key] = {
            "plan": plan,
            "priority": priority,
            "theme": ThemeFactory(plan=plan, title="Domestic Abuse"),
            "group": group,
            "action": group.actions.create(description="Report on night-time economy"),
            "meeting": group.meetings.create(title="Quarterly board", held_on=dt.date(2025, 6, 1)),
            "membership": partnership.memberships.first(),
        }
    records["a"]["priority"].lead_user = people["theme_lead"]
    records["a"]["priority"].save()
    return World(county=county, a=a, b=b, people=people, records=records)
