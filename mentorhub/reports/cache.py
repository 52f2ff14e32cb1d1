"""A short-lived cache of computed reports, so that reading the report is about as cheap as any
page while the counts behind it have not changed.

The report aggregates the region's whole term (hundreds of thousands of attendance rows at
10,000 pupils): a fixed number of queries, but each scans a term of records. So a computed
report is kept per (filters, language) until either a statement writes to a table named with
`count_tables` (any INSERT, UPDATE or DELETE on it, seen at the engine, so ORM flushes, bulk
statements and raw deletes alike) or `REPORT_CACHE_SECONDS` have passed. `reports.services`
names the tables of who is in the programme; the day's activity waits for the time, so a busy
chat or a morning of attendance marks does not empty the cache. The cache is per process.

Nobody should wait for a recount (half a second at 10,000 pupils, against a few milliseconds for
any other page): a report grown old is answered once more while it is recounted behind the
scenes, and a write to what reports count has every report read before recounted behind the
scenes as soon as the write is committed (through the after-commit queue), so the coordinator
who approves a nomination and then opens the report finds it counted already. With several
workers the same commit tells the others, over the Socket.IO channel on Redis
(`realtime.reports_changed`), and each recounts what it keeps: the next click finds fresh
figures whichever worker it reaches. A worker that misses the message (Redis down for a
moment) is fresh again when `REPORT_CACHE_SECONDS` run out, and the page says when its figures
were computed. Recounts of one
report never overlap: writes that come while one runs ask for one more after it. A reader who
comes while the recount runs waits for it rather than counting a second time.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Hashable
from dataclasses import dataclass
from typing import TypeVar

import sqlalchemy as sa
from flask import current_app, has_app_context
from sqlalchemy.engine import Engine

from mentorhub import after_commit, realtime

T = TypeVar("T")
log = logging.getLogger("mentorhub.reports")

_lock = threading.Lock()
_entries: dict[Hashable, _Entry] = {}
_version = 0
_counted: set[str] = set()

Background = Callable[[Callable[[], None]], None]


@dataclass
class _Entry:
    version: int
    expires: float
    value: object
    seconds: float
    recount: Callable[[], object]
    background: Background | None = None
    owner: object = None  # the app it was counted for (tests make many apps in one process)
    running: threading.Event | None = None  # set when the recount under way is done
    again: bool = False  # a write came while it ran: one more recount when it is done


def count_tables(*names: str) -> None:
    """Name the tables whose writes make a cached report stale."""
    _counted.update(names)


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
    recounts it (with `recount`, else `compute`); and after a committed write to a counted
    table it is recounted there at once. Nobody waits for a recount the clock asked for."""
    if seconds <= 0:
        return compute()
    now = time.monotonic()
    with _lock:
        entry = _entries.get(key)
        running = entry.running if entry is not None else None
        version = _version
    if entry is not None and entry.version == version:
        if entry.expires <= now and background is not None:
            _start(key, entry)
        return entry.value  # type: ignore[return-value]
    if running is not None and running.wait(WAIT_FOR_RECOUNT):
        with _lock:
            entry = _entries.get(key)
        if entry is not None and entry.version == _version:
            return entry.value  # type: ignore[return-value]
    value = compute()
    with _lock:
        kept = _entries.get(key)
        if kept is not None and kept.running is not None:
            kept.version, kept.expires, kept.value = version, now + seconds, value
        else:
            _entries[key] = _Entry(
                version, now + seconds, value, seconds, recount or compute, background, _app()
            )
    return value


# A reader who finds a recount under way waits this long for it, then counts for themselves.
WAIT_FOR_RECOUNT = 10.0


def _start(key: Hashable, entry: _Entry) -> None:
    """Recount `entry` behind the scenes, unless that is under way (then once more after it)."""
    with _lock:
        if entry.running is not None:
            entry.again = True
            return
        entry.running = threading.Event()
    entry.background(lambda: _recount(key, entry))


def _recount(key: Hashable, entry: _Entry) -> None:
    try:
        while True:
            with _lock:
                version, entry.again = _version, False
            value = entry.recount()
            with _lock:
                if _version == version:
                    entry.version, entry.value = version, value
                    entry.expires = time.monotonic() + entry.seconds
                # Counted again only for a committed write that asked for it; another write
                # (not through the session) leaves the entry stale for the next reader.
                if not entry.again:
                    break
    except Exception:
        log.exception("recounting the report %r failed", key)
    finally:
        with _lock:
            done, entry.running = entry.running, None
        if done is not None:
            done.set()


def recounting() -> bool:
    """Whether a recount is under way behind the scenes (for tests)."""
    with _lock:
        return any(entry.running is not None for entry in _entries.values())


def age_all(seconds: float) -> None:
    """Make every entry `seconds` older (for tests of what happens when time runs out)."""
    with _lock:
        for entry in _entries.values():
            entry.expires -= seconds


def clear() -> None:
    """Forget every kept report (between tests: each starts with an empty world)."""
    with _lock:
        _entries.clear()


def invalidate() -> None:
    """Every kept report is stale: the next read counts again (or waits for the recount)."""
    global _version
    owner = _app()
    with _lock:
        _version += 1
        if owner is not None:  # another app's reports are of no use to this one
            for key in [key for key, entry in _entries.items() if entry.owner is not owner]:
                del _entries[key]


def recount_all() -> None:
    """Recount behind the scenes every kept report that can be (after a committed write)."""
    owner = _app()
    with _lock:
        kept = [
            (key, entry)
            for key, entry in _entries.items()
            if entry.background is not None and entry.owner is owner
        ]
    for key, entry in kept:
        _start(key, entry)


def _app() -> object:
    return current_app._get_current_object() if has_app_context() else None


@sa.event.listens_for(Engine, "after_execute")
def _written(conn, clauseelement, multiparams, params, execution_options, result) -> None:
    if isinstance(clauseelement, sa.Insert | sa.Update | sa.Delete):
        table = getattr(clauseelement, "table", None)
        if getattr(table, "name", None) in _counted:
            invalidate()
            if has_app_context():
                # The recount must read what this statement wrote, so it waits for the commit.
                after_commit.after_commit_once(recount_all)
                realtime.reports_changed()


def stale_elsewhere() -> None:
    """Another worker committed a write to what reports count: every report kept here is stale,
    and is recounted behind the scenes (in the app's context, which the caller gives)."""
    invalidate()
    recount_all()
