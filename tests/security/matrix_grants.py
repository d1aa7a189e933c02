"""The authorisation matrix rows for the funding app's URL names, merged into test_authz_matrix.MATRIX, and
the funding records each partnership has for them (and for the history pages of its records)."""

import datetime as dt
from typing import Any

from django.utils import timezone

from saferhub.grants.forms import STANDARD_CRITERIA
from saferhub.grants.models import ApplicationStatus, Award
from saferhub.grants.tests.factories import (
    ApplicantMemberFactory,
    ApplicationFactory,
    CriterionFactory,
    FundFactory,
    GrantRoundFactory,
)
from tests.security.matrix_words import MANAGER_ONLY, MANAGES, READS, Expect


def fund_form(w: Any) -> dict[str, Any]:
    return {
        "name": "Serious violence fund",
        "funder": "Office of the Police and Crime Commissioner",
        "accountable_body": "Alpha City Council",
        "financial_year": "2026",
        "total_pence": "50,000",
    }


def round_form(w: Any) -> dict[str, Any]:
    today = timezone.localdate()
    return {
        "title": "Summer diversion projects",
        "opens_on": today.isoformat(),
        "closes_on": (today + dt.timedelta(days=28)).isoformat(),
        "eligibility": "Voluntary groups in the city.",
        "max_award_pence": "5000",
        "pass_mark_percent": "65",
        **{f"weight_{key}": str(weight) for key, _, weight in STANDARD_CRITERIA},
    }


MATRIX: dict[str, Expect] = {
    "grants:index": Expect(READS),
    "grants:fund-new": Expect(MANAGES, data=fund_form),
    "grants:fund": Expect(READS),
    "grants:round-new": Expect(MANAGES, data=round_form),
    # A round's applications: its managers and its assessors (none of the matrix's people assesses A's
    # round, so the grant assessor is refused with the rest: the view tests let an assessor in).
    "grants:round": Expect(MANAGER_ONLY),
}

# URL kwarg -> the key of the record in world.records[owner] ("a" or "b") that fills it.
RECORD_KWARGS: dict[str, str] = {"fund_id": "fund", "grant_round_id": "round"}


def records(world: Any) -> None:
    """Adds each partnership's funding records to world.records["a"] and world.records["b"]: a fund with an
    open round, an approved application of a voluntary group and the award offered to it."""
    for owner in ("a", "b"):
        records = world.records[owner]
        fund = FundFactory(partnership=records["plan"].partnership, name=f"Locality fund {owner.upper()}")
        grant_round = GrantRoundFactory(fund=fund, title="Community projects 2026/27")
        CriterionFactory(grant_round=grant_round, name="Fit with the partnership's priorities")
        applicant = ApplicantMemberFactory(organisation__name=f"Youth group {owner.upper()}")
        application = ApplicationFactory(
            grant_round=grant_round,
            organisation=applicant.organisation,
            contact=applicant.user,
            title="Safer streets after school",
            amount_requested_pence=1_000_000,
            status=ApplicationStatus.APPROVED,
        )
        award = Award.objects.create(
            application=application, amount_pence=1_000_000, respond_by=timezone.localdate()
        )
        records.update({"fund": fund, "round": grant_round, "application": application, "award": award})
