"""Report timing: the coordinator's programme report on a region-sized data set, against the
sign-in page, in the same run, on SQLite and on PostgreSQL.

    .venv/bin/python benchmarks/reports.py                    # 10,000 pupils, 20 requests each
    .venv/bin/python benchmarks/reports.py --pupils 2000 --requests 10 --only sqlite

A throwaway database (a SQLite file, and a PostgreSQL database created on the server named by
BENCH_POSTGRES_URL, default postgresql://postgres@127.0.0.1:5432/test, and dropped afterwards)
is made by the real migrations and filled by the same code as `flask mentorhub seed-scale`:
N pupils in schools of 250, a mentor per five, a term of weekly meetings with attendance, ten
messages per pupil, attempts, goals with check-ins and a few concerns.

Then Flask's test client, signed in as a coordinator, requests `/reports/` (every table of the
report for the newest term) twice: once computed afresh ("report, computed": the cache emptied
first, as a change in who is in the programme does, or the end of REPORT_CACHE_SECONDS) and
once as read again within REPORT_CACHE_SECONDS; once after a committed change to who is in the
programme (recounted behind the scenes after the commit: the time the recount took is printed,
and the read comes when it is done, as a coordinator's next click would); then one table as CSV
and the whole school year; and an anonymous client requests `/login`, interleaved round by round.
It prints medians and 95th percentiles in milliseconds, each page's ratio to the sign-in page,
and the number of SQL statements one report request runs (fixed, whatever the number of
pupils). Nothing is asserted: it reports.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
import uuid
from datetime import date
from pathlib import Path

import sqlalchemy as sa

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

PASSWORD = "bench-password-123"


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
            "LOGIN_RATE_LIMIT": "10000 per minute",
            "LOGIN_IP_RATE_LIMIT": "10000 per minute",
            "LOGIN_ACCOUNT_RATE_LIMIT": "10000 per minute",
        }
    )
    with app.app_context():
        upgrade(directory=str(ROOT / "migrations"))
    return app


def seed(app, pupils: int) -> str:
    from mentorhub.accounts.models import Role, User, UserRole
    from mentorhub.demo.scale import seed_scale
    from mentorhub.extensions import db

    with app.app_context():
        started = time.perf_counter()
        scale = seed_scale(pupils, date.today())
        coordinator = User(email="samordnare@bench.example.se", name="Samordnare")
        coordinator.set_password(PASSWORD)
        coordinator.role_rows = [UserRole(role=Role.COORDINATOR.value)]
        db.session.add(coordinator)
        db.session.commit()
        email = coordinator.email
        print(
            f"  seeded {scale.pupils} pupils, {scale.attendances} attendances, "
            f"{scale.messages} messages, {scale.attempts} attempts, {scale.goals} goals "
            f"in {time.perf_counter() - started:.1f} s"
        )
    return email


def timed(client, path: str, cold: bool = False, after_write=None) -> float:
    if cold:
        from mentorhub.reports import cache

        cache.invalidate()  # as after any write to what the report counts
    if after_write is not None:
        after_write()
    started = time.perf_counter()
    response = client.get(path)
    elapsed = (time.perf_counter() - started) * 1000
    assert response.status_code == 200, (path, response.status_code)
    return elapsed


def count_statements(app, client, path: str) -> int:
    from mentorhub.extensions import db

    statements: list[str] = []

    def listener(conn, cursor, statement, *args) -> None:
        statements.append(statement)

    with app.app_context():
        engine = db.engine
    sa.event.listen(engine, "before_cursor_execute", listener)
    try:
        client.get(path)
    finally:
        sa.event.remove(engine, "before_cursor_execute", listener)
    return len(statements)


def run(label: str, url: str, pupils: int, requests: int) -> None:
    print(f"\n{label}: {url.split('@')[-1]}")
    with tempfile.TemporaryDirectory() as folder:
        app = build_app(url, folder)
        email = seed(app, pupils)
        staff = app.test_client()
        response = staff.post("/login", data={"email": email, "password": PASSWORD})
        assert response.status_code == 302, "the coordinator could not sign in"
        anonymous = app.test_client()
        from mentorhub.extensions import db
        from mentorhub.reports.services import period_for, periods

        with app.test_request_context():
            year = next(value for value, _ in periods() if value.startswith("y"))
            assert period_for(year) is not None
        pages = {
            "sign-in page": (anonymous, "/login"),
            "report, computed": (staff, "/reports/"),
            "report after a change": (staff, "/reports/"),
            "report (term)": (staff, "/reports/"),
            "report (school year)": (staff, f"/reports/?period={year}"),
            "one table as CSV": (staff, "/reports/attendance.csv"),
        }
        recounts: list[float] = []

        def change() -> None:
            """A committed write to who is in the programme, as a coordinator's approval makes;
            then the moment the coordinator takes to open the report (until the recount
            behind the scenes is done, timed)."""
            from mentorhub import after_commit
            from mentorhub.nominations.models import Nomination
            from mentorhub.reports import cache

            with app.app_context():
                db.session.execute(
                    sa.update(Nomination)
                    .where(
                        Nomination.id == db.session.scalar(sa.select(sa.func.min(Nomination.id)))
                    )
                    .values(year=Nomination.year)
                )
                started = time.perf_counter()
                after_commit.commit()
            while cache.recounting():
                time.sleep(0.005)
            recounts.append((time.perf_counter() - started) * 1000)

        times: dict[str, list[float]] = {name: [] for name in pages}
        for _ in range(3):  # warm-up
            for client, path in pages.values():
                timed(client, path)
        for _ in range(requests):
            for name, (client, path) in pages.items():
                times[name].append(
                    timed(
                        client,
                        path,
                        cold=name == "report, computed",
                        after_write=change if name == "report after a change" else None,
                    )
                )
        base = statistics.median(times["sign-in page"])
        for name, values in times.items():
            median = statistics.median(values)
            p95 = sorted(values)[max(0, int(len(values) * 0.95) - 1)]
            print(
                f"  {name:<22} median {median:8.1f} ms   p95 {p95:8.1f} ms   "
                f"{median / base:6.1f}x the sign-in page"
            )
        print(
            f"  recount behind the scenes after a change: median "
            f"{statistics.median(recounts):.1f} ms (nobody waits for it)"
        )
        print(f"  statements per report request: {count_statements(app, staff, '/reports/')}")
        with app.app_context():
            db.session.remove()
            db.engine.dispose()


def postgres_database(base: str):
    name = f"mentorhub_bench_{uuid.uuid4().hex[:8]}"
    admin = sa.create_engine(base, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(sa.text(f'CREATE DATABASE "{name}"'))

    def drop() -> None:
        with admin.connect() as connection:
            connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()

    return base.rsplit("/", 1)[0] + f"/{name}", drop


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--pupils", type=int, default=10_000)
    parser.add_argument("--requests", type=int, default=20)
    parser.add_argument("--only", choices=("sqlite", "postgres"))
    args = parser.parse_args()
    print(f"Programme report, {args.pupils} pupils, {args.requests} requests of each page")
    if args.only != "postgres":
        with tempfile.TemporaryDirectory() as folder:
            run("SQLite", f"sqlite:///{folder}/bench.sqlite", args.pupils, args.requests)
    if args.only != "sqlite":
        base = os.environ.get("BENCH_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test")
        try:
            url, drop = postgres_database(base)
        except sa.exc.OperationalError as error:
            print(f"\nPostgreSQL: not reachable ({error.orig}); skipped")
            return
        try:
            run("PostgreSQL", url, args.pupils, args.requests)
        finally:
            drop()


if __name__ == "__main__":
    main()
