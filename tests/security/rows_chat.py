"""Authorisation-matrix rows for chat moderation (merged into MATRIX).

The world's message and its report are in a room none of the fresh users belongs to: reporting,
hiding, the list of reports and handling one are refused to everyone signed in.
"""

from __future__ import annotations

from tests.security.roles import only

ROWS: dict[tuple[str, str], dict[str, int]] = {
    ("/rooms/messages/<int:message_id>/report", "POST"): only({}),
    ("/rooms/messages/<int:message_id>/hide", "POST"): only({}),
    ("/rooms/<int:room_id>/reports", "GET"): only({}),
    ("/rooms/reports/<int:report_id>/hide", "POST"): only({}),
    ("/rooms/reports/<int:report_id>/dismiss", "POST"): only({}),
}
