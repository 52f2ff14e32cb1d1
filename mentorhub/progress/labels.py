"""Early-warning flags in plain words, in the reader's language."""

from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from mentorhub.progress.warnings import Flag

# The flag types a list can be filtered by, each with the codes it covers.
FLAG_TYPES: dict[str, tuple[str, ...]] = {
    "attendance_low": ("attendance_low",),
    "absent_in_a_row": ("absent_in_a_row",),
    "inactive": ("inactive", "no_activity_yet"),
    "goal_no_checkin": ("goal_no_checkin",),
    "goal_ratings_falling": ("goal_ratings_falling",),
    "level_down": ("level_down",),
}

FLAG_TYPE_LABELS = {
    "attendance_low": _l("Low attendance"),
    "absent_in_a_row": _l("Absent several times in a row"),
    "inactive": _l("No activity"),
    "goal_no_checkin": _l("Goal without a check-in"),
    "goal_ratings_falling": _l("Falling goal ratings"),
    "level_down": _l("Level lowered"),
}


def flag_text(flag: Flag) -> str:
    """Why the flag is raised, with the numbers that raised it."""
    p = flag.params
    match flag.code:
        case "attendance_low":
            return _(
                "Attended %(attended)d of the %(meetings)d latest meetings",
                attended=p["attended"],
                meetings=p["meetings"],
            )
        case "absent_in_a_row":
            return _("Absent without notice %(count)d meetings in a row", count=p["count"])
        case "no_activity_yet":
            return _("No activity yet")
        case "inactive":
            return _("No activity for %(days)d days", days=p["days"])
        case "goal_no_checkin":
            return _(
                "The goal “%(goal)s” has had no check-in for %(days)d days",
                goal=p["goal"],
                days=p["days"],
            )
        case "goal_ratings_falling":
            return _(
                "The ratings of the goal “%(goal)s” are falling: %(ratings)s",
                goal=p["goal"],
                ratings=" → ".join(str(r) for r in p["ratings"]),
            )
        case "level_down":
            return _("Level lowered %(count)d times in the last 12 months", count=p["count"])
    return flag.code


def flag_type_of(code: str) -> str:
    return next((t for t, codes in FLAG_TYPES.items() if code in codes), code)
