"""The authorisation matrix rows of the ASB app's letters, merged by matrix_asb. A's step (the
"intervention") is a Community Protection Warning, which sends a letter."""

from tests.security.matrix_words import CASE_WORKERS, MANAGES_CASEWORK, SIGN_IN, Expect, Row, To

# Without ?stage= the page has no letter to edit: it sends the managers back to the list of letters.
_TO_LETTERS = To("/p/alpha/asb/letters/")
# fmt: off
EDITS_LETTERS = Row(SIGN_IN, _TO_LETTERS, 403, 403, 403, 403, 404, 404, case_officer=403)
# fmt: on

MATRIX: dict[str, Expect] = {
    "asb:letter": Expect(CASE_WORKERS),
    "asb:letter-pdf": Expect(CASE_WORKERS),
    "asb:letter-templates": Expect(MANAGES_CASEWORK),
    "asb:letter-template-edit": Expect(
        EDITS_LETTERS,
        data=lambda w: {"stage": "cpw", "title": "Warning", "body": "Dear {perpetrator_name}, stop."},
    ),
}
