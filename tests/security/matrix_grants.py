"""The authorisation matrix rows for the funding app's URL names, merged into test_authz_matrix.MATRIX, and
the funding records each partnership has for them (and for the history pages of its records)."""

from typing import Any

from django.utils import timezone

from saferhub.grants.models import ApplicationStatus, Award
from saferhub.grants.tests.factories import (
    ApplicantMemberFactory,
    ApplicationFactory,
    CriterionFactory,
    FundFactory,
    GrantRoundFactory,
)

MATRIX: dict[str, Any] = {}

# URL kwarg -> the key of the record in world.records[owner] ("a" or "b") that fills it.
RECORD_KWARGS: dict[str, str] = {}


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
