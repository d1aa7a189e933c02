"""Back up an installation (its database and the files its crime store manifest names) and restore it.

The truth is split between the database and the Parquet store. Partition files are content-addressed and
never overwritten, and an import commits its manifest rows only once their files are durable, so the
backup snapshots the database first and then copies exactly the files that snapshot names: the two agree
whatever imports run meanwhile. A file the snapshot names can still disappear before it is copied (an
import that replaced its month removes it after committing); the backup is then taken again.
"""

import json
import os
import shutil
import sqlite3
import subprocess
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.apps import apps
from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from saferhub.crimedata import store
from saferhub.crimedata.models import ImportRun, ImportStatus, Partition, StaleAggregate
from saferhub.crimedata.services import aggregates_refresh, crime_store_check

FORMAT = 1
MANIFEST = "backup.json"
DATABASE_FILES = {"sqlite": "database.sqlite3", "postgresql": "database.pgdump"}
STORE = "crime"  # the store's files, under their paths relative to the store's root
# Folders of the data directory copied as they are found: made PDFs (documents/, kept so a restored
# installation need not make them again) and files saved through Django's storage (media/).
COPIED_AS_FOUND = ("documents", "media")
ATTEMPTS = 3


class BackupError(Exception):
    """Why a backup or a restore could not be made, in words for the person running it."""


@dataclass(frozen=True)
class StoreFile:
    """A store file a database snapshot names: `required` ones make the backup fail if they are missing."""

    path: str
    checksum: str | None
    required: bool


@dataclass
class BackupSummary:
    directory: Path
    engine: str
    files: int = 0
    size: int = 0
    attempts: int = 1
    warnings: list[str] = field(default_factory=list)


def _engine() -> str:
    vendor = connection.vendor
    if vendor not in DATABASE_FILES:
        raise BackupError(f"Backups support SQLite and PostgreSQL, not {vendor}.")
    return vendor


def _named_files(cursor: Any) -> list[StoreFile]:
    """The store files the database (as `cursor` sees it) names, read with plain SQL so that a SQLite
    snapshot file and a PostgreSQL snapshot transaction are read the same way.

    Every partition file any manifest row names (every crimedata model with a path and a checksum: the
    current partitions and the kept earlier versions) and those of imports awaiting confirmation; each
    import's rejection report; and the uploaded files of imports still queued or running (they would be
    imported after a restore).
    """
    files: list[StoreFile] = []
    for model in apps.get_app_config("crimedata").get_models():
        columns = {f.name: f.column for f in model._meta.concrete_fields}
        if "path" in columns and "checksum" in columns:
            cursor.execute(
                f"SELECT {columns['path']}, {columns['checksum']} FROM {model._meta.db_table}"  # noqa: S608 - names from the models
            )
            files.extend(
                StoreFile(path=path, checksum=checksum, required=True) for path, checksum in cursor.fetchall()
            )
    table = ImportRun._meta.db_table
    cursor.execute(f"SELECT public_id, status, report_path, pending FROM {table}")  # noqa: S608 - fixed names
    waiting = (ImportStatus.QUEUED, ImportStatus.RUNNING)
    for public_id, status, report_path, pending in cursor.fetchall():
        if report_path:
            files.append(StoreFile(path=report_path, checksum=None, required=False))
        if status == ImportStatus.AWAITING_CONFIRMATION:
            # Its partitions are written but not current: confirming it after a restore makes them so.
            written = json.loads(pending) if isinstance(pending, str) else pending
            files.extend(
                StoreFile(path=values["path"], checksum=values["checksum"], required=True)
                for values in written
            )
        if status in waiting:
            upload = Path("uploads") / str(uuid.UUID(str(public_id)))
            folder = store.store_root() / upload
            found = sorted(folder.iterdir()) if folder.is_dir() else []
            files.extend(
                StoreFile(path=str(upload / path.name), checksum=None, required=False) for path in found
            )
    return sorted(set(files), key=lambda f: f.path)


@contextmanager
def _database_snapshot(target: Path) -> Iterator[list[StoreFile]]:
    """Write a snapshot of the database to `target` and yield the store files that snapshot names."""
    if _engine() == "sqlite":
        connection.ensure_connection()
        destination = sqlite3.connect(target)
        try:
            # The backup API copies a consistent state even while other connections write.
            connection.connection.backup(destination)
            yield _named_files(destination.cursor())
        finally:
            destination.close()
        return
    # PostgreSQL: one REPEATABLE READ transaction exports its snapshot; pg_dump dumps exactly that
    # snapshot, and the manifest is read inside the same transaction.
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
        cursor.execute("SELECT pg_export_snapshot()")
        (snapshot,) = cursor.fetchone()
        _postgres_run("pg_dump", "--format=custom", f"--snapshot={snapshot}", f"--file={target}")
        yield _named_files(cursor)


def _postgres_run(program: str, *arguments: str) -> None:
    database = settings.DATABASES["default"]
    options = [
        f"--dbname={database['NAME']}",
        *([f"--host={database['HOST']}"] if database.get("HOST") else []),
        *([f"--port={database['PORT']}"] if database.get("PORT") else []),
        *([f"--username={database['USER']}"] if database.get("USER") else []),
    ]
    environment = {**os.environ, **({"PGPASSWORD": database["PASSWORD"]} if database.get("PASSWORD") else {})}
    result = subprocess.run(  # noqa: S603 - a fixed program and our own arguments
        [program, *options, *arguments], env=environment, capture_output=True, text=True, check=False
    )
    if result.returncode:
        raise BackupError(f"{program} failed: {result.stderr.strip() or result.returncode}")


def _copy_checked(source: Path, destination: Path) -> tuple[str, int]:
    """Copy a file, returning its checksum and size as copied."""
    destination.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(source, destination)
    return store.file_checksum(destination), destination.stat().st_size


def _emptied(directory: Path) -> None:
    for child in directory.iterdir():
        if child.is_dir():
            shutil.rmtree(child)
        else:
            child.unlink()


def installation_backup(*, directory: Path) -> BackupSummary:
    """Back up the database and the store files it names into `directory` (new, or empty).

    The manifest (backup.json, with every file's SHA-256) is written last: a directory without one is not
    a backup.
    """
    engine = _engine()
    if directory.exists() and any(directory.iterdir()):
        raise BackupError(f"{directory} is not empty: back up into a new or empty folder.")
    directory.mkdir(parents=True, exist_ok=True)
    summary = BackupSummary(directory=directory, engine=engine)
    database_file = directory / DATABASE_FILES[engine]
    for attempt in range(1, ATTEMPTS + 1):
        summary.attempts, summary.warnings = attempt, []
        listed: dict[str, dict[str, Any]] = {}
        missing: list[str] = []
        with _database_snapshot(database_file) as named:
            for file in named:
                source = store.store_root() / file.path
                if not source.is_file():
                    if file.required:
                        missing.append(file.path)
                    else:
                        summary.warnings.append(f"Not found, so not backed up: {file.path}")
                    continue
                checksum, size = _copy_checked(source, directory / STORE / file.path)
                if file.checksum and checksum != file.checksum:
                    raise BackupError(
                        f"{file.path} is damaged (its checksum differs from the manifest's): "
                        "run `saferhub crime_store_check` and re-import that month."
                    )
                listed[f"{STORE}/{file.path}"] = {"sha256": checksum, "size": size}
        if not missing:
            break
        _emptied(directory)
    else:
        raise BackupError(
            f"The store kept changing while it was backed up ({ATTEMPTS} tries); files the manifest names "
            f"are missing ({', '.join(missing[:5])}): run `saferhub crime_store_check`, then try again."
        )
    for folder in COPIED_AS_FOUND:
        root = Path(settings.SAFERHUB_DATA_DIR) / folder
        for source in sorted(root.rglob("*")) if root.is_dir() else []:
            if source.is_file() and not source.name.startswith("."):
                name = f"{folder}/{source.relative_to(root)}"
                checksum, size = _copy_checked(source, directory / name)
                listed[name] = {"sha256": checksum, "size": size}
    manifest = {
        "format": FORMAT,
        "made_at": timezone.now().isoformat(),
        "engine": engine,
        "database": {"file": database_file.name, "sha256": store.file_checksum(database_file)},
        "files": listed,
    }
    temporary = directory / f".{MANIFEST}.tmp"
    temporary.write_text(json.dumps(manifest, indent=1, sort_keys=True), encoding="utf-8")
    temporary.replace(directory / MANIFEST)
    summary.files = len(listed)
    summary.size = database_file.stat().st_size + sum(f["size"] for f in listed.values())
    return summary


@dataclass
class RestoreSummary:
    made_at: str
    engine: str
    files: int
    partitions: int
    aggregates_rebuilt: int


def _manifest_read(directory: Path) -> dict[str, Any]:
    try:
        manifest = json.loads((directory / MANIFEST).read_text(encoding="utf-8"))
    except FileNotFoundError as error:
        raise BackupError(f"{directory} holds no {MANIFEST}: it is not a finished backup.") from error
    except ValueError as error:
        raise BackupError(f"{directory / MANIFEST} is not valid JSON: the backup is damaged.") from error
    if manifest.get("format") != FORMAT:
        raise BackupError(f"This backup's format ({manifest.get('format')}) is not one this version reads.")
    return manifest


def _backup_verified(directory: Path, manifest: dict[str, Any]) -> None:
    """Every file the manifest lists is there with its checksum; otherwise nothing is restored."""
    expected = {manifest["database"]["file"]: manifest["database"]["sha256"]}
    expected.update({name: entry["sha256"] for name, entry in manifest["files"].items()})
    for name, checksum in expected.items():
        path = (directory / name).resolve()
        if not path.is_relative_to(directory.resolve()):
            raise BackupError(f"The manifest names a file outside the backup ({name}): it is not ours.")
        if not path.is_file():
            raise BackupError(f"The backup is incomplete: {name} is missing.")
        if store.file_checksum(path) != checksum:
            raise BackupError(f"The backup is damaged: {name} does not match its checksum.")


def _installation_problem(engine: str) -> str | None:
    """Why this installation cannot be restored into (it must be empty), or None."""
    if connection.vendor != engine:
        return f"This backup is of a {engine} database, but this installation uses {connection.vendor}."
    tables = connection.introspection.table_names()
    if tables:
        return (
            f"The database is not empty (it has {len(tables)} tables). Restore into a new database "
            "that `saferhub migrate` has not been run on."
        )
    data_dir = Path(settings.SAFERHUB_DATA_DIR)
    taken = [name for name in (STORE, *COPIED_AS_FOUND) if (data_dir / name).exists()]
    if any(any((data_dir / name).iterdir()) for name in taken):
        return f"The data directory {data_dir} already holds files ({', '.join(taken)}): use a new one."
    return None


def installation_restore(*, directory: Path) -> RestoreSummary:
    """Restore a backup into an empty installation: verified first, so a damaged backup changes nothing.

    The aggregates are not in a backup (they are made from the partitions): they are rebuilt here.
    """
    manifest = _manifest_read(directory)
    engine = manifest["engine"]
    if problem := _installation_problem(engine):
        raise BackupError(problem)
    _backup_verified(directory, manifest)
    database_file = directory / manifest["database"]["file"]
    if engine == "sqlite":
        connection.ensure_connection()
        source = sqlite3.connect(database_file)
        try:
            source.backup(connection.connection)
        finally:
            source.close()
    else:
        _postgres_run("pg_restore", "--no-owner", "--no-acl", "--exit-on-error", str(database_file))
    data_dir = Path(settings.SAFERHUB_DATA_DIR)
    for name in manifest["files"]:
        target = data_dir / name
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(directory / name, target)
    StaleAggregate.objects.bulk_create(
        [
            StaleAggregate(source=source_name, year=year)
            for source_name, year in {
                (source_name, month.year)
                for source_name, month in Partition.objects.values_list("source", "month")
            }
        ],
        ignore_conflicts=True,
    )
    rebuilt = aggregates_refresh()
    check = crime_store_check(repair=False)
    if check.missing_files or check.damaged_files:
        raise BackupError("The restored store does not match its manifest: run `saferhub crime_store_check`.")
    return RestoreSummary(
        made_at=manifest["made_at"],
        engine=engine,
        files=len(manifest["files"]),
        partitions=check.partitions,
        aggregates_rebuilt=rebuilt,
    )
