"""Notification kinds of meetings: scheduled, changed, cancelled.

Registered with `mentorhub.notifications.kinds` by `create_app`; the texts are rendered when a
notification is read or mailed, in the reader's language.
"""

from __future__ import annotations

from datetime import datetime

from flask_babel import format_datetime
from flask_babel import gettext as _

from mentorhub.notifications.kinds import Render


def _when(value: str) -> str:
    """Meeting times are stored as ISO naive UTC and shown in the reader's language and zone."""
    try:
        moment = datetime.fromisoformat(value)
    except (TypeError, ValueError):
        return str(value)
    return format_datetime(moment, "EEEE d MMMM HH:mm")


KINDS: dict[str, Render] = {
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
}
