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
- `inline` (the pilot, `make run`, most tests): in this process right after the commit, once.

Either way a job runs in an app context of its own, with a fresh session, and commits once at
its end (then runs what it queued in turn) or rolls back. A job whose last attempt fails is
parked in `failed_jobs` (`mentorhub/jobs/models.py`), which the coordinator's page
`/programme/jobs` lists with "try again" and "remove".
"""

from __future__ import annotations

import json
import logging
from typing import Any

from flask import current_app

from mentorhub import after_commit
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

log = logging.getLogger("mentorhub.jobs")

__all__ = [
    "Job",
    "backend",
    "enqueue",
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

    Unknown names and arguments JSON cannot carry fail here, in the caller, not in a worker."""
    if name not in registered():
        raise KeyError(f"no job {name!r} is registered")
    kwargs = json.loads(json.dumps(kwargs))  # plain values only, as a worker will see them
    after_commit.after_commit(_hand_on, name, kwargs)


def _hand_on(name: str, kwargs: dict[str, Any]) -> None:
    app = current_app._get_current_object()
    if backend(app.config) == "rq":
        from mentorhub.jobs import rq_backend

        rq_backend.put(app, name, kwargs)
    else:
        run_inline(app, name, kwargs)


def progress(stage: str, done: int, total: int) -> None:
    """Report how far the running job has got (in its RQ meta, for a page to show; logged when
    inline). For long jobs such as a matching run."""
    from mentorhub.jobs import rq_backend

    if not rq_backend.report_progress(stage, done, total):
        log.info("job progress: %s %d/%d", stage, done, total)
