"""Matrix rows for meetings, attendance and one's own calendar address.

The meeting is in the current mentor's room: whoever reads the room sees it (the linked staff
read-only); only the room's mentor schedules, changes, cancels and takes attendance."""

from __future__ import annotations

from tests.security.columns import MENTOR, ROOM_READERS, SIGNED_IN, row

_M = (MENTOR,)

ROWS = [
    row("GET /meetings/", ok=SIGNED_IN),
    row("POST /meetings/feed/regenerate", ok=SIGNED_IN),
    row("GET /meetings/rooms/<room>/new", ok=_M),
    row("POST /meetings/rooms/<room>/new", ok=_M),
    row("GET /meetings/rooms/<old_room>/new", why="the room is archived: no more meetings"),
    row("GET /meetings/<meeting>", ok=ROOM_READERS),
    row("GET /meetings/<meeting>.ics", ok=ROOM_READERS),
    row("POST /meetings/<meeting>/attendance", ok=_M),
    row("GET /meetings/<meeting>/edit", ok=_M),
    row("POST /meetings/<meeting>/edit", ok=_M),
    row("POST /meetings/<meeting>/cancel", ok=_M),
    row("GET /meetings/series/<series>/edit", ok=_M),
    row("POST /meetings/series/<series>/edit", ok=_M),
    row("POST /meetings/series/<series>/cancel", ok=_M),
]
