"""Work that may happen only once the transaction that caused it is committed.

Broadcasts, cutting a socket off, mail over SMTP and notification fan-out must never happen for
an action that is then rolled back, and must not happen before the change is visible to
whoever reacts to them (a re-join must already see a removal). So whoever causes such work,
a service as much as a view or a socket event, queues it with the one entry point

    after_commit(fn, *args, **kwargs)

and the one place per entry point that commits (`commit_and_secure` for HTTP, the event helper
in `mentorhub/chat/events.py` for Socket.IO, the CLI commands) calls `commit()`, which commits
and then runs what was queued, in order. Every rollback of the session (`db.session.rollback()`,
wherever it is called) drops what was queued since the last commit.

The queue lives on the SQLAlchemy session (`session.info`), which is per request / socket
event / CLI command. A commit moves the queued work to a "committed" list, so work stays
queued only while it can still be rolled back. Background jobs (`mentorhub/jobs/`) are queued
here too: `jobs.enqueue` hands the job to the queue, or runs it inline, from `run_committed`.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable

import sqlalchemy as sa
from sqlalchemy import orm

from mentorhub.extensions import db

log = logging.getLogger("mentorhub.after_commit")

_PENDING = "mentorhub.after_commit.pending"
_COMMITTED = "mentorhub.after_commit.committed"


def after_commit(fn: Callable, *args, **kwargs) -> None:
    """Run `fn(*args, **kwargs)` after the current transaction commits; never if it rolls back."""
    session = db.session()
    if not session.in_transaction():
        # Queued work belongs to a transaction, even when nothing was written yet (an SMTP
        # mail): without one, a rollback would be a no-op that fires no event to drop it.
        session.begin()
    session.info.setdefault(_PENDING, []).append(functools.partial(fn, *args, **kwargs))


def after_commit_once(fn: Callable) -> None:
    """Run `fn()` after the current transaction commits, once however often it is asked for
    within the transaction (a recount that every written row asks for)."""
    queued = db.session().info.get(_PENDING, [])
    if not any(isinstance(task, functools.partial) and task.func is fn for task in queued):
        after_commit(fn)


def commit() -> None:
    """Commit the session, then run the work queued for after the commit."""
    db.session.commit()
    run_committed()


def rollback() -> None:
    """Roll the session back; the queued work goes with it."""
    db.session.rollback()


def run_committed() -> None:
    """Run the work whose transaction has committed. A task that fails is logged, not raised:
    the change it followed is stored, and the answer to the user says so."""
    done = db.session.info.pop(_COMMITTED, [])
    for task in done:
        try:
            task()
        except Exception:
            log.exception("after-commit task %r failed", task)


def pending() -> int:
    """How many tasks wait for the current transaction (for tests and logging)."""
    return len(db.session.info.get(_PENDING, []))


@sa.event.listens_for(orm.Session, "after_commit")
def _committed(session: orm.Session) -> None:
    queued = session.info.pop(_PENDING, [])
    if queued:
        session.info.setdefault(_COMMITTED, []).extend(queued)


@sa.event.listens_for(orm.Session, "after_soft_rollback")
def _rolled_back(session: orm.Session, previous_transaction) -> None:
    # Every Session.rollback() call, also when no SQL had been sent yet (after_rollback would
    # not fire then). A savepoint's rollback keeps the outer transaction's queue.
    if not previous_transaction.nested:
        session.info.pop(_PENDING, None)
