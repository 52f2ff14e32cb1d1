"""Matrix rows for rooms, chat images and chat moderation.

The room is the current mentor's, with the pupil and her room mate in it (the other pupil was
removed). Its readers are its mentor, its members and, read-only, the members' linked staff;
only members and the mentor write, only the mentor manages and moderates. Nobody else, the
coordinator included, reads a room."""

from __future__ import annotations

from tests.security.columns import (
    CARE_TEAM,
    MENTOR,
    MENTORS,
    OTHER_MENTOR,
    OTHER_PUPIL,
    PUPIL,
    ROOM_MATE,
    ROOM_READERS,
    SIGNED_IN,
    row,
)

_M = (MENTOR,)

ROWS = [
    row("GET /rooms/", ok=SIGNED_IN),
    row("GET /rooms/new", ok=MENTORS),
    row("POST /rooms/new", ok=MENTORS),
    row("GET /rooms/<room>", ok=ROOM_READERS),
    row("GET /rooms/<other_room>", ok=[OTHER_MENTOR, OTHER_PUPIL]),
    # the pupil has left the old room and it is archived: its mentor still reads it
    row("GET /rooms/<old_room>", ok=_M),
    row("POST /rooms/<old_room>/images", why="the room is archived: nobody writes in it"),
    row("GET /rooms/<room>/members", ok=_M),
    row("POST /rooms/<room>/members", ok=_M),
    row("POST /rooms/<room>/archive", ok=_M),
    # an image message: members and the mentor write, the linked staff only read
    row("POST /rooms/<room>/images", ok=[PUPIL, ROOM_MATE, MENTOR]),
    row("GET /rooms/images/<chat_image>", ok=ROOM_READERS),
    # the image of the pupil's attempt: hers, not her room mate's to see
    row("GET /rooms/images/<attempt_image>", ok=[PUPIL, *CARE_TEAM]),
    # the image of a message the mentor has hidden: for the moderator only
    row("GET /rooms/images/<hidden_image>", ok=_M),
    # the room mate's message: whoever reads the room may report it, except its author
    row("POST /rooms/messages/<message>/report", ok=[PUPIL, *CARE_TEAM]),
    row("POST /rooms/messages/<message>/hide", ok=_M),
    row("GET /rooms/<room>/reports", ok=_M),
    row("POST /rooms/reports/<report>/hide", ok=_M),
    row("POST /rooms/reports/<report>/dismiss", ok=_M),
]
