"""The chat's hot path in SQL: the statements a send and a pupil's read run, compiled once
per database and run straight on the driver's cursor, in the session's transaction.

Why not `connection.execute(statement)`: on this path SQLAlchemy's execution layer (execution
context, parameter processing, result object) cost more than the database did: about 95 µs a
statement against 38 µs on the bare cursor, measured with `benchmarks/chat_send_profile.py`'s
harness, three statements per message (docs/realtime.md, "What a message costs"). The
statements are still built with SQLAlchemy, the access rule included (`policy.may_post_now`),
and compiled by SQLAlchemy for the dialect in use; only running them skips its layers.
Listeners on `before_cursor_execute` (the query-count tests) still hear each statement.
"""

from __future__ import annotations

import contextlib
import functools
import threading
import time
import weakref
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite

from mentorhub import policy
from mentorhub.accounts.models import User
from mentorhub.chat.models import Message, ReadPosition
from mentorhub.rooms.models import Room, RoomMember


class Prepared:
    """One statement compiled for one dialect, with its parameters' type processing (a
    datetime becomes SQLite's text) decided once."""

    def __init__(self, statement: sa.Executable, dialect: sa.Dialect) -> None:
        compiled = statement.compile(dialect=dialect)
        self.sql = compiled.string
        self._defaults = dict(compiled.params)  # literal values, e.g. the 1 in last_seq + 1
        self._process = {
            name: process
            for name, bind in compiled.binds.items()
            if (process := bind.type.bind_processor(dialect)) is not None
        }
        self._order = compiled.positiontup  # qmark (SQLite): positions; pyformat: None

    def run(self, connection: sa.Connection | DirectConnection, params: dict[str, Any]) -> Any:
        """Execute on `connection`'s driver cursor (its transaction) and return the cursor."""
        values = {**self._defaults, **params}
        for name, process in self._process.items():
            values[name] = process(values[name])
        args = [values[name] for name in self._order] if self._order is not None else values
        cursor = connection.connection.cursor()
        for listener in connection.dispatch.before_cursor_execute:
            listener(connection, cursor, self.sql, args, None, False)
        cursor.execute(self.sql, args)
        return cursor

    def first(
        self, connection: sa.Connection | DirectConnection, params: dict[str, Any]
    ) -> tuple | None:
        cursor = self.run(connection, params)
        try:
            return cursor.fetchone()
        finally:
            cursor.close()

    def rowcount(self, connection: sa.Connection | DirectConnection, params: dict[str, Any]) -> int:
        cursor = self.run(connection, params)
        try:
            return cursor.rowcount
        finally:
            cursor.close()


@dataclass(frozen=True)
class DirectConnection:
    """A driver connection in autocommit, taken outside the session (see `direct`). It has
    what `Prepared.run` uses of a SQLAlchemy connection: the driver connection, and the
    engine's listeners."""

    connection: Any  # the driver's connection
    dispatch: Any
    dialect: sa.Dialect


class _DirectConnections:
    """A worker's driver connections for PostgreSQL's one-statement store, kept in autocommit.

    Why: through the session, each message paid for a session, a pool checkout, the switch to
    autocommit and back and the pool's reset on return, around a single statement that needs
    none of them (a sixth of the send's CPU on PostgreSQL, `benchmarks/chat_send_profile.py`).
    At most as many as the engine's pool holds, so a burst opens at most twice the pool's
    connections; when all are in use the caller goes the session's way. They are opened by
    the dialect (not taken from the pool), recycled like the pool's, closed when the engine is
    disposed, and dropped when the driver says they are broken."""

    def __init__(self, engine: sa.Engine, durable: bool) -> None:
        self.engine = engine
        self.durable = durable
        pool_size = getattr(engine.pool, "size", None)
        self.most = pool_size() if callable(pool_size) else 5
        self.recycle = getattr(engine.pool, "_recycle", -1)
        self.idle: list[tuple[float, Any]] = []
        self.open = 0
        self.lock = threading.Lock()
        sa.event.listen(engine, "engine_disposed", lambda _engine: self.close_all())

    def take(self) -> tuple[float, Any] | None:
        with self.lock:
            while self.idle:
                opened, connection = self.idle.pop()
                if self.recycle < 0 or time.monotonic() - opened < self.recycle:
                    return opened, connection
                self._close(connection)
            if self.open >= self.most:
                return None
            self.open += 1
        try:
            # A new connection, not one from the pool: after a restart the pool's may be as
            # dead as the one just dropped.
            dialect = self.engine.dialect
            cargs, cparams = dialect.create_connect_args(self.engine.url)
            connection = dialect.connect(*cargs, **cparams)
            connection.autocommit = True
            if not self.durable:
                cursor = connection.cursor()
                cursor.execute("SET synchronous_commit TO off")
                cursor.close()
        except Exception:
            with self.lock:
                self.open -= 1
            raise
        return time.monotonic(), connection

    def give_back(self, opened: float, connection: Any) -> None:
        with self.lock:
            if connection.closed or getattr(connection, "broken", False):
                self._close(connection)
            else:
                self.idle.append((opened, connection))

    def _close(self, connection: Any) -> None:
        self.open -= 1
        with contextlib.suppress(Exception):  # already broken: nothing left to close
            connection.close()

    def close_all(self) -> None:
        with self.lock:
            while self.idle:
                self._close(self.idle.pop()[1])


_direct: weakref.WeakKeyDictionary[sa.Engine, dict[bool, _DirectConnections]] = (
    weakref.WeakKeyDictionary()
)
_direct_lock = threading.Lock()


@contextmanager
def direct(engine: sa.Engine, durable: bool = True) -> Iterator[DirectConnection | None]:
    """A driver connection in autocommit for one statement that needs no transaction, or None
    when the worker's are all in use (then use the session).

    `durable=False` for what may be lost if the database itself crashes (a reader's position:
    the page sends it again): PostgreSQL then answers before its log reaches the disk
    (`synchronous_commit = off`), so the statement waits for no fsync; never for a message."""
    with _direct_lock:
        kinds = _direct.setdefault(engine, {})
        kept = kinds.get(durable)
        if kept is None:
            kept = kinds[durable] = _DirectConnections(engine, durable)
    taken = kept.take()
    if taken is None:
        yield None
        return
    opened, connection = taken
    try:
        yield DirectConnection(connection, engine.dispatch, engine.dialect)
    finally:
        kept.give_back(opened, connection)


@dataclass(frozen=True)
class Statements:
    number: Prepared
    number_if_allowed: Prepared
    insert: Prepared
    give_back: Prepared
    read_as_member: Prepared
    read_as_mentor: Prepared
    read_if_member: Prepared
    # PostgreSQL only (None elsewhere): number, insert and read position in one statement
    store: Prepared | None
    store_if_allowed: Prepared | None


def for_connection(connection: sa.Connection | DirectConnection) -> Statements:
    return _compiled(connection.dialect.name, connection.dialect)


@functools.cache
def _compiled(name: str, dialect: sa.Dialect) -> Statements:
    """The statements with bound parameters (`p_*`), for one database dialect."""
    rooms, messages = Room.__table__, Message.__table__
    members, positions = RoomMember.__table__, ReadPosition.__table__
    insert = postgresql.insert if name == "postgresql" else sqlite.insert
    room, user, seq = sa.bindparam("p_room"), sa.bindparam("p_user"), sa.bindparam("p_seq")
    version, login = sa.bindparam("p_version"), sa.bindparam("p_login")
    author_name = sa.select(User.__table__.c.name).where(User.__table__.c.id == user)
    number = (
        sa.update(rooms)
        .where(rooms.c.id == room)
        .values(last_seq=rooms.c.last_seq + 1)
        .returning(
            rooms.c.id,
            rooms.c.last_seq,
            rooms.c.mentor_id,
            rooms.c.name,
            author_name.scalar_subquery().label("author_name"),
        )
    )
    position = insert(positions).values(room_id=room, user_id=user, last_read_seq=seq)
    # a read position never passes the room's last message
    last = sa.select(rooms.c.last_seq).where(rooms.c.id == room).scalar_subquery()
    upto = sa.case((seq < last, seq), else_=last)
    statements = {
        "number": number,
        "number_if_allowed": number.where(policy.may_post_now(user, version, login)),
        "insert": insert(messages)
        .values(
            room_id=room,
            seq=seq,
            author_id=user,
            client_id=sa.bindparam("p_client", type_=sa.String),
            body=sa.bindparam("p_body", type_=sa.Text),
            html=sa.bindparam("p_html", type_=sa.Text),
            created_at=sa.bindparam("p_at", type_=sa.DateTime),
            hidden_reason="",
            image_id=sa.bindparam("p_image", type_=sa.Integer),
        )
        .on_conflict_do_nothing(index_elements=["room_id", "author_id", "client_id"])
        .returning(messages.c.id),
        "give_back": sa.update(rooms)
        .where(rooms.c.id == room)
        .values(last_seq=rooms.c.last_seq - 1),
        "read_as_member": sa.update(members)
        .where(members.c.room_id == room, members.c.user_id == user, members.c.last_read_seq < seq)
        .values(last_read_seq=seq),
        "read_as_mentor": position.on_conflict_do_update(
            index_elements=["room_id", "user_id"],
            set_={"last_read_seq": position.excluded.last_read_seq},
            where=positions.c.last_read_seq < position.excluded.last_read_seq,
        ),
        "read_if_member": sa.update(members)
        .where(
            members.c.room_id == room,
            members.c.last_read_seq < upto,
            policy.reads_as_member_now(user, version, login),
        )
        .values(last_read_seq=upto),
    }
    prepared = {key: Prepared(st, dialect) for key, st in statements.items()}
    if name == "postgresql":
        prepared["store"] = Prepared(_store_in_one(None), dialect)
        prepared["store_if_allowed"] = Prepared(
            _store_in_one(policy.may_post_now(user, version, login)), dialect
        )
    else:
        prepared["store"] = prepared["store_if_allowed"] = None
    return Statements(**prepared)


def _store_in_one(allowed: sa.ColumnElement[bool] | None) -> sa.Select:
    """PostgreSQL's data-modifying CTEs, the whole store in one statement that needs no
    transaction around it (so no BEGIN and COMMIT round trips either):

    1. `locked`: the room's row `FOR UPDATE` where `allowed` (the access rule) holds, with
       its next seq. A second sender waits here for the first one's commit and then reads the
       row as that commit left it (PostgreSQL re-reads a locked row), so numbers never repeat.
    2. `stored`: the message, unless its client_id is stored already (`ON CONFLICT DO
       NOTHING`).
    3. `numbered`: `last_seq` moves to the new seq only if `stored` inserted a row, so a
       retried duplicate uses up no number and nothing has to be given back.
    4. The author's read position (membership row, or the mentor's upsert), likewise only for
       a stored row.

    One row back: (seq, mentor_id, room name, author name, message id or NULL for a
    duplicate), or none when no room matched `allowed`."""
    rooms, messages = Room.__table__, Message.__table__
    members, positions = RoomMember.__table__, ReadPosition.__table__
    room, user = sa.bindparam("p_room"), sa.bindparam("p_user")
    author_name = sa.select(User.__table__.c.name).where(User.__table__.c.id == user)
    locked = (
        sa.select(
            rooms.c.id,
            (rooms.c.last_seq + 1).label("seq"),
            rooms.c.mentor_id,
            rooms.c.name,
            author_name.scalar_subquery().label("author_name"),
        )
        .where(rooms.c.id == room, allowed if allowed is not None else sa.true())
        .with_for_update(of=rooms)
        .cte("locked")
    )
    k = locked.c
    stored = (
        postgresql.insert(messages)
        .from_select(
            [
                "room_id",
                "seq",
                "author_id",
                "client_id",
                "body",
                "html",
                "created_at",
                "hidden_reason",
                "image_id",
            ],
            sa.select(
                k.id,
                k.seq,
                user,
                sa.bindparam("p_client", type_=sa.String),
                sa.bindparam("p_body", type_=sa.Text),
                sa.bindparam("p_html", type_=sa.Text),
                sa.bindparam("p_at", type_=sa.DateTime),
                sa.literal(""),
                sa.bindparam("p_image", type_=sa.Integer),
            ),
        )
        .on_conflict_do_nothing(index_elements=["room_id", "author_id", "client_id"])
        .returning(messages.c.id, messages.c.room_id, messages.c.seq)
        .cte("stored")
    )
    s = stored.c
    numbered = (
        sa.update(rooms).where(rooms.c.id == s.room_id).values(last_seq=s.seq).cte("numbered")
    )
    as_member = (
        sa.update(members)
        .where(
            members.c.room_id == s.room_id,
            members.c.user_id == user,
            members.c.last_read_seq < s.seq,
        )
        .values(last_read_seq=s.seq)
        .cte("read_as_member")
    )
    position = postgresql.insert(positions).from_select(
        ["room_id", "user_id", "last_read_seq"],
        sa.select(s.room_id, user, s.seq).where(sa.exists().where(k.mentor_id == user)),
    )
    as_mentor = position.on_conflict_do_update(
        index_elements=["room_id", "user_id"],
        set_={"last_read_seq": position.excluded.last_read_seq},
        where=positions.c.last_read_seq < position.excluded.last_read_seq,
    ).cte("read_as_mentor")
    return (
        sa.select(k.seq, k.mentor_id, k.name, k.author_name, s.id)
        .select_from(locked.outerjoin(stored, sa.true()))
        .add_cte(numbered, as_member, as_mentor)
    )
