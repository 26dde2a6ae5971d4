import csv
from datetime import date
from decimal import Decimal

import pytest

from core.csv_export import csv_response, csv_safe_cell


@pytest.mark.parametrize(
    ("cell", "written"),
    [
        ('=HYPERLINK("x")', '\'=HYPERLINK("x")'),
        ("+1 555", "'+1 555"),
        ("-2+3", "'-2+3"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tA", "'\tA"),
        ("\rA", "'\rA"),
        ("Ana = Bea", "Ana = Bea"),
        ("", ""),
        (-3, -3),
        (Decimal("-1.5"), Decimal("-1.5")),
        (date(2026, 1, 2), date(2026, 1, 2)),
        (None, None),
    ],
)
def test_only_text_that_starts_like_a_formula_is_quoted(cell, written):
    assert csv_safe_cell(cell) == written


def test_csv_response_streams_the_rows_it_is_given_lazily():
    produced = []

    def rows():
        for row in (["name", "hours"], ["=1+1", -2], [], ["Ana", Decimal("1.5")]):
            produced.append(row)
            yield row

    response = csv_response(filename="x.csv", rows=rows())
    assert response.streaming is True
    assert produced == []  # nothing is built before the client reads
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="x.csv"'
    body = b"".join(response.streaming_content).decode()
    assert body == "name,hours\r\n'=1+1,-2\r\n\r\nAna,1.5\r\n"
    assert list(csv.reader(body.splitlines())) == [["name", "hours"], ["'=1+1", "-2"], [], ["Ana", "1.5"]]
