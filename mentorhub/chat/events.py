"""Socket.IO events for chat: thin handlers behind one helper that does what Flask's request
cycle would (load the user, refuse the anonymous and deactivated, commit once or roll back,
turn domain errors into error acks). The protocol is written down in docs/realtime.md.
"""

from __future__ import annotations

import functools
import logging
import time
from collections import defaultdict
from collections.abc import Callable

from flask import request
from flask_babel import gettext as _
from flask_login import current_user
from flask_socketio import join_room, leave_room
from sqlalchemy import orm as sa_orm
from sqlalchemy.exc import IntegrityError

from mentorhub import audit, policy
from mentorhub.chat import services as chat
from mentorhub.errors import DomainError
from mentorhub.extensions import db, socketio
from mentorhub.rooms.models import Room

log = logging.getLogger("mentorhub.chat")

# Best-effort presence and typing, per worker process; never stored (see docs/realtime.md).
_present: dict[int, dict[str, tuple[int, str]]] = defaultdict(dict)  # room -> sid -> (id, name)
_sids_of_user: dict[int, set[str]] = defaultdict(set)
_last_typing: dict[tuple[int, int], float] = {}
TYPING_EVERY = 3.0
PRESENCE_LIMIT = 30  # presence and typing are switched off in larger rooms


def channel(room_id: int) -> str:
    return f"room-{room_id}"


def _error(code: str, message: str) -> dict:
    return {"ok": False, "error": code, "message": message}


def event(name: str) -> Callable:
    """Register a handler `fn(user, data) -> (ack, after_commit)`; see the module docstring."""

    def decorator(fn: Callable) -> Callable:
        @socketio.on(name)
        @functools.wraps(fn)
        def handler(data=None):
            user = current_user
            if not (user and user.is_authenticated and user.active):
                return _error("unauthorized", _("Sign in again to continue."))
            if not isinstance(data, dict):
                return _error("bad_request", _("The request could not be read."))
            try:
                for attempt in (1, 2):
                    try:
                        ack, after = fn(user, data)
                        db.session.commit()
                        break
                    except IntegrityError:
                        # A racing duplicate (same client_id): the retry finds the stored row.
                        db.session.rollback()
                        if attempt == 2:
                            raise
            except chat.ChatError as error:
                db.session.rollback()
                return _error(error.code, str(error.message))
            except DomainError as error:
                db.session.rollback()
                return _error("refused", str(error.message))
            except Exception:
                db.session.rollback()
                log.exception("socket event %s failed", name)
                return _error("server_error", _("Something went wrong. Nothing was saved."))
            if after is not None:
                after()
            return ack

        return handler

    return decorator


def _room(data: dict) -> Room:
    room_id = data.get("room_id")
    # Only the room's own row: members, mentor and area load on demand, and a send needs none.
    room = (
        db.session.get(Room, room_id, options=[sa_orm.lazyload("*")])
        if isinstance(room_id, int)
        else None
    )
    if room is None:
        raise chat.ChatError("not_found", _("The room does not exist."))
    return room


def _int_or_none(value) -> int | None:
    return value if isinstance(value, int) and value >= 0 else None


@socketio.on("connect")
def connect(auth=None):
    if not (current_user and current_user.is_authenticated and current_user.active):
        return False
    _sids_of_user[current_user.id].add(request.sid)
    return None


@socketio.on("disconnect")
def disconnect(*_args):
    for room_id, sids in list(_present.items()):
        if request.sid in sids:
            sids.pop(request.sid, None)
            socketio.emit("presence", _presence(room_id), to=channel(room_id))
    for sids in _sids_of_user.values():
        sids.discard(request.sid)


def _presence(room_id: int) -> dict:
    people = sorted({name for _uid, name in _present[room_id].values()})
    return {"room_id": room_id, "present": people}


@event("join")
def join(user, data):
    room = _room(data)
    if not policy.can_view_room(user, room):
        raise chat.ChatError("forbidden", _("You do not have access to this room."))
    since = _int_or_none(data.get("since_seq"))
    # Subscribe before reading the history: a message committed in between then arrives by
    # broadcast (the client drops what it already has by seq) instead of by neither route.
    join_room(channel(room.id))
    messages = chat.history(user, room, since_seq=since)
    if policy.is_observer(user, room):
        audit.record(user, "room.read", room)
    small = len(room.members) < PRESENCE_LIMIT
    if small:
        _present[room.id][request.sid] = (user.id, user.name)
    ack = {
        "ok": True,
        "room_id": room.id,
        "messages": [chat.payload(m) for m in messages],
        "last_seq": room.last_seq,
        "read_seq": chat.read_position(user, room),
        "can_post": policy.can_post_in(user, room),
        "present": _presence(room.id)["present"] if small else [],
    }
    room_id = room.id
    return ack, (lambda: socketio.emit("presence", _presence(room_id), to=channel(room_id)))


@event("leave")
def leave(user, data):
    room = _room(data)
    room_id = room.id
    leave_room(channel(room_id))
    _present[room_id].pop(request.sid, None)
    return {"ok": True}, (
        lambda: socketio.emit("presence", _presence(room_id), to=channel(room_id))
    )


@event("send")
def send(user, data):
    room = _room(data)
    sent = chat.send(user, room, data.get("client_id"), data.get("body"))
    message = chat.payload(sent.message)
    ack = {"ok": True, "id": message["id"], "seq": message["seq"], "duplicate": not sent.created}
    # Broadcast only after the commit: nobody sees a message that is not stored.
    # (room_id, not room.id: after the commit the room is expired and would be loaded again)
    to = channel(message["room_id"])
    after = (lambda: socketio.emit("message", message, to=to)) if sent.created else None
    return ack, after


@event("history")
def history(user, data):
    room = _room(data)
    before = _int_or_none(data.get("before_seq"))
    messages = chat.history(user, room, before_seq=before)
    return {"ok": True, "messages": [chat.payload(m) for m in messages]}, None


@event("typing")
def typing(user, data):
    room = _room(data)
    if not policy.can_post_in(user, room):
        raise chat.ChatError("forbidden", _("You cannot write in this room."))
    key = (room.id, user.id)
    now = time.monotonic()
    if len(room.members) >= PRESENCE_LIMIT or now - _last_typing.get(key, 0) < TYPING_EVERY:
        return {"ok": True}, None
    _last_typing[key] = now
    payload = {"room_id": room.id, "name": user.name}
    sid = request.sid
    return {"ok": True}, (
        lambda: socketio.emit("typing", payload, to=channel(payload["room_id"]), skip_sid=sid)
    )


@event("read")
def read(user, data):
    room = _room(data)
    seq = _int_or_none(data.get("seq"))
    if seq is None:
        raise chat.ChatError("bad_request", _("The request could not be read."))
    chat.mark_read(user, room, seq)
    return {"ok": True}, None


def cut_off(user_id: int, room_id: int | None = None) -> None:
    """Take a person out of a room's broadcasts (or all their rooms) at once, on every worker.

    Call it after the removal or deactivation is committed. This worker's sockets of theirs
    leave at once (and are disconnected on deactivation). For the other workers, which this one
    cannot see into, the room's channel is closed through the message queue and everyone in it
    is asked to `rejoin`: the re-join checks the policy again, so the person is refused and
    the others catch up since their last seq.
    """
    for sid in list(_sids_of_user.get(user_id, ())):
        for rid in [room_id] if room_id else list(_present):
            socketio.server.leave_room(sid, channel(rid), namespace="/")
            _present[rid].pop(sid, None)
        if room_id is None:
            socketio.server.disconnect(sid, namespace="/")
    for rid in [room_id] if room_id else _rooms_of(user_id):
        socketio.emit("rejoin", {"room_id": rid}, to=channel(rid))
        socketio.close_room(channel(rid))


def _rooms_of(user_id: int) -> list[int]:
    import sqlalchemy as sa

    from mentorhub.rooms.models import RoomMember

    member = sa.select(RoomMember.room_id).where(
        RoomMember.user_id == user_id, RoomMember.removed_at.is_(None)
    )
    return list(
        db.session.scalars(
            sa.select(Room.id).where(sa.or_(Room.mentor_id == user_id, Room.id.in_(member)))
        )
    )


def _message(data: dict):
    from mentorhub.chat.models import Message

    message_id = data.get("message_id")
    message = db.session.get(Message, message_id) if isinstance(message_id, int) else None
    if message is None:
        raise chat.ChatError("not_found", _("The message does not exist."))
    return message


@event("report")
def report(user, data):
    message = _message(data)
    reason = data.get("reason") if isinstance(data.get("reason"), str) else ""
    chat.report(user, message, reason)
    return {"ok": True}, None


@event("hide")
def hide(user, data):
    message = _message(data)
    reason = data.get("reason") if isinstance(data.get("reason"), str) else ""
    chat.hide(user, message, reason)
    update = {"room_id": message.room_id, "id": message.id, "seq": message.seq}
    return {"ok": True}, (
        lambda: socketio.emit("message_hidden", update, to=channel(update["room_id"]))
    )
