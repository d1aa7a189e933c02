"""Writes to the crime store: imports and the aggregates they make stale. Each import is audited."""

import datetime as dt
import json
import logging
import shutil
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
    MappingError,
    extract_file_read,
    extract_mapping_parse,
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
    StaleAggregate,
)
from saferhub.crimedata.policeuk import LsoaIndex, ParsedFile, policeuk_file_read
from saferhub.crimedata.sources import InputFile, InputFileError, input_files
from saferhub.geography import selectors as geography
from saferhub.partnerships.models import Partnership

REJECTIONS_KEPT = 100
ProgressCallback = Callable[[int], None]


class ImportRefused(Exception):
    """Nothing was imported. The message says which file and why."""


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
) -> ImportRun:
    """Import police.uk files (CSVs, month folders, trees of them, or police.uk zip archives)."""
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
                file.read(), name=file.name, lsoas=lsoas, placer=boundaries[0] if boundaries else None
            )
        ],
        on_progress=on_progress,
    )


def partitions_import(
    *,
    run: ImportRun,
    actor: Any,
    files: Callable[[], list[InputFile]],
    parse: Callable[[InputFile, LsoaIndex], Iterable[ParsedFile]],
    on_progress: ProgressCallback | None = None,
) -> ImportRun:
    """The import every source shares: parse each file, write its partitions, then switch the manifest.

    A file that cannot be read at all refuses the whole import and nothing changes. Rejected rows are
    reported and the rest committed.
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
    except InputFileError as error:
        _discard_uncommitted(collected.written)
        _finish_refused(run, actor, str(error))
        raise ImportRefused(str(error)) from error
    replaced = _commit(run, actor, collected)
    _remove_replaced_files(replaced)
    # Before the import returns, so that counts are right the moment it has: from the rows counted as they
    # were read, reading back only the partitions of those years that this import did not bring.
    aggregates_refresh(known_counts=collected.counts, lad_of=lad_of)
    if on_progress is not None:
        on_progress(100)
    return run


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
    current = set(Partition.objects.filter(path__in=[w.path for w in written]).values_list("path", flat=True))
    for partition in written:
        if partition.path not in current:
            store.partition_file_remove(partition.path)


def _finish_refused(run: ImportRun, actor: Any, reason: str) -> None:
    with transaction.atomic():
        run.status = ImportStatus.REFUSED
        run.error = reason
        run.finished_at = timezone.now()
        run.save()
        audit_event_record(actor=actor, verb=AuditVerb.REFUSED, target=run, context={"reason": reason[:500]})


def _commit(run: ImportRun, actor: Any, collected: _Collected) -> list[str]:
    """Point the manifest at the new partitions in one transaction. Returns the files no longer current."""
    replaced_files: list[str] = []
    replaced: list[str] = []
    sources = {w.source for w in collected.written}
    months = [w.month for w in collected.written]
    with transaction.atomic():
        previous = {
            (p.source, p.force, p.month): p.path
            for p in Partition.objects.filter(source__in=sources, month__range=(min(months), max(months)))
            if (p.source, p.force, p.month) in collected.seen
        }
        for written in collected.written:
            key = (written.source, written.force, written.month)
            if key in previous:
                replaced.append(f"{written.source} {written.force} {written.month:%Y-%m}")
                if previous[key] != written.path:
                    replaced_files.append(previous[key])
        Partition.objects.bulk_create(
            [
                Partition(
                    source=w.source,
                    force=w.force,
                    month=w.month,
                    path=w.path,
                    checksum=w.checksum,
                    rows=w.rows,
                    no_location_rows=w.no_location_rows,
                    lsoa_2011_rows=w.lsoa_2011_rows,
                    lsoa_2021_rows=w.lsoa_2021_rows,
                    import_run=run,
                )
                for w in collected.written
            ],
            update_conflicts=True,
            unique_fields=["source", "force", "month"],
            update_fields=[
                "path",
                "checksum",
                "rows",
                "no_location_rows",
                "lsoa_2011_rows",
                "lsoa_2021_rows",
                "import_run",
                "imported_at",
            ],
        )
        StaleAggregate.objects.bulk_create(
            [
                StaleAggregate(source=s, year=y)
                for s, y in {(w.source, w.month.year) for w in collected.written}
            ],
            ignore_conflicts=True,
        )
        run.status = ImportStatus.COMMITTED
        run.rows_read = collected.rows_read
        run.rows_stored = sum(w.rows for w in collected.written)
        run.rows_rejected = len(collected.rejections)
        run.rejections = [r.as_dict() for r in collected.rejections[:REJECTIONS_KEPT]]
        run.report_path = _rejection_report_write(run, collected.rejections)
        run.months = sorted({f"{w.month:%Y-%m}" for w in collected.written})
        run.forces = sorted({w.force for w in collected.written})
        run.replaced = replaced
        run.notes = collected.notes
        run.progress = 100
        run.finished_at = timezone.now()
        run.save()
        audit_event_record(
            actor=actor,
            verb=AuditVerb.CREATED,
            target=run,
            context={
                "rows_stored": run.rows_stored,
                "rows_rejected": run.rows_rejected,
                "replaced": len(replaced),
            },
        )
    return replaced_files


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


def _remove_replaced_files(paths: list[str]) -> None:
    still_current = set(Partition.objects.filter(path__in=paths).values_list("path", flat=True))
    for path in paths:
        if path not in still_current:
            store.partition_file_remove(path)


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
    column mapping. Its rows are stored under the mapping's source."""
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

    It is checked by parsing first: raises MappingError, and saves nothing, when it cannot be used.
    """
    mapping = extract_mapping_parse(text, name="text")
    # Sources are not partnership-scoped in the store: another partnership's import under the same
    # source would replace this one's months.
    if ColumnMapping.objects.filter(source=mapping.source).exclude(partnership=partnership).exists():
        raise MappingError(
            f"mapping {mapping.slug}: the source {mapping.source!r} is another partnership's; choose another"
        )
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
    orphans = store.orphan_partition_files({path for path, _ in partitions})
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
    *,
    partnership: Partnership,
    actor: Any,
    mapping: ColumnMapping | None,
    upload: UploadedFile,
    background: bool,
) -> ImportRun:
    """Keep an uploaded file under the store's uploads folder and record its import as queued (audited).

    With `background`, the task worker imports it once this transaction commits; otherwise the caller
    imports it at once with import_upload_run.
    """
    name = upload_name(upload.name or "upload")
    run = ImportRun(
        partnership=partnership,
        started_by=actor,
        kind=mapping.source if mapping else "police.uk",
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
                context={"uploaded": name, "bytes": upload.size, "background": background},
            )
            if background:
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
                parse=lambda file, lsoas: [policeuk_file_read(file.read(), name=file.name, lsoas=lsoas)],
                on_progress=progress,
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
        return import_run_fail(run=run, error=f"{type(error).__name__}: {error}")
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def _uploaded_files(folder: Path, suffixes: tuple[str, ...]) -> list[InputFile]:
    """The uploaded files, named as the person named them (not by where the store keeps them)."""
    found = []
    for path in sorted(p for p in folder.iterdir() if p.is_file()):
        for file in input_files([path], suffixes=suffixes):
            found.append(replace(file, name=path.name) if file.name == str(path) else file)
    return found


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
