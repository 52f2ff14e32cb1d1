"""Outgoing mail through a configurable backend.

`outbox` (the pilot default) stores each mail in the `outbox_mails` table and logs it, so a
coordinator without a mail server, and the tests, can read what was sent. The row is data: it
is stored in the caller's transaction, so a rolled-back action leaves none. `smtp` sends it,
but only after that transaction has committed (`mentorhub/after_commit.py`): a mail that has
left cannot be called back, so it must never leave for an action that is then rolled back.
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

from mentorhub.after_commit import after_commit
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
    """Store the mail in the outbox, or queue it for SMTP once the transaction commits."""
    backend = current_app.config["MAIL_BACKEND"]
    if backend == "smtp":
        after_commit(_send_smtp, recipient, subject, body)
    else:
        db.session.add(OutboxMail(recipient=recipient, subject=subject, body=body))
        log.info("mail to %s: %s", recipient, subject)


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
