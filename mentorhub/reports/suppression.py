"""Small-number suppression for the programme's tables: no pupil may be singled out.

A table is a grid of counts with its row totals, column totals and grand total. Any count from 1
up to (not including) the threshold is hidden and shown as "<5" (primary suppression); zero is
shown, since it singles nobody out. Hiding one number is not enough when a total and its
siblings are shown: 12 = 7 + ? gives the hidden 5 back. So more numbers are hidden
(secondary suppression) until no hidden number can be computed from what is shown, by any
combination of row and column sums — checked exactly, with linear algebra in integers,
not with a rule of thumb.

A hidden value is recoverable exactly when it is a pivot variable of the reduced system of sum
equations whose row holds no free variable: then the equation reads "x = a known number".
Each step hides, within a sum equation through a recoverable value, the smallest number still
shown (counts before totals), which is what statisticians call "the next-smallest cell".

Pure: no database, no Flask. `reports.services` builds the counts, this module decides what shows.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from enum import Enum
from functools import lru_cache

Position = tuple[int, int]
LOOKAHEAD = 6


class Shown(Enum):
    VALUE = "value"
    SMALL = "small"  # below the threshold: shown as "<5"
    HIDDEN = "hidden"  # hidden so that a small one cannot be computed back: shown as ".."


@dataclass(frozen=True)
class SuppressedTable:
    """A table's counts with their margins, and what may be shown of each.

    `values[r][c]` for r < rows, c < columns are the counts; row `rows` holds the column totals,
    column `columns` the row totals, and `values[rows][columns]` the grand total.
    """

    values: tuple[tuple[int, ...], ...]
    shown: tuple[tuple[Shown, ...], ...]
    threshold: int
    row_totals: bool = True

    @property
    def rows(self) -> int:
        return len(self.values) - 1

    @property
    def columns(self) -> int:
        return len(self.values[0]) - 1

    def label(self, row: int, column: int) -> str:
        """What a reader sees in a cell: the number, "<5", or ".."."""
        how = self.shown[row][column]
        if how is Shown.VALUE:
            return str(self.values[row][column])
        if how is Shown.SMALL:
            return f"<{self.threshold}"
        return ".."

    def visible(self, row: int, column: int) -> int | None:
        """The number a reader can see in a cell, or None when it is hidden."""
        if self.shown[row][column] is Shown.VALUE:
            return self.values[row][column]
        return None


def suppress(
    counts: list[list[int]], threshold: int = 5, *, row_totals: bool = True
) -> SuppressedTable:
    """The table of `counts` (rows of non-negative integers, all of one length) with margins,
    small numbers hidden and enough others hidden that none can be computed back.

    Without `row_totals` (columns that nest, such as nominated / approved / matched, have no
    meaningful row sum) the last column is not shown and takes no part in the sums."""
    if threshold < 1:
        raise ValueError("the threshold must be at least 1")
    return _suppressed(tuple(tuple(row) for row in counts), threshold, row_totals)


# The secondary suppression is a search (a row reduction per candidate), and most of a report's
# tables come out the same when it is counted again after a change elsewhere: the answer for
# the same counts is kept (tables are a few dozen cells; a thousand of them are a few hundred kB).
@lru_cache(maxsize=1024)
def _suppressed(
    counts: tuple[tuple[int, ...], ...], threshold: int, row_totals: bool
) -> SuppressedTable:
    grid = _with_margins([list(row) for row in counts])
    rows, columns = len(grid) - 1, len(grid[0]) - 1
    equations = _shown_sums(rows, columns, row_totals)
    if not row_totals:
        grid = [[*row[:columns], 0] for row in grid]  # not shown: nothing to protect
    hidden = {pos for pos, value in _entries(grid) if 0 < value < threshold}
    small = set(hidden)
    while True:
        recoverable = _recoverable(hidden, equations, grid)
        if not recoverable:
            break
        hidden.add(_next_to_hide(recoverable, hidden, equations, grid))
    shown = tuple(
        tuple(
            Shown.SMALL if (r, c) in small else Shown.HIDDEN if (r, c) in hidden else Shown.VALUE
            for c in range(len(grid[0]))
        )
        for r in range(len(grid))
    )
    return SuppressedTable(
        values=tuple(tuple(row) for row in grid),
        shown=shown,
        threshold=threshold,
        row_totals=row_totals,
    )


def recoverable_positions(table: SuppressedTable) -> set[Position]:
    """The hidden positions whose value follows from the shown ones by sums (empty for a
    table `suppress` made); the property tests use it as the attacker."""
    hidden = {
        (r, c)
        for r, row in enumerate(table.shown)
        for c, how in enumerate(row)
        if how is not Shown.VALUE
    }
    grid = [list(row) for row in table.values]
    return set(_recoverable(hidden, _shown_sums(table.rows, table.columns, table.row_totals), grid))


def _with_margins(counts: list[list[int]]) -> list[list[int]]:
    if not counts or not counts[0]:
        raise ValueError("a table needs at least one row and one column")
    width = len(counts[0])
    if any(len(row) != width for row in counts):
        raise ValueError("every row needs the same number of columns")
    if any(value < 0 for row in counts for value in row):
        raise ValueError("counts cannot be negative")
    grid = [[*row, sum(row)] for row in counts]
    grid.append([sum(row[c] for row in grid) for c in range(width + 1)])
    return grid


def _entries(grid: list[list[int]]):
    for r, row in enumerate(grid):
        for c, value in enumerate(row):
            yield (r, c), value


def _equations(rows: int, columns: int) -> list[list[Position]]:
    """Each sum the table shows: its parts, then the total last (parts - total = 0)."""
    equations = [[*((r, c) for c in range(columns)), (r, columns)] for r in range(rows + 1)]
    equations += [[*((r, c) for r in range(rows)), (rows, c)] for c in range(columns + 1)]
    return equations


def _shown_sums(rows: int, columns: int, row_totals: bool) -> list[list[Position]]:
    equations = _equations(rows, columns)
    if row_totals:
        return equations
    return [equation for equation in equations if all(c != columns for _, c in equation)]


def _recoverable(
    hidden: set[Position], equations: list[list[Position]], grid: list[list[int]]
) -> list[Position]:
    """The hidden positions that the shown numbers determine, through reduced row echelon
    form of the equations restricted to the hidden unknowns."""
    unknowns = sorted(hidden)
    index = {pos: i for i, pos in enumerate(unknowns)}
    matrix: list[list[int]] = []
    for equation in equations:
        coefficients = [0] * len(unknowns)
        total = equation[-1]
        for pos in equation:
            if pos in index:
                coefficients[index[pos]] += -1 if pos == total else 1
        if any(coefficients):
            matrix.append(coefficients)
    pivots = _reduce(matrix)
    determined = []
    for row_number, pivot in enumerate(pivots):
        row = matrix[row_number]
        if all(value == 0 for i, value in enumerate(row) if i != pivot):
            determined.append(unknowns[pivot])
    return determined


def _reduce(matrix: list[list[int]]) -> list[int]:
    """Bring `matrix` to reduced row echelon form in place, in integers (each row scaled
    rather than divided, and kept small by its gcd: exact, and far quicker than fractions);
    the pivot column of each row. Zero tests, all that the caller reads, are the same."""
    pivots: list[int] = []
    width = len(matrix[0]) if matrix else 0
    row = 0
    for column in range(width):
        pivot = next((r for r in range(row, len(matrix)) if matrix[r][column]), None)
        if pivot is None:
            continue
        matrix[row], matrix[pivot] = matrix[pivot], matrix[row]
        lead_row = matrix[row]
        lead = lead_row[column]
        for other in range(len(matrix)):
            factor = matrix[other][column]
            if other != row and factor:
                combined = [
                    lead * a - factor * b for a, b in zip(matrix[other], lead_row, strict=True)
                ]
                divisor = math.gcd(*combined)
                matrix[other] = [a // divisor for a in combined] if divisor > 1 else combined
        pivots.append(column)
        row += 1
        if row == len(matrix):
            break
    return pivots


def _next_to_hide(
    recoverable: list[Position],
    hidden: set[Position],
    equations: list[list[Position]],
    grid: list[list[int]],
) -> Position:
    """The shown number to hide next: within a sum through a recoverable hidden one, the one
    that leaves the fewest recoverable, then counts before totals (a hidden total hides most of
    the table's message), then the smallest. Zeros are never hidden: they single nobody out,
    and once every nonzero number is hidden the sums pin none of them."""
    shown_nonzero = {pos for pos, value in _entries(grid) if value} - hidden
    targets = set(recoverable)
    candidates = {
        pos for equation in equations if targets & set(equation) for pos in equation
    } & shown_nonzero
    if not candidates:
        # Every sum through them shows only zeros: another sum pins them, so look further.
        candidates = shown_nonzero
    rows, columns = len(grid) - 1, len(grid[0]) - 1

    def plain_cost(pos: Position) -> tuple:
        is_total = pos[0] == rows or pos[1] == columns
        return (is_total, grid[pos[0]][pos[1]], pos)

    # Looking ahead costs a reduction per candidate: the few cheapest are enough to choose from.
    shortlist = sorted(candidates, key=plain_cost)[:LOOKAHEAD]
    return min(
        shortlist,
        key=lambda pos: (len(_recoverable(hidden | {pos}, equations, grid)), plain_cost(pos)),
    )
