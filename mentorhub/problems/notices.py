"""Notification kinds of problems: posted, an attempt waiting, feedback, a new level.

Registered with `mentorhub.notifications.kinds` by `create_app`; the texts are rendered when a
notification is read or mailed, in the reader's language.
"""

from __future__ import annotations

from flask_babel import gettext as _

from mentorhub.notifications.kinds import Render

KINDS: dict[str, Render] = {
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
}
