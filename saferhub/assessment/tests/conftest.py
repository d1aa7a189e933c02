"""Assessment tests run on the project's copy of the real data, imported once per module."""

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.db import transaction
from django.test import override_settings

from saferhub.crimedata.extracts import extract_mapping_read
from saferhub.crimedata.services import crime_import, extract_import, indicators_load
from saferhub.crimedata.tests.conftest import POLICEUK, geography  # noqa: F401 - the module fixture

PACKAGE = Path(__file__).resolve().parents[2] / "crimedata"
LOCAL = Path(__file__).resolve().parents[3] / "data" / "local"
ARCHIVES = [POLICEUK / "leicestershire-2022.zip", POLICEUK / "leicestershire-2023.zip"]


@pytest.fixture(scope="module")
def leicestershire_store(
    geography: None,  # noqa: F811 - the imported fixture, requested
    django_db_blocker: Any,
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[Path]:
    """Both police.uk archives imported and the police.uk indicators loaded, in a store of the module's own,
    inside a transaction rolled back after the module (a module's settings override is override_settings)."""
    store = tmp_path_factory.mktemp("crime-store")
    with django_db_blocker.unblock(), override_settings(SAFERHUB_DATA_DIR=store), transaction.atomic():
        crime_import(paths=ARCHIVES)
        indicators_load(path_or_text=PACKAGE / "indicators" / "policeuk.toml")
        yield store
        transaction.set_rollback(True)


@pytest.fixture(scope="module")
def nwl_extracts(
    geography: None,  # noqa: F811 - the imported fixture, requested
    django_db_blocker: Any,
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[Path]:
    """North West Leicestershire's local extracts imported through the shipped mappings, and the shipped
    nwl-headline indicator set (seed 003's rows) loaded: the seed's table from its own data."""
    store = tmp_path_factory.mktemp("crime-store")
    with django_db_blocker.unblock(), override_settings(SAFERHUB_DATA_DIR=store), transaction.atomic():
        for extract, mapping in (
            ("nwl-crime-extract.csv", "nwl-crime.toml"),
            ("nwl-asb-incidents.csv", "nwl-asb.toml"),
        ):
            extract_import(
                paths=[LOCAL / extract], mapping=extract_mapping_read(PACKAGE / "mappings" / mapping)
            )
        indicators_load(path_or_text=PACKAGE / "indicators" / "nwl-headline.toml")
        yield store
        transaction.set_rollback(True)
