"""Attendance statuses in the reader's language."""

from flask_babel import lazy_gettext as _l

from mentorhub.meetings.models import AttendanceStatus

STATUS_LABELS = {
    AttendanceStatus.PRESENT: _l("Present"),
    AttendanceStatus.LATE: _l("Late"),
    AttendanceStatus.ABSENT_WITH_NOTICE: _l("Absent with notice"),
    AttendanceStatus.ABSENT: _l("Absent"),
}


def status_label(status: str | None) -> str:
    if not status:
        return ""
    try:
        return str(STATUS_LABELS[AttendanceStatus(status)])
    except ValueError:
        return status
