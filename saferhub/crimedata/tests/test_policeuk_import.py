"""Importing the real police.uk archives for Leicestershire, and counting them, against plain Python."""

import csv
import datetime as dt
import json
import zipfile
from collections import Counter
from pathlib import Path

import pyarrow.parquet as pq
import pytest
from django.core.management import call_command
from django.db.models import Sum

from saferhub.audit.models import AuditEvent
from saferhub.crimedata import schema, store
from saferhub.crimedata.counting import CountFilter, area_scope, lsoa_districts, monthly_counts, period_counts
from saferhub.crimedata.importing import ImportRefused
from saferhub.crimedata.models import ImportRun, Partition
from saferhub.crimedata.services import crime_import
from saferhub.crimedata.tests import independent
from saferhub.crimedata.tests.conftest import POLICEUK
from saferhub.crimedata.tests.crime_files import STREET_HEADER, street_line
from saferhub.partnerships.tests.factories import PartnershipFactory

ARCHIVES = [POLICEUK / "leicestershire-2022.zip", POLICEUK / "leicestershire-2023.zip"]
LEICESTER, NORTH_WEST_LEICESTERSHIRE = "E06000016", "E07000134"
ALL_MONTHS = (dt.date(2022, 1, 1), dt.date(2023, 12, 1))

pytestmark = pytest.mark.usefixtures("geography")


@pytest.fixture
def imported(db, crime_store):
    return crime_import(paths=ARCHIVES)


def _engine_by_month(area: str) -> Counter:
    scope = area_scope(area)
    rows = monthly_counts(scope=scope, what=CountFilter(), month_from=ALL_MONTHS[0], month_to=ALL_MONTHS[1])
    return Counter({(f"{month:%Y-%m}", category): count for month, category, _, count in rows})


@pytest.mark.parametrize("area", [LEICESTER, NORTH_WEST_LEICESTERSHIRE])
def test_monthly_counts_equal_a_plain_count_of_the_archives(imported, area):
    expected = independent.counts_by_month(ARCHIVES, independent.district_lsoas(area))
    assert sum(expected.values()) > 10_000
    assert _engine_by_month(area) == expected


@pytest.mark.parametrize("area", [LEICESTER, NORTH_WEST_LEICESTERSHIRE])
def test_financial_year_counts_equal_a_plain_count_of_the_archives(imported, area):
    by_month = independent.counts_by_month(ARCHIVES, independent.district_lsoas(area))
    expected = Counter()
    for (month, category), count in by_month.items():
        expected[(independent.financial_year(month), category)] += count
    rows = period_counts(
        scope=area_scope(area),
        what=CountFilter(),
        period="financial-year",
        month_from=ALL_MONTHS[0],
        month_to=ALL_MONTHS[1],
    )
    assert {(row["period"], row["category"]): row["count"] for row in rows} == expected
    assert {row["period"] for row in rows} == {"2021/22", "2022/23", "2023/24"}


def test_the_import_run_reports_what_it_read_and_stored(imported):
    total_rows = sum(1 for _ in independent.street_rows(ARCHIVES))
    assert imported.rows_read == total_rows
    assert imported.rows_stored + imported.rows_rejected == total_rows
    assert imported.months == [f"{year}-{month:02d}" for year in (2022, 2023) for month in range(1, 13)]
    assert imported.forces == ["leicestershire"]
    assert Partition.objects.count() == 24
    assert imported.replaced == []
    assert AuditEvent.objects.filter(target_id=str(imported.public_id), verb="created").exists()


def test_every_crime_id_is_stored_as_the_archive_writes_it(imported, crime_store):
    """police.uk's IDs are stored as the 32 bytes their 64 hex digits spell; read back, they are the same."""
    expected = Counter(row["Crime ID"] for row in independent.street_rows(ARCHIVES) if row["Crime ID"])
    stored: Counter = Counter()
    for path in Partition.objects.values_list("path", flat=True):
        table = pq.read_table(crime_store / path, columns=["reference", "crime_id"])
        assert table["reference"].null_count == table.num_rows
        stored.update(value.hex() for value in table["crime_id"].to_pylist() if value is not None)
    assert stored == expected
    assert len(expected) > 100_000


def test_rows_with_no_location_count_for_the_force_and_no_smaller_area(imported):
    no_location = sum(1 for row in independent.street_rows(ARCHIVES) if not row["LSOA code"])
    assert no_location > 0
    assert sum(Partition.objects.values_list("no_location_rows", flat=True)) == no_location
    force = area_scope("E23000021")
    in_force_lsoas = sum(
        count
        for *_, count in monthly_counts(
            scope=force, what=CountFilter(), month_from=ALL_MONTHS[0], month_to=ALL_MONTHS[1]
        )
    )
    districts = sum(
        count
        for code in (
            "E06000016",
            "E06000017",
            "E07000129",
            "E07000130",
            "E07000131",
            "E07000132",
            "E07000133",
            "E07000134",
            "E07000135",
        )
        for *_, count in monthly_counts(
            scope=area_scope(code), what=CountFilter(), month_from=ALL_MONTHS[0], month_to=ALL_MONTHS[1]
        )
    )
    leicestershire_rows_in_force = districts + no_location
    # The force area also counts rows other forces reported in its LSOAs; no-location rows count once.
    assert in_force_lsoas >= leicestershire_rows_in_force
    assert in_force_lsoas - districts == no_location


def test_importing_again_replaces_each_month_and_says_so(imported):
    before = _engine_by_month(LEICESTER)
    again = crime_import(paths=ARCHIVES)
    assert len(again.replaced) == 24
    assert Partition.objects.count() == 24
    assert _engine_by_month(LEICESTER) == before


def _aggregate_rows(source: str, year: int) -> Counter:
    rows: Counter = Counter()
    for path in store.aggregate_files(sources=[source], years=[year], districts=None):
        district = Path(path).parent.name.removeprefix("lad=")
        for row in pq.read_table(path).to_pylist():
            rows[(district, *(row[key] for key in schema.AGGREGATE_KEYS))] += row["n"]
    return rows


def _rebuilt_from_the_files(source: str, year: int) -> None:
    paths = list(Partition.objects.filter(source=source, month__year=year).values_list("path", flat=True))
    store.aggregates_rebuild(source=source, year=year, partition_paths=paths, lad_of=lsoa_districts())


def test_the_aggregates_made_while_importing_equal_those_read_back_from_the_partitions(imported, tmp_path):
    source = schema.SOURCE_POLICEUK_STREET
    made = {year: _aggregate_rows(source, year) for year in (2022, 2023)}
    assert (
        sum(made[2023].values()) == Partition.objects.filter(month__year=2023).aggregate(n=Sum("rows"))["n"]
    )
    for year in (2022, 2023):
        _rebuilt_from_the_files(source, year)
        assert _aggregate_rows(source, year) == made[year]
    # One month imported again: its counts come from the import, the year's other months from their files.
    with zipfile.ZipFile(POLICEUK / "leicestershire-2023.zip") as archive:
        member = "2023-05/2023-05-leicestershire-street.csv"
        fewer = b"".join(archive.read(member).splitlines(keepends=True)[:-500])
    (tmp_path / "2023-05").mkdir()
    (tmp_path / "2023-05" / "2023-05-leicestershire-street.csv").write_bytes(fewer)
    again = crime_import(paths=[tmp_path], replace=True)
    assert again.replaced == [f"{source} leicestershire 2023-05"]
    mixed = _aggregate_rows(source, 2023)
    assert sum(mixed.values()) == sum(made[2023].values()) - 500
    _rebuilt_from_the_files(source, 2023)
    assert _aggregate_rows(source, 2023) == mixed


def test_a_month_given_twice_in_one_import_is_refused_and_nothing_changes(db, crime_store, tmp_path):
    copy = tmp_path / "copy.zip"
    copy.write_bytes((POLICEUK / "leicestershire-2023.zip").read_bytes())
    with pytest.raises(ImportRefused, match="2023-01 for leicestershire is also in"):
        crime_import(paths=[POLICEUK / "leicestershire-2023.zip", copy])
    assert Partition.objects.count() == 0
    assert ImportRun.objects.get().status == "refused"


def _csv_file(tmp_path: Path, name: str, text: str | bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(text if isinstance(text, bytes) else text.encode("utf-8"))
    return path


HEADER = STREET_HEADER + "\n"
GOOD = (
    street_line("2023-02", lsoa="E01025913", lsoa_name="NWL 012A", location="On or near X", longitude="-1.13")
    + "\n"
)


def test_every_bad_row_is_reported_with_its_line_column_and_reason(db, crime_store, tmp_path):
    rows = [
        GOOD,
        "a,2023-13,Leicestershire Police,Leicestershire Police,-1.13,52.63,X,E01025913,n,Burglary,,\n",
        "b,2023-02,Leicestershire Police,Leicestershire Police,45.0,52.63,X,E01025913,n,Burglary,,\n",
        "c,2023-02,Leicestershire Police,Leicestershire Police,-1.13,52.63,X,E09999999,n,Burglary,,\n",
        "d,2023-02,Leicestershire Police,Leicestershire Police,-1.13,52.63,X,E01025913,n,Bank robbery,,\n",
        "e,2023-02,Leicestershire Police,too,few,columns\n",
        ",2023-02,Leicestershire Police,Leicestershire Police,,,No Location,,,Anti-social behaviour,,\n",
    ]
    path = _csv_file(tmp_path, "2023-02-leicestershire-street.csv", HEADER + "".join(rows))
    run = crime_import(paths=[path])
    assert run.rows_read == 7
    assert run.rows_stored == 2
    assert [(r["line"], r["column"], r["reason"]) for r in run.rejections] == [
        (3, "Month", "month is not in the form YYYY-MM"),
        (4, "Longitude", "longitude is not a number in the UK's range"),
        (5, "LSOA code", "LSOA code is not a known 2011 or 2021 LSOA"),
        (6, "Crime type", "not a police.uk crime type"),
        (7, "(row)", "expected 12 columns, found 6"),
    ]
    assert all(r["file"].endswith("2023-02-leicestershire-street.csv") for r in run.rejections)
    report = (crime_store / run.report_path).read_text()
    assert report.splitlines()[0] == "file,line,column,reason"
    assert len(report.splitlines()) == 6


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "the file is empty"),
        (b"   \n\n", "the file is empty"),
        (
            b"Date,Offence,Ward\n2023-01-01,Theft,Castle\n",
            "not a police.uk file: the header is 'Date,Offence,Ward'",
        ),
        (
            HEADER.encode() + b"x,2023-02,Leic\x81\x8d Police,\x8d,,,,,,Burglary,,\n",
            "not UTF-8 (line 2) and not Windows-1252 either",
        ),
    ],
)
def test_a_file_that_is_not_what_it_claims_is_refused_with_a_clear_message(
    db, crime_store, tmp_path, content, message
):
    path = _csv_file(tmp_path, "2023-02-leicestershire-street.csv", content)
    with pytest.raises(ImportRefused, match=message.replace("(", r"\(").replace(")", r"\)")):
        crime_import(paths=[path])
    assert Partition.objects.count() == 0


def test_line_numbers_count_blank_lines_and_line_breaks_inside_values(db, crime_store, tmp_path):
    bad = GOOD.replace("Burglary", "Bank robbery")
    multi_line = GOOD.replace("On or near X", '"On or near\nX"')
    path = _csv_file(tmp_path, "2023-02-leicestershire-street.csv", HEADER + "\n" + multi_line + "\n" + bad)
    run = crime_import(paths=[path])
    # Header on line 1, blank line 2, a row over lines 3-4, blank line 5: the bad row is on line 6.
    assert [(r["line"], r["column"]) for r in run.rejections] == [(6, "Crime type")]
    assert run.rows_stored == 1


def test_a_windows_1252_file_is_read_and_the_import_says_so(db, crime_store, tmp_path):
    text = HEADER + GOOD.replace("On or near X", "On or near Caf\xe9 Row")
    path = _csv_file(tmp_path, "2023-02-leicestershire-street.csv", text.encode("cp1252"))
    run = crime_import(paths=[path])
    assert run.rows_stored == 1
    assert run.notes == [f"{path}: not UTF-8 (first at line 2); read as Windows-1252"]


def test_a_file_with_a_byte_order_mark_is_read(db, crime_store, tmp_path):
    path = _csv_file(
        tmp_path, "2023-02-leicestershire-street.csv", b"\xef\xbb\xbf" + (HEADER + GOOD).encode()
    )
    assert crime_import(paths=[path]).rows_stored == 1


def _zip(tmp_path: Path, members: dict[str, bytes]) -> Path:
    path = tmp_path / "archive.zip"
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return path


def test_a_zip_whose_paths_leave_the_archive_is_refused(db, crime_store, tmp_path):
    path = _zip(tmp_path, {"../../etc/2023-02-leicestershire-street.csv": (HEADER + GOOD).encode()})
    with pytest.raises(ImportRefused, match="points outside the archive"):
        crime_import(paths=[path])
    assert not (tmp_path.parent / "etc").exists()


def test_a_zip_that_would_unpack_beyond_the_limit_is_refused(db, crime_store, tmp_path, settings):
    settings.SAFERHUB_MAX_UNZIPPED_BYTES = 1_000_000
    path = _zip(
        tmp_path, {"2023-02/2023-02-leicestershire-street.csv": (HEADER + GOOD).encode() + b"0" * 2_000_000}
    )
    with pytest.raises(ImportRefused, match="would unpack to more than 1 MB"):
        crime_import(paths=[path])


def _zip_with_member_bytes_changed(tmp_path: Path, change) -> Path:
    """A one-member deflated archive whose bytes `change(data, member)` alters after it was written."""
    path = _zip(tmp_path, {"2023-02/2023-02-leicestershire-street.csv": (HEADER + GOOD * 50).encode()})
    with zipfile.ZipFile(path) as archive:
        (member,) = archive.infolist()
    data = bytearray(path.read_bytes())
    change(data, member)
    path.write_bytes(bytes(data))
    return path


def test_a_zip_whose_member_is_damaged_is_refused(db, crime_store, tmp_path):
    def flip_a_byte(data: bytearray, member: zipfile.ZipInfo) -> None:
        data[member.header_offset + 30 + len(member.filename) + member.compress_size // 2] ^= 0x55

    path = _zip_with_member_bytes_changed(tmp_path, flip_a_byte)
    with pytest.raises(ImportRefused, match=r"2023-02-leicestershire-street.csv: the archive is damaged"):
        crime_import(paths=[path])
    assert not Partition.objects.exists()


def test_a_zip_member_that_unpacks_to_more_than_it_declares_is_refused(db, crime_store, tmp_path):
    def declare_ten_bytes_fewer(data: bytearray, member: zipfile.ZipInfo) -> None:
        fewer = (member.file_size - 10).to_bytes(4, "little")
        central = data.rindex(b"PK\x01\x02")
        data[member.header_offset + 22 : member.header_offset + 26] = fewer
        data[central + 24 : central + 28] = fewer

    path = _zip_with_member_bytes_changed(tmp_path, declare_ten_bytes_fewer)
    with pytest.raises(ImportRefused, match="refused, it unpacks to more than it declares"):
        crime_import(paths=[path])


def test_a_zip_member_whose_header_names_another_file_is_refused(db, crime_store, tmp_path):
    def rename_in_its_header(data: bytearray, member: zipfile.ZipInfo) -> None:
        start = member.header_offset + 30
        data[start : start + 7] = b"../../x"

    path = _zip_with_member_bytes_changed(tmp_path, rename_in_its_header)
    with pytest.raises(ImportRefused, match=r"damaged \(the member's header names another file"):
        crime_import(paths=[path])


@pytest.mark.parametrize("compression", [zipfile.ZIP_BZIP2, zipfile.ZIP_LZMA])
def test_a_damaged_bzip2_or_lzma_member_is_refused_with_its_name(db, crime_store, tmp_path, compression):
    path = tmp_path / "archive.zip"
    with zipfile.ZipFile(path, "w", compression=compression) as archive:
        archive.writestr("2023-02/2023-02-leicestershire-street.csv", (HEADER + GOOD * 50).encode())
    with zipfile.ZipFile(path) as archive:
        (member,) = archive.infolist()
    data = bytearray(path.read_bytes())
    start = member.header_offset + 30 + len(member.filename) + len(member.extra)
    data[start + member.compress_size // 2 : start + member.compress_size // 2 + 8] = b"\x00" * 8
    path.write_bytes(bytes(data))
    with pytest.raises(ImportRefused, match=r"2023-02-leicestershire-street\.csv: the archive is damaged"):
        crime_import(paths=[path])


def test_a_zip_with_stored_members_is_read_like_a_deflated_one(db, crime_store, tmp_path):
    text = (HEADER + GOOD).encode()
    path = tmp_path / "stored.zip"
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_STORED) as archive:
        archive.writestr("2023-02/2023-02-leicestershire-street.csv", text)
    deflated = _zip(tmp_path, {"2023-02/2023-02-leicestershire-street.csv": text})
    assert crime_import(paths=[path]).rows_stored == crime_import(paths=[deflated]).rows_stored == 1


def test_a_month_folder_tree_is_imported_like_the_archive(db, crime_store, tmp_path):
    tree = tmp_path / "tree"
    with zipfile.ZipFile(POLICEUK / "leicestershire-2023.zip") as archive:
        archive.extractall(tree)
    run = crime_import(paths=[tree])
    assert len(run.months) == 12
    assert run.rows_stored == sum(1 for _ in independent.street_rows([POLICEUK / "leicestershire-2023.zip"]))


def test_the_command_prints_one_json_summary_and_exits_0(db, crime_store, capsys):
    call_command("import_crime", str(POLICEUK / "leicestershire-2023.zip"), "--json")
    summary = json.loads(capsys.readouterr().out)
    assert set(summary) >= {
        "files",
        "rows_read",
        "rows_stored",
        "rows_rejected",
        "rejections",
        "months",
        "forces",
    }
    assert summary["forces"] == ["leicestershire"]
    assert len(summary["months"]) == 12


def test_the_command_exits_2_with_the_reason_when_nothing_could_be_imported(
    db, crime_store, tmp_path, capsys
):
    empty = _csv_file(tmp_path, "empty.csv", b"")
    with pytest.raises(SystemExit) as exit_info:
        call_command("import_crime", str(empty), "--json")
    assert exit_info.value.code == 2
    assert "the file is empty" in capsys.readouterr().err


def test_a_file_whose_every_row_is_rejected_exits_2_with_the_rows_and_is_refused_at_once(
    db, crime_store, tmp_path, capsys
):
    police = "Leicestershire Police,Leicestershire Police"
    rows = [f"r{i},2023-01,{police},,,No location,,,Shop lifting,," for i in range(10)]
    text = "\n".join([",".join(schema.POLICEUK_STREET_HEADER), *rows]) + "\n"
    path = _csv_file(tmp_path, "2023-01-leicestershire-street.csv", text.encode())
    with pytest.raises(SystemExit) as exit_info:
        call_command("import_crime", str(path))
    assert exit_info.value.code == 2
    err = capsys.readouterr().err
    assert "Nothing imported: every one of its 10 rows was rejected" in err
    assert err.count("not a police.uk crime type") == 10
    assert "Traceback" not in err
    run = ImportRun.objects.get()
    assert (run.status, run.rows_read, run.rows_rejected, run.rows_stored) == ("refused", 10, 10, 0)
    assert run.finished_at is not None
    assert not Partition.objects.exists()


def test_a_file_of_only_its_header_is_refused_with_a_reason(db, crime_store, tmp_path):
    header = ",".join(schema.POLICEUK_STREET_HEADER) + "\n"
    path = _csv_file(tmp_path, "2023-01-leicestershire-street.csv", header.encode())
    with pytest.raises(ImportRefused, match="only its header"):
        crime_import(paths=[path])
    assert ImportRun.objects.get().status == "refused"


def test_crime_counts_prints_csv_by_financial_year(imported, capsys):
    call_command(
        "crime_counts",
        "--area",
        LEICESTER,
        "--period",
        "financial-year",
        "--from",
        "2022-04",
        "--to",
        "2023-03",
        "--format",
        "csv",
    )
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == "period,category,count"
    expected = independent.counts_by_month(
        [POLICEUK / "leicestershire-2022.zip", POLICEUK / "leicestershire-2023.zip"],
        independent.district_lsoas(LEICESTER),
    )
    burglary = sum(
        n
        for (month, category), n in expected.items()
        if category == "Burglary" and "2022-04" <= month <= "2023-03"
    )
    assert f"2022/23,Burglary,{burglary}" in lines


def test_crime_counts_by_ward_adds_the_ward_column(imported, capsys):
    call_command(
        "crime_counts",
        "--area",
        NORTH_WEST_LEICESTERSHIRE,
        "--period",
        "calendar-year",
        "--from",
        "2023-01",
        "--to",
        "2023-12",
        "--by",
        "ward",
    )
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == "period,category,ward,count"
    total = sum(int(line.rsplit(",", 1)[1]) for line in lines[1:])
    expected = independent.counts_by_month(
        [POLICEUK / "leicestershire-2023.zip"], independent.district_lsoas(NORTH_WEST_LEICESTERSHIRE)
    )
    assert total == sum(expected.values())


def test_a_partnership_slug_counts_its_areas(imported, world_leicester):
    assert _engine_by_month("leicester") == _engine_by_month(LEICESTER)


@pytest.fixture
def world_leicester(db):

    return PartnershipFactory(
        slug="leicester", name="Leicester CSP", kind="unitary_csp", area_codes=[LEICESTER]
    )


STOP_SEARCH = POLICEUK / "2018-01-leicestershire-stop-and-search.csv"


def test_stop_and_search_files_are_imported_and_placed_in_lsoas_by_their_points(db, crime_store):
    with open(STOP_SEARCH, encoding="utf-8-sig") as handle:
        searches = list(csv.DictReader(handle))
    run = crime_import(paths=[STOP_SEARCH])
    assert run.rows_read == run.rows_stored == len(searches)
    assert run.months == ["2018-01"] and run.forces == ["leicestershire"]
    partition = Partition.objects.get(source="police.uk-stop-and-search")
    # Points with coordinates inside the boundaries held get an LSOA; the rest count for the force only.
    with_point = sum(1 for row in searches if row["Latitude"] and row["Longitude"])
    assert 0 < partition.rows - partition.no_location_rows <= with_point
    what = CountFilter(sources=("police.uk-stop-and-search",))
    month = dt.date(2018, 1, 1)
    force = monthly_counts(
        scope=area_scope("E23000021"), what=what, month_from=month, month_to=month, by="category"
    )
    assert sum(count for *_, count in force) == len(searches)
    leicester = monthly_counts(scope=area_scope(LEICESTER), what=what, month_from=month, month_to=month)
    assert 0 < sum(count for *_, count in leicester) < len(searches)


def test_a_stop_and_search_file_renamed_away_from_police_uk_is_refused(db, crime_store, tmp_path):
    renamed = tmp_path / "searches.csv"
    renamed.write_bytes(STOP_SEARCH.read_bytes())
    with pytest.raises(ImportRefused, match=r"must keep police\.uk's name"):
        crime_import(paths=[renamed])
