"""The import engine: read files into partitions, switch the manifest to them (or keep them until a
steward confirms what they change), restore a replaced month, and run an uploaded file's queued import.

Below the services and the tasks: the task worker runs an upload's import from here (tasks.py), and the
services (crime_import, extract_import, import_upload_queue) start imports through it. Every run it
finishes, refuses or fails is audited.
"""

import datetime as dt
import logging
import os
import shutil
from collections.abc import Callable, Iterable, Iterator, Mapping
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc
from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from saferhub.accounts.models import User
from saferhub.audit.models import AuditVerb
from saferhub.audit.services import audit_event_record
from saferhub.core.actors import Actor
from saferhub.core.csv import csv_text
from saferhub.crimedata import store
from saferhub.crimedata.counting import aggregates_refresh, lsoa_districts
from saferhub.crimedata.csvfiles import Rejection
from saferhub.crimedata.extracts import (
    EXTRACT_SUFFIXES,
    LsoaBoundaries,
    extract_file_read,
    extract_mapping_parse,
)
from saferhub.crimedata.input_errors import InputFileError
from saferhub.crimedata.models import (
    ColumnMapping,
    ImportRun,
    ImportStatus,
    Partition,
    PartitionVersion,
    StaleAggregate,
)
from saferhub.crimedata.policeuk import LsoaIndex, ParsedFile, policeuk_file_read
from saferhub.crimedata.sources import InputFile, input_files
from saferhub.crimedata.stewards import POLICEUK, is_policeuk, partnerships_touched_by, policeuk_refusal
from saferhub.geography import selectors as geography
from saferhub.partnerships.models import Partnership

REJECTIONS_KEPT = 100
ProgressCallback = Callable[[int], None]
logger = logging.getLogger(__name__)


class ImportRefused(Exception):
    """Nothing was imported. The message says which file and why; `rejections` are the rows rejected."""

    def __init__(self, message: str, *, rejections: list[Rejection] | None = None) -> None:
        super().__init__(message)
        self.rejections = rejections or []


@dataclass
class _Collected:
    rows_read: int = 0
    rejections: list[Rejection] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    written: list[store.WrittenPartition] = field(default_factory=list)
    seen: dict[tuple[str, str, dt.date], str] = field(default_factory=dict)
    # Each written partition's share of the aggregates, by path: the rebuild after the commit uses these.
    counts: dict[str, store.DistrictCounts] = field(default_factory=dict)


def lsoa_index() -> LsoaIndex:
    return LsoaIndex.of(geography.lsoa_vintages())


def partitions_import(
    *,
    run: ImportRun,
    actor: Actor | None,
    files: Callable[[], list[InputFile]],
    parse: Callable[[InputFile, LsoaIndex], Iterable[ParsedFile]],
    on_progress: ProgressCallback | None = None,
    ask_before_replacing: bool = False,
) -> ImportRun:
    """The import every source shares: parse each file, write its partitions, then switch the manifest.

    A file that cannot be read at all, or that leaves no row to store, refuses the whole import and nothing
    changes. Rejected rows are reported and the rest committed. police.uk data is refused unless `actor` is
    a steward of its forces; with `ask_before_replacing`, police.uk months already held that it would change
    wait for confirmation instead of being committed.
    """
    ImportRun.objects.filter(pk=run.pk).update(status=ImportStatus.RUNNING, updated_at=timezone.now())
    collected = _Collected()
    try:
        found = files()
        if not found:
            raise InputFileError("no files to import were found")
        run.files = [file.name for file in found]
        lad_of = lsoa_districts()
        _read_all(
            found,
            parse=parse,
            lsoas=lsoa_index(),
            lad_of=lad_of,
            collected=collected,
            on_progress=on_progress,
        )
        if not collected.written:
            raise InputFileError(_nothing_stored_reason(collected))
        refusal = policeuk_refusal(actor, _policeuk_forces(collected.written))
        if refusal is not None:
            raise InputFileError(refusal)
    except InputFileError as error:
        _discard_uncommitted(collected.written)
        _finish_refused(run, actor, str(error), collected)
        raise ImportRefused(str(error), rejections=collected.rejections) from error
    if ask_before_replacing:
        changes = _held_month_changes([w for w in collected.written if is_policeuk(w.source)])
        if changes:
            return _await_confirmation(run, actor, collected, changes)
    _outcome_record(run, collected)
    _commit(run, actor, collected.written)
    # Before the import returns, so that counts are right the moment it has: from the rows counted as they
    # were read, reading back only the partitions of those years that this import did not bring.
    aggregates_refresh(known_counts=collected.counts, lad_of=lad_of)
    if on_progress is not None:
        on_progress(100)
    return run


def _nothing_stored_reason(collected: _Collected) -> str:
    if collected.rows_read == 0:
        return "the file holds no rows, only its header"
    every = (
        "its one row was"
        if collected.rows_read == 1
        else f"every one of its {collected.rows_read:,} rows was"
    )
    return f"{every} rejected, so there is nothing to store (the rejected rows are listed below)"


def _policeuk_forces(written: Iterable[store.WrittenPartition]) -> set[str]:
    return {w.force for w in written if is_policeuk(w.source)}


@dataclass
class _FileRead:
    """One file read, checked and written out as partitions (not yet current)."""

    name: str
    rows_read: int = 0
    rejections: list[Rejection] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    written: list[store.WrittenPartition] = field(default_factory=list)
    counts: dict[str, store.DistrictCounts] = field(default_factory=dict)
    # Each partition's file made durable and given its name, on the syncing threads.
    syncing: list[Future[store.WrittenPartition]] = field(default_factory=list)


# Threads that wait on the disk (fsync) while the reading threads go on: they use next to no CPU.
_SYNC_THREADS = 4


def _read_all(
    files: list[InputFile],
    *,
    parse: Callable[[InputFile, LsoaIndex], Iterable[ParsedFile]],
    lsoas: LsoaIndex,
    lad_of: Mapping[str, str],
    collected: _Collected,
    on_progress: ProgressCallback | None,
) -> None:
    """Read the files on every core (Arrow, zlib and Parquet let go of the GIL), in order of the list.

    Every partition file is durable under its own name when this returns. When a file fails, the partitions
    the other files wrote are still gathered, so they can be discarded.
    """
    failure: InputFileError | None = None
    syncing: list[Future[store.WrittenPartition]] = []
    with (
        ThreadPoolExecutor(max_workers=_SYNC_THREADS) as sync_pool,
        ThreadPoolExecutor(max_workers=settings.SAFERHUB_IMPORT_THREADS) as pool,
    ):
        futures = [pool.submit(_file_read, file, parse, lsoas, lad_of, sync_pool) for file in files]
        for position, future in enumerate(futures, start=1):
            try:
                read = future.result()
            except InputFileError as error:
                failure = failure or error
                continue
            syncing.extend(read.syncing)
            collected.written.extend(read.written)
            if failure is None:
                try:
                    _collect(read, collected)
                except InputFileError as error:
                    failure = error
            if on_progress is not None and failure is None:
                on_progress(int(95 * position / len(files)))
        for synced in syncing:
            synced.result()  # a disk error stops the import here, before anything is committed
    if failure is not None:
        raise failure


def _file_read(
    file: InputFile,
    parse: Callable[[InputFile, LsoaIndex], Iterable[ParsedFile]],
    lsoas: LsoaIndex,
    lad_of: Mapping[str, str],
    sync_pool: ThreadPoolExecutor,
) -> _FileRead:
    """Read one file and write its partitions under temporary names; `sync_pool` makes them durable."""
    read = _FileRead(name=file.name)
    for parsed in parse(file, lsoas):
        read.rows_read += parsed.rows_read
        read.rejections.extend(parsed.rejections)
        read.notes.extend(parsed.notes)
        for force, month, part in _by_force_and_month(parsed.table):
            encoded = store.partition_encode(part, source=parsed.source, force=force, month=month)
            pending = store.partition_file_start(encoded)
            read.syncing.append(sync_pool.submit(store.partition_file_finish, pending))
            read.written.append(encoded.partition)
            read.counts[encoded.partition.path] = store.partition_counts_by_district(
                part, source=parsed.source, force=force, month=month, lad_of=lad_of
            )
    return read


def _by_force_and_month(table: pa.Table) -> Iterator[tuple[str, dt.date, pa.Table]]:
    forces = pc.unique(table["force"]).to_pylist()
    months = sorted(pc.unique(table["month"]).to_pylist())
    if len(forces) == 1 and len(months) == 1:
        # A police.uk file is one force's month: nothing to split.
        yield forces[0], months[0], table
        return
    for force in forces:
        of_force = table.filter(pc.equal(table["force"].cast(pa.string()), force))
        for month in sorted(pc.unique(of_force["month"]).to_pylist()):
            yield force, month, of_force.filter(pc.equal(of_force["month"], pa.scalar(month, pa.date32())))


def _collect(read: _FileRead, collected: _Collected) -> None:
    """Add a file's rows to the import; refuse a force's month that an earlier file already gave."""
    collected.rows_read += read.rows_read
    collected.rejections.extend(read.rejections)
    collected.notes.extend(read.notes)
    collected.counts.update(read.counts)
    for written in read.written:
        key = (written.source, written.force, written.month)
        if key in collected.seen:
            raise InputFileError(
                f"{read.name}: {written.month:%Y-%m} for {written.force} is also in {collected.seen[key]}; "
                "a month may appear only once in an import"
            )
        collected.seen[key] = read.name


def _discard_uncommitted(written: list[store.WrittenPartition]) -> None:
    """Remove files written but not made current, unless the same file (by its checksum) is also current
    or a kept version."""
    paths = [w.path for w in written]
    kept = set(Partition.objects.filter(path__in=paths).values_list("path", flat=True))
    kept |= set(PartitionVersion.objects.filter(path__in=paths).values_list("path", flat=True))
    for partition in written:
        if partition.path not in kept:
            store.partition_file_remove(partition.path)


def _outcome_record(run: ImportRun, collected: _Collected) -> None:
    """Set what the import read, rejected and wrote on its run (the caller saves it)."""
    run.rows_read = collected.rows_read
    run.rows_stored = sum(w.rows for w in collected.written)
    run.rows_rejected = len(collected.rejections)
    run.rejections = [r.as_dict() for r in collected.rejections[:REJECTIONS_KEPT]]
    run.report_path = _rejection_report_write(run, collected.rejections)
    run.months = sorted({f"{w.month:%Y-%m}" for w in collected.written})
    run.forces = sorted({w.force for w in collected.written})
    run.notes = collected.notes
    run.finished_at = timezone.now()


def _finish_refused(run: ImportRun, actor: Actor | None, reason: str, collected: _Collected) -> None:
    """Nothing is stored; the run keeps what was read and every rejected row, for its page to list."""
    with transaction.atomic():
        _outcome_record(run, collected)
        run.rows_stored = 0
        run.months, run.forces = [], []
        run.status = ImportStatus.REFUSED
        run.error = reason
        run.save()
        audit_event_record(actor=actor, verb=AuditVerb.REFUSED, target=run, context={"reason": reason[:500]})


_PARTITION_FIELDS = (
    "path",
    "checksum",
    "rows",
    "no_location_rows",
    "lsoa_2011_rows",
    "lsoa_2021_rows",
)


def _current_partitions(
    keys: Iterable[tuple[str, str, dt.date]],
) -> dict[tuple[str, str, dt.date], Partition]:
    wanted = set(keys)
    query = Q()
    for source, force, month in wanted:
        query |= Q(source=source, force=force, month=month)
    if not wanted:
        return {}
    return {
        (p.source, p.force, p.month): p for p in Partition.objects.filter(query).select_related("import_run")
    }


def _category_counts(path: str) -> dict[str, int]:
    rows = (
        store.duckdb_cursor()
        .execute(
            "SELECT category, count(*) FROM read_parquet(?) GROUP BY category",
            [str(store.store_root() / path)],
        )
        .fetchall()
    )
    return {category or "": count for category, count in rows}


def _held_month_changes(written: list[store.WrittenPartition]) -> list[dict[str, Any]]:
    """For each month held that these partitions would replace with other rows: rows per category before
    and after, and the file each side is (so that a confirmation applies exactly what was shown)."""
    current = _current_partitions((w.source, w.force, w.month) for w in written)
    changes = []
    for w in sorted(written, key=lambda w: (w.source, w.force, w.month)):
        held = current.get((w.source, w.force, w.month))
        if held is None or held.path == w.path:
            continue
        before, after = _category_counts(held.path), _category_counts(w.path)
        changes.append(
            {
                "source": w.source,
                "force": w.force,
                "month": f"{w.month:%Y-%m}",
                "before_path": held.path,
                "after_path": w.path,
                "rows_before": held.rows,
                "rows_after": w.rows,
                "categories": [
                    {"category": category, "before": before.get(category, 0), "after": after.get(category, 0)}
                    for category in sorted(set(before) | set(after))
                ],
            }
        )
    return changes


def _await_confirmation(
    run: ImportRun, actor: Actor | None, collected: _Collected, changes: list[dict[str, Any]]
) -> ImportRun:
    """Keep the partitions written, not current, until a steward confirms what they change (or discards)."""
    with transaction.atomic():
        _outcome_record(run, collected)
        run.status = ImportStatus.AWAITING_CONFIRMATION
        run.pending = [_partition_dict(w) for w in collected.written]
        run.changes = changes
        run.progress = 100
        run.save()
        audit_event_record(
            actor=actor,
            verb=AuditVerb.UPDATED,
            target=run,
            context={"status": "awaiting", "months_changed": [f"{c['force']} {c['month']}" for c in changes]},
        )
    return run


def _partition_dict(written: store.WrittenPartition) -> dict[str, Any]:
    return {
        **{name: getattr(written, name) for name in _PARTITION_FIELDS},
        "source": written.source,
        "force": written.force,
        "month": f"{written.month:%Y-%m}",
    }


def _partition_of_dict(values: dict[str, Any]) -> store.WrittenPartition:
    return store.WrittenPartition(
        **{**values, "month": dt.date(int(values["month"][:4]), int(values["month"][5:7]), 1)}
    )


def _commit(run: ImportRun, actor: Actor | None, written: list[store.WrittenPartition]) -> None:
    """Point the manifest at the new partitions in one transaction, with the run (its outcome already set on
    it) committed. The partitions they replace are kept as versions (their files too), to be restored."""
    replaced: list[str] = []
    with transaction.atomic():
        previous = _current_partitions((w.source, w.force, w.month) for w in written)
        versions = []
        for partition in written:
            held = previous.get((partition.source, partition.force, partition.month))
            if held is None:
                continue
            replaced.append(f"{partition.source} {partition.force} {partition.month:%Y-%m}")
            if held.path != partition.path:
                versions.append(_version_of(held, replaced_by=run))
        PartitionVersion.objects.bulk_create(versions)
        Partition.objects.bulk_create(
            [
                Partition(
                    source=w.source,
                    force=w.force,
                    month=w.month,
                    **{name: getattr(w, name) for name in _PARTITION_FIELDS},
                    import_run=run,
                )
                for w in written
            ],
            update_conflicts=True,
            unique_fields=["source", "force", "month"],
            update_fields=[*_PARTITION_FIELDS, "import_run", "imported_at"],
        )
        _stale_mark(written)
        run.status = ImportStatus.COMMITTED
        run.replaced = replaced
        run.pending = []
        run.progress = 100
        run.save()
        _audit_where_touched(
            run,
            actor=actor,
            verb=AuditVerb.CREATED,
            context={
                "rows_stored": run.rows_stored,
                "rows_rejected": run.rows_rejected,
                "replaced": len(replaced),
            },
        )


def _version_of(partition: Partition, *, replaced_by: ImportRun) -> PartitionVersion:
    return PartitionVersion(
        source=partition.source,
        force=partition.force,
        month=partition.month,
        **{name: getattr(partition, name) for name in _PARTITION_FIELDS},
        import_run=partition.import_run,
        replaced_by=replaced_by,
    )


def _stale_mark(partitions: Iterable[store.WrittenPartition | PartitionVersion]) -> None:
    StaleAggregate.objects.bulk_create(
        [StaleAggregate(source=s, year=y) for s, y in {(p.source, p.month.year) for p in partitions}],
        ignore_conflicts=True,
    )


def _audit_where_touched(
    run: ImportRun, *, actor: Actor | None, verb: AuditVerb, context: dict[str, Any]
) -> None:
    """One audit event in the run's own partnership, and one in each other partnership whose area its
    police.uk data covers, which also sees the run in its import history."""
    touched = partnerships_touched_by(set(run.forces)) if run.kind == POLICEUK else []
    run.touched.set(touched)
    audit_event_record(actor=actor, verb=verb, target=run, context=context)
    for partnership in touched:
        if partnership.pk != run.partnership_id:
            audit_event_record(actor=actor, verb=verb, target=run, partnership=partnership, context=context)


def _rejection_report_write(run: ImportRun, rejections: list[Rejection]) -> str:
    if not rejections:
        return ""
    relative = Path("reports") / f"{run.public_id}.csv"
    path = store.store_root() / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(
        csv_text(
            ["file", "line", "column", "reason"], ([r.file, r.line, r.column, r.reason] for r in rejections)
        ),
        encoding="utf-8",
    )
    return str(relative)


def upload_folder(run: ImportRun) -> Path:
    """Where a run's uploaded file waits for its import: removed once the import has finished."""
    return store.store_root() / "uploads" / str(run.public_id)


def import_upload_run(*, run: ImportRun, mapping: ColumnMapping | None) -> ImportRun:
    """Import a queued run's uploaded file, keeping its progress up to date; the file is removed after.

    Raises ImportRefused (the run is then refused, and audited) when nothing could be imported. Any other
    error marks the run failed, with the error, and is logged rather than raised: the run's page says so.
    A police.uk upload that would change months already held waits for its uploader's confirmation.
    Messages name the file as uploaded, never where the server keeps it.
    """
    folder = upload_folder(run)

    def progress(percent: int) -> None:
        ImportRun.objects.filter(pk=run.pk).update(progress=percent, updated_at=timezone.now())

    try:
        if mapping is None:
            return partitions_import(
                run=run,
                actor=run.started_by,
                files=lambda: _uploaded_files(folder, (".csv",)),
                parse=lambda file, lsoas: [policeuk_file_read(file.open, name=file.name, lsoas=lsoas)],
                on_progress=progress,
                ask_before_replacing=True,
            )
        parsed = extract_mapping_parse(mapping.text, name=mapping.slug)
        boundaries = LsoaBoundaries.load() if parsed.locates_by_coordinates else None
        return partitions_import(
            run=run,
            actor=run.started_by,
            files=lambda: _uploaded_files(folder, EXTRACT_SUFFIXES),
            parse=lambda file, lsoas: [
                extract_file_read(file, mapping=parsed, lsoas=lsoas, boundaries=boundaries)
            ],
            on_progress=progress,
        )
    except ImportRefused:
        raise
    except Exception as error:
        logger.exception("The import %s failed", run.public_id)
        return import_run_fail(run=run, error=_without_folder(f"{type(error).__name__}: {error}", folder))
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def _without_folder(text: str, folder: Path) -> str:
    """A message with the server's folder of an upload taken out of every path it names."""
    return text.replace(f"{folder}{os.sep}", "").replace(str(folder), "")


def _uploaded_files(folder: Path, suffixes: tuple[str, ...]) -> list[InputFile]:
    """The uploaded files, named as the person named them (not by where the store keeps them)."""
    found: list[InputFile] = []
    for path in sorted(p for p in folder.iterdir() if p.is_file()):
        try:
            files = list(input_files([path], suffixes=suffixes))
        except InputFileError as error:
            raise InputFileError(_without_folder(str(error), folder)) from error
        found.extend(replace(file, name=path.name) if file.name == str(path) else file for file in files)
    return found


def import_run_confirm(*, run: ImportRun, actor: Actor | None) -> ImportRun:
    """Make current exactly the partitions a run awaiting confirmation wrote, as its changes showed them.

    Raises ImportRefused, and changes nothing, when the run no longer waits, when `actor` may not load its
    forces' police.uk data, or when a month changed since (another import): the changes shown would be wrong.
    """
    if run.status != ImportStatus.AWAITING_CONFIRMATION:
        raise ImportRefused(
            "this import is not waiting for confirmation: it was confirmed or discarded before"
        )
    refusal = policeuk_refusal(actor, set(run.forces))
    if refusal is not None:
        raise ImportRefused(refusal)
    written = [_partition_of_dict(values) for values in run.pending]
    current = _current_partitions((w.source, w.force, w.month) for w in written)
    for change in run.changes:
        month = dt.date(int(change["month"][:4]), int(change["month"][5:7]), 1)
        held = current.get((change["source"], change["force"], month))
        if held is None or held.path != change["before_path"]:
            import_run_discard(run=run, actor=actor, reason="The months it would change have changed since.")
            raise ImportRefused(
                f"{change['force']} {change['month']} has changed since this import was read, so what it "
                "would change is no longer what was shown; import the file again"
            )
    _commit(run, actor, written)
    aggregates_refresh()
    return run


def import_run_discard(
    *, run: ImportRun, actor: Actor | None, reason: str = "Not confirmed, so nothing changed."
) -> ImportRun:
    """Drop what a run awaiting confirmation wrote: nothing changes, and the run is refused with `reason`."""
    if run.status != ImportStatus.AWAITING_CONFIRMATION:
        raise ImportRefused(
            "this import is not waiting for confirmation: it was confirmed or discarded before"
        )
    _discard_uncommitted([_partition_of_dict(values) for values in run.pending])
    with transaction.atomic():
        run.status = ImportStatus.REFUSED
        run.error = reason
        run.pending = []
        run.save()
        audit_event_record(actor=actor, verb=AuditVerb.REFUSED, target=run, context={"reason": reason})
    return run


def partition_version_restore(
    *, version: PartitionVersion, actor: User | None, partnership: Partnership
) -> ImportRun:
    """Make a replaced version of a month current again, recorded (and audited) as a run of its own in the
    histories of the partnerships it touches; the version it replaces is kept in turn.

    Raises ImportRefused when `actor` may not load that force's police.uk data.
    """
    if is_policeuk(version.source):
        refusal = policeuk_refusal(actor, {version.force})
        if refusal is not None:
            raise ImportRefused(refusal)
    label = f"{version.source} {version.force} {version.month:%Y-%m}"
    with transaction.atomic():
        run = ImportRun.objects.create(
            partnership=partnership,
            started_by=actor,
            kind=POLICEUK if is_policeuk(version.source) else version.source,
            status=ImportStatus.COMMITTED,
            rows_stored=version.rows,
            months=[f"{version.month:%Y-%m}"],
            forces=[version.force],
            replaced=[label],
            notes=[f"Restored {label} as imported on {version.import_run.created_at:%d %B %Y at %H:%M}."],
            progress=100,
            finished_at=timezone.now(),
        )
        current = (
            Partition.objects.select_for_update()
            .filter(source=version.source, force=version.force, month=version.month)
            .first()
        )
        if current is not None:
            _version_of(current, replaced_by=run).save()
        Partition.objects.update_or_create(
            source=version.source,
            force=version.force,
            month=version.month,
            defaults={
                **{name: getattr(version, name) for name in _PARTITION_FIELDS},
                "import_run": version.import_run,
            },
        )
        version.delete()
        _stale_mark([version])
        _audit_where_touched(run, actor=actor, verb=AuditVerb.CREATED, context={"restored": label})
    aggregates_refresh()
    return run


def import_run_fail(*, run: ImportRun, error: str) -> ImportRun:
    """Mark a run that could not finish as failed, with the error its page shows; its upload is removed."""
    shutil.rmtree(upload_folder(run), ignore_errors=True)
    with transaction.atomic():
        run.status = ImportStatus.FAILED
        run.error = error[:2000]
        run.finished_at = timezone.now()
        run.save()
        audit_event_record(
            actor=None, verb=AuditVerb.UPDATED, target=run, context={"fields": ["status"], "status": "failed"}
        )
    return run
