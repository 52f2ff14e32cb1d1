"""The failed-jobs page: what is parked, trying a job again, removing it."""

from __future__ import annotations

import contextlib

import sqlalchemy as sa
from flask import current_app

from mentorhub import jobs
from mentorhub.after_commit import after_commit
from mentorhub.errors import Missing
from mentorhub.extensions import db
from mentorhub.jobs.models import FailedJob


def failed(limit: int = 200) -> list[FailedJob]:
    """The parked jobs, newest first."""
    return list(
        db.session.scalars(
            sa.select(FailedJob)
            .order_by(FailedJob.failed_at.desc(), FailedJob.id.desc())
            .limit(limit)
        )
    )


def failed_count() -> int:
    """How many jobs are parked (the programme overview's card)."""
    return db.session.scalar(sa.select(sa.func.count(FailedJob.id)))


def _load(failed_id: int) -> FailedJob:
    row = db.session.get(FailedJob, failed_id)
    if row is None:
        raise Missing()
    return row


def try_again(failed_id: int) -> str:
    """Queue the parked job again, as new, with the arguments it had (after the commit), and
    take it off the list; if it fails again it is parked again. Returns the job's name."""
    row = _load(failed_id)
    name = row.name
    jobs.enqueue(name, **(row.kwargs or {}))
    _forget(row)
    return name


def remove(failed_id: int) -> str:
    """Take the parked job off the list without running it. Returns the job's name."""
    row = _load(failed_id)
    name = row.name
    _forget(row)
    return name


def _forget(row: FailedJob) -> None:
    if row.rq_job_id and jobs.backend(current_app.config) == "rq":
        after_commit(_delete_rq_job, current_app._get_current_object(), row.rq_job_id)
    db.session.delete(row)
    db.session.flush()


def _delete_rq_job(app, rq_job_id: str) -> None:
    from rq.exceptions import NoSuchJobError
    from rq.job import Job

    from mentorhub.jobs import rq_backend

    with contextlib.suppress(NoSuchJobError):  # expired from Redis already
        Job.fetch(rq_job_id, connection=rq_backend.connection(app.config)).delete()
