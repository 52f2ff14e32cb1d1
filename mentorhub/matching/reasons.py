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
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext

from mentorhub.extensions import db
from mentorhub.matching import engine
from mentorhub.matching.models import Match
from mentorhub.programme.models import SubjectArea
from mentorhub.programme.timeslots import label as slot_label


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


# Lazy, so a call translates the one sentence it returns (not all seven for every pupil).
UNASSIGNED = {
    "no_mentor_for_subject": _l("No mentor takes any of the pupil's subject areas."),
    "level_out_of_range": _l("No mentor in the pupil's subject areas works at this level."),
    "no_shared_time": _l("No mentor who fits shares a meeting time with the pupil."),
    "forbidden": _l("Every mentor who fits has been ruled out by hand."),
    "did_not_fit_schedule": _l("The mentors who fit had no free meeting time left."),
    "no_capacity": _l("The mentors who fit have no free places left."),
    "not_run": _l("Matching has not been run since the pupil was approved."),
}


def unassigned(reason: str) -> str:
    """Why a pupil was left without a mentor (the last run's reason code), as a sentence."""
    sentence = UNASSIGNED.get(reason)
    return str(sentence) if sentence is not None else reason


def blocker(reason: str | None, detail: Mapping[str, Any]) -> str:
    """The rule that stops a mentor taking the pupil (`why_not.Verdict`), as a sentence."""
    if reason == "subject_area":
        return _("Takes none of the pupil's subject areas.")
    if reason == "level_outside_span":
        return _(
            "The pupil's level (%(levels)s) is outside the mentor's span %(min)d–%(max)d.",
            levels=", ".join(str(level) for level in detail["levels"]),
            min=detail["min"],
            max=detail["max"],
        )
    if reason == "no_shared_time":
        return _("Has no meeting time in common with the pupil.")
    if reason == "forbidden":
        return _("Ruled out by hand for this pupil.")
    if reason == "capacity_full":
        return _(
            "Every place is taken (%(used)d of %(capacity)d).",
            used=detail["used"],
            capacity=detail["capacity"],
        )
    if reason == "group_full":
        return _(
            "The group at the shared time is full (%(size)d pupils) and no other shared time "
            "is free.",
            size=detail["size"],
        )
    if reason == "no_group_fits":
        return _(
            "The groups at the shared times are in another subject area or at another level, "
            "and no shared time is free."
        )
    if reason == "times_taken":
        return ngettext(
            "%(num)d shared meeting time, taken by another session.",
            "%(num)d shared meeting times, all taken by other sessions.",
            detail["shared"],
        )
    return str(reason)


def changes(now: Match, then: engine.Match) -> str:
    """What moving the pupil from their match `now` to the engine's match `then` would change:
    the score, and the time, the kind of session and the subject area where they differ."""
    diff = then.score - now.score
    if diff < 0:
        out = [ngettext("%(num)d point lower", "%(num)d points lower", -diff)]
    elif diff > 0:
        out = [ngettext("%(num)d point higher", "%(num)d points higher", diff)]
    else:
        out = [_("the same score")]
    if then.slot_id != now.slot:
        out.append(
            _(
                "at %(time)s instead of %(now)s",
                time=slot_label(then.slot_id),
                now=slot_label(now.slot) if now.slot else "–",
            )
        )
    if bool(then.group_key) != bool(now.group_key):
        out.append(
            _("in a group instead of individual meetings")
            if then.group_key
            else _("individual meetings instead of a group")
        )
    if then.subject_area_id != now.subject_area_id:
        names = _area_names()
        out.append(
            _(
                "in %(area)s instead of %(now)s",
                area=names.get(then.subject_area_id, ""),
                now=names.get(now.subject_area_id, ""),
            )
        )
    return ", ".join(out)
