"""Matrix rows for the public privacy and accessibility pages, the programme report and a
pupil's data as a whole (access log, register extract, erasure): the last two the
coordinator's alone, whoever else is linked to the pupil."""

from __future__ import annotations

from tests.security.columns import COORDINATOR, EVERYONE, row

ROWS = [
    # public: the privacy notice and the accessibility statement, read before signing in
    row("GET /om/integritet", ok=EVERYONE),
    row("GET /om/tillganglighet", ok=EVERYONE),
    row("GET /om/tillganglighet/synpunkter", ok=EVERYONE),
    row("POST /om/tillganglighet/synpunkter", ok=EVERYONE),
    row("GET /om/tillganglighet/inkomna", ok=[COORDINATOR]),
    row("GET /reports/", ok=[COORDINATOR]),
    row("GET /reports/attendance.csv", ok=[COORDINATOR]),
    row("GET /privacy/pupils/", ok=[COORDINATOR]),
    row("GET /privacy/pupils/access-log", ok=[COORDINATOR]),
    row("GET /privacy/pupils/<pupil>", ok=[COORDINATOR]),
    row("GET /privacy/pupils/<pupil>/export", ok=[COORDINATOR]),
    row("GET /privacy/pupils/<pupil>/erase", ok=[COORDINATOR]),
    # she still has a mentor: the coordinator is asked to end the match first (422)
    row("POST /privacy/pupils/<pupil>/erase", ok=[COORDINATOR]),
]
