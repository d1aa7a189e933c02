"""The authorisation matrix rows of the funding app's assessing pages, merged by matrix_grants.

A's application (matrix_grants.records) is approved, with an award: the managers see it, and each step's
page tells them its state does not allow the step (a POST is refused, 400, and changes nothing). None of the
matrix's people assesses A's round (the grant assessor among the members included), so to everyone else it
does not exist (404), and a manager, who is no assessor of it, may not score it or declare a conflict
(403). The view tests let the round's assessors in, and keep an assessor of another round out.
"""

from typing import Any

from tests.security.matrix_words import MANAGER_ONLY, SIGN_IN, Expect, Row

# A step the approved application's state no longer allows: the managers' POST is refused on the page.
STATE_REFUSES = Row(SIGN_IN, 400, 404, 404, 404, 404, 404, 404)
# An assessor's step: the managers see the application but are not its assessors.
ASSESSORS_ONLY = Row(SIGN_IN, 403, 404, 404, 404, 404, 404, 404)


def eligibility_form(w: Any) -> dict[str, Any]:
    return {"eligible": "yes", "reason": ""}


def scores_form(w: Any) -> dict[str, Any]:
    """A score and a text for each criterion of A's round (the score page's and the moderation page's)."""
    criteria = w.records["a"]["round"].criteria.all()
    return {
        **{f"score_{criterion.pk}": "4" for criterion in criteria},
        **{f"text_{criterion.pk}": "Agreed at the panel" for criterion in criteria},
    }


def decide_form(w: Any) -> dict[str, Any]:
    return {"decision": "approve", "reason": "Above the pass mark", "conditions": ""}


MATRIX: dict[str, Expect] = {
    "grants:review": Expect(MANAGER_ONLY),
    "grants:eligibility": Expect(MANAGER_ONLY, data=eligibility_form, post=STATE_REFUSES, doer=None),
    "grants:conflict": Expect(ASSESSORS_ONLY, data=lambda w: {"reason": "I chair its board"}, doer=None),
    "grants:score": Expect(ASSESSORS_ONLY, data=scores_form, doer=None),
    "grants:moderate": Expect(MANAGER_ONLY, data=scores_form, post=STATE_REFUSES, doer=None),
    "grants:decide": Expect(MANAGER_ONLY, data=decide_form, post=STATE_REFUSES, doer=None),
    # A's round is open: the managers confirm on GET, and POST closes it.
    "grants:round-close": Expect(MANAGER_ONLY, data=lambda w: {}),
}
