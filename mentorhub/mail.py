"""Outgoing mail through a configurable backend.

Every mail is first stored in the `outbox_mails` table, in the caller's transaction, so a
rolled-back action leaves none. `outbox` (the pilot default) stops there and logs it, so a
coordinator without a mail server, and the tests, can read what was sent. `smtp` also queues
the job `mail.send` with the row's id (`mentorhub/jobs/`), which runs only after that
transaction has committed: a mail that has left cannot be called back, so it must never leave
for an action that is then rolled back. The job sends the row and deletes it.

Why the row and not the mail itself in the job: a body holds names and sign-in links, and a
job's arguments sit in Redis and, when it fails, on the coordinator's failed-jobs page. The
row is in the database the data already lives in (and is covered by its backups and erasure);
the job carries only its id. A retried job re-reads the row; a job whose mail was sent but
whose deletion did not commit sends it again (at least once, never lost).
Mail is rendered in the recipient's language by the caller (see `force_locale`).
"""

from __future__ import annotations

import logging
import smtplib
from datetime import datetime
from email.message import EmailMessage
from urllib.parse import urlsplit

import sqlalchemy as sa
from flask import current_app, render_template
from sqlalchemy.orm import Mapped, mapped_column

from mentorhub import jobs
from mentorhub.extensions import db
from mentorhub.timeutil import utcnow

log = logging.getLogger("mentorhub.mail")


class OutboxMail(db.Model):
    __tablename__ = "outbox_mails"

    id: Mapped[int] = mapped_column(primary_key=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    recipient: Mapped[str] = mapped_column(sa.String(254), index=True)
    subject: Mapped[str] = mapped_column(sa.String(200))
    body: Mapped[str] = mapped_column(sa.Text)


def link_to(endpoint: str, **values) -> str:
    """An absolute link for a mail, built on SERVER_BASE_URL (works outside a request too)."""
    base = urlsplit(current_app.config["SERVER_BASE_URL"].rstrip("/"))
    adapter = current_app.url_map.bind(
        base.netloc, script_name=base.path or "/", url_scheme=base.scheme
    )
    return adapter.build(endpoint, values, force_external=True)


def render(template: str, **context) -> str:
    """A mail body from its template (in the locale the caller has forced), so services that
    send mail need no page-rendering helper of their own."""
    return render_template(template, **context)


def send(recipient: str, subject: str, body: str) -> None:
    """Store the mail in the outbox; with SMTP, queue its sending for after the commit."""
    mail = OutboxMail(recipient=recipient, subject=subject, body=body)
    db.session.add(mail)
    if current_app.config["MAIL_BACKEND"] == "smtp":
        db.session.flush()  # the job needs the row's id
        jobs.enqueue("mail.send", mail_id=mail.id)
    else:
        log.info("mail to %s: %s", recipient, subject)


@jobs.job("mail.send", retries=3)
def send_stored(mail_id: int) -> None:
    """Send one stored mail over SMTP and delete it (the job `mail.send`). A mail that is gone
    was sent by an earlier run, or withdrawn with the person's data: nothing to do."""
    mail = db.session.get(OutboxMail, mail_id)
    if mail is None:
        return
    _send_smtp(mail.recipient, mail.subject, mail.body)
    db.session.delete(mail)


def _send_smtp(recipient: str, subject: str, body: str) -> None:
    cfg = current_app.config
    message = EmailMessage()
    message["From"] = cfg["MAIL_SENDER"]
    message["To"] = recipient
    message["Subject"] = subject
    message.set_content(body)
    with smtplib.SMTP(cfg["MAIL_SERVER"], cfg["MAIL_PORT"], timeout=10) as smtp:
        if cfg["MAIL_USE_TLS"]:
            smtp.starttls()
        if cfg["MAIL_USERNAME"]:
            smtp.login(cfg["MAIL_USERNAME"], cfg["MAIL_PASSWORD"])
        smtp.send_message(message)
    log.info("mail to %s: %s", recipient, subject)


def latest_to(recipient: str) -> OutboxMail | None:
    """The newest outbox mail to one address (used by the demo and the tests)."""
    return db.session.scalars(
        sa.select(OutboxMail)
        .where(OutboxMail.recipient == recipient)
        .order_by(OutboxMail.id.desc())
        .limit(1)
    ).first()
