"""`make run-scaled` (`python -m mentorhub.scaled`): MentorHub scaled out on one machine, on
loopback, the way it runs on several (docs/operations.md, "Scaled out").

It starts, in this order, and stops in the reverse order on Ctrl+C or SIGTERM:
1. PostgreSQL: the machine's at 127.0.0.1:5432 if it answers (database `mentorhub_scaled`,
   created if missing), else a cluster of its own under instance/postgres/ (Debian's initdb
   and pg_ctl) on a free port. `OWN_POSTGRES=1` takes the own cluster even when 5432 answers.
2. Redis: the machine's at 127.0.0.1:6379 if it answers, else `redis-server` on a free port
   with its directory under instance/redis/. `OWN_REDIS=1` likewise.
3. The migrations (`flask db upgrade`) and the Swedish demo data (`flask mentorhub
   seed-demo`, safe to run again, as `make run` does), once, before any worker starts.
4. WORKERS (default 2) gunicorn processes, each `gunicorn -c mentorhub/gunicorn_conf.py` with
   one gevent worker on a loopback port of its own, sharing the database, Redis, a secret key
   generated once into instance/scaled_secret_key, and one Socket.IO channel.
5. The job worker, if this version has one (`flask mentorhub jobs-worker`).
6. nginx on 127.0.0.1:PORT (default 8080), its configuration rendered from
   deploy/nginx.conf.j2 into instance/nginx/, where its pid, logs and temporary files live
   too. The workers are told to trust one proxy's X-Forwarded-For (PROXY_COUNT=1).

Every process runs in a session of its own, so a Ctrl+C reaches only this launcher, which then
stops them in order; if one of them exits by itself, the launcher stops the rest and says so.
Nothing here imports the app: it only starts processes.
"""

from __future__ import annotations

import contextlib
import os
import pwd
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable
from pathlib import Path

import jinja2

from mentorhub.config import max_content_length

ROOT = Path(__file__).resolve().parent.parent
INSTANCE = ROOT / "instance"
TEMPLATE = ROOT / "deploy" / "nginx.conf.j2"
PG_BIN = Path("/usr/lib/postgresql/15/bin")
DATABASE = "mentorhub_scaled"
CHANNEL = "mentorhub-scaled"


class Stop(Exception):
    """Raised in the main thread by SIGINT or SIGTERM: unwind and stop everything."""


class Failed(Exception):
    """Something did not start, or stopped by itself."""


# --- small helpers ------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def answers(port: int, host: str = "127.0.0.1") -> bool:
    """Whether something accepts TCP connections there."""
    with socket.socket() as sock:
        sock.settimeout(1)
        return sock.connect_ex((host, port)) == 0


def wait_for_http(url: str, process: subprocess.Popen, log: Path, seconds: float = 30) -> None:
    """Until `url` answers 200, or fail with the end of the process's log."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise Failed(f"{process.args[0]} exited at start:\n{_tail(log)}")
        with contextlib.suppress(OSError), urllib.request.urlopen(url, timeout=2) as response:
            if response.status == 200:
                return
        time.sleep(0.2)
    raise Failed(f"{url} did not answer in {seconds:.0f} s:\n{_tail(log)}")


def _tail(log: Path) -> str:
    return log.read_text(errors="replace")[-3000:] if log.exists() else "(no log)"


def spawn(command: list[str], log: Path, env: dict[str, str] | None = None) -> subprocess.Popen:
    """A process in a session of its own (a terminal's Ctrl+C does not reach it), output to log."""
    log.parent.mkdir(parents=True, exist_ok=True)
    with log.open("ab") as out:
        return subprocess.Popen(
            command, cwd=ROOT, env=env, stdout=out, stderr=out, start_new_session=True
        )


def terminate(process: subprocess.Popen, sig: int = signal.SIGTERM, seconds: float = 15) -> None:
    """`sig` to the process's group, SIGKILL if it is not gone in `seconds`, then reap it."""
    if process.poll() is not None:
        return
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, sig)
    try:
        process.wait(timeout=seconds)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=10)


def flask(env: dict[str, str], *args: str, capture: bool = False) -> str:
    """One `flask` command against the app, as the workers will see it."""
    done = subprocess.run(
        [sys.executable, "-m", "flask", "--app", "mentorhub.wsgi", *args],
        cwd=ROOT,
        env=env,
        capture_output=capture,
        text=True,
    )
    if done.returncode != 0:
        raise Failed(f"flask {' '.join(args)} failed:\n{done.stderr or ''}")
    return done.stdout or ""


# --- PostgreSQL ---------------------------------------------------------------------------------


def machine_postgres() -> str | None:
    """The URL of `mentorhub_scaled` on the machine's PostgreSQL (created if missing), or None
    when nothing answers at 127.0.0.1:5432 as user postgres."""
    import psycopg

    try:
        admin = psycopg.connect(
            "host=127.0.0.1 port=5432 user=postgres dbname=postgres connect_timeout=3",
            autocommit=True,
        )
    except psycopg.OperationalError:
        return None
    with admin:
        exists = admin.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", (DATABASE,)
        ).fetchone()
        if not exists:
            admin.execute(f'CREATE DATABASE "{DATABASE}"')
    return f"postgresql+psycopg://postgres@127.0.0.1:5432/{DATABASE}"


def _as_postgres(command: list[str]) -> list[str]:
    # initdb and postgres refuse to run as root; Debian's package has a postgres user.
    return ["runuser", "-u", "postgres", "--", *command] if os.geteuid() == 0 else command


def own_postgres(stops: list[Callable[[], None]]) -> str:
    """A cluster of its own under instance/postgres/ (made on first use), started on a free
    port, listening on loopback only, trust authentication (it answers only this machine)."""
    home = INSTANCE / "postgres"
    data, log = home / "data", home / "postgres.log"
    home.mkdir(parents=True, exist_ok=True)
    if os.geteuid() == 0:
        shutil.chown(home, "postgres", "postgres")
    if not (data / "PG_VERSION").exists():
        print(f"Creating a PostgreSQL cluster in {data}")
        subprocess.run(
            _as_postgres(
                [str(PG_BIN / "initdb"), "-D", str(data), "-U", "postgres", "-A", "trust"]
                + ["-E", "UTF8", "--locale=C.UTF-8"]
            ),
            check=True,
            stdout=subprocess.DEVNULL,
        )
    port = free_port()
    options = f"-c listen_addresses=127.0.0.1 -c port={port} -c unix_socket_directories=''"
    pg_ctl = str(PG_BIN / "pg_ctl")
    subprocess.run(
        _as_postgres([pg_ctl, "-D", str(data), "-l", str(log), "-w", "-o", options, "start"]),
        check=True,
        stdout=subprocess.DEVNULL,
    )
    stops.append(
        lambda: subprocess.run(
            _as_postgres([pg_ctl, "-D", str(data), "-m", "fast", "-w", "stop"]),
            stdout=subprocess.DEVNULL,
        )
    )
    subprocess.run(
        [str(PG_BIN / "createdb"), "-h", "127.0.0.1", "-p", str(port), "-U", "postgres", DATABASE],
        stderr=subprocess.DEVNULL,  # "already exists" on every start after the first
    )
    return f"postgresql+psycopg://postgres@127.0.0.1:{port}/{DATABASE}"


# --- Redis --------------------------------------------------------------------------------------


def own_redis(stops: list[Callable[[], None]]) -> str:
    """redis-server on a free loopback port. It holds rate-limit counters and carries the
    workers' broadcasts, nothing that must outlive it: no snapshots."""
    home = INSTANCE / "redis"
    home.mkdir(parents=True, exist_ok=True)
    port = free_port()
    command = ["redis-server", "--bind", "127.0.0.1", "--port", str(port)]
    command += ["--dir", str(home), "--save", "", "--appendonly", "no"]
    log = home / "redis.log"
    process = spawn(command, log)
    stops.append(lambda: terminate(process))
    deadline = time.monotonic() + 10
    while not answers(port):
        if process.poll() is not None or time.monotonic() > deadline:
            raise Failed(f"redis-server did not start:\n{_tail(log)}")
        time.sleep(0.1)
    return f"redis://127.0.0.1:{port}/0"


# --- nginx --------------------------------------------------------------------------------------


def nginx_binary() -> str:
    found = shutil.which("nginx") or shutil.which("nginx", path="/usr/sbin:/sbin")
    if not found:
        raise Failed("Debian's nginx is not installed: run `make nginx` (make run-scaled does).")
    return found


def render_nginx(prefix: Path, listen: str, workers: list[str], tls: bool = False) -> Path:
    """deploy/nginx.conf.j2 rendered into prefix/nginx.conf for these worker addresses."""
    for folder in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"):
        (prefix / "temp" / folder).mkdir(parents=True, exist_ok=True)
    template = jinja2.Template(TEMPLATE.read_text(), trim_blocks=True, lstrip_blocks=True)
    # As root, nginx would hand its workers to `nobody`, who may not write under instance/.
    user = pwd.getpwuid(os.geteuid()).pw_name if os.geteuid() == 0 else None
    conf = prefix / "nginx.conf"
    conf.write_text(
        template.render(
            prefix=prefix,
            listen=listen,
            server_name="localhost",
            workers=workers,
            static_root=ROOT / "static",
            max_body=max_content_length(),
            tls=tls,
            user=user,
            nginx_workers=1,
            # 4,096 held 2,000 sockets in all: the 2,000th pupil's socket was refused
            worker_connections=10240,
        )
    )
    return conf


def start_nginx(prefix: Path, health_url: str) -> subprocess.Popen:
    """nginx in the foreground with the configuration in prefix/, answered through once."""
    binary, conf, log = nginx_binary(), prefix / "nginx.conf", prefix / "error.log"
    # -e: the error log from the very start, before the configuration names it (the default
    # is under /var/log, which an ordinary user may not write).
    checked = subprocess.run(
        [binary, "-t", "-p", str(prefix), "-c", str(conf), "-e", str(log)],
        capture_output=True,
        text=True,
    )
    if checked.returncode != 0:
        raise Failed(f"nginx refused {conf}:\n{checked.stderr}")
    process = spawn([binary, "-p", str(prefix), "-c", str(conf), "-e", str(log)], log)
    try:
        wait_for_http(health_url, process, log)
    except BaseException:
        terminate(process)
        raise
    return process


# --- the stack ----------------------------------------------------------------------------------


def secret_key() -> str:
    """One key for every worker (a session signed by one is read by the others)."""
    path = INSTANCE / "scaled_secret_key"
    if not path.exists():
        INSTANCE.mkdir(exist_ok=True)
        path.write_text(secrets.token_urlsafe(48))
        path.chmod(0o600)
    return path.read_text().strip()


def worker_command(port: int) -> list[str]:
    return [
        sys.executable,
        "-m",
        "gunicorn",
        "--config",
        str(ROOT / "mentorhub" / "gunicorn_conf.py"),
        "--bind",
        f"127.0.0.1:{port}",
        # Open sockets would hold a stop for gunicorn's default 30 s.
        "--graceful-timeout",
        "5",
        # gunicorn's control socket is one path per user (~/.gunicorn/gunicorn.ctl): several
        # masters would take it from each other.
        "--no-control-socket",
        "mentorhub.wsgi:app",
    ]


def run(workers: int, port: int, stops: list[Callable[[], None]]) -> None:
    if answers(port):  # before anything starts: a health check there would reach the other
        raise Failed(f"127.0.0.1:{port} is taken by something else; choose PORT=...")
    logs = INSTANCE / "scaled"
    use_own_pg = os.environ.get("OWN_POSTGRES") == "1"
    database_url = (None if use_own_pg else machine_postgres()) or own_postgres(stops)
    use_own_redis = os.environ.get("OWN_REDIS") == "1" or not answers(6379)
    redis_url = own_redis(stops) if use_own_redis else "redis://127.0.0.1:6379/0"
    print(f"PostgreSQL: {database_url}\nRedis:      {redis_url}")

    env = dict(os.environ)
    env.update(
        FLASK_APP="mentorhub.wsgi",
        DATABASE_URL=database_url,
        REDIS_URL=redis_url,
        SECRET_KEY=secret_key(),
        SOCKETIO_ASYNC_MODE="gevent",
        SOCKETIO_CHANNEL=env.get("SOCKETIO_CHANNEL", CHANNEL),
        PROXY_COUNT=env.get("PROXY_COUNT", "1"),  # nginx, and nothing else, in front
        MENTORHUB_BASE_URL=env.get("MENTORHUB_BASE_URL", f"http://127.0.0.1:{port}"),
    )
    flask(env, "db", "upgrade")
    flask(env, "mentorhub", "seed-demo")

    watched: list[tuple[str, subprocess.Popen]] = []
    addresses = []
    for n in range(1, workers + 1):
        worker_port, log = free_port(), logs / f"worker-{n}.log"
        process = spawn(worker_command(worker_port), log, env)
        stops.append(lambda process=process: terminate(process))
        wait_for_http(f"http://127.0.0.1:{worker_port}/healthz", process, log)
        watched.append((f"worker {n} (127.0.0.1:{worker_port})", process))
        addresses.append(f"127.0.0.1:{worker_port}")

    if "jobs-worker" in flask(env, "mentorhub", "--help", capture=True):
        process = spawn([sys.executable, "-m", "flask", "mentorhub", "jobs-worker"],
                        logs / "jobs-worker.log", env)  # fmt: skip
        stops.append(lambda: terminate(process))
        watched.append(("the job worker", process))
    else:
        print("No `flask mentorhub jobs-worker` in this version: no job worker started.")

    prefix = INSTANCE / "nginx"
    render_nginx(prefix, f"127.0.0.1:{port}", addresses)
    nginx = start_nginx(prefix, f"http://127.0.0.1:{port}/healthz")
    stops.append(lambda: terminate(nginx, signal.SIGQUIT))  # graceful: let answers finish
    watched.append(("nginx", nginx))

    print(f"\nMentorHub ({workers} workers behind nginx) is running at http://127.0.0.1:{port}/")
    print(f"Logs: {logs}/, {prefix}/  (Ctrl+C stops everything)\n")
    print(flask(env, "mentorhub", "demo-logins", capture=True))
    while True:
        for name, process in watched:
            if process.poll() is not None:
                raise Failed(f"{name} exited by itself (code {process.returncode}); stopping.")
        time.sleep(1)


def main() -> int:
    def stop(signum, _frame):
        raise Stop(signal.Signals(signum).name)

    signal.signal(signal.SIGINT, stop)
    signal.signal(signal.SIGTERM, stop)
    stops: list[Callable[[], None]] = []
    code = 0
    try:
        run(int(os.environ.get("WORKERS", "2")), int(os.environ.get("PORT", "8080")), stops)
    except Stop as why:
        print(f"\n{why}: stopping.")
    except (Failed, subprocess.CalledProcessError) as error:
        print(f"\n{error}", file=sys.stderr)
        code = 1
    finally:
        # A second Ctrl+C must not cut the clean-up short.
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        for undo in reversed(stops):
            undo()
        print("Everything is stopped.")
    return code


if __name__ == "__main__":
    sys.exit(main())
