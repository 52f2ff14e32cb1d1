"""Matrix rows for problems: the bank, posting, a posted problem, attempts, "My problems".

The problem is the current mentor's and shared, so the other mentor (same subject area) reads
it and may post it in his own room; it was posted to the pupil only, in the mentor's room:
her room mate reads the room but not the problem, the linked staff read it, and only she opens
hints and answers. Her attempt is hers, her mentor's and her linked staff's."""

from __future__ import annotations

from tests.security.columns import CARE_TEAM, MENTOR, MENTORS, OTHER_MENTOR, PUPIL, PUPILS, row

_POST_READERS = (PUPIL, *CARE_TEAM)

ROWS = [
    row("GET /problems/", ok=MENTORS),
    row("GET /problems/new", ok=MENTORS),
    row("POST /problems/new", ok=MENTORS),
    row("GET /problems/<problem>", ok=MENTORS),
    row("GET /problems/<problem>/edit", ok=[MENTOR]),
    row("POST /problems/<problem>/edit", ok=[MENTOR]),
    row("GET /problems/<problem>/post?room_id=<room>", ok=[MENTOR]),
    row("POST /problems/<problem>/post?room_id=<room>", ok=[MENTOR]),
    row("GET /problems/<problem>/post?room_id=<other_room>", ok=[OTHER_MENTOR]),
    row("POST /problems/<problem>/post?room_id=<other_room>", ok=[OTHER_MENTOR]),
    row("GET /problems/posts/<post>", ok=_POST_READERS),
    row("POST /problems/posts/<post>/hints", ok=[PUPIL]),
    row("POST /problems/posts/<post>/attempts", ok=[PUPIL]),
    row("GET /problems/attempts/<attempt>", ok=_POST_READERS),
    row("POST /problems/attempts/<attempt>", ok=[MENTOR]),
    row("GET /problems/mine", ok=PUPILS),
]
