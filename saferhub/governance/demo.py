"""The demo's register of information sharing agreements ([governance] in demo.toml): each agreement taken
through its lifecycle as the partnership's manager would, drafted, reviewed, signed by every party and made
active, through the services. An agreement whose title is in the register already is left as it is.

An agreement the demo shows as lapsed is made active here like the others: the casework demo
(asb/demo.py) puts its partner on cases while it is in force, then records its end, as it happened."""

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils import timezone

from saferhub.accounts.models import User
from saferhub.core.registry import DemoRun, DemoStage
from saferhub.governance import services
from saferhub.governance.models import SharingAgreement
from saferhub.partnerships.models import Organisation, Partnership

# The fields of an agreement a demo entry gives as they are.
TERMS = (
    "title",
    "purpose",
    "lawful_basis",
    "special_category_condition",
    "criminal_offence_data",
    "crime_and_disorder_s115",
    "crime_and_disorder_s17a",
    "other_gateways",
    "data_items",
    "retention",
    "security",
    "dpia_reference",
    "high_risk",
)


def demo_load(run: DemoRun) -> None:
    if run.stage != DemoStage.RECORDS:
        return
    with transaction.atomic():
        for spec in run.demo.get("governance", {}).get("agreements", []):
            partnership = Partnership.objects.get(slug=spec["partnership"])
            if not SharingAgreement.objects.filter(partnership=partnership, title=spec["title"]).exists():
                _agreement(partnership, spec)
                run.count("sharing agreements")


def _agreement(partnership: Partnership, spec: dict[str, Any]) -> SharingAgreement:
    manager = User.objects.get(email=spec["manager"])
    today = timezone.localdate()
    started = today - dt.timedelta(days=spec["started_days_ago"])
    agreement = services.agreement_create(
        actor=manager,
        partnership=partnership,
        values={
            **{name: spec[name] for name in TERMS if name in spec},
            "starts_on": started,
            "review_on": today + dt.timedelta(days=spec["review_in_days"]),
        },
    )
    for party in spec["parties"]:
        services.party_add(
            actor=manager,
            agreement=agreement,
            organisation=Organisation.objects.get(name=party["organisation"]),
            values={
                "role": party.get("role", "controller"),
                "signatory_name": party["signatory_name"],
                "signatory_role": party["signatory_role"],
                "signed_on": started - dt.timedelta(days=7),
            },
        )
    if spec.get("high_risk"):
        agreement = services.agreement_step(actor=manager, agreement=agreement, name="assess_impact")
    for step in ("send_for_review", "sign", "activate"):
        agreement = services.agreement_step(actor=manager, agreement=agreement, name=step)
    return agreement
