"""`flask mentorhub ...` commands. Each command commits once at its end, or not at all."""

from __future__ import annotations

from datetime import date

import click
from flask import Flask
from flask.cli import AppGroup

from mentorhub import after_commit
from mentorhub.accounts import services as accounts
from mentorhub.accounts.models import Role
from mentorhub.errors import DomainError
from mentorhub.extensions import db

group = AppGroup("mentorhub", help="MentorHub administration.")


@group.command("seed-demo")
def seed_demo() -> None:
    """Load Swedish demo data (safe to run again)."""
    # Imported here, not at the top: a served app never loads the demo package.
    from mentorhub import demo

    demo.load(date.today())
    nominations = demo.load_pupils(date.today())
    counts = demo.load(date.today())
    counts["nominations"] = nominations
    after_commit.commit()  # and then what was queued for after it (mail)
    click.echo(
        f"Demo data ready: {counts['schools']} schools, {counts['subject_areas']} subject areas, "
        f"{counts['users']} people, {counts['nominations']} nominations."
    )


@group.command("seed-scale")
@click.option("--pupils", type=click.IntRange(min=1), default=10_000, show_default=True)
@click.option("--seed", type=int, default=1, show_default=True)
def seed_scale(pupils: int, seed: int) -> None:
    """Bulk-insert a region of PUPILS pupils with a term of work (for benchmarks)."""
    import time

    from mentorhub.demo.scale import seed_scale as seed_region

    started = time.perf_counter()
    scale = seed_region(pupils, date.today(), seed=seed)
    after_commit.commit()
    click.echo(
        f"Seeded {scale.pupils} pupils in {scale.schools} schools with {scale.mentors} mentors: "
        f"{scale.rooms} rooms, {scale.meetings} meetings, {scale.attendances} attendances, "
        f"{scale.messages} messages, {scale.attempts} attempts, {scale.goals} goals, "
        f"{scale.concerns} concerns ({time.perf_counter() - started:.0f} s)."
    )


@group.command("retention")
@click.option("--dry-run", is_flag=True, help="List the pupils due; change nothing.")
def retention(dry_run: bool) -> None:
    """Anonymise pupils whose last term ended more than RETENTION_MONTHS ago (for cron)."""
    from flask import current_app

    from mentorhub.privacy import retention as rules
    from mentorhub.timeutil import utcnow

    try:
        months = rules.months_setting(current_app.config.get("RETENTION_MONTHS", "12"))
    except rules.RetentionSettingError as error:
        raise click.ClickException(f"{error}. Nothing was changed.") from None
    due = rules.run(date.today(), utcnow(), months, dry_run=dry_run)
    verb = "would be anonymised" if dry_run else "anonymised"
    for item in due:
        click.echo(f"  pupil {item.pupil_id} (last term ended {item.last_term_ended}) {verb}")
    if not dry_run:
        after_commit.commit()
    click.echo(f"{len(due)} pupil(s) {verb} (kept {months} months after their last term).")


@group.command("demo-logins")
def demo_logins() -> None:
    """Print one demo login per role."""
    from mentorhub import demo

    click.echo(f"Demo logins (password for all: {demo.DEMO_PASSWORD}):")
    for role, local in demo.DEMO_LOGINS:
        click.echo(f"  {role.value:<18} {demo.email_for(local)}")
    click.echo(f"  {'pupil':<18} {demo.DEMO_PUPIL_EMAIL}")
    click.echo(
        f"  {'mentor':<18} {demo.email_for(demo.DEMO_PUPIL_MENTOR)}"
        "  (the pupil's mentor: they share a room)"
    )


@group.command("create-coordinator")
@click.option("--email", prompt=True)
@click.option("--name", prompt=True)
@click.password_option()
def create_coordinator(email: str, name: str, password: str) -> None:
    """Create the first coordinator, who then invites everyone else."""
    try:
        accounts.create_user(email=email, name=name, password=password, roles=[Role.COORDINATOR])
    except DomainError as error:
        db.session.rollback()
        raise click.ClickException(str(error.message)) from error
    after_commit.commit()  # and then what was queued for after it (mail)
    click.echo(f"Coordinator {email} created.")


@group.command("jobs-worker")
@click.option("--burst", is_flag=True, help="Run the jobs queued now, then stop.")
def jobs_worker(burst: bool) -> None:
    """Run background jobs from the RQ queue (JOBS_BACKEND=rq): each in a fresh session,
    committed or rolled back on its own; retried ones come back after their wait."""
    from flask import current_app

    from mentorhub import jobs
    from mentorhub.jobs import rq_backend

    app = current_app._get_current_object()
    if jobs.backend(app.config) != "rq":
        raise click.ClickException(
            "Jobs run inline (no REDIS_URL, or JOBS_BACKEND=inline): there is no queue to work."
        )
    # with_scheduler: RQ's own scheduler puts retries that wait back on the queue
    rq_backend.worker(app).work(burst=burst, with_scheduler=True)


@group.command("jobs-scheduler")
@click.option("--once", is_flag=True, help="Queue what is due now, then stop (for cron).")
def jobs_scheduler(once: bool) -> None:
    """Queue the scheduled jobs (mentorhub/jobs/schedule.py) when they are due, and hand on
    again jobs whose hand-on to Redis failed. Safe to run twice at once: each run of a job is
    claimed once, in the database."""
    from flask import current_app

    from mentorhub.jobs import schedule
    from mentorhub.timeutil import utcnow

    if once:
        grace = float(current_app.config["JOBS_HANDOFF_GRACE"])
        for name in schedule.sweep(utcnow(), grace):
            click.echo(f"handed on again {name}")
        for queued in schedule.enqueue_due(utcnow()):
            click.echo(f"queued {queued}")
        return
    app = current_app._get_current_object()
    schedule.run_forever(app, app.config["JOBS_SCHEDULER_SECONDS"])


def register(app: Flask) -> None:
    app.cli.add_command(group)
