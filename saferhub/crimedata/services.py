"""Writes to the crime store: imports and the aggregates they make stale. Each import is audited."""

import datetime as dt
import json
import logging
import os
import shutil
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from functools import partial
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc
from django.conf import settings
from django.core.exceptions import SuspiciousFileOperation
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Q
from django.db.models.deletion import Collector, ProtectedError, RestrictedError
from django.utils import timezone
from django.utils.text import get_valid_filename

from saferhub.audit.models import AuditVerb
from saferhub.audit.services import audit_event_record, audited_update
from saferhub.core.csv import csv_text
from saferhub.crimedata import store
from saferhub.crimedata.csvfiles import Rejection
from saferhub.crimedata.extracts import (
    EXTRACT_SUFFIXES,
    ExtractMapping,
    LsoaBoundaries,
    extract_file_read,
    extract_mapping_parse,
    mapping_source_check,
)
from saferhub.crimedata.indicator_definitions import (
    IndicatorDefinition,
    IndicatorFileError,
    IndicatorSetDefinition,
    indicator_file_parse,
)
from saferhub.crimedata.models import (
    ColumnMapping,
    ImportRun,
    ImportStatus,
    Indicator,
    IndicatorSet,
    IndicatorSetMember,
    Partition,
    PartitionVersion,
    StaleAggregate,
)
from saferhub.crimedata.policeuk import LsoaIndex, ParsedFile, policeuk_file_read
from saferhub.crimedata.sources import InputFile, InputFileError, input_files
from saferhub.crimedata.stewards import POLICEUK, is_policeuk, partnerships_touched_by, policeuk_refusal
from saferhub.geography import selectors as geography
from saferhub.partnerships.models import Partnership

REJECTIONS_KEPT = 100
ProgressCallback = Callable[[int], None]


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


def crime_import(
    *,
    paths: list[Path],
    actor: Any = None,
    partnership: Any = None,
    run: ImportRun | None = None,
    on_progress: ProgressCallback | None = None,
    replace: bool = False,
) -> ImportRun:
    """Import police.uk files (CSVs, month folders, trees of them, or police.uk zip archives).

    `actor` must be a steward of every force the files hold (None is the installation operator). Months
    already held that the files would change are not replaced unless `replace`: the run then waits for
    confirmation (import_run_confirm), with what would change in its `changes`.
    """
    run = run or ImportRun.objects.create(kind="police.uk", started_by=actor, partnership=partnership)
    boundaries: list[LsoaBoundaries] = []

    def files() -> list[InputFile]:
        found = list(input_files(paths))
        # Only searches need boundaries (to place their points in LSOAs): read them once, here, and only then.
        if any(file.name.endswith("-stop-and-search.csv") for file in found):
            boundaries.append(LsoaBoundaries.load())
        return found

    return partitions_import(
        run=run,
        actor=actor,
        files=files,
        parse=lambda file, lsoas: [
            policeuk_file_read(
                file.open, name=file.name, lsoas=lsoas, placer=boundaries[0] if boundaries else None
            )
        ],
        on_progress=on_progress,
        ask_before_replacing=not replace,
    )


def partitions_import(
    *,
    run: ImportRun,
    actor: Any,
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


def _finish_refused(run: ImportRun, actor: Any, reason: str, collected: _Collected) -> None:
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
    run: ImportRun, actor: Any, collected: _Collected, changes: list[dict[str, Any]]
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


def _commit(run: ImportRun, actor: Any, written: list[store.WrittenPartition]) -> None:
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


def _audit_where_touched(run: ImportRun, *, actor: Any, verb: AuditVerb, context: dict[str, Any]) -> None:
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


def lsoa_districts() -> dict[str, str]:
    """Each placed LSOA's district (store.NO_DISTRICT for one placed in none)."""
    return {row[0]: row[2] or store.NO_DISTRICT for row in geography.lsoa_placements()}


def aggregates_refresh(
    known_counts: Mapping[str, store.DistrictCounts] | None = None, lad_of: Mapping[str, str] | None = None
) -> int:
    """Rebuild every aggregate an import has made stale; returns how many (source, year)s were rebuilt.

    `known_counts` has the store.counts_by_district of partitions just written, by path (an import's own):
    those partitions are not read back from their files. `lad_of` is lsoa_districts(), when the caller has
    it already.
    """
    stale = list(StaleAggregate.objects.all())
    if not stale:
        return 0
    districts = lsoa_districts() if lad_of is None else lad_of
    for mark in stale:
        paths = list(
            Partition.objects.filter(source=mark.source, month__year=mark.year).values_list("path", flat=True)
        )
        store.aggregates_rebuild(
            source=mark.source,
            year=mark.year,
            partition_paths=paths,
            lad_of=districts,
            known_counts=known_counts,
        )
        StaleAggregate.objects.filter(pk=mark.pk).delete()
    return len(stale)


def extract_import(
    *,
    paths: list[Path],
    mapping: ExtractMapping,
    actor: Any = None,
    partnership: Partnership | None = None,
    run: ImportRun | None = None,
    on_progress: ProgressCallback | None = None,
) -> ImportRun:
    """Import a force's or council's own extracts (CSV or XLSX files, folders or zips of them) through a
    column mapping. Its rows are stored under the mapping's source.

    For a `partnership`, raises MappingError (and records nothing) unless the source is in its namespace.
    """
    if partnership is not None:
        mapping_source_check(mapping, partnership_slug=partnership.slug)
    run = run or ImportRun.objects.create(kind=mapping.source, started_by=actor, partnership=partnership)
    # The boundaries are read and indexed once per import, and only for rows placed by coordinates.
    boundaries = LsoaBoundaries.load() if mapping.locates_by_coordinates else None
    return partitions_import(
        run=run,
        actor=actor,
        files=lambda: list(input_files(paths, suffixes=EXTRACT_SUFFIXES)),
        parse=lambda file, lsoas: [
            extract_file_read(file, mapping=mapping, lsoas=lsoas, boundaries=boundaries)
        ],
        on_progress=on_progress,
    )


def column_mapping_save(*, partnership: Partnership, text: str, actor: Any) -> ColumnMapping:
    """Save a mapping as written, creating it or replacing the partnership's mapping of the same slug.

    It is checked by parsing first: raises MappingError, and saves nothing, when it cannot be used or its
    source is not in the partnership's namespace ('<partnership slug>.<name>').
    """
    mapping = extract_mapping_parse(text, name="text")
    mapping_source_check(mapping, partnership_slug=partnership.slug)
    values = {"name": mapping.name, "source": mapping.source, "text": text}
    with transaction.atomic():
        saved = ColumnMapping.objects.filter(partnership=partnership, slug=mapping.slug).first()
        if saved is None:
            saved = ColumnMapping.objects.create(partnership=partnership, slug=mapping.slug, **values)
            audit_event_record(actor=actor, verb=AuditVerb.CREATED, target=saved)
        else:
            audited_update(actor=actor, record=saved, values=values)
    return saved


@dataclass(frozen=True)
class IndicatorsLoadSummary:
    """What loading an indicator file did to each indicator and set, by slug: created, updated, unchanged."""

    indicators: dict[str, str]
    sets: dict[str, str]


def indicators_load(
    *, path_or_text: Path | str, partnership: Partnership | None = None, actor: Any = None
) -> IndicatorsLoadSummary:
    """Load an indicator file into a partnership (or, with none, the space every partnership shares).

    Each indicator and set is matched on its slug: a new one is created, a changed one updated, and
    loading the same file again changes nothing. Indicators the file no longer has are left alone. One
    transaction: an error (raised as IndicatorFileError) leaves everything as it was.
    """
    if isinstance(path_or_text, Path):
        name = path_or_text.name
        try:
            text = path_or_text.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as error:
            raise IndicatorFileError(f"indicators {name}: cannot be read ({error})") from error
    else:
        name, text = "text", path_or_text
    definitions = indicator_file_parse(text, name=name)
    with transaction.atomic():
        loaded: dict[str, Indicator] = {}
        indicator_outcomes: dict[str, str] = {}
        for definition in definitions.indicators:
            loaded[definition.slug], indicator_outcomes[definition.slug] = _indicator_upsert(
                definition, partnership=partnership, actor=actor
            )
        set_outcomes = {
            definition.slug: _indicator_set_upsert(
                definition, partnership=partnership, actor=actor, loaded=loaded, file_name=name
            )
            for definition in definitions.sets
        }
    return IndicatorsLoadSummary(indicators=indicator_outcomes, sets=set_outcomes)


def _indicator_upsert(
    definition: IndicatorDefinition, *, partnership: Partnership | None, actor: Any
) -> tuple[Indicator, str]:
    values = {
        "name": definition.name,
        "description": definition.description,
        "sources": list(definition.sources),
        "categories": list(definition.categories),
        "subcategories": list(definition.subcategories),
        "flags": dict(definition.flags),
        "asb_types": list(definition.asb_types),
        "area_code": definition.area,
        "per_1000": definition.per_1000,
    }
    indicator = Indicator.objects.filter(partnership=partnership, slug=definition.slug).first()
    if indicator is None:
        indicator = Indicator.objects.create(partnership=partnership, slug=definition.slug, **values)
        audit_event_record(actor=actor, verb=AuditVerb.CREATED, target=indicator)
        return indicator, "created"
    changed = audited_update(actor=actor, record=indicator, values=values)
    return indicator, "updated" if changed else "unchanged"


def _indicator_set_upsert(
    definition: IndicatorSetDefinition,
    *,
    partnership: Partnership | None,
    actor: Any,
    loaded: dict[str, Indicator],
    file_name: str,
) -> str:
    members = [
        _set_member(
            slug,
            partnership=partnership,
            loaded=loaded,
            where=f"indicators {file_name}: set {definition.slug!r}",
        )
        for slug in definition.indicators
    ]
    values = {"name": definition.name, "description": definition.description}
    indicator_set = IndicatorSet.objects.filter(partnership=partnership, slug=definition.slug).first()
    if indicator_set is None:
        indicator_set = IndicatorSet.objects.create(partnership=partnership, slug=definition.slug, **values)
        _set_members_replace(indicator_set, members)
        audit_event_record(actor=actor, verb=AuditVerb.CREATED, target=indicator_set)
        return "created"
    changed = audited_update(actor=actor, record=indicator_set, values=values)
    current = list(indicator_set.members.order_by("position").values_list("indicator_id", flat=True))
    if current != [member.pk for member in members]:
        _set_members_replace(indicator_set, members)
        audit_event_record(
            actor=actor, verb=AuditVerb.UPDATED, target=indicator_set, context={"fields": ["indicators"]}
        )
        changed.append("indicators")
    return "updated" if changed else "unchanged"


def _set_member(
    slug: str, *, partnership: Partnership | None, loaded: dict[str, Indicator], where: str
) -> Indicator:
    """An indicator of the file, else the partnership's own, else a shared one: as a set's list names it."""
    if slug in loaded:
        return loaded[slug]
    scopes = [partnership, None] if partnership is not None else [None]
    for scope in scopes:
        found = Indicator.objects.filter(partnership=scope, slug=slug).first()
        if found is not None:
            return found
    raise IndicatorFileError(f"{where}: 'indicators' has {slug!r}, which is not in the file or loaded before")


def _set_members_replace(indicator_set: IndicatorSet, members: list[Indicator]) -> None:
    indicator_set.members.all().delete()
    IndicatorSetMember.objects.bulk_create(
        IndicatorSetMember(indicator_set=indicator_set, indicator=indicator, position=position)
        for position, indicator in enumerate(members, start=1)
    )


@dataclass(frozen=True)
class StoreCheck:
    partitions: int
    missing_files: list[str]
    damaged_files: list[str]
    orphan_files: list[str]
    aggregates_rebuilt: int
    stopped_runs: list[str]


def crime_store_check(*, repair: bool) -> StoreCheck:
    """Compare the manifest with the files: every current partition present and intact, and nothing else.

    With `repair`, files no manifest row points at (left by an import that was killed or refused) are
    removed, and aggregates an interrupted import left stale are rebuilt. A missing or damaged current
    file cannot be repaired here: re-import that month.
    """
    partitions = list(Partition.objects.values_list("path", "checksum"))
    missing, damaged = [], []
    for path, checksum in partitions:
        file = store.store_root() / path
        if not file.exists():
            missing.append(path)
        elif store.file_checksum(file) != checksum:
            damaged.append(path)
    # Replaced versions and the files of imports awaiting confirmation are kept, never stray.
    kept = set(PartitionVersion.objects.values_list("path", flat=True))
    for pending in ImportRun.objects.filter(status=ImportStatus.AWAITING_CONFIRMATION).values_list(
        "pending", flat=True
    ):
        kept.update(values["path"] for values in pending)
    orphans = store.orphan_partition_files({path for path, _ in partitions} | kept)
    # A run that has not moved for this long had its process stopped (a deploy, a crash, a kill).
    quiet_since = timezone.now() - dt.timedelta(minutes=settings.SAFERHUB_IMPORT_STALL_MINUTES)
    stopped = list(ImportRun.objects.filter(status=ImportStatus.RUNNING, updated_at__lt=quiet_since))
    rebuilt = 0
    if repair:
        for orphan in orphans:
            orphan.unlink(missing_ok=True)
        rebuilt = aggregates_refresh()
        for run in stopped:
            import_run_fail(
                run=run, error="The import stopped before it finished, so nothing from it was stored."
            )
    return StoreCheck(
        partitions=len(partitions),
        missing_files=missing,
        damaged_files=damaged,
        orphan_files=[str(path) for path in orphans],
        aggregates_rebuilt=rebuilt,
        stopped_runs=[str(run.public_id) for run in stopped],
    )


# --- Imports uploaded in the pages, and indicators defined there ---------------------------------------

UPLOAD_SUFFIXES = (".csv", ".zip", ".xlsx")
_UPLOAD_NAME_LENGTH = 120
logger = logging.getLogger(__name__)


def upload_folder(run: ImportRun) -> Path:
    """Where a run's uploaded file waits for its import: removed once the import has finished."""
    return store.store_root() / "uploads" / str(run.public_id)


def upload_name(name: str) -> str:
    """The file's own name, without any folders, made safe to store: 'c:\\x\\2023 01.csv' -> '2023_01.csv'."""
    base = name.replace("\\", "/").rsplit("/", 1)[-1].strip()
    try:
        safe = get_valid_filename(base)
    except SuspiciousFileOperation:
        safe = "upload"
    stem, dot, suffix = safe.rpartition(".")
    if not dot:
        stem, suffix = safe, ""
    stem = stem[: _UPLOAD_NAME_LENGTH - len(suffix) - 1].lstrip(".") or "upload"
    return f"{stem}.{suffix}" if suffix else stem


def import_upload_queue(
    *, partnership: Partnership, actor: Any, mapping: ColumnMapping | None, upload: UploadedFile
) -> ImportRun:
    """Keep an uploaded file under the store's uploads folder and record its import as queued (audited).

    The task worker imports it once this transaction commits, whatever its size: an import can run long,
    and never inside a web request. Its page shows the progress. Raises MappingError, keeping nothing, for a
    mapping saved before sources were namespaced whose source is not in the partnership's namespace.
    """
    if mapping is not None:
        mapping_source_check(
            extract_mapping_parse(mapping.text, name=mapping.slug), partnership_slug=partnership.slug
        )
    name = upload_name(upload.name or "upload")
    run = ImportRun(
        partnership=partnership,
        started_by=actor,
        kind=mapping.source if mapping else POLICEUK,
        status=ImportStatus.QUEUED,
        files=[name],
    )
    folder = upload_folder(run)
    folder.mkdir(parents=True, exist_ok=False)
    try:
        with (folder / name).open("wb") as handle:
            for chunk in upload.chunks():
                handle.write(chunk)
        with transaction.atomic():
            run.save()
            audit_event_record(
                actor=actor,
                verb=AuditVerb.CREATED,
                target=run,
                context={"uploaded": name, "bytes": upload.size},
            )
            _import_enqueue(run=run, mapping=mapping)
    except BaseException:
        shutil.rmtree(folder, ignore_errors=True)
        raise
    return run


def _import_enqueue(*, run: ImportRun, mapping: ColumnMapping | None) -> None:
    from saferhub.crimedata.tasks import uploaded_import_run  # the task module imports this one

    transaction.on_commit(
        partial(
            uploaded_import_run.enqueue,
            run_id=str(run.public_id),
            mapping_id=str(mapping.public_id) if mapping else None,
        )
    )


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


def import_run_confirm(*, run: ImportRun, actor: Any) -> ImportRun:
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
    *, run: ImportRun, actor: Any, reason: str = "Not confirmed, so nothing changed."
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
    *, version: PartitionVersion, actor: Any, partnership: Partnership
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


def indicator_save(*, partnership: Partnership, actor: Any, values: dict[str, Any]) -> Indicator:
    """Create (or, by its slug, update) one of the partnership's indicators, checked as a loaded file's are.

    `values` has slug, name, description, sources, categories, flags ({'domestic': True}), area_code and
    per_1000. Raises IndicatorFileError, and saves nothing, for a definition a file could not hold.
    """
    table = {
        "slug": values["slug"],
        "name": values["name"],
        "description": values.get("description", ""),
        "sources": list(values["sources"]),
        "categories": list(values.get("categories", [])),
        "flags": dict(values.get("flags", {})),
        "area": values.get("area_code", ""),
        "per_1000": bool(values.get("per_1000", False)),
    }
    definition = indicator_file_parse(json.dumps({"indicators": [table]}), name="form").indicators[0]
    with transaction.atomic():
        indicator, _ = _indicator_upsert(definition, partnership=partnership, actor=actor)
    return indicator


class IndicatorInUse(Exception):
    """The indicator is counted by something else (a set, a measure, an assessment): it cannot be removed."""


def indicator_remove(*, indicator: Indicator, actor: Any) -> None:
    """Remove one of a partnership's indicators (audited). Raises IndicatorInUse, and removes nothing, while
    a set lists it or a record of another app (a measure, an assessment, an issue) counts it."""
    sets = list(IndicatorSetMember.objects.filter(indicator=indicator).select_related("indicator_set"))
    uses = [f"the set ‘{member.indicator_set.name}’" for member in sets]
    collector = Collector(using="default")
    try:
        collector.collect([indicator])
    except (ProtectedError, RestrictedError) as error:
        used_by = Counter(type(record)._meta.verbose_name for record in error.args[1])
        uses.extend(f"{count} {name}{'' if count == 1 else 's'}" for name, count in sorted(used_by.items()))
    if uses:
        raise IndicatorInUse(f"‘{indicator.name}’ is in use by {', '.join(uses)}: it was not removed")
    with transaction.atomic():
        audit_event_record(
            actor=actor, verb=AuditVerb.DELETED, target=indicator, context={"slug": indicator.slug}
        )
        indicator.delete()
