"""The authorisation matrix rows of the funding app's invitations pages, merged into matrix_grants."""

from tests.security.matrix_words import Expect

MATRIX: dict[str, Expect] = {}
