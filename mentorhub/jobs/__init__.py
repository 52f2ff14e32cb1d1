"""Background jobs: work that follows a commit, run by a worker process or in-process.

A job is a function registered by name, in the module that owns the work:

    @jobs.job("mail.send", retries=3)
    def send(mail_id: int) -> None: ...

and queued by a service with `jobs.enqueue("mail.send", mail_id=mail.id)`. The job is handed
on only after the caller's transaction commits (through `mentorhub/after_commit.py`), never
for one rolled back, so it always finds what the service stored. A job's arguments are ids and
plain values (they must survive JSON): it loads what it needs, so Redis and the failed-jobs
page never hold a pupil's data.

Where it runs (`JOBS_BACKEND`; by default `rq` when `REDIS_URL` is set, else `inline`):
- `rq`: on an RQ queue in Redis (`JOBS_QUEUE`), retried up to `retries` times with the waits
  `JOBS_RETRY_INTERVALS`, run by `flask mentorhub jobs-worker` (`mentorhub/jobs/worker.py`).
- `inline` (the pilot, `make run`, most tests): in this process right after the commit, once;
  a `long` job (a matching run) after the request has answered, in a greenlet of its own
  (`mentorhub/offload.py`).

Either way a job runs in an app context of its own, with a fresh session, and commits once at
its end (then runs what it queued in turn) or rolls back. A job whose last attempt fails is
parked in `failed_jobs` (`mentorhub/jobs/models.py`), which the coordinator's page
`/programme/jobs` lists with "try again" and "remove".
"""

from __future__ import annotations

import json
import logging
import uuid
from typing import Any

import sqlalchemy as sa
from flask import current_app

from mentorhub import after_commit, offload
from mentorhub.extensions import db
from mentorhub.jobs.core import (
    Job,
    backend,
    job,
    park,
    perform,
    registered,
    run_inline,
    summary,
)
from mentorhub.jobs.models import PendingJob

log = logging.getLogger("mentorhub.jobs")

__all__ = [
    "Job",
    "backend",
    "enqueue",
    "handed_on",
    "job",
    "park",
    "perform",
    "progress",
    "registered",
    "run_inline",
    "summary",
]


def enqueue(name: str, **kwargs: Any) -> None:
    """Queue the job `name` with `kwargs` for after the current transaction commits.

    Unknown names and arguments JSON cannot carry fail here, in the caller, not in a worker.
    On RQ the job is also written to `pending_jobs` in the caller's transaction, so a hand-on
    that fails after the commit is made again by the scheduler's sweep."""
    if name not in registered():
        raise KeyError(f"no job {name!r} is registered")
    kwargs = json.loads(json.dumps(kwargs))  # plain values only, as a worker will see them
    pending_id = None
    if backend(current_app.config) == "rq":
        pending_id = str(uuid.uuid4())
        db.session.add(PendingJob(id=pending_id, name=name, kwargs=kwargs))
    after_commit.after_commit(_hand_on, name, kwargs, pending_id)


def _hand_on(name: str, kwargs: dict[str, Any], pending_id: str | None = None) -> None:
    app = current_app._get_current_object()
    if pending_id is None:
        if registered()[name].long:
            offload.after_the_answer(run_inline, app, name, kwargs)
        else:
            run_inline(app, name, kwargs)
        return
    from mentorhub.jobs import rq_backend

    rq_backend.put(app, name, kwargs)
    handed_on([pending_id])


def handed_on(pending_ids: list[str]) -> None:
    """Forget the pending rows of jobs Redis now holds: on a connection of its own, since the
    request's transaction is already committed and its session may be used again."""
    if pending_ids:
        with db.engine.begin() as connection:
            connection.execute(sa.delete(PendingJob).where(PendingJob.id.in_(pending_ids)))


def progress(stage: str, done: int, total: int) -> None:
    """Report how far the running job has got (in its RQ meta, for a page to show; logged when
    inline). For long jobs such as a matching run."""
    from mentorhub.jobs import rq_backend

    if not rq_backend.report_progress(stage, done, total):
        log.info("job progress: %s %d/%d", stage, done, total)
