"""The columnar crime store: Parquet files under the data directory, read in-process by DuckDB.

Partitions are content-addressed: a new file never overwrites an old one, and the manifest in the
application database decides which file is current. A crash before the manifest commits leaves an
orphan file and the store as it was. Aggregates (one file per source, year and district) are derived
from the current partitions and rebuilt after every import.
"""

import datetime as dt
import hashlib
import os
import shutil
import threading
import uuid
from collections.abc import Iterable, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

import duckdb
import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
from django.conf import settings

from saferhub.crimedata import schema

NO_DISTRICT = "_none"


def store_root() -> Path:
    return Path(settings.SAFERHUB_DATA_DIR) / "crime"


@dataclass(frozen=True)
class WrittenPartition:
    source: str
    force: str
    month: dt.date
    path: str
    checksum: str
    rows: int
    no_location_rows: int
    lsoa_2011_rows: int
    lsoa_2021_rows: int


def _safe_part(text: str) -> str:
    return "".join(ch if ch.isalnum() or ch in ".-_" else "_" for ch in text)


# How each column of a partition file is written (see schema.py). Against zstd on every column and statistics
# on all but the references, this takes a fifth less time for 4% larger files.
_COMPRESSION = {
    name: "zstd" if name in schema.COMPRESSED_COLUMNS else "none" for name in schema.CRIME_ROW.names
}
_COMPRESSION_LEVEL = dict.fromkeys(schema.COMPRESSED_COLUMNS, 1)


@dataclass(frozen=True)
class EncodedPartition:
    """A partition's Parquet file, made in memory and not yet written."""

    partition: WrittenPartition
    data: pa.Buffer


def partition_encode(table: pa.Table, *, source: str, force: str, month: dt.date) -> EncodedPartition:
    """One (source, force, month) partition as Parquet bytes, named by its content.

    The table has schema.CRIME_ROW's columns; a string column may be dictionary-encoded (police.uk's
    reader hands over its columns of few values that way), and is stored as a string column all the same.
    """
    # Arrow's own in-memory sink: the writer does not go through Python (and the GIL) for every page.
    buffer = pa.BufferOutputStream()
    pq.write_table(
        table,
        buffer,
        compression=_COMPRESSION,
        compression_level=_COMPRESSION_LEVEL,
        # Dictionaries pay only for columns of few values; on crime references and coordinates they cost
        # more to try than they save (the writer is three times slower with them on every column).
        use_dictionary=list(schema.DICTIONARY_COLUMNS),
        # Statistics on the 64-character crime references and on the coordinates cost a tenth of the write
        # and no query filters on them.
        write_statistics=list(schema.STATISTICS_COLUMNS),
        # The Parquet types say what each column is; without the Arrow schema a dictionary-encoded column
        # reads back as the string column it stands for.
        store_schema=False,
        row_group_size=256_000,
    )
    data = buffer.getvalue()
    checksum = hashlib.sha256(data).hexdigest()
    relative = (
        Path("partitions")
        / _safe_part(source)
        / _safe_part(force)
        / f"{month:%Y-%m}"
        / f"{checksum[:24]}.parquet"
    )
    vintage = table["lsoa_vintage"]
    return EncodedPartition(
        partition=WrittenPartition(
            source=source,
            force=force,
            month=month,
            path=str(relative),
            checksum=checksum,
            rows=table.num_rows,
            no_location_rows=table["lsoa"].null_count,
            lsoa_2011_rows=pc.sum(pc.equal(vintage, 2011)).as_py() or 0,
            lsoa_2021_rows=pc.sum(pc.equal(vintage, 2021)).as_py() or 0,
        ),
        data=data,
    )


@dataclass
class PendingFile:
    """A partition written under a temporary name and still open: partition_file_finish makes it current."""

    partition: WrittenPartition
    temporary: Path
    final: Path
    handle: BinaryIO


def partition_file_start(encoded: EncodedPartition) -> PendingFile:
    """Write the partition's bytes under a temporary name beside where it will live."""
    final = store_root() / encoded.partition.path
    final.parent.mkdir(parents=True, exist_ok=True)
    temporary = final.with_name(f".{final.name}.{uuid.uuid4().hex}.tmp")
    handle = open(temporary, "wb")  # noqa: SIM115 - closed by partition_file_finish
    try:
        handle.write(encoded.data)
        handle.flush()
    except BaseException:
        handle.close()
        temporary.unlink(missing_ok=True)
        raise
    return PendingFile(partition=encoded.partition, temporary=temporary, final=final, handle=handle)


def partition_file_finish(pending: PendingFile) -> WrittenPartition:
    """Make the written file durable (its bytes, then its name in the folder) under its final name.

    Mostly waiting on the disk: the import runs these on threads of their own, beside the reading.
    """
    try:
        os.fsync(pending.handle.fileno())
    finally:
        pending.handle.close()
    os.replace(pending.temporary, pending.final)
    folder = os.open(pending.final.parent, os.O_RDONLY)
    try:
        os.fsync(folder)
    finally:
        os.close(folder)
    return pending.partition


def partition_file_write(table: pa.Table, *, source: str, force: str, month: dt.date) -> WrittenPartition:
    """Write one (source, force, month) partition under a new name; current once the manifest says so."""
    return partition_file_finish(
        partition_file_start(partition_encode(table, source=source, force=force, month=month))
    )


def partition_counts(table: pa.Table, *, source: str, force: str, month: dt.date) -> pa.Table:
    """A partition's rows counted by schema.AGGREGATE_KEYS, with the count as n: its share of the aggregate.

    Made from the table in memory while it is imported, so that the aggregates need not read it back. The
    table is one (source, force, month), as partition_file_write is given it.
    """
    given = {"source": source, "force": force, "month": month}
    # A column with nothing in it (a flag police.uk does not give) is one group, as is the partition's own.
    keys = [
        key for key in schema.AGGREGATE_KEYS if key not in given and table[key].null_count < table.num_rows
    ]
    grouped = (
        table.select(keys)
        .unify_dictionaries()
        .combine_chunks()
        .group_by(keys, use_threads=False)
        .aggregate([([], "count_all")])
    )
    rows = grouped.num_rows
    columns = {}
    for key in schema.AGGREGATE_KEYS:
        kind = schema.CRIME_ROW.field(key).type
        if key in given:
            columns[key] = pa.repeat(pa.scalar(given[key], kind), rows)
        else:
            columns[key] = grouped[key].cast(kind) if key in keys else pa.nulls(rows, kind)
    return pa.table({**columns, "n": grouped["count_all"]})


# What an aggregate file holds: a count for each combination of the keys (its district is in its folder name).
COUNTS_SCHEMA = pa.schema(
    [*(schema.CRIME_ROW.field(key) for key in schema.AGGREGATE_KEYS), ("n", pa.int64())]
)
DistrictCounts = dict[str, pa.Table]


def counts_by_district(counts: pa.Table, lad_of: Mapping[str, str]) -> DistrictCounts:
    """Counts split by the district of their LSOA (`lad_of`, LSOA code to district code); counts with no LSOA,
    or one no district holds, under NO_DISTRICT."""
    if counts.num_rows == 0:
        return {}
    lsoas = counts["lsoa"].combine_chunks().dictionary_encode()
    districts = sorted(
        {lad_of.get(code, NO_DISTRICT) for code in lsoas.dictionary.to_pylist()} | {NO_DISTRICT}
    )
    position = {district: index for index, district in enumerate(districts)}
    of_code = np.array(
        [position[lad_of.get(code, NO_DISTRICT)] for code in lsoas.dictionary.to_pylist()]
        + [position[NO_DISTRICT]],
        dtype=np.int32,
    )
    # A null LSOA takes the last place: NO_DISTRICT.
    codes = lsoas.indices.fill_null(len(of_code) - 1).to_numpy()
    of_row = of_code[codes]
    order = np.argsort(of_row, kind="stable")
    ordered = counts.take(pa.array(order))
    bounds = np.searchsorted(of_row[order], np.arange(len(districts) + 1))
    return {
        district: ordered.slice(bounds[index], bounds[index + 1] - bounds[index])
        for index, district in enumerate(districts)
        if bounds[index + 1] > bounds[index]
    }


def partition_counts_by_district(
    table: pa.Table, *, source: str, force: str, month: dt.date, lad_of: Mapping[str, str]
) -> DistrictCounts:
    """counts_by_district(partition_counts(table, ...), lad_of), in one step.

    When every column the rows vary in is dictionary-encoded (police.uk's reader hands them over so), rows
    are counted by their dictionary codes with numpy rather than by hashing their values.
    """
    given = {"source": source, "force": force, "month": month}
    keys = [
        key for key in schema.AGGREGATE_KEYS if key not in given and table[key].null_count < table.num_rows
    ]
    columns = {key: schema.as_one_array(table[key]) for key in keys}
    if (
        table.num_rows == 0
        or "lsoa" not in keys
        or not all(pa.types.is_dictionary(c.type) for c in columns.values())
    ):
        counts = partition_counts(table, source=source, force=force, month=month)
        return counts_by_district(counts, lad_of)
    # Each row's combination of codes as one number; a null takes the code after the dictionary's last.
    radices = [len(columns[key].dictionary) + 1 for key in keys]
    if float(np.prod(radices, dtype=np.float64)) >= 2**62:
        return counts_by_district(partition_counts(table, source=source, force=force, month=month), lad_of)
    strides = np.cumprod([1, *radices[:-1]], dtype=np.int64)
    combined = np.zeros(table.num_rows, dtype=np.int64)
    for key, radix, stride in zip(keys, radices, strides, strict=True):
        combined += columns[key].indices.fill_null(radix - 1).to_numpy().astype(np.int64) * stride
    if float(np.prod(radices, dtype=np.float64)) <= 4 * table.num_rows + 4096:
        tally = np.bincount(combined)
        groups = np.flatnonzero(tally)
        n = tally[groups]
    else:
        groups, n = np.unique(combined, return_counts=True)
    codes = {
        key: (groups // stride) % radix for key, radix, stride in zip(keys, radices, strides, strict=True)
    }
    # Each group's district, from its LSOA's.
    lads = [lad_of.get(code, NO_DISTRICT) for code in columns["lsoa"].dictionary.to_pylist()]
    districts = sorted({*lads, NO_DISTRICT})
    position = {district: index for index, district in enumerate(districts)}
    of_code = np.array([*map(position.__getitem__, lads), position[NO_DISTRICT]], np.int32)
    of_group = of_code[codes["lsoa"]]
    order = np.argsort(of_group, kind="stable")
    bounds = np.searchsorted(of_group[order], np.arange(len(districts) + 1))
    rows = len(groups)
    out = {}
    for key in schema.AGGREGATE_KEYS:
        kind = schema.CRIME_ROW.field(key).type
        if key in given:
            out[key] = pa.repeat(pa.scalar(given[key], kind), rows)
        elif key in codes:
            dictionary = columns[key].dictionary
            ordered = codes[key][order]
            indices = pa.array(ordered.astype(np.int32), mask=ordered == len(dictionary))
            out[key] = pa.DictionaryArray.from_arrays(indices, dictionary).cast(kind)
        else:
            out[key] = pa.nulls(rows, kind)
    counted = pa.table({**out, "n": pa.array(n[order], pa.int64())})
    return {
        district: counted.slice(bounds[index], bounds[index + 1] - bounds[index])
        for index, district in enumerate(districts)
        if bounds[index + 1] > bounds[index]
    }


def file_checksum(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def partition_file_remove(relative: str) -> None:
    (store_root() / relative).unlink(missing_ok=True)


def orphan_partition_files(current: set[str]) -> list[Path]:
    """Partition files no manifest row points at: left by an import that crashed or was refused."""
    root = store_root() / "partitions"
    if not root.exists():
        return []
    return [path for path in root.rglob("*.parquet") if str(path.relative_to(store_root())) not in current]


_local = threading.local()


def duckdb_cursor() -> duckdb.DuckDBPyConnection:
    """A cursor on this thread's in-process DuckDB (a connection is not shared between threads)."""
    connection = getattr(_local, "connection", None)
    if connection is None:
        # Insertion order is never relied on: every query groups or sorts what it needs.
        connection = duckdb.connect(
            config={"threads": settings.SAFERHUB_DUCKDB_THREADS, "preserve_insertion_order": False}
        )
        _local.connection = connection
    return connection.cursor()


def _aggregate_dir(source: str, year: int) -> Path:
    return store_root() / "aggregates" / _safe_part(source) / str(year)


def aggregates_rebuild(
    *,
    source: str,
    year: int,
    partition_paths: list[str],
    lad_of: Mapping[str, str],
    known_counts: Mapping[str, DistrictCounts] | None = None,
) -> None:
    """Rebuild the counts of one source and year, one file per district, from the current partitions.

    `lad_of` maps LSOA codes to district codes. Rows with no LSOA, or one no district holds, are kept under
    NO_DISTRICT: they count for their force and nothing smaller. `known_counts` has, by path, the
    counts_by_district of partitions this process has just written: those are not read back; the rest are
    read from their files.
    """
    known_counts = known_counts or {}
    final = _aggregate_dir(source, year)
    staging = final.with_name(f".{year}.{uuid.uuid4().hex}.tmp")
    staging.mkdir(parents=True)
    by_district: dict[str, list[pa.Table]] = {}
    unread = [str(store_root() / path) for path in partition_paths if path not in known_counts]
    shares = [known_counts[path] for path in partition_paths if path in known_counts]
    if unread:
        keys = ", ".join(schema.AGGREGATE_KEYS)
        counted = (
            duckdb_cursor()
            .sql(
                f"SELECT {keys}, count(*) AS n FROM read_parquet($files) GROUP BY ALL",  # noqa: S608 - fixed
                params={"files": unread},
            )
            .to_arrow_table()
            .cast(COUNTS_SCHEMA)
        )
        shares.append(counts_by_district(counted, lad_of))
    for share in shares:
        for district, counts in share.items():
            by_district.setdefault(district, []).append(counts)

    def write(district: str) -> None:
        folder = staging / f"lad={district}"
        folder.mkdir()
        pq.write_table(
            pa.concat_tables(by_district[district]),
            folder / "data_0.parquet",
            compression="zstd",
            compression_level=1,
            store_schema=False,
        )

    with ThreadPoolExecutor(max_workers=settings.SAFERHUB_DUCKDB_THREADS) as pool:
        list(pool.map(write, sorted(by_district)))
    retired = final.with_name(f".{year}.{uuid.uuid4().hex}.old")
    if final.exists():
        os.replace(final, retired)
    os.replace(staging, final)
    shutil.rmtree(retired, ignore_errors=True)


def aggregate_files(
    *, sources: Iterable[str], years: Iterable[int], districts: Iterable[str] | None
) -> list[str]:
    """The aggregate files for these sources, years and districts (all districts when None)."""
    found: list[str] = []
    for source in sources:
        for year in years:
            folder = _aggregate_dir(source, year)
            if not folder.exists():
                continue
            if districts is None:
                found.extend(str(path) for path in folder.glob("lad=*/*.parquet"))
            else:
                for district in districts:
                    found.extend(str(path) for path in (folder / f"lad={district}").glob("*.parquet"))
    return sorted(found)
