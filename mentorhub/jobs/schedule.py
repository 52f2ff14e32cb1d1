"""Jobs that run on a clock, declared here and nowhere else, and the scheduler that queues them.

`flask mentorhub jobs-scheduler` calls `sweep` (jobs whose hand-on to Redis failed after their
commit, see `PendingJob`) and `enqueue_due` every `JOBS_SCHEDULER_SECONDS`: for each
entry it works out the period now due (the week of the latest Monday 07:00, the day of the
latest 03:00, Stockholm time) and claims that run by inserting a `ScheduledRun` row, unique per
(job, period), in the same transaction that queues the job. A second scheduler, or the same one
run again, fails to insert the claim, rolls back, and so queues nothing: no double sends. The
jobs are also safe to run twice for one period on their own (a retried job), see each job.

A scheduler started after a due time catches up on the latest period only, never a backlog.

Not here: early warnings. They are worked out from the records each time the review is read
(`mentorhub/progress/warnings.py`), nothing is cached, so there is nothing to recompute.
"""

from __future__ import annotations

import logging
import time as clock
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from flask import Flask, current_app
from sqlalchemy.exc import IntegrityError

from mentorhub import after_commit, jobs
from mentorhub.extensions import db
from mentorhub.jobs.models import PendingJob, ScheduledRun

log = logging.getLogger("mentorhub.jobs.schedule")
STOCKHOLM = ZoneInfo("Europe/Stockholm")
UTC = ZoneInfo("UTC")


@dataclass(frozen=True)
class Scheduled:
    job: str
    every: str  # "week" or "day"
    at: time  # Stockholm time
    weekday: int = 0  # for "week": 0 is Monday


SCHEDULE: tuple[Scheduled, ...] = (
    # the pupils' weekly check-in prompt, as the school week starts
    Scheduled("goals.checkin_prompts", "week", time(7, 0), weekday=0),
    # anonymising pupils past RETENTION_MONTHS (what `flask mentorhub retention` does)
    Scheduled("privacy.retention", "day", time(3, 0)),
)


def period(entry: Scheduled, now: datetime) -> str:
    """The period whose run is due at `now` (naive UTC): "2026-W49" or "2026-12-03"."""
    local = now.replace(tzinfo=UTC).astimezone(STOCKHOLM)
    if entry.every == "day":
        due = datetime.combine(local.date(), entry.at, tzinfo=STOCKHOLM)
        day = local.date() if local >= due else local.date() - timedelta(days=1)
        return day.isoformat()
    if entry.every == "week":
        monday = local.date() - timedelta(days=local.weekday())
        day = monday + timedelta(days=entry.weekday)
        if local < datetime.combine(day, entry.at, tzinfo=STOCKHOLM):
            day -= timedelta(days=7)
        year, week, _ = day.isocalendar()
        return f"{year}-W{week:02d}"
    raise ValueError(f"unknown schedule {entry.every!r}")


def enqueue_due(now: datetime, schedule: tuple[Scheduled, ...] = SCHEDULE) -> list[str]:
    """Claim and queue every run due at `now` that nobody has claimed; each in a transaction
    of its own. Returns what this call queued ("job@period")."""
    queued = []
    for entry in schedule:
        key = period(entry, now)
        db.session.add(ScheduledRun(name=entry.job, period=key))
        jobs.enqueue(entry.job, period=key)
        try:
            after_commit.commit()
        except IntegrityError:
            after_commit.rollback()  # claimed already: the queued job goes with the rollback
            continue
        queued.append(f"{entry.job}@{key}")
        log.info("scheduled %s for %s", entry.job, key)
    return queued


def sweep(now: datetime, grace: float) -> list[str]:
    """Hand on again every job whose hand-on to Redis has not been confirmed `grace` seconds
    after it was queued (see `PendingJob`). Returns the names handed on. A job Redis still
    refuses stays pending for the next sweep."""
    due = db.session.execute(
        sa.select(PendingJob.id, PendingJob.name, PendingJob.kwargs, PendingJob.created_at)
        .where(PendingJob.created_at < now - timedelta(seconds=grace))
        .order_by(PendingJob.created_at)
        .limit(SWEEP_BATCH)
    ).all()
    db.session.rollback()  # nothing held open while Redis is asked
    if not due:
        return []
    from mentorhub.jobs import rq_backend

    app = current_app._get_current_object()
    done: list[str] = []
    try:
        for row in due:
            rq_backend.put(app, row.name, row.kwargs)
            done.append(row.id)
            log.warning("handed on again: %s (queued %s)", row.name, row.created_at)
    finally:
        jobs.handed_on(done)
    return [row.name for row in due if row.id in done]


SWEEP_BATCH = 500


def run_forever(app: Flask, every: float) -> None:
    """The scheduler's loop (stopped by a signal)."""
    from mentorhub.timeutil import utcnow

    while True:
        with app.app_context():
            try:
                sweep(utcnow(), float(app.config.get("JOBS_HANDOFF_GRACE", 60)))
                enqueue_due(utcnow())
            except Exception:
                log.exception("scheduler pass failed; trying again in %s s", every)
                after_commit.rollback()
        clock.sleep(every)
