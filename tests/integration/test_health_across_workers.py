"""`/health` and `/metrics` across two real workers (gunicorn, gevent) on one Redis channel
and one metrics directory, as a scaled-out install runs them (docs/operations.md).

Redis runs at 127.0.0.1:6379; this run has a channel of its own. Worker B reaches Redis
through a relay in this test, which can do to B's subscription what a network cut or a Redis
failover does: Redis loses the subscriber, while B's side of the connection stays open and
silent, so B's listener waits on it for ever and notices nothing. That is the failure /health
is there to show. The bare pilot (one worker, no Redis) is served by gunicorn the same way."""

from __future__ import annotations

import contextlib
import socket
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Callable

import pytest
import redis
import requests
import socketio
from prometheus_client.parser import text_string_to_metric_families

from tests.integration.test_chat_durability import (
    ROOT,
    _free_port,
    _kill,
    _login,
    _migrate,
    _seed,
    _server_env,
    _start,
)

WAIT = 20  # seconds to wait for a state that must come; the assertion is on the state
REDIS = ("127.0.0.1", 6379)


class RedisRelay:
    """A TCP relay to Redis. `cut_subscribers()` closes the Redis side of every connection
    that has subscribed and leaves the worker's side open, reading and dropping what it sends."""

    def __init__(self) -> None:
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.pairs: list[dict] = []
        self.lock = threading.Lock()
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while True:
            try:
                worker, _ = self.listener.accept()
            except OSError:
                return
            upstream = socket.create_connection(REDIS)
            pair = {"worker": worker, "redis": upstream, "subscriber": False, "cut": False}
            with self.lock:
                self.pairs.append(pair)
            threading.Thread(target=self._to_redis, args=(pair,), daemon=True).start()
            threading.Thread(target=self._to_worker, args=(pair,), daemon=True).start()

    def _to_redis(self, pair: dict) -> None:
        while True:
            try:
                data = pair["worker"].recv(65536)
            except OSError:
                data = b""
            if not data:
                with contextlib.suppress(OSError):
                    pair["redis"].close()
                return
            if b"subscribe" in data.lower():
                pair["subscriber"] = True
            if not pair["cut"]:
                with contextlib.suppress(OSError):
                    pair["redis"].sendall(data)

    def _to_worker(self, pair: dict) -> None:
        while True:
            try:
                data = pair["redis"].recv(65536)
            except OSError:
                data = b""
            if not data:
                if not pair["cut"]:  # Redis closed it: so does the relay
                    with contextlib.suppress(OSError):
                        pair["worker"].close()
                return
            with contextlib.suppress(OSError):
                pair["worker"].sendall(data)

    def cut_subscribers(self) -> int:
        with self.lock:
            cut = [p for p in self.pairs if p["subscriber"] and not p["cut"]]
        for pair in cut:
            pair["cut"] = True
            with contextlib.suppress(OSError):
                pair["redis"].shutdown(socket.SHUT_RDWR)
                pair["redis"].close()
        return len(cut)

    def close(self) -> None:
        self.listener.close()
        with self.lock:
            for pair in self.pairs:
                for side in ("worker", "redis"):
                    with contextlib.suppress(OSError):
                        pair[side].close()


@pytest.fixture(scope="module")
def two_workers(tmp_path_factory):
    """Started once for this file; the test that breaks a subscription runs last."""
    tmp_path = tmp_path_factory.mktemp("health")
    database_url = f"sqlite:///{tmp_path / 'health.sqlite'}"
    metrics_dir = tmp_path / "metrics"
    metrics_dir.mkdir()
    channel = f"mentorhub-test-{uuid.uuid4().hex}"
    env = _server_env(database_url)
    env.update(
        REDIS_URL="redis://127.0.0.1:6379/0",
        RATELIMIT_STORAGE_URI="memory://",
        SOCKETIO_CHANNEL=channel,
        PROMETHEUS_MULTIPROC_DIR=str(metrics_dir),
        HEARTBEAT_SECONDS="2",  # a ping and a heartbeat every 2 s: deaf or gone after 6 s
    )
    _migrate(env)
    seeded = _seed(database_url)
    relay = RedisRelay()
    servers, bases = [], []
    try:
        for name, url in (("a", env["REDIS_URL"]), ("b", f"redis://127.0.0.1:{relay.port}/0")):
            port = _free_port()
            servers.append(_start(port, {**env, "REDIS_URL": url}, tmp_path / f"{name}.log"))
            bases.append(f"http://127.0.0.1:{port}")
        yield {"a": bases[0], "b": bases[1], "relay": relay, "channel": channel, **seeded}
    finally:
        for server in servers:
            _kill(server)
        relay.close()
        redis.Redis(*REDIS).delete(f"mentorhub:{channel}:workers")


def test_the_bare_pilot_under_gunicorn_is_healthy_with_redis_not_configured(tmp_path):
    # given the pilot as `make run` serves it: one gevent worker, SQLite, no REDIS_URL
    database_url = f"sqlite:///{tmp_path / 'pilot.sqlite'}"
    env = _server_env(database_url)  # without REDIS_URL or PROMETHEUS_MULTIPROC_DIR
    env.pop("PROMETHEUS_MULTIPROC_DIR", None)
    migrated = subprocess.run(
        [sys.executable, "-m", "flask", "--app", "mentorhub.wsgi", "db", "upgrade"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        timeout=60,
    )
    assert migrated.returncode == 0
    port = _free_port()
    server = _start(port, env, tmp_path / "pilot.log")
    try:
        # when /health is asked from this machine
        status, body = _health(f"http://127.0.0.1:{port}")
        # then it is 200, and Redis and the message queue are not configured, which is fine
        assert status == 200, body
        assert body["checks"]["database"]["ok"] is True
        assert body["checks"]["redis"]["status"] == "not configured"
        assert body["checks"]["socketio_queue"]["status"] == "not configured"
        assert "job_queue" not in body["checks"]
        # and /metrics counts the request, from this process's own registry
        healthz = (
            "mentorhub_http_request_duration_seconds_count",
            (("endpoint", "health.health"), ("method", "GET"), ("status", "200")),
        )
        assert _metrics(f"http://127.0.0.1:{port}")[healthz] == 1
    finally:
        _kill(server)


def _health(base: str) -> tuple[int, dict]:
    response = requests.get(f"{base}/health", timeout=5)
    return response.status_code, response.json()


def _until(ask: Callable[[], tuple[int, dict]], done: Callable[[dict], bool]):
    """Ask until the answer is `done` or WAIT seconds have passed; the last answer."""
    deadline = time.monotonic() + WAIT
    answer = ask()
    while not done(answer[1]) and time.monotonic() < deadline:
        time.sleep(0.2)
        answer = ask()
    return answer


def _queue(body: dict) -> dict:
    return body.get("checks", {}).get("socketio_queue", {})


def _both_subscribed(body: dict) -> bool:
    return (_queue(body).get("workers"), _queue(body).get("subscribed")) == (2, 2)


def test_with_both_workers_subscribed_health_is_ok_and_counts_two(two_workers):
    # given two workers on one channel, each having served a request (the start's /healthz)
    for base in (two_workers["a"], two_workers["b"]):
        # when /health is asked on either, once both are subscribed
        status, body = _until(lambda b=base: _health(b), _both_subscribed)
        # then it is ok, and counts two live workers and two subscriptions
        assert status == 200, body
        assert body["status"] == "ok"
        assert body["checks"]["redis"]["ok"] is True
        queue = body["checks"]["socketio_queue"]
        counts = (queue["workers"], queue["subscribed"], queue["deaf"])
        assert queue["ok"] is True and counts == (2, 2, 0)
        assert queue["this_worker"] == {
            "listener_alive": True,
            "hears_channel": True,
            "heartbeat": True,
        }


def _metrics(base: str) -> dict[tuple[str, tuple], float]:
    text = requests.get(f"{base}/metrics", timeout=5).text
    return {
        (s.name, tuple(sorted(s.labels.items()))): s.value
        for family in text_string_to_metric_families(text)
        for s in family.samples
    }


def test_metrics_from_either_worker_count_what_both_did(two_workers):
    stored = ("mentorhub_chat_messages_stored_total", ())
    sends = ("mentorhub_socketio_events_total", (("event", "send"), ("outcome", "ok")))
    login = (
        "mentorhub_http_request_duration_seconds_count",
        (("endpoint", "accounts.login"), ("method", "POST"), ("status", "302")),
    )
    before = _metrics(two_workers["a"])
    # given Alva signed in on worker B, with her socket open there
    cookie = _login(two_workers["b"], "alva@example.se")
    sock = socketio.Client(reconnection=False)
    sock.connect(two_workers["b"], headers={"Cookie": cookie}, transports=["websocket"])
    try:
        assert sock.call("join", {"room_id": two_workers["room"]}, timeout=5)["ok"] is True
        # when she sends a message
        message = {"room_id": two_workers["room"], "client_id": "metrics-1", "body": "hej"}
        assert sock.call("send", message, timeout=5)["ok"] is True
    finally:
        sock.disconnect()
    # then worker A's /metrics (the figures of both processes) shows it and her sign-in
    after = _metrics(two_workers["a"])
    assert after[stored] - before.get(stored, 0) == 1
    assert after[sends] - before.get(sends, 0) == 1
    assert after[login] - before.get(login, 0) == 1
    bucket_sum = ("mentorhub_http_request_duration_seconds_sum", login[1])
    assert after[bucket_sum] > before.get(bucket_sum, 0)


def test_a_worker_whose_subscription_is_lost_silently_makes_health_503(two_workers):
    a, b = two_workers["a"], two_workers["b"]
    assert _until(lambda: _health(a), _both_subscribed)[0] == 200
    # when Redis loses worker B's subscription while B's connection stays open and silent
    assert two_workers["relay"].cut_subscribers() == 1
    # then /health on worker A says so: two live workers, one subscription; and once B has
    # missed its own pings for a while, that one of them is deaf
    status, body = _until(
        lambda: _health(a),
        lambda x: _queue(x).get("subscribed") == 1 and _queue(x).get("deaf") == 1,
    )
    assert status == 503, body
    assert body["status"] == "unavailable"
    queue = body["checks"]["socketio_queue"]
    counts = (queue["workers"], queue["subscribed"], queue["deaf"])
    assert queue["ok"] is False and counts == (2, 1, 1)
    assert queue["this_worker"]["hears_channel"] is True  # A itself hears fine
    # and B, whose listener runs on unaware, knows it hears nothing any more
    status, body = _health(b)
    assert status == 503
    assert body["checks"]["socketio_queue"]["this_worker"] == {
        "listener_alive": True,
        "hears_channel": False,
        "heartbeat": True,
    }
    # while /healthz, which the load balancer asks, still answers on both
    assert requests.get(f"{b}/healthz", timeout=5).status_code == 200
