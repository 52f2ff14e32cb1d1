"""Prometheus metrics: what `/metrics` reports (docs/operations.md, "Metrics").

Ground floor: any module may count or time something here; nothing here knows a domain.

Several worker processes behind one load balancer must answer `/metrics` with the same figures,
whichever of them the scrape reaches: with `PROMETHEUS_MULTIPROC_DIR` set (before the process
starts: prometheus_client reads it at import), every process writes its values to its own files
in that directory and `exposition` adds up all of them. Without it (the pilot's one process) the
process's own registry is the answer.

Labels are bounded: an HTTP request is labelled by its Flask endpoint (`rooms.show`), never by
its path (`/rooms/123`), so ids cannot multiply the series; an event by its registered name and
the ack's error code, both fixed sets.
"""

from __future__ import annotations

import contextlib
import os
import time
from collections.abc import Iterator

from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    Counter,
    Histogram,
    generate_latest,
)
from prometheus_client import multiprocess as _multiprocess

# Seconds: most pages answer in a few milliseconds; a slow report or export takes seconds.
_LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)
_JOB_BUCKETS = (0.1, 0.5, 1.0, 5.0, 15.0, 60.0, 300.0, 900.0, 3600.0)

http_request_duration = Histogram(
    "mentorhub_http_request_duration_seconds",
    "Time from the start of a request's handling to its response, by Flask endpoint.",
    ["endpoint", "method", "status"],
    buckets=_LATENCY_BUCKETS,
)
socketio_events = Counter(
    "mentorhub_socketio_events",
    "Socket.IO events answered, by event name and outcome (ok or the ack's error code).",
    ["event", "outcome"],
)
chat_messages_stored = Counter(
    "mentorhub_chat_messages_stored",
    "Chat messages stored and committed by the send event (a retried duplicate not counted).",
)
job_duration = Histogram(
    "mentorhub_job_duration_seconds",
    "How long a background job ran, by job name: `job_duration.labels(job=...).observe(s)`, "
    "or `with metrics.timed_job(name):`.",
    ["job"],
    buckets=_JOB_BUCKETS,
)

# (event, outcome) -> its counter: an event costs a dict lookup and an increment, not the
# label lookup's lock and tuple (the send path is measured in tenths of a millisecond).
_event_counters: dict[tuple[str, str], object] = {}


def count_event(name: str, ack) -> None:
    """Count one answered Socket.IO event by the ack it got."""
    if isinstance(ack, dict) and not ack.get("ok", True):
        outcome = str(ack.get("error") or "error")
    else:
        outcome = "ok"
    counter = _event_counters.get((name, outcome))
    if counter is None:
        counter = _event_counters[(name, outcome)] = socketio_events.labels(name, outcome)
    counter.inc()


def observe_request(endpoint: str | None, method: str, status: int, seconds: float) -> None:
    """One HTTP request; an address no route answers is labelled `<unmatched>`."""
    http_request_duration.labels(endpoint or "<unmatched>", method, str(status)).observe(seconds)


@contextlib.contextmanager
def timed_job(job: str) -> Iterator[None]:
    """Observe how long the block ran as one run of `job` (also when it raises)."""
    started = time.perf_counter()
    try:
        yield
    finally:
        job_duration.labels(job=job).observe(time.perf_counter() - started)


def multiprocess_dir() -> str | None:
    return os.environ.get("PROMETHEUS_MULTIPROC_DIR") or None


def exposition() -> tuple[bytes, str]:
    """The text `/metrics` answers, and its content type: every process's figures added up
    when the processes share a directory, else this process's."""
    if multiprocess_dir():
        registry = CollectorRegistry()
        _multiprocess.MultiProcessCollector(registry)
    else:
        registry = REGISTRY
    return generate_latest(registry), CONTENT_TYPE_LATEST


def worker_exited(pid: int) -> None:
    """gunicorn's `child_exit`: forget a dead worker's live gauges (counters and histograms
    stay, so totals never go down)."""
    if multiprocess_dir():
        _multiprocess.mark_process_dead(pid)
