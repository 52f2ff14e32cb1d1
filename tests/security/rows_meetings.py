"""Authorisation-matrix rows for meetings, attendance and calendar feeds (merged into MATRIX).

The world's meeting is in a room none of the fresh users belongs to or is linked to: every page
and action on it is refused. The list and one's own feed address are for everyone signed in; a
feed address with a wrong token is a 404 for everyone, signed in or not.
"""

from __future__ import annotations

from tests.security.roles import everyone, only, signed_in

ROWS: dict[tuple[str, str], dict[str, int]] = {
    ("/meetings/", "GET"): signed_in(200),
    ("/meetings/feed/regenerate", "POST"): signed_in(302),
    ("/meetings/rooms/<int:room_id>/new", "GET"): only({}),
    ("/meetings/rooms/<int:room_id>/new", "POST"): only({}),
    ("/meetings/<int:meeting_id>", "GET"): only({}),
    ("/meetings/<int:meeting_id>.ics", "GET"): only({}),
    ("/meetings/<int:meeting_id>/attendance", "POST"): only({}),
    ("/meetings/<int:meeting_id>/edit", "GET"): only({}),
    ("/meetings/<int:meeting_id>/edit", "POST"): only({}),
    ("/meetings/<int:meeting_id>/cancel", "POST"): only({}),
    ("/meetings/series/<int:series_id>/edit", "GET"): only({}),
    ("/meetings/series/<int:series_id>/edit", "POST"): only({}),
    ("/meetings/series/<int:series_id>/cancel", "POST"): only({}),
    ("/calendar/<int:user_id>/<token>.ics", "GET"): everyone(404),
}
