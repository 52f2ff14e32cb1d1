"""Rooms and chat: who reads a room, who posts in it, who manages and moderates it."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.sql import ColumnElement

from mentorhub.accounts.models import User
from mentorhub.chat.models import Message
from mentorhub.policy.relations import (
    is_member,
    is_mentor,
    is_school_staff,
    linked_room_ids,
    linked_to_a_member,
    member_room_ids,
    signed_in,
    still_signed_in,
)
from mentorhub.rooms.models import Room, RoomMember


def can_open_rooms(user: User) -> bool:
    return is_mentor(user)


def can_view_room(user: User, room: Room) -> bool:
    """The room's mentor and current members; and, read-only, the pupils' linked school staff."""
    if not signed_in(user):
        return False
    if room.mentor_id == user.id or is_member(user, room):
        return True
    return linked_to_a_member(user, room)


def is_observer(user: User, room: Room) -> bool:
    """Reads the room without being in it (linked school staff): audited, never posts."""
    return room.mentor_id != user.id and not is_member(user, room)


def can_post_in(user: User, room: Room) -> bool:
    if not signed_in(user) or room.archived_at is not None:
        return False
    return room.mentor_id == user.id or is_member(user, room)


def may_post_now(user_id: int, session_version: int, login_key: str) -> ColumnElement[bool]:
    """`can_post_in` as a condition on the `rooms` row, for a socket's person as read at
    connect (`still_signed_in`): the room is not archived and they are its mentor or a current
    member. The chat store puts it in the UPDATE that takes the room's next seq, so access is
    decided under the room's lock, in the statement that would store the message."""
    member = sa.exists().where(
        RoomMember.room_id == Room.id,
        RoomMember.user_id == user_id,
        RoomMember.removed_at.is_(None),
    )
    return sa.and_(
        still_signed_in(user_id, session_version, login_key),
        Room.archived_at.is_(None),
        sa.or_(Room.mentor_id == user_id, member),
    )


def reads_as_member_now(user_id: int, session_version: int, login_key: str) -> ColumnElement[bool]:
    """The member half of `can_view_room`, as a condition on a `room_members` row, for a
    socket's person (`still_signed_in`): their own membership, not removed. A mentor or an
    observer has no such row; their reads are decided by `can_view_room` itself."""
    return sa.and_(
        still_signed_in(user_id, session_version, login_key),
        RoomMember.user_id == user_id,
        RoomMember.removed_at.is_(None),
    )


def can_manage_room(user: User, room: Room) -> bool:
    return is_mentor(user) and room.mentor_id == user.id


def can_moderate(user: User, room: Room) -> bool:
    return can_manage_room(user, room)


def can_report_message(user: User, room: Room, message: Message) -> bool:
    """Anyone who reads the room may report someone else's message to its mentor."""
    return can_view_room(user, room) and message.author_id != user.id


def can_handle_reports(user: User, room: Room) -> bool:
    """The room's mentor sees the reports in the room (reporter's name included: the mentor is
    staff and may need to talk to them) and hides the message or dismisses the report."""
    return can_moderate(user, room)


def rooms_visible_to(user: User) -> ColumnElement[bool]:
    """The SQL filter that matches `can_view_room`, for lists."""
    if not signed_in(user):
        return sa.false()
    rule = sa.or_(Room.mentor_id == user.id, Room.id.in_(member_room_ids(user)))
    if is_school_staff(user):
        rule = sa.or_(rule, Room.id.in_(linked_room_ids(user)))
    return rule


def postable_rooms_for(user: User) -> ColumnElement[bool]:
    """The SQL filter that matches `can_post_in`: open rooms the user mentors or is in."""
    if not signed_in(user):
        return sa.false()
    return sa.and_(
        Room.archived_at.is_(None),
        sa.or_(Room.mentor_id == user.id, Room.id.in_(member_room_ids(user))),
    )


def rooms_managed_by(user: User) -> ColumnElement[bool]:
    """The SQL filter that matches `can_manage_room`: the rooms the user is the mentor of."""
    if not is_mentor(user):
        return sa.false()
    return Room.mentor_id == user.id
