"""Reading a CSV file as text, exactly: encoding, BOM, broken rows, and the line each row starts on.

Every source's reader starts here, so a rejected row's line number means the same thing everywhere:
the line a person sees when they open the file in a text editor.

A file is read as a stream, READ_BUFFER_BYTES at a time, whatever its size: a member of a zip is never
unpacked whole. What must be known before parsing (the encoding, and whether a quoted value may hold a line
break) is decided from the first buffer, which is the whole file for any one force's month; a longer file
whose later bytes are not UTF-8 is read again as Windows-1252, as a file that fits the buffer would be.
"""

import codecs
import csv
import io
import re
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass, replace
from typing import BinaryIO

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

from saferhub.crimedata.input_errors import InputFileError


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


# How much of a file is read at a time: one block of the parser, and the first look at the file.
READ_BUFFER_BYTES = 16 << 20

Opener = Callable[[], BinaryIO]


def opener_of(source: bytes | Opener) -> Opener:
    """How to open a file given as its bytes or as a way to open it (a zip member, a file on disk)."""
    if isinstance(source, bytes):
        return lambda: io.BytesIO(source)
    return source


def _first_not_encoded(data: bytes, encoding: str, *, final: bool) -> int | None:
    """The offset of the first byte that is not `encoding`, or None. Not final: the bytes may end in the
    middle of a character, which is not an error."""
    if data.isascii():  # most files, and ten times quicker to tell than decoding
        return None
    try:
        codecs.getincrementaldecoder(encoding)().decode(data, final=final)
    except UnicodeDecodeError as error:
        return error.start
    return None


def _not_utf8_or_cp1252(name: str, line: int) -> InputFileError:
    return InputFileError(
        f"{name}: not UTF-8 (line {line}) and not Windows-1252 either: save it as UTF-8 CSV"
    )


def _read_note(name: str, line: int) -> str:
    return f"{name}: not UTF-8 (first at line {line}); read as Windows-1252"


@dataclass(frozen=True)
class CsvHead:
    """What the first buffer of a file says: the encoding to read it with, the header's cells, any notes.

    `first` is that buffer (the whole file when `whole`). `blank` is whether the whole file is empty or
    white space.
    """

    encoding: str
    header: list[str]
    notes: list[str]
    first: bytes
    whole: bool
    blank: bool


def _first_buffer(stream: BinaryIO) -> tuple[bytes, bool]:
    """Up to READ_BUFFER_BYTES of the stream, and whether that is all of it."""
    parts: list[bytes] = []
    size = 0
    while size < READ_BUFFER_BYTES:
        part = stream.read(READ_BUFFER_BYTES - size)
        if not part:
            return b"".join(parts), True
        parts.append(part)
        size += len(part)
    return b"".join(parts), not stream.read(1)


def csv_head(source: bytes | Opener, *, name: str) -> CsvHead:
    with opener_of(source)() as stream:
        first, whole = _first_buffer(stream)
    encoding, notes = "utf8", []
    bad = _first_not_encoded(first, "utf-8", final=whole)
    if bad is not None:
        line = first.count(b"\n", 0, bad) + 1
        if _first_not_encoded(first, "cp1252", final=True) is not None:
            raise _not_utf8_or_cp1252(name, line)
        encoding, notes = "cp1252", [_read_note(name, line)]
    end = first.find(b"\n")  # not splitting the whole file to find its first line
    first_line = re.split(rb"\r\n|\r|\n", first if end < 0 else first[: end + 1], maxsplit=1)[0]
    text = first_line.decode("utf-8-sig" if encoding == "utf8" else "cp1252", errors="replace")
    try:
        header = [cell.strip() for cell in next(csv.reader([text]), [])]
    except csv.Error as error:
        raise InputFileError(f"{name}: the header row cannot be read as CSV ({error})") from error
    return CsvHead(
        encoding=encoding,
        header=header,
        notes=notes,
        first=first,
        whole=whole,
        blank=whole and (not first or first.isspace()),
    )


class _NotUtf8(Exception):
    """A file read as UTF-8 from its first buffer has a later byte that is not: read it again."""

    def __init__(self, line: int) -> None:
        super().__init__(line)
        self.line = line


class _Tally:
    """What the parser reads of a file longer than the first buffer: its bytes, each buffer checked to be
    in the file's encoding, with the lines and quotes counted, and a line ending added after a last line
    that has none."""

    def __init__(self, stream: BinaryIO, *, head: CsvHead, name: str, utf8_failed_at: int | None) -> None:
        self._stream = stream
        self._name = name
        self._encoding = "utf-8" if head.encoding == "utf8" else head.encoding
        self._decoder = codecs.getincrementaldecoder(self._encoding)()
        self._utf8_failed_at = utf8_failed_at
        self._ended = False
        self._last = b""  # the last byte given
        self.lines = 0
        self.quoted = False
        self.closed = False

    def read(self, size: int = -1) -> bytes:
        if self._ended:
            return b""
        data = self._stream.read(size)
        self._check(self._decoder, data, final=not data)
        if not data:
            self._ended = True
            data = b"" if self._last == b"\n" else b"\n"
        self.quoted = self.quoted or b'"' in data
        self.lines += data.count(b"\n")
        self._last = data[-1:] or self._last
        return data

    def _check(self, decoder: codecs.IncrementalDecoder, data: bytes, *, final: bool) -> None:
        pending = len(decoder.getstate()[0])  # the start of a character the last buffer ended in
        if data.isascii() and not pending:
            return
        try:
            decoder.decode(data, final=final)
        except UnicodeDecodeError as error:
            line = self.lines + data.count(b"\n", 0, max(error.start - pending, 0)) + 1
            if self._encoding == "utf-8":
                raise _NotUtf8(line) from error
            raise _not_utf8_or_cp1252(self._name, self._utf8_failed_at or line) from error

    def close(self) -> None:
        self._stream.close()
        self.closed = True


def csv_grid(
    source: bytes | Opener,
    *,
    name: str,
    head: CsvHead | None = None,
    types: Mapping[int, pa.DataType] | None = None,
    skip: Collection[int] = (),
) -> CsvGrid:
    """The file's rows, one column per header cell, named c0, c1, ...: strings, unless `types` gives a
    column another (a dictionary of strings, for a column of few values). Columns in `skip` are split out
    of each row but not kept: the table has no column for them.

    The file is read READ_BUFFER_BYTES at a time (see the module's note)."""
    head = head or csv_head(source, name=name)
    try:
        return _grid_read(
            opener_of(source), name=name, head=head, types=types, skip=skip, utf8_failed_at=None
        )
    except _NotUtf8 as restart:
        cp1252 = replace(head, encoding="cp1252", notes=[*head.notes, _read_note(name, restart.line)])
        return _grid_read(
            opener_of(source), name=name, head=cp1252, types=types, skip=skip, utf8_failed_at=restart.line
        )


def _grid_read(
    opener: Opener,
    *,
    name: str,
    head: CsvHead,
    types: Mapping[int, pa.DataType] | None,
    skip: Collection[int],
    utf8_failed_at: int | None,
) -> CsvGrid:
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
    # A file longer than the first buffer may have one further on.
    newlines_in_values = b'"' in head.first or not head.whole
    column_types = dict.fromkeys(names, pa.string())
    for index, kind in (types or {}).items():
        column_types[names[index]] = kind
    stream: BinaryIO | pa.NativeFile
    if head.whole:
        # The whole file is in hand, checked: the parser reads it where it lies. A header with no line ending
        # after it would be "too short" to skip: give it one.
        whole = head.first if head.first.endswith(b"\n") else head.first + b"\n"
        stream = pa.BufferReader(whole)

        def lines_when_quoted() -> int | None:
            return whole.count(b"\n") if newlines_in_values else None

    else:
        tally = _Tally(opener(), head=head, name=name, utf8_failed_at=utf8_failed_at)
        stream = tally

        def lines_when_quoted() -> int | None:
            return tally.lines if tally.quoted else None

    try:
        table = pacsv.open_csv(
            stream,
            read_options=pacsv.ReadOptions(
                use_threads=False,
                encoding=head.encoding,
                column_names=names,
                skip_rows=1,
                # A file that fits the buffer as one block: one chunk per column, and one dictionary.
                block_size=max(1 << 20, len(head.first) + 2) if head.whole else READ_BUFFER_BYTES,
            ),
            # Blank lines are kept as rows (and dropped later), so that every row's line number is right.
            parse_options=pacsv.ParseOptions(
                invalid_row_handler=on_invalid_row,
                ignore_empty_lines=False,
                newlines_in_values=newlines_in_values,
            ),
            convert_options=pacsv.ConvertOptions(
                column_types=column_types,
                strings_can_be_null=False,
                # Each buffer was checked as UTF-8 (or it is read as Windows-1252 and transcoded): checking
                # every value again is a tenth of the parse for nothing.
                check_utf8=False,
                include_columns=[n for index, n in enumerate(names) if index not in skip] if skip else [],
            ),
        ).read_all()
    except pa.ArrowException as error:
        raise InputFileError(f"{name}: cannot be read as CSV ({error})") from error
    finally:
        stream.close()
    # Counting the file's lines is needed only when a quoted value might hold a line break.
    records = 1 + table.num_rows + len(broken)
    lines_given = lines_when_quoted()
    line_breaks_in_values = lines_given is not None and lines_given != records
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
