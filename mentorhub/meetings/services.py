"""Scheduling meetings, taking attendance, and what a person's next meetings are.

A series (weekly, or a one-off as a series of one) is stored as `MeetingSeries` plus one
`Meeting` row per occurrence, so each occurrence can be edited, cancelled and have attendance of
its own. Cancelling keeps the row (with `cancelled_at`), so calendars learn of the cancellation
and attendance history stays. Every change bumps the changed rows' `sequence` (iCalendar).
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from urllib.parse import urlsplit

import sqlalchemy as sa
from flask import current_app
from flask_babel import lazy_gettext as _l

from mentorhub import audit, policy
from mentorhub.accounts.models import User
from mentorhub.chat import services as chat
from mentorhub.errors import DomainError, Missing, Refused
from mentorhub.extensions import db
from mentorhub.meetings import recurrence
from mentorhub.meetings.models import (
    Attendance,
    AttendanceStatus,
    CalendarFeed,
    Meeting,
    MeetingSeries,
)
from mentorhub.notifications import services as notifications
from mentorhub.problems.models import PostTarget, ProblemPost
from mentorhub.rooms.models import Room, RoomMember
from mentorhub.timeutil import utcnow

MIN_MINUTES = 10
MAX_MINUTES = 240
FEED_DAYS_BACK = 30
NEWS_DAYS = 7


# --- checks shared by the forms and the services ----------------------------------------------


def video_url_error(url: str) -> str | None:
    """Why a video link is not acceptable, or None: it must be a whole https address."""
    parts = urlsplit((url or "").strip())
    if parts.scheme != "https" or not parts.hostname or "." not in parts.hostname:
        return _l("Give the whole address of the video meeting, starting with https://")
    return None


def duration_error(minutes: int | None) -> str | None:
    if minutes is None or not MIN_MINUTES <= minutes <= MAX_MINUTES:
        return _l("A meeting is %(min)d to %(max)d minutes long.", min=MIN_MINUTES, max=MAX_MINUTES)
    return None


def until_error(first_day: date, until: date | None) -> str | None:
    """A weekly series needs a last day on or after the first, within about a year."""
    if until is None:
        return _l("Choose the last day the meetings repeat until.")
    if until < first_day:
        return _l("The last day cannot be before the first meeting.")
    if until - first_day > recurrence.MAX_SPAN:
        return _l("A series can run for at most a year. Choose an earlier last day.")
    return None


# --- scheduling, editing and cancelling -------------------------------------------------------


@dataclass
class MeetingData:
    """What the mentor filled in; `first_local` is Stockholm wall-clock time."""

    title: str
    first_local: datetime
    duration_minutes: int
    video_url: str
    weekly: bool = False
    until: date | None = None


def past_error(first_local: datetime, now: datetime) -> str | None:
    """A new meeting must start in the future (Stockholm wall-clock time given)."""
    if recurrence.to_utc(first_local) < now:
        return _l("Choose a time that has not passed.")
    return None


def _check(data: MeetingData, now: datetime) -> None:
    """Every rule the meeting breaks, raised together, each at its field."""
    DomainError.collect(
        [
            (field, error)
            for field, error in (
                ("title", None if data.title.strip() else _l("Fill in this field.")),
                ("duration_minutes", duration_error(data.duration_minutes)),
                ("video_url", video_url_error(data.video_url)),
                (
                    "until",
                    until_error(data.first_local.date(), data.until) if data.weekly else None,
                ),
                ("date", past_error(data.first_local, now)),
            )
            if error
        ]
    )


def _members(room: Room) -> list[User]:
    return [m.user for m in room.members if m.user.active]


def pupils_told(room: Room) -> list[User]:
    """Who is told when a meeting in the room is changed or cancelled (the confirm page)."""
    return _members(room)


def _notify(meetings: list[Meeting], kind: str, actor: User) -> None:
    """Tell the room's pupils about the first of the changed meetings (mail for changes)."""
    if not meetings:
        return
    first = min(meetings, key=lambda m: m.starts_at)
    notifications.notify(
        _members(first.room),
        kind,
        {
            "mentor": actor.name,
            "title": first.title,
            "room": first.room.name,
            "when": first.starts_at.isoformat(),
        },
        link=f"/meetings/{first.id}",
        email=kind != "meeting.scheduled",
    )


def schedule(
    mentor: User, room: Room, data: MeetingData, now: datetime | None = None
) -> MeetingSeries:
    """Schedule a one-off or a weekly series in the room and tell its pupils."""
    if not policy.can_schedule_meetings(mentor, room):
        raise DomainError(_l("Only the room's mentor schedules its meetings."))
    _check(data, now or utcnow())
    until = data.until if data.weekly else None
    series = MeetingSeries(
        room_id=room.id,
        created_by_id=mentor.id,
        title=data.title.strip(),
        weekly=data.weekly,
        first_local=data.first_local,
        until=until,
        duration_minutes=data.duration_minutes,
        video_url=data.video_url.strip(),
    )
    db.session.add(series)
    db.session.flush()
    meetings = [
        Meeting(
            series_id=series.id,
            room_id=room.id,
            title=series.title,
            starts_at=start,
            duration_minutes=series.duration_minutes,
            video_url=series.video_url,
        )
        for start in recurrence.weekly_utc(data.first_local, until)
    ]
    db.session.add_all(meetings)
    db.session.flush()
    audit.record(mentor, "meeting.schedule", series, room_id=room.id, occurrences=len(meetings))
    _notify(meetings, "meeting.scheduled", mentor)
    return series


def _refuse_if_cancelled(meeting: Meeting) -> None:
    if meeting.cancelled:
        raise DomainError(_l("The meeting is cancelled and can no longer be changed."))


def edit_occurrence(
    mentor: User,
    meeting: Meeting,
    *,
    title: str,
    start_local: datetime,
    duration_minutes: int,
    video_url: str,
) -> None:
    """Change one occurrence; the series and its other occurrences stay as they are."""
    _refuse_if_cancelled(meeting)
    data = MeetingData(title, start_local, duration_minutes, video_url)
    # a started meeting's time may be corrected, so "not in the past" is not asked here
    _check(data, now=datetime.min)
    meeting.title = title.strip()
    meeting.starts_at = recurrence.to_utc(start_local)
    meeting.duration_minutes = duration_minutes
    meeting.video_url = video_url.strip()
    meeting.sequence += 1
    audit.record(mentor, "meeting.edit", meeting, room_id=meeting.room_id)
    _notify([meeting], "meeting.changed", mentor)


def occurrences(series: MeetingSeries) -> list[Meeting]:
    """All the series' occurrences, first first."""
    return list(
        db.session.scalars(
            sa.select(Meeting).where(Meeting.series_id == series.id).order_by(Meeting.starts_at)
        ).unique()
    )


def future_occurrences(series: MeetingSeries, now: datetime) -> list[Meeting]:
    """The series' occurrences that have not started and are not cancelled."""
    return list(
        db.session.scalars(
            sa.select(Meeting)
            .where(
                Meeting.series_id == series.id,
                Meeting.starts_at >= now,
                Meeting.cancelled_at.is_(None),
            )
            .order_by(Meeting.starts_at)
        ).unique()
    )


def edit_series(
    mentor: User,
    series: MeetingSeries,
    *,
    title: str,
    start_time: time,
    duration_minutes: int,
    video_url: str,
    now: datetime | None = None,
) -> list[Meeting]:
    """Change every future, not-cancelled occurrence: title, link, length and the local time
    of day (each keeps its own day). Past occurrences keep their history."""
    first = datetime.combine(series.first_local.date(), start_time)
    _check(MeetingData(title, first, duration_minutes, video_url), now=datetime.min)
    meetings = future_occurrences(series, now or utcnow())
    if not meetings:
        raise DomainError(_l("The series has no coming meetings to change."))
    series.title = title.strip()
    series.duration_minutes = duration_minutes
    series.video_url = video_url.strip()
    series.first_local = first
    for meeting in meetings:
        meeting.title = series.title
        meeting.starts_at = recurrence.with_local_time(meeting.starts_at, start_time)
        meeting.duration_minutes = duration_minutes
        meeting.video_url = series.video_url
        meeting.sequence += 1
    audit.record(mentor, "meeting.edit_series", series, occurrences=len(meetings))
    _notify(meetings, "meeting.changed", mentor)
    return meetings


def cancel_occurrence(mentor: User, meeting: Meeting, now: datetime | None = None) -> None:
    """Cancel one meeting that has not ended; the row stays so calendars remove it."""
    now = now or utcnow()
    _refuse_if_cancelled(meeting)
    if meeting.ends_at <= now:
        raise DomainError(_l("The meeting has already taken place."))
    meeting.cancelled_at = now
    meeting.sequence += 1
    audit.record(mentor, "meeting.cancel", meeting, room_id=meeting.room_id)
    _notify([meeting], "meeting.cancelled", mentor)


def cancel_series(
    mentor: User, series: MeetingSeries, now: datetime | None = None
) -> list[Meeting]:
    """Cancel every coming occurrence of the series; the ones that took place stay."""
    now = now or utcnow()
    meetings = future_occurrences(series, now)
    if not meetings:
        raise DomainError(_l("The series has no coming meetings to cancel."))
    for meeting in meetings:
        meeting.cancelled_at = now
        meeting.sequence += 1
    audit.record(mentor, "meeting.cancel_series", series, occurrences=len(meetings))
    _notify(meetings, "meeting.cancelled", mentor)
    return meetings


# --- attendance --------------------------------------------------------------------------------


# --- loading what an address names, checked (and audited where it is read) --------------------


def _found(row, allowed) -> None:
    if row is None:
        raise Missing()
    if not allowed:
        raise Refused()


def meeting_for(user: User, meeting_id: int) -> Meeting:
    """The meeting `user` may see: `Missing` (404) or `Refused` (403) otherwise."""
    meeting = db.session.get(Meeting, meeting_id)
    _found(meeting, meeting is not None and policy.can_view_meeting(user, meeting))
    return meeting


def meeting_to_manage(user: User, meeting_id: int) -> Meeting:
    """The meeting `user` schedules (the room's mentor): `Missing` or `Refused` otherwise."""
    meeting = db.session.get(Meeting, meeting_id)
    _found(meeting, meeting is not None and policy.can_schedule_meetings(user, meeting.room))
    return meeting


def series_to_manage(user: User, series_id: int) -> MeetingSeries:
    """The series `user` schedules: `Missing` or `Refused` otherwise."""
    series = db.session.get(MeetingSeries, series_id)
    _found(series, series is not None and policy.can_schedule_meetings(user, series.room))
    return series


def read_meeting(user: User, meeting_id: int) -> Meeting:
    """The meeting `user` may see; staff looking in from outside the room leave a read entry."""
    meeting = meeting_for(user, meeting_id)
    if policy.is_observer(user, meeting.room):
        audit.record(user, "meeting.read", meeting, room_id=meeting.room_id)
    return meeting


@dataclass
class MeetingPage:
    """What the meeting page shows one person."""

    meeting: Meeting
    can_manage: bool
    can_take: bool
    refusal: str | None
    ended: bool
    pupils: list[User]
    attendance: dict[int, str]
    own: Attendance | None


def meeting_page(user: User, meeting_id: int, now: datetime | None = None) -> MeetingPage:
    """The meeting page for `user`, checked; an observer's reading of the meeting and of each
    pupil's attendance is audited here, so the page cannot be shown without the entries."""
    now = now or utcnow()
    meeting = read_meeting(user, meeting_id)
    pupils = attendance_pupils_for(user, meeting)
    if policy.is_observer(user, meeting.room):
        for pupil in pupils:
            audit.record(user, "attendance.read", meeting, person=pupil)
    return MeetingPage(
        meeting=meeting,
        can_manage=policy.can_schedule_meetings(user, meeting.room),
        can_take=policy.can_take_attendance(user, meeting),
        refusal=attendance_refusal(meeting, now),
        ended=meeting.ends_at <= now,
        pupils=pupils,
        attendance={row.pupil_id: row.status for row in meeting.attendance},
        own=own_attendance(meeting, user),
    )


def attendance_pupils(meeting: Meeting) -> list[User]:
    """Whose attendance is taken: the room's current pupils, and anyone already recorded."""
    people = {m.user_id: m.user for m in meeting.room.members}
    for row in meeting.attendance:
        people.setdefault(row.pupil_id, row.pupil)
    return sorted(people.values(), key=lambda u: u.name)


def attendance_pupils_for(user: User, meeting: Meeting) -> list[User]:
    """Whose attendance this person may read: all of them for the room's mentor, only their
    own linked pupils for school staff looking in, nobody else's for a pupil."""
    if policy.can_take_attendance(user, meeting):
        return attendance_pupils(meeting)
    if not policy.sees_all_posts(user, meeting.room):
        return []
    cared_for = set(db.session.scalars(policy.pupils_cared_for_by(user)))
    return [p for p in attendance_pupils(meeting) if p.id in cared_for]


def attendance_refusal(meeting: Meeting, now: datetime) -> str | None:
    """Why attendance cannot be taken yet (or at all), or None."""
    if meeting.cancelled:
        return _l("The meeting is cancelled, so there is no attendance to take.")
    if meeting.starts_at > now:
        return _l("Attendance can be taken once the meeting has started.")
    return None


def record_attendance(
    mentor: User, meeting: Meeting, statuses: Mapping[int, str], now: datetime | None = None
) -> int:
    """Record or correct each pupil's attendance; every change is audited with from and to.
    Pupils left without a status are left unrecorded. Returns how many rows changed."""
    refusal = attendance_refusal(meeting, now or utcnow())
    if refusal:
        raise DomainError(refusal)
    allowed = {p.id: p for p in attendance_pupils(meeting)}
    rows = {row.pupil_id: row for row in meeting.attendance}
    changed = 0
    for pupil_id, status in statuses.items():
        if not status:
            continue
        if pupil_id not in allowed or status not in set(AttendanceStatus):
            raise DomainError(_l("Choose a status from the list."))
        row = rows.get(pupil_id)
        before = row.status if row else None
        if before == status:
            continue
        if row is None:
            row = Attendance(meeting_id=meeting.id, pupil_id=pupil_id)
            meeting.attendance.append(row)
        row.status = status
        row.recorded_by_id = mentor.id
        row.recorded_at = utcnow()
        action = "attendance.record" if before is None else "attendance.change"
        audit.record(
            mentor, action, meeting, person=allowed[pupil_id], from_status=before, to_status=status
        )
        changed += 1
    db.session.flush()
    return changed


def own_attendance(meeting: Meeting, user: User) -> Attendance | None:
    return next((row for row in meeting.attendance if row.pupil_id == user.id), None)


# --- lists -------------------------------------------------------------------------------------


def _not_ended(query: sa.Select, now: datetime) -> list[Meeting]:
    # A meeting lasts at most MAX_MINUTES, so this start bound lets the index do the work;
    # the exact end is checked here (date arithmetic differs between SQLite and PostgreSQL).
    query = query.where(Meeting.starts_at > now - timedelta(minutes=MAX_MINUTES))
    return [m for m in db.session.scalars(query).unique() if m.ends_at > now]


def upcoming_for(user: User, now: datetime | None = None, limit: int = 50) -> list[Meeting]:
    """The person's meetings that have not ended (cancelled ones too, marked), soonest first:
    one query for the meetings with their rooms, one for their attendance."""
    query = (
        sa.select(Meeting)
        .where(policy.meetings_visible_to(user))
        .order_by(Meeting.starts_at, Meeting.id)
        .limit(limit)
    )
    return _not_ended(query, now or utcnow())


def past_for(user: User, now: datetime | None = None, limit: int = 20) -> list[Meeting]:
    """The person's latest meetings that have started, newest first (the mentor takes
    attendance from here once a meeting is over)."""
    query = (
        sa.select(Meeting)
        .where(policy.meetings_visible_to(user), Meeting.starts_at <= (now or utcnow()))
        .order_by(Meeting.starts_at.desc(), Meeting.id.desc())
        .limit(limit)
    )
    return list(db.session.scalars(query).unique())


def upcoming_in_room(room: Room, now: datetime | None = None, limit: int = 10) -> list[Meeting]:
    """The room's coming meetings for its page, soonest first."""
    query = (
        sa.select(Meeting)
        .where(Meeting.room_id == room.id)
        .order_by(Meeting.starts_at, Meeting.id)
        .limit(limit)
    )
    return _not_ended(query, now or utcnow())


def past_in_room(room: Room, now: datetime | None = None, limit: int = 10) -> list[Meeting]:
    """The room's latest meetings that have started, newest first (for attendance)."""
    now = now or utcnow()
    return list(
        db.session.scalars(
            sa.select(Meeting)
            .where(Meeting.room_id == room.id, Meeting.starts_at <= now)
            .order_by(Meeting.starts_at.desc())
            .limit(limit)
        ).unique()
    )


def attendance_due_for(mentor: User, now: datetime | None = None, limit: int = 20) -> list[Meeting]:
    """The mentor's meetings that have started, are not cancelled and have no attendance
    recorded yet, newest first: one query, whatever the number of rooms."""
    recorded = sa.select(Attendance.meeting_id).where(Attendance.meeting_id == Meeting.id)
    has_pupils = sa.select(RoomMember.room_id).where(RoomMember.room_id == Meeting.room_id)
    query = (
        sa.select(Meeting)
        .join(Room, Room.id == Meeting.room_id)
        .where(
            policy.rooms_managed_by(mentor),
            Meeting.starts_at <= (now or utcnow()),
            Meeting.cancelled_at.is_(None),
            ~sa.exists(recorded),
            sa.exists(has_pupils),
        )
        .order_by(Meeting.starts_at.desc(), Meeting.id.desc())
        .limit(limit)
    )
    return list(db.session.scalars(query).unique())


def next_meeting_for(user: User, now: datetime | None = None) -> Meeting | None:
    """The person's next meeting that has not ended and is not cancelled, or None."""
    query = (
        sa.select(Meeting)
        .where(policy.meetings_visible_to(user), Meeting.cancelled_at.is_(None))
        .order_by(Meeting.starts_at, Meeting.id)
        .limit(5)
    )
    meetings = _not_ended(query, now or utcnow())
    return meetings[0] if meetings else None


@dataclass
class RoomNews:
    room: Room
    unread: int
    new_problems: int


def room_news_for(user: User, now: datetime | None = None) -> list[RoomNews]:
    """What is new in the pupil's open rooms: unread chat messages and problems posted to them
    in the last week. Three queries however many rooms there are."""
    now = now or utcnow()
    rooms = list(
        db.session.scalars(
            sa.select(Room).where(policy.postable_rooms_for(user)).order_by(Room.name)
        ).unique()
    )
    if not rooms:
        return []
    unread = chat.unread_counts(user, rooms)
    posted = dict(
        db.session.execute(
            sa.select(ProblemPost.room_id, sa.func.count(ProblemPost.id))
            .join(PostTarget, PostTarget.post_id == ProblemPost.id)
            .where(
                PostTarget.pupil_id == user.id,
                ProblemPost.room_id.in_([r.id for r in rooms]),
                ProblemPost.created_at >= now - timedelta(days=NEWS_DAYS),
            )
            .group_by(ProblemPost.room_id)
        ).all()
    )
    news = [RoomNews(r, unread.get(r.id, 0), posted.get(r.id, 0)) for r in rooms]
    return [n for n in news if n.unread or n.new_problems]


# --- the personal calendar feed ----------------------------------------------------------------


def feed_version(user_id: int) -> int:
    feed = db.session.get(CalendarFeed, user_id)
    return feed.version if feed else 1


def feed_token(user_id: int, version: int) -> str:
    """The secret part of the feed address: nothing secret is stored, the key signs it."""
    key = current_app.config["SECRET_KEY"].encode()
    message = f"calendar-feed:{user_id}:{version}".encode()
    return hmac.new(key, message, hashlib.sha256).hexdigest()[:40]


def feed_token_for(user: User) -> str:
    return feed_token(user.id, feed_version(user.id))


def user_for_feed(user_id: int, token: str) -> User | None:
    """The active person whose current feed address this is, or None (an old address too)."""
    user = db.session.get(User, user_id)
    if user is None or not user.active:
        return None
    if not hmac.compare_digest(feed_token_for(user).encode(), token.encode()):
        return None
    return user


def regenerate_feed(user: User) -> None:
    """A new address: the old one stops working at once."""
    feed = db.session.get(CalendarFeed, user.id)
    if feed is None:
        feed = CalendarFeed(user_id=user.id, version=1)
        db.session.add(feed)
    feed.version += 1
    feed.regenerated_at = utcnow()
    audit.record(user, "calendar_feed.regenerate", user)


def feed_meetings(user: User, now: datetime | None = None) -> list[Meeting]:
    """The person's meetings from a month back onwards, cancelled ones included (so calendar
    programs remove them)."""
    since = (now or utcnow()) - timedelta(days=FEED_DAYS_BACK)
    return list(
        db.session.scalars(
            sa.select(Meeting)
            .where(policy.meetings_visible_to(user), Meeting.starts_at >= since)
            .order_by(Meeting.starts_at, Meeting.id)
        ).unique()
    )
