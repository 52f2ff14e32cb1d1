"""Notification kinds of matching: a confirmed match, told to the pupil, the mentor and the staff.

Registered with `mentorhub.notifications.kinds` by `create_app`; the texts are rendered when a
notification is read or mailed, in the reader's language.
"""

from __future__ import annotations

from flask_babel import gettext as _

from mentorhub.notifications.kinds import Render

KINDS: dict[str, Render] = {
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
}
