"""The demo meetings: a weekly series per room at its match's time, cancelled over the school
holidays, with attendance recorded for every meeting held so far."""

from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta

import sqlalchemy as sa

from mentorhub.demo.common import first_name
from mentorhub.demo.early_warnings import ABSENT_IN_A_ROW, LOW_ATTENDANCE
from mentorhub.extensions import db
from mentorhub.matching.models import Match, MatchStatus
from mentorhub.meetings import recurrence
from mentorhub.meetings.models import Attendance, Meeting, MeetingSeries
from mentorhub.programme.models import Term
from mentorhub.rooms.models import Room

BLOCK_STARTS = {"1": time(8, 30), "2": time(10, 15), "3": time(13, 0), "4": time(14, 45)}
WEEKDAYS = {"mon": 0, "tue": 1, "wed": 2, "thu": 3, "fri": 4}
# A room none of whose pupils has a matched slot meets then.
FALLBACK_SLOT = "wed-3"


def load(rooms: list[Room], term: Term) -> list[Meeting]:
    """A weekly series per room from the term's third week to its end; returns every meeting."""
    slots = _matched_slots(term)
    made = []
    for room in rooms:
        slot = next((slots[m.user_id] for m in room.members if slots.get(m.user_id)), FALLBACK_SLOT)
        made.extend(_weekly_series(room, slot, term))
    _cancel_in_breaks(made)
    db.session.add_all(made)
    db.session.flush()
    return made


def _matched_slots(term: Term) -> dict[int, str]:
    """pupil id → the slot (`wed-3`) their confirmed match meets in."""
    return dict(
        db.session.execute(
            sa.select(Match.pupil_id, Match.slot).where(
                Match.term_id == term.id, Match.status == MatchStatus.CONFIRMED.value
            )
        ).all()
    )


def _weekly_series(room: Room, slot: str, term: Term) -> list[Meeting]:
    """The room's series (added and flushed for its id) and its meetings (not yet added)."""
    weekday, block = slot.split("-")
    first_day = term.starts_on + timedelta(days=14)
    first_day += timedelta(days=(WEEKDAYS[weekday] - first_day.weekday()) % 7)
    first_local = datetime.combine(first_day, BLOCK_STARTS[block])
    slug = room.name.lower().replace(" – ", "-").replace(" ", "-")
    series = MeetingSeries(
        room_id=room.id,
        created_by_id=room.mentor_id,
        title=f"Mentorsträff – {room.name}",
        weekly=True,
        first_local=first_local,
        until=term.ends_on,
        duration_minutes=60,
        video_url=f"https://meet.ekbacka.example.se/{slug}",
        created_at=recurrence.to_utc(first_local) - timedelta(days=10),
    )
    db.session.add(series)
    db.session.flush()
    return [
        Meeting(
            series_id=series.id,
            room_id=room.id,
            title=series.title,
            starts_at=start,
            duration_minutes=60,
            video_url=series.video_url,
            created_at=series.created_at,
        )
        for start in recurrence.weekly_utc(first_local, term.ends_on)
    ]


def _cancel_in_breaks(meetings: list[Meeting]) -> None:
    """The autumn break (week 44) and the Christmas break: every meeting then is cancelled."""
    for meeting in meetings:
        if in_a_break(recurrence.to_local(meeting.starts_at).date()):
            meeting.cancelled_at = meeting.starts_at - timedelta(days=7)
            meeting.sequence = 1


def christmas_break(year: int) -> tuple[date, date]:
    """From the Monday of the week with 24 December to the Sunday after 1 January."""
    eve = date(year, 12, 24)
    first = eve - timedelta(days=eve.weekday())
    new_year = date(year + 1, 1, 1)
    return first, new_year + timedelta(days=6 - new_year.weekday())


def in_a_break(day: date) -> bool:
    """The school holidays of the autumn term: the autumn break (week 44) and Christmas."""
    if day.isocalendar()[1] == 44:
        return True
    year = day.year if day.month == 12 else day.year - 1
    first, last = christmas_break(year)
    return first <= day <= last


def attendance(meetings: list[Meeting], rng: random.Random, now: datetime) -> None:
    """Every member's attendance at every meeting held before `now`, recorded by the mentor."""
    rooms = {r.id: r for r in db.session.scalars(sa.select(Room))}
    past = [m for m in meetings if m.starts_at < now and not m.cancelled]
    by_room: dict[int, list[Meeting]] = {}
    for meeting in past:
        by_room.setdefault(meeting.room_id, []).append(meeting)
    for room_id, held in by_room.items():
        room = rooms[room_id]
        for member in room.members:
            first = first_name(member.user)
            for index, meeting in enumerate(held):
                from_end = len(held) - index  # 1 for the latest meeting
                db.session.add(
                    Attendance(
                        meeting_id=meeting.id,
                        pupil_id=member.user_id,
                        status=_status(first, from_end, rng),
                        recorded_by_id=room.mentor_id,
                        recorded_at=meeting.ends_at,
                    )
                )


def _status(first: str, from_end: int, rng: random.Random) -> str:
    """Mostly present; the two attendance cases absent at the end; everyone else there (perhaps
    late) at the last four, so no one else trips an attendance rule."""
    status = _usual_status(rng)  # drawn for every meeting, so the sequence stays the same
    if first == ABSENT_IN_A_ROW and from_end <= 3:
        return "absent"
    if first == LOW_ATTENDANCE and from_end <= 3:
        return "absent_with_notice"
    if first not in (ABSENT_IN_A_ROW, LOW_ATTENDANCE) and from_end <= 4:
        return "present" if status != "late" else "late"
    return status


def _usual_status(rng: random.Random) -> str:
    roll = rng.random()
    if roll < 0.82:
        return "present"
    if roll < 0.9:
        return "late"
    if roll < 0.97:
        return "absent_with_notice"
    return "absent"
