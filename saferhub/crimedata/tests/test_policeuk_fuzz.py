"""Fuzzing the police.uk row parser: whatever the rows hold, it refuses the file or accounts for every row."""

import csv
import io

from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from saferhub.crimedata import schema
from saferhub.crimedata.input_errors import InputFileError
from saferhub.crimedata.policeuk import LsoaIndex, policeuk_file_read
from saferhub.crimedata.tests.crime_files import STREET_HEADER

LSOAS = LsoaIndex.of({"E01025924": 2011, "E01033102": 2011, "E01035000": 2021, "E01025913": 0})
HEADER = STREET_HEADER + "\n"
NAME = "2023-02-leicestershire-street.csv"

CELLS = st.one_of(
    st.text(max_size=12),
    st.sampled_from(["2023-02", "2023-13", "23-02", "Leicestershire Police", "", " ", '"', ",", "\r", "\n"]),
    st.sampled_from(["-1.13", "52.63", "45.0", "-91", "1e3", "NaN", "E01025924", "E09999999", "\x00"]),
    st.sampled_from(sorted(schema.POLICEUK_CRIME_TYPES | schema.POLICEUK_LEGACY_CRIME_TYPES)),
)


@hypothesis_settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    rows=st.lists(st.lists(CELLS, min_size=0, max_size=14), max_size=8),
    quoted=st.booleans(),
    encoding=st.sampled_from(["utf-8", "cp1252", "utf-8-sig"]),
)
def test_the_row_parser_never_fails_but_by_refusing_and_accounts_for_every_row(rows, quoted, encoding):
    if quoted:
        buffer = io.StringIO()
        csv.writer(buffer, lineterminator="\n").writerows(rows)
        body = buffer.getvalue()
    else:
        body = "".join(",".join(row) + "\n" for row in rows)
    data = (HEADER + body).encode(encoding, errors="replace")
    try:
        parsed = policeuk_file_read(data, name=NAME, lsoas=LSOAS)
    except InputFileError:
        return
    assert parsed.rows_read == parsed.table.num_rows + len(parsed.rejections)
    assert all(r.line >= 2 or r.line == -1 for r in parsed.rejections)


@hypothesis_settings(max_examples=150, deadline=None)
@given(body=st.binary(max_size=300))
def test_any_bytes_after_the_header_are_read_or_refused_never_crash(body):
    try:
        parsed = policeuk_file_read(HEADER.encode() + body, name=NAME, lsoas=LSOAS)
    except InputFileError:
        return
    assert parsed.rows_read == parsed.table.num_rows + len(parsed.rejections)
