"""Where one chat send's time goes, in-process: the demo database, the real event handlers.

    .venv/bin/python benchmarks/chat_send_profile.py                  # SQLite, 300 sends
    .venv/bin/python benchmarks/chat_send_profile.py --db postgres --sends 500 --top 30

A throwaway database (a SQLite file in WAL mode as `make run` has it, or a PostgreSQL database
created on BENCH_POSTGRES_URL and dropped afterwards) is built by the real migrations and filled
with the Swedish demo data. The demo pupil signs in over HTTP (Flask's test client), connects a
Socket.IO test client with that cookie, joins their room and sends N messages of three kinds in
turn (a short sentence, a formula, a short list; `--bodies plain`: the sentence only), each
through the app's `send` event: the same
handler, services, rules and commit as a real socket, without the network.

It prints the wall time per send, the SQL statements one send runs (and which), then cProfile's
heaviest functions by cumulative time. Read the shares, not the absolute times: the machine is
shared. Nothing is asserted.
"""

from __future__ import annotations

import argparse
import cProfile
import os
import pstats
import sys
import tempfile
import time
import uuid
from datetime import date
from pathlib import Path

import sqlalchemy as sa

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

PLAIN = ("Hej! Jag har löst uppgift tre nu, kan du titta på den?",)
MIXED = (
    "Hej! Jag har löst uppgift tre nu, kan du titta på den?",
    "Om $x^2 + 3x - 4 = 0$ så är $x = 1$ eller $x = -4$.",
    "Min plan:\n- läsa kapitel 2\n- göra uppgift 4\n- fråga om bevis",
)


def build_app(url: str, folder: str):
    from flask_migrate import upgrade

    from mentorhub import create_app

    app = create_app(
        {
            "TESTING": False,
            "SECRET_KEY": "bench-secret",
            "SQLALCHEMY_DATABASE_URI": url,
            "WTF_CSRF_ENABLED": False,
            "SOCKETIO_ASYNC_MODE": "threading",
            "MAIL_BACKEND": "outbox",
            "UPLOAD_FOLDER": folder,
            "CHAT_RATE_LIMIT": "100000 per minute",
            "LOGIN_IP_RATE_LIMIT": "10000 per minute",
        }
    )
    with app.app_context():
        upgrade(directory=str(ROOT / "migrations"))
        from mentorhub import demo
        from mentorhub.extensions import db

        demo.load(date.today())
        demo.load_pupils(date.today())
        db.session.commit()
    return app


def pupil_and_room(app) -> tuple[str, int]:
    from mentorhub import demo
    from mentorhub.accounts.models import User
    from mentorhub.extensions import db
    from mentorhub.rooms.models import RoomMember

    with app.app_context():
        pupil = db.session.scalar(sa.select(User).where(User.email == demo.DEMO_PUPIL_EMAIL))
        room_id = db.session.scalar(
            sa.select(RoomMember.room_id).where(
                RoomMember.user_id == pupil.id, RoomMember.removed_at.is_(None)
            )
        )
        return pupil.email, room_id


def run(url: str, sends: int, top: int, bodies: tuple[str, ...], sort: str) -> None:
    from mentorhub import demo
    from mentorhub.extensions import db, socketio

    folder = tempfile.mkdtemp(prefix="mh-profile-")
    app = build_app(url, folder)
    email, room_id = pupil_and_room(app)
    http = app.test_client()
    response = http.post("/login", data={"email": email, "password": demo.DEMO_PASSWORD})
    assert response.status_code == 302, "the demo pupil could not sign in"
    sock = socketio.test_client(app, flask_test_client=http)
    assert sock.emit("join", {"room_id": room_id}, callback=True)["ok"]

    def send(n: int) -> dict:
        body = bodies[n % len(bodies)]
        return sock.emit(
            "send",
            {"room_id": room_id, "client_id": f"p-{n:08}-{uuid.uuid4().hex[:8]}", "body": body},
            callback=True,
        )

    for n in range(30):  # warm: caches, prepared statements, the first page of the pool
        send(n)
    sock.get_received()

    statements: list[str] = []

    def listener(conn, cursor, statement, *args) -> None:
        statements.append(statement)

    with app.app_context():
        engine = db.engine
    sa.event.listen(engine, "before_cursor_execute", listener)
    send(10_000)
    sa.event.remove(engine, "before_cursor_execute", listener)

    profile = cProfile.Profile()
    started = time.perf_counter()
    profile.enable()
    for n in range(sends):
        ack = send(20_000 + n)
        if not ack.get("ok"):
            raise SystemExit(f"send refused: {ack}")
        if n % 50 == 0:
            sock.get_received()
    profile.disable()
    elapsed = time.perf_counter() - started

    print(f"  {sends} sends, {1000 * elapsed / sends:.2f} ms per send (under cProfile)")
    started, cpu = time.perf_counter(), time.process_time()
    for n in range(sends):
        send(50_000 + n)
        if n % 50 == 0:
            sock.get_received()
    plain, cpu = time.perf_counter() - started, time.process_time() - cpu
    print(
        f"  {sends} sends, {1000 * plain / sends:.2f} ms per send (no profiler), "
        f"{1000 * cpu / sends:.2f} ms of this process's CPU"
    )
    print(f"  {len(statements)} SQL statements per send:")
    for statement in statements:
        print("    " + " ".join(statement.split())[:150])
    print()
    pstats.Stats(profile).sort_stats(sort).print_stats(top)
    sock.disconnect()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--db", choices=("sqlite", "postgres"), default="sqlite")
    parser.add_argument("--sends", type=int, default=300)
    parser.add_argument("--top", type=int, default=40)
    parser.add_argument("--bodies", choices=("mixed", "plain"), default="mixed")
    parser.add_argument("--sort", choices=("cumulative", "tottime"), default="cumulative")
    args = parser.parse_args()
    bodies = PLAIN if args.bodies == "plain" else MIXED
    os.environ.setdefault("MENTORHUB_CONFIG", "")
    if args.db == "sqlite":
        folder = tempfile.mkdtemp(prefix="mh-profile-db-")
        run(f"sqlite:///{folder}/profile.db", args.sends, args.top, bodies, args.sort)
        return
    base = os.environ.get("BENCH_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test")
    name = f"bench_profile_{uuid.uuid4().hex[:8]}"
    admin = sa.create_engine(base, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    try:
        run(
            sa.engine.make_url(base).set(database=name).render_as_string(False),
            args.sends,
            args.top,
            bodies,
            args.sort,
        )
    finally:
        with admin.connect() as conn:
            conn.execute(
                sa.text(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = :n"
                ),
                {"n": name},
            )
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}"'))


if __name__ == "__main__":
    main()
