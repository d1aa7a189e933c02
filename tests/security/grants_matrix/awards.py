"""The authorisation matrix rows of the funding app's awards pages, merged by matrix_grants.

A's award (records() in matrix_grants) is accepted, with one instalment of the whole amount due on
acceptance, a variation asked for that changes no money, a Q1 report round and no budget lines, spend or
payments. So a manager pays the instalment and decides the variation; the rest is refused by the records'
state, shown on the page (400) and changing nothing: nobody can succeed there (`doer=None`).
"""

from typing import Any

from django.utils import timezone

from tests.security.matrix_words import MANAGER_ONLY, MANAGES, SIGN_IN, Expect, Row, To

# The award's own forms refused by its state: the managers are told why (400); the partnership's other people
# are refused (403), others do not see it (404).
REFUSED_BY_ITS_STATE = Row(SIGN_IN, 400, 403, 403, 403, 403, 404, 404)
# A's application has its award already: its managers are sent to the award; nobody else knows the
# application (only the round's managers and assessors do, and no one of the matrix assesses A's round).
OFFERED_ALREADY = Row(SIGN_IN, To("/p/alpha/funding/awards/"), *MANAGER_ONLY[2:])


def today(w: Any) -> str:
    return timezone.localdate().isoformat()


def offer_form(w: Any) -> dict[str, Any]:
    return {"amount_pence": "10,000", "conditions": "", "respond_by": today(w), "schedule": "full"}


MATRIX: dict[str, Expect] = {
    "grants:offer": Expect(OFFERED_ALREADY, data=offer_form, doer=None),
    "grants:award": Expect(MANAGES),
    # Only an offer is given longer, and A's award is accepted.
    "grants:offer-extend": Expect(
        MANAGES, data=lambda w: {"respond_by": today(w)}, post=REFUSED_BY_ITS_STATE, doer=None
    ),
    "grants:instalment-pay": Expect(MANAGES, data=lambda w: {"paid_on": today(w)}),
    "grants:variation-decide": Expect(MANAGES, data=lambda w: {"decision": "approve", "reason": "Agreed"}),
    # A's project has no budget lines to record spend against.
    "grants:spend": Expect(
        MANAGES, data=lambda w: {"period": "2026/27 Q1"}, post=REFUSED_BY_ITS_STATE, doer=None
    ),
    # Nothing has been paid, so nothing can be clawed back.
    "grants:clawback": Expect(
        MANAGES,
        data=lambda w: {"amount_pence": "100", "reason": "Underspend"},
        post=REFUSED_BY_ITS_STATE,
        doer=None,
    ),
    # An award is closed once its final report is in; A's has none.
    "grants:award-close": Expect(
        MANAGES,
        data=lambda w: {"comment": "Reconciled", "reconciled": "on"},
        post=REFUSED_BY_ITS_STATE,
        doer=None,
    ),
}
