"""Chat load: MentorHub's real server against a bare python-socketio reference, same load.

    .venv/bin/python benchmarks/chat_load.py                  # 50 rooms x 5, levels 0.1:20,0.4:5
    .venv/bin/python benchmarks/chat_load.py --rooms 20 --levels 0.5:15
    .venv/bin/python benchmarks/chat_load.py --reference gevent  # the other reference mode

(a) MentorHub as `make run` serves it: gunicorn, one gevent-websocket worker, SOCKETIO_ASYNC_MODE
    =gevent, on a fresh SQLite file migrated by `flask db upgrade` and seeded with R rooms of
    5 real users (1 mentor, 4 pupils with confirmed matches). Every client logs in over HTTP (CSRF
    token from the form) and connects its socket with the session cookie, joins its room and
    sends through the app's `send` event: access check, rate limit, Markdown rendering and
    sanitising, a per-room seq under the room lock, commit, then the broadcast and the ack.
(b) The reference: a bare python-socketio server in its fastest mode, no database, no auth:
    AsyncServer on aiohttp (TCP_NODELAY on every connection, aiohttp sets it) by default, or
    `--reference gevent`: socketio.Server on gevent's pywsgi with gevent-websocket and a
    TCP_NODELAY listener. Its `send` broadcasts a payload of the same shape to the room
    (in-memory seq) and acks, like the app.

The load is open-loop: every member sends at a steady rate (random phase) for a fixed time, whether
or not acks have come back, at each level in turn (default: 0.1 msg/s per member for 20 s, a busy
chat of 25 messages/s in all that one MentorHub worker keeps up with on this machine, then 0.4 msg/s
for 5 s, a burst past what one worker can store, to show where it tips over and that it still loses
nothing; one MentorHub worker needs about 13 ms of CPU per message, so 50 rooms at 1 msg/s per
member, 250 messages/s, is beyond it). Every message carries its send time (perf_counter_ns) in its
body, and every recipient (the sender included: both servers broadcast to the whole room) records
the latency. One asyncio process (python-socketio AsyncClient on aiohttp) plays every member, so the
load generator shares the 2 cores with the server under test. Only 127.0.0.1 is used; every server
is a child in its own process group, killed at the end, and a watchdog ends the run after 170 s
whatever happens.

Settings that differ from `make run`, and why: LOGIN_IP_RATE_LIMIT is raised (all the logins come
from one address in a few seconds); users get a cheap pbkdf2 hash so seeding and login are quick
(the login is not what is measured). CHAT_RATE_LIMIT stays at the app's default (20 per 10 s per
user) unless a level's rate needs more.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import random
import re
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PASSWORD = "bench-password-123"
MEMBERS = 5  # per room: 1 mentor + 4 pupils
WORKER = "geventwebsocket.gunicorn.workers.GeventWebSocketWorker"
WATCHDOG_SECONDS = 170
_children: list[subprocess.Popen] = []


# --- the reference server (run as a child: `chat_load.py --serve-reference KIND --port P`) ------


def _reference_payload(data: dict, seq: int) -> dict:
    """The shape of MentorHub's `message` broadcast, so both servers move similar bytes."""
    return {
        "id": seq,
        "seq": seq,
        "room_id": data["room_id"],
        "author": {"id": data.get("member", 0), "name": "Reference Member"},
        "html": f"<p>{data['body']}</p>",
        "hidden": False,
        "created_at": "2026-09-01T10:00:00.000000Z",
        "client_id": data["client_id"],
    }


def serve_reference_aiohttp(port: int) -> None:
    import socketio
    from aiohttp import web

    sio = socketio.AsyncServer(async_mode="aiohttp")
    app = web.Application()
    sio.attach(app)
    seqs: dict[int, int] = {}

    @sio.on("join")
    async def join(sid, data):
        await sio.enter_room(sid, f"room-{data['room_id']}")
        return {"ok": True}

    @sio.on("send")
    async def send(sid, data):
        seq = seqs[data["room_id"]] = seqs.get(data["room_id"], 0) + 1
        message = _reference_payload(data, seq)
        await sio.emit("message", message, room=f"room-{data['room_id']}")
        return {"ok": True, "id": seq, "seq": seq, "duplicate": False}

    app.router.add_get("/healthz", lambda request: web.json_response({"status": "ok"}))
    web.run_app(app, host="127.0.0.1", port=port, print=None, access_log=None)


def serve_reference_gevent(port: int) -> None:
    from gevent import monkey

    monkey.patch_all()
    import socketio
    from gevent import pywsgi
    from geventwebsocket.handler import WebSocketHandler

    sio = socketio.Server(async_mode="gevent")
    seqs: dict[int, int] = {}

    @sio.on("join")
    def join(sid, data):
        sio.enter_room(sid, f"room-{data['room_id']}")
        return {"ok": True}

    @sio.on("send")
    def send(sid, data):
        seq = seqs[data["room_id"]] = seqs.get(data["room_id"], 0) + 1
        sio.emit("message", _reference_payload(data, seq), room=f"room-{data['room_id']}")
        return {"ok": True, "id": seq, "seq": seq, "duplicate": False}

    def health(environ, start_response):
        start_response("200 OK", [("Content-Type", "application/json")])
        return [b'{"status": "ok"}']

    app = socketio.WSGIApp(sio, health)
    listener = socket.socket()
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)  # inherited by accepts
    listener.bind(("127.0.0.1", port))
    listener.listen(1024)
    pywsgi.WSGIServer(listener, app, handler_class=WebSocketHandler, log=None).serve_forever()


# --- starting and stopping servers --------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _spawn(command: list[str], env: dict[str, str], log: Path) -> subprocess.Popen:
    with log.open("ab") as out:
        process = subprocess.Popen(
            command, cwd=ROOT, env=env, stdout=out, stderr=out, start_new_session=True
        )
    _children.append(process)
    return process


def _stop(process: subprocess.Popen) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGKILL)
    with contextlib.suppress(subprocess.TimeoutExpired):
        process.wait(timeout=10)


def _stop_all() -> None:
    for process in _children:
        _stop(process)


async def _wait_healthy(url: str, process: subprocess.Popen, log: Path, limit: float = 30) -> None:
    import aiohttp

    deadline = time.monotonic() + limit
    async with aiohttp.ClientSession() as http:
        while time.monotonic() < deadline:
            if process.poll() is not None:
                raise RuntimeError(f"server exited:\n{log.read_text()[-3000:]}")
            try:
                async with http.get(f"{url}/healthz") as response:
                    if response.status == 200:
                        return
            except aiohttp.ClientError:
                pass
            await asyncio.sleep(0.1)
    raise RuntimeError(f"server did not answer in {limit} s:\n{log.read_text()[-3000:]}")


def _cpu_seconds(pid: int) -> float:
    """utime + stime of a process and its children that are still alive (from /proc)."""
    total = 0.0
    pids = [pid]
    try:
        children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
        pids += [int(c) for c in children]
    except OSError:
        pass
    tick = os.sysconf("SC_CLK_TCK")
    for p in pids:
        try:
            fields = Path(f"/proc/{p}/stat").read_text().rsplit(")", 1)[1].split()
            total += (int(fields[11]) + int(fields[12])) / tick
        except (OSError, IndexError, ValueError):
            pass
    return total


# --- MentorHub: database, seed ------------------------------------------------------------------


def _mentorhub_env(database_url: str, rate: float) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in {"REDIS_URL", "RATELIMIT_STORAGE_URI"}}
    per_10s = max(20, int(rate * 10 * 2))  # the app's default unless the chosen rate needs more
    env.update(
        DATABASE_URL=database_url,
        SECRET_KEY="chat-load-benchmark",
        SOCKETIO_ASYNC_MODE="gevent",
        LOGIN_RATE_LIMIT="100000 per minute",
        LOGIN_IP_RATE_LIMIT="100000 per minute",
        CHAT_RATE_LIMIT=f"{per_10s} per 10 seconds",
        FLASK_APP="mentorhub.wsgi",
    )
    return env


def _seed(database_url: str, rooms: int) -> list[tuple[int, list[str]]]:
    """R rooms, each a mentor's group room with 4 pupils matched to them; (room id, emails)."""
    from datetime import date

    import sqlalchemy as sa
    from sqlalchemy.orm import Session
    from werkzeug.security import generate_password_hash

    from mentorhub import models  # noqa: F401  (every model mapped)
    from mentorhub.accounts.models import Role, User, UserRole
    from mentorhub.matching.models import Match
    from mentorhub.programme.models import SubjectArea, Term
    from mentorhub.rooms.models import Room, RoomMember

    engine = sa.create_engine(database_url)
    secret = generate_password_hash(PASSWORD, method="pbkdf2:sha256:1000")
    seeded = []
    with Session(engine) as session:
        area = SubjectArea(name="Matematik och naturvetenskap", description="")
        term = Term(
            name="Höstterminen 2026", starts_on=date(2026, 8, 17), ends_on=date(2027, 1, 15)
        )
        session.add_all([area, term])
        session.flush()
        for r in range(rooms):
            people = [
                User(email=f"mentor{r}@example.se", name=f"Mentor {r}", password_hash=secret)
            ] + [
                User(email=f"pupil{r}-{p}@example.se", name=f"Elev {r}-{p}", password_hash=secret)
                for p in range(MEMBERS - 1)
            ]
            for i, user in enumerate(people):
                user.role_rows = [UserRole(role=(Role.MENTOR if i == 0 else Role.PUPIL).value)]
            session.add_all(people)
            session.flush()
            mentor, *pupils = people
            room = Room(mentor_id=mentor.id, subject_area_id=area.id, kind="group", name=f"R{r}")
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
            seeded.append((room.id, [u.email for u in people]))
        session.commit()
    engine.dispose()
    return seeded


async def _login(url: str, email: str) -> str:
    import aiohttp

    async with aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True)) as http:
        import yarl

        async with http.get(f"{url}/login") as response:
            token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', await response.text())
        if not token:
            raise RuntimeError("no csrf_token in the login form")
        form = {"email": email, "password": PASSWORD, "csrf_token": token.group(1)}
        async with http.post(f"{url}/login", data=form, allow_redirects=False) as response:
            if response.status != 302:
                raise RuntimeError(f"login failed for {email}: {response.status}")
        cookies = http.cookie_jar.filter_cookies(yarl.URL(url))
        return "; ".join(f"{name}={morsel.value}" for name, morsel in cookies.items())


def _check_database(path: Path, sent: set[str], acked: set[str]) -> list[str]:
    """Every acked message stored, nothing stored that was not sent, seq 1..n once per room."""
    with sqlite3.connect(path) as conn:
        rows = conn.execute(
            "SELECT room_id, count(*), min(seq), max(seq), count(DISTINCT seq),"
            " count(DISTINCT client_id) FROM messages GROUP BY room_id"
        ).fetchall()
        stored = {c for (c,) in conn.execute("SELECT client_id FROM messages")}
    seq_ok = all(n == mx == ds == dc and mn == 1 for _r, n, mn, mx, ds, dc in rows)
    notes = [
        f"database: {len(stored)} messages stored, {len(acked)} acked, "
        f"{len(stored - acked)} stored with the ack still queued when the drain ended; "
        f"seq 1..n once per room: {seq_ok}"
    ]
    if acked - stored:
        notes.append(f"FAIL: {len(acked - stored)} acked messages are not stored")
    if stored - sent:
        notes.append(f"FAIL: {len(stored - sent)} stored messages were never sent")
    if not seq_ok:
        notes.append("FAIL: seq numbers are not 1..n once per room")
    return notes


# --- the load -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Level:
    rate: float  # messages/s per member
    duration: float  # seconds of sending


@dataclass
class Result:
    name: str
    level: Level
    sent: int = 0
    acked: int = 0
    refused: int = 0
    unacked: int = 0
    expected: int = 0
    delivered: int = 0
    duplicates: int = 0
    lost: int = 0
    window: float = 0.0
    latencies: list[float] = field(default_factory=list)  # ms, first delivery per recipient
    server_cpu: float = 0.0
    client_cpu: float = 0.0


@dataclass
class _LevelState:
    received: dict[tuple[int, str], int] = field(default_factory=dict)  # (member, client_id)
    latencies: list[float] = field(default_factory=list)
    sent_at: dict[str, int] = field(default_factory=dict)  # client_id -> room
    acks: dict[str, bool] = field(default_factory=dict)
    last_delivery: float = 0.0


class Load:
    """Every member of every room as a python-socketio AsyncClient, and the open-loop senders."""

    def __init__(self, name: str, url: str, server_pid: int) -> None:
        self.name, self.url, self.server_pid = name, url, server_pid
        self.members: list[tuple[int, object]] = []  # (room_id, AsyncClient), index = member
        self.room_size: dict[int, int] = {}
        self.states: list[_LevelState] = []
        self.setup = 0.0
        self.notes: list[str] = []

    def _on_message(self, index: int, message: dict) -> None:
        now = time.perf_counter_ns()
        client_id = message["client_id"]
        state = self.states[int(client_id[1 : client_id.index("-")])]  # "L<level>-m<member>-..."
        key = (index, client_id)
        state.received[key] = state.received.get(key, 0) + 1
        if state.received[key] == 1:
            found = _BODY_TIME.search(message["html"])
            if found:
                state.latencies.append((now - int(found.group(1))) / 1e6)
        state.last_delivery = time.perf_counter()

    async def connect(self, rooms: list[tuple[int, list[str | None]]]) -> None:
        import socketio

        started = time.monotonic()
        gate = asyncio.Semaphore(20)

        async def join(index: int, room_id: int, cookie: str | None):
            sock = socketio.AsyncClient(reconnection=False)

            @sock.on("message")
            async def on_message(message):
                self._on_message(index, message)

            async with gate:
                headers = {"Cookie": cookie} if cookie else {}
                await sock.connect(
                    self.url, headers=headers, transports=["websocket"], wait_timeout=20
                )
                ack = await sock.call("join", {"room_id": room_id, "since_seq": 0}, timeout=20)
            if not ack.get("ok"):
                raise RuntimeError(f"join refused: {ack}")
            return room_id, sock

        self.members = list(
            await asyncio.gather(
                *(
                    join(i * MEMBERS + j, room_id, cookie)
                    for i, (room_id, cookies) in enumerate(rooms)
                    for j, cookie in enumerate(cookies)
                )
            )
        )
        self.room_size = {room_id: len(cookies) for room_id, cookies in rooms}
        self.setup += time.monotonic() - started

    async def run(self, level: Level, drain: float) -> Result:
        """Send open-loop at `level`, then wait (at most `drain` s) for every delivery."""
        import socketio

        number = len(self.states)
        state = _LevelState()
        self.states.append(state)
        start_all = time.perf_counter() + 0.5
        end = start_all + level.duration

        async def sender(index: int, room_id: int, sock) -> None:
            period = 1.0 / level.rate
            start = start_all + random.random() * period
            n = 0
            while start + n * period < end:
                delay = start + n * period - time.perf_counter()
                if delay > 0:
                    await asyncio.sleep(delay)
                client_id = f"L{number}-m{index}-{n:05d}-{random.getrandbits(32):08x}"
                state.sent_at[client_id] = room_id
                body = f"Meddelande {n} T{time.perf_counter_ns()}N"
                n += 1

                def on_ack(ack=None, client_id=client_id):
                    state.acks[client_id] = bool(ack and ack.get("ok"))

                try:
                    await sock.emit(
                        "send",
                        {"room_id": room_id, "client_id": client_id, "body": body, "member": index},
                        callback=on_ack,
                    )
                except socketio.exceptions.SocketIOError as error:
                    self.notes.append(f"member {index}: emit failed: {error!r}")
                    return

        cpu0, client_cpu0 = _cpu_seconds(self.server_pid), time.process_time()
        await asyncio.gather(*(sender(i, r, s) for i, (r, s) in enumerate(self.members)))
        deadline = time.perf_counter() + drain
        while time.perf_counter() < deadline:
            acked = [c for c, ok in state.acks.items() if ok]
            expected = sum(self.room_size[state.sent_at[c]] for c in acked)
            if len(state.acks) == len(state.sent_at) and len(state.received) >= expected:
                break
            await asyncio.sleep(0.05)
        result = Result(self.name, level)
        result.server_cpu = _cpu_seconds(self.server_pid) - cpu0
        result.client_cpu = time.process_time() - client_cpu0
        result.sent = len(state.sent_at)
        result.acked = sum(state.acks.values())
        result.refused = len(state.acks) - result.acked
        result.unacked = result.sent - len(state.acks)
        in_room: dict[int, list[int]] = {}
        for index, (room_id, _sock) in enumerate(self.members):
            in_room.setdefault(room_id, []).append(index)
        expected_keys = {
            (index, client_id)
            for client_id, room_id in state.sent_at.items()
            if state.acks.get(client_id)
            for index in in_room[room_id]
        }
        result.expected = len(expected_keys)
        result.delivered = len(state.received)
        result.duplicates = sum(count - 1 for count in state.received.values())
        result.lost = len(expected_keys - state.received.keys())
        result.window = max(state.last_delivery, end) - start_all
        result.latencies = state.latencies
        return result

    async def close(self) -> None:
        async def close(sock):
            with contextlib.suppress(Exception):
                await asyncio.wait_for(sock.disconnect(), 5)

        await asyncio.gather(*(close(s) for _r, s in self.members))


_BODY_TIME = re.compile(r"T(\d+)N")


async def bench_mentorhub(args, tmp: Path) -> tuple[Load, list[Result]]:
    database = tmp / "mentorhub.sqlite"
    database_url = f"sqlite:///{database}"
    env = _mentorhub_env(database_url, max(level.rate for level in args.levels))
    log = tmp / "mentorhub.log"
    started = time.monotonic()
    subprocess.run(
        [sys.executable, "-m", "flask", "--app", "mentorhub.wsgi", "db", "upgrade"],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
        timeout=60,
    )
    seeded = _seed(database_url, args.rooms)
    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    command = [sys.executable, "-m", "gunicorn", "--worker-class", WORKER, "--workers", "1"]
    command += ["--bind", f"127.0.0.1:{port}", "--no-control-socket", "mentorhub.wsgi:app"]
    server = _spawn(command, env, log)
    load = Load("MentorHub", url, server.pid)
    try:
        await _wait_healthy(url, server, log)
        gate = asyncio.Semaphore(10)

        async def login(email):
            async with gate:
                return await _login(url, email)

        cookies = await asyncio.gather(
            *(login(email) for _room, emails in seeded for email in emails)
        )
        load.setup = time.monotonic() - started
        await load.connect(
            [
                (room_id, cookies[i * MEMBERS : (i + 1) * MEMBERS])
                for i, (room_id, _emails) in enumerate(seeded)
            ]
        )
        results = [await load.run(level, args.drain) for level in args.levels]
        await load.close()
        sent = {c for state in load.states for c in state.sent_at}
        acked = {c for state in load.states for c, ok in state.acks.items() if ok}
        load.notes.extend(_check_database(database, sent, acked))
        return load, results
    finally:
        _stop(server)


async def bench_reference(args, tmp: Path) -> tuple[Load, list[Result]]:
    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    log = tmp / "reference.log"
    started = time.monotonic()
    command = [sys.executable, __file__, "--serve-reference", args.reference, "--port", str(port)]
    server = _spawn(command, dict(os.environ), log)
    load = Load(f"reference ({args.reference})", url, server.pid)
    try:
        await _wait_healthy(url, server, log)
        load.setup = time.monotonic() - started
        await load.connect([(r + 1, [None] * MEMBERS) for r in range(args.rooms)])
        results = [await load.run(level, args.drain) for level in args.levels]
        await load.close()
        return load, results
    finally:
        _stop(server)


# --- report -------------------------------------------------------------------------------------


def _percentile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q / 100 * len(ordered)))]


def _figures(r: Result) -> dict[str, float]:
    return {
        "delivered/s": r.delivered / r.window if r.window else 0.0,
        "p50": _percentile(r.latencies, 50),
        "p95": _percentile(r.latencies, 95),
        "p99": _percentile(r.latencies, 99),
        "max": max(r.latencies, default=float("nan")),
    }


def _cpu_per_message(r: Result) -> float:
    return r.server_cpu * 1000 / r.sent if r.sent else float("nan")


def _bad(load: Load, results: list[Result]) -> bool:
    if load.name != "MentorHub":
        return False
    return any(r.lost or r.duplicates or r.unacked or r.refused for r in results) or any(
        n.startswith("FAIL") for n in load.notes
    )


def report(runs: list[tuple[Load, list[Result]]], args) -> None:
    members = args.rooms * MEMBERS
    print()
    print(
        f"{args.rooms} rooms x {MEMBERS} members ({members} sockets); both servers broadcast to "
        f"the whole room, sender included; load average {os.getloadavg()[0]:.2f} on "
        f"{os.cpu_count()} cores (the load generator shares them)"
    )
    header = (
        f"{'server':<20}{'msg/s/mbr':>10}{'offered':>9}{'sent':>7}{'acked':>7}{'deliv/s':>9}"
        f"{'p50 ms':>9}{'p95 ms':>9}{'p99 ms':>9}{'max ms':>9}{'lost':>6}{'dup':>5}"
        f"{'srv cpu':>9}{'ms/msg':>8}{'cli cpu':>9}"
    )
    print(header)
    print("-" * len(header))
    for load, results in runs:
        for r in results:
            f = _figures(r)
            offered = members * MEMBERS * r.level.rate
            print(
                f"{load.name:<20}{r.level.rate:>10g}{offered:>9.0f}{r.sent:>7}{r.acked:>7}"
                f"{f['delivered/s']:>9.0f}{f['p50']:>9.1f}{f['p95']:>9.1f}{f['p99']:>9.1f}"
                f"{f['max']:>9.1f}{r.lost:>6}{r.duplicates:>5}"
                f"{r.server_cpu / r.window:>8.0%} {_cpu_per_message(r):>8.2f}"
                f"{r.client_cpu / r.window:>8.0%}"
            )
    print(
        "offered and deliv/s count deliveries (one message to one member); srv/cli cpu: share "
        "of one core over the window; ms/msg: server CPU per message sent"
    )
    for load, results in runs:
        print(f"  {load.name}: setup {load.setup:.1f} s (start, logins if any, sockets, joins)")
        for r in results:
            if r.refused or r.unacked:
                print(f"    {r.level.rate:g} msg/s: {r.refused} refused, {r.unacked} unacked")
        for note in load.notes:
            print(f"    {note}")
    if len(runs) == 2:
        print("MentorHub / reference:")
        for app, ref in zip(runs[0][1], runs[1][1], strict=True):
            a, b = _figures(app), _figures(ref)
            cpu = _cpu_per_message(app) / max(_cpu_per_message(ref), 1e-9)
            print(
                f"  {app.level.rate:g} msg/s per member: delivered/s "
                f"{a['delivered/s'] / b['delivered/s']:.2f}   p50 {a['p50'] / b['p50']:.1f}x"
                f"   p95 {a['p95'] / b['p95']:.1f}x   p99 {a['p99'] / b['p99']:.1f}x"
                f"   server CPU per message {cpu:.1f}x"
            )
        app_ms = _cpu_per_message(runs[0][1][0])
        ref_ms = _cpu_per_message(runs[1][1][0])
        print(
            f"  capacity of one core at {app_ms:.1f} vs {ref_ms:.2f} ms per message: about "
            f"{1000 / app_ms:.0f} vs {1000 / ref_ms:.0f} messages/s sent "
            f"({1000 / app_ms * MEMBERS:.0f} vs {1000 / ref_ms * MEMBERS:.0f} deliveries/s)"
        )
    for load, results in runs:
        if _bad(load, results):
            print("FAIL: MentorHub lost, duplicated, refused or left unacknowledged messages")


async def main_async(args) -> list[tuple[Load, list[Result]]]:
    with tempfile.TemporaryDirectory(prefix="chat-load-") as folder:
        tmp = Path(folder)
        runs = []
        if args.only in (None, "mentorhub"):
            runs.append(await bench_mentorhub(args, tmp))
        if args.only in (None, "reference"):
            runs.append(await bench_reference(args, tmp))
        return runs


def _levels(text: str) -> list[Level]:
    levels = []
    for part in text.split(","):
        rate, duration = part.split(":")
        levels.append(Level(float(rate), float(duration)))
    return levels


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rooms", type=int, default=50)
    parser.add_argument(
        "--levels",
        type=_levels,
        default=_levels("0.1:20,0.4:5"),
        help="RATE:SECONDS,... messages/s per member and seconds of sending, one after the other "
        "on the same sockets (default 0.1:20,0.4:5: a busy chat, then a burst past one worker)",
    )
    parser.add_argument("--drain", type=float, default=30.0, help="max wait for deliveries")
    parser.add_argument("--reference", choices=("aiohttp", "gevent"), default="aiohttp")
    parser.add_argument("--only", choices=("mentorhub", "reference"))
    parser.add_argument("--serve-reference", choices=("aiohttp", "gevent"), help=argparse.SUPPRESS)
    parser.add_argument("--port", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve_reference:
        serve = {"aiohttp": serve_reference_aiohttp, "gevent": serve_reference_gevent}
        serve[args.serve_reference](args.port)
        return 0

    def watchdog(*_):
        _stop_all()
        print(f"chat_load: stopped by the {WATCHDOG_SECONDS} s watchdog", file=sys.stderr)
        os._exit(2)

    signal.signal(signal.SIGALRM, watchdog)
    signal.alarm(WATCHDOG_SECONDS)
    try:
        runs = asyncio.run(main_async(args))
    finally:
        _stop_all()
        signal.alarm(0)
    report(runs, args)
    return 1 if any(_bad(load, results) for load, results in runs) else 0


if __name__ == "__main__":
    sys.exit(main())
