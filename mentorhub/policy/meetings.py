"""Meetings, attendance and the calendar feed: they follow the room."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.sql import ColumnElement

from mentorhub.accounts.models import User
from mentorhub.meetings.models import Meeting
from mentorhub.policy.relations import signed_in
from mentorhub.policy.rooms import can_manage_room, can_view_room, rooms_visible_to
from mentorhub.rooms.models import Room


def can_schedule_meetings(user: User, room: Room) -> bool:
    """The room's mentor schedules, edits and cancels its meetings, while the room is open."""
    return can_manage_room(user, room) and room.archived_at is None


def can_view_meeting(user: User, meeting: Meeting) -> bool:
    """Whoever may see the room sees its meetings (linked school staff read-only)."""
    return can_view_room(user, meeting.room)


def can_take_attendance(user: User, meeting: Meeting) -> bool:
    """The room's mentor records attendance, and may correct it afterwards (audited)."""
    return can_manage_room(user, meeting.room)


def can_have_calendar_feed(user: User) -> bool:
    return signed_in(user)


def meetings_visible_to(user: User) -> ColumnElement[bool]:
    """The SQL filter that matches `can_view_meeting`, for lists and the calendar feed."""
    return Meeting.room_id.in_(sa.select(Room.id).where(rooms_visible_to(user)))
