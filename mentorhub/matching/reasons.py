"""The engine's structured reasons in plain words, in the reader's language.

The engine returns parts like {"code": "level_in_range", "level": 4, "min": 3, "max": 5}; this
module turns them into "nivå 4 inom mentorns spann 3–5", joined into one sentence.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

import sqlalchemy as sa
from flask import g
from flask_babel import gettext as _
from flask_babel import ngettext

from mentorhub.extensions import db
from mentorhub.programme.models import SubjectArea


def _area_names() -> dict[int, str]:
    """Subject area names, loaded once per request however many reasons are shown."""
    if "subject_area_names" not in g:
        rows = db.session.execute(sa.select(SubjectArea.id, SubjectArea.name)).all()
        g.subject_area_names = {area_id: name for area_id, name in rows}
    return g.subject_area_names


def part(p: Mapping[str, Any]) -> str:
    code = p.get("code")
    if code == "subject_area":
        name = _area_names().get(p.get("subject_area_id"), "")
        return _("same subject area (%(area)s)", area=name)
    if code == "level_in_range":
        return _(
            "level %(level)d within the mentor's span %(min)d–%(max)d",
            level=p["level"],
            min=p["min"],
            max=p["max"],
        )
    if code == "level_outside_range":
        return _(
            "level %(level)d outside the mentor's span %(min)d–%(max)d",
            level=p["level"],
            min=p["min"],
            max=p["max"],
        )
    if code == "shared_slots":
        return ngettext("%(num)d shared meeting time", "%(num)d shared meeting times", p["count"])
    if code == "group":
        return ngettext(
            "in a group of %(num)d, as the pupil prefers",
            "in a group of %(num)d, as the pupil prefers",
            p["size"],
        )
    if code == "individual_session":
        if p.get("prefers_group"):
            return _("individual meetings (no group fitted)")
        return _("individual meetings, as the pupil prefers")
    if code == "locked":
        return _("kept as confirmed or locked")
    if code == "same_school":
        return _("many of the mentor's pupils come from the same school")
    return str(code)


def render(parts: Iterable[Mapping[str, Any]]) -> str:
    """All parts of a match's reason as one phrase."""
    return ", ".join(part(p) for p in parts)


def unassigned(reason: str) -> str:
    return {
        "no_mentor_for_subject": _("No mentor takes any of the pupil's subject areas."),
        "level_out_of_range": _("No mentor in the pupil's subject areas works at this level."),
        "no_shared_time": _("No mentor who fits shares a meeting time with the pupil."),
        "forbidden": _("Every mentor who fits has been ruled out by hand."),
        "did_not_fit_schedule": _("The mentors who fit had no free meeting time left."),
        "no_capacity": _("The mentors who fit have no free places left."),
        "not_run": _("Matching has not been run since the pupil was approved."),
    }.get(reason, reason)
