"""The report's bar charts as plain geometry, computed once with the report (and cached with
it), so the template only places what is here. A hidden count has no bar, only its label: the
chart never shows more than the table beside it."""

from __future__ import annotations

from dataclasses import dataclass

from mentorhub.reports.suppression import SuppressedTable

LABEL_WIDTH = 190
BAR_SPACE = 420
BAR_HEIGHT = 11
STEP = 14


@dataclass(frozen=True)
class Bar:
    y: float
    width: float  # 0: no bar (a zero, or a hidden count)
    label: str
    colour: int  # the column's index into the page's colours


@dataclass(frozen=True)
class ChartRow:
    label: str
    y: float
    bars: tuple[Bar, ...]


@dataclass(frozen=True)
class BarChart:
    rows: tuple[ChartRow, ...]
    height: float


def bar_chart(table: SuppressedTable, row_labels: list[str]) -> BarChart:
    """One group of bars per row (the totals row left out), one bar per column."""
    shown = [table.visible(r, c) or 0 for r in range(len(row_labels)) for c in range(table.columns)]
    top = max(shown, default=0) or 1
    row_height = STEP * table.columns + 10
    rows = []
    for r, label in enumerate(row_labels):
        y0 = r * row_height + 4
        bars = tuple(
            Bar(
                y=y0 + c * STEP,
                width=round((table.visible(r, c) or 0) / top * BAR_SPACE, 1),
                label=table.label(r, c),
                colour=c,
            )
            for c in range(table.columns)
        )
        rows.append(ChartRow(label=_short(label), y=y0 + 10, bars=bars))
    return BarChart(rows=tuple(rows), height=row_height * len(row_labels) + 10)


def _short(label: str, length: int = 28) -> str:
    return label if len(label) <= length else label[: length - 1] + "…"
