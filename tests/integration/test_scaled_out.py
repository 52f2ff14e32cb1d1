"""MentorHub scaled out, as `make run-scaled` runs it: two real gunicorn workers (gevent) on a
throwaway PostgreSQL database, one real Redis channel of their own between them, and real
nginx in front, configured from the same template (deploy/nginx.conf.j2, rendered by
mentorhub/scaled.py) on a free port.

nginx hashes each request on its route cookie (`mentorhub_route`), so a test chooses the
worker a socket lands on by choosing the cookie: the fixture probes route values through
nginx and reads from nginx's access log which worker served each one.

Started once for this file; every test has a room of its own, so its seq starts at 1."""

from __future__ import annotations

import contextlib
import os
import re
import subprocess
import threading
import time
import uuid
from pathlib import Path

import pytest
import requests
import socketio
import sqlalchemy as sa
from sqlalchemy.orm import Session
from werkzeug.security import generate_password_hash

from mentorhub import scaled
from mentorhub.accounts.models import Role, User, UserRole
from mentorhub.matching.models import Match
from mentorhub.rooms.models import Room, RoomMember
from tests.conftest import _throwaway_postgres
from tests.integration.test_chat_durability import (
    PASSWORD,
    _free_port,
    _kill,
    _migrate,
    _seed,
    _server_env,
    _start,
)
from tests.integration.test_cut_off_across_workers import _signed_in

WAIT = 20  # seconds to wait for what must come; the assertion is on what came
CALL_TIMEOUT = 5
GAP_WAIT = 0.4  # chat.js's GAP_WAIT
SENDERS = 20


# --- the stack ----------------------------------------------------------------------------------


def _postgres_server() -> str:
    """TEST_DATABASE_URL when it names PostgreSQL (make test-postgres), else the machine's on
    127.0.0.1:5432 (with .ci/run's password, which trust authentication ignores)."""
    url = os.environ.get("TEST_DATABASE_URL", "")
    if url.startswith("postgresql"):
        return url
    return "postgresql+psycopg://postgres:postgres@127.0.0.1:5432/postgres"


def _more_pupils(database_url: str, count: int) -> list[str]:
    """`count` more pupils matched to the seeded mentor; their e-mail addresses."""
    engine = sa.create_engine(database_url)
    secret = generate_password_hash(PASSWORD, method="pbkdf2:sha256:1000")
    with Session(engine) as session:
        match = session.scalars(sa.select(Match).limit(1)).one()
        pupils = [
            User(email=f"elev{n:02d}@example.se", name=f"Elev {n:02d}", password_hash=secret)
            for n in range(count)
        ]
        for pupil in pupils:
            pupil.role_rows = [UserRole(role=Role.PUPIL.value)]
        session.add_all(pupils)
        session.flush()
        session.add_all(
            Match(
                term_id=match.term_id,
                pupil_id=pupil.id,
                mentor_id=match.mentor_id,
                subject_area_id=match.subject_area_id,
                slot="tue-3",
                status="confirmed",
            )
            for pupil in pupils
        )
        session.commit()
        emails = [p.email for p in pupils]
    engine.dispose()
    return emails


def _room_with(database_url: str, emails: list[str], name: str) -> int:
    """A new group room of the seeded mentor with these pupils as members."""
    engine = sa.create_engine(database_url)
    with Session(engine) as session:
        match = session.scalars(sa.select(Match).limit(1)).one()
        room = Room(mentor_id=match.mentor_id, subject_area_id=match.subject_area_id)
        room.kind, room.name = "group", name
        session.add(room)
        session.flush()
        ids = session.scalars(sa.select(User.id).where(User.email.in_(emails))).all()
        session.add_all(RoomMember(room_id=room.id, user_id=user_id) for user_id in ids)
        session.commit()
        room_id = room.id
    engine.dispose()
    return room_id


def _stored(database_url: str, room_id: int) -> list[tuple[int, str]]:
    engine = sa.create_engine(database_url)
    with engine.connect() as conn:
        rows = conn.execute(
            sa.text("SELECT seq, client_id FROM messages WHERE room_id = :room ORDER BY seq"),
            {"room": room_id},
        ).all()
    engine.dispose()
    return [tuple(row) for row in rows]


def _upstream_of(access_log: Path, probe: str) -> str:
    """The worker nginx gave the request carrying `probe` (its log line is written once the
    answer is out, so it may trail the answer a little)."""
    deadline = time.monotonic() + WAIT
    while time.monotonic() < deadline:
        for line in access_log.read_text().splitlines():
            if f"probe={probe} " in line:
                return re.search(r"upstream=(\S+)", line).group(1)
        time.sleep(0.05)
    raise AssertionError(f"no access log line for {probe}")


def _socket_lines(access_log: Path, route: str, count: int = 1) -> list[str]:
    """nginx's log lines for the sockets that carried this route cookie, once `count` are
    there (a socket's line is written when it closes)."""
    deadline = time.monotonic() + WAIT
    while True:
        lines = [
            line
            for line in access_log.read_text().splitlines()
            if "/socket.io/" in line and f"route={route}" in line
        ]
        if len(lines) >= count or time.monotonic() > deadline:
            assert len(lines) >= count, f"{len(lines)} socket(s) with route {route} in the log"
            return lines
        time.sleep(0.05)


@pytest.fixture(scope="module")
def stack(tmp_path_factory):
    """PostgreSQL, Redis, workers A and B, and nginx in front of both."""
    try:
        scaled.nginx_binary()
    except scaled.Failed as missing:
        pytest.fail(str(missing))
    tmp_path = tmp_path_factory.mktemp("scaled")
    database_url, drop = _throwaway_postgres(
        "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
    )
    env = _server_env(database_url)
    env.update(
        REDIS_URL="redis://127.0.0.1:6379/0",
        RATELIMIT_STORAGE_URI="memory://",
        SOCKETIO_CHANNEL=f"mentorhub-test-{uuid.uuid4().hex}",
        PROXY_COUNT="1",  # as make run-scaled: nginx in front
    )
    servers: dict[str, subprocess.Popen] = {}
    nginx = None
    try:
        _migrate(env)
        seeded = _seed(database_url)
        pupils = ["alva@example.se", "noah@example.se", *_more_pupils(database_url, SENDERS - 2)]
        ports = {"a": _free_port(), "b": _free_port()}
        for name, port in ports.items():
            servers[name] = _start(port, env, tmp_path / f"worker-{name}.log")
        addresses = {name: f"127.0.0.1:{port}" for name, port in ports.items()}
        prefix, listen = tmp_path / "nginx", f"127.0.0.1:{_free_port()}"
        scaled.render_nginx(prefix, listen, list(addresses.values()))
        base = f"http://{listen}"
        nginx = scaled.start_nginx(prefix, f"{base}/healthz")

        # Route cookie values that nginx sends to A and to B.
        routes: dict[str, list[str]] = {"a": [], "b": []}
        by_address = {address: name for name, address in addresses.items()}
        http = requests.Session()
        for n in range(200):
            if min(len(r) for r in routes.values()) >= SENDERS:
                break
            probe = f"route-{n}"
            http.get(f"{base}/healthz?probe={probe}", cookies={"mentorhub_route": probe})
            routes[by_address[_upstream_of(prefix / "access.log", probe)]].append(probe)
        assert min(len(r) for r in routes.values()) >= SENDERS // 2, routes

        def restart(name: str) -> None:
            _kill(servers[name])
            servers[name] = _start(ports[name], env, tmp_path / f"worker-{name}.log")

        yield {
            "nginx": base,
            "access_log": prefix / "access.log",
            "workers": addresses,
            "servers": servers,
            "restart": restart,
            "routes": routes,
            "database_url": database_url,
            "pupils": pupils,
            **seeded,
        }
    finally:
        if nginx is not None:
            scaled.terminate(nginx)
        for server in servers.values():
            _kill(server)
        drop()


def _session_cookie(base: str, email: str) -> str:
    """Signed in through nginx; the session cookie alone (the route is chosen per socket)."""
    return f"session={_signed_in(base, email).cookies['session']}"


# --- a member's socket, as chat.js keeps it -------------------------------------------------------


class Member:
    """One socket through nginx, landing on the worker its route cookie names. On every
    connect it joins with the last seq it has (`join {room_id, since_seq}`); it keeps what it
    was shown by seq, and every live broadcast in the order it came."""

    def __init__(self, stack: dict, email: str, room_id: int, route: str, **reconnect) -> None:
        self.room_id, self.lock = room_id, threading.Lock()
        self.shown: dict[int, str] = {}  # seq -> client_id, from live broadcasts and joins
        self.live: list[tuple[int, str]] = []  # every broadcast, as it came
        self.acked: dict[str, int] = {}  # client_id -> seq
        self.joins = 0
        self.joined = threading.Event()
        self.gap_timer: threading.Timer | None = None
        cookie = f"{_session_cookie(stack['nginx'], email)}; mentorhub_route={route}"
        self.sock = socketio.Client(
            reconnection=bool(reconnect),
            reconnection_delay=0.2,
            reconnection_delay_max=1,
            randomization_factor=0,
        )
        self.sock.on("connect", self._join)
        self.sock.on("disconnect", lambda *args: self.joined.clear())
        self.sock.on("message", self._message)
        self.sock.connect(
            stack["nginx"], headers={"Cookie": cookie}, transports=["websocket"], wait_timeout=10
        )
        assert self.joined.wait(WAIT), "the first join was not answered"

    @property
    def last_seq(self) -> int:
        """The highest seq up to which nothing is missing."""
        seq = 0
        while seq + 1 in self.shown:
            seq += 1
        return seq

    def _join(self) -> None:
        # In the client's own thread: emit with a callback, never a blocking call.
        with self.lock:
            data = {"room_id": self.room_id, "since_seq": self.last_seq}
        self.sock.emit("join", data, callback=self._joined)

    def _joined(self, ack: dict) -> None:
        assert ack["ok"], ack
        with self.lock:
            for message in ack["messages"]:
                self.shown.setdefault(message["seq"], message["client_id"])
            self.joins += 1
        self.joined.set()

    def _message(self, message: dict) -> None:
        with self.lock:
            self.live.append((message["seq"], message["client_id"]))
            self.shown.setdefault(message["seq"], message["client_id"])
            gap = message["seq"] > self.last_seq + 1
            wait = gap and self.gap_timer is None
            if wait:
                self.gap_timer = threading.Timer(GAP_WAIT, self._fill_gap)
        if wait:
            # as chat.js does: a gap is most often two workers' broadcasts crossing, over in a
            # moment; one left open (a worker died between its commit and its broadcast) is
            # filled by a join since the last seq, which brings it from the database
            self.gap_timer.start()

    def _fill_gap(self) -> None:
        with self.lock:
            self.gap_timer = None
            gap = bool(self.shown) and max(self.shown) > self.last_seq
        if gap:
            self._join()

    def send(self, client_id: str, body: str) -> int:
        """Send until acknowledged, the same client_id every time (as chat.js retries); the seq."""
        deadline = time.monotonic() + WAIT
        data = {"room_id": self.room_id, "client_id": client_id, "body": body}
        while time.monotonic() < deadline:
            if self.joined.wait(deadline - time.monotonic()):
                with contextlib.suppress(socketio.exceptions.SocketIOError):
                    ack = self.sock.call("send", data, timeout=CALL_TIMEOUT)
                    assert ack["ok"], ack
                    self.acked[client_id] = ack["seq"]
                    return ack["seq"]
            time.sleep(0.1)  # the disconnect may not have been noticed yet
        raise AssertionError(f"{client_id} was never acknowledged")

    def wait_for_seq(self, seq: int) -> None:
        """Wait until everything up to `seq` is shown, joining again now and then (chat.js's
        periodic check), since the last message's broadcast may be the one that was lost."""
        deadline = time.monotonic() + WAIT
        next_check = time.monotonic() + 1
        while self.last_seq < seq and time.monotonic() < deadline:
            if time.monotonic() > next_check and self.joined.is_set():
                self._join()
                next_check = time.monotonic() + 1
            time.sleep(0.05)

    def close(self) -> None:
        with self.lock:
            if self.gap_timer is not None:
                self.gap_timer.cancel()
        with contextlib.suppress(Exception):
            self.sock.disconnect()


def _client_id(who: str, n: int) -> str:
    return f"{who}-{n:03d}-{uuid.uuid4().hex[:8]}"


# --- the tests ------------------------------------------------------------------------------------


def test_members_on_two_workers_see_each_others_messages_live_in_seq_order_once(stack):
    room = _room_with(stack["database_url"], ["alva@example.se", "noah@example.se"], "Samtal")
    # given Alva's socket through nginx to worker A, and Noah's through nginx to worker B
    alva = Member(stack, "alva@example.se", room, stack["routes"]["a"][0])
    noah = Member(stack, "noah@example.se", room, stack["routes"]["b"][0])
    try:
        # when they talk, taking turns, each message acknowledged before the next is written
        sent = []
        for n in range(12):
            speaker, who = (alva, "alva") if n % 2 == 0 else (noah, "noah")
            client_id = _client_id(who, n)
            sent.append((speaker.send(client_id, f"{who} säger {n}: $a^2+b^2=c^2$"), client_id))
        # then each of them got every message live, the other worker's too, in seq order, once
        for member in (alva, noah):
            member.wait_for_seq(len(sent))
            assert member.live == sent
        assert sent == [(seq, client_id) for seq, client_id in _stored(stack["database_url"], room)]
        assert [seq for seq, _ in sent] == list(range(1, 13))
    finally:
        alva.close()
        noah.close()
    # and nginx sent each socket where its route said
    for worker in ("a", "b"):
        route = stack["routes"][worker][0]
        sockets = _socket_lines(stack["access_log"], route)
        assert all(f"upstream={stack['workers'][worker]} " in line for line in sockets)


def test_twenty_concurrent_senders_through_two_workers_get_gap_free_seqs_and_no_duplicates(
    stack,
):
    room = _room_with(stack["database_url"], stack["pupils"], "Alla på en gång")
    # given 20 pupils' sockets, half through nginx to worker A and half to worker B
    routes = stack["routes"]["a"][: SENDERS // 2] + stack["routes"]["b"][: SENDERS // 2]
    members = [
        Member(stack, email, room, route)
        for email, route in zip(stack["pupils"], routes, strict=True)
    ]
    per_sender = 10
    start = threading.Barrier(SENDERS)
    failures: list[BaseException] = []

    def talk(n: int, member: Member) -> None:
        try:
            start.wait()
            for k in range(per_sender):
                member.send(_client_id(f"elev{n:02d}", k), f"svar {k} från elev {n}")
        except BaseException as error:  # reported below, not lost in the thread
            failures.append(error)

    try:
        # when they all send at once
        threads = [threading.Thread(target=talk, args=item) for item in enumerate(members)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert not failures, failures
        # then the room holds seq 1..n without a gap, each client_id once, under its acked seq
        stored = _stored(stack["database_url"], room)
        acked = {cid: seq for member in members for cid, seq in member.acked.items()}
        total = SENDERS * per_sender
        assert [seq for seq, _ in stored] == list(range(1, total + 1))
        assert len({cid for _, cid in stored}) == total
        assert dict((cid, seq) for seq, cid in stored) == acked
        # and every member, on either worker, was shown all of them
        for member in members:
            member.wait_for_seq(total)
            assert member.shown == {seq: cid for seq, cid in stored}
    finally:
        for member in members:
            member.close()


def test_a_sigkilled_worker_s_socket_rejoins_through_nginx_on_the_other_and_misses_nothing(
    stack,
):
    room = _room_with(stack["database_url"], ["alva@example.se", "noah@example.se"], "Avbrott")
    route_a = stack["routes"]["a"][1]
    # given Alva's socket through nginx to worker A, reconnecting by itself, and Noah on B
    alva = Member(stack, "alva@example.se", room, route_a, reconnect=True)
    noah = Member(stack, "noah@example.se", room, stack["routes"]["b"][1])
    acked = threading.Event()
    try:

        def alva_writes() -> None:
            for n in range(15):
                alva.send(_client_id("alva", n), f"alva skriver {n}")
                if n == 4:
                    acked.set()

        writer = threading.Thread(target=alva_writes)
        writer.start()
        assert acked.wait(WAIT)
        # when worker A is killed mid-conversation, and Noah writes while she is away
        _kill(stack["servers"]["a"])
        for n in range(3):
            noah.send(_client_id("noah", n), f"noah skriver {n}")
        writer.join()
        # then she re-joined (since her last seq) through nginx on worker B
        assert alva.joins >= 2
        stored = _stored(stack["database_url"], room)
        # and every acknowledged message is stored once, under the seq its ack gave
        assert [seq for seq, _ in stored] == list(range(1, len(stored) + 1))
        assert dict((cid, seq) for seq, cid in stored) == {**alva.acked, **noah.acked}
        assert len(stored) == 18
        # and both of them have every message, shown once by seq
        for member in (alva, noah):
            member.wait_for_seq(len(stored))
            assert member.shown == {seq: cid for seq, cid in stored}
    finally:
        alva.close()
        noah.close()
        stack["restart"]("a")
    # and nginx, finding worker A gone, gave her re-join to worker B
    sockets = _socket_lines(stack["access_log"], route_a, count=2)
    assert stack["workers"]["b"] in sockets[-1]
