"""Authorisation-matrix rows for goals, check-ins and "what to build up next".

The world's goal belongs to a pupil no fresh user is linked to: every staff role and every other
pupil is refused; only "My goals" is open, to pupils."""

from __future__ import annotations

from tests.security.roles import only, signed_in  # noqa: F401

ROWS: dict[tuple[str, str], dict[str, int]] = {
    ("/goals/mine", "GET"): only({"pupil": 200}),
    ("/goals/pupils/<int:pupil_id>", "GET"): only({}),
    ("/goals/pupils/<int:pupil_id>/new", "GET"): only({}),
    ("/goals/pupils/<int:pupil_id>/new", "POST"): only({}),
    ("/goals/pupils/<int:pupil_id>/build-up", "POST"): only({}),
    ("/goals/<int:goal_id>", "GET"): only({}),
    ("/goals/<int:goal_id>/edit", "GET"): only({}),
    ("/goals/<int:goal_id>/edit", "POST"): only({}),
    ("/goals/<int:goal_id>/comments", "POST"): only({}),
    ("/goals/<int:goal_id>/checkins", "POST"): only({}),
    ("/goals/<int:goal_id>/status", "POST"): only({}),
}
