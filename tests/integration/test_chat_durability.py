"""Chat durability against the real server: gunicorn with one gevent WebSocket worker, killed with
SIGKILL in the middle of a stream of messages and started again on the same port.

Three real python-socketio clients (a mentor and two pupils), each logged in over HTTP, send
concurrently and record every acknowledged (client_id, seq). After the kill and restart they
reconnect with the same session cookie, retry what was never acknowledged with the same client_id,
and re-join with since_seq=0. The history must hold every acknowledged message exactly once, under
the seq it was acknowledged with, numbered 1..N without gaps or duplicates.

The server has a throwaway SQLite file of its own (migrated by `flask db upgrade`, seeded here
through the models), whatever TEST_DATABASE_URL says.
"""

from __future__ import annotations

import contextlib
import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time
import uuid
from datetime import date
from pathlib import Path

import requests
import socketio
import sqlalchemy as sa
from sqlalchemy.orm import Session
from werkzeug.security import generate_password_hash

from mentorhub.accounts.models import Role, User, UserRole
from mentorhub.matching.models import Match
from mentorhub.programme.models import SubjectArea, Term
from mentorhub.rooms.models import Room, RoomMember

ROOT = Path(__file__).resolve().parents[2]
PASSWORD = "correct-horse-battery"
KILL_AFTER_ACKS = 30  # acknowledged messages (all clients) before the SIGKILL
CALL_TIMEOUT = 3.0


# --- the server --------------------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _server_env(database_url: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in {"REDIS_URL", "RATELIMIT_STORAGE_URI"}}
    env.update(
        DATABASE_URL=database_url,
        SECRET_KEY="durability-test-secret",  # the same for both runs: sessions survive restart
        SOCKETIO_ASYNC_MODE="gevent",
        # Rate limits are not what this test is about; the stream must not be refused.
        CHAT_RATE_LIMIT="10000 per second",
        LOGIN_RATE_LIMIT="10000 per second",
        LOGIN_IP_RATE_LIMIT="10000 per second",
        FLASK_APP="mentorhub.wsgi",
    )
    return env


def _start(port: int, env: dict[str, str], log: Path) -> subprocess.Popen:
    command = [
        sys.executable,
        "-m",
        "gunicorn",
        "--config",
        str(ROOT / "mentorhub" / "gunicorn_conf.py"),  # as `make run`
        "--workers",
        "1",
        "--bind",
        f"127.0.0.1:{port}",
        "--no-control-socket",
        "--graceful-timeout",
        "1",
        "mentorhub.wsgi:app",
    ]
    with log.open("ab") as out:
        # Its own process group: one killpg reaches the master and its worker together.
        process = subprocess.Popen(
            command, cwd=ROOT, env=env, stdout=out, stderr=out, start_new_session=True
        )
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"server exited at start:\n{log.read_text()[-3000:]}")
        try:
            if requests.get(f"http://127.0.0.1:{port}/healthz", timeout=1).status_code == 200:
                return process
        except requests.RequestException:
            pass
        time.sleep(0.1)
    _kill(process)
    raise AssertionError(f"server did not answer in 20 s:\n{log.read_text()[-3000:]}")


def _migrate(env: dict[str, str]) -> None:
    """The real migrations, as `make run` runs them, on the database `env` names."""
    migrated = subprocess.run(
        [sys.executable, "-m", "flask", "--app", "mentorhub.wsgi", "db", "upgrade"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert migrated.returncode == 0, migrated.stderr[-3000:]


def _kill(process: subprocess.Popen | None) -> None:
    """SIGKILL to the whole group (gunicorn master and worker), then reap the master."""
    if process is None:
        return
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGKILL)
    with contextlib.suppress(subprocess.TimeoutExpired):
        process.wait(timeout=10)


def _seed(database_url: str) -> dict:
    """A mentor, two pupils with confirmed matches, and the mentor's group room with the pupils."""
    engine = sa.create_engine(database_url)
    secret = generate_password_hash(PASSWORD, method="pbkdf2:sha256:1000")
    with Session(engine) as session:
        area = SubjectArea(name="Matematik och naturvetenskap", description="")
        term = Term(
            name="Höstterminen 2026", starts_on=date(2026, 8, 17), ends_on=date(2027, 1, 15)
        )
        people = [
            User(email="mentor@example.se", name="Anna Bergström", password_hash=secret),
            User(email="alva@example.se", name="Alva Lindgren", password_hash=secret),
            User(email="noah@example.se", name="Noah Berg", password_hash=secret),
        ]
        for user, role in zip(people, (Role.MENTOR, Role.PUPIL, Role.PUPIL), strict=True):
            user.role_rows = [UserRole(role=role.value)]
        session.add_all([area, term, *people])
        session.flush()
        mentor, *pupils = people
        room = Room(mentor_id=mentor.id, subject_area_id=area.id, kind="group", name="Talteori")
        session.add(room)
        session.flush()
        for pupil in pupils:
            session.add(
                Match(
                    term_id=term.id,
                    pupil_id=pupil.id,
                    mentor_id=mentor.id,
                    subject_area_id=area.id,
                    slot="tue-3",
                    status="confirmed",
                )
            )
            session.add(RoomMember(room_id=room.id, user_id=pupil.id))
        session.commit()
        seeded = {"room": room.id, "emails": [p.email for p in people]}
    engine.dispose()
    return seeded


# --- the clients -------------------------------------------------------------------------------


def _login(base: str, email: str) -> str:
    """Log in over HTTP as a browser does (CSRF token from the form); return the Cookie header."""
    http = requests.Session()
    form = http.get(f"{base}/login", timeout=5)
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', form.text)
    assert token, "no csrf_token in the login form"
    response = http.post(
        f"{base}/login",
        data={"email": email, "password": PASSWORD, "csrf_token": token.group(1)},
        allow_redirects=False,
        timeout=5,
    )
    assert response.status_code == 302, f"login failed for {email}: {response.status_code}"
    return "; ".join(f"{name}={value}" for name, value in http.cookies.items())


class Member:
    """One person's socket: sends from its own thread, remembers what was acked and what was not."""

    def __init__(self, name: str, cookie: str, room_id: int) -> None:
        self.name, self.cookie, self.room_id = name, cookie, room_id
        self.acked: dict[str, int] = {}  # client_id -> seq
        self.unacked: list[tuple[str, str]] = []  # (client_id, body) sent without an ack
        self.received: list[tuple[int, str]] = []  # (seq, client_id) of broadcasts
        self.errors: list[dict] = []
        self.sock: socketio.Client | None = None
        self.sent = 0

    def connect(self, base: str, since_seq: int | None = None) -> dict:
        sock = socketio.Client(reconnection=False)
        sock.on("message", lambda m: self.received.append((m["seq"], m["client_id"])))
        sock.connect(
            base, headers={"Cookie": self.cookie}, transports=["websocket"], wait_timeout=10
        )
        assert sock.transport() == "websocket"
        self.sock = sock
        data = {"room_id": self.room_id}
        if since_seq is not None:
            data["since_seq"] = since_seq
        ack = sock.call("join", data, timeout=CALL_TIMEOUT)
        assert ack["ok"], ack
        return ack

    def send(self, client_id: str, body: str) -> dict | None:
        """One send; the ack, or None when none came (the server died under it)."""
        try:
            ack = self.sock.call(
                "send",
                {"room_id": self.room_id, "client_id": client_id, "body": body},
                timeout=CALL_TIMEOUT,
            )
        except (socketio.exceptions.TimeoutError, socketio.exceptions.SocketIOError):
            return None
        if not ack.get("ok"):
            self.errors.append(ack)
            return None
        self.acked[client_id] = ack["seq"]
        return ack

    def stream(self, stop: threading.Event, limit: int = 500) -> None:
        """Send until the server dies (or `stop`): the first unacked send ends the stream."""
        for _ in range(limit):
            if stop.is_set():
                return
            client_id = f"{self.name}-{self.sent:04d}-{uuid.uuid4().hex[:8]}"
            body = f"{self.name} nr {self.sent}: är $x^2 \\geq 0$?"
            self.sent += 1
            if self.send(client_id, body) is None:
                self.unacked.append((client_id, body))
                return

    def close(self) -> None:
        if self.sock is not None:
            with contextlib.suppress(Exception):  # already gone with the server
                self.sock.disconnect()


def _total_acked(members: list[Member]) -> int:
    return sum(len(m.acked) for m in members)


# --- the test ----------------------------------------------------------------------------------


def test_acked_messages_survive_a_sigkill_and_retries_are_stored_once(tmp_path):
    database_url = f"sqlite:///{tmp_path / 'chat.sqlite'}"
    env = _server_env(database_url)
    log = tmp_path / "server.log"
    started = time.monotonic()
    _migrate(env)
    seeded = _seed(database_url)
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    server: subprocess.Popen | None = None
    members: list[Member] = []
    stop = threading.Event()  # a safety net only: senders end at their first unacked send
    try:
        server = _start(port, env, log)
        members = [
            Member(name, _login(base, email), seeded["room"])
            for name, email in zip(("mentor", "alva", "noah"), seeded["emails"], strict=True)
        ]
        for member in members:
            member.connect(base)

        # 1. Three concurrent streams; SIGKILL the server while they run.
        threads = [threading.Thread(target=m.stream, args=(stop,), daemon=True) for m in members]
        for thread in threads:
            thread.start()
        deadline = time.monotonic() + 20
        while _total_acked(members) < KILL_AFTER_ACKS and time.monotonic() < deadline:
            time.sleep(0.005)
        assert _total_acked(members) >= KILL_AFTER_ACKS, (
            f"only {_total_acked(members)} acks in 20 s; errors: "
            f"{[m.errors for m in members]}\n{log.read_text()[-3000:]}"
        )
        _kill(server)
        server = None
        killed_at = {m.name: m.sent for m in members}
        # Each sender ends by itself at its first unacked send (the one the kill caught).
        for thread in threads:
            thread.join(timeout=CALL_TIMEOUT + 5)
        stop.set()
        assert not any(t.is_alive() for t in threads), "a sender did not stop after the kill"
        assert all(len(m.unacked) == 1 for m in members), [m.unacked for m in members]
        acked_before = {cid: seq for m in members for cid, seq in m.acked.items()}
        assert all(not m.errors for m in members), [m.errors for m in members]

        # 2. The same port again; the same session cookies; retry the unacked, then a few more.
        for member in members:
            member.close()
        server = _start(port, env, log)
        retried: dict[str, dict] = {}
        for member in members:
            member.connect(base, since_seq=0)
            for client_id, body in member.unacked:
                ack = member.send(client_id, body)
                assert ack is not None, f"retry of {client_id} refused: {member.errors}"
                retried[client_id] = ack
            # A retry of a message that *was* acknowledged: the same seq, nothing new stored.
            old_id, old_seq = next(iter(member.acked.items()))
            again = member.send(old_id, "sent twice")
            assert again["duplicate"] is True and again["seq"] == old_seq
            for n in range(3):
                assert member.send(f"{member.name}-after-{n}-{uuid.uuid4().hex[:8]}", "igen")

        # 3. Re-join from the start: the whole history, once, in order.
        history = members[0].connect(base, since_seq=0)["messages"]
        seqs = [m["seq"] for m in history]
        client_ids = [m["client_id"] for m in history]
        assert seqs == list(range(1, len(history) + 1)), f"gaps or duplicates in seq: {seqs}"
        assert len(set(client_ids)) == len(client_ids), "a client_id stored twice"
        stored = {m["client_id"]: m["seq"] for m in history}
        every_ack = {cid: seq for m in members for cid, seq in m.acked.items()}
        assert acked_before.items() <= stored.items(), "acked before the kill, lost in it"
        assert every_ack.items() <= stored.items(), "an acked message is missing or renumbered"
        assert set(stored) == set(every_ack), "history holds a message no one was acked for"
        # Unacked sends are stored exactly once after their retry (some may have been stored
        # before the kill, their ack lost on the way: the retry then reports a duplicate).
        assert retried and all(cid in stored for cid in retried)
        assert all(stored[cid] == ack["seq"] for cid, ack in retried.items())
        # Every broadcast anyone saw is the stored message under the same seq, seen once.
        for member in members:
            assert len(set(member.received)) == len(member.received), f"{member.name}: dupes"
            assert all(stored.get(cid) == seq for seq, cid in member.received)
        assert sum(killed_at.values()) >= KILL_AFTER_ACKS
        assert time.monotonic() - started < 60, "the durability test took too long"
        print(
            f"\n{len(acked_before)} acked before the kill, {len(retried)} unacked retried "
            f"({sum(a['duplicate'] for a in retried.values())} already stored), "
            f"{len(history)} stored in {time.monotonic() - started:.1f} s"
        )
    finally:
        for member in members:
            member.close()
        _kill(server)
        stop.set()
