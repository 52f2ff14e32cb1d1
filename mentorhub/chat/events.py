"""Socket.IO events for chat: thin handlers behind one helper that does what Flask's request
cycle would (load the user afresh, refuse the anonymous, the deactivated and ended sign-ins,
commit once or roll back, run what was queued for after the commit, turn domain errors into
error acks). Also the socket side of `mentorhub/realtime.py`: broadcasts, and ending someone's
access on every open socket of theirs on every worker. The protocol is in docs/realtime.md.
"""

from __future__ import annotations

import functools
import hashlib
import logging
import threading
import time
from collections import defaultdict
from collections.abc import Callable

import socketio as python_socketio
import sqlalchemy as sa
from flask import g, request, session
from flask.sessions import SecureCookieSessionInterface
from flask_babel import gettext as _
from flask_login import current_user
from flask_socketio import join_room, leave_room
from sqlalchemy import orm as sa_orm
from sqlalchemy.exc import IntegrityError

from mentorhub import after_commit, metrics, policy, realtime
from mentorhub.accounts.services import SESSION_KEY
from mentorhub.chat import services as chat
from mentorhub.errors import DomainError
from mentorhub.extensions import db, socketio
from mentorhub.health import workers
from mentorhub.rooms.models import Room

log = logging.getLogger("mentorhub.chat")

# Best-effort presence and typing, per worker process; never stored (see docs/realtime.md).
_present: dict[int, dict[str, tuple[int, str]]] = defaultdict(dict)  # room -> sid -> (id, name)
_last_typing: dict[tuple[int, int], float] = {}
TYPING_EVERY = 3.0
PRESENCE_LIMIT = 30  # presence and typing are switched off in larger rooms


MAX_ID = 2**63 - 1  # the largest id or seq the database holds (BIGINT); beyond it: refused


def channel(room_id: int) -> str:
    return f"room-{room_id}"


def user_channel(user_id: int) -> str:
    """Every socket of one person, on every worker: joined at connect."""
    return f"user-{user_id}"


def login_channel(login_key: str) -> str:
    """Every socket opened with one sign-in (the key itself never leaves the server's memory:
    channel names travel through the message queue)."""
    return "login-" + hashlib.sha256(login_key.encode()).hexdigest()[:32]


def _error(code: str, message: str) -> dict:
    return {"ok": False, "error": code, "message": message}


def event(name: str, *, loads_user: bool = True) -> Callable:
    """Register a handler `fn(user, data) -> (ack, after_commit)`; see the module docstring.

    With `loads_user=False` the handler gets the socket's `chat.Author` (read once, at
    connect) instead of a freshly loaded user, and must check access again itself, in the
    statement that acts (`send` does: `policy.may_post_now`). Only for the hot path."""

    def decorator(fn: Callable) -> Callable:
        @socketio.on(name)
        @functools.wraps(fn)
        def handler(data=None):
            user = _signed_in_user() if loads_user else _authors.get(request.sid)
            if user is None:
                ack = _error("unauthorized", _("Sign in again to continue."))
            elif not isinstance(data, dict) or not _readable(data):
                ack = _error("bad_request", _("The request could not be read."))
            else:
                ack = _run(name, fn, user, data)
            metrics.count_event(name, ack)  # a dict lookup and an increment
            return ack

        return handler

    return decorator


def _run(name: str, fn: Callable, user, data: dict):
    """Run one event's handler as its own transaction and answer its ack, or an error ack."""
    try:
        for attempt in (1, 2):
            try:
                ack, after = fn(user, data)
                if after is not None:
                    after_commit.after_commit(after)
                # Commits, then runs what the event (or a service) queued: broadcasts never
                # show what is not stored, and a rollback drops them.
                after_commit.commit()
                return ack
            except IntegrityError:
                # A racing duplicate (same client_id): the retry finds the stored row.
                after_commit.rollback()
                if attempt == 2:
                    raise
    except chat.ChatError as error:
        after_commit.rollback()
        return _error(error.code, str(error.message))
    except DomainError as error:
        after_commit.rollback()
        return _error("refused", str(error.message))
    except Exception:
        after_commit.rollback()
        log.exception("socket event %s failed", name)
        return _error("server_error", _("Something went wrong. Nothing was saved."))
    return None  # not reached: the loop returns the ack or raises


def _signed_in_user():
    """The socket's user, loaded afresh for this event (session version and sign-in checked
    by `_load_user`), or None. Flask-Login caches the user on `g`, which an event can share
    with an earlier one; a stale socket must never act on a cached answer."""
    g.pop("_login_user", None)
    user = current_user._get_current_object()
    if user and user.is_authenticated and user.active:
        return user
    return None


def _readable(data: dict) -> bool:
    """No lone surrogate ("\ud800") in a key or a string value: such text cannot be stored."""
    for item in (*data.keys(), *data.values()):
        if isinstance(item, str):
            try:
                item.encode("utf-8")
            except UnicodeEncodeError:
                return False
    return True


def _id(value) -> int | None:
    """A database id from a payload: an int (not a bool) the database can hold, else None."""
    if isinstance(value, bool) or not isinstance(value, int) or not 0 < value <= MAX_ID:
        return None
    return value


def _room(data: dict) -> Room:
    room_id = _id(data.get("room_id"))
    # Only the room's own row: members, mentor and area load on demand, and a send needs none.
    room = (
        db.session.get(Room, room_id, options=[sa_orm.lazyload("*")])
        if room_id is not None
        else None
    )
    if room is None:
        raise chat.ChatError("not_found", _("The room does not exist."))
    return room


def _int_or_none(value) -> int | None:
    """A seq from a payload: None when missing, not an integer, a bool or negative; a number the
    database cannot hold is refused (`bad_request`) rather than failing in SQL."""
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        return None
    if value > MAX_ID:
        raise chat.ChatError("bad_request", _("The request could not be read."))
    return value


# Who each socket on this worker belongs to, read once at connect (a send does not load its
# user: `chat.post` checks the sign-in again in SQL). Gone when the socket is.
_authors: dict[str, chat.Author] = {}


@socketio.on("connect")
def connect(auth=None):
    user = _signed_in_user()
    if user is None:
        return False
    login_key = session.get(SESSION_KEY, "")
    # Every socket is reachable per person and per sign-in on every worker: that is how a
    # sign-out, a password reset or deactivation reaches it (see `_end_sockets`).
    join_room(user_channel(user.id))
    join_room(login_channel(login_key))
    # A sign-out committed between the check above and the joins would have missed us.
    if _signed_in_user() is None:
        return False
    _authors[request.sid] = chat.Author(user.id, user.session_version, login_key)
    return None


@socketio.on("disconnect")
def disconnect(*_args):
    _authors.pop(request.sid, None)
    for room_id, sids in list(_present.items()):
        if request.sid in sids:
            sids.pop(request.sid, None)
            socketio.emit("presence", _presence(room_id), to=channel(room_id))


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
    try:
        # checks access again, after subscribing: a removal committed after the check above
        # either is seen here or cuts this socket off after its commit (docs/realtime.md)
        messages = chat.read_room(user, room, since_seq=since)
    except Exception:
        leave_room(channel(room.id))
        raise
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


@event("send", loads_user=False)
def send(author: chat.Author, data):
    room_id = _id(data.get("room_id"))
    if room_id is None:
        raise chat.ChatError("not_found", _("The room does not exist."))
    sent = chat.post(author, room_id, data.get("client_id"), data.get("body"))
    message = sent.message
    ack = {"ok": True, "id": message["id"], "seq": message["seq"], "duplicate": not sent.created}
    # Broadcast only after the commit: nobody sees a message that is not stored.
    to = channel(room_id)
    after = _broadcast_stored(message, to) if sent.created else None
    return ack, after


def _broadcast_stored(message: dict, to: str) -> Callable[[], None]:
    def after() -> None:  # run after the commit: the message is stored
        metrics.chat_messages_stored.inc()
        socketio.emit("message", message, to=to)

    return after


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


@event("read", loads_user=False)
def read(author: chat.Author, data):
    # Every member's page sends this: a pupil's read costs one statement; anything else (the
    # mentor, an observer, a refusal) is decided the full way below.
    room_id, seq = _id(data.get("room_id")), _int_or_none(data.get("seq"))
    if room_id is not None and seq is not None and chat.mark_read_as_member(author, room_id, seq):
        return {"ok": True}, None
    user = _signed_in_user()
    if user is None:
        raise chat.ChatError("unauthorized", _("Sign in again to continue."))
    room = _room(data)
    seq = _int_or_none(data.get("seq"))
    if seq is None:
        raise chat.ChatError("bad_request", _("The request could not be read."))
    chat.mark_read(user, room, seq)
    return {"ok": True}, None


# --- after a commit: broadcasts and the end of access (mentorhub/realtime.py) ---------------


@realtime.handles("broadcast")
def _broadcast(event: str, data: dict, room_id: int) -> None:
    socketio.emit(event, data, to=channel(room_id))


@realtime.handles("room_access_changed")
def _room_access_changed(user_ids: list[int], room_ids: list[int]) -> None:
    """Ask the policy again, now that the change is committed, for each person and room; whoever
    may no longer read a room has every socket of theirs, on every worker, leave its channel."""
    from mentorhub.accounts.models import User

    users = db.session.scalars(sa.select(User).where(User.id.in_(user_ids))).unique().all()
    rooms = db.session.scalars(sa.select(Room).where(Room.id.in_(room_ids))).all()
    for room in rooms:
        for user in users:
            if not policy.can_view_room(user, room):
                socketio.emit("access_ended", {"room_id": room.id}, to=user_channel(user.id))
                _manager().on_every_worker("leave", user_channel(user.id), channel(room.id))


@realtime.handles("sessions_ended")
def _sessions_ended(user_id: int) -> None:
    _end_sockets(user_channel(user_id))


@realtime.handles("login_ended")
def _login_ended(login_key: str) -> None:
    _end_sockets(login_channel(login_key))


@realtime.handles("reports_changed")
def _reports_changed() -> None:
    _manager().on_other_workers("reports_stale")


def _end_sockets(to: str) -> None:
    """Tell every socket in `to` its session ended, then disconnect each, on every worker."""
    socketio.emit("session_ended", {}, to=to)
    _manager().on_every_worker("disconnect", to)


def _manager():
    return socketio.server.manager


class _OnEveryWorker:
    """What python-socketio's managers lack: acting on the sockets in a channel on *every*
    worker. Its message queue carries `disconnect`, `enter_room` and `leave_room` only for a
    sid (which another worker's sockets' are, we do not know) and `close_room` for a channel,
    but nothing that disconnects a channel or takes a person out of one room. So these ride
    on the `close_room` message with one key more (`mentorhub`); every worker runs them on its
    own sockets of that channel. A worker without this class would just close the channel."""

    # The Flask app, for what a message asks of this worker outside any request (create_app).
    app = None

    def on_every_worker(self, op: str, to: str, room: str | None = None) -> None:
        self._apply(op, to, room)

    def on_other_workers(self, op: str) -> None:
        """Ask every other worker to do `op` (one worker: there are none)."""

    def _apply(self, op: str, to: str, room: str | None) -> None:
        if op == "reports_stale":
            if self.app is not None:
                from mentorhub.reports import cache

                with self.app.app_context():
                    cache.stale_elsewhere()
            return
        namespace = "/"
        sids = [sid for sid, _eio in self.get_participants(namespace, to)]
        for sid in sids:
            if op == "disconnect":
                self.server.disconnect(sid, namespace=namespace, ignore_queue=True)
            elif op == "leave" and room:
                self.leave_room(sid, namespace, room)
                for present in _present.values():
                    present.pop(sid, None)


class LocalManager(_OnEveryWorker, python_socketio.Manager):
    """One worker (the pilot, the tests): every socket is here."""


class QueueManager(_OnEveryWorker, python_socketio.RedisManager):
    """Several workers sharing a Redis message queue. Each keeps a heartbeat on it while it
    runs, which `/health` compares with the channel's subscriptions (mentorhub/health/)."""

    def __init__(self, url: str, channel: str, heartbeat_seconds: float = 10) -> None:
        super().__init__(url, channel=channel)
        self.heartbeat = workers.Heartbeat(url, channel, self.host_id, heartbeat_seconds)

    def initialize(self):
        super().initialize()  # starts the listener, which subscribes
        self.heartbeat.start(self.server, self._publish)

    def _listen(self):
        for message in super()._listen():
            self.heartbeat.heard()  # this worker hears the channel (its own pings too)
            yield message

    def on_every_worker(self, op: str, to: str, room: str | None = None) -> None:
        message = {
            "method": "close_room",
            "room": to,
            "namespace": "/",
            "mentorhub": {"op": op, "room": room},
            "host_id": self.host_id,
        }
        self._apply(op, to, room)  # this worker
        self._publish(message)  # the others

    def on_other_workers(self, op: str) -> None:
        self._publish(
            {
                "method": "close_room",
                # A worker of an older version closes this channel, which no socket is in.
                "room": "mentorhub-workers",
                "namespace": "/",
                "mentorhub": {"op": op, "room": None},
                "host_id": self.host_id,  # python-socketio skips its own messages
            }
        )

    def _handle_close_room(self, message):
        extra = message.get("mentorhub")
        if isinstance(extra, dict):
            self._apply(extra.get("op"), message.get("room"), extra.get("room"))
        else:
            super()._handle_close_room(message)


class SocketSessions(SecureCookieSessionInterface):
    """Flask's signed-cookie sessions, decoded once per socket instead of once per event.

    Flask-SocketIO runs every event of a socket in a request context over the environ of its
    handshake, and Flask opens the session eagerly for each one: the same cookie checked and
    decoded again for every chat message. The decoded session is kept in that environ and each
    event gets a copy (an event cannot change the session: with `manage_session=False` nothing
    is saved, and a copy keeps one event's changes from the next). An HTTP request has an
    environ of its own and opens its session once, as before. The sign-in itself is checked
    again on every event (`chat.Author`, `policy.still_signed_in`), not trusted from here."""

    _KEY = "mentorhub.session"

    def open_session(self, app, request):
        opened = request.environ.get(self._KEY)
        if opened is None:
            opened = super().open_session(app, request)
            request.environ[self._KEY] = opened
            return opened
        return self.session_class(opened)


_starting = threading.Lock()


def listen_to_queue() -> None:
    """Start this worker's message-queue manager (its listener and heartbeat) now, if it has
    not started: python-socketio starts it at the first socket, so a worker that has served
    only HTTP so far would be neither subscribed nor counted. The two lines python-socketio
    runs itself at that first socket (`Server._handle_eio_connect`), under a lock."""
    server = socketio.server
    if server is None or server.manager_initialized or not isinstance(server.manager, QueueManager):
        return
    with _starting:
        if not server.manager_initialized:
            server.manager_initialized = True
            server.manager.initialize()


def client_manager(config: dict):
    """The Socket.IO client manager `create_app` gives the server."""
    url = config.get("REDIS_URL")
    if url:
        return QueueManager(
            url,
            channel=config.get("SOCKETIO_CHANNEL") or "flask-socketio",
            heartbeat_seconds=config.get("HEARTBEAT_SECONDS", 10),
        )
    return LocalManager()


def _message(data: dict):
    from mentorhub.chat.models import Message

    message_id = _id(data.get("message_id"))
    message = db.session.get(Message, message_id) if message_id is not None else None
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
