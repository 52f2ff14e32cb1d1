"""A real RQ worker process for the tests: the app's own forking worker
(`mentorhub.jobs.rq_backend.JobWorker`), as `flask mentorhub jobs-worker --burst` runs it, with
the tests' jobs registered too. Settings come from the environment (DATABASE_URL, REDIS_URL,
JOBS_QUEUE, ...), as for the real command.

    python -m tests.jobs_worker
"""

from __future__ import annotations

import tests.integration.jobs_for_tests  # noqa: F401  (registers the tests' jobs)
from mentorhub import create_app
from mentorhub.jobs import rq_backend

if __name__ == "__main__":
    app = create_app()
    with app.app_context():
        rq_backend.worker(app).work(burst=True)
