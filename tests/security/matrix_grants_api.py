"""The authorisation matrix rows of the funding app's api endpoints, merged into matrix_grants."""

from tests.security.matrix_words import Expect

MATRIX: dict[str, Expect] = {}
