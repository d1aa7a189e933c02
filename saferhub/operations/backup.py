"""Back up an installation (its database and the files its crime store manifest names) and restore it.

The truth is split between the database and the Parquet store. Partition files are content-addressed and
never overwritten, and an import commits its manifest rows only once their files are durable, so the
backup snapshots the database first and then copies exactly the files that snapshot names: the two agree
whatever imports run meanwhile. A file the snapshot names can still disappear before it is copied (an
import that replaced its month removes it after committing); the backup is then taken again.

A backup holds password hashes, TOTP secrets, token digests and personal data, so it is written readable
by its owner alone, into a temporary folder beside the target that is renamed into place only once it is
complete. A restore trusts nothing in the backup's manifest: it writes only under the data directory's
known folders, and migrates a database made by an older version before using it.
"""

import json
import os
import shutil
import sqlite3
import subprocess
import tempfile
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

from django.apps import apps
from django.conf import settings
from django.core.management import call_command
from django.db import DatabaseError, connection, transaction
from django.db.migrations.executor import MigrationExecutor
from django.db.migrations.loader import MigrationLoader
from django.db.migrations.recorder import MigrationRecorder
from django.utils import timezone

from saferhub.crimedata import store
from saferhub.crimedata.counting import aggregates_refresh
from saferhub.crimedata.models import ImportRun, ImportStatus, Partition, StaleAggregate
from saferhub.crimedata.services import crime_store_check

FORMAT = 2  # 2: the manifest records the database's applied migrations
MANIFEST = "backup.json"
DATABASE_FILES = {"sqlite": "database.sqlite3", "postgresql": "database.pgdump"}
STORE = "crime"  # the store's files, under their paths relative to the store's root
# Folders of the data directory copied as they are found: made PDFs (documents/, kept so a restored
# installation need not make them again) and files saved through Django's storage (media/).
COPIED_AS_FOUND = ("documents", "media")
# The only folders of the data directory a backup writes, and so the only ones a restore writes into.
TOP_FOLDERS = (STORE, *COPIED_AS_FOUND)
ATTEMPTS = 3
PRIVATE = 0o077  # the umask that leaves what a backup writes to its owner alone (folders 0700, files 0600)


class BackupError(Exception):
    """Why a backup or a restore could not be made, in words for the person running it."""


@dataclass(frozen=True)
class StoreFile:
    """A store file a database snapshot names: `required` ones make the backup fail if they are missing."""

    path: str
    checksum: str | None
    required: bool


@dataclass(frozen=True)
class Snapshot:
    """What a database snapshot names: the store files, and the migrations applied to it (per app)."""

    files: list[StoreFile]
    migrations: dict[str, list[str]]


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


def _applied_migrations(cursor: Any) -> dict[str, list[str]]:
    """The migrations applied to the database `cursor` sees, per app: the version of its schema."""
    cursor.execute(f"SELECT app, name FROM {MigrationRecorder.Migration._meta.db_table} ORDER BY app, name")  # noqa: S608 - Django's table
    applied: dict[str, list[str]] = {}
    for app, name in cursor.fetchall():
        applied.setdefault(app, []).append(name)
    return applied


def _snapshot_read(cursor: Any) -> Snapshot:
    return Snapshot(files=_named_files(cursor), migrations=_applied_migrations(cursor))


@contextmanager
def _database_snapshot(target: Path) -> Iterator[Snapshot]:
    """Write a snapshot of the database to `target` and yield what that snapshot names."""
    if _engine() == "sqlite":
        connection.ensure_connection()
        destination = sqlite3.connect(target)
        try:
            # The backup API copies a consistent state even while other connections write.
            connection.connection.backup(destination)
            yield _snapshot_read(destination.cursor())
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
        yield _snapshot_read(cursor)


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


@contextmanager
def _private_files() -> Iterator[None]:
    """Folders and files made meanwhile, by this process and the programs it runs (pg_dump), are readable
    by their owner alone. The umask is the process's: the commands run one at a time."""
    previous = os.umask(PRIVATE)
    try:
        yield
    finally:
        os.umask(previous)


def _os_problem(error: OSError) -> str:
    return (
        f"The backup could not be written: {error.strerror or error} ({error.filename or 'no file named'})."
    )


def installation_backup(*, directory: Path) -> BackupSummary:
    """Back up the database and the store files it names into `directory` (new, or empty).

    Written into a temporary folder beside it, renamed into place once complete: a failed backup leaves
    nothing behind. The manifest (backup.json, with every file's SHA-256) is written last: a folder
    without one is not a backup.
    """
    engine = _engine()
    directory = directory.resolve()
    if file := next(
        (path for path in (directory, *directory.parents) if path.exists() and not path.is_dir()), None
    ):
        raise BackupError(f"{file} is a file, not a folder: back up into a new or empty folder.")
    if directory.is_dir() and any(directory.iterdir()):
        raise BackupError(f"{directory} is not empty: back up into a new or empty folder.")
    try:
        directory.parent.mkdir(parents=True, exist_ok=True)
        with _private_files():
            partial = Path(
                tempfile.mkdtemp(prefix=f".{directory.name}.", suffix=".partial", dir=directory.parent)
            )
            try:
                summary = _backup_written(folder=partial, engine=engine)
                # rename(2) replaces an empty folder; one that filled up meanwhile makes it fail.
                partial.replace(directory)
            except BaseException:
                shutil.rmtree(partial, ignore_errors=True)
                raise
    except OSError as error:
        raise BackupError(_os_problem(error)) from error
    summary.directory = directory
    return summary


def _backup_written(*, folder: Path, engine: str) -> BackupSummary:
    summary = BackupSummary(directory=folder, engine=engine)
    database_file = folder / DATABASE_FILES[engine]
    for attempt in range(1, ATTEMPTS + 1):
        summary.attempts, summary.warnings = attempt, []
        listed: dict[str, dict[str, Any]] = {}
        missing: list[str] = []
        with _database_snapshot(database_file) as snapshot:
            for file in snapshot.files:
                source = store.store_root() / file.path
                if not source.is_file():
                    if file.required:
                        missing.append(file.path)
                    else:
                        summary.warnings.append(f"Not found, so not backed up: {file.path}")
                    continue
                checksum, size = _copy_checked(source, folder / STORE / file.path)
                if file.checksum and checksum != file.checksum:
                    raise BackupError(
                        f"{file.path} is damaged (its checksum differs from the manifest's): "
                        "run `saferhub crime_store_check` and re-import that month. Nothing was backed up."
                    )
                listed[f"{STORE}/{file.path}"] = {"sha256": checksum, "size": size}
        if not missing:
            break
        _emptied(folder)
    else:
        raise BackupError(
            f"The store kept changing while it was backed up ({ATTEMPTS} tries); files the manifest names "
            f"are missing ({', '.join(missing[:5])}): run `saferhub crime_store_check`, then try again."
        )
    for top in COPIED_AS_FOUND:
        root = Path(settings.SAFERHUB_DATA_DIR) / top
        for source in sorted(root.rglob("*")) if root.is_dir() else []:
            if source.is_file() and not source.name.startswith("."):
                name = f"{top}/{source.relative_to(root)}"
                checksum, size = _copy_checked(source, folder / name)
                listed[name] = {"sha256": checksum, "size": size}
    manifest = {
        "format": FORMAT,
        "made_at": timezone.now().isoformat(),
        "engine": engine,
        "migrations": snapshot.migrations,
        "database": {"file": database_file.name, "sha256": store.file_checksum(database_file)},
        "files": listed,
    }
    (folder / MANIFEST).write_text(json.dumps(manifest, indent=1, sort_keys=True), encoding="utf-8")
    summary.files = len(listed)
    summary.size = database_file.stat().st_size + sum(f["size"] for f in listed.values())
    return summary


@dataclass
class RestoreSummary:
    made_at: str
    engine: str
    files: int
    migrations_applied: list[str]
    partitions: int
    aggregates_rebuilt: int


def _manifest_read(directory: Path) -> dict[str, Any]:
    """The backup's manifest, its shape checked: a damaged one is refused here, not halfway through."""
    try:
        manifest = json.loads((directory / MANIFEST).read_text(encoding="utf-8"))
    except FileNotFoundError as error:
        raise BackupError(f"{directory} holds no {MANIFEST}: it is not a finished backup.") from error
    except (OSError, ValueError) as error:
        raise BackupError(f"{directory / MANIFEST} cannot be read: the backup is damaged.") from error
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        found = manifest.get("format") if isinstance(manifest, dict) else None
        raise BackupError(f"This backup's format ({found}) is not one this version reads.")
    try:
        well_formed = (
            manifest["database"]["file"] == DATABASE_FILES.get(manifest["engine"])
            and isinstance(manifest["database"]["sha256"], str)
            and isinstance(manifest["made_at"], str)
            and all(isinstance(entry["sha256"], str) for entry in manifest["files"].values())
            and all(isinstance(name, str) for names in manifest["migrations"].values() for name in names)
        )
    except (KeyError, TypeError, AttributeError):
        well_formed = False
    if not well_formed:
        raise BackupError(
            f"{directory / MANIFEST} is not a manifest this version reads: the backup is damaged."
        )
    return manifest


def _schema_known(migrations: dict[str, list[str]]) -> None:
    """Refuse a database whose schema is newer than this code's: migrate could not bring it to ours."""
    known = set(MigrationLoader(None, ignore_no_migrations=True).disk_migrations)
    newer = sorted(
        f"{app}.{name}" for app, names in migrations.items() for name in names if (app, name) not in known
    )
    if newer:
        raise BackupError(
            "This backup was made by a newer version of Saferhub than this one: its database has "
            f"{len(newer)} migrations this version does not know ({', '.join(newer[:5])}). Restore it with "
            "the version that made it, or a later one. Nothing was restored."
        )


def _restore_plan(directory: Path, manifest: dict[str, Any]) -> list[tuple[Path, Path]]:
    """Each file the backup holds and where it is restored to, every one checked before anything is written.

    A name must be a plain path under one of the folders a backup writes, with no symbolic link in the
    backup along it, and must land under that same folder of the data directory; the file must match
    its checksum.
    """
    data_dir = Path(settings.SAFERHUB_DATA_DIR)
    expected = {manifest["database"]["file"]: manifest["database"]["sha256"]}
    expected.update({name: entry["sha256"] for name, entry in manifest["files"].items()})
    plan: list[tuple[Path, Path]] = []
    for name, checksum in expected.items():
        path = PurePosixPath(name)
        is_database = name == manifest["database"]["file"]
        if not is_database and (
            path.is_absolute()
            or str(path) != name
            or ".." in path.parts
            or "\\" in name
            or len(path.parts) < 2
            or path.parts[0] not in TOP_FOLDERS
        ):
            raise BackupError(
                f"The manifest names {name!r}, not a file a backup writes (only under "
                f"{', '.join(f'{top}/' for top in TOP_FOLDERS)}): it is not ours. Nothing was restored."
            )
        source = directory.joinpath(*path.parts)
        along = [directory.joinpath(*path.parts[: depth + 1]) for depth in range(len(path.parts))]
        if any(step.is_symlink() for step in along):
            raise BackupError(
                f"{name} in the backup is a symbolic link: it is not ours. Nothing was restored."
            )
        if not source.is_file():
            raise BackupError(f"The backup is incomplete: {name} is missing.")
        if store.file_checksum(source) != checksum:
            raise BackupError(f"The backup is damaged: {name} does not match its checksum.")
        if is_database:
            continue
        target = data_dir.joinpath(*path.parts)
        if not target.resolve().is_relative_to((data_dir / path.parts[0]).resolve()):
            raise BackupError(
                f"{name} would be restored outside {data_dir / path.parts[0]}. Nothing was restored."
            )
        plan.append((source, target))
    return plan


def _installation_problem(engine: str) -> str | None:
    """Why this installation cannot be restored into (it must be empty), or None."""
    data_dir = Path(settings.SAFERHUB_DATA_DIR)
    if not data_dir.is_dir():
        return (
            f"The data directory {data_dir} (SAFERHUB_DATA_DIR) does not exist: create it "
            f"(mkdir -m 700 {data_dir}) and run the restore again."
        )
    if connection.vendor != engine:
        return f"This backup is of a {engine} database, but this installation uses {connection.vendor}."
    try:
        tables = connection.introspection.table_names()
    except DatabaseError as error:
        return f"The database cannot be opened ({str(error).strip()}): create it, empty, and restore again."
    if tables:
        return (
            f"The database is not empty (it has {len(tables)} tables). Restore into a new database "
            "that `saferhub migrate` has not been run on."
        )
    taken = [top for top in TOP_FOLDERS if (data_dir / top).exists()]
    if any(not (data_dir / top).is_dir() or any((data_dir / top).iterdir()) for top in taken):
        return f"The data directory {data_dir} already holds files ({', '.join(taken)}): use a new one."
    return None


def _schema_migrated() -> list[str]:
    """Bring the restored database to this version's schema, returning the migrations applied."""
    executor = MigrationExecutor(connection)
    plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
    call_command("migrate", interactive=False, verbosity=0)
    return [f"{migration.app_label}.{migration.name}" for migration, _backwards in plan]


def installation_restore(*, directory: Path) -> RestoreSummary:
    """Restore a backup into an empty installation: verified first, so a damaged backup changes nothing.

    The database is migrated to this version's schema before anything reads it. The aggregates are not
    in a backup (they are made from the partitions): they are rebuilt here.
    """
    manifest = _manifest_read(directory)
    engine = manifest["engine"]
    _schema_known(manifest["migrations"])
    plan = _restore_plan(directory, manifest)
    if problem := _installation_problem(engine):
        raise BackupError(problem)
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
    migrations_applied = _schema_migrated()
    for source_file, target in plan:
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source_file, target)
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
        migrations_applied=migrations_applied,
        partitions=check.partitions,
        aggregates_rebuilt=rebuilt,
    )
