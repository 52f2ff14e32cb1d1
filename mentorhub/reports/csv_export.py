"""Tables as CSV the way Swedish Excel opens them: UTF-8 with a byte-order mark (else Excel
reads å, ä, ö as Latin-1), `;` between fields (the comma is the decimal sign) and decimal comma
in numbers. Written with the `csv` module, so quotes and separators inside a field are escaped.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from decimal import Decimal

BOM = "\ufeff"


def swedish_number(value: object) -> str:
    """A number as Swedish Excel reads it: 0,75 rather than 0.75; anything else as text."""
    if isinstance(value, bool) or value is None:
        return "" if value is None else str(value)
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float | Decimal):
        return f"{value:.2f}".replace(".", ",")
    return str(value)


def to_csv(header: Sequence[str], rows: Iterable[Sequence[object]]) -> str:
    """The CSV text, BOM first, of `header` and `rows` (cells already suppressed by the
    caller: a cell is a number or the label the page shows, such as "<5")."""
    out = io.StringIO()
    out.write(BOM)
    writer = csv.writer(out, delimiter=";", quoting=csv.QUOTE_MINIMAL, lineterminator="\r\n")
    writer.writerow(header)
    for row in rows:
        writer.writerow([swedish_number(cell) for cell in row])
    return out.getvalue()
