"""Background jobs (mentorhub/jobs/): handed on only after the commit, retried and then parked
where the coordinator sees them, safe when a worker dies mid-job, scheduled once per period.

The rq tests use the real Redis on 127.0.0.1:6379 with a queue of their own per test, real RQ
workers (in this process, or a real worker process that is killed with SIGKILL), and the real
database built by the migrations.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import uuid
from datetime import datetime
from pathlib import Path

import pytest
import sqlalchemy as sa
from rq.job import Job

from mentorhub import after_commit, jobs, mail
from mentorhub.accounts.models import Role
from mentorhub.extensions import db
from mentorhub.goals.models import Goal
from mentorhub.jobs import rq_backend, schedule
from mentorhub.jobs.models import FailedJob, ScheduledRun
from mentorhub.mail import OutboxMail
from mentorhub.notifications.models import Notification
from tests.integration import test_after_commit
from tests.integration.jobs_for_tests import signals

ROOT = Path(__file__).resolve().parents[2]
smtp = test_after_commit.smtp  # the fixture: a local SMTP server that records each mail
REDIS_URL = "redis://127.0.0.1:6379/0"


@pytest.fixture
def marker() -> str:
    """A name of this test's own for its Redis keys; they are deleted afterwards."""
    name = f"mentorhub-test-{uuid.uuid4().hex[:12]}"
    yield name
    r = signals()
    for key in r.scan_iter(f"{name}:*"):
        r.delete(key)


@pytest.fixture
def rq_mode(app, marker):
    """The app with JOBS_BACKEND=rq on a queue of this test's own, retries without waiting."""
    keys = ("JOBS_BACKEND", "REDIS_URL", "JOBS_QUEUE", "JOBS_RETRY_INTERVALS")
    old = {k: app.config.get(k) for k in keys}
    app.config.update(
        JOBS_BACKEND="rq", REDIS_URL=REDIS_URL, JOBS_QUEUE=marker, JOBS_RETRY_INTERVALS="0"
    )
    queue = rq_backend.queue(app.config)
    yield queue
    registries = (
        queue.failed_job_registry,
        queue.started_job_registry,
        queue.finished_job_registry,
        queue.scheduled_job_registry,
    )
    for job_id in {*queue.job_ids, *(i for r in registries for i in r.get_job_ids())}:
        job = (
            Job.fetch(job_id, connection=queue.connection)
            if Job.exists(job_id, queue.connection)
            else None
        )
        if job is not None:
            job.delete()
    queue.delete(delete_jobs=True)
    queue.connection.delete(f"rq:workers:{queue.name}")  # workers' registration (a killed one's)
    app.config.update(old)


def work(app) -> None:
    """Run every job queued now (and their retries) with an RQ worker in this process."""
    with app.app_context():
        rq_backend.worker(app, in_process=True).work(burst=True)


def failed_jobs(app) -> list[FailedJob]:
    with app.app_context():
        rows = db.session.scalars(sa.select(FailedJob).order_by(FailedJob.id)).all()
        for row in rows:
            db.session.expunge(row)
        return list(rows)


# --- after the commit, never after a rollback --------------------------------------------------


def test_a_mail_is_queued_only_once_its_transaction_commits_and_never_after_a_rollback(
    app, rq_mode, smtp, outbox
):
    with app.app_context():
        # given an action that sent a mail and was then rolled back
        mail.send("alva@example.se", "Hej", "en rad")
        after_commit.rollback()
        # when the next action sends one and commits
        mail.send("noah@example.se", "Hej", "en rad")
        assert rq_queue_count(rq_mode) == 0  # nothing is queued before the commit
        after_commit.commit()
    # then exactly the committed mail's job is on the queue, carrying only the row's id
    assert rq_queue_count(rq_mode) == 1
    (job,) = rq_mode.get_jobs()
    assert job.args[0] == "mail.send" and list(job.args[1]) == ["mail_id"]
    assert smtp == []
    # and a worker sends it and deletes the stored copy
    work(app)
    assert smtp == [["noah@example.se"]]
    assert outbox() == []


def test_a_mail_sent_by_a_request_reaches_the_queue_after_the_request_commits(
    app, rq_mode, smtp, client, mentor
):
    # when someone asks for a password reset
    response = client.post("/password/forgot", data={"email": mentor.email})
    # then the request committed the reset and queued its mail, which a worker sends
    assert response.status_code == 302
    assert rq_queue_count(rq_mode) == 1
    work(app)
    assert smtp == [[mentor.email]]


def test_a_job_whose_hand_on_failed_after_the_commit_is_handed_on_again_by_the_sweep(
    app, rq_mode, smtp, outbox
):
    from datetime import timedelta

    from mentorhub.jobs.models import PendingJob
    from mentorhub.timeutil import utcnow

    with app.app_context():
        # given a mail committed while Redis cannot be reached (down, or restarting)
        app.config["REDIS_URL"] = "redis://127.0.0.1:1/0"
        try:
            mail.send("alva@example.se", "Hej", "en rad")
            after_commit.commit()  # the hand-on fails after the commit: logged, not raised
        finally:
            app.config["REDIS_URL"] = REDIS_URL
        # then the job is not on the queue, but it is not lost either
        assert rq_queue_count(rq_mode) == 0
        assert db.session.scalar(sa.select(sa.func.count()).select_from(PendingJob)) == 1
        # when the scheduler sweeps before the grace is over, it leaves the job alone
        assert schedule.sweep(utcnow(), grace=60) == []
        # and when it sweeps after, with Redis back, the job is handed on and forgotten
        later = utcnow() + timedelta(seconds=61)
        assert schedule.sweep(later, grace=60) == ["mail.send"]
        assert db.session.scalar(sa.select(sa.func.count()).select_from(PendingJob)) == 0
    assert rq_queue_count(rq_mode) == 1
    # and a worker sends the mail, once
    work(app)
    assert smtp == [["alva@example.se"]]
    with app.app_context():
        assert schedule.sweep(utcnow() + timedelta(seconds=61), grace=60) == []


def test_a_job_handed_on_at_once_leaves_nothing_pending(app, rq_mode, smtp):
    from mentorhub.jobs.models import PendingJob

    with app.app_context():
        mail.send("noah@example.se", "Hej", "en rad")
        after_commit.commit()
        assert db.session.scalar(sa.select(sa.func.count()).select_from(PendingJob)) == 0
    assert rq_queue_count(rq_mode) == 1


def test_inline_jobs_run_right_after_the_commit_so_the_outbox_is_filled_at_once(
    app, client, mentor, outbox
):
    assert jobs.backend(app.config) == "inline"  # no Redis in the tests' settings
    client.post("/password/forgot", data={"email": mentor.email})
    assert [m.recipient for m in outbox()] == [mentor.email]


def rq_queue_count(queue) -> int:
    return queue.count


# --- failing, retried, parked, tried again ---------------------------------------------------


def test_a_failing_job_is_retried_then_parked_on_the_coordinators_page_and_runs_again(
    app, rq_mode, marker, login_as, coordinator, outbox
):
    r = signals()
    r.set(f"{marker}:broken", 1)
    with app.app_context():
        jobs.enqueue("test.flaky", marker=marker)
        after_commit.commit()
    # when a worker runs it while it keeps failing
    work(app)
    # then it was tried once and retried twice (retries=2), and is parked with a summary
    assert int(r.get(f"{marker}:runs")) == 3
    (parked,) = failed_jobs(app)
    assert (parked.name, parked.attempts) == ("test.flaky", 3)
    assert parked.error.startswith("RuntimeError: the mail server")
    assert "anna@example.se" not in parked.error  # addresses are masked
    # and the coordinator finds it from the programme's overview
    client = login_as(coordinator)
    assert 'href="/programme/jobs"' in client.get("/programme/").get_data(as_text=True)
    page = client.get("/programme/jobs").get_data(as_text=True)
    assert "test.flaky" in page and "RuntimeError: the mail server" in page
    assert marker not in page  # the job's arguments are not shown
    # when the fault is fixed and the coordinator tries it again
    r.delete(f"{marker}:broken")
    assert client.post(f"/programme/jobs/{parked.id}/retry").status_code == 302
    assert failed_jobs(app) == []
    assert rq_queue_count(rq_mode) == 1
    work(app)
    # then it ran again, and this time did its work
    assert int(r.get(f"{marker}:runs")) == 4
    assert [m.subject for m in outbox()] == [marker]
    assert failed_jobs(app) == []


def test_a_failing_inline_job_is_parked_and_removing_it_does_not_run_it(
    app, marker, login_as, coordinator, outbox
):
    r = signals()
    r.set(f"{marker}:broken", 1)
    with app.app_context():
        jobs.enqueue("test.flaky", marker=marker)
        after_commit.commit()
    # inline, a failure is tried once (the caller is waiting) and parked the same way
    (parked,) = failed_jobs(app)
    assert (parked.name, parked.attempts, parked.rq_job_id) == ("test.flaky", 1, None)
    client = login_as(coordinator)
    assert client.post(f"/programme/jobs/{parked.id}/remove").status_code == 302
    assert failed_jobs(app) == []
    assert int(r.get(f"{marker}:runs")) == 1
    assert "Inga misslyckade jobb." in client.get("/programme/jobs").get_data(as_text=True)


def test_the_failed_jobs_buttons_need_the_forms_csrf_token(app, marker, login_as, coordinator):
    with app.app_context():
        db.session.add(FailedJob(name="test.flaky", kwargs={"marker": marker}, error="x"))
        after_commit.commit()
    (parked,) = failed_jobs(app)
    client = login_as(coordinator)
    app.config["WTF_CSRF_ENABLED"] = True  # (the suite's clean-up turns it off again)
    assert client.post(f"/programme/jobs/{parked.id}/retry").status_code == 400
    assert len(failed_jobs(app)) == 1


# --- a worker killed mid-job -----------------------------------------------------------------


def _worker_process(app, database_url: str, queue_name: str) -> subprocess.Popen:
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "REDIS_URL": REDIS_URL,
        "JOBS_BACKEND": "rq",
        "JOBS_QUEUE": queue_name,
        "JOBS_RETRY_INTERVALS": "0",
        "SECRET_KEY": "test-secret",
        "MAIL_BACKEND": "outbox",
        "SOCKETIO_CHANNEL": f"{queue_name}-socketio",
        "RATELIMIT_STORAGE_URI": "memory://",
    }
    return subprocess.Popen(
        [sys.executable, "-m", "tests.jobs_worker"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )


def _kill_while_holding(app, database_url, rq_mode, marker, name) -> str:
    """Queue job `name`, start a real worker process, SIGKILL the process running the job
    while it holds a written, uncommitted row, and wait for the worker to finish."""
    with app.app_context():
        jobs.enqueue(name, marker=marker)
        after_commit.commit()
    worker = _worker_process(app, database_url, rq_mode.name)
    try:
        held = signals().blpop(f"{marker}:holding", timeout=120)
        assert held is not None, worker.stdout.read().decode() if worker.poll() else "no job"
        os.kill(int(held[1]), signal.SIGKILL)  # the work horse, mid-transaction
        output, _ = worker.communicate(timeout=120)
    finally:
        if worker.poll() is None:
            worker.kill()
            worker.wait()
    assert worker.returncode == 0, output.decode()
    return output.decode()


def _rows(app, marker) -> list[str]:
    with app.app_context():
        return list(
            db.session.scalars(
                sa.select(OutboxMail.subject).where(OutboxMail.subject.startswith(marker))
            )
        )


def test_a_job_killed_mid_transaction_leaves_no_half_written_row_and_is_retried(
    app, database_url, rq_mode, marker
):
    _kill_while_holding(app, database_url, rq_mode, marker, "test.write_then_hold")
    # the killed run's row was never committed; the retry's was
    assert _rows(app, marker) == [f"{marker}:2"]
    assert failed_jobs(app) == []


def test_a_job_killed_with_no_retries_left_is_parked_visibly(
    app, database_url, rq_mode, marker, login_as, coordinator
):
    _kill_while_holding(app, database_url, rq_mode, marker, "test.write_then_hold_once")
    assert _rows(app, marker) == []
    (parked,) = failed_jobs(app)
    assert (parked.name, parked.attempts) == ("test.write_then_hold_once", 1)
    assert "terminated unexpectedly" in parked.error
    page = login_as(coordinator).get("/programme/jobs").get_data(as_text=True)
    assert "test.write_then_hold_once" in page


def test_a_job_whose_whole_worker_died_is_parked_by_the_next_workers_clean_up(
    app, database_url, rq_mode, marker
):
    # given a worker process and its work horse both killed while the job holds its row
    with app.app_context():
        jobs.enqueue("test.write_then_hold_once", marker=marker)
        after_commit.commit()
    worker = _worker_process(app, database_url, rq_mode.name)
    try:
        held = signals().blpop(f"{marker}:holding", timeout=120)
        assert held is not None, "the job never started"
        os.kill(worker.pid, signal.SIGKILL)
        os.kill(int(held[1]), signal.SIGKILL)
    finally:
        worker.kill()
        worker.communicate()
    assert failed_jobs(app) == []  # nobody has noticed yet
    # when another worker's maintenance finds the job's time is up (RQ's own clean-up, run
    # with the clock past the job's timeout instead of waiting for it)
    with app.app_context():
        rq_mode.started_job_registry.cleanup(timestamp=time.time() + 24 * 3600)
    # then the job is parked, and its half-written row is not there
    (parked,) = failed_jobs(app)
    assert (parked.name, parked.error) == (
        "test.write_then_hold_once",
        "AbandonedJobError: the worker running it stopped",
    )
    assert _rows(app, marker) == []


# --- the schedule ----------------------------------------------------------------------------

MONDAY_MORNING = datetime(2026, 11, 30, 8, 0)  # 09:00 in Stockholm, week 2026-W49


def test_running_the_scheduler_twice_queues_each_due_job_once(app, rq_mode):
    runner = app.test_cli_runner()
    # when the scheduler runs, and runs again (a second copy, or a restart)
    first = runner.invoke(args=["mentorhub", "jobs-scheduler", "--once"])
    second = runner.invoke(args=["mentorhub", "jobs-scheduler", "--once"])
    # then every scheduled job was queued once, by the first
    assert first.exit_code == 0 and second.exit_code == 0, first.output + second.output
    assert first.output.count("queued ") == len(schedule.SCHEDULE)
    assert "queued" not in second.output
    assert sorted(j.args[0] for j in rq_mode.get_jobs()) == sorted(e.job for e in schedule.SCHEDULE)
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(ScheduledRun.id))) == len(
            schedule.SCHEDULE
        )


def test_the_weekly_check_in_prompt_reaches_each_pupil_once_a_week(app, make_user):
    pupil = make_user(Role.PUPIL, name="Alva Lindgren")
    with app.app_context():
        db.session.add(Goal(pupil_id=pupil.id, title="Läsa en bok i veckan"))
        after_commit.commit()
        # the scheduler runs twice on Monday morning (inline: the job runs at once)
        schedule.enqueue_due(MONDAY_MORNING)
        schedule.enqueue_due(MONDAY_MORNING)
        # and the job itself runs again for that week (a retried job)
        jobs.enqueue("goals.checkin_prompts", period="2026-W49")
        after_commit.commit()
        prompts = db.session.scalars(
            sa.select(Notification).where(Notification.kind == "goal.checkin_prompt")
        ).all()
        assert [(n.user_id, n.params) for n in prompts] == [(pupil.id, {"week": "2026-W49"})]


def test_a_schedule_is_due_from_its_time_in_stockholm():
    weekly, daily = schedule.SCHEDULE
    # Monday 06:59 in Stockholm still belongs to last week's run; 07:00 starts this week's
    assert schedule.period(weekly, datetime(2026, 11, 30, 5, 59)) == "2026-W48"
    assert schedule.period(weekly, datetime(2026, 11, 30, 6, 0)) == "2026-W49"
    assert schedule.period(daily, datetime(2026, 12, 3, 1, 59)) == "2026-12-02"
    assert schedule.period(daily, datetime(2026, 12, 3, 2, 0)) == "2026-12-03"


def test_progress_is_stored_on_the_running_rq_job(app, rq_mode, marker):
    with app.app_context():
        job = rq_mode.enqueue(_report_progress, meta={})
    work(app)
    assert Job.fetch(job.id, connection=rq_mode.connection).get_meta()["progress"] == {
        "stage": "solving",
        "done": 3,
        "total": 10,
    }


def _report_progress() -> None:
    jobs.progress("solving", 3, 10)


def test_a_notifications_mail_job_run_twice_mails_each_notification_once(app, make_user, outbox):
    from mentorhub.notifications.models import Notification

    # given a notification for a pupil, to be mailed
    PARAMS = {"mentor": "Anna Bergström", "area": "Matematik"}  # noqa: N806
    pupil = make_user(Role.PUPIL)
    with app.app_context():
        row = Notification(user_id=pupil.id, kind="match.confirmed.pupil", params=PARAMS, link="/")
        db.session.add(row)
        db.session.commit()
        notification_id = row.id
    # when its job runs, and runs again (handed on twice: the first hand-on's delete was lost)
    for _ in range(2):
        jobs.perform(app, "notifications.mail", {"notification_ids": [notification_id]})
    # then one mail was written, and the notification says when
    assert [m.recipient for m in outbox()] == [pupil.email]
    assert "Anna Bergström" in outbox()[0].body
    with app.app_context():
        assert db.session.get(Notification, notification_id).mailed_at is not None
