"""Small numbers in the programme's tables: what a reader sees never gives one back."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mentorhub.reports.suppression import (
    Shown,
    SuppressedTable,
    recoverable_positions,
    suppress,
)

counts = st.integers(min_value=1, max_value=5).flatmap(
    lambda width: st.lists(
        st.lists(st.integers(min_value=0, max_value=30), min_size=width, max_size=width),
        min_size=1,
        max_size=5,
    )
)
# Tables of mostly small numbers: the hard case, where hidden cells crowd each other.
small_counts = st.integers(min_value=1, max_value=4).flatmap(
    lambda width: st.lists(
        st.lists(st.integers(min_value=0, max_value=8), min_size=width, max_size=width),
        min_size=1,
        max_size=4,
    )
)
thresholds = st.integers(min_value=2, max_value=6)


def cells(table):
    return [(r, c) for r in range(table.rows + 1) for c in range(table.columns + 1)]


@settings(max_examples=300, deadline=None)
@given(counts, thresholds)
def test_no_hidden_number_can_be_computed_from_the_sums_shown(rows, threshold):
    table = suppress(rows, threshold)
    assert recoverable_positions(table) == set()


def peel(table) -> dict:
    """An attacker of its own, as a reader with a pencil works: any row or column sum with one
    number missing gives it; repeat with what was found until nothing more follows."""
    known = {pos: table.visible(*pos) for pos in cells(table) if table.visible(*pos) is not None}
    lines = [[(r, c) for c in range(table.columns + 1)] for r in range(table.rows + 1)]
    lines += [[(r, c) for r in range(table.rows + 1)] for c in range(table.columns + 1)]
    found = {}
    progress = True
    while progress:
        progress = False
        for line in lines:
            *parts, total = line
            missing = [pos for pos in line if pos not in known]
            if len(missing) != 1:
                continue
            [pos] = missing
            if pos == total:
                value = sum(known[p] for p in parts)
            else:
                value = known[total] - sum(known[p] for p in parts if p != pos)
            known[pos] = found[pos] = value
            progress = True
    return found


def test_hiding_only_the_small_numbers_would_give_them_back():
    # given a table where just the 3 is hidden (no secondary suppression)
    full = suppress([[7, 12], [9, 30]])
    shown = [list(row) for row in full.shown]
    shown[0][0] = Shown.SMALL
    naive = SuppressedTable(full.values, tuple(map(tuple, shown)), 5)
    # then both attackers find it: the tests above would catch a suppression that leaks
    assert peel(naive) == {(0, 0): 7}
    assert recoverable_positions(naive) == {(0, 0)}


def peel_columns(table) -> dict:
    """The pencil reader for a table without row totals: a column with one number missing."""
    found = {}
    for c in range(table.columns):
        column = [(r, c) for r in range(table.rows + 1)]
        missing = [pos for pos in column if table.visible(*pos) is None]
        if len(missing) == 1:
            found[missing[0]] = table.values[missing[0][0]][c]
    return found


@settings(max_examples=300, deadline=None)
@given(counts, thresholds)
def test_a_reader_with_a_pencil_finds_no_hidden_number(rows, threshold):
    assert peel(suppress(rows, threshold)) == {}


@settings(max_examples=300, deadline=None)
@given(small_counts, thresholds)
def test_tables_of_small_numbers_give_none_back_either(rows, threshold):
    table = suppress(rows, threshold)
    assert recoverable_positions(table) == set()


@settings(max_examples=200, deadline=None)
@given(counts, thresholds)
def test_columns_without_a_row_total_give_none_back_either(rows, threshold):
    table = suppress(rows, threshold, row_totals=False)
    assert recoverable_positions(table) == set()
    assert peel_columns(table) == {}


@settings(max_examples=200, deadline=None)
@given(counts, thresholds)
def test_every_number_below_the_threshold_shows_as_small_and_every_shown_one_is_true(
    rows, threshold
):
    table = suppress(rows, threshold)
    for r, c in cells(table):
        value = table.values[r][c]
        if 0 < value < threshold:
            assert table.label(r, c) == f"<{threshold}"
        elif table.shown[r][c] is Shown.VALUE:
            assert table.label(r, c) == str(value)
        if value == 0:
            assert table.label(r, c) == "0"


@settings(max_examples=200, deadline=None)
@given(counts)
def test_the_margins_are_the_sums_of_the_counts(rows):
    table = suppress(rows)
    for r in range(table.rows):
        assert table.values[r][table.columns] == sum(rows[r])
    for c in range(table.columns):
        assert table.values[table.rows][c] == sum(row[c] for row in rows)
    assert table.values[table.rows][table.columns] == sum(map(sum, rows))


def test_a_table_without_small_numbers_shows_everything():
    table = suppress([[7, 12], [9, 30]])
    assert all(table.shown[r][c] is Shown.VALUE for r, c in cells(table))


def test_one_small_cell_takes_a_sibling_in_its_row_and_its_column_with_it():
    # given a 3 that row 0's total and column 1's total would give back
    table = suppress([[7, 3, 10], [12, 6, 1], [0, 8, 9]])
    # then it shows as small and the smallest siblings that protect it are hidden too
    assert table.label(0, 1) == "<5"
    assert table.label(1, 2) == "<5"
    assert [table.label(0, 2), table.label(1, 1)] == ["..", ".."]
    assert table.label(0, 3) == "20"  # the totals stay
    assert table.label(3, 3) == "56"


def test_a_hidden_number_is_not_visible_and_a_shown_one_is_its_value():
    table = suppress([[3, 9], [8, 9]])
    assert table.visible(0, 0) is None
    for r, c in cells(table):
        expected = table.values[r][c] if table.shown[r][c] is Shown.VALUE else None
        assert table.visible(r, c) == expected


@pytest.mark.parametrize(
    "rows, message",
    [([], "at least one row"), ([[1, 2], [3]], "same number"), ([[-1]], "negative")],
)
def test_a_malformed_table_is_refused(rows, message):
    with pytest.raises(ValueError, match=message):
        suppress(rows)
