"""The authorisation matrix rows of the funding app's open data pages, merged into matrix_grants."""

from tests.security.matrix_words import Expect

MATRIX: dict[str, Expect] = {}
