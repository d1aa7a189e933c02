"""A backup taken in the middle of an import restores the same records and counts in a new installation."""

import io
import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from unittest import mock

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from saferhub.crimedata import services as crime_services
from saferhub.crimedata.models import Partition
from saferhub.crimedata.tests.conftest import geography  # noqa: F401 - the fixture
from saferhub.crimedata.tests.test_views import import_for, street_csv
from saferhub.operations import backup as backup_module
from saferhub.operations.backup import MANIFEST, StoreFile, installation_backup

SAFERHUB = str(Path(sys.executable).with_name("saferhub"))
COUNTS = ("crime_counts", "--area", "E06000016", "--from", "2023-01", "--to", "2023-02", "--format", "json")


def _saferhub(env: dict[str, str], *args: str) -> str:
    result = subprocess.run([SAFERHUB, *args], env=env, capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stderr
    return result.stdout


def _here(*args: str) -> str:
    out = io.StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


@pytest.fixture
def new_installation(transactional_db: Any, tmp_path: Path) -> Iterator[dict[str, str]]:
    """The environment of an empty installation: a new data directory and a database never migrated."""
    data_dir = tmp_path / "restored"
    data_dir.mkdir()
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings.base", "SAFERHUB_DATA_DIR": str(data_dir)}
    if connection.vendor != "postgresql":
        env["DATABASE_URL"] = f"sqlite:///{data_dir / 'saferhub.sqlite3'}"
        yield env
        return
    database = connection.settings_dict
    name = f"{database['NAME']}_restored"
    with connection.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}"')
        cursor.execute(f'CREATE DATABASE "{name}"')
    env["DATABASE_URL"] = (
        f"postgres://{database['USER'] or ''}:{database['PASSWORD'] or ''}@{database['HOST'] or ''}"
        f":{database['PORT'] or ''}/{name}"
    )
    yield env
    with connection.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}"')


@pytest.mark.usefixtures("geography")
def test_a_backup_taken_mid_import_restores_the_same_records_and_counts(
    world: Any, crime_store: Path, tmp_path: Path, new_installation: dict[str, str]
) -> None:
    world.a.area_codes = ["E06000016"]
    world.a.save()
    import_for(world.a, "2023-01", "2023-02", good=3, bad=0)
    january = tmp_path / "2023-01-leicestershire-street.csv"
    january.write_bytes(street_csv("2023-01", good=5, bad=0))
    crime_services.crime_import(paths=[january], partnership=world.a, replace=True)  # keeps the first
    backup = tmp_path / "backup"
    at_backup: dict[str, Any] = {}
    commit = crime_services._commit

    def backed_up_then_committed(*args: Any, **kwargs: Any) -> Any:
        # The second import has written its partition files and not yet committed its manifest rows.
        assert len(list((crime_store / "partitions").rglob("*.parquet"))) > Partition.objects.count()
        _here("backup", str(backup))
        at_backup["counts"] = json.loads(_here(*COUNTS))["counts"]
        at_backup["records"] = json.loads(_here("dumpdata", "--format", "json"))
        return commit(*args, **kwargs)

    january.write_bytes(street_csv("2023-01", good=7, bad=0))
    with mock.patch.object(crime_services, "_commit", backed_up_then_committed):
        crime_services.crime_import(paths=[january], partnership=world.a, replace=True)
    assert json.loads(_here(*COUNTS))["counts"] != at_backup["counts"]

    # The current partitions and the kept earlier January, and not the file the paused import wrote.
    backed_up = json.loads((backup / MANIFEST).read_text())["files"]
    assert len([name for name in backed_up if name.startswith("crime/partitions/")]) == 3

    restored = _saferhub(new_installation, "restore", str(backup))
    assert "2 current partitions" in restored
    assert json.loads(_saferhub(new_installation, *COUNTS))["counts"] == at_backup["counts"]
    assert json.loads(_saferhub(new_installation, "dumpdata", "--format", "json")) == at_backup["records"]
    check = _saferhub(new_installation, "crime_store_check")
    assert "2 current partitions." in check and "orphan" not in check

    refused = subprocess.run(
        [SAFERHUB, "restore", str(backup)], env=new_installation, capture_output=True, text=True, check=False
    )
    assert refused.returncode == 1
    assert "The database is not empty" in refused.stderr


def test_a_damaged_backup_is_refused_before_anything_is_restored(
    tmp_path: Path, new_installation: dict[str, str], crime_store: Path
) -> None:
    backup = tmp_path / "backup"
    _here("backup", str(backup))
    manifest = json.loads((backup / MANIFEST).read_text())
    (backup / manifest["database"]["file"]).write_bytes(b"not the database")
    refused = subprocess.run(
        [SAFERHUB, "restore", str(backup)], env=new_installation, capture_output=True, text=True, check=False
    )
    assert refused.returncode == 1
    assert "does not match its checksum" in refused.stderr
    assert not (Path(new_installation["SAFERHUB_DATA_DIR"]) / "crime").exists()


def test_a_backup_goes_only_into_an_empty_folder(tmp_path: Path, crime_store: Path, db: Any) -> None:
    (tmp_path / "taken").mkdir()
    (tmp_path / "taken" / "notes.txt").write_text("mine")
    with pytest.raises(CommandError, match="is not empty"):
        _here("backup", str(tmp_path / "taken"))


def test_a_file_removed_after_the_snapshot_makes_the_backup_start_again(
    tmp_path: Path, crime_store: Path, transactional_db: Any
) -> None:
    snapshots: list[int] = []
    named = backup_module._named_files

    def one_file_gone_the_first_time(cursor: Any) -> list[StoreFile]:
        # As when an import commits between the snapshot and the copy, and removes a file it replaced.
        snapshots.append(1)
        gone = [StoreFile(path="partitions/gone.parquet", checksum="0" * 64, required=True)]
        return named(cursor) + (gone if len(snapshots) == 1 else [])

    with mock.patch.object(backup_module, "_named_files", one_file_gone_the_first_time):
        summary = installation_backup(directory=tmp_path / "backup")
    assert summary.attempts == 2
    assert (tmp_path / "backup" / MANIFEST).exists()


def test_a_store_that_keeps_losing_files_stops_the_backup_with_the_reason(
    tmp_path: Path, crime_store: Path, transactional_db: Any
) -> None:
    gone = StoreFile(path="partitions/gone.parquet", checksum="0" * 64, required=True)
    with (
        mock.patch.object(backup_module, "_named_files", lambda cursor: [gone]),
        pytest.raises(CommandError, match=r"kept changing .*\(partitions/gone.parquet\)"),
    ):
        _here("backup", str(tmp_path / "backup"))
    assert not (tmp_path / "backup" / MANIFEST).exists()
