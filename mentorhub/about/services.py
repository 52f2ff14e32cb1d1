"""What the about pages say and store.

The privacy notice states figures the code itself uses (the reports' small-number threshold,
the retention period, how long invitation and reset links live), so it is built from the same
settings, never from numbers written into the text.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

import sqlalchemy as sa
from flask import render_template
from flask_babel import force_locale
from flask_babel import gettext as _

from mentorhub import mail, policy
from mentorhub.about.models import AccessibilityFeedback
from mentorhub.accounts.models import Role, User, UserRole
from mentorhub.errors import Refused
from mentorhub.extensions import db
from mentorhub.privacy.retention import RetentionSettingError, months_setting

# When the accessibility statement was last reviewed against the service (DIGG's model asks
# for the date); change it whenever the statement's content is checked again.
STATEMENT_REVIEWED = date(2026, 12, 3)


@dataclass(frozen=True)
class PrivacyFacts:
    """The settings the privacy notice states. `retention_months` is None when the setting
    cannot be read as a whole number of months: the notice then says so neutrally."""

    report_threshold: int
    retention_months: int | None
    invitation_days: int
    password_reset_minutes: int


def retention_months(value: Any) -> int | None:
    """RETENTION_MONTHS as the retention command reads it (privacy.retention), or None when
    it is malformed ("", "tolv", "-3", "1.5"): then the command refuses to run and the page
    says so instead of naming a figure."""
    try:
        return months_setting(value)
    except RetentionSettingError:
        return None


def privacy_facts(config: Mapping[str, Any]) -> PrivacyFacts:
    """The figures of the privacy notice, read from the app's configuration."""
    return PrivacyFacts(
        report_threshold=int(config["REPORT_THRESHOLD"]),
        retention_months=retention_months(config.get("RETENTION_MONTHS")),
        invitation_days=int(config["INVITATION_DAYS"]),
        password_reset_minutes=int(config["PASSWORD_RESET_MINUTES"]),
    )


def _active_coordinators() -> list[User]:
    return list(
        db.session.scalars(
            sa.select(User)
            .join(UserRole, UserRole.user_id == User.id)
            .where(UserRole.role == Role.COORDINATOR.value, User.active.is_(True))
            .order_by(User.id)
        )
    )


def send_feedback(sender: User | None, message: str, reply_to: str = "") -> AccessibilityFeedback:
    """Store feedback on the service's accessibility and tell every active coordinator.

    `sender` is the signed-in person, or None for a visitor. The mail says only that feedback
    has come and where to read it: what someone wrote may be about themselves, so it stays in
    MentorHub. `mail.send` stores an outbox mail in this transaction, or queues an SMTP mail
    for after the commit, so a rolled-back request sends nothing.
    """
    feedback = AccessibilityFeedback(
        message=message.strip(),
        reply_to=(reply_to or "").strip().lower(),
        user_id=sender.id if sender is not None else None,
    )
    db.session.add(feedback)
    db.session.flush()
    link = mail.link_to("about.feedback_list")
    for coordinator in _active_coordinators():
        with force_locale(coordinator.locale or "sv"):
            subject = _("New feedback on accessibility in MentorHub")
            body = render_template(
                "mail/accessibility_feedback.txt", user=coordinator, link=link, feedback=feedback
            )
        mail.send(coordinator.email, subject, body)
    return feedback


def feedback_for(reader: User) -> list[AccessibilityFeedback]:
    """Every piece of feedback, newest first, for a reader the policy lets read it."""
    if not policy.can_read_feedback(reader):
        raise Refused()
    return list(
        db.session.scalars(
            sa.select(AccessibilityFeedback).order_by(
                AccessibilityFeedback.created_at.desc(), AccessibilityFeedback.id.desc()
            )
        )
    )
