"""Notification kinds of the programme's staff administration: work handed over to someone.

Registered with `mentorhub.notifications.kinds` by `create_app`; the texts are rendered when a
notification is read or mailed, in the reader's language.
"""

from __future__ import annotations

from flask_babel import gettext as _

from mentorhub.notifications.kinds import Render

KINDS: dict[str, Render] = {
    "staff.handed_over": lambda p: _(
        "%(name)s has left the programme: you have taken over their rooms, pupils and "
        "concerns (%(rooms)s rooms, %(pupils)s pupils, %(concerns)s open concerns).",
        name=p["name"],
        rooms=p["rooms"],
        pupils=p["pupils"],
        concerns=p["concerns"],
    ),
}
