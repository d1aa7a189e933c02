"""The authorisation matrix rows of the funding app's open data pages, merged by matrix_grants."""

from tests.security.matrix_words import PUBLIC, Expect

MATRIX: dict[str, Expect] = {
    # What a partnership funded is public, signed in or not (no personal data: test_open_data.py).
    "grants:open-data-csv": Expect(PUBLIC),
    "grants:open-data-json": Expect(PUBLIC),
}
