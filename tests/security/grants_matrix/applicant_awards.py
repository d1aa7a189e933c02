"""The authorisation matrix rows of the funding app's applicant awards pages, merged by matrix_grants.

An award and its application are known only to their organisation's members, and none of the matrix's
people applies for an organisation: to all of them each of these pages of A's award does not exist, read or
posted (the applicant award page tests let the members in, and keep another organisation's out).
"""

from tests.security.matrix_words import APPLICANTS_ONLY, Expect

MATRIX: dict[str, Expect] = {
    "grants:my-award": Expect(APPLICANTS_ONLY),
    "grants:offer-respond": Expect(APPLICANTS_ONLY, data=lambda w: {"answer": "decline"}, doer=None),
    "grants:variation-new": Expect(
        APPLICANTS_ONLY, data=lambda w: {"description": "A later end", "amount_pence": "-500"}, doer=None
    ),
    "grants:final-report": Expect(
        APPLICANTS_ONLY, data=lambda w: {"report": "Forty young people reached."}, doer=None
    ),
    "grants:application-withdraw": Expect(
        APPLICANTS_ONLY, data=lambda w: {"reason": "Our youth worker has left"}, doer=None
    ),
}
