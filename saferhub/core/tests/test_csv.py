import csv
import io

from saferhub.core.csv import csv_text, spreadsheet_safe


def test_a_formula_typed_into_a_text_field_opens_as_text_in_a_spreadsheet():
    for dangerous in ['=HYPERLINK("http://x")', "+1+1", "-2+3", "@SUM(A1)", "\tcmd"]:
        assert spreadsheet_safe(dangerous) == "'" + dangerous


def test_numbers_and_plain_text_are_left_alone():
    assert spreadsheet_safe(-5) == "-5"
    assert spreadsheet_safe(3.5) == "3.5"
    assert spreadsheet_safe("Business Crime") == "Business Crime"
    assert spreadsheet_safe(None) == ""


def test_csv_text_round_trips_through_a_csv_reader():
    text = csv_text(["name", "note"], [["Alpha, Beta", "=1+2"], ["Gamma", 'say "hi"']])
    rows = list(csv.reader(io.StringIO(text)))
    assert rows == [["name", "note"], ["Alpha, Beta", "'=1+2"], ["Gamma", 'say "hi"']]
