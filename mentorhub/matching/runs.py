"""A matching run as a background job: the coordinator's button records the run and queues the
job `matching.run`; the job reports its stages into the run's row and stores the proposal at
its end, in one transaction; the matching page follows the row (docs/architecture.md, jobs).

At nation scale the engine takes about 40 s, too long for a request. In the pilot (the inline
backend) the job still runs right after the request's commit, so the page shows the result at
once; on RQ the page polls the run's status until it is done.
"""

from __future__ import annotations

import logging
import time
from datetime import timedelta
from typing import Any

import sqlalchemy as sa
from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy.exc import IntegrityError

from mentorhub import jobs
from mentorhub.accounts.models import User
from mentorhub.errors import DomainError
from mentorhub.extensions import db
from mentorhub.matching import services
from mentorhub.matching.models import ACTIVE_RUN, RUN_STAGES, MatchingRun, RunStatus
from mentorhub.programme.models import Term
from mentorhub.timeutil import utcnow

log = logging.getLogger("mentorhub.matching")

ABANDONED = "abandoned"  # the error kind of a run whose job stopped without a word

STAGE_LABELS = {
    "queued": _l("Waiting to start"),
    "loading": _l("Loading pupils and offers"),
    "stage1": _l("Stage 1: choosing each pupil's mentor"),
    "stage2": _l("Stage 2: times and groups"),
    "exact": _l("Searching for the best possible matching"),
    "saving": _l("Saving the proposal"),
}


def _already_running() -> DomainError:
    return DomainError(_l("Matching is already running for this term. Wait until it has finished."))


def _abandoned(run: MatchingRun) -> bool:
    """A run not heard from for longer than a job may take has lost its job (a worker killed,
    a queue emptied): it must not block the term for ever."""
    limit = timedelta(seconds=int(current_app.config.get("JOBS_TIMEOUT", 600)))
    return (run.updated_at or run.created_at) < utcnow() - limit


def start(actor: User, term: Term) -> MatchingRun:
    """Record a run of the term's matching as queued and queue its job (after the commit).

    Refused while another run of the term is queued or running. The check here gives the
    refusal its words; the unique partial index `uq_matching_runs_active_term` makes it hold
    when two starts race (the second insert fails, and is refused the same way)."""
    active = db.session.scalars(
        sa.select(MatchingRun).where(
            MatchingRun.term_id == term.id, MatchingRun.status.in_(ACTIVE_RUN)
        )
    ).first()
    if active is not None:
        if not _abandoned(active):
            raise _already_running()
        _finish(active, RunStatus.FAILED, error=ABANDONED)
        db.session.flush()
    now = utcnow()
    run = MatchingRun(
        term_id=term.id,
        run_by_id=actor.id,
        status=RunStatus.QUEUED.value,
        created_at=now,
        updated_at=now,
    )
    db.session.add(run)
    try:
        db.session.flush()
    except IntegrityError:
        # A start that raced this one got in first. The transaction is spoilt: roll it back
        # (nothing was queued yet) and refuse as above.
        db.session.rollback()
        raise _already_running() from None
    jobs.enqueue("matching.run", run_id=run.id)
    return run


def _finish(run: MatchingRun, status: RunStatus, *, error: str | None = None) -> None:
    run.status, run.error = status.value, error
    run.updated_at = run.finished_at = utcnow()


def _report(run_id: int, stage: str) -> None:
    """Record that the run has reached `stage`, committed at once (the job's session holds
    nothing else yet), so the page polling it sees it."""
    done = RUN_STAGES.index(stage)
    run = db.session.get(MatchingRun, run_id)
    now = utcnow()
    run.status, run.stage, run.steps_done, run.updated_at = (
        RunStatus.RUNNING.value,
        stage,
        done,
        now,
    )
    run.started_at = run.started_at or now
    db.session.commit()
    jobs.progress(stage, done, len(RUN_STAGES))


@jobs.job("matching.run", retries=0, long=True)
def perform_run(run_id: int) -> None:
    """The job: load, solve (stage 1, stage 2), then store the proposal and mark the run done
    in one transaction (committed by the job runner). A failure marks the run failed, with the
    stage and the kind of error, and changes nothing else; it is then raised, so the failed-jobs
    page has it too. Not retried: the coordinator sees the failure and starts a new run.

    Safe to run twice: a run that is no longer queued (done, failed, given up) is left alone."""
    run = db.session.get(MatchingRun, run_id)
    if run is None or run.status != RunStatus.QUEUED.value:
        return
    term_id, actor_id = run.term_id, run.run_by_id
    loaded: services.Loaded | None = None
    try:
        _report(run_id, "loading")
        term = db.session.get(Term, term_id)
        loaded = services.load(term)
        db.session.commit()  # end the read: the engine needs no transaction open
        # the engine's time, its progress reports included (each a short commit)
        began = time.perf_counter()
        result = services.solve(loaded, on_stage=lambda stage: _report(run_id, stage))
        seconds = time.perf_counter() - began
        _report(run_id, "saving")
        run = db.session.get(MatchingRun, run_id)
        actor = db.session.get(User, actor_id)
        services.store(actor, db.session.get(Term, term_id), loaded, result, run, seconds)
        run.steps_done = len(RUN_STAGES)
        _finish(run, RunStatus.DONE)
        db.session.flush()
    except Exception as error:
        db.session.rollback()  # nothing of the run's proposal is kept, nor any figure
        run = db.session.get(MatchingRun, run_id)
        if loaded is not None:  # what it was given is true even though it failed
            services.note_inputs(run, loaded)
        _finish(run, RunStatus.FAILED, error=type(error).__name__[:80])
        db.session.commit()
        log.warning("matching run %d failed at %s: %s", run_id, run.stage, type(error).__name__)
        raise


def failure_text(run: MatchingRun) -> str:
    """Why the run failed, for the coordinator: the stage and the kind of error, never the
    error's message or a stack trace (the log has those)."""
    if run.error == ABANDONED:
        reason = _l("it stopped without finishing. Nothing was changed; you can run it again.")
    else:
        reason = _l(
            "an unexpected error (%(kind)s) during “%(stage)s”. Nothing was changed; you can "
            "run it again, and if it fails again, tell the operations team.",
            kind=run.error or "?",
            stage=STAGE_LABELS.get(run.stage or "queued", STAGE_LABELS["queued"]),
        )
    return str(_l("Matching failed: %(reason)s", reason=reason))


def outcome_text(run: MatchingRun) -> str:
    """The run's outcome in a few words, for the list of runs: done, failed with its reason
    (the kind of error and the stage, as `failure_text` has them), or still under way."""
    if run.status == RunStatus.DONE.value:
        return str(_l("Done"))
    if run.status == RunStatus.FAILED.value:
        if run.error == ABANDONED:
            return str(_l("Failed: it stopped without finishing"))
        return str(
            _l(
                "Failed: %(kind)s during “%(stage)s”",
                kind=run.error or "?",
                stage=STAGE_LABELS.get(run.stage or "queued", STAGE_LABELS["queued"]),
            )
        )
    if run.status == RunStatus.RUNNING.value:
        return str(_l("Running"))
    return str(STAGE_LABELS["queued"])


def state(run: MatchingRun) -> dict[str, Any]:
    """The run's state as the page's status poll reads it: plain values and a label."""
    total = len(RUN_STAGES)
    stage = run.stage if run.status == RunStatus.RUNNING.value else "queued"
    if run.status == RunStatus.DONE.value:
        label = str(_l("Matching has been run. Check the proposal and confirm it."))
    elif run.status == RunStatus.FAILED.value:
        label = failure_text(run)
    else:
        label = str(
            _l(
                "Matching is running: %(stage)s (step %(step)d of %(total)d).",
                stage=STAGE_LABELS.get(stage or "queued", STAGE_LABELS["queued"]),
                step=min(run.steps_done + 1, total),
                total=total,
            )
        )
    return {
        "id": run.id,
        "status": run.status,
        "stage": run.stage,
        "done": total if run.status == RunStatus.DONE.value else run.steps_done,
        "total": total,
        "finished": run.status not in ACTIVE_RUN,
        "label": label,
    }
