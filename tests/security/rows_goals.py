"""Matrix rows for goals, check-ins and "what to build up next".

The goal is the pupil's: she and the staff around her (linked home teacher and special-needs
educator, current mentor) read it, comment and check in; only the staff edit it and change its
state; only her current mentor writes the build-up summary. Her own page of a pupil's goals
sends her to "My goals"."""

from __future__ import annotations

from tests.security.columns import CARE_TEAM, MENTOR, PUPIL, PUPILS, row

_PUPIL_AND_TEAM = (PUPIL, *CARE_TEAM)

ROWS = [
    row("GET /goals/mine", ok=PUPILS),
    row("GET /goals/pupils/<pupil>", ok=_PUPIL_AND_TEAM),
    row("GET /goals/pupils/<pupil>/new", ok=CARE_TEAM),
    row("POST /goals/pupils/<pupil>/new", ok=CARE_TEAM),
    row("POST /goals/pupils/<pupil>/build-up", ok=[MENTOR]),
    row("GET /goals/<goal>", ok=_PUPIL_AND_TEAM),
    row("GET /goals/<goal>/edit", ok=CARE_TEAM),
    row("POST /goals/<goal>/edit", ok=CARE_TEAM),
    row("POST /goals/<goal>/comments", ok=_PUPIL_AND_TEAM),
    row("POST /goals/<goal>/checkins", ok=_PUPIL_AND_TEAM),
    row("POST /goals/<goal>/status", ok=CARE_TEAM),
]
