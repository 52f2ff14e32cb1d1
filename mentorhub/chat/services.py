"""Chat (journey 5): store a message before anyone sees it, number it per room, read history.

Every message gets a per-room `seq` taken under a lock on the room row, in the transaction that
stores it, so commit order is seq order and a client that re-joins "since seq N" misses nothing
(see docs/realtime.md). A retry with the same client_id returns the stored message; the unique
constraint on (room, author, client_id), not the lookup, is what guarantees one row.
"""

from __future__ import annotations

import functools
import re
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

import sqlalchemy as sa
from flask import current_app
from flask_babel import lazy_gettext as _l
from limits import parse
from sqlalchemy import orm as sa_orm

from mentorhub import audit, markup, policy, realtime
from mentorhub.accounts import services as accounts
from mentorhub.accounts.models import User
from mentorhub.chat import statements
from mentorhub.chat.models import Message, MessageReport, ReadPosition, ReportStatus
from mentorhub.errors import DomainError
from mentorhub.extensions import db
from mentorhub.notifications import services as notifications
from mentorhub.rooms.models import Room, RoomMember
from mentorhub.timeutil import utcnow
from mentorhub.uploads import images
from mentorhub.uploads import services as uploads
from mentorhub.uploads.models import ChatImage

T = TypeVar("T")

MAX_LENGTH = 4000
PAGE = 50
_CLIENT_ID = re.compile(r"^[A-Za-z0-9_-]{8,64}$")


class ChatError(DomainError):
    """A refused chat action; `code` is what the client acts on, `message` what the user reads."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code


@dataclass(frozen=True)
class Author:
    """A socket's person as read once, at connect (`chat/events.py`). Nothing here is trusted
    later: the statement that numbers each message checks again, in SQL, that this sign-in is
    live, the session version current, the account active and the person in the room."""

    user_id: int
    session_version: int
    login_key: str


@dataclass(frozen=True)
class Sent:
    message: dict  # the wire shape (`payload`): what the broadcast and the ack carry
    created: bool  # False when a retry found the message already stored


class SendRate:
    """How many new messages each person has sent lately: a moving window per person, kept in
    this worker process's memory.

    Not Flask-Limiter's storage: a send is the hottest path there is, and a hit there cost more
    than storing the message (the memory backend starts a timer thread to expire keys; Redis is
    a round trip). A socket stays on one worker, so a person is counted where they write;
    someone writing from two tabs that nginx put on two workers gets the limit on each, which
    still stops a flood. The limit is CHAT_RATE_LIMIT ("20 per 10 seconds")."""

    def __init__(self) -> None:
        self._sent: dict[int, deque[float]] = {}
        self._lock = threading.Lock()

    def allows(self, user_id: int, limit: str) -> bool:
        """Count one send and say whether it is within the limit (a refused one is not kept)."""
        amount, seconds = _parsed_limit(limit)
        now = time.monotonic()
        with self._lock:
            sent = self._sent.setdefault(user_id, deque())
            while sent and sent[0] <= now - seconds:
                sent.popleft()
            if len(sent) >= amount:
                return False
            sent.append(now)
            if len(self._sent) > 50_000:
                self._forget_before(now - seconds)
            return True

    def _forget_before(self, moment: float) -> None:
        for user_id in [u for u, sent in self._sent.items() if not sent or sent[-1] <= moment]:
            del self._sent[user_id]

    def clear(self) -> None:
        with self._lock:
            self._sent.clear()


@functools.cache
def _parsed_limit(limit: str) -> tuple[int, int]:
    item = parse(limit)
    return item.amount, item.get_expiry()


send_rate = SendRate()


def _rate_allows(user_id: int) -> bool:
    return send_rate.allows(user_id, current_app.config.get("CHAT_RATE_LIMIT", "20 per 10 seconds"))


def _rate_limited() -> ChatError:
    return ChatError("rate_limited", _l("You are sending very fast. Wait a moment and try again."))


def _existing(room_id: int, author_id: int, client_id: str) -> Message | None:
    return db.session.scalars(
        sa.select(Message).where(
            Message.room_id == room_id,
            Message.author_id == author_id,
            Message.client_id == client_id,
        )
    ).first()


def _check_client_id(client_id) -> None:
    if not isinstance(client_id, str) or not _CLIENT_ID.match(client_id):
        raise ChatError("bad_request", _l("The message could not be read. Reload the page."))


def _clean_body(body) -> str:
    # NUL is no character anyone types, and PostgreSQL's text refuses it: taken out, not refused
    body = body.replace("\r\n", "\n").replace("\x00", "").strip() if isinstance(body, str) else ""
    if len(body) > MAX_LENGTH:
        raise ChatError(
            "too_long", _l("The message is too long (at most %(n)d characters).", n=MAX_LENGTH)
        )
    return body


def _text(body) -> str:
    body = _clean_body(body)
    if not body:
        raise ChatError("empty", _l("Write something before you send."))
    return body


def post(author: Author, room_id: int, client_id, body) -> Sent:
    """A message sent over a socket: the send path of docs/realtime.md ("What a message
    costs"), in three statements and the commit. Checked and rendered first (no lock held);
    then one UPDATE takes the room's next seq *and* decides access (`policy.may_post_now`:
    the sign-in, the account and the membership as they are now, under the room's lock), one
    INSERT stores the message (a retry with the same client_id inserts nothing and is answered
    with the stored one), one statement moves the author's read position. The caller commits,
    then broadcasts."""
    return _post(author.user_id, room_id, client_id, body, author=author)


def send(author: User, room: Room, client_id: str, body: str) -> Sent:
    """A message from a request that has already loaded its user (the demo data, scripts):
    the same checks and store as `post`, the access rule asked in Python. The caller commits."""
    _check_can_post(author, room)
    return _post(author.id, room.id, client_id, body)


def _post(author_id: int, room_id: int, client_id, body, *, author: Author | None = None) -> Sent:
    """Check, render and store one text message. With `author` (a socket's person) access is
    decided in the numbering statement; without, the caller has asked the policy."""
    _check_client_id(client_id)
    body = _text(body)
    people = _participants(room_id, author_id) if "@" in body else []
    html = markup.render(body, [(p.id, p.name) for p in people])
    if not _rate_allows(author_id):
        return _retry_or(_rate_limited(), room_id, author_id, client_id)
    stored = _store(
        room_id,
        author_id,
        client_id,
        body,
        html,
        author=author,
        # On its own (outside the session's transaction) only for a socket's send with no
        # mention: mentions write notifications in the same transaction, and a caller with
        # a loaded user may have written what the message needs in its own
        alone=author is not None and not people,
    )
    if stored is None:
        if author is None:
            raise ChatError("forbidden", _l("You cannot write in this room."))
        raise _refusal(author, room_id)
    if stored.created and people:
        _notify_mentions(author_id, stored, body, people)
    return stored


def _check_can_post(author: User, room: Room) -> None:
    if not policy.can_post_in(author, room):
        raise ChatError("forbidden", _l("You cannot write in this room."))


def _retry_or(refusal: ChatError, room_id: int, author_id: int, client_id: str) -> Sent:
    """A refused send that is a retry of a stored message is answered with that message (its
    first ack was lost): the refusal is for new messages only."""
    previous = _existing(room_id, author_id, client_id)
    if previous is None:
        raise refusal
    return Sent(payload(previous), created=False)


def _refusal(author: Author, room_id: int) -> ChatError:
    """Why the numbering statement found no room it may post in (the rare path: asked again
    the slow way, so each refusal says what it always said)."""
    if db.session.get(Room, room_id, options=[sa_orm.lazyload("*")]) is None:
        return ChatError("not_found", _l("The room does not exist."))
    user = db.session.get(User, author.user_id)
    live = (
        user is not None
        and user.active
        and user.session_version == author.session_version
        and accounts.session_is_live(user, author.login_key)
    )
    if not live:
        return ChatError("unauthorized", _l("Sign in again to continue."))
    return ChatError("forbidden", _l("You cannot write in this room."))


def send_image(author: User, room: Room, client_id: str, caption: str, data: bytes) -> Sent:
    """An image message: check and re-encode the image, store it and a message (its body the
    caption, maybe empty) on the same seq/client_id path as `send`. The caller commits."""
    _check_can_post(author, room)
    _check_client_id(client_id)
    previous = _existing(room.id, author.id, client_id)
    if previous is not None:  # checked first: a retry must not store the image twice
        return Sent(payload(previous), created=False)
    caption = _clean_body(caption)
    try:
        encoded = images.encode(data)
    except images.ImageRefused as refused:
        raise ChatError(refused.code, refused.message) from None
    if not _rate_allows(author.id):
        raise _rate_limited()
    image = uploads.save_image(encoded, room_id=room.id, uploader_id=author.id)
    html = markup.render(caption) if caption else ""
    stored = _store(room.id, author.id, client_id, caption, html, image=image)
    if stored is None:
        raise ChatError("forbidden", _l("You cannot write in this room."))
    return stored


def upload_image(
    author: User, room: Room, client_id: str, caption: str, data: bytes | None
) -> dict:
    """An image message sent over HTTP (`data` None: no file was chosen): `send_image`, with
    the broadcast queued for after the commit, since only a stored message may be seen.
    Returns the ack, the same as a socket `send` answers."""
    if data is None:
        raise ChatError("no_image", _l("Choose an image to send."))
    sent = send_image(author, room, client_id, caption, data)
    message = sent.message
    if sent.created:
        realtime.broadcast("message", message, message["room_id"])
    return {"ok": True, "id": message["id"], "seq": message["seq"], "duplicate": not sent.created}


def _duplicate(room_id: int, author_id: int, client_id: str, room_name: str) -> _Stored:
    previous = _existing(room_id, author_id, client_id)
    if previous is None:  # not reached: the conflict was on that very row
        raise ChatError("bad_request", _l("The message could not be read. Reload the page."))
    return _Stored(payload(previous), created=False, room_name=room_name)


@dataclass(frozen=True)
class _Stored(Sent):
    room_name: str = ""


def _store(
    room_id: int,
    author_id: int,
    client_id: str,
    body: str,
    html: str,
    *,
    author: Author | None = None,
    image: ChatImage | None = None,
    alone: bool = False,
) -> _Stored | None:
    """Number and store one message, or None when `author` (a socket's person) may not post
    in the room now. Without `author` the caller has asked the policy itself.

    1. `UPDATE rooms SET last_seq = last_seq + 1 ... RETURNING`: the row lock (PostgreSQL)
       or the write lock (SQLite) is held from here to the commit, so seq order is commit
       order and two senders can never take one number.
    2. `INSERT ... ON CONFLICT (room, author, client_id) DO NOTHING RETURNING id`: a retry
       needs no lookup first; only when it inserted nothing is the stored row read, and the
       number taken in 1 is given back (still under the lock, so nobody took a later one).
    3. The author has read their own message: their read position moves to it.

    On PostgreSQL the three are one statement (data-modifying CTEs), so one round trip. The
    statements are built and compiled once per database (`chat/statements.py`): on this
    path building and executing them through SQLAlchemy cost more than running them.
    """

    def number(connection: sa.Connection | statements.DirectConnection) -> _Stored | None:
        return _numbered(connection, room_id, author_id, client_id, body, html, author, image)

    if not alone:
        return number(db.session.connection())
    # PostgreSQL's one-statement store needs no transaction around it (only when nothing else
    # is written in this event). Safe to run again after a lost connection: a message it may
    # have stored comes back as the duplicate of its client_id.
    return _kept_or_session(number, again_when_lost=True, session_autocommit=True)


def _numbered(
    connection: sa.Connection | statements.DirectConnection,
    room_id: int,
    author_id: int,
    client_id: str,
    body: str,
    html: str,
    author: Author | None,
    image: ChatImage | None,
) -> _Stored | None:
    prepared = statements.for_connection(connection)
    created_at = utcnow()
    params = {
        "p_room": room_id,
        "p_user": author_id,
        "p_client": client_id,
        "p_body": body,
        "p_html": html,
        "p_at": created_at,
        "p_image": image.id if image else None,
    }
    if author is not None:
        params.update(p_version=author.session_version, p_login=author.login_key)
    if prepared.store is not None:
        # PostgreSQL: the three steps in one statement, so one round trip instead of three;
        # a duplicate takes no number there, so there is none to give back
        stored = (prepared.store if author is None else prepared.store_if_allowed).first(
            connection, params
        )
        if stored is None:
            return None
        seq, mentor_id, room_name, author_name, message_id = stored
        if message_id is None:
            return _duplicate(room_id, author_id, client_id, room_name)
    else:
        number = prepared.number if author is None else prepared.number_if_allowed
        numbered = number.first(connection, params)
        if numbered is None:
            return None
        _room_id, seq, mentor_id, room_name, author_name = numbered
        inserted = prepared.insert.first(connection, {**params, "p_seq": seq})
        message_id = inserted[0] if inserted else None
        if message_id is not None:
            _move_read_position(room_id, author_id, mentor_id, seq, connection)
        if message_id is None:
            prepared.give_back.rowcount(connection, {"p_room": room_id})
            return _duplicate(room_id, author_id, client_id, room_name)
    message = {
        "id": message_id,
        "seq": seq,
        "room_id": room_id,
        "author": {"id": author_id, "name": author_name},
        "html": html,
        "hidden": False,
        "created_at": created_at.isoformat() + "Z",
        "client_id": client_id,
        "image": _image_payload(image),
    }
    return _Stored(message, created=True, room_name=room_name)


def _move_read_position(
    room_id: int, user_id: int, mentor_id: int, seq: int, connection: sa.Connection | None = None
) -> None:
    """Forward only: pupils on their membership row, the mentor on a ReadPosition row, made
    the first time (one upsert, not a read and a write)."""
    connection = connection or db.session.connection()
    prepared = statements.for_connection(connection)
    statement = prepared.read_as_mentor if user_id == mentor_id else prepared.read_as_member
    statement.rowcount(connection, {"p_room": room_id, "p_user": user_id, "p_seq": seq})


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


def _participants(room_id: int, author_id: int) -> list[User]:
    """Who can be mentioned in the room: its mentor and current members, not the author."""
    members = sa.select(RoomMember.user_id).where(
        RoomMember.room_id == room_id, RoomMember.removed_at.is_(None)
    )
    mentor = sa.select(Room.mentor_id).where(Room.id == room_id).scalar_subquery()
    return list(
        db.session.scalars(
            sa.select(User).where(
                sa.or_(User.id == mentor, User.id.in_(members)), User.id != author_id
            )
        )
    )


def _notify_mentions(author_id: int, stored: _Stored, body: str, people: list[User]) -> None:
    """An in-app notification for each participant (mentor, current members) mentioned."""
    targets = mentioned(body, people)
    if targets:
        room_id = stored.message["room_id"]
        notifications.notify(
            targets,
            "chat.mention",
            {"author": stored.message["author"]["name"], "room": stored.room_name},
            link=f"/rooms/{room_id}",
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
        "image": None if hidden else _image_payload(message.image),
    }


def _image_payload(image: ChatImage | None) -> dict | None:
    if image is None:
        return None
    return {
        "id": image.id,
        "url": f"/rooms/images/{image.id}",
        "width": image.width,
        "height": image.height,
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


def mark_read_as_member(author: Author, room_id: int, seq: int) -> bool:
    """A pupil's page saying how far they have read, in one statement: their membership row
    moves forward (never past the room's last message) if they are still a member and signed
    in (`policy.reads_as_member_now`). False when nothing moved: the mentor, an observer, a
    position already there, or someone who may not read the room; `mark_read` decides those."""
    params = {
        "p_room": room_id,
        "p_user": author.user_id,
        "p_seq": seq,
        "p_version": author.session_version,
        "p_login": author.login_key,
    }

    def move(connection: sa.Connection | statements.DirectConnection) -> bool:
        moved = statements.for_connection(connection).read_if_member.rowcount(connection, params)
        return moved == 1

    # A position that may be lost if the database crashes (the page sends it again): no fsync
    # waited for.
    return _kept_or_session(move, durable=False)


def _kept_or_session(
    run: Callable[[sa.Connection | statements.DirectConnection], T],
    *,
    durable: bool = True,
    again_when_lost: bool = False,
    session_autocommit: bool = False,
) -> T:
    """`run` with one statement that needs no transaction: on PostgreSQL on one of the
    worker's kept connections in autocommit (`statements.direct`: no BEGIN and COMMIT round
    trips), else, and when they are all in use, on the session's connection (in autocommit
    with `session_autocommit`, for a caller that writes nothing else in its transaction).

    A kept connection the database ended (a restart) is dropped by `statements.direct`; then
    `run` goes the session's way, or, with `again_when_lost` (a `run` safe to repeat), is run
    once more on a new kept connection, and a second loss is raised."""
    engine = db.session.get_bind()
    postgresql = engine.dialect.name == "postgresql"
    if postgresql:
        for attempt in (1, 2):
            try:
                with statements.direct(engine, durable=durable) as direct:
                    if direct is None:
                        break  # all in use: the session's way
                    return run(direct)
            except engine.dialect.loaded_dbapi.OperationalError:
                if not again_when_lost:
                    break
                if attempt == 2:
                    raise
    # Never on SQLite, where a message's statements must commit together.
    autocommit = session_autocommit and postgresql
    options = {"isolation_level": "AUTOCOMMIT"} if autocommit else None
    return run(db.session.connection(execution_options=options))


def mark_read(user: User, room: Room, seq: int) -> None:
    if not policy.can_view_room(user, room):
        raise ChatError("forbidden", _l("You do not have access to this room."))
    _move_read_position(room.id, user.id, room.mentor_id, min(int(seq), room.last_seq))


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
