"""The mentor's and school staff's progress review list: one row per pupil with early warnings.

The list loads one query per kind of fact for all of the reader's pupils at once (aggregated in
SQL where that is simple), so its number of queries does not grow with the number of pupils;
then it builds a `PupilRecord` per pupil and lets the pure rules in `warnings` say which flags
apply. The pupil page (`pupil_record`) reuses `review_rows` for the one pupil's flags.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from flask import current_app
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.orm import defaultload, lazyload

from mentorhub import policy
from mentorhub.accounts.models import User
from mentorhub.chat.models import Message
from mentorhub.concerns.models import Concern, ConcernStatus
from mentorhub.extensions import db
from mentorhub.goals.models import CheckIn, Goal, GoalStatus
from mentorhub.matching.models import Match
from mentorhub.meetings.models import Attendance, Meeting
from mentorhub.problems.models import Attempt, AttemptStatus, LevelChange
from mentorhub.progress import figures, warnings
from mentorhub.progress.labels import FLAG_TYPES
from mentorhub.progress.models import FlagAcknowledgement
from mentorhub.pupils.models import PupilProfile
from mentorhub.sqlutil import among
from mentorhub.timeutil import utcnow

LOCAL = ZoneInfo("Europe/Stockholm")
# Attendance rows kept per pupil for the list: enough for the window and a long run of absences.
ATTENDANCE_ROWS = 26
LEVEL_DOWN_DAYS = 365  # level changes counted by the level_down rule


def local_date(moment: datetime) -> date:
    """The Stockholm calendar day of a stored naive-UTC timestamp."""
    return moment.replace(tzinfo=UTC).astimezone(LOCAL).date()


def local_today() -> date:
    return datetime.now(LOCAL).date()


def thresholds() -> warnings.Thresholds:
    """The early-warning thresholds from the app's settings (WARN_*)."""
    c = current_app.config
    d = warnings.Thresholds()
    return warnings.Thresholds(
        attendance_rate=float(c.get("WARN_ATTENDANCE_RATE", d.attendance_rate)),
        attendance_window=int(c.get("WARN_ATTENDANCE_WINDOW", d.attendance_window)),
        absences_in_a_row=int(c.get("WARN_ABSENCES_IN_A_ROW", d.absences_in_a_row)),
        inactive_days=int(c.get("WARN_INACTIVE_DAYS", d.inactive_days)),
        checkin_days=int(c.get("WARN_CHECKIN_DAYS", d.checkin_days)),
        falling_ratings=int(c.get("WARN_FALLING_RATINGS", d.falling_ratings)),
        level_downs=int(c.get("WARN_LEVEL_DOWNS", d.level_downs)),
    )


@dataclass
class ShownFlag:
    """A flag as shown: always, with its acknowledgement (who, when, note) when there is one."""

    flag: warnings.Flag
    ack: FlagAcknowledgement | None = None

    @property
    def code(self) -> str:
        return self.flag.code

    @property
    def key(self) -> str:
        return self.flag.key


@dataclass
class GoalLine:
    goal_id: int
    title: str
    last_rating: int | None = None
    last_checkin: datetime | None = None


@dataclass
class ReviewRow:
    pupil: User
    profile: PupilProfile | None
    attendance: figures.AttendanceFigures  # over the last WARN_ATTENDANCE_WINDOW meetings
    levels: list[figures.LevelCount] = field(default_factory=list)
    goals: list[GoalLine] = field(default_factory=list)  # the active ones
    last_activity: datetime | None = None
    open_concerns: int = 0
    flags: list[ShownFlag] = field(default_factory=list)

    @property
    def solved(self) -> int:
        return figures.totals(self.levels)[1]

    @property
    def attempted(self) -> int:
        return figures.totals(self.levels)[0]

    def has_flag_type(self, flag_type: str) -> bool:
        codes = FLAG_TYPES.get(flag_type, ())
        return any(f.code in codes for f in self.flags)


# --- one query per kind of fact, for many pupils ----------------------------------------------


def _attendance(ids: list[int]) -> dict[int, list[str]]:
    """The latest recorded attendance per pupil (not cancelled meetings), oldest first."""
    if db.session.get_bind().dialect.name == "postgresql":
        # Each pupil's latest meetings through the attendance index, meeting by meeting
        # (LATERAL): the window below made PostgreSQL read every meeting of the region to
        # join them (15 -> 10 ms for a home teacher's 250 pupils at 10,000).
        pupil = (
            sa.func.unnest(sa.bindparam("pupil_ids", list(ids), type_=ARRAY(sa.Integer)))
            .table_valued("id")
            .render_derived(name="pupil")
        )
        recent = (
            sa.select(Attendance.status, Meeting.starts_at)
            .join(Meeting, Meeting.id == Attendance.meeting_id)
            .where(Attendance.pupil_id == pupil.c.id, Meeting.cancelled_at.is_(None))
            .order_by(Meeting.starts_at.desc())
            .limit(ATTENDANCE_ROWS)
            .lateral("recent")
        )
        query = (
            sa.select(pupil.c.id, recent.c.status)
            .select_from(pupil)
            .join(recent, sa.true())
            .order_by(pupil.c.id, recent.c.starts_at)
        )
    else:
        rn = (
            sa.func.row_number()
            .over(partition_by=Attendance.pupil_id, order_by=Meeting.starts_at.desc())
            .label("rn")
        )
        inner = (
            sa.select(Attendance.pupil_id, Attendance.status, Meeting.starts_at, rn)
            .join(Meeting, Meeting.id == Attendance.meeting_id)
            .where(among(Attendance.pupil_id, ids), Meeting.cancelled_at.is_(None))
            .subquery()
        )
        query = (
            sa.select(inner.c.pupil_id, inner.c.status)
            .where(inner.c.rn <= ATTENDANCE_ROWS)
            .order_by(inner.c.pupil_id, inner.c.starts_at)
        )
    rows = db.session.execute(query)
    found: dict[int, list[str]] = defaultdict(list)
    for pupil_id, status in rows:
        found[pupil_id].append(status)
    return found


def _attempts(ids: list[int]) -> tuple[dict[int, list[figures.LevelCount]], dict[int, datetime]]:
    """Problems attempted and solved per level, and the latest attempt, per pupil."""
    solved_post = sa.case((Attempt.status == AttemptStatus.SOLVED.value, Attempt.post_id))
    rows = db.session.execute(
        sa.select(
            Attempt.pupil_id,
            Attempt.level,
            sa.func.count(sa.distinct(Attempt.post_id)),
            sa.func.count(sa.distinct(solved_post)),
            sa.func.max(Attempt.created_at),
        )
        .where(among(Attempt.pupil_id, ids))
        .group_by(Attempt.pupil_id, Attempt.level)
        .order_by(Attempt.pupil_id, Attempt.level)
    )
    levels: dict[int, list[figures.LevelCount]] = defaultdict(list)
    latest: dict[int, datetime] = {}
    for pupil_id, level, attempted, solved, last in rows:
        levels[pupil_id].append(figures.LevelCount(level, attempted, solved))
        latest[pupil_id] = max(latest.get(pupil_id, last), last)
    return levels, latest


def _latest_per_pupil(column: Any, pupil_column: Any, ids: list[int], *where: Any) -> dict:
    rows = db.session.execute(
        sa.select(pupil_column, sa.func.max(column))
        .where(among(pupil_column, ids), *where)
        .group_by(pupil_column)
    )
    return dict(rows.all())


def _matched_since(ids: list[int]) -> dict[int, datetime]:
    """When each pupil got their current knowledge mentor: the earliest of their current
    confirmed matches (confirmed, or made when no confirmation time was kept)."""
    since = sa.func.min(sa.func.coalesce(Match.confirmed_at, Match.created_at))
    rows = db.session.execute(
        policy.current_mentor_matches(Match.pupil_id, since)
        .where(among(Match.pupil_id, ids))
        .group_by(Match.pupil_id)
    )
    return dict(rows.all())


def _active_goals(ids: list[int], keep: int) -> dict[int, list[tuple[GoalLine, Any]]]:
    """Active goals per pupil with their latest `keep` check-ins (newest last)."""
    goals = db.session.execute(
        sa.select(Goal.id, Goal.pupil_id, Goal.title, Goal.created_at)
        .where(among(Goal.pupil_id, ids), Goal.status == GoalStatus.ACTIVE.value)
        .order_by(Goal.pupil_id, Goal.created_at)
    ).all()
    rn = (
        sa.func.row_number()
        .over(partition_by=CheckIn.goal_id, order_by=CheckIn.created_at.desc())
        .label("rn")
    )
    inner = (
        sa.select(CheckIn.goal_id, CheckIn.rating, CheckIn.created_at, rn)
        .join(Goal, Goal.id == CheckIn.goal_id)
        .where(among(Goal.pupil_id, ids), Goal.status == GoalStatus.ACTIVE.value)
        .subquery()
    )
    checkins: dict[int, list[tuple[datetime, int]]] = defaultdict(list)
    for goal_id, rating, created_at in db.session.execute(
        sa.select(inner.c.goal_id, inner.c.rating, inner.c.created_at)
        .where(inner.c.rn <= keep)
        .order_by(inner.c.goal_id, inner.c.created_at)
    ):
        checkins[goal_id].append((created_at, rating))
    found: dict[int, list[tuple[GoalLine, Any]]] = defaultdict(list)
    for goal_id, pupil_id, title, created_at in goals:
        recent = checkins.get(goal_id, [])
        line = GoalLine(goal_id, title)
        if recent:
            line.last_checkin, line.last_rating = recent[-1]
        record = warnings.GoalRecord(
            goal_id=goal_id,
            title=title,
            active=True,
            started_on=local_date(created_at),
            checkins=[(local_date(at), rating) for at, rating in recent],
        )
        found[pupil_id].append((line, record))
    return found


def _level_downs(ids: list[int]) -> dict[int, int]:
    since = utcnow() - timedelta(days=LEVEL_DOWN_DAYS)
    rows = db.session.execute(
        sa.select(LevelChange.pupil_id, sa.func.count())
        .where(
            among(LevelChange.pupil_id, ids),
            LevelChange.from_level.is_not(None),
            LevelChange.to_level < LevelChange.from_level,
            LevelChange.created_at >= since,
        )
        .group_by(LevelChange.pupil_id)
    )
    return dict(rows.all())


def _open_concerns(reader: Any, ids: list[int]) -> dict[int, int]:
    rows = db.session.execute(
        sa.select(Concern.pupil_id, sa.func.count())
        .where(
            among(Concern.pupil_id, ids),
            Concern.status == ConcernStatus.OPEN.value,
            policy.concerns_visible_to(reader),
        )
        .group_by(Concern.pupil_id)
    )
    return dict(rows.all())


def _acknowledgements(ids: list[int]) -> dict[tuple[int, str, str], FlagAcknowledgement]:
    """The latest acknowledgement per (pupil, code, key)."""
    acks = db.session.scalars(
        sa.select(FlagAcknowledgement)
        .options(defaultload(FlagAcknowledgement.acknowledged_by).lazyload(User.role_rows))
        .where(among(FlagAcknowledgement.pupil_id, ids))
        .order_by(FlagAcknowledgement.created_at, FlagAcknowledgement.id)
    ).all()
    return {(a.pupil_id, a.code, a.key): a for a in acks}


def review_rows(reader: Any, pupil_ids: Iterable[int] | None = None) -> list[ReviewRow]:
    """One row per pupil the reader cares for (or those of `pupil_ids` among them), with
    figures and early-warning flags, in a fixed number of queries."""
    query = (
        sa.select(User, PupilProfile)
        .outerjoin(PupilProfile, PupilProfile.user_id == User.id)
        # The page shows the pupils' names, schools and profiles: not their roles (a statement
        # of their own, left to load if asked), nor the profile's user again (the row's own).
        .options(lazyload(User.role_rows), lazyload(PupilProfile.user))
        .where(User.id.in_(policy.pupils_cared_for_by(reader)))
        .order_by(User.name, User.id)
    )
    if pupil_ids is not None:
        query = query.where(among(User.id, pupil_ids))
    pupils = db.session.execute(query).unique().all()
    ids = [user.id for user, _profile in pupils]
    if not ids:
        return []
    t = thresholds()
    today = local_today()
    attendance = _attendance(ids)
    levels, last_attempt = _attempts(ids)
    last_message = _latest_per_pupil(Message.created_at, Message.author_id, ids)
    last_checkin = _latest_per_pupil(
        CheckIn.created_at, CheckIn.pupil_id, ids, CheckIn.author_id == CheckIn.pupil_id
    )
    goals = _active_goals(ids, keep=max(t.falling_ratings, 1))
    downs = _level_downs(ids)
    matched = _matched_since(ids)
    concerns = _open_concerns(reader, ids)
    acks = _acknowledgements(ids)

    rows = []
    for user, profile in pupils:
        moments = [m.get(user.id) for m in (last_message, last_attempt, last_checkin)]
        last = max((m for m in moments if m is not None), default=None)
        statuses = attendance.get(user.id, [])
        record = warnings.PupilRecord(
            attendance=[warnings.Attendance(s) for s in statuses],
            last_activity=local_date(last) if last else None,
            goals=[record for _line, record in goals.get(user.id, [])],
            level_changes=[-1] * downs.get(user.id, 0),
            matched_since=local_date(matched[user.id]) if user.id in matched else None,
        )
        flags = [
            ShownFlag(f, acks.get((user.id, f.code, f.key)))
            for f in warnings.flags_for(record, today, t)
        ]
        rows.append(
            ReviewRow(
                pupil=user,
                profile=profile,
                attendance=figures.recent_attendance(statuses, t.attendance_window),
                levels=levels.get(user.id, []),
                goals=[line for line, _record in goals.get(user.id, [])],
                last_activity=last,
                open_concerns=concerns.get(user.id, 0),
                flags=flags,
            )
        )
    return rows


SORTS = ("name", "attendance", "activity", "flags")


def sort_rows(rows: list[ReviewRow], sort: str, descending: bool) -> list[ReviewRow]:
    """Sort by name, attendance rate, last activity or number of flags; pupils without a value
    (no meetings, no activity) come last either way, then by name."""

    def value(row: ReviewRow) -> Any:
        match sort:
            case "attendance":
                return row.attendance.rate
            case "activity":
                return row.last_activity
            case "flags":
                return len(row.flags)
        return row.pupil.name.casefold()

    by_name = sorted(rows, key=lambda r: (r.pupil.name.casefold(), r.pupil.id))
    known = [r for r in by_name if value(r) is not None]
    unknown = [r for r in by_name if value(r) is None]
    return sorted(known, key=value, reverse=descending) + unknown


def filter_rows(rows: list[ReviewRow], flag_type: str) -> list[ReviewRow]:
    """ "any": pupils with a flag; a flag type: pupils with that flag; else everyone."""
    if flag_type == "any":
        return [r for r in rows if r.flags]
    if flag_type in FLAG_TYPES:
        return [r for r in rows if r.has_flag_type(flag_type)]
    return rows
