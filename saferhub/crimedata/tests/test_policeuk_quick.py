"""The quick reading of street and outcomes files gives what the general reading gives, row for row.

police.uk's street and outcomes files are read column by column, the columns of few values as dictionaries
(policeuk._street_or_outcomes_read); any other file, and any file that reading hands back, goes the general
way (csv_grid, without_blank_rows, _checked, _crime_rows). The two must agree on every row stored, every
rejection and every count, whatever the file holds.
"""

import csv
import datetime as dt
import io
from collections import Counter
from unittest import mock

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from saferhub.crimedata import csvfiles, policeuk, schema, store
from saferhub.crimedata.input_errors import InputFileError
from saferhub.crimedata.policeuk import LsoaIndex, ParsedFile, policeuk_file_read

LSOAS = LsoaIndex.of({"E01025924": 2011, "E01033102": 2011, "E01035000": 2021, "E01025913": 0})
STREET = ",".join(schema.POLICEUK_STREET_HEADER) + "\n"
OUTCOMES = ",".join(schema.POLICEUK_OUTCOMES_HEADER) + "\n"
NAME = "2023-02-leicestershire-street.csv"
GOOD = (
    "abc,2023-02,Leicestershire Police,Leicestershire Police,-1.13,52.63,On or near X,E01025913,NWL 012A,"
    "Burglary,Under investigation,\n"
)

CRIME_ID = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"


def _general_read(data: bytes, name: str = NAME) -> ParsedFile:
    with mock.patch.object(policeuk, "_street_or_outcomes_read", return_value=None):
        return policeuk_file_read(data, name=name, lsoas=LSOAS)


def _assert_same(quick: ParsedFile, general: ParsedFile) -> None:
    assert quick.source == general.source
    assert quick.table.to_pylist() == general.table.to_pylist()
    assert quick.rejections == general.rejections
    assert (quick.rows_read, quick.notes) == (general.rows_read, general.notes)


def _both(data: bytes, name: str = NAME) -> tuple[ParsedFile | None, ParsedFile | None]:
    """Each reading's result, or None where it refused the file."""
    results: list[ParsedFile | None] = []
    for read in (lambda: policeuk_file_read(data, name=name, lsoas=LSOAS), lambda: _general_read(data, name)):
        try:
            results.append(read())
        except InputFileError:
            results.append(None)
    return results[0], results[1]


CELLS = st.one_of(
    st.text(max_size=10),
    st.sampled_from(
        [
            "2023-02",
            "2023-13",
            "2023-2",
            "٢٠٢٣-02",
            "Leicestershire Police",
            "",
            " ",
            "  ",
            '"',
            ",",
            "\r",
            "\n",
        ]
    ),
    st.sampled_from(["-1.13", "52.63", " 52.63", "+1.5", "45.0", "-91", "1e3", "NaN", "inf", "1,5", "\x00"]),
    st.sampled_from(["E01025924", "E01035000", "E01025913", " E01025913", "E09999999", "No Location"]),
    st.sampled_from(sorted(schema.POLICEUK_CRIME_TYPES | schema.POLICEUK_LEGACY_CRIME_TYPES)),
)
# Rows shaped like police.uk's, each cell sometimes replaced by anything at all.
LIKE_POLICEUK = st.lists(
    st.tuples(
        st.sampled_from(["abc", "", "d" * 64, CRIME_ID, CRIME_ID.upper(), CRIME_ID[:-1] + "g"]),
        st.sampled_from(["2023-02", "2023-03", "2023-13", ""]),
        st.just("Leicestershire Police"),
        st.sampled_from(["Leicestershire Police", "", " "]),
        st.sampled_from(["-1.13", "", "x", "45"]),
        st.sampled_from(["52.63", "", "0"]),
        st.sampled_from(["On or near X", "No Location", ""]),
        st.sampled_from(["E01025913", "E01035000", "", " ", "E09999999"]),
        st.just("NWL 012A"),
        st.sampled_from(["Burglary", "Anti-social behaviour", "Bank robbery", ""]),
        st.sampled_from(["Under investigation", ""]),
        st.just(""),
    ).map(list),
    max_size=12,
)


def _file(rows: list[list[str]], *, header: str, quoted: bool, encoding: str) -> bytes:
    if quoted:
        import csv

        buffer = io.StringIO()
        csv.writer(buffer, lineterminator="\n").writerows(rows)
        body = buffer.getvalue()
    else:
        body = "".join(",".join(row) + "\n" for row in rows)
    return (header + body).encode(encoding, errors="replace")


@hypothesis_settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    rows=st.one_of(st.lists(st.lists(CELLS, min_size=0, max_size=13), max_size=8), LIKE_POLICEUK),
    edits=st.lists(st.tuples(st.integers(0, 11), st.integers(0, 11), CELLS), max_size=4),
    quoted=st.booleans(),
    encoding=st.sampled_from(["utf-8", "cp1252", "utf-8-sig"]),
    outcomes=st.booleans(),
)
def test_the_quick_reading_agrees_with_the_general_one_on_any_rows(rows, edits, quoted, encoding, outcomes):
    for row, column, value in edits:
        if row < len(rows) and column < len(rows[row]):
            rows[row][column] = value
    if outcomes:
        rows = [row[:10] for row in rows]
    name = NAME.replace("street", "outcomes") if outcomes else NAME
    data = _file(rows, header=OUTCOMES if outcomes else STREET, quoted=quoted, encoding=encoding)
    quick, general = _both(data, name)
    assert (quick is None) == (general is None)
    if quick is not None and general is not None:
        _assert_same(quick, general)


def test_a_clean_file_is_read_the_quick_way_and_stored_as_the_crime_table():
    rows = [
        GOOD,
        GOOD.replace("abc", "")
        .replace("Burglary", "Anti-social behaviour")
        .replace("Under investigation", ""),
        GOOD.replace("-1.13,52.63,On or near X,E01025913", ",,No Location,"),
        GOOD.replace("E01025913", "E01035000"),
    ]
    data = (STREET + "".join(rows)).encode()
    head = policeuk.csv_head(data, name=NAME)
    quick = policeuk._street_or_outcomes_read(
        data, head=head, kind=schema.SOURCE_POLICEUK_STREET, name=NAME, lsoas=LSOAS
    )
    assert quick is not None
    _assert_same(quick, _general_read(data))
    assert quick.table["reference"].to_pylist() == ["abc", None, "abc", "abc"]
    assert quick.table["lsoa"].to_pylist() == ["E01025913", "E01025913", None, "E01035000"]
    assert quick.table["lsoa_vintage"].to_pylist() == [0, 0, None, 2021]
    assert quick.table["outcome"].to_pylist() == ["Under investigation", None, "Under investigation"] * 1 + [
        "Under investigation"
    ]
    encoded = store.partition_encode(
        quick.table, source=quick.source, force="leicestershire", month=dt.date(2023, 2, 1)
    )
    stored = pq.read_table(io.BytesIO(encoded.data))
    assert stored.schema == schema.CRIME_ROW
    assert stored.to_pylist() == quick.table.to_pylist()
    assert encoded.partition.rows == 4
    assert (encoded.partition.no_location_rows, encoded.partition.lsoa_2021_rows) == (1, 1)


@pytest.mark.parametrize(
    "body",
    [
        # A bad month, a longitude out of range, an unknown LSOA, an unknown type, a short row, an ASB row.
        GOOD
        + "a,2023-13,L,Leicestershire Police,-1.13,52.63,X,E01025913,n,Burglary,,\n"
        + "b,2023-02,L,Leicestershire Police,45.0,52.63,X,E01025913,n,Burglary,,\n"
        + "c,2023-02,L,Leicestershire Police,-1.13,52.63,X,E09999999,n,Burglary,,\n"
        + "d,2023-02,L,Leicestershire Police,-1.13,52.63,X,E01025913,n,Bank robbery,,\n"
        + "e,2023-02,L,too,few,columns\n"
        + ",2023-02,L,Leicestershire Police,,,No Location,,,Anti-social behaviour,,\n",
        # A value over two lines, then a bad row.
        GOOD.replace("On or near X", '"On or near\nX"') + GOOD.replace("Burglary", "Bank robbery"),
        # Line breaks in a value of a column the quick reading does not keep (LSOA name).
        GOOD.replace("NWL 012A", '"NWL\n\n012A"') + GOOD.replace("Burglary", "Bank robbery"),
        # Blank lines: the general reading drops them.
        "\n" + GOOD + "   \n" + GOOD,
        # Two months in one file.
        GOOD + GOOD.replace("2023-02", "2023-03"),
        # Nothing but the header.
        "",
    ],
)
def test_the_quick_reading_agrees_with_the_general_one_on_bad_rows(body):
    quick, general = _both((STREET + body).encode())
    assert quick is not None and general is not None
    _assert_same(quick, general)


def test_an_outcomes_file_is_read_the_same_both_ways():
    rows = [
        "abc,2023-02,L,Leicestershire Police,-1.13,52.63,On or near X,E01025913,n,Under investigation\n",
        "abd,2023-02,L,Leicestershire Police,-1.13,52.63,On or near X,E01025913,n, \n",
        "abe,2023-02,L,Leicestershire Police,-1.13,52.63,On or near X,E01033102,n,Court result unavailable\n",
    ]
    name = NAME.replace("street", "outcomes")
    quick, general = _both((OUTCOMES + "".join(rows)).encode(), name)
    assert quick is not None and general is not None
    _assert_same(quick, general)
    assert quick.table["category"].to_pylist() == ["Outcome", "Outcome"]
    assert [(r.line, r.column) for r in quick.rejections] == [(3, "Outcome type")]


def test_a_partitions_counts_are_its_rows_counted_by_the_aggregate_keys():
    rows = [
        GOOD,
        GOOD,
        GOOD.replace("Burglary", "Drugs"),
        GOOD.replace("-1.13,52.63,On or near X,E01025913", ",,No Location,"),
        GOOD.replace("-1.13,52.63,On or near X,E01025913", ",,No Location,"),
        GOOD.replace("E01025913", "E01035000"),
    ]
    parsed = policeuk_file_read((STREET + "".join(rows)).encode(), name=NAME, lsoas=LSOAS)
    counts = store.partition_counts(
        parsed.table, source=parsed.source, force="leicestershire", month=dt.date(2023, 2, 1)
    )
    assert counts.schema.names == [*schema.AGGREGATE_KEYS, "n"]
    assert counts.schema.field("n").type == pa.int64()
    for key in schema.AGGREGATE_KEYS:
        assert counts.schema.field(key).type == schema.CRIME_ROW.field(key).type
    key_of = lambda row: tuple(row[key] for key in schema.AGGREGATE_KEYS)  # noqa: E731
    assert Counter({key_of(row): row["n"] for row in counts.to_pylist()}) == Counter(
        key_of(row) for row in parsed.table.to_pylist()
    )


def test_counting_by_dictionary_codes_gives_the_counts_by_district_of_the_general_counting():
    rows = [
        GOOD,
        GOOD,
        GOOD.replace("Burglary", "Drugs"),
        GOOD.replace("-1.13,52.63,On or near X,E01025913", ",,No Location,"),
        GOOD.replace("E01025913", "E01035000"),
        GOOD.replace("E01025913", "E01035000").replace("Burglary", "Drugs"),
        GOOD.replace("E01025913", "E01025924"),
    ]
    parsed = policeuk_file_read((STREET + "".join(rows)).encode(), name=NAME, lsoas=LSOAS)
    assert pa.types.is_dictionary(parsed.table.schema.field("lsoa").type)
    lad_of = {"E01025913": "E07000134", "E01035000": "E06000016", "E01033102": "E06000016"}
    given = {"source": parsed.source, "force": "leicestershire", "month": dt.date(2023, 2, 1)}
    quick = store.partition_counts_by_district(parsed.table, **given, lad_of=lad_of)
    general = store.counts_by_district(store.partition_counts(parsed.table, **given), lad_of)
    assert sorted(quick) == sorted(general) == ["E06000016", "E07000134", store.NO_DISTRICT]
    for district in quick:
        assert quick[district].schema == store.COUNTS_SCHEMA
        assert sorted(quick[district].to_pylist(), key=str) == sorted(general[district].to_pylist(), key=str)
    # E01025924 is known to the reader but in no district: its row counts under NO_DISTRICT, with the
    # no-location row.
    assert sorted(row["lsoa"] or "" for row in quick[store.NO_DISTRICT].to_pylist()) == ["", "E01025924"]


@pytest.mark.parametrize(
    ("ids", "crime_ids", "references"),
    [
        ([CRIME_ID, "", CRIME_ID], [bytes.fromhex(CRIME_ID), None, bytes.fromhex(CRIME_ID)], [None] * 3),
        # One ID that is not 64 lowercase hex digits: the file's IDs are kept as written.
        ([CRIME_ID, CRIME_ID.upper()], [None, None], [CRIME_ID, CRIME_ID.upper()]),
        ([CRIME_ID, CRIME_ID[:-1] + "g"], [None, None], [CRIME_ID, CRIME_ID[:-1] + "g"]),
        ([CRIME_ID, "abc"], [None, None], [CRIME_ID, "abc"]),
    ],
)
def test_crime_ids_are_stored_as_32_bytes_when_every_id_is_police_uks_64_hex_digits(
    ids, crime_ids, references
):
    data = (STREET + "".join(GOOD.replace("abc", crime_id, 1) for crime_id in ids)).encode()
    quick, general = _both(data)
    assert quick is not None and general is not None
    _assert_same(quick, general)
    assert quick.table["crime_id"].to_pylist() == crime_ids
    assert quick.table["reference"].to_pylist() == references


def test_a_rejected_rows_id_does_not_decide_how_the_kept_rows_ids_are_stored():
    rejected = GOOD.replace("2023-02", "2023-13")  # its ID, "abc", is not police.uk's form
    data = (STREET + GOOD.replace("abc", CRIME_ID, 1) + rejected).encode()
    quick, general = _both(data)
    assert quick is not None and general is not None
    _assert_same(quick, general)
    assert quick.table["crime_id"].to_pylist() == [bytes.fromhex(CRIME_ID)]
    assert [r.column for r in quick.rejections] == ["Month"]


def _read_a_buffer_at_a_time(data: bytes, name: str, buffer: int) -> ParsedFile | None:
    """Both readings of the file streamed `buffer` bytes at a time; None where it was refused."""
    with mock.patch.object(csvfiles, "READ_BUFFER_BYTES", buffer):
        quick, general = _both(data, name)
    assert (quick is None) == (general is None)
    if quick is not None and general is not None:
        _assert_same(quick, general)
    return quick


def _longest_record(data: bytes) -> int:
    """The bytes of the file's longest record, its lines as a CSV reader takes them (the whole file when a
    quote opens a value that never ends)."""
    lines = data.splitlines(keepends=True)
    reader = csv.reader(line.decode("latin-1") for line in lines)
    longest, taken = 0, 0
    try:
        for _ in reader:
            longest = max(longest, sum(len(line) for line in lines[taken : reader.line_num]))
            taken = reader.line_num
    except csv.Error:
        return len(data)
    return longest


@hypothesis_settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    rows=st.one_of(st.lists(st.lists(CELLS, min_size=0, max_size=13), max_size=8), LIKE_POLICEUK),
    quoted=st.booleans(),
    encoding=st.sampled_from(["utf-8", "cp1252", "utf-8-sig"]),
    outcomes=st.booleans(),
    copies=st.integers(1, 6),
)
def test_a_file_read_a_buffer_at_a_time_gives_what_it_gives_read_whole(
    rows, quoted, encoding, outcomes, copies
):
    if outcomes:
        rows = [row[:10] for row in rows]
    name = NAME.replace("street", "outcomes") if outcomes else NAME
    data = _file(rows * copies, header=OUTCOMES if outcomes else STREET, quoted=quoted, encoding=encoding)
    whole, _ = _both(data, name)
    # A buffer holds the longest record twice over (the parser refuses a record longer than its block: a
    # quote that opens a value may take in the lines after it), and the file takes a few of them.
    buffer = max(2 * _longest_record(data) + 8, len(data) // 4)
    streamed = _read_a_buffer_at_a_time(data, name, buffer)
    assert (whole is None) == (streamed is None)
    if whole is not None and streamed is not None:
        _assert_same(streamed, whole)


def test_a_file_whose_later_bytes_are_not_utf8_is_read_again_as_windows_1252_with_the_line():
    rows = [GOOD] * 40 + [GOOD.replace("On or near X", "On or near Caf\xe9")] + [GOOD] * 40
    data = (STREET + "".join(rows)).encode("cp1252")
    parsed = _read_a_buffer_at_a_time(data, NAME, 1024)
    assert parsed is not None
    assert parsed.notes == [f"{NAME}: not UTF-8 (first at line 42); read as Windows-1252"]
    assert parsed.table["location"].to_pylist()[40] == "On or near Caf\xe9"
    assert parsed.rows_read == parsed.table.num_rows == 81


def test_a_file_whose_later_bytes_are_neither_utf8_nor_windows_1252_is_refused_with_the_line():
    data = (STREET + GOOD * 40).encode() + GOOD.replace("X", "\xe9").encode("cp1252") + b"\x81\n"
    with mock.patch.object(csvfiles, "READ_BUFFER_BYTES", 1024), pytest.raises(InputFileError) as refused:
        policeuk_file_read(data, name=NAME, lsoas=LSOAS)
    assert str(refused.value) == (
        f"{NAME}: not UTF-8 (line 42) and not Windows-1252 either: save it as UTF-8 CSV"
    )
