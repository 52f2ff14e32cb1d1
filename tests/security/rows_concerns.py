"""Matrix rows for concerns (oro).

The concern is about the pupil: the staff around her and the coordinators (who are told of
every concern) read and manage it; only the staff around her raise one. Every staff member may
open the list (it shows their own pupils'); a pupil never reaches a concern."""

from __future__ import annotations

from tests.security.columns import CARE_TEAM, COORDINATOR, STAFF, row

_READERS = (*CARE_TEAM, COORDINATOR)

ROWS = [
    row("GET /concerns/", ok=STAFF),
    row("GET /concerns/pupils/<pupil>/new", ok=CARE_TEAM),
    row("POST /concerns/pupils/<pupil>/new", ok=CARE_TEAM),
    row("GET /concerns/<concern>", ok=_READERS),
    row("POST /concerns/<concern>/plan", ok=_READERS),
    row("POST /concerns/<concern>/review", ok=_READERS),
    row("POST /concerns/<concern>/close", ok=_READERS),
]
