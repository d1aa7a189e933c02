"""Writes to the crime store: imports and the aggregates they make stale. Each import is audited."""

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc
from django.db import transaction
from django.utils import timezone

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
    return partitions_import(
        run=run,
        actor=actor,
        files=lambda: list(input_files(paths)),
        parse=lambda file, lsoas: [policeuk_file_read(file.read(), name=file.name, lsoas=lsoas)],
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
    ImportRun.objects.filter(pk=run.pk).update(status=ImportStatus.RUNNING)
    collected = _Collected()
    try:
        found = files()
        if not found:
            raise InputFileError("no files to import were found")
        run.files = [file.name for file in found]
        lsoas = lsoa_index()
        for position, file in enumerate(found, start=1):
            for parsed in parse(file, lsoas):
                _collect(parsed, file.name, collected)
            if on_progress is not None:
                on_progress(int(95 * position / len(found)))
    except InputFileError as error:
        _discard_uncommitted(collected.written)
        _finish_refused(run, actor, str(error))
        raise ImportRefused(str(error)) from error
    replaced = _commit(run, actor, collected)
    _remove_replaced_files(replaced)
    aggregates_refresh()
    if on_progress is not None:
        on_progress(100)
    return run


def _collect(parsed: ParsedFile, name: str, collected: _Collected) -> None:
    collected.rows_read += parsed.rows_read
    collected.rejections.extend(parsed.rejections)
    collected.notes.extend(parsed.notes)
    table = parsed.table
    for force in pc.unique(table["force"]).to_pylist():
        of_force = table.filter(pc.equal(table["force"], force))
        for month in sorted(pc.unique(of_force["month"]).to_pylist()):
            key = (parsed.source, force, month)
            if key in collected.seen:
                raise InputFileError(
                    f"{name}: {month:%Y-%m} for {force} is also in {collected.seen[key]}; "
                    "a month may appear only once in an import"
                )
            collected.seen[key] = name
            part = of_force.filter(pc.equal(of_force["month"], pa.scalar(month, pa.date32())))
            collected.written.append(
                store.partition_file_write(part, source=parsed.source, force=force, month=month)
            )


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
    with transaction.atomic():
        for written in collected.written:
            previous = Partition.objects.filter(
                source=written.source, force=written.force, month=written.month
            ).first()
            if previous is not None:
                replaced.append(f"{written.source} {written.force} {written.month:%Y-%m}")
                if previous.path != written.path:
                    replaced_files.append(previous.path)
            Partition.objects.update_or_create(
                source=written.source,
                force=written.force,
                month=written.month,
                defaults={
                    "path": written.path,
                    "checksum": written.checksum,
                    "rows": written.rows,
                    "no_location_rows": written.no_location_rows,
                    "lsoa_2011_rows": written.lsoa_2011_rows,
                    "lsoa_2021_rows": written.lsoa_2021_rows,
                    "import_run": run,
                },
            )
            StaleAggregate.objects.get_or_create(source=written.source, year=written.month.year)
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


def lsoa_districts() -> pa.Table:
    placements = geography.lsoa_placements()
    return pa.table(
        {"lsoa": [row[0] for row in placements], "lad": [row[2] or store.NO_DISTRICT for row in placements]}
    )


def aggregates_refresh() -> int:
    """Rebuild every aggregate an import has made stale; returns how many (source, year)s were rebuilt."""
    stale = list(StaleAggregate.objects.all())
    if not stale:
        return 0
    districts = lsoa_districts()
    for mark in stale:
        paths = list(
            Partition.objects.filter(source=mark.source, month__year=mark.year).values_list("path", flat=True)
        )
        store.aggregates_rebuild(
            source=mark.source, year=mark.year, partition_paths=paths, lsoa_districts=districts
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
    rebuilt = 0
    if repair:
        for orphan in orphans:
            orphan.unlink(missing_ok=True)
        rebuilt = aggregates_refresh()
    return StoreCheck(
        partitions=len(partitions),
        missing_files=missing,
        damaged_files=damaged,
        orphan_files=[str(path) for path in orphans],
        aggregates_rebuilt=rebuilt,
    )
