"""Early-warning rules (journey 8): pure functions over a pupil's recent record.

No Flask and no database: the caller loads the facts, these rules say which flags apply and
why, with the numbers that triggered them, so the page can say it in plain words in the reader's
language. Flags are shown, never hidden; acknowledging one is the caller's business.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from typing import Any


class Attendance(StrEnum):
    PRESENT = "present"
    LATE = "late"
    ABSENT_WITH_NOTICE = "absent_with_notice"
    ABSENT = "absent"


@dataclass(frozen=True)
class Thresholds:
    """Where each rule trips; the defaults follow the issue and can be set per municipality."""

    attendance_rate: float = 0.75  # below this share over the last meetings ...
    attendance_window: int = 4  # ... counting this many meetings
    absences_in_a_row: int = 2  # absences without notice in a row
    inactive_days: int = 14  # no activity for this many days
    checkin_days: int = 14  # an active goal without a check-in for this many days
    falling_ratings: int = 3  # this many check-ins in a row, each lower than the one before
    level_downs: int = 2  # the level moved down this many times (in the record given)


@dataclass(frozen=True)
class Flag:
    """`key` tells flags of the same code apart (the goal's id for goal flags, else ""), so an
    acknowledgement belongs to one flag; it is left out of comparisons."""

    code: str
    params: dict[str, Any] = field(default_factory=dict)
    key: str = field(default="", compare=False)


@dataclass(frozen=True)
class GoalRecord:
    goal_id: int
    title: str
    active: bool
    started_on: date
    checkins: Sequence[tuple[date, int]] = ()  # (day, rating), any order


@dataclass(frozen=True)
class PupilRecord:
    """What the rules look at, for one pupil."""

    attendance: Sequence[Attendance] = ()  # the pupil's meetings so far, oldest first
    last_activity: date | None = None
    goals: Sequence[GoalRecord] = ()
    level_changes: Sequence[int] = ()  # +1 / -1 per change, oldest first
    # The day the pupil first got a knowledge mentor (None: no mentor yet). A pupil cannot be
    # active before they have a mentor, so the inactivity rule counts from this day at the
    # earliest.
    matched_since: date | None = None


def attendance_falling(record: PupilRecord, t: Thresholds) -> list[Flag]:
    flags = []
    recent = list(record.attendance)[-t.attendance_window :]
    if len(recent) == t.attendance_window:
        attended = sum(a in (Attendance.PRESENT, Attendance.LATE) for a in recent)
        if attended / len(recent) < t.attendance_rate:
            flags.append(Flag("attendance_low", {"attended": attended, "meetings": len(recent)}))
    run = 0
    for a in reversed(record.attendance):
        if a != Attendance.ABSENT:
            break
        run += 1
    if run >= t.absences_in_a_row:
        flags.append(Flag("absent_in_a_row", {"count": run}))
    return flags


def inactive(record: PupilRecord, today: date, t: Thresholds) -> list[Flag]:
    """No activity for `inactive_days`, counted from the later of the last activity and the
    day the pupil got a mentor: a new pupil is not flagged before they have had a mentor for
    the rule's number of days."""
    if record.matched_since is None:
        return []
    if (today - record.matched_since).days < t.inactive_days:
        return []
    if record.last_activity is None:
        return [Flag("no_activity_yet")]
    days = (today - record.last_activity).days
    return [Flag("inactive", {"days": days})] if days >= t.inactive_days else []


def goals_stalled(record: PupilRecord, today: date, t: Thresholds) -> list[Flag]:
    flags = []
    for goal in record.goals:
        if not goal.active:
            continue
        checkins = sorted(goal.checkins)
        since = checkins[-1][0] if checkins else goal.started_on
        days = (today - since).days
        if days >= t.checkin_days:
            flags.append(
                Flag("goal_no_checkin", {"goal": goal.title, "days": days}, str(goal.goal_id))
            )
        ratings = [rating for _day, rating in checkins][-t.falling_ratings :]
        if len(ratings) == t.falling_ratings and all(
            later < earlier for earlier, later in zip(ratings, ratings[1:], strict=False)
        ):
            flags.append(
                Flag(
                    "goal_ratings_falling",
                    {"goal": goal.title, "ratings": ratings},
                    str(goal.goal_id),
                )
            )
    return flags


def level_moved_down(record: PupilRecord, t: Thresholds) -> list[Flag]:
    downs = sum(1 for change in record.level_changes if change < 0)
    return [Flag("level_down", {"count": downs})] if downs >= t.level_downs else []


def flags_for(record: PupilRecord, today: date, t: Thresholds = Thresholds()) -> list[Flag]:
    """Every early-warning flag that applies to the pupil today, in a fixed order."""
    return [
        *attendance_falling(record, t),
        *inactive(record, today, t),
        *goals_stalled(record, today, t),
        *level_moved_down(record, t),
    ]
