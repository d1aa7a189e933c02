"""Crime data tests run on the project's copy of the real data: ONS geography and police.uk archives."""

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from saferhub.geography.models import Area
from saferhub.geography.services import geography_import

DATA = Path(__file__).resolve().parents[3] / "data"
POLICEUK = DATA / "policeuk"


@pytest.fixture(scope="module")
def geography(django_db_setup: Any, django_db_blocker: Any) -> Iterator[None]:
    """The Leicestershire geography, imported once and kept for the module (tests never change it)."""
    with django_db_blocker.unblock():
        if not Area.objects.filter(code="E07000134").exists():
            geography_import(paths=[DATA / "ons", DATA / "boundaries"])
    yield
