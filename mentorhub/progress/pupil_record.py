"""The staff page of one pupil, its printed summary and the pupil's own progress page.

`pupil_record` and `pupil_print` are the only ways to read a pupil's record for staff: each
checks access, loads and records the audit entry together, so no page can show the record
without the entry. The loaders below each answer one question in one or two queries, so the
page runs a fixed number of queries however many goals, attempts or meetings the pupil has.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import contains_eager, defaultload, joinedload, lazyload, raiseload

from mentorhub import audit, policy
from mentorhub.accounts.models import User
from mentorhub.chat import services as chat
from mentorhub.chat.models import Message
from mentorhub.concerns.models import Concern
from mentorhub.errors import Missing, Refused
from mentorhub.extensions import db
from mentorhub.goals.models import BuildUpSummary, CheckIn, Goal, GoalEvent
from mentorhub.matching.models import Match
from mentorhub.meetings.models import Attendance, Meeting
from mentorhub.problems.models import Attempt, AttemptStatus, LevelChange, Problem, ProblemPost
from mentorhub.programme.models import SubjectArea, Term
from mentorhub.progress import figures
from mentorhub.progress.review_list import (
    ReviewRow,
    ShownFlag,
    local_date,
    local_today,
    review_rows,
)
from mentorhub.pupils import services as pupils
from mentorhub.pupils.models import PupilLevel, PupilProfile
from mentorhub.rooms.models import Room, RoomMember


@dataclass
class AttendanceLine:
    starts_at: datetime
    title: str
    room: str
    status: str


@dataclass
class AreaLevelCount:
    area: str
    level: int
    attempted: int
    solved: int


@dataclass
class GoalDetail:
    goal: Goal
    checkins: list[CheckIn] = field(default_factory=list)  # oldest first
    status_notes: list[GoalEvent] = field(default_factory=list)

    @property
    def last_rating(self) -> int | None:
        return self.checkins[-1].rating if self.checkins else None


@dataclass
class LevelPoint:
    at: datetime
    area_id: int
    area: str
    from_level: int | None
    to_level: int
    reason: str


@dataclass
class PupilDetail:
    pupil: User
    profile: PupilProfile | None
    levels: list[PupilLevel]
    mentors: list[User]
    attendance_all: figures.AttendanceFigures
    attendance_lines: list[AttendanceLine]  # newest first
    by_area: list[AreaLevelCount]
    by_level: list[figures.LevelCount]
    goals: list[GoalDetail]
    summary: BuildUpSummary | None
    level_history: list[LevelPoint]  # oldest first
    weeks: list[figures.WeekActivity]


# --- one loader per fact about the pupil ---------------------------------------------------------

# A loaded User brings its roles in a statement of its own (selectin); the people these pages
# name (mentors, the author of a summary, a concern's responsible) are shown by name only, so
# their roles are left to load if something asks (lazy: an access decision on them still sees
# them right). The people on goals and check-ins are not shown at all: raised on, so a template
# that starts to show them says so in the tests rather than adding a query per goal.
NAMED = lazyload(User.role_rows)


def _named(relationship: Any) -> Any:
    return defaultload(relationship).lazyload(User.role_rows)


def term_span(today: date) -> tuple[date, date]:
    """The current term (or the latest one begun), up to today; else the last 18 weeks."""
    term = db.session.scalar(
        sa.select(Term).where(Term.starts_on <= today).order_by(Term.starts_on.desc()).limit(1)
    )
    if term is None:
        return today - timedelta(weeks=18), today
    return term.starts_on, min(today, term.ends_on)


def _since_utc(day: date) -> datetime:
    return datetime.combine(day, datetime.min.time()) - timedelta(days=1)


def _levels(pid: int) -> list[PupilLevel]:
    """The pupil's level per subject area, by area name (one query, the area joined)."""
    return list(
        db.session.scalars(
            sa.select(PupilLevel)
            .join(PupilLevel.subject_area)
            .options(contains_eager(PupilLevel.subject_area))
            .where(PupilLevel.pupil_id == pid)
            .order_by(SubjectArea.name)
        )
    )


def _mentors(pid: int) -> list[User]:
    """The pupil's current knowledge mentors, by name."""
    return list(
        db.session.scalars(
            sa.select(User)
            .options(NAMED)
            .where(
                User.id.in_(
                    policy.current_mentor_matches(Match.mentor_id).where(Match.pupil_id == pid)
                )
            )
            .order_by(User.name)
        ).unique()
    )


def _attendance_lines(pid: int) -> list[AttendanceLine]:
    """Every recorded attendance of the pupil (not cancelled meetings), newest first."""
    return [
        AttendanceLine(*row)
        for row in db.session.execute(
            sa.select(Meeting.starts_at, Meeting.title, Room.name, Attendance.status)
            .join(Meeting, Meeting.id == Attendance.meeting_id)
            .join(Room, Room.id == Meeting.room_id)
            .where(Attendance.pupil_id == pid, Meeting.cancelled_at.is_(None))
            .order_by(Meeting.starts_at.desc())
        )
    ]


def _by_area(pid: int) -> list[AreaLevelCount]:
    """Problems attempted and solved per subject area and level (aggregated in SQL)."""
    solved_post = sa.case((Attempt.status == AttemptStatus.SOLVED.value, Attempt.post_id))
    return [
        AreaLevelCount(*row)
        for row in db.session.execute(
            sa.select(
                SubjectArea.name,
                Attempt.level,
                sa.func.count(sa.distinct(Attempt.post_id)),
                sa.func.count(sa.distinct(solved_post)),
            )
            .join(ProblemPost, ProblemPost.id == Attempt.post_id)
            .join(Problem, Problem.id == ProblemPost.problem_id)
            .join(SubjectArea, SubjectArea.id == Problem.subject_area_id)
            .where(Attempt.pupil_id == pid)
            .group_by(SubjectArea.name, Attempt.level)
            .order_by(SubjectArea.name, Attempt.level)
        )
    ]


def by_level(by_area: list[AreaLevelCount]) -> list[figures.LevelCount]:
    """The per-area counts summed per level (no query)."""
    totals: dict[int, list[int]] = {}
    for row in by_area:
        counts = totals.setdefault(row.level, [0, 0])
        counts[0] += row.attempted
        counts[1] += row.solved
    return [figures.LevelCount(level, *totals[level]) for level in sorted(totals)]


def _goal_details(pid: int) -> list[GoalDetail]:
    """Every goal of the pupil with its check-ins and status notes: three queries in all."""
    goals = db.session.scalars(
        sa.select(Goal)
        .options(raiseload(Goal.pupil, sql_only=True), raiseload(Goal.created_by, sql_only=True))
        .where(Goal.pupil_id == pid)
        .order_by(Goal.status, Goal.created_at)
    ).all()
    details = {g.id: GoalDetail(g) for g in goals}
    if not details:
        return []
    for checkin in db.session.scalars(
        sa.select(CheckIn)
        .options(raiseload(CheckIn.author, sql_only=True))
        .where(CheckIn.goal_id.in_(details))
        .order_by(CheckIn.created_at, CheckIn.id)
    ):
        details[checkin.goal_id].checkins.append(checkin)
    for event in db.session.scalars(
        sa.select(GoalEvent)
        .options(raiseload(GoalEvent.author, sql_only=True))
        .where(GoalEvent.goal_id.in_(details), GoalEvent.kind == "status")
        .order_by(GoalEvent.created_at, GoalEvent.id)
    ):
        details[event.goal_id].status_notes.append(event)
    return list(details.values())


def _latest_summary(pid: int) -> BuildUpSummary | None:
    """The newest "what to build up next" written for the pupil."""
    return db.session.scalar(
        sa.select(BuildUpSummary)
        .options(_named(BuildUpSummary.mentor))
        .where(BuildUpSummary.pupil_id == pid)
        .order_by(BuildUpSummary.created_at.desc(), BuildUpSummary.id.desc())
        .limit(1)
    )


def _level_history(pid: int) -> list[LevelPoint]:
    """Every change of the pupil's level, oldest first."""
    return [
        LevelPoint(*row)
        for row in db.session.execute(
            sa.select(
                LevelChange.created_at,
                LevelChange.subject_area_id,
                SubjectArea.name,
                LevelChange.from_level,
                LevelChange.to_level,
                LevelChange.reason,
            )
            .join(SubjectArea, SubjectArea.id == LevelChange.subject_area_id)
            .where(LevelChange.pupil_id == pid)
            .order_by(LevelChange.created_at, LevelChange.id)
        )
    ]


def _weeks(pid: int, today: date) -> list[figures.WeekActivity]:
    """The pupil's own activity per week of the term so far: messages, attempts, check-ins
    (one statement for the three)."""
    start, end = term_span(today)
    since = _since_utc(start)
    moments = sa.union_all(
        sa.select(sa.literal("messages").label("kind"), Message.created_at.label("at")).where(
            Message.author_id == pid, Message.created_at >= since
        ),
        sa.select(sa.literal("attempts"), Attempt.created_at).where(
            Attempt.pupil_id == pid, Attempt.created_at >= since
        ),
        sa.select(sa.literal("checkins"), CheckIn.created_at).where(
            CheckIn.pupil_id == pid, CheckIn.author_id == pid, CheckIn.created_at >= since
        ),
    )
    days: dict[str, list[date]] = {"messages": [], "attempts": [], "checkins": []}
    for kind, stamp in db.session.execute(moments):
        days[kind].append(local_date(stamp))
    return figures.activity_per_week(start, end, **days)


_UNREAD = object()


def pupil_detail(pupil: User, profile: Any = _UNREAD) -> PupilDetail:
    """Everything the staff page and the printed summary show about one pupil, except the
    flags (from `review_rows`) and the concerns (`concerns_for`); `profile` when the caller
    has read it already (None: the pupil has none). Not audited: call it through
    `pupil_record`, `pupil_print` or `own_progress`."""
    pid = pupil.id
    lines = _attendance_lines(pid)
    by_area = _by_area(pid)
    return PupilDetail(
        pupil=pupil,
        profile=db.session.get(PupilProfile, pid) if profile is _UNREAD else profile,
        levels=_levels(pid),
        mentors=_mentors(pid),
        attendance_all=figures.attendance_figures(line.status for line in lines),
        attendance_lines=lines,
        by_area=by_area,
        by_level=by_level(by_area),
        goals=_goal_details(pid),
        summary=_latest_summary(pid),
        level_history=_level_history(pid),
        weeks=_weeks(pid, local_today()),
    )


def concerns_for(reader: Any, pupil_id: int) -> list[Concern]:
    """The pupil's concerns the reader may see, open ones first, newest first."""
    return list(
        db.session.scalars(
            sa.select(Concern)
            .options(
                _named(Concern.responsible),
                *(
                    raiseload(person, sql_only=True)
                    for person in (Concern.pupil, Concern.raised_by, Concern.closed_by)
                ),
                raiseload(Concern.events),
            )
            .where(Concern.pupil_id == pupil_id, policy.concerns_visible_to(reader))
            .order_by(Concern.status.desc(), Concern.created_at.desc())
        )
    )


# --- the reads: check, load and audit together ---------------------------------------------------


@dataclass
class PupilRecord:
    """What the staff page of a pupil shows."""

    detail: PupilDetail
    row: ReviewRow | None
    concerns: list[Concern]
    left_rooms: list[tuple[Room, RoomMember]]

    @property
    def flags(self) -> list[ShownFlag]:
        return self.row.flags if self.row else []


def pupil_for(reader: User, pupil_id: int, allowed: Any = policy.can_view_pupil_page) -> User:
    """The pupil, for a reader the rule `allowed` lets in; refused before anything is looked
    up, so an outsider cannot tell which pupils exist. Not audited: it shows nothing."""
    if not allowed(reader, pupil_id):
        raise Refused()
    # The roles in the same statement (not a selectin of their own): is_pupil asks for them.
    pupil = db.session.get(User, pupil_id, options=[joinedload(User.role_rows)])
    if pupil is None or not pupils.is_pupil(pupil):
        raise Missing()
    return pupil


def pupil_record(reader: User, pupil_id: int) -> PupilRecord:
    """The staff page of a pupil: for the staff around them only, audited as `pupil.view`."""
    pupil = pupil_for(reader, pupil_id)
    audit.record(reader, "pupil.view", pupil, person=pupil)
    rows = review_rows(reader, [pupil.id])
    row = rows[0] if rows else None
    return PupilRecord(
        detail=pupil_detail(pupil, row.profile) if row else pupil_detail(pupil),
        row=row,
        concerns=concerns_for(reader, pupil.id),
        left_rooms=chat.rooms_left_by(pupil.id),
    )


def pupil_print(reader: User, pupil_id: int) -> PupilDetail:
    """The printable summary of a pupil, audited as `pupil.print`. Concerns are left out on
    purpose: they stay internal to the pupil's school and are never handed over with it."""
    pupil = pupil_for(reader, pupil_id)
    audit.record(reader, "pupil.print", pupil, person=pupil)
    return pupil_detail(pupil)


@dataclass
class LeftRoom:
    pupil: User
    room: Room
    member: RoomMember
    messages: list[Message]


def left_room(reader: User, pupil_id: int, room_id: int) -> LeftRoom:
    """A room the pupil has left, as it stood when they left it (audited by the chat as
    `room.history_read`); 404 for a room the pupil never left."""
    pupil = pupil_for(reader, pupil_id)
    left = {room.id: (room, member) for room, member in chat.rooms_left_by(pupil.id)}
    if room_id not in left:
        raise Missing()
    room, member = left[room_id]
    if not policy.can_read_left_room(reader, pupil.id, member):
        raise Refused()
    return LeftRoom(pupil, room, member, chat.history_until_left(reader, pupil, room, member))


def own_progress(pupil: User) -> PupilDetail:
    """The pupil's own progress (never flags or concerns); their own record, so not audited."""
    if not policy.can_see_own_progress(pupil):
        raise Refused()
    return pupil_detail(pupil)
