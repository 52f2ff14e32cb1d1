"""Chat (journey 5): store a message before anyone sees it, number it per room, read history.

Every message gets a per-room `seq` taken under a lock on the room row, in the transaction that
stores it, so commit order is seq order and a client that re-joins "since seq N" misses nothing
(see docs/realtime.md). A retry with the same client_id returns the stored message; the unique
constraint on (room, author, client_id), not the lookup, is what guarantees one row.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import sqlalchemy as sa
from flask import current_app
from flask_babel import lazy_gettext as _l
from limits import parse

from mentorhub import audit, markup, policy
from mentorhub.accounts.models import User
from mentorhub.chat.models import Message, MessageReport
from mentorhub.errors import DomainError
from mentorhub.extensions import db, limiter
from mentorhub.notifications import services as notifications
from mentorhub.rooms.models import Room, RoomMember
from mentorhub.timeutil import utcnow

MAX_LENGTH = 4000
PAGE = 50
_CLIENT_ID = re.compile(r"^[A-Za-z0-9_-]{8,64}$")


class ChatError(DomainError):
    """A refused chat action; `code` is what the client acts on, `message` what the user reads."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code


@dataclass(frozen=True)
class Sent:
    message: Message
    created: bool  # False when a retry found the message already stored


def _check_rate(user: User) -> None:
    limit = parse(current_app.config.get("CHAT_RATE_LIMIT", "20 per 10 seconds"))
    if not limiter.limiter.hit(limit, "chat-send", str(user.id)):
        raise ChatError(
            "rate_limited", _l("You are sending very fast. Wait a moment and try again.")
        )


def _existing(room: Room, author: User, client_id: str) -> Message | None:
    return db.session.scalars(
        sa.select(Message).where(
            Message.room_id == room.id,
            Message.author_id == author.id,
            Message.client_id == client_id,
        )
    ).first()


def send(author: User, room: Room, client_id: str, body: str) -> Sent:
    """Validate, render, number and store one message. The caller commits, then broadcasts."""
    if not policy.can_post_in(author, room):
        raise ChatError("forbidden", _l("You cannot write in this room."))
    if not isinstance(client_id, str) or not _CLIENT_ID.match(client_id):
        raise ChatError("bad_request", _l("The message could not be read. Reload the page."))
    previous = _existing(room, author, client_id)
    if previous is not None:
        return Sent(previous, created=False)
    body = (body or "").strip() if isinstance(body, str) else ""
    if not body:
        raise ChatError("empty", _l("Write something before you send."))
    if len(body) > MAX_LENGTH:
        raise ChatError(
            "too_long", _l("The message is too long (at most %(n)d characters).", n=MAX_LENGTH)
        )
    _check_rate(author)
    html = markup.render(body)
    # The row lock serialises writers per room, so seq order is commit order.
    seq = 1 + db.session.scalar(
        sa.select(Room.last_seq).where(Room.id == room.id).with_for_update()
    )
    db.session.execute(
        sa.update(Room).where(Room.id == room.id).values(last_seq=seq),
        execution_options={"synchronize_session": False},
    )
    message = Message(
        room_id=room.id, seq=seq, author_id=author.id, client_id=client_id, body=body, html=html
    )
    # Two tabs racing with one client_id: the loser's flush raises IntegrityError; the socket
    # helper rolls back and retries once, and the retry finds the stored message above.
    db.session.add(message)
    db.session.flush()
    _mark_read(author, room, seq)
    return Sent(message, created=True)


def payload(message: Message) -> dict:
    """What clients receive for one message (broadcast, history and acks alike)."""
    hidden = message.hidden_at is not None
    return {
        "id": message.id,
        "seq": message.seq,
        "room_id": message.room_id,
        "author": {"id": message.author_id, "name": message.author.name},
        "html": "" if hidden else message.html,
        "hidden": hidden,
        "created_at": message.created_at.isoformat() + "Z",
        "client_id": message.client_id,
    }


def history(
    user: User, room: Room, *, since_seq: int | None = None, before_seq: int | None = None
) -> list[Message]:
    """Messages after `since_seq` (a reconnect), or the page before `before_seq` (scrolling
    back), or the latest page; always in seq order."""
    if not policy.can_view_room(user, room):
        raise ChatError("forbidden", _l("You do not have access to this room."))
    query = sa.select(Message).where(Message.room_id == room.id)
    if since_seq is not None:
        return list(db.session.scalars(query.where(Message.seq > since_seq).order_by(Message.seq)))
    if before_seq is not None:
        query = query.where(Message.seq < before_seq)
    page = list(db.session.scalars(query.order_by(Message.seq.desc()).limit(PAGE)))
    return page[::-1]


def _mark_read(user: User, room: Room, seq: int) -> None:
    db.session.execute(
        sa.update(RoomMember)
        .where(
            RoomMember.room_id == room.id,
            RoomMember.user_id == user.id,
            RoomMember.last_read_seq < seq,
        )
        .values(last_read_seq=seq),
        execution_options={"synchronize_session": False},
    )


def mark_read(user: User, room: Room, seq: int) -> None:
    if not policy.can_view_room(user, room):
        raise ChatError("forbidden", _l("You do not have access to this room."))
    _mark_read(user, room, min(int(seq), room.last_seq))


def read_position(user: User, room: Room) -> int:
    return (
        db.session.scalar(
            sa.select(RoomMember.last_read_seq).where(
                RoomMember.room_id == room.id, RoomMember.user_id == user.id
            )
        )
        or 0
    )


def unread_counts(user: User, rooms: list[Room]) -> dict[int, int]:
    """Unread messages per room for the user, from server-side read positions (one query)."""
    if not rooms:
        return {}
    rows = db.session.execute(
        sa.select(Room.id, Room.last_seq, RoomMember.last_read_seq)
        .join(
            RoomMember,
            sa.and_(RoomMember.room_id == Room.id, RoomMember.user_id == user.id),
            isouter=True,
        )
        .where(Room.id.in_([r.id for r in rooms]))
    ).all()
    return {room_id: max(0, last - (read or 0)) for room_id, last, read in rows}


def report(user: User, message: Message, reason: str) -> MessageReport:
    room = db.session.get(Room, message.room_id)
    if not policy.can_post_in(user, room) and not policy.can_view_room(user, room):
        raise ChatError("forbidden", _l("You do not have access to this room."))
    entry = MessageReport(message_id=message.id, reporter_id=user.id, reason=reason.strip()[:1000])
    db.session.add(entry)
    audit.record(user, "message.report", message, room_id=room.id)
    notifications.notify(
        [room.mentor],
        "message.reported",
        {"room": room.name, "reporter": user.name, "excerpt": markup.plain(message.body, 80)},
        link=f"/rooms/{room.id}",
    )
    return entry


def hide(mentor: User, message: Message, reason: str) -> None:
    """The mentor hides a message: kept for the trail, shown as hidden by the mentor."""
    room = db.session.get(Room, message.room_id)
    if not policy.can_moderate(mentor, room):
        raise ChatError("forbidden", _l("Only the room's mentor can hide messages."))
    if not reason.strip():
        raise ChatError("reason_required", _l("Write why the message is hidden."))
    message.hidden_at = utcnow()
    message.hidden_by_id = mentor.id
    message.hidden_reason = reason.strip()[:1000]
    audit.record(mentor, "message.hide", message, room_id=room.id, person=message.author)
