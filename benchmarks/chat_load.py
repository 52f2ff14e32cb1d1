"""Chat load (issue 14): MentorHub's real server against two references, same load, one run.

    .venv/bin/python benchmarks/chat_load.py                    # 100 rooms x 5, 0.2 msg/s, 20 s
    .venv/bin/python benchmarks/chat_load.py --rooms 20 --levels 0.2:10,0.5:5
    .venv/bin/python benchmarks/chat_load.py --db both          # MentorHub on SQLite and PostgreSQL
    .venv/bin/python benchmarks/chat_load.py --knee 1000,2000,4000,6000
    .venv/bin/python benchmarks/chat_load.py --servers mentorhub,bare --reference gevent --no-pin
    .venv/bin/python benchmarks/chat_load.py --db postgres --workers 1,2 --rooms 200

The servers (each a child in its own process group, killed at the end; only 127.0.0.1):

(a) "MentorHub": as `make run` serves it: gunicorn, 1 worker of
    geventwebsocket.gunicorn.workers.GeventWebSocketWorker, SOCKETIO_ASYNC_MODE=gevent, and
    `--config mentorhub/gunicorn_conf.py` when that file exists. The database (`--db`) is a fresh
    SQLite file, or a throwaway PostgreSQL database `bench_chat_<random>` created on
    `--postgres-url` (default postgresql+psycopg://postgres@127.0.0.1:5432/postgres, trust auth)
    and dropped at the end; either is migrated by `flask db upgrade` (DATABASE_URL, which
    mentorhub/config.py reads) and seeded with rooms of 5 real users (1 mentor, 4 pupils with
    confirmed matches). Every client is a signed-in user: it logs in over HTTP once (CSRF token
    from the form), connects its socket with the session cookie, joins its room and sends through
    the app's `send` event: access check, rate limit, Markdown rendering and sanitising, a
    per-room seq under the room lock, commit, then the broadcast and the ack. `--db both` runs
    MentorHub twice (SQLite, then PostgreSQL); the references run once.
    `--workers 1,2` (PostgreSQL) runs MentorHub once per number of workers: above 1, as
    `make run-scaled` serves it, that many gunicorn processes of one gevent worker each, the
    Socket.IO channel and the rate limits on Redis (`--redis-url`, a fresh channel per run), and
    nginx in front, rendered from deploy/nginx.conf.j2; the clients connect through nginx, and
    the server's CPU is that of every worker and of nginx. Pinned, all of them share the server
    core: the same CPU as one worker, so the figures show what scaling out costs per message;
    `--no-pin` lets them spread over both cores (shared with the generator).
(b) "flask-ref": a bare Flask-SocketIO app (`flask_reference_app()` below) on the same stack:
    gunicorn, the same worker class, 1 worker, the same config file when present, async_mode
    gevent; no database, no login. `join` joins the room; `send` broadcasts a payload of
    MentorHub's shape (in-memory seq per room) to the room and acks. It shows what the stack
    costs before MentorHub does any work of its own.
(c) "bare": python-socketio alone in its fastest mode: AsyncServer on aiohttp (TCP_NODELAY on
    every connection) by default, or `--reference gevent`: socketio.Server on gevent's pywsgi
    with gevent-websocket. Same `join` and `send`.

Pinning (unless `--no-pin`): every server child runs under `taskset -c 0` (gunicorn's master and
worker both), the load generator pins itself to core 1 with os.sched_setaffinity, so server and
generator do not share a core. PostgreSQL's own processes are not pinned (the benchmark does not
own them) and their CPU is not in the server's: it is printed apart (`pg ms/msg`, from the
backends of the throwaway database, found in pg_stat_activity). RLIMIT_NOFILE is raised to the
hard limit in the generator, and so in every child it starts.

Default mode: `--rooms` (100) rooms x 5 members, open-loop at each `--levels` RATE:SECONDS in
turn (default 0.2:20: every member sends one message every 5 s, random phase, for 20 s: 100
messages/s, 500 deliveries/s), whether or not acks come back, then a drain (at most `--drain` s)
until every ack and delivery is in. Knee mode (`--knee N1,N2,...`, servers MentorHub and flask-ref
unless `--servers` says otherwise): one server per kind for the whole sweep, seeded for the
largest N; at each step it adds connections (in batches of at most `--connect-concurrency` at a
time) until N sockets are open in N/5 rooms (the earlier ones stay connected), then every member
sends one message every `--knee-period` s (30) for `--knee-duration` s (30), so N messages and 5 N
latency samples per step, and prints p99 and the first N where p99 passes `--knee-p99` ms (250).
gunicorn's gevent worker accepts at most `worker_connections` sockets at a time (gunicorn's
default 1000, and `make run` sets none): when N is larger, the benchmark passes
`--worker-connections` (largest N + 100) to both gunicorn servers and says so; a deployment
needs the same setting in mentorhub/gunicorn_conf.py.

Every message carries its send time (perf_counter_ns) in its body; every recipient (the sender
included: every server broadcasts to the whole room) records the latency of its first delivery.
Printed per server and level: messages sent, acked and stored (MentorHub: rows in the database;
references: their in-memory seq, i.e. acked), acked/s and stored/s over the window (first send to
last ack or delivery), send-to-receive p50/p95/p99/max, lost (an acked message a member never got)
and duplicated deliveries, server CPU per message = utime+stime from /proc/<pid>/stat of the
server's master and its worker(s), read before the load and after the drain, over messages acked,
and the CPU share of one core (server, generator) from the start of the load to the end of the
drain (a generator near 100 % means the latencies include its own queueing). Then the ratios
MentorHub / flask-ref and MentorHub / bare. Nothing is asserted, but the exit status is 1 when
MentorHub lost, duplicated, refused or left unacknowledged a message or the database check failed.
A watchdog ends the run (servers killed, PostgreSQL database dropped) after `--watchdog` s
whatever happens (default 300, knee mode 2400).

One asyncio process (python-socketio AsyncClient on aiohttp) plays every member; it freezes its
heap (gc.freeze) before each level so that full collections stay short. On this machine (2
cores, the server keeps core 0) it connects 6000 sockets in seconds and used about a quarter of
its core at 6000 (200 messages/s, 1000 deliveries/s), so one generator process is enough; the
flask-ref p99 at 6000 (about 400 ms in one run) may still include some generator latency.

Settings that differ from `make run`, and why: LOGIN_RATE_LIMIT and LOGIN_IP_RATE_LIMIT are raised
(every login comes from one address in a few seconds); users get a cheap pbkdf2 hash so seeding
and login are quick (the login is not what is measured); `--worker-connections` in knee mode, as
above. CHAT_RATE_LIMIT stays at the app's default (20 per 10 s per user) unless a level's rate
needs more. Rate limits are kept in memory:// as in `make run` (REDIS_URL and RATELIMIT_STORAGE_URI
are dropped from the environment); `--mentorhub-env KEY=VALUE` adds a setting, e.g.
`--mentorhub-env RATELIMIT_STORAGE_URI=redis://127.0.0.1:PORT/0` to keep them in Redis:
limits' MemoryStorage scans every key it holds every 10 ms while hits come in, and the login
limits keep keys per account for an hour, so in memory the CPU per message grows with the number
of users who signed in (8 ms per message at 500 users, 20 ms at 2000, against 5.5 and 6 in Redis).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import gc
import math
import os
import random
import re
import resource
import signal
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
GUNICORN_CONF = ROOT / "mentorhub" / "gunicorn_conf.py"
PASSWORD = "bench-password-123"
MEMBERS = 5  # per room: 1 mentor + 4 pupils
WORKER = "geventwebsocket.gunicorn.workers.GeventWebSocketWorker"
GUNICORN_WORKER_CONNECTIONS = 1000  # gunicorn's default; `make run` sets none
SERVER_CORE, GENERATOR_CORE = 0, 1
_children: list[subprocess.Popen] = []
_cleanups: list = []  # run by the watchdog after the children are killed


def _raise_nofile() -> int:
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if hard != resource.RLIM_INFINITY and soft < hard:
        resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    return resource.getrlimit(resource.RLIMIT_NOFILE)[0]


# --- the reference servers ----------------------------------------------------------------------


def _reference_payload(data: dict, seq: int) -> dict:
    """The shape of MentorHub's `message` broadcast, so every server moves similar bytes."""
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


def flask_reference_app():
    """(b): `gunicorn 'benchmarks.chat_load:flask_reference_app()'` with MentorHub's worker."""
    _raise_nofile()
    from flask import Flask
    from flask_socketio import SocketIO, join_room

    app = Flask("chat_load_flask_reference")
    sio = SocketIO(app, async_mode="gevent")
    seqs: dict[int, int] = {}

    @sio.on("join")
    def join(data):
        join_room(f"room-{data['room_id']}")
        return {"ok": True}

    @sio.on("send")
    def send(data):
        seq = seqs[data["room_id"]] = seqs.get(data["room_id"], 0) + 1
        sio.emit("message", _reference_payload(data, seq), to=f"room-{data['room_id']}")
        return {"ok": True, "id": seq, "seq": seq, "duplicate": False}

    @app.get("/healthz")
    def healthz():
        return {"status": "ok"}

    return app


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
    web.run_app(app, host="127.0.0.1", port=port, print=None, access_log=None, backlog=4096)


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
    listener.listen(4096)
    pywsgi.WSGIServer(listener, app, handler_class=WebSocketHandler, log=None).serve_forever()


# --- starting and stopping servers --------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _spawn(command: list[str], env: dict[str, str], log: Path, pin: bool) -> subprocess.Popen:
    if pin:  # taskset execs the command: the pid stays the server's own
        command = ["taskset", "-c", str(SERVER_CORE), *command]
    with log.open("ab") as out:
        process = subprocess.Popen(
            command, cwd=ROOT, env=env, stdout=out, stderr=out, start_new_session=True
        )
    _children.append(process)
    return process


def _gunicorn(app: str, port: int, worker_connections: int | None) -> list[str]:
    command = [sys.executable, "-m", "gunicorn"]
    if GUNICORN_CONF.exists():
        command += ["--config", str(GUNICORN_CONF.relative_to(ROOT))]
    command += ["--worker-class", WORKER, "--workers", "1", "--bind", f"127.0.0.1:{port}"]
    if worker_connections:
        command += ["--worker-connections", str(worker_connections)]
    return [*command, "--no-control-socket", app]


def _stop(process: subprocess.Popen) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGKILL)
    with contextlib.suppress(subprocess.TimeoutExpired):
        process.wait(timeout=10)


def _stop_all() -> None:
    for process in _children:
        _stop(process)


async def _wait_healthy(url: str, process: subprocess.Popen, log: Path, limit: float = 60) -> None:
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


def _proc_cpu(pid: int) -> float:
    """utime + stime of one process, all its threads (from /proc/<pid>/stat), in seconds."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except (OSError, IndexError, ValueError):
        return 0.0


def _process_tree(pid: int) -> list[int]:
    """The process and its live children (gunicorn: the master and its workers)."""
    pids = [pid]
    with contextlib.suppress(OSError):
        pids += [int(c) for c in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    return pids


# --- the servers under test ---------------------------------------------------------------------


class Target:
    """One server under test: start it, hand out (room id, cookie) per member, stop it."""

    name = ""
    db_kind = ""

    def __init__(self, args, tmp: Path) -> None:
        self.args, self.tmp = args, tmp
        self.process: subprocess.Popen | None = None
        self.processes: list[subprocess.Popen] = []  # every process that serves (workers, nginx)
        self.url = ""
        self.log = tmp / "server.log"
        self.notes: list[str] = []

    async def start(self, members: int) -> None:
        raise NotImplementedError

    async def cookies(self, first: int, last: int) -> list[tuple[int, str | None]]:
        """(room id, cookie or None) for members first..last-1 (member k is in room k // 5)."""
        return [(k // MEMBERS + 1, None) for k in range(first, last)]

    def cpu(self) -> tuple[float, set[int]]:
        pids = [p for process in self.processes for p in _process_tree(process.pid)]
        return sum(_proc_cpu(p) for p in pids), set(pids)

    def db_cpu(self) -> float | None:
        return None

    def stored(self, prefix: str) -> int | None:
        return None

    def check(self, sent: set[str], acked: set[str]) -> list[str]:
        return []

    def stop(self) -> None:
        for process in self.processes:
            _stop(process)

    def cleanup(self) -> None:
        pass

    async def _launch(self, command: list[str], env: dict[str, str], port: int) -> None:
        self.url = f"http://127.0.0.1:{port}"
        self.process = _spawn(command, env, self.log, not self.args.no_pin)
        self.processes.append(self.process)
        await _wait_healthy(self.url, self.process, self.log)
        self._note_cores()

    def _note_cores(self) -> None:
        cores = {}
        for pid in self.cpu()[1]:
            with contextlib.suppress(OSError):
                cores[pid] = ",".join(map(str, sorted(os.sched_getaffinity(pid))))
        self.notes.append(f"server processes and their cores: {cores}")


class BareTarget(Target):
    db_kind = ""

    def __init__(self, args, tmp: Path) -> None:
        super().__init__(args, tmp)
        self.name = f"bare ({args.reference})"
        self.log = tmp / "bare.log"

    async def start(self, members: int) -> None:
        port = _free_port()
        command = [sys.executable, __file__, "--serve-reference", self.args.reference]
        await self._launch([*command, "--port", str(port)], dict(os.environ), port)


class FlaskTarget(Target):
    name = "flask-ref"

    def __init__(self, args, tmp: Path) -> None:
        super().__init__(args, tmp)
        self.log = tmp / "flask-ref.log"

    async def start(self, members: int) -> None:
        port = _free_port()
        app = "benchmarks.chat_load:flask_reference_app()"
        command = _gunicorn(app, port, self.args.worker_connections)
        await self._launch(command, dict(os.environ), port)


class MentorHubTarget(Target):
    def __init__(self, args, tmp: Path, db_kind: str, workers: int = 1) -> None:
        super().__init__(args, tmp)
        self.db_kind = db_kind
        self.workers = workers
        self.name = f"MentorHub ({db_kind})"
        if workers > 1:
            self.name = f"MentorHub ({db_kind}) x{workers}"  # behind nginx, channel on Redis
        self.log = tmp / f"mentorhub-{db_kind}.log"
        self.database_url = ""
        self.members: list[tuple[int, str]] = []  # (room id, email), index = member
        self._engine = None
        self._admin = None
        self._pg_name = ""

    async def start(self, members: int) -> None:
        if self.db_kind == "postgres":
            import sqlalchemy as sa

            self._pg_name = f"bench_chat_{uuid.uuid4().hex[:8]}"
            base = sa.make_url(self.args.postgres_url)
            self._admin = sa.create_engine(base, isolation_level="AUTOCOMMIT")
            with self._admin.connect() as connection:
                connection.execute(sa.text(f'CREATE DATABASE "{self._pg_name}"'))
            _cleanups.append(self.cleanup)  # the watchdog drops it too
            url = base.set(database=self._pg_name)
            self.database_url = url.render_as_string(hide_password=False)
        else:
            self.database_url = f"sqlite:///{self.tmp / 'mentorhub.sqlite'}"
        rate = max(level.rate for level in self.args.levels) if not self.args.knee else 1.0
        env = _mentorhub_env(self.database_url, rate)
        env.update(item.split("=", 1) for item in self.args.mentorhub_env)
        subprocess.run(
            [sys.executable, "-m", "flask", "--app", "mentorhub.wsgi", "db", "upgrade"],
            cwd=ROOT,
            env=env,
            check=True,
            capture_output=True,
            timeout=120,
        )
        rooms = _seed(self.database_url, math.ceil(members / MEMBERS))
        self.members = [(room_id, email) for room_id, emails in rooms for email in emails]
        if self.workers > 1:
            await self._launch_scaled(env)
            return
        port = _free_port()
        command = _gunicorn("mentorhub.wsgi:app", port, self.args.worker_connections)
        await self._launch(command, env, port)

    async def _launch_scaled(self, env: dict[str, str]) -> None:
        """As `make run-scaled` serves it (mentorhub/scaled.py): `workers` gunicorn processes of
        one gevent worker each, on ports of their own, sharing one Socket.IO channel on Redis
        (a fresh channel name per run) and the rate limits kept there, with nginx in front,
        rendered from deploy/nginx.conf.j2 (route-cookie stickiness; these clients use the
        WebSocket transport alone, so each socket is one connection nginx hashes once)."""
        from mentorhub import scaled

        env = dict(env)
        env.update(
            REDIS_URL=self.args.redis_url,
            SOCKETIO_CHANNEL=f"bench-chat-{uuid.uuid4().hex[:8]}",
            PROXY_COUNT="1",
        )
        addresses = []
        for n in range(1, self.workers + 1):
            port = _free_port()
            command = _gunicorn("mentorhub.wsgi:app", port, self.args.worker_connections)
            log = self.tmp / f"worker-{n}.log"
            process = _spawn(command, env, log, not self.args.no_pin)
            self.processes.append(process)
            await _wait_healthy(f"http://127.0.0.1:{port}", process, log)
            addresses.append(f"127.0.0.1:{port}")
        port = _free_port()
        prefix = self.tmp / "nginx"
        conf = scaled.render_nginx(prefix, f"127.0.0.1:{port}", addresses)
        binary, log = scaled.nginx_binary(), prefix / "error.log"
        command = [binary, "-p", str(prefix), "-c", str(conf), "-e", str(log)]
        self.url = f"http://127.0.0.1:{port}"
        self.process = _spawn(command, env, log, not self.args.no_pin)
        self.processes.append(self.process)
        await _wait_healthy(self.url, self.process, log)
        self.notes.append(f"{self.workers} workers behind nginx ({', '.join(addresses)})")
        self._note_cores()

    async def cookies(self, first: int, last: int) -> list[tuple[int, str | None]]:
        gate = asyncio.Semaphore(self.args.login_concurrency)

        async def login(room_id: int, email: str) -> tuple[int, str]:
            async with gate:
                return room_id, await _login(self.url, email)

        return list(await asyncio.gather(*(login(*m) for m in self.members[first:last])))

    def _db(self):
        import sqlalchemy as sa

        if self._engine is None:
            self._engine = sa.create_engine(self.database_url)
        return self._engine

    def stored(self, prefix: str) -> int | None:
        import sqlalchemy as sa

        with self._db().connect() as conn:
            query = sa.text("SELECT count(*) FROM messages WHERE client_id LIKE :p")
            return conn.execute(query, {"p": prefix + "%"}).scalar_one()

    def db_cpu(self) -> float | None:
        """CPU of the PostgreSQL backends serving the throwaway database (None on SQLite)."""
        if self._admin is None:
            return None
        import sqlalchemy as sa

        with self._admin.connect() as conn:
            query = sa.text("SELECT pid FROM pg_stat_activity WHERE datname = :d")
            pids = conn.execute(query, {"d": self._pg_name}).scalars().all()
        return sum(_proc_cpu(p) for p in pids)

    def check(self, sent: set[str], acked: set[str]) -> list[str]:
        """Every acked message stored, nothing stored that was not sent, seq 1..n once per room."""
        import sqlalchemy as sa

        with self._db().connect() as conn:
            rows = conn.execute(
                sa.text(
                    "SELECT room_id, count(*), min(seq), max(seq), count(DISTINCT seq),"
                    " count(DISTINCT client_id) FROM messages GROUP BY room_id"
                )
            ).all()
            stored = set(conn.execute(sa.text("SELECT client_id FROM messages")).scalars())
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

    def cleanup(self) -> None:
        if self._engine is not None:
            self._engine.dispose()
        if self._admin is not None:
            import sqlalchemy as sa

            drop = f'DROP DATABASE IF EXISTS "{self._pg_name}" WITH (FORCE)'
            with self._admin.connect() as connection:
                connection.execute(sa.text(drop))
            self._admin.dispose()
            self._admin = None
            _cleanups.remove(self.cleanup)


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
    import yarl

    async with aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True)) as http:
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


# --- the load -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Level:
    rate: float  # messages/s per member
    duration: float  # seconds of sending


@dataclass
class Result:
    name: str
    level: Level
    members: int = 0  # sockets that sent at this level
    requested: int = 0  # sockets asked for (knee: N)
    sent: int = 0
    acked: int = 0
    stored: int | None = None
    refused: int = 0
    unacked: int = 0
    expected: int = 0
    delivered: int = 0
    duplicates: int = 0
    lost: int = 0
    window: float = 0.0
    latencies: list[float] = field(default_factory=list)  # ms, first delivery per recipient
    server_cpu: float = 0.0
    db_cpu: float | None = None
    client_cpu: float = 0.0
    cpu_wall: float = 0.0  # s between the two CPU readings (the load and the whole drain)
    setup: float = 0.0  # s to log in and connect this level's new sockets (knee steps)
    notes: list[str] = field(default_factory=list)


@dataclass
class _LevelState:
    received: dict[tuple[int, str], int] = field(default_factory=dict)  # (member, client_id)
    latencies: list[float] = field(default_factory=list)
    sent_at: dict[str, int] = field(default_factory=dict)  # client_id -> room
    acks: dict[str, bool] = field(default_factory=dict)
    last_event: float = 0.0


_BODY_TIME = re.compile(r"T(\d+)N")


class Load:
    """Every member as a python-socketio AsyncClient, and the open-loop senders."""

    def __init__(self, target: Target, args) -> None:
        self.target, self.args = target, args
        self.members: list[tuple[int, int, object]] = []  # (member index, room id, AsyncClient)
        self.requested = 0
        self.failed = 0
        self.states: list[_LevelState] = []
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
        state.last_event = time.perf_counter()

    async def grow(self, count: int) -> float:
        """Log in (MentorHub) and connect members until `count` have been asked for."""
        import socketio

        started = time.monotonic()
        first = self.requested
        self.requested = max(count, self.requested)
        people = await self.target.cookies(first, self.requested)
        gate = asyncio.Semaphore(self.args.connect_concurrency)
        errors: list[str] = []

        async def join(index: int, room_id: int, cookie: str | None):
            sock = socketio.AsyncClient(reconnection=False)

            @sock.on("message")
            async def on_message(message):
                self._on_message(index, message)

            try:
                async with gate:
                    headers = {"Cookie": cookie} if cookie else {}
                    await sock.connect(
                        self.target.url, headers=headers, transports=["websocket"], wait_timeout=60
                    )
                    ack = await sock.call("join", {"room_id": room_id, "since_seq": 0}, timeout=60)
                if not ack.get("ok"):
                    raise RuntimeError(f"join refused: {ack}")
            except Exception as error:  # counted and reported: the step runs with the rest
                errors.append(repr(error))
                with contextlib.suppress(Exception):
                    await asyncio.wait_for(sock.disconnect(), 5)
                return None
            return index, room_id, sock

        joined = await asyncio.gather(
            *(join(first + k, room_id, cookie) for k, (room_id, cookie) in enumerate(people))
        )
        self.members += [m for m in joined if m is not None]
        if errors:
            self.failed += len(errors)
            self.notes.append(
                f"{len(errors)} of {len(people)} sockets failed to connect or join "
                f"(first: {errors[0][:200]})"
            )
        return time.monotonic() - started

    async def run(self, level: Level, drain: float) -> Result:
        """Send open-loop at `level`, then wait (at most `drain` s) for every delivery."""
        import socketio

        number = len(self.states)
        state = _LevelState()
        self.states.append(state)
        start_all = time.perf_counter() + 0.5
        end = start_all + level.duration
        emit_errors: list[str] = []

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
                    state.last_event = time.perf_counter()

                try:
                    await sock.emit(
                        "send",
                        {"room_id": room_id, "client_id": client_id, "body": body, "member": index},
                        callback=on_ack,
                    )
                except socketio.exceptions.SocketIOError as error:
                    emit_errors.append(f"member {index}: emit failed: {error!r}")
                    return

        gc.collect()
        gc.freeze()  # thousands of clients: keep the full collections short in the generator
        cpu0, pids0 = self.target.cpu()
        db_cpu0 = self.target.db_cpu()
        client_cpu0, wall0 = time.process_time(), time.perf_counter()
        await asyncio.gather(*(sender(i, r, s) for i, r, s in self.members))
        in_room: dict[int, list[int]] = {}
        for index, room_id, _sock in self.members:
            in_room.setdefault(room_id, []).append(index)
        deadline = time.perf_counter() + drain
        while time.perf_counter() < deadline:
            acked = [c for c, ok in state.acks.items() if ok]
            expected = sum(len(in_room[state.sent_at[c]]) for c in acked)
            if len(state.acks) == len(state.sent_at) and len(state.received) >= expected:
                break
            await asyncio.sleep(0.05)
        result = Result(self.target.name, level, members=len(self.members))
        cpu1, pids1 = self.target.cpu()
        result.server_cpu = cpu1 - cpu0
        if pids1 != pids0:
            result.notes.append(f"server processes changed during the level: {pids0} -> {pids1}")
        if db_cpu0 is not None:
            result.db_cpu = self.target.db_cpu() - db_cpu0
        result.client_cpu = time.process_time() - client_cpu0
        result.cpu_wall = time.perf_counter() - wall0
        result.requested = self.requested
        result.sent = len(state.sent_at)
        result.acked = sum(state.acks.values())
        result.refused = len(state.acks) - result.acked
        result.unacked = result.sent - len(state.acks)
        result.stored = self.target.stored(f"L{number}-")
        if result.stored is None:  # the references keep nothing: their seq is the ack
            result.stored = result.acked
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
        result.window = max(state.last_event, end) - start_all
        result.latencies = state.latencies
        if emit_errors:
            result.notes.append(f"{len(emit_errors)} emits failed (first: {emit_errors[0]})")
        return result

    async def close(self) -> None:
        async def close(sock):
            with contextlib.suppress(Exception):
                await asyncio.wait_for(sock.disconnect(), 5)

        gate = asyncio.Semaphore(200)

        async def gated(sock):
            async with gate:
                await close(sock)

        await asyncio.gather(*(gated(s) for _i, _r, s in self.members))


@dataclass
class Run:
    target: Target
    results: list[Result] = field(default_factory=list)
    setup: float = 0.0
    notes: list[str] = field(default_factory=list)


async def bench(target: Target, args) -> Run:
    run = Run(target)
    started = time.monotonic()
    load = Load(target, args)
    try:
        if args.knee:
            await target.start(max(args.knee))
            run.setup = time.monotonic() - started
            level = Level(1 / args.knee_period, args.knee_duration)
            for n in args.knee:
                grow = await load.grow(n)
                result = await load.run(level, args.drain)
                result.setup = grow
                run.results.append(result)
                print(
                    f"  {target.name} N={n}: {result.members} sockets, p99 "
                    f"{_percentile(result.latencies, 99):.0f} ms (connect {grow:.0f} s)",
                    file=sys.stderr,
                    flush=True,
                )
        else:
            members = args.rooms * MEMBERS
            await target.start(members)
            await load.grow(members)
            run.setup = time.monotonic() - started
            for level in args.levels:
                run.results.append(await load.run(level, args.drain))
        sent = {c for state in load.states for c in state.sent_at}
        acked = {c for state in load.states for c, ok in state.acks.items() if ok}
        run.notes += target.notes + load.notes + target.check(sent, acked)
    finally:
        target.stop()
        await load.close()
        target.cleanup()
    return run


# --- report -------------------------------------------------------------------------------------


def _percentile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q / 100 * len(ordered)))]


def _ms_per_message(cpu: float | None, r: Result) -> float:
    return cpu * 1000 / r.acked if cpu is not None and r.acked else float("nan")


def _bad(run: Run) -> bool:
    if not run.target.name.startswith("MentorHub"):
        return False
    return any(r.lost or r.duplicates or r.unacked or r.refused for r in run.results) or any(
        n.startswith("FAIL") for n in run.notes
    )


def _row(r: Result, first: str) -> str:
    lat = r.latencies
    db = f"{_ms_per_message(r.db_cpu, r):>8.2f}" if r.db_cpu is not None else f"{'-':>8}"
    return (
        f"{first}{r.sent:>7}{r.acked:>7}{r.stored:>7}{r.acked / r.window:>8.1f}"
        f"{r.stored / r.window:>9.1f}{_percentile(lat, 50):>8.1f}{_percentile(lat, 95):>8.1f}"
        f"{_percentile(lat, 99):>8.1f}{max(lat, default=float('nan')):>8.1f}{r.lost:>6}"
        f"{r.duplicates:>5}{_ms_per_message(r.server_cpu, r):>8.2f}{db}"
        f"{r.server_cpu / r.cpu_wall:>7.0%}{r.client_cpu / r.cpu_wall:>7.0%}"
    )


COLUMNS = (
    f"{'sent':>7}{'acked':>7}{'stored':>7}{'acked/s':>8}{'stored/s':>9}{'p50 ms':>8}"
    f"{'p95 ms':>8}{'p99 ms':>8}{'max ms':>8}{'lost':>6}{'dup':>5}{'ms/msg':>8}{'pg ms':>8}"
    f"{'srv':>7}{'gen':>7}"
)
LEGEND = (
    "acked/s, stored/s: messages over the window (first send to last ack or delivery); p50..max: "
    "send to receive, every recipient; lost: acked but never delivered to a member; dup: extra "
    "deliveries; ms/msg: server CPU (gunicorn master + worker, or the bare process) per message "
    "acked; pg ms: PostgreSQL backends' CPU per message acked (not in ms/msg); srv, gen: CPU "
    "share of one core from the start of the load to the end of the drain (server, load generator)"
)


def _setting_lines(args) -> list[str]:
    pinned = (
        f"server on core {SERVER_CORE} (taskset), generator on core {GENERATOR_CORE}"
        if not args.no_pin
        else "not pinned (server and generator share the cores)"
    )
    conf = (
        f"--config {GUNICORN_CONF.relative_to(ROOT)}"
        if GUNICORN_CONF.exists()
        else "no mentorhub/gunicorn_conf.py (gunicorn defaults)"
    )
    wc = (
        f"--worker-connections {args.worker_connections} (make run: gunicorn's default "
        f"{GUNICORN_WORKER_CONNECTIONS}, too few sockets for this run)"
        if args.worker_connections
        else f"worker_connections as configured (gunicorn default {GUNICORN_WORKER_CONNECTIONS})"
    )
    return [
        f"pinning: {pinned}; {os.cpu_count()} cores, load average {os.getloadavg()[0]:.2f}",
        f"gunicorn (MentorHub, flask-ref): 1 worker {WORKER}, {conf}, {wc}",
        f"RLIMIT_NOFILE {resource.getrlimit(resource.RLIMIT_NOFILE)[0]} (generator and servers)",
    ]


def _ratios(runs: list[Run], pick) -> None:
    """MentorHub / flask-ref and MentorHub / bare, level by level (or step by step)."""
    apps = [r for r in runs if r.target.name.startswith("MentorHub")]
    refs = [r for r in runs if not r.target.name.startswith("MentorHub")]
    for app in apps:
        for ref in refs:
            print(f"{app.target.name} / {ref.target.name}:")
            for a, b in zip(app.results, ref.results, strict=False):
                la, lb = a.latencies, b.latencies
                ratio = {
                    q: _percentile(la, q) / max(_percentile(lb, q), 1e-9) for q in (50, 95, 99)
                }
                cpu = _ms_per_message(a.server_cpu, a) / max(_ms_per_message(b.server_cpu, b), 1e-9)
                print(
                    f"  {pick(a)}: acked/s {(a.acked / a.window) / (b.acked / b.window):.2f}   "
                    f"p50 {ratio[50]:.1f}x   p95 {ratio[95]:.1f}x   p99 {ratio[99]:.1f}x   "
                    f"server CPU per message {cpu:.1f}x"
                )


def _notes(runs: list[Run], knee: bool) -> None:
    for run in runs:
        what = "start, migrate, seed" if knee else "start, migrate, seed, logins, sockets, joins"
        print(f"  {run.target.name}: setup {run.setup:.1f} s ({what})")
        for r in run.results:
            label = f"N={r.requested}" if r.requested and r.setup else f"{r.level.rate:g} msg/s"
            if r.refused or r.unacked:
                print(f"    {label}: {r.refused} refused, {r.unacked} unacked")
            if r.members < r.requested:
                print(f"    {label}: only {r.members} of {r.requested} sockets connected")
            for note in r.notes:
                print(f"    {label}: {note}")
        for note in run.notes:
            print(f"    {note}")


def report(runs: list[Run], args) -> None:
    members = args.rooms * MEMBERS
    print()
    print(
        f"{args.rooms} rooms x {MEMBERS} members ({members} sockets); every server broadcasts to "
        "the whole room, sender included"
    )
    for line in _setting_lines(args):
        print(line)
    header = f"{'server':<22}{'msg/s/mbr':>10}{COLUMNS}"
    print(header)
    print("-" * len(header))
    for run in runs:
        for r in run.results:
            print(_row(r, f"{run.target.name:<22}{r.level.rate:>10g}"))
    print(LEGEND)
    _notes(runs, False)
    _ratios(runs, lambda r: f"{r.level.rate:g} msg/s per member")
    for run in runs:
        cpu = [_ms_per_message(r.server_cpu, r) for r in run.results]
        if cpu and not math.isnan(cpu[0]):
            print(
                f"  {run.target.name}: {cpu[0]:.2f} ms of server CPU per message: one core "
                f"stores/acks about {1000 / cpu[0]:.0f} messages/s"
            )
    for run in runs:
        if _bad(run):
            print(f"FAIL: {run.target.name} lost, duplicated, refused or left unacked messages")


def report_knee(runs: list[Run], args) -> None:
    print()
    print(
        f"knee: N sockets in N/5 rooms, 1 message per member every {args.knee_period:g} s for "
        f"{args.knee_duration:g} s per step (N messages, 5 N latency samples), then a drain of at "
        f"most {args.drain:g} s; threshold p99 > {args.knee_p99:g} ms"
    )
    for line in _setting_lines(args):
        print(line)
    header = f"{'server':<22}{'N':>6}{'conn':>6}{'new s':>6}{COLUMNS}"
    print(header)
    print("-" * len(header))
    for run in runs:
        for r in run.results:
            first = f"{run.target.name:<22}{r.requested:>6}{r.members:>6}{r.setup:>6.0f}"
            print(_row(r, first))
    print(f"{LEGEND}; conn: sockets connected; new s: seconds to log in and connect new ones")
    _notes(runs, True)
    _ratios(runs, lambda r: f"N={r.requested}")
    for run in runs:
        over = [r for r in run.results if _percentile(r.latencies, 99) > args.knee_p99]
        if over:
            r = over[0]
            print(
                f"{run.target.name}: p99 first passes {args.knee_p99:g} ms at N={r.requested} "
                f"(p99 {_percentile(r.latencies, 99):.0f} ms)"
            )
        else:
            print(
                f"{run.target.name}: p99 stays under {args.knee_p99:g} ms up to N={max(args.knee)}"
            )
        busy = [r.requested for r in run.results if r.client_cpu / r.cpu_wall > 0.9]
        if busy:
            print(
                f"  the load generator was saturated (> 90 % of its core) at N={busy}: those "
                "latencies include its own queueing"
            )
    for run in runs:
        if _bad(run):
            print(f"FAIL: {run.target.name} lost, duplicated, refused or left unacked messages")


# --- main ---------------------------------------------------------------------------------------


def _targets(args, tmp: Path) -> list[Target]:
    targets: list[Target] = []
    for name in args.servers:
        if name == "mentorhub":
            kinds = ("sqlite", "postgres") if args.db == "both" else (args.db,)
            for kind in kinds:
                # Several workers share one database: PostgreSQL only, as in run-scaled.
                for workers in args.workers if kind == "postgres" else [1]:
                    folder = tmp / f"mentorhub-{kind}-{workers}"
                    folder.mkdir()
                    targets.append(MentorHubTarget(args, folder, kind, workers))
        elif name == "flask":
            targets.append(FlaskTarget(args, tmp))
        else:
            targets.append(BareTarget(args, tmp))
    return targets


async def main_async(args) -> list[Run]:
    with tempfile.TemporaryDirectory(prefix="chat-load-") as folder:
        runs = []
        for target in _targets(args, Path(folder)):
            print(f"chat_load: {target.name} ...", file=sys.stderr, flush=True)
            runs.append(await bench(target, args))
        return runs


def _levels(text: str) -> list[Level]:
    levels = []
    for part in text.split(","):
        rate, duration = part.split(":")
        levels.append(Level(float(rate), float(duration)))
    return levels


def _ints(text: str) -> list[int]:
    return [int(part) for part in text.split(",")]


def _servers(text: str) -> list[str]:
    names = text.split(",")
    for name in names:
        if name not in ("mentorhub", "flask", "bare"):
            raise argparse.ArgumentTypeError(f"unknown server {name!r} (mentorhub, flask, bare)")
    return names


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rooms", type=int, default=100)
    parser.add_argument(
        "--levels",
        type=_levels,
        default=_levels("0.2:20"),
        help="RATE:SECONDS,... messages/s per member and seconds of sending, one after the other "
        "on the same sockets (default 0.2:20: one message per member every 5 s for 20 s)",
    )
    parser.add_argument("--drain", type=float, help="max wait for deliveries (30 s; knee 60 s)")
    parser.add_argument(
        "--servers",
        type=_servers,
        help="comma-separated from mentorhub,flask,bare (default all; knee: mentorhub,flask)",
    )
    parser.add_argument("--reference", choices=("aiohttp", "gevent"), default="aiohttp")
    parser.add_argument("--db", choices=("sqlite", "postgres", "both"), default="sqlite")
    parser.add_argument(
        "--postgres-url", default="postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
    )
    parser.add_argument("--no-pin", action="store_true", help="no taskset / sched_setaffinity")
    parser.add_argument(
        "--workers",
        type=_ints,
        default=[1],
        help="N1,N2,...: MentorHub on PostgreSQL with each number of workers in turn; above 1, "
        "behind nginx with the Socket.IO channel on Redis (mentorhub/scaled.py's shape)",
    )
    parser.add_argument("--redis-url", default="redis://127.0.0.1:6379/0")
    parser.add_argument("--knee", type=_ints, help="N1,N2,...: connections per step")
    parser.add_argument("--knee-period", type=float, default=30.0, help="s between a member's")
    parser.add_argument("--knee-duration", type=float, default=30.0, help="s of sending per step")
    parser.add_argument("--knee-p99", type=float, default=250.0, help="ms")
    parser.add_argument("--connect-concurrency", type=int, default=50)
    parser.add_argument("--login-concurrency", type=int, default=20)
    parser.add_argument(
        "--worker-connections",
        type=int,
        help="gunicorn --worker-connections (default: not passed, unless the run needs more "
        f"sockets than gunicorn's {GUNICORN_WORKER_CONNECTIONS})",
    )
    parser.add_argument(
        "--mentorhub-env",
        action="append",
        default=[],
        metavar="KEY=VALUE",
        help="an extra setting for MentorHub's server (repeatable), e.g. RATELIMIT_STORAGE_URI",
    )
    parser.add_argument("--watchdog", type=float, help="s before the run ends (300; knee 2400)")
    parser.add_argument("--serve-reference", choices=("aiohttp", "gevent"), help=argparse.SUPPRESS)
    parser.add_argument("--port", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    _raise_nofile()
    if args.serve_reference:
        serve = {"aiohttp": serve_reference_aiohttp, "gevent": serve_reference_gevent}
        serve[args.serve_reference](args.port)
        return 0
    knee = bool(args.knee)
    args.drain = args.drain if args.drain is not None else (60.0 if knee else 30.0)
    args.watchdog = args.watchdog or (2400.0 if knee else 300.0)
    args.servers = args.servers or ["mentorhub", "flask", *([] if knee else ["bare"])]
    most = max(args.knee) if knee else args.rooms * MEMBERS
    if args.worker_connections is None and most + 50 > GUNICORN_WORKER_CONNECTIONS:
        args.worker_connections = most + 100
    if not args.no_pin:
        os.sched_setaffinity(0, {GENERATOR_CORE})

    def watchdog(*_):
        _stop_all()
        for cleanup in list(_cleanups):
            with contextlib.suppress(Exception):
                cleanup()
        print(f"chat_load: stopped by the {args.watchdog:g} s watchdog", file=sys.stderr)
        os._exit(2)

    signal.signal(signal.SIGALRM, watchdog)
    signal.alarm(int(args.watchdog))
    try:
        runs = asyncio.run(main_async(args))
    finally:
        _stop_all()
        signal.alarm(0)
    (report_knee if knee else report)(runs, args)
    return 1 if any(_bad(run) for run in runs) else 0


if __name__ == "__main__":
    sys.exit(main())
