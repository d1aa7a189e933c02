"""The columnar crime store: Parquet files under the data directory, read in-process by DuckDB.

Partitions are content-addressed: a new file never overwrites an old one, and the manifest in the
application database decides which file is current. A crash before the manifest commits leaves an
orphan file and the store as it was. Aggregates (one file per source, year and district) are derived
from the current partitions and rebuilt after every import.
"""

import datetime as dt
import hashlib
import io
import os
import shutil
import threading
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import duckdb
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


def partition_file_write(table: pa.Table, *, source: str, force: str, month: dt.date) -> WrittenPartition:
    """Write one (source, force, month) partition under a new name; current once the manifest says so."""
    buffer = io.BytesIO()
    pq.write_table(
        table,
        buffer,
        compression="zstd",
        compression_level=1,
        # Dictionaries pay only for columns of few values; on crime references and coordinates they cost
        # more to try than they save (the writer is three times slower with them on every column).
        use_dictionary=list(schema.DICTIONARY_COLUMNS),
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
    final = store_root() / relative
    final.parent.mkdir(parents=True, exist_ok=True)
    temporary = final.with_name(f".{final.name}.{uuid.uuid4().hex}.tmp")
    with open(temporary, "wb") as handle:
        handle.write(data)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(temporary, final)
    vintage = table["lsoa_vintage"]
    return WrittenPartition(
        source=source,
        force=force,
        month=month,
        path=str(relative),
        checksum=checksum,
        rows=table.num_rows,
        no_location_rows=table["lsoa"].null_count,
        lsoa_2011_rows=pc.sum(pc.equal(vintage, 2011)).as_py() or 0,
        lsoa_2021_rows=pc.sum(pc.equal(vintage, 2021)).as_py() or 0,
    )


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
    *, source: str, year: int, partition_paths: list[str], lsoa_districts: pa.Table
) -> None:
    """Rebuild the counts of one source and year, one file per district, from the current partitions.

    `lsoa_districts` has columns lsoa and lad. Rows with no LSOA are kept under NO_DISTRICT: they count for
    their force and nothing smaller.
    """
    final = _aggregate_dir(source, year)
    staging = final.with_name(f".{year}.{uuid.uuid4().hex}.tmp")
    staging.mkdir(parents=True)
    if partition_paths:
        files = [str(store_root() / path) for path in partition_paths]
        keys = ", ".join(f"c.{key}" for key in schema.AGGREGATE_KEYS)
        cursor = duckdb_cursor()
        cursor.register("lsoa_districts", lsoa_districts)
        cursor.execute(
            f"""
            COPY (
                SELECT {keys}, coalesce(d.lad, '{NO_DISTRICT}') AS lad, count(*) AS n
                FROM read_parquet($files) AS c LEFT JOIN lsoa_districts AS d ON c.lsoa = d.lsoa
                GROUP BY ALL
            ) TO '{staging}' (FORMAT parquet, PARTITION_BY (lad), COMPRESSION zstd, OVERWRITE_OR_IGNORE)
            """,  # noqa: S608 - paths are the store's own; values are bound
            {"files": files},
        )
        cursor.unregister("lsoa_districts")
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
