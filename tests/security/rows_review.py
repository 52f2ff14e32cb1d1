"""Matrix rows for the progress review, the staff page of a pupil, flags, own progress and the
pupil's team.

The review list is open to school staff and mentors (each sees their own pupils); the pupil's
page, its print, its flags and a room she has left are for the staff around her only, never
for herself; her own progress page is a pupil's. Only coordinators keep a pupil's team."""

from __future__ import annotations

from tests.security.columns import (
    CARE_TEAM,
    COORDINATOR,
    MENTORS,
    OTHER_MENTOR,
    PUPILS,
    SCHOOL_STAFF,
    row,
)

ROWS = [
    row("GET /progress/review", ok=[*SCHOOL_STAFF, *MENTORS]),
    row("GET /progress/pupils/<pupil>", ok=CARE_TEAM),
    row("GET /progress/pupils/<pupil>/print", ok=CARE_TEAM),
    row("POST /progress/pupils/<pupil>/flags", ok=CARE_TEAM),
    row("GET /progress/pupils/<pupil>/rooms/<old_room>", ok=CARE_TEAM),
    row(
        "GET /progress/pupils/<pupil>/rooms/<room>",
        why="she is still in that room: the page shows only rooms a pupil has left",
    ),
    # the other pupil left the current mentor's room: his own mentor now reads it as he left
    # it, its mentor (no longer his) only through the room itself
    row("GET /progress/pupils/<other_pupil>/rooms/<room>", ok=[OTHER_MENTOR]),
    row("GET /progress/mine", ok=PUPILS),
    row("GET /pupils/<pupil>/team", ok=[COORDINATOR]),
    row("POST /pupils/<pupil>/team", ok=[COORDINATOR]),
    row("POST /pupils/<pupil>/team/remove", ok=[COORDINATOR]),
]
