"""The job registry and the one way a job is run, parked and summarised (both backends)."""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from flask import Flask

from mentorhub import after_commit
from mentorhub.extensions import db

log = logging.getLogger("mentorhub.jobs")


@dataclass(frozen=True)
class Job:
    name: str
    fn: Callable[..., None]
    retries: int
    # Inline (the pilot), run after the request has answered rather than before: for a job
    # that takes seconds and shows its progress on a page (mentorhub/offload.py).
    long: bool = False


_jobs: dict[str, Job] = {}


def job(
    name: str, *, retries: int = 3, long: bool = False
) -> Callable[[Callable[..., None]], Callable[..., None]]:
    """Register `fn` as the job `name`, tried up to `retries` more times when it fails (rq).
    A `long` job run inline does not hold up the answer to the request that queued it."""

    def register(fn: Callable[..., None]) -> Callable[..., None]:
        known = _jobs.get(name)
        if known is not None and known.fn.__qualname__ != fn.__qualname__:
            raise ValueError(f"job {name!r} is registered twice")
        _jobs[name] = Job(name, fn, retries, long)
        return fn

    return register


def registered() -> dict[str, Job]:
    """Every job by name."""
    return dict(_jobs)


def backend(config: Mapping[str, Any]) -> str:
    """`rq` or `inline`: the setting, else rq exactly when there is a Redis to queue on."""
    chosen = (config.get("JOBS_BACKEND") or "").strip().lower()
    if not chosen:
        chosen = "rq" if config.get("REDIS_URL") else "inline"
    if chosen not in ("rq", "inline"):
        raise ValueError(f"JOBS_BACKEND must be rq or inline, not {chosen!r}")
    return chosen


def perform(app: Flask, name: str, kwargs: dict[str, Any]) -> None:
    """Run one job in an app context of its own (so a fresh session): commit at its end and run
    what it queued, or roll back and raise. Both backends run every job through here."""
    spec = _jobs[name]
    with app.app_context():
        try:
            spec.fn(**kwargs)
            after_commit.commit()
        except BaseException:
            after_commit.rollback()
            raise


def run_inline(app: Flask, name: str, kwargs: dict[str, Any]) -> None:
    """Run the job now, once: the request that queued it is waiting for its answer, so there
    is no retrying after a pause here. A failure is logged and parked like a worker's."""
    try:
        perform(app, name, kwargs)
    except Exception as error:
        log.exception("job %s failed", name)
        park(app, name, kwargs, summary(f"{type(error).__name__}: {error}"), attempts=1)


def park(
    app: Flask,
    name: str,
    kwargs: dict[str, Any],
    error: str,
    *,
    attempts: int,
    rq_job_id: str | None = None,
) -> None:
    """Record a job whose last attempt failed, in a transaction of its own (the job's own was
    rolled back). Reported twice for one RQ job, it stays one row."""
    import sqlalchemy as sa

    from mentorhub.jobs.models import FailedJob

    with app.app_context():
        row = None
        if rq_job_id is not None:
            row = db.session.scalar(sa.select(FailedJob).where(FailedJob.rq_job_id == rq_job_id))
        if row is None:
            row = FailedJob(name=name, kwargs=kwargs, rq_job_id=rq_job_id)
            db.session.add(row)
        row.error = error
        row.attempts = max(attempts, row.attempts or 0)
        after_commit.commit()
    log.warning("job %s parked after %d attempt(s): %s", name, attempts, error)


_ADDRESS = re.compile(r"[^\s<>@'\"]+@[^\s<>@'\"]+")


def summary(text: str) -> str:
    """One line for the failed-jobs page: the last line of a traceback, with mail addresses
    masked (an SMTP refusal names its recipient) and cut to fit."""
    lines = [line.strip() for line in (text or "").strip().splitlines() if line.strip()]
    line = lines[-1] if lines else ""
    return _ADDRESS.sub("…@…", line)[:300]
