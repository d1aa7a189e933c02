"""Writes to the crime store: importing police.uk files and extracts, queueing an uploaded file's import for
the task worker, column mappings, indicators and their sets, and the store's check. Each is audited.

An import runs in the import engine (importing.py), below these services and the tasks; confirming,
discarding and restoring a run are the engine's too.
"""

import datetime as dt
import json
import shutil
from collections import Counter
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import SuspiciousFileOperation
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models.deletion import Collector, ProtectedError, RestrictedError
from django.utils import timezone
from django.utils.text import get_valid_filename

from saferhub.accounts.models import User
from saferhub.audit.models import AuditVerb
from saferhub.audit.services import audit_event_record, audited_create, audited_update
from saferhub.core.actors import Actor
from saferhub.crimedata import store
from saferhub.crimedata.counting import aggregates_refresh
from saferhub.crimedata.extracts import (
    EXTRACT_SUFFIXES,
    ExtractMapping,
    LsoaBoundaries,
    extract_file_read,
    extract_mapping_parse,
    mapping_source_check,
)
from saferhub.crimedata.importing import ProgressCallback, import_run_fail, partitions_import, upload_folder
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
)
from saferhub.crimedata.policeuk import policeuk_file_read
from saferhub.crimedata.sources import InputFile, input_files
from saferhub.crimedata.stewards import POLICEUK
from saferhub.crimedata.tasks import uploaded_import_run
from saferhub.partnerships.models import Partnership


def crime_import(
    *,
    paths: list[Path],
    actor: User | None = None,
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


def extract_import(
    *,
    paths: list[Path],
    mapping: ExtractMapping,
    actor: User | None = None,
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


def column_mapping_save(*, partnership: Partnership, text: str, actor: Actor | None) -> ColumnMapping:
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
            saved = audited_create(
                actor=actor,
                model=ColumnMapping,
                values={"partnership": partnership, "slug": mapping.slug, **values},
            )
        else:
            audited_update(actor=actor, record=saved, values=values)
    return saved


@dataclass(frozen=True)
class IndicatorsLoadSummary:
    """What loading an indicator file did to each indicator and set, by slug: created, updated, unchanged."""

    indicators: dict[str, str]
    sets: dict[str, str]


def indicators_load(
    *, path_or_text: Path | str, partnership: Partnership | None = None, actor: Actor | None = None
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
    definition: IndicatorDefinition, *, partnership: Partnership | None, actor: Actor | None
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
        indicator = audited_create(
            actor=actor,
            model=Indicator,
            values={"partnership": partnership, "slug": definition.slug, **values},
        )
        return indicator, "created"
    changed = audited_update(actor=actor, record=indicator, values=values)
    return indicator, "updated" if changed else "unchanged"


def _indicator_set_upsert(
    definition: IndicatorSetDefinition,
    *,
    partnership: Partnership | None,
    actor: Actor | None,
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
        indicator_set = audited_create(
            actor=actor,
            model=IndicatorSet,
            values={"partnership": partnership, "slug": definition.slug, **values},
        )
        _set_members_replace(indicator_set, members)
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
    *, partnership: Partnership, actor: User | None, mapping: ColumnMapping | None, upload: UploadedFile
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
    transaction.on_commit(
        partial(
            uploaded_import_run.enqueue,
            run_id=str(run.public_id),
            mapping_id=str(mapping.public_id) if mapping else None,
        )
    )


def indicator_save(*, partnership: Partnership, actor: Actor | None, values: dict[str, Any]) -> Indicator:
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


def indicator_remove(*, indicator: Indicator, actor: Actor | None) -> None:
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
