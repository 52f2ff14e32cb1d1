"""Notification kinds of concerns: raised, a responsible named, closed.

Registered with `mentorhub.notifications.kinds` by `create_app`; the texts are rendered when a
notification is read or mailed, in the reader's language.
"""

from __future__ import annotations

from flask_babel import gettext as _

from mentorhub.notifications.kinds import Render

KINDS: dict[str, Render] = {
    "concern.raised": lambda p: _(
        "%(author)s raised a concern about %(pupil)s.", author=p["author"], pupil=p["pupil"]
    ),
    "concern.responsible": lambda p: _(
        "You are responsible for the action plan for %(pupil)s.", pupil=p["pupil"]
    ),
    "concern.closed": lambda p: _("The concern about %(pupil)s was closed.", pupil=p["pupil"]),
}
