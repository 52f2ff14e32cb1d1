"""Notification kinds of the chat: a mention, and a reported message for the room's mentor.

Registered with `mentorhub.notifications.kinds` by `create_app`; the texts are rendered when a
notification is read or mailed, in the reader's language.
"""

from __future__ import annotations

from flask_babel import gettext as _

from mentorhub.notifications.kinds import Render

KINDS: dict[str, Render] = {
    "message.reported": lambda p: _(
        "%(reporter)s reported a message in %(room)s: “%(excerpt)s”",
        reporter=p["reporter"],
        room=p["room"],
        excerpt=p["excerpt"],
    ),
    "chat.mention": lambda p: _(
        "%(author)s mentioned you in %(room)s.", author=p["author"], room=p["room"]
    ),
}
