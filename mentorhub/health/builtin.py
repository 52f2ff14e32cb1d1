"""The checks every install has: the database, Redis, the Socket.IO message queue, and the
job queue when there is one (RQ installed and REDIS_URL set)."""

from __future__ import annotations

import importlib.util
import time
from datetime import timedelta
from typing import Any

import sqlalchemy as sa
from flask import current_app

from mentorhub.extensions import db, socketio
from mentorhub.health import checks, workers

NOT_CONFIGURED = {"ok": True, "status": "not configured"}


def register(config: dict) -> None:
    """Add the built-in checks to the registry (create_app does, once per app)."""
    checks.register("database", database)
    checks.register("redis", redis_ping)
    checks.register("socketio_queue", socketio_queue)
    if config.get("REDIS_URL") and importlib.util.find_spec("rq") is not None:
        # Informational: a failed job is for an alert, not a reason to take workers away.
        checks.register("job_queue", job_queue, required=False)


def _ms(started: float) -> float:
    return round((time.perf_counter() - started) * 1000, 1)


def database() -> dict[str, Any]:
    started = time.perf_counter()
    if db.engine.dialect.name == "postgresql":
        # This transaction's statements only: the request commits or rolls back after.
        db.session.execute(sa.text("SET LOCAL statement_timeout = 1000"))
    db.session.execute(sa.text("SELECT 1"))
    return {"ok": True, "latency_ms": _ms(started)}


def _redis_url() -> str:
    return current_app.config.get("REDIS_URL") or ""


def redis_ping() -> dict[str, Any]:
    url = _redis_url()
    if not url:
        return dict(NOT_CONFIGURED)
    started = time.perf_counter()
    workers.client(url).ping()
    return {"ok": True, "latency_ms": _ms(started)}


def socketio_queue() -> dict[str, Any]:
    """Every web worker subscribed to the channel: as many subscriptions as live heartbeats,
    none of them deaf (heard nothing on the channel lately), and this worker's own listener
    running and its heartbeat there."""
    url = _redis_url()
    manager = getattr(socketio.server, "manager", None)
    heartbeat = getattr(manager, "heartbeat", None)
    if not url or heartbeat is None:
        return dict(NOT_CONFIGURED)
    live = workers.live(url, heartbeat.channel)
    subscribed = workers.subscribed(url, heartbeat.channel)
    deaf = sum(1 for beat in live.values() if not beat.get("hears", True))
    this = {
        "listener_alive": workers.listener_alive(manager),
        "hears_channel": heartbeat.hears(),
        "heartbeat": heartbeat.host_id in live,
    }
    ok = bool(live) and subscribed >= len(live) and not deaf and all(this.values())
    return {
        "ok": ok,
        "workers": len(live),
        "subscribed": subscribed,
        "deaf": deaf,
        "this_worker": this,
    }


def job_queue() -> dict[str, Any]:
    """Depth and failed jobs of each RQ queue (RQ's public API only)."""
    url = _redis_url()
    if not url:
        return dict(NOT_CONFIGURED)
    from rq import Queue
    from rq.registry import FailedJobRegistry

    connection = workers.client(url)
    queues = {
        queue.name: {"queued": queue.count, "failed": FailedJobRegistry(queue=queue).count}
        for queue in Queue.all(connection=connection)
    }
    return {"ok": True, "queues": queues, "hand_on": _hand_on()}


def _hand_on() -> dict[str, int]:
    """Jobs committed but not yet confirmed on the queue (`pending_jobs`), and how many of
    them are past `JOBS_HANDOFF_GRACE`: more than none overdue means the scheduler's sweep is
    not running, or Redis refuses it."""
    from mentorhub.jobs.models import PendingJob
    from mentorhub.timeutil import utcnow

    grace = float(current_app.config.get("JOBS_HANDOFF_GRACE", 60))
    due = PendingJob.created_at < utcnow() - timedelta(seconds=grace)
    pending, overdue = db.session.execute(
        sa.select(sa.func.count(), sa.func.count().filter(due)).select_from(PendingJob)
    ).one()
    return {"pending": int(pending), "overdue": int(overdue)}
