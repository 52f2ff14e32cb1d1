"""Matrix rows for identification: school staff nominate, coordinators decide.

The world's nomination was made by the pupil's home teacher at her school: the staff of that
school may read and add to it, the coordinator reads and decides it; staff of another school
and mentors never read a nomination."""

from __future__ import annotations

from tests.security.columns import (
    COORDINATOR,
    HOME_TEACHER,
    OTHER_SCHOOL,
    SCHOOL_STAFF,
    SPECIAL_EDUCATOR,
    UNLINKED_TEACHER,
    row,
)

_SAME_SCHOOL = (HOME_TEACHER, SPECIAL_EDUCATOR, UNLINKED_TEACHER)
_C = (COORDINATOR,)

ROWS = [
    row("GET /nominations/", ok=[COORDINATOR, *SCHOOL_STAFF]),
    row("GET /nominations/new", ok=SCHOOL_STAFF),
    row("POST /nominations/new", ok=SCHOOL_STAFF),
    row("GET /nominations/<nomination>", ok=[COORDINATOR, *_SAME_SCHOOL]),
    # one from the other school: its own staff and the coordinator, nobody at the pupil's
    row("GET /nominations/<elsewhere_nomination>", ok=[COORDINATOR, OTHER_SCHOOL]),
    row("POST /nominations/<elsewhere_nomination>/answer", ok=[OTHER_SCHOOL]),
    row("GET /nominations/<nomination>/edit", ok=_SAME_SCHOOL),
    row("POST /nominations/<nomination>/edit", ok=_SAME_SCHOOL),
    row("POST /nominations/<nomination>/answer", ok=_SAME_SCHOOL),
    row("POST /nominations/<nomination>/request-info", ok=_C),
    row("POST /nominations/<nomination>/decline", ok=_C),
    row("POST /nominations/<nomination>/approve", ok=_C),
]
