"""The authorisation matrix rows of the information sharing agreements' pages, and each partnership's
agreement for them."""

import datetime as dt
from typing import Any

from django.utils import timezone

from saferhub.governance.models import AgreementStatus, DataItem, LawfulBasis, PartyRole
from saferhub.governance.tests.factories import agreement_between
from saferhub.partnerships.models import Organisation
from tests.security.matrix_words import MANAGES, PUBLIC, READS, SIGN_IN, Expect, Row

# The steps' URL takes only POST: a GET is 405 to whoever can see the agreement, 404 to anyone else.
POST_ONLY_FOR_READERS = Row(SIGN_IN, 405, 405, 405, 405, 405, 404, 404)


def _terms(w: Any) -> dict[str, Any]:
    """A valid agreement's terms, reviewed after today (as amending needs)."""
    today = timezone.localdate()
    return {
        "title": "Changed by the test",
        "purpose": "To reduce fires in homes of vulnerable people.",
        "lawful_basis": LawfulBasis.PUBLIC_TASK.value,
        "special_category_condition": "",
        "data_items": [DataItem.INCIDENTS.value],
        "retention": "Six years.",
        "security": "Sent only through Saferhub.",
        "starts_on": (today - dt.timedelta(days=30)).isoformat(),
        "review_on": (today + dt.timedelta(days=200)).isoformat(),
        "comment": "Changed by the test",
    }


def _party(w: Any) -> dict[str, Any]:
    return {"role": PartyRole.CONTROLLER.value, "signatory_name": "Changed by the test"}


# A's agreement is active: its parties are fixed, so a manager's POST to the parties' forms is refused as
# well (nothing to control); the draft's pages are checked for reading by `also`.
_DRAFT = {"a draft": ({"agreement_id": "draft_agreement", "agreement_party_id": "draft_party"}, MANAGES)}

MATRIX: dict[str, Expect] = {
    "governance:agreements": Expect(READS),
    "governance:agreement": Expect(READS, also={"a draft": ({"agreement_id": "draft_agreement"}, READS)}),
    "governance:agreement-new": Expect(MANAGES, data=_terms),
    # A's agreement is active: its edit page is the amendment.
    "governance:agreement-edit": Expect(MANAGES, data=_terms),
    "governance:agreement-move": Expect(
        POST_ONLY_FOR_READERS,
        data=lambda w: {"step": "renew", "review_on": _terms(w)["review_on"], "comment": ""},
        post=MANAGES,
    ),
    "governance:party-add": Expect(
        MANAGES, data=lambda w: {**_party(w), "organisation": "1"}, doer=None, also=_DRAFT
    ),
    "governance:party-edit": Expect(MANAGES, data=_party, doer=None, also=_DRAFT),
    "governance:party-remove": Expect(MANAGES, data=lambda w: {}, doer=None, also=_DRAFT),
    # The register in summary is public, signed in or not (no personal data: test_open_data.py).
    "governance:open-data-csv": Expect(PUBLIC),
    "governance:open-data-json": Expect(PUBLIC),
}
RECORD_KWARGS: dict[str, str] = {"agreement_id": "agreement", "agreement_party_id": "agreement_party"}


def records(world: Any) -> None:
    """Each partnership's register holds an active agreement between its council and a fire service."""
    council = Organisation.objects.get(name="Alpha City Council")
    for owner, partnership in (("a", world.a), ("b", world.b)):
        fire = Organisation.objects.get_or_create(name="Shire Fire and Rescue", defaults={"type": "fire"})[0]
        agreement = agreement_between(
            partnership, council, fire, title=f"Fire safety referrals {owner.upper()}"
        )
        world.records[owner]["agreement"] = agreement
        world.records[owner]["agreement_party"] = agreement.parties.get(organisation=fire)
        # And a draft, whose parties can still change.
        draft = agreement_between(
            partnership, council, title=f"Draft referrals {owner.upper()}", status=AgreementStatus.DRAFT
        )
        world.records[owner]["draft_agreement"] = draft
        world.records[owner]["draft_party"] = draft.parties.get()
