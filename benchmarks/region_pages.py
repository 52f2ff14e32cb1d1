"""Pages under load on a region: the staff pages people open most, on PostgreSQL with 10,000
pupils, served by real gunicorn workers (as `make run-scaled` starts them), under 50 simulated
users at once, beside the sign-in page in the same run.

    .venv/bin/python benchmarks/region_pages.py                      # 10,000 pupils, 50 users, 60 s
    .venv/bin/python benchmarks/region_pages.py --pupils 2000 --users 20 --seconds 20 --workers 1

A throwaway PostgreSQL database (on BENCH_POSTGRES_URL, default
postgresql://postgres@127.0.0.1:5432/test, dropped afterwards) is made by the real migrations
and filled by `flask mentorhub seed-scale`'s code, plus one coordinator. The workers are
started with the repository's gunicorn settings (gevent, one WebSocket worker per process).

Each simulated user is a real HTTP client (requests) signed in as a coordinator or as one of the
seeded home teachers (250 pupils each). It opens a page, waits 0.5-1.5 s (reading it), opens the
next, round and round: the sign-in page (anonymous, its own cookie-less client), the nominated
pupils (the coordinator's pupil list), a pupil's progress page and the progress review (the home
teacher's), the matching page and the programme report (the coordinator's). It prints p50 and
p95 per page in milliseconds, from the client's side (network on loopback included), each as a
ratio to the sign-in page's, and how many requests failed. Nothing is asserted: it reports.

    .venv/bin/python benchmarks/region_pages.py --in-process --database \
        postgresql://postgres@127.0.0.1:5432/mh_pages_bench --requests 20

`--in-process` measures the same pages without load or network: Flask's test client in this
process, one request of each page per round (interleaved, so noise hits all pages alike), and
prints per page the median and p95 of the process's CPU time and of the wall time per request,
each as a ratio to the sign-in page's, and the SQL statements one request runs. The garbage
collector is tuned as in the gunicorn workers (frozen after start-up, raised thresholds). It is the
quick before/after figure for a change to one page; the load run is the one the target is in.
`--database URL` uses (and keeps) a database of one's own instead of a throwaway one: seeded
by the first run (migrated by every run), reused by the next, so a change can be measured on
the same data; drop it when done.
"""

from __future__ import annotations

import argparse
import gc
import os
import random
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import defaultdict
from pathlib import Path

import requests
import sqlalchemy as sa

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

import reports as report_bench  # noqa: E402  (the same app, seeding and throwaway database)

from mentorhub.gunicorn_conf import GC_THRESHOLDS  # noqa: E402
from mentorhub.scaled import worker_command  # noqa: E402

SCALE_PASSWORD = "skala-mentorhub"  # mentorhub/demo/scale.py's


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


COORDINATOR = "samordnare@bench.example.se"  # benchmarks/reports.py's


def seed(url: str, pupils: int) -> dict:
    """Migrate, seed the region and a coordinator (unless a kept database has them already);
    who signs in and which pupils they see."""
    with tempfile.TemporaryDirectory() as folder:
        app = report_bench.build_app(url, folder)
        who = seeded(app, pupils)
        from mentorhub.extensions import db

        with app.app_context():
            db.session.remove()
            db.engine.dispose()
    return who


def seeded(app, pupils: int) -> dict:
    """The coordinator and the home teachers with their pupils, seeding first when the
    database has no coordinator yet."""
    from mentorhub.accounts.models import Role, User, UserRole
    from mentorhub.extensions import db
    from mentorhub.pupils.models import StaffLink

    with app.app_context():
        kept = db.session.scalar(sa.select(User.id).where(User.email == COORDINATOR))
        db.session.remove()
    if kept is None:
        report_bench.seed(app, pupils)
    else:
        print("  the kept database is seeded already")
    with app.app_context():
        teachers = db.session.execute(
            sa.select(User.email, User.id)
            .join(UserRole, UserRole.user_id == User.id)
            .where(UserRole.role == Role.HOME_TEACHER.value)
            .order_by(User.id)
        ).all()
        pupils_of = defaultdict(list)
        for staff_id, pupil_id in db.session.execute(
            sa.select(StaffLink.staff_id, StaffLink.pupil_id).where(
                StaffLink.staff_id.in_([t.id for t in teachers])
            )
        ):
            pupils_of[staff_id].append(pupil_id)
        db.session.remove()
    return {
        "coordinator": COORDINATOR,
        "teachers": [(t.email, pupils_of[t.id]) for t in teachers if pupils_of[t.id]],
    }


def in_process(url: str, pupils: int, requests: int) -> None:
    """Each page through Flask's test client in this process: CPU and wall time per request and
    SQL statements per request, beside the sign-in page, interleaved round by round."""
    from mentorhub.extensions import db

    with tempfile.TemporaryDirectory() as folder:
        app = report_bench.build_app(url, folder)
        who = seeded(app, pupils)
        coordinator, anonymous = app.test_client(), app.test_client()
        email, teacher_pupils = who["teachers"][0]
        teacher = app.test_client()
        for client, login, password in (
            (coordinator, who["coordinator"], report_bench.PASSWORD),
            (teacher, email, SCALE_PASSWORD),
        ):
            response = client.post("/login", data={"email": login, "password": password})
            assert response.status_code == 302, f"{login} could not sign in"
        rng = random.Random(1)
        pages = {
            "sign-in page": (anonymous, lambda: "/login"),
            "pupil list (nominations)": (coordinator, lambda: "/nominations/"),
            "matching page": (coordinator, lambda: "/matching/"),
            "programme report": (coordinator, lambda: "/reports/"),
            "progress review": (teacher, lambda: "/progress/review"),
            "pupil page": (teacher, lambda: f"/progress/pupils/{rng.choice(teacher_pupils)}"),
        }
        with app.app_context():
            engine = db.engine
        # The garbage collector as the gunicorn workers have it once the app is loaded
        # (mentorhub/gunicorn_conf.py): with Python's defaults, full collections over the
        # ORM's objects land in a few requests and are most of every page's p95.
        gc.collect()
        gc.freeze()
        gc.set_threshold(*GC_THRESHOLDS)
        statements: dict[str, int] = {}
        for name, (client, path) in pages.items():
            for _ in range(3):  # warm-up: templates compiled, caches filled
                assert client.get(path()).status_code == 200, name
            seen: list[str] = []

            def count(conn, cursor, statement, *rest, seen=seen) -> None:
                seen.append(statement)

            sa.event.listen(engine, "before_cursor_execute", count)
            client.get(path())
            sa.event.remove(engine, "before_cursor_execute", count)
            statements[name] = len(seen)
        cpu: dict[str, list[float]] = defaultdict(list)
        wall: dict[str, list[float]] = defaultdict(list)
        for _ in range(requests):
            for name, (client, path) in pages.items():
                target = path()
                began_cpu, began = time.process_time(), time.perf_counter()
                response = client.get(target)
                cpu[name].append((time.process_time() - began_cpu) * 1000)
                wall[name].append((time.perf_counter() - began) * 1000)
                assert response.status_code == 200, (name, response.status_code)
        cpu_base = statistics.median(cpu["sign-in page"])
        wall_base = statistics.median(wall["sign-in page"])
        print(
            f"  in process, {requests} requests of each page (CPU time and wall time), "
            f"gc thresholds {GC_THRESHOLDS} after a freeze, as in the workers"
        )
        print(
            f"  {'page':<26} {'CPU p50':>9} {'p95':>7} {'× sign-in':>10}"
            f" {'wall p50':>9} {'p95':>7} {'× sign-in':>10} {'SQL':>5}"
        )
        for name in pages:
            c50, c95 = statistics.median(cpu[name]), quantile(cpu[name], 0.95)
            w50, w95 = statistics.median(wall[name]), quantile(wall[name], 0.95)
            print(
                f"  {name:<26} {c50:7.1f}ms {c95:7.1f} {c50 / cpu_base:9.1f}x"
                f" {w50:7.1f}ms {w95:7.1f} {w50 / wall_base:9.1f}x {statements[name]:5d}"
            )
        with app.app_context():
            db.session.remove()
            db.engine.dispose()


def start_workers(url: str, port: int, workers: int, log: Path) -> subprocess.Popen:
    env = {k: v for k, v in os.environ.items() if k not in {"REDIS_URL", "RATELIMIT_STORAGE_URI"}}
    env.update(
        DATABASE_URL=url,
        SECRET_KEY="bench-secret",
        SOCKETIO_ASYNC_MODE="gevent",
        WEB_WORKERS=str(workers),
        LOGIN_RATE_LIMIT="100000 per minute",
        LOGIN_IP_RATE_LIMIT="100000 per minute",
        LOGIN_ACCOUNT_RATE_LIMIT="100000 per minute",
        FLASK_APP="mentorhub.wsgi",
    )
    # The command `make run-scaled` starts each worker with, so the figures are of that setup.
    out = log.open("ab")
    server = subprocess.Popen(worker_command(port), cwd=ROOT, env=env, stdout=out, stderr=out)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if requests.get(f"http://127.0.0.1:{port}/healthz", timeout=2).ok:
                return server
        except requests.RequestException:
            time.sleep(0.3)
    server.kill()
    raise SystemExit(f"the workers did not start:\n{log.read_text()[-2000:]}")


def signed_in(base: str, email: str) -> requests.Session:
    client = requests.Session()
    page = client.get(f"{base}/login", timeout=30).text
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page)
    password = report_bench.PASSWORD if email.startswith("samordnare@") else SCALE_PASSWORD
    response = client.post(
        f"{base}/login",
        data={"email": email, "password": password, "csrf_token": token and token.group(1)},
        allow_redirects=False,
        timeout=30,
    )
    if response.status_code != 302:
        raise SystemExit(f"{email} could not sign in ({response.status_code})")
    return client


def simulate(base: str, who: dict, users: int, seconds: float) -> tuple[dict, int, int]:
    """`users` people at once, each opening its pages with a pause between; latencies by page."""
    times: dict[str, list[float]] = defaultdict(list)
    failures = [0]
    lock = threading.Lock()
    start = threading.Barrier(users)
    stop_at = [0.0]

    def person(n: int) -> None:
        rng = random.Random(n)
        anonymous = requests.Session()
        if n % 2 == 0:
            client = signed_in(base, who["coordinator"])
            pages = [
                ("sign-in page", anonymous, "/login"),
                ("pupil list (nominations)", client, "/nominations/"),
                ("matching page", client, "/matching/"),
                ("programme report", client, "/reports/"),
            ]
        else:
            email, pupils = who["teachers"][n % len(who["teachers"])]
            client = signed_in(base, email)
            pages = [
                ("sign-in page", anonymous, "/login"),
                ("progress review", client, "/progress/review"),
                ("pupil page", client, None),
            ]
        start.wait()
        if n == 0:
            stop_at[0] = time.monotonic() + seconds
        while not stop_at[0]:
            time.sleep(0.01)
        while time.monotonic() < stop_at[0]:
            for name, session, path in pages:
                path = path or f"/progress/pupils/{rng.choice(pupils)}"
                began = time.perf_counter()
                try:
                    response = session.get(base + path, timeout=60, allow_redirects=False)
                    ok = response.status_code == 200
                except requests.RequestException:
                    ok = False
                took = (time.perf_counter() - began) * 1000
                with lock:
                    if ok:
                        times[name].append(took)
                    else:
                        failures[0] += 1
                time.sleep(rng.uniform(0.5, 1.5))
                if time.monotonic() >= stop_at[0]:
                    break

    threads = [threading.Thread(target=person, args=(n,)) for n in range(users)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return times, failures[0], sum(len(v) for v in times.values())


def quantile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * q))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--pupils", type=int, default=10_000)
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--in-process", action="store_true", help="test client, no load")
    parser.add_argument("--requests", type=int, default=20, help="per page, with --in-process")
    parser.add_argument("--database", help="a database URL to seed once and keep")
    args = parser.parse_args()
    if args.database:
        url, drop = args.database, lambda: None
    else:
        base_url = os.environ.get("BENCH_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test")
        url, drop = report_bench.postgres_database(base_url)
    url = url.replace("postgresql://", "postgresql+psycopg://", 1)
    if args.in_process:
        print(f"Pages on {url.split('@')[-1]}, {args.pupils} pupils")
        try:
            in_process(url, args.pupils, args.requests)
        finally:
            drop()
        return
    print(
        f"Pages on PostgreSQL, {args.pupils} pupils, {args.users} users at once for "
        f"{args.seconds:.0f} s, {args.workers} gunicorn worker(s)"
    )
    server = None
    try:
        who = seed(url, args.pupils)
        port = free_port()
        with tempfile.TemporaryDirectory() as folder:
            server = start_workers(url, port, args.workers, Path(folder) / "server.log")
            base = f"http://127.0.0.1:{port}"
            simulate(base, who, min(args.users, 6), 5)  # warm-up: templates, caches, pools
            times, failed, done = simulate(base, who, args.users, args.seconds)
        sign_in = times["sign-in page"]
        p50_base, p95_base = statistics.median(sign_in), quantile(sign_in, 0.95)
        print(f"  {done} requests answered, {failed} failed, {done / args.seconds:.1f}/s")
        for name, values in times.items():
            p50, p95 = statistics.median(values), quantile(values, 0.95)
            print(
                f"  {name:<26} n {len(values):5d}   p50 {p50:7.1f} ms   p95 {p95:7.1f} ms   "
                f"{p50 / p50_base:5.1f}x / {p95 / p95_base:5.1f}x the sign-in page"
            )
    finally:
        if server is not None:
            server.terminate()
            server.wait(10)
        drop()


if __name__ == "__main__":
    main()
