"""Authorisation-matrix rows for the progress review, pupil pages, flags and own progress.

The review list is open to home teachers, special-needs educators and mentors (each sees only
their own pupils, so a fresh one sees an empty list); the world's pupil is cared for by none of
the fresh users, so the pupil page, its print and acknowledging a flag are refused to all; only
pupils have an own progress page. Only coordinators keep a pupil's team."""

from __future__ import annotations

from tests.security.roles import SCHOOL_STAFF, coordinator_only, only

ROWS: dict[tuple[str, str], dict[str, int]] = {
    ("/progress/review", "GET"): only({"mentor": 200, **dict.fromkeys(SCHOOL_STAFF, 200)}),
    ("/progress/pupils/<int:pupil_id>", "GET"): only({}),
    ("/progress/pupils/<int:pupil_id>/print", "GET"): only({}),
    # a room the pupil has left: the staff around the pupil only (and only a room they left)
    ("/progress/pupils/<int:pupil_id>/rooms/<int:room_id>", "GET"): only({}),
    ("/progress/pupils/<int:pupil_id>/flags", "POST"): only({}),
    ("/progress/mine", "GET"): only({"pupil": 200}),
    # the pupil's team (who follows the pupil) is kept by the coordinators
    ("/pupils/<int:pupil_id>/team", "GET"): coordinator_only(200),
    ("/pupils/<int:pupil_id>/team", "POST"): coordinator_only(
        422
    ),  # an empty form is refused: 422 (issue 12)
    ("/pupils/<int:pupil_id>/team/remove", "POST"): coordinator_only(302),
}
