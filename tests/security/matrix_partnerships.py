"""Matrix rows for changing and removing member organisations, groups and meetings.

Merged into test_authz_matrix.MATRIX; the older partnerships rows live there."""

from typing import Any

from saferhub.partnerships.models import PartnerStatus
from saferhub.partnerships.tests.factories import OrganisationFactory, PartnerOrganisationFactory
from tests.security.matrix_words import MANAGES, Expect

MATRIX: dict[str, Expect] = {
    "partnerships:partner-edit": Expect(
        MANAGES, data=lambda w: {"status": PartnerStatus.OTHER_PARTNER.value}
    ),
    # The member organisation of `records`: nothing names it, so the manager's removal goes through.
    "partnerships:partner-remove": Expect(MANAGES, data=lambda w: {}),
    "partnerships:group-edit": Expect(MANAGES, data=lambda w: {"name": "Changed by the test", "kind": "jag"}),
    "partnerships:group-remove": Expect(MANAGES, data=lambda w: {}),
    "partnerships:meeting-edit": Expect(
        MANAGES, data=lambda w: {"title": "Changed by the test", "held_on": "2025-07-02"}
    ),
    "partnerships:meeting-remove": Expect(MANAGES, data=lambda w: {}),
}

RECORD_KWARGS: dict[str, str] = {"partner_id": "partner", "meeting_id": "meeting"}


def records(world: Any) -> None:
    """Gives A and B each a member organisation that no membership, action or priority names."""
    for owner, partnership in (("a", world.a), ("b", world.b)):
        organisation = OrganisationFactory(name=f"Matrix Housing {owner.upper()}", type="housing")
        world.records[owner]["partner"] = PartnerOrganisationFactory(
            partnership=partnership, organisation=organisation, status=PartnerStatus.CO_OPERATING_BODY
        )
