"""Notification kinds of goals and the build-up summary.

Registered with `mentorhub.notifications.kinds` by `create_app`; the texts are rendered when a
notification is read or mailed, in the reader's language.
"""

from __future__ import annotations

from flask_babel import gettext as _

from mentorhub.goals.labels import status_label
from mentorhub.notifications.kinds import Render

KINDS: dict[str, Render] = {
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
    "goal.checkin_prompt": lambda p: _(
        "A new week: how is it going with your goals? Check in on them on your start page."
    ),
    "build_up.written": lambda p: _(
        "%(mentor)s wrote what to build up next for %(pupil)s.",
        mentor=p["mentor"],
        pupil=p["pupil"],
    ),
}
