"""A short-lived cache of computed reports, so that reading the report is about as cheap as any
page while the counts behind it have not changed.

The report aggregates the region's whole term (hundreds of thousands of attendance rows at
10,000 pupils): a fixed number of queries, but each scans a term of records. So a computed
report is kept per (filters, language) until either a statement writes to a table named with
`count_tables` (any INSERT, UPDATE or DELETE on it, seen at the engine, so ORM flushes, bulk
statements and raw deletes alike) or `REPORT_CACHE_SECONDS` have passed. `reports.services`
names the tables of who is in the programme; the day's activity waits for the time, so a busy
chat or a morning of attendance marks does not empty the cache. The cache is per process: with
several workers, another worker's write is seen here only when the time runs out, so the page
says when its figures were computed.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Hashable
from typing import TypeVar

import sqlalchemy as sa
from sqlalchemy.engine import Engine

T = TypeVar("T")

_lock = threading.Lock()
_entries: dict[Hashable, tuple[int, float, object]] = {}
_version = 0
_counted: set[str] = set()


def count_tables(*names: str) -> None:
    """Name the tables whose writes make a cached report stale."""
    _counted.update(names)


_refreshing: set[Hashable] = set()

Background = Callable[[Callable[[], None]], None]


def cached(
    key: Hashable,
    seconds: float,
    compute: Callable[[], T],
    background: Background | None = None,
    recount: Callable[[], T] | None = None,
) -> T:
    """The value cached under `key` while fresh, else `compute()` (and keep it).

    With `background` (a function that runs a job elsewhere), a value that has only grown old
    (nothing it counts was written since) is still answered, once more, while `background`
    recounts it (with `recount`, else `compute`): nobody waits for a recount the clock asked
    for."""
    now = time.monotonic()
    with _lock:
        entry = _entries.get(key)
        version = _version
    if seconds > 0 and entry is not None and entry[0] == version:
        if entry[1] > now:
            return entry[2]  # type: ignore[return-value]
        if background is not None:
            with _lock:
                starting = key not in _refreshing
                _refreshing.add(key)
            if starting:
                background(lambda: _recount(key, seconds, recount or compute, version))
            return entry[2]  # type: ignore[return-value]
    value = compute()
    if seconds > 0:
        with _lock:
            _entries[key] = (version, now + seconds, value)
    return value


def _recount(key: Hashable, seconds: float, compute: Callable[[], T], version: int) -> None:
    try:
        value = compute()
        with _lock:
            if _version == version:  # else a write came in between: the next read recounts
                _entries[key] = (version, time.monotonic() + seconds, value)
    finally:
        with _lock:
            _refreshing.discard(key)


def age_all(seconds: float) -> None:
    """Make every entry `seconds` older (for tests of what happens when time runs out)."""
    with _lock:
        for key, (version, expires, value) in list(_entries.items()):
            _entries[key] = (version, expires - seconds, value)


def invalidate() -> None:
    global _version
    with _lock:
        _version += 1
        _entries.clear()


@sa.event.listens_for(Engine, "after_execute")
def _written(conn, clauseelement, multiparams, params, execution_options, result) -> None:
    if isinstance(clauseelement, sa.Insert | sa.Update | sa.Delete):
        table = getattr(clauseelement, "table", None)
        if getattr(table, "name", None) in _counted:
            invalidate()
