"""The authorisation matrix rows of the ASB app's sharing pages, merged by matrix_asb.

Only the lead organisation's people (A's managers and case officer, of its council) manage who is on A's
case; to A's other people the case does not exist. A housing trust, joined to the council by an agreement in
force, is there to be invited.
"""

from typing import Any

from saferhub.governance.tests.factories import agreement_between
from saferhub.partnerships.models import Organisation
from saferhub.partnerships.tests.factories import OrganisationFactory, PartnerOrganisationFactory
from tests.security.matrix_words import CASE_WORKERS, Expect


def records(world: Any, owner: str) -> None:
    partnership = world.a if owner == "a" else world.b
    trust = OrganisationFactory(name=f"Housing Trust {owner.upper()}")
    PartnerOrganisationFactory(partnership=partnership, organisation=trust)
    agreement_between(
        partnership,
        Organisation.objects.get(name="Alpha City Council"),
        trust,
        title=f"Housing {owner.upper()}",
    )
    world.records[owner]["housing_trust"] = trust


MATRIX: dict[str, Expect] = {
    "asb:organisations": Expect(
        CASE_WORKERS, data=lambda w: {"organisation": str(w.records["a"]["housing_trust"].public_id)}
    ),
    "asb:organisation-remove": Expect(CASE_WORKERS, data=lambda w: {}),
}
