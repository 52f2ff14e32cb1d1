"""Authorisation-matrix rows for concerns (oro).

The world's concern is about a pupil no fresh user is linked to: nobody may raise, plan, review
or close it; coordinators (who are told of every concern) may read it, and with an empty body
their plan/review/close answers the page with its field errors (422, a refused form). Pupils
never reach a concern.
"""

from __future__ import annotations

from tests.security.roles import SCHOOL_STAFF, only

# the list: coordinators and the staff who have pupils (policy.can_list_concerns)
_LISTERS = {"coordinator": 200, "mentor": 200, **dict.fromkeys(SCHOOL_STAFF, 200)}

ROWS: dict[tuple[str, str], dict[str, int]] = {
    ("/concerns/", "GET"): only(_LISTERS),
    ("/concerns/pupils/<int:pupil_id>/new", "GET"): only({}),
    ("/concerns/pupils/<int:pupil_id>/new", "POST"): only({}),
    ("/concerns/<int:concern_id>", "GET"): only({"coordinator": 200}),
    ("/concerns/<int:concern_id>/plan", "POST"): only({"coordinator": 422}),
    ("/concerns/<int:concern_id>/review", "POST"): only({"coordinator": 422}),
    ("/concerns/<int:concern_id>/close", "POST"): only({"coordinator": 422}),
}
