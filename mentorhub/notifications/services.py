"""Creating and reading in-app notifications, and mailing them in the recipient's language.

What each kind says is registered by the domain that creates it (`kinds.py`); `text` is here
too so readers of a notification need one module.

The notifications themselves are stored in the caller's transaction (they are what the action
leaves behind, one row each, and the badge must count them at once); rendering and mailing
them in each recipient's language is the job `notifications.mail`, which takes their ids and
runs after the commit (`mentorhub/jobs/`): a confirmation of many matches answers without
waiting for hundreds of mails.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import orm

from mentorhub import jobs, mail
from mentorhub.extensions import db
from mentorhub.notifications.kinds import text
from mentorhub.notifications.models import Notification
from mentorhub.timeutil import utcnow

if TYPE_CHECKING:  # only for the annotations: notifications import no domain
    from mentorhub.accounts.models import User

__all__ = ["latest", "mark_all_read", "notify", "text", "unread_count"]


def notify(
    users: Iterable[User], kind: str, params: dict[str, Any], link: str = "", *, email: bool = False
) -> None:
    """Add a notification for each user; with `email`, also mail it to those active, in their
    language, after the commit (the job `notifications.mail`)."""
    added = [
        Notification(user_id=user.id, kind=kind, params=params, link=link)
        for user in {u.id: u for u in users}.values()
    ]
    db.session.add_all(added)
    if email and added:
        db.session.flush()  # the job takes the notifications' ids
        jobs.enqueue("notifications.mail", notification_ids=[n.id for n in added])


@jobs.job("notifications.mail", retries=3)
def mail_notifications(notification_ids: list[int]) -> None:
    """Mail each notification to its recipient, if still active, in their language (the job
    `notifications.mail`). Loads the notifications with their recipients in one query.

    Safe to run twice (a job handed on again, docs/architecture.md): a notification already
    mailed is marked and left out, in the same transaction as its mail."""
    rows = db.session.scalars(
        sa.select(Notification)
        .options(orm.joinedload(Notification.user))
        .where(Notification.id.in_(notification_ids), Notification.mailed_at.is_(None))
        .order_by(Notification.id)
    ).all()
    now = utcnow()
    for notification in rows:
        user = notification.user
        if not user.active:
            continue
        notification.mailed_at = now
        with force_locale(user.locale or "sv"):
            body = text(notification.kind, notification.params)
            if notification.link:
                body += "\n\n" + _absolute(notification.link)
            mail.send(user.email, _("News in MentorHub"), body)


def _absolute(link: str) -> str:
    """Mails need whole addresses; in-app links stay paths."""
    if link.startswith("/"):
        return current_app.config["SERVER_BASE_URL"].rstrip("/") + link
    return link


def unread_count(user: User) -> int:
    """How many of the user's notifications are unread (the badge in the menu)."""
    return db.session.scalar(
        sa.select(sa.func.count(Notification.id)).where(
            Notification.user_id == user.id, Notification.read_at.is_(None)
        )
    )


def latest(user: User, limit: int = 30) -> list[Notification]:
    """The user's newest notifications, read or not."""
    return list(
        db.session.scalars(
            sa.select(Notification)
            .where(Notification.user_id == user.id)
            .order_by(Notification.id.desc())
            .limit(limit)
        )
    )


def mark_all_read(user: User) -> None:
    """Mark every unread notification of the user as read now."""
    db.session.execute(
        sa.update(Notification)
        .where(Notification.user_id == user.id, Notification.read_at.is_(None))
        .values(read_at=utcnow())
    )
