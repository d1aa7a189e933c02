"""The authorisation matrix rows for the documents app's URL names, merged into test_authz_matrix.MATRIX.

Who may read a document is its kind's own rule: the matrix's kind (the tests' fake note) is read by the
partnership's managers only, so the rest of A are refused (403) and everyone else does not know it (404).
"""

from typing import Any

from saferhub.documents.making import document_make
from saferhub.documents.registry import document_kind_register
from saferhub.documents.services import document_request
from saferhub.documents.tests.fakes import Figures, note_kind
from tests.security.matrix_words import MANAGES, SIGN_IN, Expect, Row, To

MATRIX_NOTE = document_kind_register(note_kind("matrix-note", Figures()))

MATRIX: dict[str, Expect] = {
    "documents:document": Expect(MANAGES),
    "documents:progress": Expect(MANAGES),
    "documents:download": Expect(MANAGES),
    # GET changes nothing and goes back to the document; POST asks for it again. A's document is made
    # already, so asking again changes nothing: the view tests try a failed one again.
    "documents:retry": Expect(
        Row(SIGN_IN, To("/p/alpha/documents/"), 403, 403, 403, 403, 404, 404),
        data=lambda w: {},
        post=MANAGES,
        doer=None,
    ),
}

# URL kwarg -> the key of the record in world.records[owner] ("a" or "b") that fills it.
RECORD_KWARGS: dict[str, str] = {"document_id": "document"}


def records(world: Any) -> None:
    """A made document of the matrix's kind for each partnership (its file in the scene's data folder)."""
    for owner, partnership in (("a", world.a), ("b", world.b)):
        document = document_request(
            actor=None, partnership=partnership, kind=MATRIX_NOTE.name, params={"title": "Minutes"}
        )
        world.records[owner]["document"] = document_make(document_id=str(document.public_id))
