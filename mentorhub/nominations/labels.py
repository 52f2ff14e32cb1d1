"""Words for nomination states and profiles in the reader's language."""

from flask_babel import gettext as _


def status_label(status: str) -> str:
    return {
        "submitted": _("Waiting for decision"),
        "needs_info": _("More information asked for"),
        "approved": _("Approved"),
        "declined": _("Declined"),
    }.get(status, status)


def profile_label(profile: str) -> str:
    return {
        "gifted": _("Gifted (särskilt begåvad)"),
        "high_performing": _("High-performing (högpresterande)"),
    }.get(profile, profile)


def event_label(kind: str) -> str:
    return {
        "submitted": _("Nominated"),
        "edited": _("Changed"),
        "info_requested": _("More information asked for"),
        "answered": _("Answered"),
        "approved": _("Approved"),
        "declined": _("Declined"),
    }.get(kind, kind)
