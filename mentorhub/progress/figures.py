"""Attendance and problem figures (journey 8): pure functions, no Flask and no database.

The rate counts a late arrival as attended and an absence with notice as not attended: the
pupil still missed the meeting, even if they said so beforehand (that is how schools count
närvaro). The counts are kept apart so a page can show both.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta

PRESENT, LATE, NOTICE, ABSENT = "present", "late", "absent_with_notice", "absent"


@dataclass(frozen=True)
class AttendanceFigures:
    present: int = 0
    late: int = 0
    absent_with_notice: int = 0
    absent: int = 0

    @property
    def meetings(self) -> int:
        return self.present + self.late + self.absent_with_notice + self.absent

    @property
    def attended(self) -> int:
        return self.present + self.late

    @property
    def rate(self) -> float | None:
        """Share of meetings attended, or None when there were none (not 0 %: nothing to say)."""
        return self.attended / self.meetings if self.meetings else None

    @property
    def percent(self) -> int | None:
        return None if self.rate is None else round(self.rate * 100)


def attendance_figures(statuses: Iterable[str]) -> AttendanceFigures:
    """Counts and rate from attendance statuses (unknown statuses are ignored)."""
    counts = {PRESENT: 0, LATE: 0, NOTICE: 0, ABSENT: 0}
    for status in statuses:
        if status in counts:
            counts[status] += 1
    return AttendanceFigures(counts[PRESENT], counts[LATE], counts[NOTICE], counts[ABSENT])


def recent_attendance(statuses: Sequence[str], window: int) -> AttendanceFigures:
    """The figures over the last `window` meetings (statuses oldest first)."""
    return attendance_figures(list(statuses)[-window:] if window > 0 else [])


@dataclass(frozen=True)
class LevelCount:
    level: int
    attempted: int  # problems (posts) tried at this level
    solved: int  # of those, solved


def problems_by_level(attempts: Iterable[tuple[int, int, str]]) -> list[LevelCount]:
    """From (level, post id, attempt status) per attempt: problems attempted and solved per
    level, lowest level first. Several attempts at one problem count once."""
    tried: dict[int, set[int]] = {}
    solved: dict[int, set[int]] = {}
    for level, post_id, status in attempts:
        tried.setdefault(level, set()).add(post_id)
        if status == "solved":
            solved.setdefault(level, set()).add(post_id)
    return [LevelCount(lv, len(tried[lv]), len(solved.get(lv, ()))) for lv in sorted(tried)]


def totals(levels: Iterable[LevelCount]) -> tuple[int, int]:
    """(attempted, solved) over all levels."""
    levels = list(levels)
    return sum(c.attempted for c in levels), sum(c.solved for c in levels)


def monday(day: date) -> date:
    return day - timedelta(days=day.weekday())


@dataclass(frozen=True)
class WeekActivity:
    week_start: date
    messages: int = 0
    attempts: int = 0
    checkins: int = 0

    @property
    def total(self) -> int:
        return self.messages + self.attempts + self.checkins


def activity_per_week(
    start: date,
    end: date,
    messages: Iterable[date] = (),
    attempts: Iterable[date] = (),
    checkins: Iterable[date] = (),
) -> list[WeekActivity]:
    """One entry per week (Monday first) from the week of `start` to the week of `end`, with the
    number of messages, attempts and check-ins on days inside it; days outside are ignored."""
    weeks: list[date] = []
    week = monday(start)
    while week <= end:
        weeks.append(week)
        week += timedelta(days=7)
    counts = {w: [0, 0, 0] for w in weeks}
    for index, days in enumerate((messages, attempts, checkins)):
        for day in days:
            bucket = counts.get(monday(day))
            if bucket is not None and start <= day <= end:
                bucket[index] += 1
    return [WeekActivity(w, *counts[w]) for w in weeks]
