"""The authorisation matrix rows for this app's URL names, merged into test_authz_matrix.MATRIX."""

from typing import Any

from tests.security.matrix_words import Expect

MATRIX: dict[str, Expect] = {}

# URL kwarg -> the key of the record in world.records[owner] ("a" or "b") that fills it.
RECORD_KWARGS: dict[str, str] = {}


def records(world: Any) -> None:
    """Adds each partnership's performance records to world.records["a"] and world.records["b"]."""
