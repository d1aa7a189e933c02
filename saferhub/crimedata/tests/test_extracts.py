"""Local extracts: the mapping file, reading CSV and XLSX through it, every bad file and row, the import."""

import csv
import datetime as dt
import io
import json
import re
import tomllib
from pathlib import Path

import openpyxl
import pyarrow.parquet as pq
import pytest
from django.core.management import call_command
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from saferhub.audit.models import AuditEvent
from saferhub.crimedata.extracts import (
    ExtractMapping,
    MappingError,
    extract_file_read,
    extract_mapping_parse,
    extract_mapping_read,
)
from saferhub.crimedata.importing import ImportRefused
from saferhub.crimedata.input_errors import InputFileError
from saferhub.crimedata.models import ColumnMapping, ImportRun, Partition
from saferhub.crimedata.policeuk import LsoaIndex
from saferhub.crimedata.services import column_mapping_save, extract_import
from saferhub.crimedata.sources import InputFile
from saferhub.crimedata.tests.factories import ColumnMappingFactory
from saferhub.geography.models import Area
from saferhub.partnerships.tests.factories import PartnershipFactory

MAPPINGS = Path(__file__).resolve().parents[1] / "mappings"
DATA = Path(__file__).resolve().parents[3] / "data"
LOCAL = DATA / "local" if (DATA / "local").exists() else Path("/work/shared/data/local")
CRIME_EXTRACT, ASB_EXTRACT = LOCAL / "nwl-crime-extract.csv", LOCAL / "nwl-asb-incidents.csv"

CRIME = extract_mapping_read(MAPPINGS / "nwl-crime.toml")
ASB = extract_mapping_read(MAPPINGS / "nwl-asb.toml")
# The demo's North West Leicestershire partnership, whose sources the shipped mappings name.
NWL_SLUG = "north-west-leicestershire"
NWL_CRIME, NWL_ASB = f"{NWL_SLUG}.crime", f"{NWL_SLUG}.asb"
LSOAS = LsoaIndex.of({"E01025924": 2011, "E01033102": 2011, "E02000001": 0})
HEADER = (
    "Crime Reference,Recorded Date,Offence Group,Offence Subgroup,LSOA Code,"
    "Domestic Flag,Alcohol Flag,Hate Flag,Rural Flag\n"
)
GOOD = "45010030128,03/12/2018,Theft offences,Theft of a motor vehicle,E01025924,N,N,N,Y\n"
NAME = "extract.csv"


def _read(data: bytes, *, mapping: ExtractMapping = CRIME, name: str = NAME):
    return extract_file_read(
        InputFile(name=name, open=lambda: io.BytesIO(data), size=len(data)), mapping=mapping, lsoas=LSOAS
    )


def _rejections(parsed) -> list[tuple[int, str, str]]:
    return [(r.line, r.column, r.reason) for r in parsed.rejections]


def _mapping_text(**changes) -> str:
    """The shipped crime mapping as a dict, changed: a value of None removes the key."""
    document = tomllib.loads((MAPPINGS / "nwl-crime.toml").read_text())
    for path, value in changes.items():
        *tables, key = path.split("__")
        table = document
        for name in tables:
            table = table.setdefault(name, {})
        if value is None:
            table.pop(key, None)
        else:
            table[key] = value
    return json.dumps(document)


# The mapping file


def test_the_shipped_mappings_read_the_nwl_extracts():
    assert (CRIME.source, CRIME.force, CRIME.date_format) == (NWL_CRIME, "leicestershire", "%d/%m/%Y")
    assert ASB.source == NWL_ASB
    assert CRIME.columns["category"] == "Offence Group"
    assert ASB.fixed_category == "Anti-social behaviour"
    assert ASB.asb_type_map == {
        "Personal": "personal",
        "Nuisance": "nuisance",
        "Environmental": "environmental",
    }


def test_a_mapping_may_be_json():
    as_json = extract_mapping_parse(_mapping_text(), name="nwl-crime.json")
    assert as_json == CRIME


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        (
            {"columns__date": None},
            "[columns] has no 'date' (or 'month', for an extract that gives months only)",
        ),
        (
            {"columns__dat": "Recorded Date"},
            "[columns] has an unknown key 'dat' (the keys are: alcohol, asb_type, category, date, domestic, "
            "hate, latitude, location, longitude, lsoa, month, reference, rural, subcategory)",
        ),
        (
            {"columns__month": "Month"},
            "[columns] has both 'date' and 'month': give one",
        ),
        (
            {"columns__longitude": "Easting"},
            "[columns] has only one of 'longitude' and 'latitude': give both or neither",
        ),
        (
            {"forse": "leicestershire"},
            "has an unknown key 'forse' (the keys are: asb_types, categories, "
            "columns, date_format, description, flags, force, month_format, name, sheet, slug, source)",
        ),
        ({"force": None}, "has no 'force'"),
        (
            {"slug": "NWL Crime"},
            "'slug' is 'NWL Crime': use lower-case letters, digits and hyphens",
        ),
        (
            {"source": "police.uk-street"},
            "'source' 'police.uk-street': sources starting 'police.uk' are police.uk's own files",
        ),
        # The longest partnership slug (80), a dot and a name of 41.
        ({"source": f"{'p' * 80}.{'x' * 41}"}, "'source' is longer than 121 characters"),
        (
            {"date_format": "%d/%m"},
            "'date_format' is '%d/%m', which does not give a whole date (for example '%d/%m/%Y')",
        ),
        (
            {"categories__fixed": "Anti-social behaviour"},
            "give the category either as a column ([columns] 'category') or as "
            "[categories] 'fixed', not both",
        ),
        (
            {"categories__unmapped": "ignore"},
            "[categories] 'unmapped' is 'ignore': use \"reject\" or \"keep\"",
        ),
        ({"flags__no": ["N", "y"]}, "[flags] 'y' is in both 'yes' and 'no'"),
        ({"flags__yes": "Y"}, "[flags] 'yes' must be a list of text values"),
        (
            {"asb_types": {"Noise": "noisy"}},
            "[asb_types] is given but [columns] has no 'asb_type'",
        ),
        (
            {"columns__asb_type": "ASB", "asb_types": {"Noise": "noisy"}},
            "[asb_types] 'Noise' = 'noisy': an ASB type is one of personal, nuisance, environmental",
        ),
    ],
)
def test_a_mapping_that_cannot_be_used_is_refused_naming_the_key(changes, message):
    with pytest.raises(MappingError) as error:
        extract_mapping_parse(_mapping_text(**changes), name="nwl-crime.json")
    assert str(error.value) == f"mapping nwl-crime.json: {message}"


def test_a_mapping_that_is_not_toml_is_refused():
    with pytest.raises(MappingError, match=r"^mapping broken.toml: not valid TOML \(Invalid value"):
        extract_mapping_parse("slug = nwl", name="broken.toml")


# Reading an extract


def test_the_nwl_crime_extract_is_read_whole():
    data = CRIME_EXTRACT.read_bytes()
    with open(DATA / "ons" / "lsoa11_to_ward19_to_lad19.csv", encoding="utf-8-sig") as lookup:
        lsoas = LsoaIndex.of({row["LSOA11CD"]: 2011 for row in csv.DictReader(lookup)})
    file = InputFile(name=str(CRIME_EXTRACT), open=lambda: io.BytesIO(data), size=len(data))
    parsed = extract_file_read(file, mapping=CRIME, lsoas=lsoas)
    assert (parsed.rows_read, parsed.table.num_rows, len(parsed.rejections)) == (27_903, 27_903, 0)


def test_a_row_becomes_a_crime_row_with_its_date_month_flags_and_lsoa():
    parsed = _read((HEADER + GOOD).encode())
    assert parsed.table.to_pylist() == [
        {
            "source": NWL_CRIME,
            "force": "leicestershire",
            "month": dt.date(2018, 12, 1),
            "date": dt.date(2018, 12, 3),
            "reference": "45010030128",
            "crime_id": None,
            "category": "Theft offences",
            "subcategory": "Theft of a motor vehicle",
            "lsoa": "E01025924",
            "lsoa_vintage": 2011,
            "longitude": None,
            "latitude": None,
            "location": None,
            "outcome": None,
            "domestic": False,
            "alcohol": False,
            "hate": False,
            "rural": True,
            "asb_type": None,
        }
    ]


def test_every_bad_row_is_rejected_with_its_line_column_and_reason():
    rows = [
        GOOD,  # line 2
        "1,31/02/2019,Robbery,Robbery of personal property,E01025924,N,N,N,N\n",
        "2,12/31/2019,Robbery,Robbery of personal property,E01025924,N,N,N,N\n",
        "3,2019-12-31,Robbery,Robbery of personal property,E01025924,N,N,N,N\n",
        "4,01/12/2019,Robbery,Robbery of personal property,E01025924,Maybe,N,N,N\n",
        "5,01/12/2019,Robbery,Robbery of personal property,E09999999,N,N,N,N\n",
        "6,01/12/2019,Robery,Robbery of personal property,E01025924,N,N,N,N\n",
        "7,01/12/2019,,Robbery of personal property,E01025924,N,N,N,N\n",
        "8,01/12/2019,Robbery\n",
        "9,,Robbery,Robbery of personal property,E01025924,N,N,N,N\n",
        "10,01/12/2019,robbery,Robbery of personal property,,y,n,N,N\n",  # line 12: kept, no location
    ]
    parsed = _read((HEADER + "".join(rows)).encode())
    assert parsed.rows_read == 11
    assert parsed.table.num_rows == 2
    assert _rejections(parsed) == [
        (3, "Recorded Date", "'31/02/2019' is not a real date (day is out of range for month)"),
        (
            4,
            "Recorded Date",
            "'12/31/2019' is not a date in the form dd/mm/yyyy: it looks like a US date, month first",
        ),
        (5, "Recorded Date", "'2019-12-31' is not a date in the form dd/mm/yyyy"),
        (6, "Domestic Flag", "'Maybe' is not a flag value: use 'Y' or 'N'"),
        (7, "LSOA Code", "'E09999999' is not a known 2011 or 2021 LSOA code"),
        (8, "Offence Group", "'Robery' is not in the mapping's [categories.map]"),
        (9, "Offence Group", "no category given"),
        (10, "(row)", "expected 9 columns, found 3"),
        (11, "Recorded Date", "no date given"),
    ]
    kept = parsed.table.to_pylist()[1]
    assert (kept["category"], kept["lsoa"], kept["domestic"]) == ("Robbery", None, True)
    assert all(r.file == NAME for r in parsed.rejections)


def test_line_numbers_count_blank_lines_and_values_that_run_over_lines():
    rows = [
        GOOD,  # line 2
        "\n",  # line 3: blank, not a record
        '1,01/12/2019,Robbery,"Robbery of\npersonal property",E01025924,N,N,N,N\n',  # lines 4-5
        "2,01/12/2019,Robbery,Robbery,E01025924,N,N,X,N\n",  # line 6
        ",,,,,,,,\n",  # line 7: every cell blank, not a record
        "3,01/12/2019\n",  # line 8
        "4,01/12/2019,Robbery,Robbery,E01025924,N,N,N,No\n",  # line 9
    ]
    parsed = _read((HEADER + "".join(rows)).encode())
    assert parsed.rows_read == 5
    assert _rejections(parsed) == [
        (6, "Hate Flag", "'X' is not a flag value: use 'Y' or 'N'"),
        (8, "(row)", "expected 9 columns, found 2"),
        (9, "Rural Flag", "'No' is not a flag value: use 'Y' or 'N'"),
    ]
    assert parsed.table["subcategory"].to_pylist() == [
        "Theft of a motor vehicle",
        "Robbery of\npersonal property",
    ]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "extract.csv: the file is empty"),
        (b" \r\n\n", "extract.csv: the file is empty"),
        (
            b"Crime Reference,Date,Offence Group,Offence Subgroup,LSOA,Domestic Flag,Alcohol Flag,Hate Flag,"
            b"Rural Flag\n",
            "extract.csv: the header has no column 'Recorded Date', 'LSOA Code' (mapping nwl-crime); it has: "
            "'Crime Reference', 'Date', 'Offence Group', 'Offence Subgroup', 'LSOA', 'Domestic Flag', "
            "'Alcohol Flag', 'Hate Flag', 'Rural Flag'",
        ),
        (
            HEADER.replace("Rural Flag", "Hate Flag").encode(),
            "extract.csv: the header has no column 'Rural Flag' (mapping nwl-crime); it has: "
            "'Crime Reference', 'Recorded Date', 'Offence Group', 'Offence Subgroup', 'LSOA Code', "
            "'Domestic Flag', 'Alcohol Flag', 'Hate Flag', 'Hate Flag'",
        ),
        (
            HEADER.replace("Rural Flag", "Rural Flag,Hate Flag").encode(),
            "extract.csv: the header has the column 'Hate Flag' more than once",
        ),
        (
            (HEADER + GOOD).encode() + b"46,03/12/2018,Theft offences,Theft \x81\x8d,E01025924,N,N,N,Y\n",
            "extract.csv: not UTF-8 (line 3) and not Windows-1252 either: save it as UTF-8 CSV",
        ),
    ],
)
def test_a_file_that_cannot_be_read_is_refused_with_a_clear_message(content, message):
    with pytest.raises(InputFileError) as error:
        _read(content)
    assert str(error.value) == message


def test_a_windows_1252_file_is_read_and_the_note_says_so():
    parsed = _read((HEADER + GOOD.replace("Theft of a motor vehicle", "Théft")).encode("cp1252"))
    assert parsed.table["subcategory"].to_pylist() == ["Théft"]
    assert parsed.notes == ["extract.csv: not UTF-8 (first at line 2); read as Windows-1252"]


def test_a_byte_order_mark_is_not_part_of_the_first_column_name():
    parsed = _read(b"\xef\xbb\xbf" + (HEADER + GOOD).encode())
    assert parsed.table["reference"].to_pylist() == ["45010030128"]
    assert parsed.notes == []


def test_html_and_formula_text_in_a_category_is_stored_as_typed():
    keep = extract_mapping_parse(_mapping_text(categories__unmapped="keep"), name="keep.json")
    typed = ["<script>alert(1)</script>", '=HYPERLINK("http://x")', "+1-1", "@SUM(A1)"]
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    for number, category in enumerate(typed):
        writer.writerow([number, "01/12/2019", category, "", "", "N", "N", "N", "N"])
    parsed = _read((HEADER + buffer.getvalue()).encode(), mapping=keep)
    assert parsed.table["category"].to_pylist() == typed
    assert parsed.rejections == []


def test_a_month_only_extract_and_a_category_table_and_asb_types():
    mapping = extract_mapping_parse(
        """
        slug = "asb-monthly"
        name = "ASB by month"
        source = "asb-monthly"
        force = "leicestershire"
        month_format = "%m/%Y"
        [columns]
        month = "Month"
        category = "Kind"
        asb_type = "Type"
        location = "Where"
        [categories]
        unmapped = "keep"
        [categories.map]
        "ASB" = "Anti-social behaviour"
        """,
        name="asb-monthly.toml",
    )
    content = (
        b"Month,Kind,Type,Where\n12/2019,asb,Nuisance,Market St\n13/2019,ASB,personal,\n01/2020,Other,rude,\n"
    )
    parsed = _read(content, mapping=mapping)
    assert _rejections(parsed) == [
        (3, "Month", "'13/2019' is not a date in the form mm/yyyy"),
        (4, "Type", "'rude' is not an ASB type (personal, nuisance, environmental)"),
    ]
    row = parsed.table.to_pylist()[0]
    assert (row["month"], row["date"], row["category"], row["asb_type"], row["location"]) == (
        dt.date(2019, 12, 1),
        None,
        "Anti-social behaviour",
        "nuisance",
        "Market St",
    )


def _workbook(rows: list[list[object]], *, title: str = "Crimes") -> bytes:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = title
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def test_an_xlsx_workbook_is_read_like_the_csv_of_its_first_sheet():
    header = HEADER.strip().split(",")
    data = _workbook(
        [
            header,
            [
                45010030128,
                dt.datetime(2018, 12, 3),  # noqa: DTZ001 - a cell holds a calendar date
                "Theft offences",
                "Theft of a motor vehicle",
                "E01025924",
                "N",
                "N",
                "N",
                "Y",
            ],
            [],
            ["2", "31/02/2019", "Robbery", "Robbery", "E01025924", "N", "N", "N", "N"],
            [3, dt.date(2019, 1, 2), "Robbery", None, None, "Y", "N", "N", "N"],
        ]
    )
    parsed = _read(data, name="extract.xlsx")
    assert parsed.rows_read == 3
    assert _rejections(parsed) == [
        (4, "Recorded Date", "'31/02/2019' is not a real date (day is out of range for month)")
    ]
    rows = parsed.table.to_pylist()
    assert [(r["reference"], r["date"], r["subcategory"], r["lsoa"], r["domestic"]) for r in rows] == [
        ("45010030128", dt.date(2018, 12, 3), "Theft of a motor vehicle", "E01025924", False),
        ("3", dt.date(2019, 1, 2), None, None, True),
    ]


def test_an_xlsx_file_is_read_from_the_sheet_the_mapping_names():
    mapping = extract_mapping_parse(_mapping_text(sheet="Crimes"), name="sheet.json")
    data = _workbook([HEADER.strip().split(","), GOOD.strip().split(",")])
    assert _read(data, mapping=mapping, name="extract.xlsx").table.num_rows == 1
    other = extract_mapping_parse(_mapping_text(sheet="Data"), name="sheet.json")
    with pytest.raises(InputFileError) as error:
        _read(data, mapping=other, name="extract.xlsx")
    assert str(error.value) == "extract.xlsx: the workbook has no sheet 'Data' (it has: Crimes)"


def test_a_file_named_xlsx_that_is_not_a_workbook_is_refused():
    with pytest.raises(InputFileError) as error:
        _read(b"Crime Reference,Recorded Date\n", name="extract.xlsx")
    assert str(error.value) == "extract.xlsx: not a readable XLSX workbook (BadZipFile)"


CELLS = st.one_of(
    st.text(max_size=12),
    st.dates(min_value=dt.date(1900, 1, 1)).map(lambda d: d.strftime("%d/%m/%Y")),
    st.sampled_from(["31/02/2019", "12/31/2019", "29/02/2020", "Y", "N", "y", "", " ", '"', "E01025924"]),
    st.sampled_from(["Theft offences", "Robbery", "E09999999", "=1+1", "<b>", "\r", "\n", ",", "\x00"]),
)


@hypothesis_settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    rows=st.lists(st.lists(CELLS, min_size=0, max_size=11), max_size=8),
    quoted=st.booleans(),
    encoding=st.sampled_from(["utf-8", "cp1252", "utf-8-sig"]),
    ending=st.sampled_from(["\n", "\r\n", "\r"]),
)
def test_the_row_parser_never_fails_but_by_refusing_and_accounts_for_every_row(
    rows, quoted, encoding, ending
):
    if quoted:
        buffer = io.StringIO()
        csv.writer(buffer, lineterminator=ending).writerows(rows)
        body = buffer.getvalue()
    else:
        body = "".join(",".join(row) + ending for row in rows)
    data = (HEADER.replace("\n", ending) + body).encode(encoding, errors="replace")
    try:
        parsed = _read(data)
    except InputFileError:
        return
    assert parsed.rows_read == parsed.table.num_rows + len(parsed.rejections)
    lines_in_file = len(re.split(rb"\r\n|\r|\n", data))
    assert all(2 <= r.line <= lines_in_file for r in parsed.rejections)


@hypothesis_settings(max_examples=150, deadline=None)
@given(body=st.binary(max_size=300), name=st.sampled_from(["extract.csv", "extract.xlsx"]))
def test_any_bytes_at_all_are_read_or_refused_never_crash(body, name):
    try:
        parsed = _read(HEADER.encode() + body, name=name)
    except InputFileError:
        return
    assert parsed.rows_read == parsed.table.num_rows + len(parsed.rejections)


# Importing, with the geography


@pytest.mark.usefixtures("geography")
def test_the_import_stores_both_extracts_under_their_sources(db, crime_store):
    crimes = extract_import(paths=[CRIME_EXTRACT], mapping=CRIME)
    incidents = extract_import(paths=[ASB_EXTRACT], mapping=ASB)
    assert (crimes.kind, crimes.rows_read, crimes.rows_stored, crimes.rows_rejected) == (
        NWL_CRIME,
        27_903,
        27_903,
        0,
    )
    assert (incidents.kind, incidents.rows_stored, incidents.rows_rejected) == (NWL_ASB, 6_439, 0)
    assert crimes.months[0] == "2014-10" and crimes.months[-1] == "2019-09" and len(crimes.months) == 60
    assert Partition.objects.filter(source=NWL_CRIME).count() == 60
    assert Partition.objects.filter(source=NWL_ASB, force="leicestershire").count() == 60
    assert AuditEvent.objects.filter(target_id=str(crimes.public_id), verb="created").exists()


@pytest.mark.usefixtures("geography")
def test_a_month_in_two_files_of_one_source_is_refused_and_nothing_changes(db, crime_store, tmp_path):
    copy = tmp_path / "copy.csv"
    copy.write_bytes(ASB_EXTRACT.read_bytes())
    with pytest.raises(ImportRefused) as refused:
        extract_import(paths=[ASB_EXTRACT, copy], mapping=ASB)
    assert str(refused.value) == (
        f"{copy}: 2014-10 for leicestershire is also in {ASB_EXTRACT}; "
        "a month may appear only once in an import"
    )
    assert Partition.objects.count() == 0
    assert ImportRun.objects.get().status == "refused"
    assert list((crime_store / "partitions").rglob("*.parquet")) == []


@pytest.mark.usefixtures("geography")
def test_rows_with_coordinates_are_placed_in_the_lsoa_they_lie_in(db, crime_store, tmp_path):
    mapping = extract_mapping_parse(
        _mapping_text(columns__lsoa=None, columns__longitude="Lon", columns__latitude="Lat"),
        name="points.json",
    )
    inside = Area.objects.get(code="E01025924")
    lines = [
        HEADER.strip().replace("LSOA Code", "Lon,Lat"),
        f"1,03/12/2018,Robbery,Robbery,{inside.centroid_lon},{inside.centroid_lat},N,N,N,N",
        "2,03/12/2018,Robbery,Robbery,-0.1276,51.5072,N,N,N,N",  # London: no boundary held
        "3,03/12/2018,Robbery,Robbery,,,N,N,N,N",
        "4,03/12/2018,Robbery,Robbery,45.0,52.7,N,N,N,N",
    ]
    path = tmp_path / "points.csv"
    path.write_text("\n".join(lines) + "\n")
    run = extract_import(paths=[path], mapping=mapping)
    assert run.rows_stored == 3
    assert [(r["line"], r["column"]) for r in run.rejections] == [(5, "Lon")]
    assert run.notes == [
        f"{path}: 1 rows have coordinates in no LSOA whose boundary is held; kept with no LSOA"
    ]
    stored = pq.read_table(crime_store / Partition.objects.get().path).sort_by("reference")
    assert stored["lsoa"].to_pylist() == ["E01025924", None, None]


@pytest.mark.usefixtures("geography")
def test_the_command_prints_one_json_summary_and_exits_0(db, crime_store, capsys):
    call_command("import_extract", str(ASB_EXTRACT), "--mapping", str(MAPPINGS / "nwl-asb.toml"), "--json")
    summary = json.loads(capsys.readouterr().out)
    assert (summary["rows_read"], summary["rows_stored"], summary["rows_rejected"]) == (6_439, 6_439, 0)
    assert summary["forces"] == ["leicestershire"]
    assert len(summary["months"]) == 60


@pytest.mark.parametrize(
    ("mapping_text", "content", "message"),
    [
        (None, b"", "Nothing imported: {file}: the file is empty"),
        ('slug = "x"', GOOD.encode(), "Nothing imported: mapping mapping.toml: has no 'name'"),
    ],
)
@pytest.mark.usefixtures("geography")
def test_the_command_exits_2_with_the_reason_when_nothing_could_be_imported(
    db, crime_store, tmp_path, capsys, mapping_text, content, message
):
    mapping = MAPPINGS / "nwl-crime.toml"
    if mapping_text is not None:
        mapping = tmp_path / "mapping.toml"
        mapping.write_text(mapping_text)
    extract = tmp_path / "extract.csv"
    extract.write_bytes(content)
    with pytest.raises(SystemExit) as exit_info:
        call_command("import_extract", str(extract), "--mapping", str(mapping))
    assert exit_info.value.code == 2
    assert capsys.readouterr().err.strip() == message.format(file=extract)


# Saved mappings


def test_a_saved_mapping_keeps_the_text_as_written_and_is_checked_first(db):
    partnership = PartnershipFactory(slug=NWL_SLUG)
    text = (MAPPINGS / "nwl-crime.toml").read_text()
    saved = column_mapping_save(partnership=partnership, text=text, actor=None)
    assert (saved.slug, saved.name, saved.source, saved.text) == ("nwl-crime", CRIME.name, NWL_CRIME, text)
    again = column_mapping_save(partnership=partnership, text=text.replace(CRIME.name, "Crimes"), actor=None)
    assert again.pk == saved.pk and ColumnMapping.objects.get().name == "Crimes"
    assert list(
        AuditEvent.objects.filter(target_id=str(saved.public_id))
        .order_by("pk")
        .values_list("verb", flat=True)
    ) == [
        "created",
        "updated",
    ]
    with pytest.raises(MappingError, match=r"^mapping text: \[columns\] has no 'date'"):
        column_mapping_save(
            partnership=partnership, text=text.replace('date = "Recorded Date"', ""), actor=None
        )
    assert ColumnMapping.objects.get().text == text.replace(CRIME.name, "Crimes")


@pytest.mark.parametrize(
    "source", [NWL_CRIME, "crime", "north-west.crime", f"{NWL_SLUG}-crime", f"{NWL_SLUG}."]
)
def test_a_source_outside_the_partnerships_namespace_is_refused_alike_whoever_holds_it(db, source):
    """The refusal is the same whether or not another partnership holds the source: it tells nothing."""
    text = (
        (MAPPINGS / "nwl-crime.toml").read_text().replace(f'source = "{NWL_CRIME}"', f'source = "{source}"')
    )
    gamma = PartnershipFactory(slug="gamma")

    def refusal() -> str:
        with pytest.raises(MappingError) as error:
            column_mapping_save(partnership=gamma, text=text, actor=None)
        return str(error.value)

    unheld = refusal()
    ColumnMappingFactory(
        partnership=PartnershipFactory(slug=NWL_SLUG),
        slug="nwl-crime",
        name="Crime",
        source=source,
        text=text,
    )
    held = refusal()
    assert held == unheld
    assert held == (
        "mapping nwl-crime: 'source' must start with 'gamma.' (your partnership's short name), "
        "e.g. 'gamma.crime'"
    )
    assert not ColumnMapping.objects.filter(partnership=gamma).exists()


def test_an_import_for_a_partnership_is_refused_outside_its_namespace(db, crime_store):
    with pytest.raises(MappingError, match=r"^mapping nwl-asb: 'source' must start with 'gamma\.'"):
        extract_import(paths=[ASB_EXTRACT], mapping=ASB, partnership=PartnershipFactory(slug="gamma"))
    assert (ImportRun.objects.count(), Partition.objects.count()) == (0, 0)
