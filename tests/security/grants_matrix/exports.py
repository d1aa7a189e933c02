"""The authorisation matrix rows of the funding app's exports pages, merged by matrix_grants."""

from tests.security.matrix_words import MANAGER_ONLY, READS, Expect

MATRIX: dict[str, Expect] = {
    # A fund's awards, as the fund's page lists them: whoever may read the fund.
    "grants:fund-awards-csv": Expect(READS),
    # A round's applications with their scores: its managers only (the round is hidden from the rest, as
    # its page is; none of the matrix's people assesses A's round, and an assessor is refused in the tests).
    "grants:round-applications-csv": Expect(MANAGER_ONLY),
}
