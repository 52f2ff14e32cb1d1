"""Weekly recurrence in Stockholm wall-clock time, as pure functions.

A weekly meeting at 16:00 stays at 16:00 for the people in Stockholm, in winter and in summer
time alike; only its UTC instant moves by an hour at the switch (last Sunday of March and of
October). So occurrences are counted in local time and each is converted to naive UTC on its own.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

STOCKHOLM = ZoneInfo("Europe/Stockholm")
# A weekly series runs for at most about a school year: 53 weeks, the first one included.
MAX_OCCURRENCES = 53
MAX_SPAN = timedelta(days=366)


def to_utc(local: datetime) -> datetime:
    """A naive Stockholm wall-clock time → the naive UTC datetime the database holds."""
    return local.replace(tzinfo=STOCKHOLM).astimezone(UTC).replace(tzinfo=None)


def to_local(utc: datetime) -> datetime:
    """A naive UTC datetime from the database → naive Stockholm wall-clock time."""
    return utc.replace(tzinfo=UTC).astimezone(STOCKHOLM).replace(tzinfo=None)


def weekly_local(first: datetime, until: date | None) -> list[datetime]:
    """The local starts of a weekly series: `first`, then every 7 days at the same wall-clock
    time, up to and including the day `until` (None: just `first`). At most MAX_OCCURRENCES."""
    starts = [first]
    if until is None:
        return starts
    step = 1
    while len(starts) < MAX_OCCURRENCES:
        day = first.date() + timedelta(weeks=step)
        if day > until:
            break
        starts.append(datetime.combine(day, first.time()))
        step += 1
    return starts


def weekly_utc(first: datetime, until: date | None) -> list[datetime]:
    """`weekly_local`, each start converted to naive UTC for storage."""
    return [to_utc(start) for start in weekly_local(first, until)]


def with_local_time(utc_start: datetime, new_time: time) -> datetime:
    """The same Stockholm day as `utc_start`, at another wall-clock time, back in naive UTC."""
    return to_utc(datetime.combine(to_local(utc_start).date(), new_time))
