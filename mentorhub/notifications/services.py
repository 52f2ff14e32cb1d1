"""Creating and reading in-app notifications, and mailing them in the recipient's language."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from flask import current_app
from flask_babel import force_locale, format_datetime
from flask_babel import gettext as _

from mentorhub import mail
from mentorhub.accounts.models import User
from mentorhub.extensions import db
from mentorhub.goals.labels import status_label
from mentorhub.notifications.models import Notification
from mentorhub.timeutil import utcnow


def text(kind: str, params: dict[str, Any]) -> str:
    """The notification's sentence in the current language."""
    texts = {
        "nomination.submitted": lambda p: _(
            "%(nominator)s nominated %(pupil)s.", nominator=p["nominator"], pupil=p["pupil"]
        ),
        "nomination.info_requested": lambda p: _(
            "The coordinator asks for more about the nomination of %(pupil)s.", pupil=p["pupil"]
        ),
        "nomination.answered": lambda p: _(
            "%(nominator)s answered about the nomination of %(pupil)s.",
            nominator=p["nominator"],
            pupil=p["pupil"],
        ),
        "nomination.approved": lambda p: _(
            "The nomination of %(pupil)s was approved.", pupil=p["pupil"]
        ),
        "nomination.declined": lambda p: _(
            "The nomination of %(pupil)s was declined.", pupil=p["pupil"]
        ),
        "message.reported": lambda p: _(
            "%(reporter)s reported a message in %(room)s: “%(excerpt)s”",
            reporter=p["reporter"],
            room=p["room"],
            excerpt=p["excerpt"],
        ),
        "chat.mention": lambda p: _(
            "%(author)s mentioned you in %(room)s.", author=p["author"], room=p["room"]
        ),
        "match.confirmed.pupil": lambda p: _(
            "Your knowledge mentor is %(mentor)s (%(area)s).", mentor=p["mentor"], area=p["area"]
        ),
        "match.confirmed.mentor": lambda p: _(
            "%(pupil)s is now your pupil in %(area)s.", pupil=p["pupil"], area=p["area"]
        ),
        "match.confirmed.staff": lambda p: _(
            "%(pupil)s has got %(mentor)s as knowledge mentor.",
            pupil=p["pupil"],
            mentor=p["mentor"],
        ),
        "problem.posted": lambda p: _(
            "%(mentor)s posted the problem “%(problem)s” in %(room)s.",
            mentor=p["mentor"],
            problem=p["problem"],
            room=p["room"],
        ),
        "problem.feedback": lambda p: _(
            "%(mentor)s gave feedback on your attempt at “%(problem)s”.",
            mentor=p["mentor"],
            problem=p["problem"],
        ),
        "attempt.submitted": lambda p: _(
            "%(pupil)s sent an attempt at “%(problem)s” in %(room)s; it waits for your feedback.",
            pupil=p["pupil"],
            problem=p["problem"],
            room=p["room"],
        ),
        "problem.level": lambda p: _(
            "%(mentor)s moved your level in %(area)s to %(level)s.",
            mentor=p["mentor"],
            area=p["area"],
            level=p["level"],
        ),
        "meeting.scheduled": lambda p: _(
            "%(mentor)s scheduled “%(title)s” in %(room)s, first on %(when)s.",
            mentor=p["mentor"],
            title=p["title"],
            room=p["room"],
            when=_when(p["when"]),
        ),
        "meeting.changed": lambda p: _(
            "The meeting “%(title)s” in %(room)s has changed: now %(when)s.",
            title=p["title"],
            room=p["room"],
            when=_when(p["when"]),
        ),
        "meeting.cancelled": lambda p: _(
            "The meeting “%(title)s” in %(room)s on %(when)s is cancelled.",
            title=p["title"],
            room=p["room"],
            when=_when(p["when"]),
        ),
        "goal.created": lambda p: _(
            "%(author)s wrote a new goal for %(pupil)s: “%(goal)s”.",
            author=p["author"],
            pupil=p["pupil"],
            goal=p["goal"],
        ),
        "goal.commented": lambda p: _(
            "%(author)s commented on the goal “%(goal)s”.", author=p["author"], goal=p["goal"]
        ),
        "goal.status": lambda p: _(
            "The goal “%(goal)s” is now: %(status)s.",
            goal=p["goal"],
            status=status_label(p["status"]),
        ),
        "build_up.written": lambda p: _(
            "%(mentor)s wrote what to build up next for %(pupil)s.",
            mentor=p["mentor"],
            pupil=p["pupil"],
        ),
        "concern.raised": lambda p: _(
            "%(author)s raised a concern about %(pupil)s.", author=p["author"], pupil=p["pupil"]
        ),
        "concern.responsible": lambda p: _(
            "You are responsible for the action plan for %(pupil)s.", pupil=p["pupil"]
        ),
        "concern.closed": lambda p: _("The concern about %(pupil)s was closed.", pupil=p["pupil"]),
    }
    return texts[kind](params)


def _when(value: str) -> str:
    """Meeting times are stored as ISO naive UTC and shown in the reader's language and zone."""
    try:
        moment = datetime.fromisoformat(value)
    except (TypeError, ValueError):
        return str(value)
    return format_datetime(moment, "EEEE d MMMM HH:mm")


def notify(
    users: Iterable[User], kind: str, params: dict[str, Any], link: str = "", *, email: bool = False
) -> None:
    """Add a notification for each user; with `email`, also mail it in their language."""
    for user in {u.id: u for u in users}.values():
        db.session.add(Notification(user_id=user.id, kind=kind, params=params, link=link))
        if email and user.active:
            with force_locale(user.locale or "sv"):
                body = text(kind, params)
                if link:
                    body += "\n\n" + _absolute(link)
                mail.send(user.email, _("News in MentorHub"), body)


def _absolute(link: str) -> str:
    """Mails need whole addresses; in-app links stay paths."""
    if link.startswith("/"):
        return current_app.config["SERVER_BASE_URL"].rstrip("/") + link
    return link


def unread_count(user: User) -> int:
    return db.session.scalar(
        sa.select(sa.func.count(Notification.id)).where(
            Notification.user_id == user.id, Notification.read_at.is_(None)
        )
    )


def latest(user: User, limit: int = 30) -> list[Notification]:
    return list(
        db.session.scalars(
            sa.select(Notification)
            .where(Notification.user_id == user.id)
            .order_by(Notification.id.desc())
            .limit(limit)
        )
    )


def mark_all_read(user: User) -> None:
    db.session.execute(
        sa.update(Notification)
        .where(Notification.user_id == user.id, Notification.read_at.is_(None))
        .values(read_at=utcnow())
    )
