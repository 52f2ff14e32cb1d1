"""CSV for Swedish Excel: BOM, semicolons, decimal comma, and a round trip through `csv`."""

from __future__ import annotations

import csv
import io

from hypothesis import given
from hypothesis import strategies as st

from mentorhub.reports.csv_export import BOM, swedish_number, to_csv


def read_back(text: str) -> list[list[str]]:
    assert text.startswith(BOM)
    return list(csv.reader(io.StringIO(text[len(BOM) :]), delimiter=";"))


def test_swedish_letters_and_separators_inside_a_field_round_trip():
    # given a school whose name holds ; " and å ä ö
    text = to_csv(["Skola", "Antal"], [['Åsö grundskola; "norra"', 12], ["Östra", "<5"]])
    # then Python's csv module with ; reads back exactly what was written
    assert read_back(text) == [
        ["Skola", "Antal"],
        ['Åsö grundskola; "norra"', "12"],
        ["Östra", "<5"],
    ]


def test_a_rate_uses_a_decimal_comma():
    assert read_back(to_csv(["Närvaro"], [[0.875]]))[1] == ["0,88"]
    assert swedish_number(3) == "3"
    assert swedish_number(None) == ""


def test_the_file_is_utf8_with_a_bom_excel_recognises():
    data = to_csv(["Ämne"], [["Matematik"]]).encode("utf-8")
    assert data.startswith(b"\xef\xbb\xbf")
    assert "Ämne".encode() in data


@given(st.lists(st.lists(st.text(max_size=20), min_size=2, max_size=2), max_size=10))
def test_any_text_round_trips(rows):
    assert read_back(to_csv(["a", "b"], rows))[1:] == rows
