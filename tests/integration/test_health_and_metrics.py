"""`/health` and `/metrics` in the pilot (one process, no Redis), through the app: what they
report, and to whom (`policy.can_see_health_details`, `policy.can_read_metrics`). The app sees
REMOTE_ADDR; the test client's is 127.0.0.1 unless a test says otherwise. Across real workers
on Redis: tests/integration/test_health_across_workers.py."""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import pytest
from prometheus_client.parser import text_string_to_metric_families

from mentorhub.health import checks

TOKEN = "operations-token-for-tests"
ELSEWHERE = {"REMOTE_ADDR": "10.0.0.7"}
FORWARDED = {"X-Forwarded-For": "203.0.113.9"}


@pytest.fixture
def token(app) -> Iterator[str]:
    app.config["METRICS_TOKEN"] = TOKEN
    yield TOKEN
    app.config["METRICS_TOKEN"] = ""


def _samples(text: str) -> dict[tuple[str, tuple], float]:
    return {
        (sample.name, tuple(sorted(sample.labels.items()))): sample.value
        for family in text_string_to_metric_families(text)
        for sample in family.samples
    }


def test_the_pilot_is_healthy_with_redis_not_configured(client):
    # given the pilot: one process, SQLite, no REDIS_URL
    response = client.get("/health")
    # then every required check is ok, and Redis and the message queue are "not configured"
    assert response.status_code == 200
    body = response.get_json()
    assert body["status"] == "ok"
    assert body["checks"]["database"]["ok"] is True
    assert body["checks"]["database"]["latency_ms"] >= 0
    assert body["checks"]["redis"] == {
        "ok": True,
        "status": "not configured",
        "required": True,
        "ms": body["checks"]["redis"]["ms"],
    }
    assert body["checks"]["socketio_queue"]["status"] == "not configured"
    assert response.headers["Cache-Control"] == "no-store"


def test_healthz_answers_as_before(client):
    assert client.get("/healthz").get_json() == {"status": "ok"}


def test_from_elsewhere_or_through_a_proxy_health_shows_the_bare_status(client):
    for kwargs in ({"environ_base": ELSEWHERE}, {"headers": FORWARDED}):
        response = client.get("/health", **kwargs)
        assert response.status_code == 200
        assert response.get_json() == {"status": "ok"}


def test_with_the_token_health_shows_the_checks_from_anywhere(client, token):
    response = client.get(
        "/health", environ_base=ELSEWHERE, headers={"Authorization": f"Bearer {token}"}
    )
    assert set(response.get_json()["checks"]) >= {"database", "redis", "socketio_queue"}


def test_metrics_is_not_there_for_anyone_elsewhere_without_the_token(client, token):
    assert client.get("/metrics", environ_base=ELSEWHERE).status_code == 404
    assert client.get("/metrics", headers=FORWARDED).status_code == 404
    wrong = {"Authorization": "Bearer guess", **FORWARDED}
    assert client.get("/metrics", headers=wrong).status_code == 404
    right = {"Authorization": f"Bearer {token}", **FORWARDED}
    assert client.get("/metrics", headers=right).status_code == 200


def test_with_no_token_configured_metrics_opens_only_on_this_machine(client):
    assert client.get("/metrics", environ_base=ELSEWHERE).status_code == 404
    assert client.get("/metrics").status_code == 200


def test_request_latency_is_labelled_by_endpoint_never_by_path(client):
    before = _samples(client.get("/metrics").get_data(as_text=True))
    key = (
        "mentorhub_http_request_duration_seconds_count",
        (("endpoint", "calendar_feed.feed"), ("method", "GET"), ("status", "404")),
    )
    # when two made-up feed addresses and an address no route answers are asked for
    client.get("/calendar/1/made-up.ics")
    client.get("/calendar/2/also-made-up.ics")
    client.get("/no-such-page/123")
    response = client.get("/metrics")
    # then the feed's endpoint counted both, and no series carries a path or an id
    assert response.headers["Content-Type"].startswith("text/plain")
    after = _samples(response.get_data(as_text=True))
    assert after[key] - before.get(key, 0) == 2
    endpoints = {
        dict(labels)["endpoint"]
        for name, labels in after
        if name.startswith("mentorhub_http_request_duration_seconds")
    }
    assert "<unmatched>" in endpoints
    assert not [e for e in endpoints if "/" in e or any(ch.isdigit() for ch in e)]


@pytest.fixture
def plugged_in() -> Iterator[list[str]]:
    names: list[str] = []
    yield names
    for name in names:
        checks.unregister(name)


def test_a_plugged_in_check_that_fails_makes_health_503_and_says_which(client, plugged_in):
    # given another module's required check that fails, with a message naming a host
    def failing() -> dict:
        raise ConnectionError("could not reach queue.internal:6379 as admin")

    checks.register("jobs", failing)
    plugged_in.append("jobs")
    response = client.get("/health")
    # then /health is 503, names the check, and shows the error's type only
    assert response.status_code == 503
    body = response.get_json()
    assert body["status"] == "unavailable"
    assert body["checks"]["jobs"]["ok"] is False
    assert body["checks"]["jobs"]["error"] == "ConnectionError"
    assert "admin" not in response.get_data(as_text=True)
    assert client.get("/health", environ_base=ELSEWHERE).get_json() == {"status": "unavailable"}


def test_a_failing_optional_check_is_reported_and_health_stays_200(client, plugged_in):
    checks.register("queue_depth", lambda: {"ok": False, "queued": 12000}, required=False)
    plugged_in.append("queue_depth")
    response = client.get("/health")
    assert response.status_code == 200
    assert response.get_json()["checks"]["queue_depth"] == {
        "ok": False,
        "queued": 12000,
        "required": False,
        "ms": response.get_json()["checks"]["queue_depth"]["ms"],
    }


@pytest.fixture
def on_redis(app) -> Iterator[str]:
    """The app with REDIS_URL set (the real Redis at 127.0.0.1:6379)."""
    app.config["REDIS_URL"] = "redis://127.0.0.1:6379/0"
    yield app.config["REDIS_URL"]
    app.config["REDIS_URL"] = ""


def test_the_job_queue_check_reports_each_queues_depth_and_failed_jobs(app, on_redis):
    rq = pytest.importorskip("rq")
    import redis
    from rq.registry import FailedJobRegistry

    from mentorhub.health import builtin

    connection = redis.Redis.from_url(on_redis)
    queue = rq.Queue(f"mentorhub-test-{uuid.uuid4().hex}", connection=connection)
    try:
        # given a job that failed (run by a real RQ worker) and one still waiting
        queue.enqueue("builtins.int", "not a number")
        rq.SimpleWorker([queue], connection=connection).work(burst=True)
        queue.enqueue("builtins.int", "7")
        # when the job-queue check runs
        with app.app_context():
            result = builtin.job_queue()
        # then it counts both, by queue
        assert result["ok"] is True
        assert result["queues"][queue.name] == {"queued": 1, "failed": 1}
        assert result["hand_on"] == {"pending": 0, "overdue": 0}
    finally:
        for job_id in FailedJobRegistry(queue=queue).get_job_ids():
            FailedJobRegistry(queue=queue).remove(job_id, delete_job=True)
        queue.delete(delete_jobs=True)


def test_the_job_queue_check_counts_jobs_whose_hand_on_to_redis_is_overdue(app, on_redis):
    from datetime import timedelta

    from mentorhub.extensions import db
    from mentorhub.health import builtin
    from mentorhub.jobs.models import PendingJob
    from mentorhub.timeutil import utcnow

    # given one job committed a moment ago and one whose hand-on failed two minutes ago
    with app.app_context():
        db.session.add_all(
            [
                PendingJob(id=str(uuid.uuid4()), name="mail.send", kwargs={"mail_id": 1}),
                PendingJob(
                    id=str(uuid.uuid4()),
                    name="mail.send",
                    kwargs={"mail_id": 2},
                    created_at=utcnow() - timedelta(minutes=2),
                ),
            ]
        )
        db.session.commit()
        # when the job-queue check runs
        result = builtin.job_queue()
    # then both are waiting for Redis, and the old one is overdue (the sweep is not running)
    assert result["hand_on"] == {"pending": 2, "overdue": 1}
