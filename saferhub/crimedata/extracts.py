"""Local extracts: a force's or council's own crime or ASB data, read through a column mapping.

police.uk has no domestic, alcohol, hate or rural flags and no ASB types; partnerships get those from
their force's extracts, whose columns differ from force to force. A column mapping says which column
holds what. The analyst writes it once, as a TOML (or JSON) file the partnership keeps in version
control, and docs/crime-data.md documents it.

Every row is checked in bulk with Arrow. A row that fails a check is rejected with its file, line,
column and reason, as police.uk rows are; the rest become rows of the common crime table.
"""

import datetime as dt
import io
import json
import re
import tomllib
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import shapely
from django.conf import settings
from shapely import STRtree
from shapely.geometry import shape

from saferhub.crimedata import schema
from saferhub.crimedata.csvfiles import CsvGrid, Rejection, csv_grid, without_blank_rows
from saferhub.crimedata.input_errors import InputFileError
from saferhub.crimedata.models import SOURCE_MAX_LENGTH
from saferhub.crimedata.policeuk import LsoaIndex, ParsedFile
from saferhub.crimedata.sources import InputFile
from saferhub.geography import selectors as geography

ASB_TYPES = ("personal", "nuisance", "environmental")
EXTRACT_SUFFIXES = (".csv", ".xlsx")
DEFAULT_DATE_FORMAT = "%d/%m/%Y"
DEFAULT_MONTH_FORMAT = "%Y-%m"

# What a [columns] key names: the field of the crime table the column fills.
COLUMN_FIELDS = (
    "date",
    "month",
    "reference",
    "category",
    "subcategory",
    "lsoa",
    "longitude",
    "latitude",
    "location",
    *schema.FLAGS,
    "asb_type",
)
_TOP_LEVEL_KEYS = frozenset(
    {
        "slug",
        "name",
        "description",
        "source",
        "force",
        "date_format",
        "month_format",
        "sheet",
        "columns",
        "categories",
        "flags",
        "asb_types",
    }
)
_SLUG = re.compile(r"^[a-z0-9][a-z0-9-]*$")
_SOURCE = re.compile(r"^[a-z0-9][a-z0-9.-]*$")
_NUMBER = r"^-?\d+(\.\d+)?$"
_VALUE_SHOWN = 60  # a rejected value is quoted in the reason up to this many characters


class DefinitionFileError(Exception):
    """A mapping or indicator file that cannot be used. The message names the file and the key."""


class MappingError(DefinitionFileError):
    """A column mapping that cannot be used."""


@dataclass(frozen=True)
class ExtractMapping:
    """Which column of an extract holds what, and how to read its values."""

    slug: str
    name: str
    source: str
    force: str
    columns: dict[str, str]
    description: str = ""
    date_format: str = DEFAULT_DATE_FORMAT
    month_format: str = DEFAULT_MONTH_FORMAT
    sheet: str = ""
    fixed_category: str = ""
    category_map: dict[str, str] = field(default_factory=dict)
    keep_unmapped: bool = False
    flag_yes: tuple[str, ...] = ("Y",)
    flag_no: tuple[str, ...] = ("N",)
    asb_type_map: dict[str, str] = field(default_factory=dict)

    @property
    def locates_by_coordinates(self) -> bool:
        """Rows are placed in an LSOA by their coordinates: there are coordinates and no LSOA column."""
        return "longitude" in self.columns and "lsoa" not in self.columns


def document_load(
    text: str, *, name: str, what: str, error_type: type[DefinitionFileError] = MappingError
) -> dict[str, Any]:
    """A TOML document, or a JSON one: a file named .json, or text that starts with '{' (TOML never does).

    `what` and `name` start each error message."""
    if name.lower().endswith(".json") or text.lstrip().startswith("{"):
        try:
            document = json.loads(text)
        except json.JSONDecodeError as error:
            raise error_type(f"{what} {name}: not valid JSON ({error})") from error
        if not isinstance(document, dict):
            raise error_type(f"{what} {name}: not valid JSON (expected an object at the top)")
        return document
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise error_type(f"{what} {name}: not valid TOML ({error})") from error


def extract_mapping_read(path: Path) -> ExtractMapping:
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise MappingError(f"mapping {path.name}: cannot be read ({error})") from error
    return extract_mapping_parse(text, name=path.name)


def extract_mapping_parse(text: str, *, name: str) -> ExtractMapping:
    """Check a mapping file and build the mapping. Unknown keys are errors: a typo must not be ignored."""
    document = document_load(text, name=name, what="mapping")
    reader = TableReader(document, prefix=f"mapping {name}: ")
    reader.no_unknown_keys(_TOP_LEVEL_KEYS)
    slug = reader.text("slug", pattern=_SLUG)
    mapping_name = reader.text("name")
    source = _source(reader)
    force = reader.text("force", pattern=_SLUG)
    columns = _columns(reader.table("columns", required=True), prefix=reader.prefix)
    fixed_category, category_map, keep_unmapped = _categories(reader, columns)
    flag_yes, flag_no = _flag_values(reader)
    mapping = ExtractMapping(
        slug=slug,
        name=mapping_name,
        description=reader.text("description", required=False),
        source=source,
        force=force,
        columns=columns,
        date_format=reader.text("date_format", required=False) or DEFAULT_DATE_FORMAT,
        month_format=reader.text("month_format", required=False) or DEFAULT_MONTH_FORMAT,
        sheet=reader.text("sheet", required=False),
        fixed_category=fixed_category,
        category_map=category_map,
        keep_unmapped=keep_unmapped,
        flag_yes=flag_yes,
        flag_no=flag_no,
        asb_type_map=_asb_type_map(reader, columns),
    )
    _check_format(mapping.date_format, key="date_format", whole_date=True, prefix=reader.prefix)
    _check_format(mapping.month_format, key="month_format", whole_date=False, prefix=reader.prefix)
    return mapping


def _source(reader: "TableReader") -> str:
    source = reader.text("source", pattern=_SOURCE, hint="use lower-case letters, digits, dots and hyphens")
    if len(source) > SOURCE_MAX_LENGTH:
        raise reader.error(f"'source' is longer than {SOURCE_MAX_LENGTH} characters")
    if source.startswith("police.uk"):
        raise reader.error(f"'source' {source!r}: sources starting 'police.uk' are police.uk's own files")
    return source


def mapping_source_check(mapping: ExtractMapping, *, partnership_slug: str) -> None:
    """Raise MappingError unless the mapping's source is in the partnership's namespace ('<slug>.<name>').

    Sources are not partnership-scoped in the store, so a partnership's local extracts must never share a
    source with another's. Partnership slugs hold no dots, so a source that starts with one's own slug and
    a dot cannot be another's, and the refusal says nothing about what other partnerships hold.
    """
    prefix = f"{partnership_slug}."
    if not mapping.source.startswith(prefix) or mapping.source == prefix:
        raise MappingError(
            f"mapping {mapping.slug}: 'source' must start with {prefix!r} (your partnership's short name), "
            f"e.g. '{prefix}crime'"
        )


def _categories(reader: "TableReader", columns: dict[str, str]) -> tuple[str, dict[str, str], bool]:
    """The fixed category, or the table of categories and whether a value not in it is kept."""
    categories = TableReader(reader.table("categories"), prefix=f"{reader.prefix}[categories] ")
    categories.no_unknown_keys(frozenset({"fixed", "unmapped", "map"}))
    fixed = categories.text("fixed", required=False)
    if bool(fixed) == ("category" in columns):
        raise reader.error(
            "give the category either as a column ([columns] 'category') or as [categories] 'fixed', not both"
            if fixed
            else "[columns] has no 'category' (or give [categories] 'fixed' for an extract of one category)"
        )
    unmapped = categories.text("unmapped", required=False) or "reject"
    if unmapped not in {"reject", "keep"}:
        raise categories.error(f'\'unmapped\' is {unmapped!r}: use "reject" or "keep"')
    table = _value_table(categories.table("map"), prefix=f"{reader.prefix}[categories.map] ")
    if table and fixed:
        raise categories.error("has both 'fixed' and a 'map': a fixed category has nothing to map")
    return fixed, table, unmapped == "keep"


def _flag_values(reader: "TableReader") -> tuple[tuple[str, ...], tuple[str, ...]]:
    flags = TableReader(reader.table("flags"), prefix=f"{reader.prefix}[flags] ")
    flags.no_unknown_keys(frozenset({"yes", "no"}))
    yes = flags.text_list("yes") or ("Y",)
    no = flags.text_list("no") or ("N",)
    both = {value.lower() for value in yes} & {value.lower() for value in no}
    if both:
        raise flags.error(f"{', '.join(sorted(both))!r} is in both 'yes' and 'no'")
    return yes, no


def _asb_type_map(reader: "TableReader", columns: dict[str, str]) -> dict[str, str]:
    table = _value_table(reader.table("asb_types"), prefix=f"{reader.prefix}[asb_types] ")
    if table and "asb_type" not in columns:
        raise reader.error("[asb_types] is given but [columns] has no 'asb_type'")
    for value, asb_type in table.items():
        if asb_type not in ASB_TYPES:
            raise reader.error(
                f"[asb_types] {value!r} = {asb_type!r}: an ASB type is one of {', '.join(ASB_TYPES)}"
            )
    return table


class TableReader:
    """Typed reads of one table of a mapping or indicator file, with errors that name the key."""

    def __init__(
        self, table: dict[str, Any], *, prefix: str, error_type: type[DefinitionFileError] = MappingError
    ) -> None:
        self.values = table
        self.prefix = prefix
        self.error_type = error_type

    def error(self, message: str) -> DefinitionFileError:
        return self.error_type(f"{self.prefix}{message}")

    def no_unknown_keys(self, known: frozenset[str]) -> None:
        unknown = sorted(set(self.values) - known)
        if unknown:
            raise self.error(f"has an unknown key {unknown[0]!r} (the keys are: {', '.join(sorted(known))})")

    def text(
        self,
        key: str,
        *,
        required: bool = True,
        pattern: re.Pattern[str] | None = None,
        hint: str = "use lower-case letters, digits and hyphens",
    ) -> str:
        value = self.values.get(key, "")
        if not isinstance(value, str):
            raise self.error(f"{key!r} must be text, not {type(value).__name__}")
        value = value.strip()
        if required and not value:
            raise self.error(f"has no {key!r}")
        if pattern is not None and value and not pattern.match(value):
            raise self.error(f"{key!r} is {value!r}: {hint}")
        return value

    def text_list(self, key: str) -> tuple[str, ...]:
        value = self.values.get(key, [])
        if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
            raise self.error(f"{key!r} must be a list of text values")
        return tuple(item.strip() for item in value)

    def flag(self, key: str) -> bool:
        value = self.values.get(key, False)
        if not isinstance(value, bool):
            raise self.error(f"{key!r} must be true or false")
        return value

    def tables(self, key: str) -> list[dict[str, Any]]:
        """An array of tables: [[key]] in TOML, a list of objects in JSON."""
        value = self.values.get(key, [])
        if not isinstance(value, list) or not all(isinstance(item, dict) for item in value):
            raise self.error(f"{key!r} must be a list of tables ([[{key}]])")
        return value

    def table(self, key: str, *, required: bool = False) -> dict[str, Any]:
        if key not in self.values:
            if required:
                raise self.error(f"has no [{key}] table")
            return {}
        value = self.values[key]
        if not isinstance(value, dict):
            raise self.error(f"{key!r} must be a table")
        return value


def _columns(table: dict[str, Any], *, prefix: str) -> dict[str, str]:
    keys = TableReader(table, prefix=f"{prefix}[columns] ")
    keys.no_unknown_keys(frozenset(COLUMN_FIELDS))
    columns = {key: keys.text(key) for key in COLUMN_FIELDS if key in table}
    if "date" in columns and "month" in columns:
        raise keys.error("has both 'date' and 'month': give one")
    if "date" not in columns and "month" not in columns:
        raise keys.error("has no 'date' (or 'month', for an extract that gives months only)")
    if ("longitude" in columns) != ("latitude" in columns):
        raise keys.error("has only one of 'longitude' and 'latitude': give both or neither")
    return columns


def _value_table(table: dict[str, Any], *, prefix: str) -> dict[str, str]:
    """A table of the values an extract uses to the values stored; matched ignoring case and spaces."""
    mapped: dict[str, str] = {}
    seen: dict[str, str] = {}
    for value, to in table.items():
        if not isinstance(to, str) or not to.strip():
            raise MappingError(f"{prefix}{value!r} must map to text")
        key = value.strip().lower()
        if key in seen:
            raise MappingError(f"{prefix}{value!r} and {seen[key]!r} are the same value")
        seen[key] = value
        mapped[value.strip()] = to.strip()
    return mapped


def _check_format(text: str, *, key: str, whole_date: bool, prefix: str) -> None:
    """A format must read back what it writes: '%d/%m' loses the year, '%Y' the month."""
    sample = dt.datetime(2019, 12, 31) if whole_date else dt.datetime(2019, 12, 1)  # noqa: DTZ001 - a calendar date
    read_back = None
    # Without a year, strptime cannot read 29 February (and Python 3.15 will refuse such formats).
    if "%Y" in text or "%y" in text:
        try:
            read_back = dt.datetime.strptime(sample.strftime(text), text)  # noqa: DTZ007 - a calendar date
        except ValueError:
            read_back = None
    if read_back is None or read_back.date() != sample.date():
        raise MappingError(
            f"{prefix}{key!r} is {text!r}, which does not give a whole {'date' if whole_date else 'month'} "
            f"(for example {DEFAULT_DATE_FORMAT if whole_date else DEFAULT_MONTH_FORMAT!r})"
        )


def _format_shown(text: str) -> str:
    """'%d/%m/%Y' as a person reads it: 'dd/mm/yyyy'."""
    for directive, shown in (
        ("%d", "dd"),
        ("%m", "mm"),
        ("%Y", "yyyy"),
        ("%y", "yy"),
        ("%H", "hh"),
        ("%M", "mm"),
    ):
        text = text.replace(directive, shown)
    return text


def extract_file_read(
    file: InputFile,
    *,
    mapping: ExtractMapping,
    lsoas: LsoaIndex,
    boundaries: "LsoaBoundaries | None" = None,
) -> ParsedFile:
    """Parse and check one extract (CSV or XLSX). Raises InputFileError when the file as a whole is wrong.

    `boundaries` places rows by their coordinates when the mapping has no LSOA column.
    """
    data = file.read()
    if not data.strip():
        raise InputFileError(f"{file.name}: the file is empty")
    if file.name.lower().endswith(".xlsx"):
        grid = _xlsx_grid(data, name=file.name, mapping=mapping)
    else:
        grid = csv_grid(data, name=file.name)
    positions = _mapped_positions(grid, mapping)
    grid = without_blank_rows(grid)
    checked = _Checked(grid=grid, positions=positions, mapping=mapping, lsoas=lsoas, boundaries=boundaries)
    rejections = grid.broken + checked.rejections()
    rejections.sort(key=lambda r: r.line)
    table = checked.crime_rows()
    notes = grid.notes + (_placed_nowhere(table, name=file.name) if mapping.locates_by_coordinates else [])
    return ParsedFile(
        source=mapping.source,
        table=table,
        rejections=rejections,
        rows_read=grid.table.num_rows + len(grid.broken),
        notes=notes,
    )


def _placed_nowhere(table: pa.Table, *, name: str) -> list[str]:
    """A note of the rows whose coordinates lie in no boundary held: kept, they count for the force only."""
    has_point = pc.and_(pc.is_valid(table["longitude"]), pc.is_valid(table["latitude"]))
    count = pc.sum(pc.and_(has_point, pc.is_null(table["lsoa"]))).as_py()
    if not count:
        return []
    return [f"{name}: {count:,} rows have coordinates in no LSOA whose boundary is held; kept with no LSOA"]


def _xlsx_grid(data: bytes, *, name: str, mapping: ExtractMapping) -> CsvGrid:
    # openpyxl is imported here: only XLSX imports need it, and it is slow to import.
    from openpyxl import load_workbook

    # A workbook is a zip: refuse one that would unpack beyond the limit before the XML parser sees it.
    # (openpyxl parses with defusedxml, which is installed, so entity expansion attacks are refused too.)
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            unpacked = sum(member.file_size for member in archive.infolist())
    except zipfile.BadZipFile as error:
        raise InputFileError(f"{name}: not a readable XLSX workbook (BadZipFile)") from error
    if unpacked > settings.SAFERHUB_MAX_UNZIPPED_BYTES:
        raise InputFileError(f"{name}: refused, the workbook would unpack to more than the limit")
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as error:
        # A broken workbook fails deep in zipfile or the XML parser, in many ways: all mean the same.
        raise InputFileError(f"{name}: not a readable XLSX workbook ({type(error).__name__})") from error
    try:
        if mapping.sheet and mapping.sheet not in workbook.sheetnames:
            raise InputFileError(
                f"{name}: the workbook has no sheet {mapping.sheet!r} "
                f"(it has: {', '.join(workbook.sheetnames)})"
            )
        sheet = workbook[mapping.sheet] if mapping.sheet else workbook.worksheets[0]
        text = _cell_text_function(mapping)
        rows = [[text(value) for value in row] for row in sheet.iter_rows(values_only=True)]
    except InputFileError:
        raise
    except Exception as error:
        raise InputFileError(f"{name}: not a readable XLSX workbook ({type(error).__name__})") from error
    finally:
        workbook.close()
    if not rows or not any(cell.strip() for cell in rows[0]):
        raise InputFileError(f"{name}: the first sheet row, the header, is empty")
    header = [cell.strip() for cell in rows[0]]
    width = len(header)
    body = [(row + [""] * width)[:width] for row in rows[1:]]
    table = pa.table(
        {f"c{index}": pa.array([row[index] for row in body], pa.string()) for index in range(width)}
    )
    return CsvGrid(
        name=name,
        header=header,
        table=table,
        lines=pa.array(np.arange(2, len(body) + 2, dtype=np.int64)),
        broken=[],
        notes=[],
    )


def _cell_text_function(mapping: ExtractMapping) -> Callable[[Any], str]:
    """Cells as text, as the CSV of the same sheet would give them; a date cell in the mapping's format."""
    date_format = mapping.date_format if "date" in mapping.columns else mapping.month_format

    def text(value: Any) -> str:
        if value is None:
            return ""
        if isinstance(value, bool):
            return "TRUE" if value else "FALSE"
        if isinstance(value, dt.datetime | dt.date):
            return value.strftime(date_format)
        if isinstance(value, float) and value.is_integer():
            return str(int(value))  # a reference number Excel holds as 4.5e10 is 45010030128
        return str(value)

    return text


def _mapped_positions(grid: CsvGrid, mapping: ExtractMapping) -> dict[str, int]:
    """Where each mapped column is in the header: matched ignoring case and surrounding spaces."""
    found: dict[str, list[int]] = {}
    for index, cell in enumerate(grid.header):
        found.setdefault(cell.lower(), []).append(index)
    missing = [column for column in mapping.columns.values() if column.lower() not in found]
    if missing:
        raise InputFileError(
            f"{grid.name}: the header has no column {', '.join(repr(c) for c in missing)} "
            f"(mapping {mapping.slug}); it has: {', '.join(repr(c) for c in grid.header)[:500]}"
        )
    positions = {}
    for key, column in mapping.columns.items():
        if len(found[column.lower()]) > 1:
            raise InputFileError(f"{grid.name}: the header has the column {column!r} more than once")
        positions[key] = found[column.lower()][0]
    return positions


class _Checked:
    """One extract's rows, each rule applied in bulk. A row's first broken rule is why it is rejected."""

    def __init__(
        self,
        *,
        grid: CsvGrid,
        positions: dict[str, int],
        mapping: ExtractMapping,
        lsoas: LsoaIndex,
        boundaries: "LsoaBoundaries | None",
    ) -> None:
        self.grid = grid
        self.mapping = mapping
        self.lsoas = lsoas
        self.rows = grid.table.num_rows
        # (column name as the file has it, the reason for each row or null where the row is fine)
        self.failures: list[tuple[str, pa.Array]] = []
        self.text = {
            key: pc.utf8_trim_whitespace(grid.table.column(position)) for key, position in positions.items()
        }
        self.header = {key: grid.header[position] for key, position in positions.items()}
        self.values: dict[str, pa.Array] = {}
        self._dates()
        self._category()
        self._location(boundaries)
        for flag in schema.FLAGS:
            if flag in self.text:
                self._flag(flag)
        if "asb_type" in self.text:
            self._asb_type()

    def _fail(self, key: str, reasons: pa.Array) -> None:
        self.failures.append((self.header[key], reasons))

    def _reason(self, failed: pa.Array, key: str, before: str, after: str) -> pa.Array:
        """'before' + the value as typed (shortened) + 'after', where `failed`; null elsewhere."""
        if not pc.any(failed).as_py():
            return pa.nulls(self.rows, pa.string())
        shown = pc.utf8_slice_codeunits(self.text[key], 0, _VALUE_SHOWN)
        return pc.if_else(failed, pc.binary_join_element_wise(before, shown, after, ""), None)

    def _dates(self) -> None:
        key = "date" if "date" in self.text else "month"
        text_format = self.mapping.date_format if key == "date" else self.mapping.month_format
        values = self.text[key]
        # Dates repeat (a few thousand days in five years): parse each distinct text once, strictly.
        distinct = pc.unique(values)
        parsed = [_date_parsed(text, text_format) for text in distinct.to_pylist()]
        at = pc.index_in(values, value_set=distinct)
        dates = pc.take(pa.array([d if isinstance(d, dt.date) else None for d in parsed], pa.date32()), at)
        reasons = pc.take(pa.array([r if isinstance(r, str) else None for r in parsed], pa.string()), at)
        self._fail(key, reasons)
        self.values["date"] = dates if key == "date" else pa.nulls(self.rows, pa.date32())
        first_days = [d.replace(day=1) if isinstance(d, dt.date) else None for d in parsed]
        self.values["month"] = pc.take(pa.array(first_days, pa.date32()), at)

    def _category(self) -> None:
        if self.mapping.fixed_category:
            self.values["category"] = pa.array([self.mapping.fixed_category] * self.rows, pa.string())
            return
        values = self.text["category"]
        blank = pc.equal(values, "")
        self._fail("category", pc.if_else(blank, "no category given", None))
        if not self.mapping.category_map:
            self.values["category"] = values
            return
        mapped = _looked_up(values, self.mapping.category_map)
        if self.mapping.keep_unmapped:
            self.values["category"] = pc.coalesce(mapped, values)
            return
        unmapped = pc.and_(pc.is_null(mapped), pc.invert(blank))
        self._fail(
            "category", self._reason(unmapped, "category", "'", "' is not in the mapping's [categories.map]")
        )
        self.values["category"] = mapped

    def _location(self, boundaries: "LsoaBoundaries | None") -> None:
        for key in ("longitude", "latitude"):
            if key in self.text:
                self.values[key] = self._coordinate(key)
        if "lsoa" in self.text:
            codes = pc.utf8_upper(self.text["lsoa"])
            blank = pc.equal(codes, "")
            unknown = pc.and_(pc.invert(blank), pc.invert(self.lsoas.known(codes)))
            self._fail("lsoa", self._reason(unknown, "lsoa", "'", "' is not a known 2011 or 2021 LSOA code"))
            self.values["lsoa"] = pc.if_else(blank, None, codes)
        elif self.mapping.locates_by_coordinates:
            if boundaries is None:
                raise ValueError("a mapping that places rows by their coordinates needs the LSOA boundaries")
            self.values["lsoa"] = boundaries.lsoa_for_point(
                longitudes=self.values["longitude"], latitudes=self.values["latitude"]
            )
        else:
            self.values["lsoa"] = pa.nulls(self.rows, pa.string())
        self.values["lsoa_vintage"] = self.lsoas.vintages(self.values["lsoa"])

    def _coordinate(self, key: str) -> pa.Array:
        values = self.text[key]
        low, high = schema.LONGITUDE_RANGE if key == "longitude" else schema.LATITUDE_RANGE
        numbers = pc.cast(pc.if_else(pc.match_substring_regex(values, _NUMBER), values, None), pa.float64())
        in_range = pc.and_(pc.greater_equal(numbers, low), pc.less_equal(numbers, high))
        failed = pc.and_(pc.invert(pc.equal(values, "")), pc.fill_null(pc.invert(in_range), True))
        self._fail(key, self._reason(failed, key, "'", f"' is not a {key} in the UK's range"))
        return pc.if_else(failed, None, numbers)

    def _flag(self, flag: str) -> None:
        values = pc.utf8_lower(self.text[flag])
        yes = pc.is_in(values, value_set=pa.array([v.lower() for v in self.mapping.flag_yes], pa.string()))
        no = pc.is_in(values, value_set=pa.array([v.lower() for v in self.mapping.flag_no], pa.string()))
        neither = pc.invert(pc.or_(yes, no))
        listed = " or ".join(repr(v) for v in (*self.mapping.flag_yes, *self.mapping.flag_no))
        self._fail(flag, self._reason(neither, flag, "'", f"' is not a flag value: use {listed}"))
        self.values[flag] = pc.if_else(neither, None, yes)

    def _asb_type(self) -> None:
        values = self.text["asb_type"]
        known = self.mapping.asb_type_map or {asb_type: asb_type for asb_type in ASB_TYPES}
        mapped = _looked_up(values, known)
        failed = pc.and_(pc.is_null(mapped), pc.invert(pc.equal(values, "")))
        self._fail(
            "asb_type",
            self._reason(failed, "asb_type", "'", f"' is not an ASB type ({', '.join(known)})"),
        )
        self.values["asb_type"] = mapped

    def ok(self) -> pa.Array:
        failed_any = pa.array(np.zeros(self.rows, dtype=bool))
        for _, reasons in self.failures:
            failed_any = pc.or_(failed_any, pc.is_valid(reasons))
        return pc.invert(failed_any)

    def rejections(self) -> list[Rejection]:
        failed_any = pa.array(np.zeros(self.rows, dtype=bool))
        found = []
        for column, reasons in self.failures:
            failed = pc.is_valid(reasons)
            first = pc.and_(failed, pc.invert(failed_any))
            lines = self.grid.lines.filter(first).to_pylist()
            for line, reason in zip(lines, reasons.filter(first).to_pylist(), strict=True):
                found.append(Rejection(file=self.grid.name, line=line, column=column, reason=reason))
            failed_any = pc.or_(failed_any, failed)
        return found

    def crime_rows(self) -> pa.Table:
        ok = self.ok()
        rows = self.rows
        nulls = lambda typ: pa.nulls(rows, typ)  # noqa: E731
        text_or_null = lambda key: (  # noqa: E731
            pc.if_else(pc.equal(self.text[key], ""), None, self.text[key])
            if key in self.text
            else nulls(pa.string())
        )
        table = pa.table(
            {
                "source": pa.array([self.mapping.source] * rows, pa.string()),
                "force": pa.array([self.mapping.force] * rows, pa.string()),
                "month": self.values["month"],
                "date": self.values["date"],
                "reference": text_or_null("reference"),
                "crime_id": nulls(schema.CRIME_ID),
                "category": self.values["category"],
                "subcategory": text_or_null("subcategory"),
                "lsoa": self.values["lsoa"],
                "lsoa_vintage": self.values["lsoa_vintage"],
                "longitude": self.values.get("longitude", nulls(pa.float64())),
                "latitude": self.values.get("latitude", nulls(pa.float64())),
                "location": text_or_null("location"),
                "outcome": nulls(pa.string()),
                **{flag: self.values.get(flag, nulls(pa.bool_())) for flag in schema.FLAGS},
                "asb_type": self.values.get("asb_type", nulls(pa.string())),
            },
            schema=schema.CRIME_ROW,
        )
        return table.filter(ok)


def _looked_up(values: pa.Array, table: dict[str, str]) -> pa.Array:
    """Each value's entry in `table`, matched ignoring case; null where it has none."""
    keys = pa.array([key.lower() for key in table], pa.string())
    return pc.take(
        pa.array(list(table.values()), pa.string()), pc.index_in(pc.utf8_lower(values), value_set=keys)
    )


def _date_parsed(text: str, text_format: str) -> dt.date | str:
    """The date, or why it is not one. Python's strptime is strict where Arrow's rolls 31/02 on to 3 March."""
    try:
        return dt.datetime.strptime(text, text_format).date()  # noqa: DTZ007 - a calendar date
    except ValueError as error:
        shown = text[:_VALUE_SHOWN]
        if not text:
            return "no date given"
        if "out of range" in str(error):
            return f"'{shown}' is not a real date ({error})"
        expected = f"'{shown}' is not a date in the form {_format_shown(text_format)}"
        month_first = text_format.replace("%d", "\0").replace("%m", "%d").replace("\0", "%m")
        if "%d" in text_format and "%m" in text_format and _parses(text, month_first):
            return f"{expected}: it looks like a US date, month first"
        return expected


def _parses(text: str, text_format: str) -> bool:
    try:
        dt.datetime.strptime(text, text_format)  # noqa: DTZ007 - a calendar date
    except ValueError:
        return False
    return True


class LsoaBoundaries:
    """The 2021 LSOA boundaries, in a spatial index built once per import, to place rows by coordinates."""

    def __init__(self, boundaries: list[tuple[str, dict[str, Any]]]) -> None:
        boundaries = sorted(boundaries, key=lambda item: item[0])
        self.codes = pa.array([code for code, _ in boundaries], pa.string())
        self.tree = STRtree([shape(geometry) for _, geometry in boundaries])

    @classmethod
    def load(cls) -> "LsoaBoundaries":
        return cls(geography.lsoa21_boundaries())

    def lsoa_for_point(self, *, longitudes: pa.Array, latitudes: pa.Array) -> pa.Array:
        """The LSOA code each point lies in; null for a point with no coordinates or in no boundary held.

        A point on the line between two LSOAs is placed in the one whose code sorts first.
        """
        count = len(longitudes)
        lon = pc.fill_null(pc.cast(longitudes, pa.float64()), np.nan).to_numpy(zero_copy_only=False)
        lat = pc.fill_null(pc.cast(latitudes, pa.float64()), np.nan).to_numpy(zero_copy_only=False)
        placed = np.full(count, len(self.codes), dtype=np.int64)
        valid = ~(np.isnan(lon) | np.isnan(lat))
        if valid.any() and len(self.codes):
            points = shapely.points(lon[valid], lat[valid])
            point_index, area_index = self.tree.query(points, predicate="intersects")
            of_valid = np.full(int(valid.sum()), len(self.codes), dtype=np.int64)
            # Codes are sorted, so the lowest index is the code that sorts first.
            np.minimum.at(of_valid, point_index, area_index)
            placed[valid] = of_valid
        found = placed < len(self.codes)
        return pc.take(self.codes, pa.array(placed, mask=~found))
