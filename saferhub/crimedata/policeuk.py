"""Reading police.uk files: every row checked against the published schema, in bulk with Arrow.

A row that fails a check is rejected with its file, line, column and reason; the rest become rows of
the common crime table (schema.CRIME_ROW). Nothing is guessed or silently dropped.
"""

import binascii
import re
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from saferhub.crimedata import schema
from saferhub.crimedata.csvfiles import (
    CsvGrid,
    CsvHead,
    Opener,
    Rejection,
    csv_grid,
    csv_head,
    without_blank_rows,
)
from saferhub.crimedata.input_errors import InputFileError
from saferhub.crimedata.stopsearch import PointPlacer, stop_search_rows

# ASCII digits only: a month that passes must also be a date Arrow can read.
_MONTH_PATTERN = re.compile(r"^[0-9]{4}-(0[1-9]|1[0-2])$")
_NUMBER = r"^-?\d+(\.\d+)?$"
_FILE_FORCE = re.compile(r"(\d{4}-\d{2})-(?P<force>[a-z0-9-]+?)-(street|outcomes|stop-and-search)\.csv$")


@dataclass(frozen=True)
class LsoaIndex:
    """Every known LSOA code and its vintage (2011, 2021, or VINTAGE_BOTH).

    A national list has about 70,000 codes and a file uses a few hundred of them: each check looks up
    only the file's distinct codes, rather than building a hash of every code for every file.
    """

    vintage_by_code: dict[str, int]

    @classmethod
    def of(cls, lsoa_vintages: dict[str, int]) -> "LsoaIndex":
        return cls(vintage_by_code=lsoa_vintages)

    def _known_of(self, codes: pa.Array | pa.ChunkedArray) -> tuple[pa.Array, pa.Array]:
        distinct = pc.unique(codes).to_pylist()
        known = [code for code in distinct if code in self.vintage_by_code]
        return pa.array(known, pa.string()), pa.array([self.vintage_by_code[c] for c in known], pa.int16())

    def lookup(self, codes: pa.Array | pa.ChunkedArray) -> tuple[pa.Array, pa.Array]:
        """Both at once: whether each code is known, and its vintage."""
        known, vintages = self._known_of(codes)
        return pc.is_in(codes, value_set=known), pc.take(vintages, pc.index_in(codes, value_set=known))

    def known(self, codes: pa.Array | pa.ChunkedArray) -> pa.Array:
        """True where the code is a known LSOA (null codes are not)."""
        known, _ = self._known_of(codes)
        return pc.is_in(codes, value_set=known)

    def vintages(self, codes: pa.Array | pa.ChunkedArray) -> pa.Array:
        """Each code's vintage; null for a null or unknown code."""
        known, vintages = self._known_of(codes)
        return pc.take(vintages, pc.index_in(codes, value_set=known))


@dataclass
class ParsedFile:
    source: str
    table: pa.Table
    rejections: list[Rejection] = field(default_factory=list)
    rows_read: int = 0
    notes: list[str] = field(default_factory=list)


def file_kind(header: list[str]) -> str | None:
    """Which police.uk file this is, by its header; None when it is none of them."""
    if tuple(header) == schema.POLICEUK_STREET_HEADER:
        return schema.SOURCE_POLICEUK_STREET
    if tuple(header) == schema.POLICEUK_OUTCOMES_HEADER:
        return schema.SOURCE_POLICEUK_OUTCOMES
    if tuple(header[:3]) == schema.POLICEUK_STOP_SEARCH_HEADER_START:
        return schema.SOURCE_POLICEUK_STOP_SEARCH
    return None


def policeuk_file_read(
    source: bytes | Opener, *, name: str, lsoas: LsoaIndex, placer: PointPlacer | None = None
) -> ParsedFile:
    """Parse and check one police.uk CSV, given as its bytes or as a way to open it (read a buffer at a time:
    see csvfiles). Raises InputFileError when the file as a whole is wrong."""
    head = csv_head(source, name=name)
    if head.blank:
        raise InputFileError(f"{name}: the file is empty")
    kind = file_kind(head.header)
    if kind is None:
        raise InputFileError(
            f"{name}: not a police.uk file: the header is '{','.join(head.header)[:200]}', "
            f"expected '{','.join(schema.POLICEUK_STREET_HEADER)}'"
        )
    if kind in (schema.SOURCE_POLICEUK_STREET, schema.SOURCE_POLICEUK_OUTCOMES):
        quick = _street_or_outcomes_read(source, head=head, kind=kind, name=name, lsoas=lsoas)
        if quick is not None:
            return quick
    grid = without_blank_rows(csv_grid(source, name=name, head=head))
    table = grid.table.rename_columns(grid.header)
    if kind == schema.SOURCE_POLICEUK_STOP_SEARCH:
        return _stop_searches(table, grid=grid, name=name, lsoas=lsoas, placer=placer)
    type_column = "Crime type" if kind == schema.SOURCE_POLICEUK_STREET else "Outcome type"
    checked = _checked(table, type_column=type_column, kind=kind, lsoas=lsoas)
    return ParsedFile(
        source=kind,
        table=_crime_rows(
            table,
            checked,
            kind=kind,
            force=_force_of(name, table["Falls within"][0].as_py() if table.num_rows else None),
        ),
        rejections=_rejections(grid, checked.failures),
        rows_read=table.num_rows + len(grid.broken),
        notes=grid.notes,
    )


def _rejections(grid: CsvGrid, failures: list[tuple[int, str, str]]) -> list[Rejection]:
    """The rows the parser could not split and the rows that failed a check, in the order of the file."""
    lines = grid.lines.take(pa.array([index for index, _, _ in failures], pa.int64())).to_pylist()
    rejections = grid.broken + [
        Rejection(file=grid.name, line=line, column=column, reason=reason)
        for line, (_, column, reason) in zip(lines, failures, strict=True)
    ]
    rejections.sort(key=lambda r: r.line)
    return rejections


# Street and outcomes files, read the quick way: by position in police.uk's header, the columns of few
# values as dictionaries (each value checked once, and stored as it is), and the columns that are neither
# checked nor stored (Reported by, LSOA name, Context) split out of each row but not kept.
_DICTIONARY = pa.dictionary(pa.int32(), pa.string())
_ID, _MONTH, _FALLS_WITHIN, _LONGITUDE, _LATITUDE, _LOCATION, _LSOA, _TYPE, _LAST_OUTCOME = (
    0,
    1,
    3,
    4,
    5,
    6,
    7,
    9,
    10,
)
_QUICK_TYPES = {_MONTH: _DICTIONARY, _FALLS_WITHIN: _DICTIONARY, _LOCATION: _DICTIONARY, _LSOA: _DICTIONARY}
_QUICK_SKIPPED = (2, 8, 11)


def _street_or_outcomes_read(
    source: bytes | Opener, *, head: CsvHead, kind: str, name: str, lsoas: LsoaIndex
) -> ParsedFile | None:
    """A street or outcomes file read and checked column by column, each distinct value once.

    The result is the one the general reading (csv_grid, without_blank_rows, _checked, _crime_rows) gives,
    row for row and rejection for rejection, but for the table's types: its columns of few values are
    dictionary-encoded. None when this file needs the general reading: it cannot be parsed (the general
    reading says why), it may have blank rows (a blank month), which the general reading drops, or a quoted
    value holds a line break.
    """
    street = kind == schema.SOURCE_POLICEUK_STREET
    types = {**_QUICK_TYPES, _TYPE: _DICTIONARY}
    if street:
        types[_LAST_OUTCOME] = _DICTIONARY
    try:
        grid = csv_grid(source, name=name, head=head, types=types, skip=_QUICK_SKIPPED)
    except InputFileError:
        return None
    if grid.line_breaks_in_values:
        return None  # a line break in a column not kept would go uncounted in the rows' line numbers
    rows = grid.table.num_rows
    columns = {
        index: schema.as_one_array(grid.table.column(f"c{index}"))
        for index in (_ID, _MONTH, _FALLS_WITHIN, _LONGITUDE, _LATITUDE, _LOCATION, _LSOA, _TYPE)
    }
    outcome = schema.as_one_array(grid.table.column(f"c{_LAST_OUTCOME}")) if street else columns[_TYPE]
    month, lsoa = columns[_MONTH], columns[_LSOA]
    if _any_value(month, _is_blank):
        return None
    lon, lat = _numbers(columns[_LONGITUDE]), _numbers(columns[_LATITUDE])
    vintage_of = lsoas.vintage_by_code
    codes = lsoa.dictionary.to_pylist()
    blank_codes = [_is_blank(code) for code in codes]
    known_types = schema.POLICEUK_CRIME_TYPES | schema.POLICEUK_LEGACY_CRIME_TYPES
    rules: list[tuple[str, str, pa.Array | None]] = [
        (
            "Month",
            "month is not in the form YYYY-MM",
            _rows_where(month, lambda value: _MONTH_PATTERN.match(value) is None),
        ),
        ("Falls within", "no force named", _rows_where(columns[_FALLS_WITHIN], _is_blank)),
        (
            "Longitude",
            "longitude is not a number in the UK's range",
            _outside(columns[_LONGITUDE], lon, *schema.LONGITUDE_RANGE),
        ),
        (
            "Latitude",
            "latitude is not a number in the UK's range",
            _outside(columns[_LATITUDE], lat, *schema.LATITUDE_RANGE),
        ),
        (
            "LSOA code",
            "LSOA code is not a known 2011 or 2021 LSOA",
            _rows_of(
                lsoa,
                [
                    not blank and code not in vintage_of
                    for code, blank in zip(codes, blank_codes, strict=True)
                ],
            ),
        ),
        (
            (
                "Crime type",
                "not a police.uk crime type",
                _rows_where(columns[_TYPE], lambda v: v not in known_types),
            )
            if street
            else ("Outcome type", "no outcome given", _rows_where(columns[_TYPE], _is_blank))
        ),
    ]
    ok, failures = _failures(rules, rows)
    falls_within = columns[_FALLS_WITHIN]
    force = _force_of(name, None if rows == 0 else falls_within.dictionary[falls_within.indices[0]].as_py())
    dates = pa.array(
        [f"{value}-01" if _MONTH_PATTERN.match(value) else None for value in month.dictionary.to_pylist()],
        pa.string(),
    ).cast(pa.date32())
    vintages = pa.array([vintage_of.get(code) for code in codes], pa.int16())
    table = pa.table(
        {
            "source": _repeated(kind, rows),
            "force": _repeated(force, rows),
            "month": dates.take(month.indices),
            "date": pa.nulls(rows, pa.date32()),
            "category": columns[_TYPE] if street else _repeated("Outcome", rows),
            "subcategory": pa.nulls(rows, pa.string()),
            "lsoa": _null_where(lsoa, _rows_of(lsoa, blank_codes)),
            "lsoa_vintage": vintages.take(lsoa.indices),
            "longitude": lon,
            "latitude": lat,
            "location": _null_where(columns[_LOCATION], _rows_empty(columns[_LOCATION])),
            "outcome": _null_where(outcome, _rows_empty(outcome)),
            "domestic": pa.nulls(rows, pa.bool_()),
            "alcohol": pa.nulls(rows, pa.bool_()),
            "hate": pa.nulls(rows, pa.bool_()),
            "rural": pa.nulls(rows, pa.bool_()),
            "asb_type": pa.nulls(rows, pa.string()),
        }
    )
    if ok is not None:
        table = table.filter(ok)
    # From the rows kept, as the general reading does: a rejected row's ID does not decide how the rest are
    # stored.
    for name, column in _crime_ids(columns[_ID] if ok is None else columns[_ID].filter(ok)).items():
        table = table.add_column(schema.CRIME_ROW.get_field_index(name), name, column)
    return ParsedFile(
        source=kind,
        table=table,
        rejections=_rejections(grid, failures),
        rows_read=rows + len(grid.broken),
        notes=grid.notes,
    )


def _any_value(column: pa.DictionaryArray, test: Callable[[str], bool]) -> bool:
    return any(test(value) for value in column.dictionary.to_pylist())


def _rows_where(column: pa.DictionaryArray, test: Callable[[str], bool]) -> pa.Array | None:
    """True where `test` holds for the row's value, testing each distinct value once; None where it holds
    for no row."""
    return _rows_of(column, [test(value) for value in column.dictionary.to_pylist()])


def _rows_of(column: pa.DictionaryArray, of_values: list[bool]) -> pa.Array | None:
    """True where the row's value is one that `of_values` (a flag for each dictionary value) marks; None
    where no row's is."""
    if not any(of_values):
        return None
    return pa.array(of_values, pa.bool_()).take(column.indices)


def _rows_empty(column: pa.DictionaryArray) -> pa.Array | None:
    """True where the row's value is the empty string; None where no row's is."""
    empty = pc.equal(column.dictionary, "")
    if not pc.any(empty).as_py():
        return None
    return empty.take(column.indices)


def _null_where(column: pa.DictionaryArray, rows: pa.Array | None) -> pa.DictionaryArray:
    """The column with null in the given rows (None: in no row)."""
    if rows is None:
        return column
    return pa.DictionaryArray.from_arrays(pc.if_else(rows, None, column.indices), column.dictionary)


def _empty_as_null(column: pa.StringArray | pa.ChunkedArray) -> pa.StringArray | pa.ChunkedArray:
    """The column with null where it is empty, sharing the column's text rather than copying it."""
    given = pc.not_equal(pc.binary_length(column), 0)
    if not isinstance(column, pa.StringArray) or column.offset or column.null_count or given.offset:
        return pc.if_else(given, column, None)
    if given.false_count == 0:
        return column
    _, offsets, text = column.buffers()
    return pa.StringArray.from_buffers(len(column), offsets, text, given.buffers()[1])


def _crime_ids(ids: pa.StringArray) -> dict[str, pa.Array]:
    """The reference and crime_id columns of a file's Crime IDs (see schema.CRIME_ID).

    IDs are 64 hex digits or blank (anti-social behaviour has none). They are read as one run of digits:
    the file's IDs, end to end, are the text between the first and last offsets of the column.
    """
    rows = len(ids)
    as_text = {"reference": _empty_as_null(ids), "crime_id": pa.nulls(rows, schema.CRIME_ID)}
    if not pa.types.is_string(ids.type):
        return as_text
    if ids.null_count:
        ids = pc.fill_null(ids, "")
    lengths = pc.binary_length(ids).to_numpy(zero_copy_only=False)
    given = lengths != 0
    if not given.any() or not np.all(lengths[given] == _CRIME_ID_DIGITS):
        return as_text
    _, offsets, text = ids.buffers()
    bounds = np.frombuffer(offsets, np.int32, rows + 1, 4 * ids.offset)
    digits = text.slice(int(bounds[0]), int(bounds[-1] - bounds[0]))
    try:
        raw = binascii.unhexlify(digits)
    except binascii.Error:
        return as_text
    if not pa.py_buffer(binascii.hexlify(raw)).equals(digits):  # capitals: kept as written
        return as_text
    packed = pa.FixedSizeBinaryArray.from_buffers(
        schema.CRIME_ID, int(given.sum()), [None, pa.py_buffer(raw)]
    )
    if not given.all():
        # Each row's ID is the next of the packed ones, or none.
        packed = packed.take(pa.array(np.cumsum(given) - 1, pa.int64(), mask=~given))
    return {"reference": pa.nulls(rows, pa.string()), "crime_id": packed}


_CRIME_ID_DIGITS = 64


def _repeated(value: str, rows: int) -> pa.DictionaryArray:
    return pa.DictionaryArray.from_arrays(pa.array(np.zeros(rows, np.int32)), pa.array([value], pa.string()))


def _failures(
    rules: list[tuple[str, str, pa.Array | None]], rows: int
) -> tuple[pa.Array | None, list[tuple[int, str, str]]]:
    """Which rows pass every rule (None when all do), and each failing row's first broken rule by index."""
    failed_any: pa.Array | None = None
    failures: list[tuple[int, str, str]] = []
    for column, reason, failed in rules:
        if failed is None:
            continue
        failed = pc.fill_null(failed, True)
        if not pc.any(failed).as_py():
            continue
        new = failed if failed_any is None else pc.and_(failed, pc.invert(failed_any))
        failures.extend((index, column, reason) for index in pc.indices_nonzero(new).to_pylist())
        failed_any = failed if failed_any is None else pc.or_(failed_any, failed)
    return (None if failed_any is None else pc.invert(failed_any)), failures


def _stop_searches(
    table: pa.Table, *, grid: CsvGrid, name: str, lsoas: LsoaIndex, placer: PointPlacer | None
) -> ParsedFile:
    match = _FILE_FORCE.search(name.rsplit("/", 1)[-1])
    if match is None:
        # A stop-and-search file names no force in its rows: only police.uk's file name says whose it is.
        raise InputFileError(
            f"{name}: a police.uk stop-and-search file must keep police.uk's name, "
            "YYYY-MM-<force>-stop-and-search.csv, which says whose searches they are"
        )
    lon, lat = _numbers(table["Longitude"]), _numbers(table["Latitude"])
    rows, rejections = stop_search_rows(
        table,
        name=name,
        lines=grid.lines.to_pylist(),
        force=match.group("force"),
        numbers=(lon, lat),
        outside=(
            _outside(table["Longitude"], lon, *schema.LONGITUDE_RANGE),
            _outside(table["Latitude"], lat, *schema.LATITUDE_RANGE),
        ),
        lsoa_vintages=lsoas.vintage_by_code,
        placer=placer,
    )
    notes = list(grid.notes)
    if placer is None and rows.num_rows:
        notes.append(f"{name}: no LSOA boundaries are held, so its searches count for the force only")
    return ParsedFile(
        source=schema.SOURCE_POLICEUK_STOP_SEARCH,
        table=rows,
        rejections=sorted(grid.broken + rejections, key=lambda r: r.line),
        rows_read=table.num_rows + len(grid.broken),
        notes=notes,
    )


@dataclass
class _Checks:
    ok: pa.BooleanArray
    failures: list[tuple[int, str, str]]
    longitude: pa.Array
    latitude: pa.Array
    lsoa_vintages: pa.Array


def _where_distinct(column: pa.ChunkedArray, test: Callable[[str], bool]) -> pa.Array:
    """True where `test` holds for the value. A column of few distinct values (months, forces, crime
    types, LSOAs) is tested once per distinct value, not once per row."""
    passing = [value for value in pc.unique(column).to_pylist() if value is not None and test(value)]
    return pc.is_in(column, value_set=pa.array(passing, pa.string()))


def _is_blank(value: str) -> bool:
    return not value.strip()


def _numbers(column: pa.ChunkedArray) -> pa.Array:
    """The column as numbers, null where blank or not a number. Clean files take the fast path."""
    blank_as_null = _empty_as_null(column)
    try:
        return pc.cast(blank_as_null, pa.float64())
    except pa.ArrowInvalid:
        return pc.cast(pc.if_else(pc.match_substring_regex(column, _NUMBER), column, None), pa.float64())


def _checked(table: pa.Table, *, type_column: str, kind: str, lsoas: LsoaIndex) -> _Checks:
    """Each rule, in bulk; the first rule a row breaks is the reason it is rejected."""
    lon, lat = _numbers(table["Longitude"]), _numbers(table["Latitude"])
    lsoa_blank = _where_distinct(table["LSOA code"], _is_blank)
    lsoa_known, lsoa_vintages = lsoas.lookup(table["LSOA code"])
    known_types = schema.POLICEUK_CRIME_TYPES | schema.POLICEUK_LEGACY_CRIME_TYPES
    rules: list[tuple[str, str, pa.Array]] = [
        (
            "Month",
            "month is not in the form YYYY-MM",
            pc.invert(_where_distinct(table["Month"], lambda value: _MONTH_PATTERN.match(value) is not None)),
        ),
        (
            "Falls within",
            "no force named",
            _where_distinct(table["Falls within"], lambda value: not value.strip()),
        ),
        (
            "Longitude",
            "longitude is not a number in the UK's range",
            _outside(table["Longitude"], lon, *schema.LONGITUDE_RANGE),
        ),
        (
            "Latitude",
            "latitude is not a number in the UK's range",
            _outside(table["Latitude"], lat, *schema.LATITUDE_RANGE),
        ),
        (
            "LSOA code",
            "LSOA code is not a known 2011 or 2021 LSOA",
            pc.and_(pc.invert(lsoa_blank), pc.invert(lsoa_known)),
        ),
    ]
    if kind == schema.SOURCE_POLICEUK_STREET:
        rules.append(
            (
                type_column,
                "not a police.uk crime type",
                pc.invert(pc.is_in(table[type_column], pa.array(known_types))),
            )
        )
    else:
        rules.append(
            (
                type_column,
                "no outcome given",
                _where_distinct(table[type_column], lambda value: not value.strip()),
            )
        )
    ok, failures = _failures(list(rules), table.num_rows)
    return _Checks(
        ok=pa.repeat(True, table.num_rows) if ok is None else ok,
        failures=failures,
        longitude=lon,
        latitude=lat,
        lsoa_vintages=lsoa_vintages,
    )


def _outside(text: pa.ChunkedArray, values: pa.Array, low: float, high: float) -> pa.Array:
    """True where a coordinate is given but is not a number between low and high."""
    given = pc.not_equal(text, "")
    return pc.and_(given, pc.fill_null(pc.invert(_between(values, low, high)), True))


def _between(values: pa.Array, low: float, high: float) -> pa.Array:
    return pc.and_(pc.greater_equal(values, low), pc.less_equal(values, high))


def _force_of(name: str, falls_within: str | None) -> str:
    """The force slug police.uk uses in its file names, or one made from the first row's 'Falls within'."""
    match = _FILE_FORCE.search(name.rsplit("/", 1)[-1])
    if match:
        return match.group("force")
    return force_slug(falls_within) if falls_within is not None else "unknown"


def force_slug(force_name: str) -> str:
    """'Leicestershire Police' -> 'leicestershire', 'Devon & Cornwall Police' -> 'devon-and-cornwall'."""
    text = force_name.lower().replace("&", " and ")
    for suffix in (" police service", " constabulary", " police"):
        text = text.removesuffix(suffix)
    return re.sub(r"[^a-z0-9]+", "-", text).strip("-")


def _crime_rows(all_rows: pa.Table, checked: _Checks, *, kind: str, force: str) -> pa.Table:
    table = all_rows.filter(checked.ok)
    rows = table.num_rows
    nulls = lambda typ: pa.nulls(rows, typ)  # noqa: E731
    month = pc.cast(pc.binary_join_element_wise(table["Month"], "-01", ""), pa.date32())
    lsoa = pc.if_else(pc.equal(pc.utf8_trim_whitespace(table["LSOA code"]), ""), None, table["LSOA code"])
    outcome_column = "Last outcome category" if kind == schema.SOURCE_POLICEUK_STREET else "Outcome type"
    category = table["Crime type"] if kind == schema.SOURCE_POLICEUK_STREET else pa.repeat("Outcome", rows)
    empty_as_null = lambda column: pc.if_else(pc.equal(column, ""), None, column)  # noqa: E731
    return pa.table(
        {
            "source": pa.repeat(kind, rows),
            "force": pa.repeat(force, rows),
            "month": month,
            "date": nulls(pa.date32()),
            **_crime_ids(schema.as_one_array(table["Crime ID"])),
            "category": category,
            "subcategory": nulls(pa.string()),
            "lsoa": lsoa,
            "lsoa_vintage": checked.lsoa_vintages.filter(checked.ok),
            "longitude": checked.longitude.filter(checked.ok),
            "latitude": checked.latitude.filter(checked.ok),
            "location": empty_as_null(table["Location"]),
            "outcome": empty_as_null(table[outcome_column]),
            "domestic": nulls(pa.bool_()),
            "alcohol": nulls(pa.bool_()),
            "hate": nulls(pa.bool_()),
            "rural": nulls(pa.bool_()),
            "asb_type": nulls(pa.string()),
        },
        schema=schema.CRIME_ROW,
    )
