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

from mentorhub import audit, markup, policy, realtime
from mentorhub.accounts.models import User
from mentorhub.chat.models import Message, MessageReport, ReadPosition, ReportStatus
from mentorhub.errors import DomainError
from mentorhub.extensions import db, limiter
from mentorhub.notifications import services as notifications
from mentorhub.rooms.models import Room, RoomMember
from mentorhub.timeutil import utcnow
from mentorhub.uploads import images
from mentorhub.uploads import services as uploads
from mentorhub.uploads.models import ChatImage

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


def _check_send(author: User, room: Room, client_id: str) -> Message | None:
    """Access and client_id; returns the stored message when this is a retry."""
    if not policy.can_post_in(author, room):
        raise ChatError("forbidden", _l("You cannot write in this room."))
    if not isinstance(client_id, str) or not _CLIENT_ID.match(client_id):
        raise ChatError("bad_request", _l("The message could not be read. Reload the page."))
    return _existing(room, author, client_id)


def _clean_body(body) -> str:
    body = body.replace("\r\n", "\n").strip() if isinstance(body, str) else ""
    if len(body) > MAX_LENGTH:
        raise ChatError(
            "too_long", _l("The message is too long (at most %(n)d characters).", n=MAX_LENGTH)
        )
    return body


def send(author: User, room: Room, client_id: str, body: str) -> Sent:
    """Validate, render, number and store one message. The caller commits, then broadcasts."""
    previous = _check_send(author, room, client_id)
    if previous is not None:
        return Sent(previous, created=False)
    body = _clean_body(body)
    if not body:
        raise ChatError("empty", _l("Write something before you send."))
    _check_rate(author)
    return Sent(_store(author, room, client_id, body), created=True)


def send_image(author: User, room: Room, client_id: str, caption: str, data: bytes) -> Sent:
    """An image message: check and re-encode the image, store it and a message (its body the
    caption, maybe empty) on the same seq/client_id path as `send`. The caller commits."""
    previous = _check_send(author, room, client_id)
    if previous is not None:
        return Sent(previous, created=False)
    caption = _clean_body(caption)
    try:
        encoded = images.encode(data)
    except images.ImageRefused as refused:
        raise ChatError(refused.code, refused.message) from None
    _check_rate(author)
    image = uploads.save_image(encoded, room_id=room.id, uploader_id=author.id)
    return Sent(_store(author, room, client_id, caption, image), created=True)


def upload_image(
    author: User, room: Room, client_id: str, caption: str, data: bytes | None
) -> dict:
    """An image message sent over HTTP (`data` None: no file was chosen): `send_image`, with
    the broadcast queued for after the commit, since only a stored message may be seen.
    Returns the ack, the same as a socket `send` answers."""
    if data is None:
        raise ChatError("no_image", _l("Choose an image to send."))
    sent = send_image(author, room, client_id, caption, data)
    message = payload(sent.message)
    if sent.created:
        realtime.broadcast("message", message, message["room_id"])
    return {"ok": True, "id": message["id"], "seq": message["seq"], "duplicate": not sent.created}


def _store(
    author: User, room: Room, client_id: str, body: str, image: ChatImage | None = None
) -> Message:
    people = _participants(author, room) if "@" in body else []
    html = markup.render(body, [(p.id, p.name) for p in people]) if body else ""
    # The row lock serialises writers per room, so seq order is commit order.
    seq = 1 + db.session.scalar(
        sa.select(Room.last_seq).where(Room.id == room.id).with_for_update()
    )
    db.session.execute(
        sa.update(Room).where(Room.id == room.id).values(last_seq=seq),
        execution_options={"synchronize_session": False},
    )
    message = Message(
        room_id=room.id,
        seq=seq,
        author_id=author.id,
        client_id=client_id,
        body=body,
        html=html,
        image_id=image.id if image else None,
    )
    # Two tabs racing with one client_id: the loser's flush raises IntegrityError; the socket
    # helper rolls back and retries once, and the retry finds the stored message above.
    db.session.add(message)
    db.session.flush()
    _mark_read(author, room, seq)
    _notify_mentions(author, room, body, people)
    return message


def mentioned(body: str, people: list[User]) -> list[User]:
    """The people named after an `@` in `body` (see `markup.find_mentions`): `@Förnamn
    Efternamn` names that person; `@Förnamn` names everyone with that first name."""
    by_id = {p.id: p for p in people}
    ids = {
        i
        for _s, _e, found in markup.find_mentions(body, [(p.id, p.name) for p in people])
        for i in found
    }
    return [by_id[i] for i in by_id if i in ids]


def _participants(author: User, room: Room) -> list[User]:
    """Who can be mentioned in the room: its mentor and current members, not the author."""
    members = sa.select(RoomMember.user_id).where(
        RoomMember.room_id == room.id, RoomMember.removed_at.is_(None)
    )
    return list(
        db.session.scalars(
            sa.select(User).where(
                sa.or_(User.id == room.mentor_id, User.id.in_(members)), User.id != author.id
            )
        )
    )


def _notify_mentions(author: User, room: Room, body: str, people: list[User]) -> None:
    """An in-app notification for each participant (mentor, current members) mentioned."""
    targets = mentioned(body, people) if people else []
    if targets:
        notifications.notify(
            targets,
            "chat.mention",
            {"author": author.name, "room": room.name},
            link=f"/rooms/{room.id}",
        )


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
        "image": None
        if hidden or message.image is None
        else {
            "id": message.image.id,
            "url": f"/rooms/images/{message.image.id}",
            "width": message.image.width,
            "height": message.image.height,
        },
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


def read_room(user: User, room: Room, *, since_seq: int | None = None) -> list[Message]:
    """The history a join shows (`history`, checked the same way); staff looking in from outside
    the room leave a read entry with it, so the room is never shown to them unaudited."""
    messages = history(user, room, since_seq=since_seq)
    if policy.is_observer(user, room):
        audit.record(user, "room.read", room)
    return messages


def rooms_left_by(pupil_id: int) -> list[tuple[Room, RoomMember]]:
    """The rooms the pupil has left (unmatched or removed), latest first, with the
    membership row that says when: one query."""
    return [
        (room, member)
        for member, room in db.session.execute(
            sa.select(RoomMember, Room)
            .join(Room, Room.id == RoomMember.room_id)
            .where(RoomMember.user_id == pupil_id, RoomMember.removed_at.is_not(None))
            .order_by(RoomMember.removed_at.desc())
        ).all()
    ]


def history_until_left(
    reader: User, pupil: User, room: Room, member: RoomMember, limit: int = 200
) -> list[Message]:
    """The room's conversation as it stood when the pupil left it, for the staff around the
    pupil: what they could read while the pupil was a member, and nothing written since.
    Audited as a view of the pupil's record."""
    if not policy.can_read_left_room(reader, pupil.id, member):
        raise ChatError("forbidden", _l("You do not have access to this room."))
    audit.record(reader, "room.history_read", room, person=pupil)
    page = db.session.scalars(
        sa.select(Message)
        .where(Message.room_id == room.id, Message.created_at <= member.removed_at)
        .order_by(Message.seq.desc())
        .limit(limit)
    ).unique()
    return list(page)[::-1]


def _mark_read(user: User, room: Room, seq: int) -> None:
    """Move the reader's position forward (never back): pupils on their membership row, the
    mentor on a ReadPosition row made the first time."""
    if room.mentor_id != user.id:
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
        return
    position = db.session.get(ReadPosition, (room.id, user.id))
    if position is None:
        db.session.add(ReadPosition(room_id=room.id, user_id=user.id, last_read_seq=seq))
    elif position.last_read_seq < seq:
        position.last_read_seq = seq


def mark_read(user: User, room: Room, seq: int) -> None:
    if not policy.can_view_room(user, room):
        raise ChatError("forbidden", _l("You do not have access to this room."))
    _mark_read(user, room, min(int(seq), room.last_seq))


def read_position(user: User, room: Room) -> int:
    model = ReadPosition if room.mentor_id == user.id else RoomMember
    return (
        db.session.scalar(
            sa.select(model.last_read_seq).where(model.room_id == room.id, model.user_id == user.id)
        )
        or 0
    )


def unread_counts(user: User, rooms: list[Room]) -> dict[int, int]:
    """Unread messages per room for its members and its mentor, from server-side read
    positions (one query). Observers (linked staff) get no count: they only look in."""
    if not rooms:
        return {}
    rows = db.session.execute(
        sa.select(
            Room.id,
            Room.last_seq,
            Room.mentor_id,
            RoomMember.last_read_seq,
            RoomMember.removed_at,
            ReadPosition.last_read_seq,
        )
        .join(
            RoomMember,
            sa.and_(RoomMember.room_id == Room.id, RoomMember.user_id == user.id),
            isouter=True,
        )
        .join(
            ReadPosition,
            sa.and_(ReadPosition.room_id == Room.id, ReadPosition.user_id == user.id),
            isouter=True,
        )
        .where(Room.id.in_([r.id for r in rooms]))
    ).all()
    counts = {}
    for room_id, last, mentor_id, member_read, removed_at, mentor_read in rows:
        if mentor_id == user.id:
            counts[room_id] = max(0, last - (mentor_read or 0))
        elif member_read is not None and removed_at is None:
            counts[room_id] = max(0, last - member_read)
    return counts


REASON_LENGTH = 1000


def _reason(reason, code_message) -> str:
    reason = reason.strip() if isinstance(reason, str) else ""
    if not reason:
        raise ChatError("reason_required", code_message)
    if len(reason) > REASON_LENGTH:
        raise ChatError("too_long", _l("Write at most %(n)d characters.", n=REASON_LENGTH))
    return reason


def report(user: User, message: Message, reason: str) -> MessageReport:
    """Someone in the room reports a message to its mentor, with a reason. One open report per
    reporter and message: reporting it again while the first is open is refused."""
    room = db.session.get(Room, message.room_id)
    if not policy.can_report_message(user, room, message):
        raise ChatError("forbidden", _l("You cannot report this message."))
    if message.hidden_at is not None:
        raise ChatError("already_hidden", _l("The message is already hidden."))
    reason = _reason(reason, _l("Write why you report the message."))
    already = db.session.scalar(
        sa.select(MessageReport.id).where(
            MessageReport.message_id == message.id,
            MessageReport.reporter_id == user.id,
            MessageReport.status == ReportStatus.OPEN,
        )
    )
    if already is not None:
        raise ChatError(
            "already_reported",
            _l("You have already reported this message. The mentor will look at it."),
        )
    entry = MessageReport(message_id=message.id, reporter_id=user.id, reason=reason)
    db.session.add(entry)
    audit.record(user, "message.report", message, room_id=room.id, reason=reason)
    notifications.notify(
        [room.mentor],
        "message.reported",
        {"room": room.name, "reporter": user.name, "excerpt": markup.plain(message.body, 80)},
        link=f"/rooms/{room.id}/reports",
    )
    db.session.flush()
    return entry


def _close_reports(mentor: User, message: Message, status: str) -> int:
    """Mark the message's open reports handled; returns how many there were."""
    result = db.session.execute(
        sa.update(MessageReport)
        .where(MessageReport.message_id == message.id, MessageReport.status == ReportStatus.OPEN)
        .values(status=status, handled_by_id=mentor.id, handled_at=utcnow()),
        execution_options={"synchronize_session": False},
    )
    return result.rowcount


def hide(mentor: User, message: Message, reason: str) -> None:
    """The mentor hides a message, with a reason: kept for the trail, shown to everyone as
    hidden by the mentor. Its open reports are closed as handled by hiding. The caller commits,
    then broadcasts `message_hidden`."""
    room = db.session.get(Room, message.room_id)
    if not policy.can_moderate(mentor, room):
        raise ChatError("forbidden", _l("Only the room's mentor can hide messages."))
    reason = _reason(reason, _l("Write why the message is hidden."))
    if message.hidden_at is not None:
        raise ChatError("already_hidden", _l("The message is already hidden."))
    message.hidden_at = utcnow()
    message.hidden_by_id = mentor.id
    message.hidden_reason = reason
    closed = _close_reports(mentor, message, ReportStatus.HIDDEN)
    audit.record(
        mentor,
        "message.hide",
        message,
        room_id=room.id,
        person=message.author,
        reason=reason,
        reports=closed,
    )
    db.session.flush()


def dismiss_report(mentor: User, entry: MessageReport) -> None:
    """The mentor decides a report needs no action: the message stays, the report is closed."""
    message = entry.message
    room = db.session.get(Room, message.room_id)
    if not policy.can_handle_reports(mentor, room):
        raise ChatError("forbidden", _l("Only the room's mentor can handle reports."))
    if entry.status != ReportStatus.OPEN:
        raise ChatError("already_handled", _l("The report has already been handled."))
    entry.status = ReportStatus.DISMISSED
    entry.handled_by_id = mentor.id
    entry.handled_at = utcnow()
    audit.record(mentor, "message.report_dismiss", message, room_id=room.id, report=entry.id)
    db.session.flush()


def reports_in(mentor: User, room: Room, *, handled: bool = False) -> list[MessageReport]:
    """The room's open reports, oldest first (or with `handled`, the handled ones, newest
    first), message and people loaded with them in one query."""
    if not policy.can_handle_reports(mentor, room):
        raise ChatError("forbidden", _l("Only the room's mentor can handle reports."))
    query = (
        sa.select(MessageReport)
        .join(Message, Message.id == MessageReport.message_id)
        .where(Message.room_id == room.id)
    )
    if not handled:
        query = query.where(MessageReport.status == ReportStatus.OPEN).order_by(
            MessageReport.created_at, MessageReport.id
        )
    else:
        query = query.where(MessageReport.status != ReportStatus.OPEN).order_by(
            MessageReport.handled_at.desc(), MessageReport.id.desc()
        )
    return list(db.session.scalars(query).unique())


def open_report_count(room: Room) -> int:
    """How many reports in the room wait for its mentor (shown on the link to them)."""
    return db.session.scalar(
        sa.select(sa.func.count(MessageReport.id))
        .join(Message, Message.id == MessageReport.message_id)
        .where(Message.room_id == room.id, MessageReport.status == ReportStatus.OPEN)
    )
