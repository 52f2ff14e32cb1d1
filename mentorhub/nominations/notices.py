"""Notification kinds of nominations: submitted, asked about, answered, decided.

Registered with `mentorhub.notifications.kinds` by `create_app`; the texts are rendered when a
notification is read or mailed, in the reader's language.
"""

from __future__ import annotations

from flask_babel import gettext as _

from mentorhub.notifications.kinds import Render

KINDS: dict[str, Render] = {
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
}
