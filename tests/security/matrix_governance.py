"""The authorisation matrix rows of the information sharing agreements' pages, and each partnership's
agreement for them."""

from typing import Any

from saferhub.governance.tests.factories import agreement_between
from saferhub.partnerships.models import Organisation
from tests.security.matrix_words import Expect

MATRIX: dict[str, Expect] = {}
RECORD_KWARGS: dict[str, str] = {"agreement_id": "agreement", "agreement_party_id": "agreement_party"}


def records(world: Any) -> None:
    """Each partnership's register holds an active agreement between its council and a fire service."""
    council = Organisation.objects.get(name="Alpha City Council")
    for owner, partnership in (("a", world.a), ("b", world.b)):
        fire = Organisation.objects.get_or_create(name="Shire Fire and Rescue", defaults={"type": "fire"})[0]
        agreement = agreement_between(partnership, council, fire, title=f"Fire safety referrals {owner.upper()}")
        world.records[owner]["agreement"] = agreement
        world.records[owner]["agreement_party"] = agreement.parties.get(organisation=fire)
