"""The authorisation matrix rows of the ASB app's letters pages, merged by matrix_asb."""

from tests.security.matrix_words import Expect

MATRIX: dict[str, Expect] = {}
