"""The RQ side of the job queue: putting a job on the queue, running it in a worker, parking
it when its last attempt has failed.

Every RQ job runs `run` with the job's name and arguments; `run` goes through
`mentorhub.jobs.perform` like an inline job. Failures are parked from the two places RQ
reports a job's end: the worker's `handle_job_failure` (an exception, a timeout, a work horse
killed under it) and the failure callback that the registry clean-up calls for a job whose
worker died altogether (`AbandonedJobError`), when no retries are left.
"""

from __future__ import annotations

import logging
from typing import Any

import redis
from flask import Flask, current_app
from rq import Callback, Queue, Retry, SimpleWorker, Worker, get_current_job
from rq.exceptions import AbandonedJobError
from rq.job import Job

from mentorhub.extensions import db
from mentorhub.jobs import core as jobs

log = logging.getLogger("mentorhub.jobs")

_connections: dict[str, redis.Redis] = {}


def connection(config) -> redis.Redis:
    url = config["REDIS_URL"]
    if url not in _connections:
        _connections[url] = redis.Redis.from_url(url)
    return _connections[url]


def queue(config) -> Queue:
    return Queue(config["JOBS_QUEUE"], connection=connection(config))


def intervals(config) -> list[int]:
    raw = str(config.get("JOBS_RETRY_INTERVALS", "10,60,300"))
    return [int(part) for part in raw.split(",") if part.strip()] or [0]


def put(app: Flask, name: str, kwargs: dict[str, Any]) -> Job:
    """Put the job on the RQ queue, with its retries."""
    spec = jobs.registered()[name]
    config = app.config
    return queue(config).enqueue(
        run,
        name,
        kwargs,
        retry=Retry(max=spec.retries, interval=intervals(config)) if spec.retries else None,
        job_timeout=int(config.get("JOBS_TIMEOUT", 600)),
        result_ttl=0,  # jobs return nothing worth keeping
        # our failed_jobs row is the lasting record; RQ's own only needs to outlive a retry
        failure_ttl=7 * 24 * 3600,
        on_failure=Callback(abandoned),
        meta={"name": name, "attempts": 0},
        description=name,  # RQ's default would spell out the arguments
    )


def run(name: str, kwargs: dict[str, Any]) -> None:
    """What an RQ worker runs for every job (in the worker's app context)."""
    job = get_current_job()
    if job is not None:
        job.meta["attempts"] = int(job.meta.get("attempts", 0)) + 1
        job.save_meta()
    jobs.perform(current_app._get_current_object(), name, kwargs)


def report_progress(stage: str, done: int, total: int) -> bool:
    """Store progress in the current RQ job's meta; False outside an RQ job."""
    job = get_current_job()
    if job is None:
        return False
    job.meta["progress"] = {"stage": stage, "done": done, "total": total}
    job.save_meta()
    return True


def _park(job: Job, error: str) -> None:
    meta = job.get_meta(refresh=True)
    name, kwargs = job.args if len(job.args) == 2 else (meta.get("name", "?"), {})
    jobs.park(
        current_app._get_current_object(),
        name,
        kwargs,
        jobs.summary(error),
        attempts=int(meta.get("attempts", 0)) or 1,
        rq_job_id=job.id,
    )


def abandoned(job: Job, connection, exc_type, exc_value, traceback) -> None:
    """RQ's failure callback. Only a job abandoned by a dead worker is parked here (the worker
    parks every other failure itself), and only when it is not about to be retried."""
    if exc_type is AbandonedJobError and not job.should_retry:
        _park(job, "AbandonedJobError: the worker running it stopped")


class _Parking:
    """Park a job when the worker gives up on it (no retry left)."""

    def handle_job_failure(self, job: Job, queue: Queue, started_job_registry=None, **kwargs):
        last = not job.should_retry
        super().handle_job_failure(job, queue, started_job_registry, **kwargs)
        if last:
            try:
                _park(job, kwargs.get("exc_string", ""))
            except Exception:
                log.exception("could not park job %s", job.id)


class JobWorker(_Parking, Worker):
    """RQ's forking worker: each job runs in a child process (a crash or leak in one job does
    not take the worker with it)."""

    def main_work_horse(self, job: Job, queue: Queue):
        # The child must not share the parent's pooled database connections.
        db.engine.dispose(close=False)
        return super().main_work_horse(job, queue)


class InProcessWorker(_Parking, SimpleWorker):
    """Runs jobs in this process (tests, and platforms without fork)."""


def worker(app: Flask, *, in_process: bool = False, name: str | None = None) -> Worker:
    cls = InProcessWorker if in_process else JobWorker
    return cls([queue(app.config)], connection=connection(app.config), name=name)
