"""Long lists, one page at a time: a region holds thousands of nominations and matches, and a
page that lists them all takes seconds to build and megabytes to send (benchmarks/
region_pages.py). Every long list goes through `paginate`, and its template through the
`pagination` macro (templates/macros/pagination.html)."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

import sqlalchemy as sa

from mentorhub.extensions import db

PER_PAGE = 50
Row = TypeVar("Row")


@dataclass(frozen=True)
class Page(Generic[Row]):
    """One page of a long list: its rows, which page it is (from 1) and how many there are."""

    items: list[Row]
    number: int
    pages: int
    total: int


def page_number(raw: str | None) -> int:
    """The page an address asks for (`?page=`); anything but a positive number is the first."""
    return int(raw) if raw and raw.isdigit() and int(raw) > 0 else 1


def paginate(query: sa.Select, number: int, per_page: int = PER_PAGE) -> Page:
    """The rows of `query` (ordered, ORM entities) on page `number`, and how many pages: two
    queries whatever the length of the list. A page past the end shows the last one."""
    return _paginated(query, number, per_page, db.session.scalars)


def paginate_rows(
    query: sa.Select, number: int, per_page: int = PER_PAGE, total: int | None = None
) -> Page:
    """As `paginate`, for a query of columns (each item a row, not an entity); `total` when
    the caller has counted the rows already (one query then)."""
    return _paginated(query, number, per_page, db.session.execute, total)


def _paginated(
    query: sa.Select, number: int, per_page: int, run: Any, total: int | None = None
) -> Page:
    if total is None:
        total = db.session.scalar(
            sa.select(sa.func.count()).select_from(query.order_by(None).subquery())
        )
    pages = max(1, math.ceil((total or 0) / per_page))
    number = min(number, pages)
    items = list(run(query.limit(per_page).offset((number - 1) * per_page)))
    return Page(items=items, number=number, pages=pages, total=total or 0)


def paginate_list(rows: list[Row], number: int, per_page: int = PER_PAGE) -> Page[Row]:
    """A page of rows already in hand (a list computed and sorted in Python)."""
    pages = max(1, math.ceil(len(rows) / per_page))
    number = min(number, pages)
    start = (number - 1) * per_page
    return Page(items=rows[start : start + per_page], number=number, pages=pages, total=len(rows))
