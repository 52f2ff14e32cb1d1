"""What the job queue keeps in the database: failed jobs (both backends) and scheduled runs."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from mentorhub.extensions import db
from mentorhub.timeutil import utcnow


class FailedJob(db.Model):
    """A job that failed its last attempt and is parked until a coordinator tries it again or
    removes it. Holds what the job was called with (ids and plain values, never a mail body:
    see `mentorhub/mail.py`) and a one-line error summary, not a traceback."""

    __tablename__ = "failed_jobs"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(80))
    kwargs: Mapped[dict[str, Any]] = mapped_column(sa.JSON, default=dict)
    error: Mapped[str] = mapped_column(sa.String(300), default="")
    attempts: Mapped[int] = mapped_column(default=1)
    failed_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    # The RQ job's id in rq mode (None inline): a failure reported twice for one RQ job (by the
    # worker and by the registry's clean-up of an abandoned job) is one row.
    rq_job_id: Mapped[str | None] = mapped_column(sa.String(64), unique=True)


class ScheduledRun(db.Model):
    """One scheduled job's run for one period ("goals.checkin_prompts" in week 2026-W49). The
    unique pair is the claim: a second scheduler that tries the same run fails to insert it
    and enqueues nothing, so running the scheduler twice sends nothing twice."""

    __tablename__ = "scheduled_runs"
    __table_args__ = (sa.UniqueConstraint("name", "period"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(80))
    period: Mapped[str] = mapped_column(sa.String(40))
    enqueued_at: Mapped[datetime] = mapped_column(default=utcnow)


class PendingJob(db.Model):
    """A job on its way to the RQ queue: written in the transaction that queued it, deleted
    once Redis has it. Without it, a job whose hand-on failed after the commit (Redis down or
    restarting, the web worker killed in between) would be lost with nothing said, and a
    matching run would stay "queued" for ever. The scheduler's sweep (`schedule.sweep`) hands
    on again any row older than `JOBS_HANDOFF_GRACE` seconds. A hand-on that reached Redis but
    whose delete was lost is handed on twice, so jobs must be safe to run twice (they are,
    see each job)."""

    __tablename__ = "pending_jobs"

    id: Mapped[str] = mapped_column(sa.String(36), primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(80))
    kwargs: Mapped[dict[str, Any]] = mapped_column(sa.JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
