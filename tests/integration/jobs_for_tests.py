"""Jobs only the tests register: one that fails while told to, one that writes a row and then
holds its transaction open until its process is killed. Imported by `test_jobs.py` and by the
worker process it starts (`tests/jobs_worker.py`), so both know them by name."""

from __future__ import annotations

import os

import redis

from mentorhub import jobs
from mentorhub.extensions import db
from mentorhub.mail import OutboxMail


def signals() -> redis.Redis:
    """The Redis the test and its jobs talk through (keys under the test run's marker)."""
    return redis.Redis.from_url(os.environ.get("TEST_JOBS_REDIS", "redis://127.0.0.1:6379/0"))


@jobs.job("test.flaky", retries=2)
def flaky(marker: str) -> None:
    """Counts its runs; fails while `<marker>:broken` is set, else stores a row."""
    r = signals()
    r.incr(f"{marker}:runs")
    if r.exists(f"{marker}:broken"):
        raise RuntimeError("the mail server at smtp.example.se refused anna@example.se")
    db.session.add(OutboxMail(recipient="done@example.se", subject=marker, body="done"))


def _write_then_hold(marker: str) -> None:
    r = signals()
    run = r.incr(f"{marker}:runs")
    db.session.add(OutboxMail(recipient="held@example.se", subject=f"{marker}:{run}", body="half"))
    db.session.flush()  # written, not committed
    if run == 1:
        r.rpush(f"{marker}:holding", os.getpid())
        r.blpop(f"{marker}:never", timeout=120)  # holds the transaction open until killed


jobs.job("test.write_then_hold", retries=1)(_write_then_hold)
jobs.job("test.write_then_hold_once", retries=0)(_write_then_hold)
