"""The authorisation matrix rows of the ASB app's reports pages, merged by matrix_asb."""

from tests.security.matrix_words import MANAGES_CASEWORK, Expect

MATRIX: dict[str, Expect] = {"asb:reports": Expect(get=MANAGES_CASEWORK)}
