"""The demo's organisations, partnerships (with their partners and groups) and people with their roles."""

from typing import Any

from saferhub.accounts.models import User
from saferhub.accounts.services import user_create
from saferhub.core.registry import DemoRun, DemoStage
from saferhub.partnerships import services
from saferhub.partnerships.models import Membership, Organisation, PartnerOrganisation, Partnership


def demo_load(run: DemoRun) -> None:
    if run.stage != DemoStage.RECORDS:
        return
    organisations = _organisations(run.demo.get("organisations", []), run)
    partnerships = _partnerships(run.demo.get("partnerships", []), organisations, run)
    _users(run.demo.get("users", []), partnerships, organisations, run)


def _organisations(rows: list[dict[str, Any]], run: DemoRun) -> dict[str, Organisation]:
    found = {}
    for row in rows:
        organisation = Organisation.objects.filter(name=row["name"]).first()
        if organisation is None:
            organisation = services.organisation_create(actor=None, name=row["name"], type=row["type"])
            run.count("organisations")
        found[row["name"]] = organisation
    return found


def _partnerships(
    rows: list[dict[str, Any]], organisations: dict[str, Organisation], run: DemoRun
) -> dict[str, Partnership]:
    found: dict[str, Partnership] = {}
    for row in rows:
        partnership = Partnership.objects.filter(slug=row["slug"]).first()
        if partnership is None:
            partnership = services.partnership_create(
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
                services.partnership_settings_update(
                    actor=None, partnership=partnership, requires_two_factor=True
                )
            run.count("partnerships")
        found[row["slug"]] = partnership
        for partner in row.get("partners", []):
            organisation = organisations[partner["organisation"]]
            if not PartnerOrganisation.objects.filter(
                partnership=partnership, organisation=organisation
            ).exists():
                services.partner_organisation_add(
                    actor=None, partnership=partnership, organisation=organisation, status=partner["status"]
                )
        for group in row.get("groups", []):
            if not partnership.groups.filter(name=group["name"]).exists():
                services.group_create(
                    actor=None,
                    partnership=partnership,
                    name=group["name"],
                    kind=group["kind"],
                    purpose=group.get("purpose", ""),
                )
                run.count("groups")
    return found


def _users(
    rows: list[dict[str, Any]],
    partnerships: dict[str, Partnership],
    organisations: dict[str, Organisation],
    run: DemoRun,
) -> None:
    for row in rows:
        user = User.objects.filter(email=row["email"]).first()
        if user is None:
            user = user_create(
                actor=None,
                email=row["email"],
                full_name=row["full_name"],
                job_title=row.get("job_title", ""),
                password=run.password,
            )
            run.count("users")
        for membership in row.get("memberships", []):
            partnership = partnerships[membership["partnership"]]
            organisation = organisations[membership["organisation"]]
            if not PartnerOrganisation.objects.filter(
                partnership=partnership, organisation=organisation
            ).exists():
                services.partner_organisation_add(
                    actor=None, partnership=partnership, organisation=organisation, status="other_partner"
                )
            if not Membership.objects.filter(
                user=user, partnership=partnership, role=membership["role"]
            ).exists():
                services.membership_create(
                    actor=None,
                    user=user,
                    partnership=partnership,
                    organisation=organisation,
                    role=membership["role"],
                )
