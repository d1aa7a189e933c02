"""The authorisation matrix rows of the funding app's invitations pages, merged by matrix_grants."""

from typing import Any

from tests.security.matrix_words import MANAGES, SIGN_IN, Expect, Row, To

# The matrix's `token` is a password-reset token: no invitation's. Everyone gets the one page that says
# the link cannot be used (404), whether or not they are signed in, and its button is never shown.
UNUSABLE_LINK = Row(*[404] * 8)
# An applicant organisation none of the matrix's people applies for: its people are not found.
NOT_THEIR_ORGANISATION = Row(SIGN_IN, 404, 404, 404, 404, 404, 404, 404)
# Signing up through A's open round is for people without an account: anyone signed in is sent to the
# round's own page, from which they apply.
_ROUND = To("/funding/rounds/")
SIGN_UP = Row(200, _ROUND, _ROUND, _ROUND, _ROUND, _ROUND, _ROUND, _ROUND)


def invite_form(w: Any) -> dict[str, Any]:
    return {
        "organisation": "",
        "new_organisation_name": "Matrix Youth Club",
        "full_name": "Sam Patel",
        "email": "sam@matrix.example",
    }


def sign_up_form(w: Any) -> dict[str, Any]:
    return {
        "organisation_name": "Matrix Residents Association",
        "registered_number": "1123456",
        "full_name": "Jo Brown",
        "email": "jo@matrix.example",
    }


def colleague_form(w: Any) -> dict[str, Any]:
    return {"full_name": "Alex Green", "email": "alex@matrix.example"}


MATRIX: dict[str, Expect] = {
    "grants:round-invite": Expect(MANAGES, data=invite_form),
    "grants:invitation-accept": Expect(
        UNUSABLE_LINK,
        data=lambda w: {"full_name": "Mallory", "password1": "x" * 20, "password2": "x" * 20},
        doer=None,
    ),
    "grants:sign-up": Expect(SIGN_UP, data=sign_up_form, doer="anonymous"),
    "grants:organisation-people": Expect(NOT_THEIR_ORGANISATION, data=colleague_form, doer=None),
}
