"""Reading a CSV file as text, exactly: encoding, BOM, broken rows, and the line each row starts on.

Every source's reader starts here, so a rejected row's line number means the same thing everywhere:
the line a person sees when they open the file in a text editor.
"""

import csv
import io
import re
from collections.abc import Collection, Mapping
from dataclasses import dataclass, replace

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

from saferhub.crimedata.sources import InputFileError


@dataclass(frozen=True)
class Rejection:
    file: str
    line: int
    column: str
    reason: str

    def as_dict(self) -> dict[str, object]:
        return {"file": self.file, "line": self.line, "column": self.column, "reason": self.reason}


@dataclass
class CsvGrid:
    """A file read as text: one string column per header cell, and each row's line in the file."""

    name: str
    header: list[str]
    table: pa.Table
    lines: pa.Array
    broken: list[Rejection]
    notes: list[str]
    # Whether a quoted value holds a line break (so that a row may take more than one line).
    line_breaks_in_values: bool = False


def decode_check(data: bytes, name: str) -> tuple[str, list[str]]:
    """The encoding to read with: UTF-8, or Windows-1252 when that is what the file is (and we say so)."""
    if data.isascii():  # most files, and ten times quicker to tell than decoding
        return "utf8", []
    try:
        data.decode("utf-8")
        return "utf8", []
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1
        try:
            data.decode("cp1252")
        except UnicodeDecodeError as cp_error:
            raise InputFileError(
                f"{name}: not UTF-8 (line {line}) and not Windows-1252 either: save it as UTF-8 CSV"
            ) from cp_error
        return "cp1252", [f"{name}: not UTF-8 (first at line {line}); read as Windows-1252"]


@dataclass(frozen=True)
class CsvHead:
    """What the first line says: the encoding to read the file with, the header's cells, and any notes."""

    encoding: str
    header: list[str]
    notes: list[str]


def csv_head(data: bytes, *, name: str) -> CsvHead:
    encoding, notes = decode_check(data, name)
    end = data.find(b"\n")  # not splitting the whole file to find its first line
    first_line = re.split(rb"\r\n|\r|\n", data if end < 0 else data[: end + 1], maxsplit=1)[0]
    text = first_line.decode("utf-8-sig" if encoding == "utf8" else "cp1252")
    try:
        header = [cell.strip() for cell in next(csv.reader([text]), [])]
    except csv.Error as error:
        raise InputFileError(f"{name}: the header row cannot be read as CSV ({error})") from error
    return CsvHead(encoding=encoding, header=header, notes=notes)


def csv_grid(
    data: bytes,
    *,
    name: str,
    head: CsvHead | None = None,
    types: Mapping[int, pa.DataType] | None = None,
    skip: Collection[int] = (),
) -> CsvGrid:
    """The file's rows, one column per header cell, named c0, c1, ...: strings, unless `types` gives a
    column another (a dictionary of strings, for a column of few values). Columns in `skip` are split out
    of each row but not kept: the table has no column for them."""
    head = head or csv_head(data, name=name)
    names = [f"c{index}" for index in range(len(head.header))]
    broken: list[Rejection] = []

    def on_invalid_row(row: pacsv.InvalidRow) -> str:
        broken.append(
            Rejection(
                file=name,
                line=row.number if row.number is not None else -1,
                column="(row)",
                reason=f"expected {row.expected_columns} columns, found {row.actual_columns}",
            )
        )
        return "skip"

    # Only a quoted value can hold a line break: without a quote anywhere the parser need not look for one.
    quoted = b'"' in data
    column_types = dict.fromkeys(names, pa.string())
    for index, kind in (types or {}).items():
        column_types[names[index]] = kind
    try:
        table = pacsv.read_csv(
            # A header with no line ending after it would be "too short" to skip: give it one.
            io.BytesIO(data if data.endswith(b"\n") else data + b"\n"),
            read_options=pacsv.ReadOptions(
                use_threads=False,
                encoding=head.encoding,
                column_names=names,
                skip_rows=1,
                # A file of up to 64 MB as one block: one chunk per column, and one dictionary.
                block_size=min(max(1 << 20, len(data) + 2), 1 << 26),
            ),
            # Blank lines are kept as rows (and dropped later), so that every row's line number is right.
            parse_options=pacsv.ParseOptions(
                invalid_row_handler=on_invalid_row, ignore_empty_lines=False, newlines_in_values=quoted
            ),
            convert_options=pacsv.ConvertOptions(
                column_types=column_types,
                strings_can_be_null=False,
                # decode_check has read the whole file as UTF-8 (or it is read as Windows-1252 and
                # transcoded): checking every value again is a tenth of the parse for nothing.
                check_utf8=False,
                include_columns=[n for index, n in enumerate(names) if index not in skip] if skip else [],
            ),
        )
    except pa.ArrowException as error:
        raise InputFileError(f"{name}: cannot be read as CSV ({error})") from error
    # Counting the file's lines is needed only when a quoted value might hold a line break.
    records = 1 + table.num_rows + len(broken)
    line_breaks_in_values = quoted and data.count(b"\n") + (0 if data.endswith(b"\n") else 1) != records
    lines, broken = _line_numbers(table, broken, line_breaks_in_values=line_breaks_in_values)
    return CsvGrid(
        name=name,
        header=head.header,
        table=table,
        lines=lines,
        broken=broken,
        notes=head.notes,
        line_breaks_in_values=line_breaks_in_values,
    )


def _line_numbers(
    table: pa.Table, broken: list[Rejection], *, line_breaks_in_values: bool
) -> tuple[pa.Array, list[Rejection]]:
    """The file line each parsed row starts on, and the broken rows with their lines made right.

    The parser numbers rows, not lines (the header is row 1), and skips the broken ones; a quoted value
    with line breaks in it takes more than one line.
    """
    if not broken and not line_breaks_in_values:  # most files: row i is on line i + 2
        return pa.array(np.arange(2, table.num_rows + 2, dtype=np.int64)), broken
    skipped = np.array(sorted(r.line for r in broken if r.line > 0), dtype=np.int64)
    rows = np.arange(table.num_rows, dtype=np.int64) + 2
    # Each parsed row's number, stepping over the numbers of the broken rows before it.
    numbers = rows + np.searchsorted(skipped - np.arange(len(skipped)), rows, side="right")
    breaks = np.zeros(table.num_rows, dtype=np.int64)
    # Finding the values that hold line breaks is costly; a file with one line per record has none.
    for column in table.columns if line_breaks_in_values else []:
        text = column.cast(pa.string()) if pa.types.is_dictionary(column.type) else column
        breaks += pc.count_substring(text, "\n").to_numpy(zero_copy_only=False).astype(np.int64)
    breaks_before = np.concatenate([[0], np.cumsum(breaks)])  # [i]: line breaks inside rows 0 .. i-1
    moved = [
        replace(r, line=r.line + int(breaks_before[np.searchsorted(numbers, r.line)])) if r.line > 0 else r
        for r in broken
    ]
    return pa.array(numbers + breaks_before[:-1]), moved


def without_blank_rows(grid: CsvGrid) -> CsvGrid:
    """A row with nothing in any cell (a blank line, or the empty rows under a sheet) is not a record."""
    if grid.table.num_rows == 0 or grid.table.num_columns == 0:
        return grid
    blank = pc.equal(pc.utf8_trim_whitespace(grid.table.column(0)), "")
    for column in grid.table.columns[1:]:
        # Most files have no blank rows: stop at the first column that leaves none blank.
        if not pc.any(blank).as_py():
            return grid
        blank = pc.and_(blank, pc.equal(pc.utf8_trim_whitespace(column), ""))
    keep = pc.invert(blank)
    return CsvGrid(
        name=grid.name,
        header=grid.header,
        table=grid.table.filter(keep),
        lines=grid.lines.filter(keep),
        broken=grid.broken,
        notes=grid.notes,
        line_breaks_in_values=grid.line_breaks_in_values,
    )
