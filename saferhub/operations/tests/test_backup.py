"""A backup taken in the middle of an import restores the same records and counts in a new installation."""

import io
import json
import os
import stat
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any
from unittest import mock

import pytest
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from saferhub.crimedata import importing as crime_importing
from saferhub.crimedata import services as crime_services
from saferhub.crimedata.models import Partition
from saferhub.crimedata.store import file_checksum
from saferhub.crimedata.tests.conftest import geography  # noqa: F401 - the fixture
from saferhub.crimedata.tests.crime_files import import_for, street_csv
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


def _installation(tmp_path: Path, name: str) -> Iterator[dict[str, str]]:
    """The environment of an empty installation: a new data directory and a database never migrated."""
    data_dir = tmp_path / name
    data_dir.mkdir()
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "tests.installation_settings",
        "PYTHONPATH": str(settings.BASE_DIR),
        "SAFERHUB_DATA_DIR": str(data_dir),
    }
    if connection.vendor != "postgresql":
        env["DATABASE_URL"] = f"sqlite:///{data_dir / 'saferhub.sqlite3'}"
        yield env
        return
    database = connection.settings_dict
    database_name = f"{database['NAME']}_{name}"
    with connection.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{database_name}"')
        cursor.execute(f'CREATE DATABASE "{database_name}"')
    env["DATABASE_URL"] = (
        f"postgres://{database['USER'] or ''}:{database['PASSWORD'] or ''}@{database['HOST'] or ''}"
        f":{database['PORT'] or ''}/{database_name}"
    )
    yield env
    with connection.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{database_name}"')


@pytest.fixture
def new_installation(transactional_db: Any, tmp_path: Path) -> Iterator[dict[str, str]]:
    yield from _installation(tmp_path, "restored")


@pytest.fixture
def old_installation(transactional_db: Any, tmp_path: Path) -> Iterator[dict[str, str]]:
    """An installation of an older version: one without the documents app's tables."""
    env = next(installation := _installation(tmp_path, "old"))
    _saferhub(env, "migrate")
    _saferhub(env, "migrate", "documents", "zero")
    yield env
    next(installation, None)


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
    commit = crime_importing._commit

    def backed_up_then_committed(*args: Any, **kwargs: Any) -> Any:
        # The second import has written its partition files and not yet committed its manifest rows.
        assert len(list((crime_store / "partitions").rglob("*.parquet"))) > Partition.objects.count()
        _here("backup", str(backup))
        at_backup["counts"] = json.loads(_here(*COUNTS))["counts"]
        at_backup["records"] = json.loads(_here("dumpdata", "--format", "json"))
        return commit(*args, **kwargs)

    january.write_bytes(street_csv("2023-01", good=7, bad=0))
    with mock.patch.object(crime_importing, "_commit", backed_up_then_committed):
        crime_services.crime_import(paths=[january], partnership=world.a, replace=True)
    assert json.loads(_here(*COUNTS))["counts"] != at_backup["counts"]

    # The current partitions and the kept earlier January, and not the file the paused import wrote.
    backed_up = json.loads((backup / MANIFEST).read_text())["files"]
    assert len([name for name in backed_up if name.startswith("crime/partitions/")]) == 3

    restored = _saferhub(new_installation, "restore", str(backup))
    assert "2 current partitions" in restored
    assert "no migrations to apply" in restored
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


def test_a_backup_goes_only_into_an_empty_folder(
    tmp_path: Path, crime_store: Path, transactional_db: Any
) -> None:
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


def _refused(env: dict[str, str], *args: str) -> str:
    """The message of a command that must fail plainly: exit 1, and no traceback."""
    result = subprocess.run([SAFERHUB, *args], env=env, capture_output=True, text=True, check=False)
    assert result.returncode == 1, result.stdout
    assert "Traceback" not in result.stderr, result.stderr
    return result.stderr


def _manifest_rewritten(backup: Path, change: Callable[[dict[str, Any]], None]) -> None:
    manifest = json.loads((backup / MANIFEST).read_text())
    change(manifest)
    (backup / MANIFEST).write_text(json.dumps(manifest))


@pytest.mark.parametrize(
    "name",
    [
        "crime/../evil.txt",
        "crime/../saferhub.sqlite3",
        "staticfiles/evil.txt",
        "crime/./evil.txt",
        "{tmp}/evil",
    ],
)
def test_a_restore_writes_only_under_the_folders_a_backup_writes(
    name: str, tmp_path: Path, crime_store: Path, transactional_db: Any
) -> None:
    backup = tmp_path / "backup"
    _here("backup", str(backup))
    name = name.format(tmp=tmp_path)
    planted = Path(backup, name)  # an absolute name plants the file where it names
    planted.parent.mkdir(parents=True, exist_ok=True)
    planted.write_bytes(b"not ours")
    entry = {"sha256": file_checksum(planted), "size": 8}
    _manifest_rewritten(backup, lambda manifest: manifest["files"].update({name: entry}))
    with pytest.raises(CommandError, match=r"not a file a backup writes .*Nothing was restored"):
        _here("restore", str(backup))
    assert not (crime_store.parent / "crime").exists()
    assert not (crime_store.parent / "evil.txt").exists()


def test_a_restore_refuses_a_symbolic_link_in_the_backup(
    tmp_path: Path, crime_store: Path, transactional_db: Any
) -> None:
    backup = tmp_path / "backup"
    _here("backup", str(backup))
    manifest = json.loads((backup / MANIFEST).read_text())
    (backup / "crime").mkdir()
    (backup / "crime" / "link").symlink_to(backup / manifest["database"]["file"])
    entry = {"sha256": manifest["database"]["sha256"], "size": 1}
    _manifest_rewritten(backup, lambda manifest: manifest["files"].update({"crime/link": entry}))
    with pytest.raises(CommandError, match="crime/link in the backup is a symbolic link"):
        _here("restore", str(backup))
    assert not (crime_store.parent / "crime").exists()


def test_a_backup_from_a_newer_version_is_refused(
    tmp_path: Path, crime_store: Path, transactional_db: Any
) -> None:
    backup = tmp_path / "backup"
    _here("backup", str(backup))
    _manifest_rewritten(
        backup, lambda manifest: manifest["migrations"]["crimedata"].append("9999_from_the_future")
    )
    with pytest.raises(CommandError, match=r"newer version of Saferhub .*\(crimedata.9999_from_the_future\)"):
        _here("restore", str(backup))


def test_a_backup_from_an_older_version_is_migrated_when_restored(
    tmp_path: Path, old_installation: dict[str, str], new_installation: dict[str, str]
) -> None:
    backup = tmp_path / "backup"
    _saferhub(old_installation, "backup", str(backup))
    recorded = json.loads((backup / MANIFEST).read_text()).get("migrations", {})
    assert "0001_document" not in recorded.get("documents", [])
    restored = _saferhub(new_installation, "restore", str(backup))
    assert "applied 1 migrations (documents.0001_document)" in restored
    _saferhub(new_installation, "migrate", "--check")  # nothing left for the person restoring to run


def test_a_backup_is_readable_by_its_owner_alone(
    tmp_path: Path, crime_store: Path, transactional_db: Any
) -> None:
    (tmp_path / "documents" / "reports").mkdir(parents=True)
    (tmp_path / "documents" / "reports" / "report.pdf").write_bytes(b"%PDF")
    (tmp_path / "media").mkdir()
    (tmp_path / "media" / "logo.png").write_bytes(b"png")
    previous = os.umask(0o022)  # the usual umask, under which files are made readable by everyone
    try:
        _here("backup", str(tmp_path / "backup"))
    finally:
        os.umask(previous)
    made = [tmp_path / "backup", *(tmp_path / "backup").rglob("*")]
    modes = {str(path.relative_to(tmp_path)): stat.S_IMODE(path.stat().st_mode) for path in made}
    assert {
        name for name, mode in modes.items() if mode != (0o700 if Path(tmp_path, name).is_dir() else 0o600)
    } == set()
    assert "backup/documents/reports/report.pdf" in modes


def test_a_backup_into_a_file_is_refused_plainly(
    tmp_path: Path, crime_store: Path, transactional_db: Any
) -> None:
    (tmp_path / "somefile").write_text("mine")
    for target in (tmp_path / "somefile", tmp_path / "somefile" / "backup"):
        with pytest.raises(CommandError, match=f"^{tmp_path / 'somefile'} is a file, not a folder"):
            _here("backup", str(target))
    assert (tmp_path / "somefile").read_text() == "mine"


def test_a_failed_backup_leaves_nothing_behind_and_can_be_tried_again(
    tmp_path: Path, crime_store: Path, transactional_db: Any
) -> None:
    (crime_store / "partitions").mkdir(parents=True)
    (crime_store / "partitions" / "damaged.parquet").write_bytes(b"not what the manifest says")
    damaged = StoreFile(path="partitions/damaged.parquet", checksum="0" * 64, required=True)
    named = backup_module._named_files
    before = set(tmp_path.iterdir())
    with (
        mock.patch.object(backup_module, "_named_files", lambda cursor: [*named(cursor), damaged]),
        pytest.raises(CommandError, match=r"partitions/damaged\.parquet is damaged"),
    ):
        _here("backup", str(tmp_path / "backup"))
    assert set(tmp_path.iterdir()) == before
    assert "Backed up" in _here("backup", str(tmp_path / "backup"))


def test_a_restore_into_a_data_directory_that_does_not_exist_says_so(
    tmp_path: Path, crime_store: Path, new_installation: dict[str, str]
) -> None:
    backup = tmp_path / "backup"
    _here("backup", str(backup))
    missing = tmp_path / "missing"
    env = {**new_installation, "SAFERHUB_DATA_DIR": str(missing)}
    if connection.vendor != "postgresql":
        env["DATABASE_URL"] = f"sqlite:///{missing / 'saferhub.sqlite3'}"
    assert f"The data directory {missing} (SAFERHUB_DATA_DIR) does not exist" in _refused(
        env, "restore", str(backup)
    )
    assert not missing.exists()
