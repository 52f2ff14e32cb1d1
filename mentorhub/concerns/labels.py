"""Words for concern categories, states and history events, in the reader's language."""

from flask_babel import lazy_gettext as _l

from mentorhub.concerns.models import ConcernCategory, ConcernStatus

# The words Swedish schools use when they write down a concern (orosanmälan inom skolan).
CATEGORY_LABELS = {
    ConcernCategory.STUDY.value: _l("Study situation"),
    ConcernCategory.WELLBEING.value: _l("Wellbeing"),
    ConcernCategory.ATTENDANCE.value: _l("Attendance"),
    ConcernCategory.MOTIVATION.value: _l("Motivation"),
    ConcernCategory.SOCIAL.value: _l("Relations with peers"),
    ConcernCategory.OTHER.value: _l("Other"),
}

STATUS_LABELS = {
    ConcernStatus.OPEN.value: _l("Open"),
    ConcernStatus.CLOSED.value: _l("Closed"),
}

EVENT_LABELS = {
    "raised": _l("Concern raised"),
    "plan": _l("Action plan set"),
    "review": _l("Reviewed"),
    "closed": _l("Closed"),
}


def category_label(category: str) -> str:
    return str(CATEGORY_LABELS.get(category, category))


def status_label(status: str) -> str:
    return str(STATUS_LABELS.get(status, status))


def event_label(kind: str) -> str:
    return str(EVENT_LABELS.get(kind, kind))
