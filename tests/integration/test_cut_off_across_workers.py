"""Two real workers (gunicorn, gevent) sharing one database and one Redis message queue: a
change made on worker A ends a socket that is open on worker B, a school added on worker A is in
the report worker B had kept, and a 2 MB chat body gets a
`too_long` ack over a real transport instead of a closed connection.

Redis runs at 127.0.0.1:6379; every run uses a channel of its own, so parallel runs do not
hear each other."""

from __future__ import annotations

import re
import threading
import uuid

import pytest
import requests
import socketio
import sqlalchemy as sa

from tests.integration.test_chat_durability import (
    PASSWORD,
    _free_port,
    _kill,
    _migrate,
    _seed,
    _server_env,
    _start,
)

WAIT = 10  # seconds to wait for an event that must come; the assertion is on the event


def _signed_in(base: str, email: str) -> requests.Session:
    http = requests.Session()
    form = http.get(f"{base}/login", timeout=5)
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', form.text).group(1)
    response = http.post(
        f"{base}/login",
        data={"email": email, "password": PASSWORD, "csrf_token": token},
        allow_redirects=False,
        timeout=5,
    )
    assert response.status_code == 302
    return http


def _cookie(http: requests.Session) -> str:
    return "; ".join(f"{name}={value}" for name, value in http.cookies.items())


@pytest.fixture(scope="module")
def two_workers(tmp_path_factory):
    """Started once for this file (each start takes seconds on a busy machine)."""
    tmp_path = tmp_path_factory.mktemp("workers")
    database_url = f"sqlite:///{tmp_path / 'workers.sqlite'}"
    env = _server_env(database_url)
    env.update(
        REDIS_URL="redis://127.0.0.1:6379/0",
        RATELIMIT_STORAGE_URI="memory://",
        SOCKETIO_CHANNEL=f"mentorhub-test-{uuid.uuid4().hex}",
    )
    _migrate(env)
    seeded = _seed(database_url)
    servers, bases = [], []
    try:
        for name in ("a", "b"):
            port = _free_port()
            servers.append(_start(port, env, tmp_path / f"worker-{name}.log"))
            bases.append(f"http://127.0.0.1:{port}")
        yield {"a": bases[0], "b": bases[1], "database_url": database_url, **seeded}
    finally:
        for server in servers:
            _kill(server)


def _socket_on(base: str, cookie: str, room_id: int):
    sock = socketio.Client(reconnection=False)
    gone = threading.Event()
    sock.on("disconnect", lambda *args: gone.set())
    sock.connect(base, headers={"Cookie": cookie}, transports=["websocket"], wait_timeout=10)
    assert sock.call("join", {"room_id": room_id}, timeout=5)["ok"] is True
    return sock, gone


def test_signing_out_everywhere_on_worker_a_disconnects_the_socket_on_worker_b(two_workers):
    noah = "noah@example.se"
    # given Noah signed in on worker B with his socket open there
    on_b = _signed_in(two_workers["b"], noah)
    sock, gone = _socket_on(two_workers["b"], _cookie(on_b), two_workers["room"])
    # when he signs out everywhere from another device, served by worker A
    on_a = _signed_in(two_workers["a"], noah)
    page = on_a.get(f"{two_workers['a']}/account/sessions", timeout=5)
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page.text).group(1)
    response = on_a.post(
        f"{two_workers['a']}/account/sessions/end",
        data={"csrf_token": token},
        allow_redirects=False,
        timeout=5,
    )
    assert response.status_code == 302
    # then worker B disconnects his socket, and his cookie there is refused too
    assert gone.wait(WAIT), "the socket on worker B was not disconnected"
    assert on_b.get(f"{two_workers['b']}/rooms/", allow_redirects=False).status_code == 302


def test_a_2_mb_body_gets_too_long_and_the_socket_stays_up(two_workers):
    alva = _signed_in(two_workers["b"], "alva@example.se")
    sock, gone = _socket_on(two_workers["b"], _cookie(alva), two_workers["room"])
    ack = sock.call(
        "send",
        {"room_id": two_workers["room"], "client_id": "big-body-1", "body": "x" * 2_000_000},
        timeout=WAIT,
    )
    assert ack["ok"] is False and ack["error"] == "too_long"
    assert sock.call("history", {"room_id": two_workers["room"]}, timeout=5)["ok"] is True
    sock.disconnect()


def _ids(database_url: str, *emails: str) -> list[int]:
    engine = sa.create_engine(database_url)
    with engine.connect() as conn:
        found = dict(
            conn.execute(
                sa.text("SELECT email, id FROM users WHERE email IN :emails").bindparams(
                    sa.bindparam("emails", expanding=True)
                ),
                {"emails": list(emails)},
            ).all()
        )
    engine.dispose()
    return [found[email] for email in emails]


def test_a_pupil_removed_on_worker_a_is_refused_at_his_next_send_on_worker_b(two_workers):
    room, a, b = two_workers["room"], two_workers["a"], two_workers["b"]
    # given Noah's socket open on worker B, where he has just written in the room
    noah = _signed_in(b, "noah@example.se")
    sock, _gone = _socket_on(b, _cookie(noah), room)
    message = {"room_id": room, "client_id": "before-removal-1", "body": "hej"}
    assert sock.call("send", message, timeout=WAIT)["ok"] is True
    # when his mentor, served by worker A, takes him out of the room
    (alva_id,) = _ids(two_workers["database_url"], "alva@example.se")
    mentor = _signed_in(a, "mentor@example.se")
    page = mentor.get(f"{a}/rooms/{room}/members", timeout=5)
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page.text).group(1)
    saved = mentor.post(
        f"{a}/rooms/{room}/members",
        data={"csrf_token": token, "pupil_ids": [alva_id]},
        allow_redirects=False,
        timeout=5,
    )
    assert saved.status_code == 302
    # then the very next message he sends on worker B is refused, and nothing is stored
    ack = sock.call("send", {**message, "client_id": "after-removal-1"}, timeout=WAIT)
    assert (ack["ok"], ack["error"]) == (False, "forbidden")
    engine = sa.create_engine(two_workers["database_url"])
    with engine.connect() as conn:
        stored = conn.execute(
            sa.text("SELECT client_id FROM messages WHERE client_id LIKE '%-removal-1'")
        ).scalars()
        assert sorted(stored) == ["before-removal-1"]
    engine.dispose()
    sock.disconnect()


def _add_coordinator(database_url: str, email: str) -> None:
    from sqlalchemy.orm import Session
    from werkzeug.security import generate_password_hash

    from mentorhub.accounts.models import Role, User, UserRole

    engine = sa.create_engine(database_url)
    with Session(engine) as session:
        user = User(email=email, name="Sara Samordnare")
        user.password_hash = generate_password_hash(PASSWORD, method="pbkdf2:sha256:1000")
        user.role_rows = [UserRole(role=Role.COORDINATOR.value)]
        session.add(user)
        session.commit()
    engine.dispose()


def test_a_school_added_on_worker_a_is_in_the_report_worker_b_had_counted_before(two_workers):
    import time

    a, b = two_workers["a"], two_workers["b"]
    email = f"samordnare-{uuid.uuid4().hex[:6]}@example.se"
    _add_coordinator(two_workers["database_url"], email)
    # given the programme report read on worker B, and so kept there
    on_b = _signed_in(b, email)
    before = on_b.get(f"{b}/reports/", timeout=WAIT)
    assert before.status_code == 200 and "Ekbacksskolan" not in before.text
    # when the coordinator, served by worker A, adds a school
    on_a = _signed_in(a, email)
    form = on_a.get(f"{a}/programme/schools/new", timeout=5)
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', form.text).group(1)
    saved = on_a.post(
        f"{a}/programme/schools/new",
        data={"csrf_token": token, "name": "Ekbacksskolan", "kind": "compulsory", "active": "y"},
        allow_redirects=False,
        timeout=5,
    )
    assert saved.status_code == 302
    # then worker B's report has it at the next reads, not only once its kept copy runs out
    # (REPORT_CACHE_SECONDS, five minutes): worker A's commit told B over Redis to recount
    deadline = time.monotonic() + WAIT
    while True:
        after = on_b.get(f"{b}/reports/", timeout=WAIT)
        if "Ekbacksskolan" in after.text or time.monotonic() > deadline:
            break
        time.sleep(0.2)
    assert after.status_code == 200
    assert "Ekbacksskolan" in after.text
