"""A mentor whose meeting has ended finds it on the start page under "Attendance to take",
takes attendance, and it leaves the list; a meeting that has taken place offers no "Cancel".
Every page is checked with axe."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.test_meetings_journey import TITLE
from tests.conftest import assert_accessible, browser_login
from tests.integration.test_meetings import move_to_past, schedule

pytestmark = pytest.mark.browser


def test_a_mentor_takes_attendance_for_a_meeting_that_has_ended(app, room, new_page, either):
    # given a meeting in the mentor's room that ended an hour ago, with no attendance taken
    (meeting_id,) = schedule(app, room, title=TITLE)
    move_to_past(app, meeting_id, minutes_ago=120)
    mentor = new_page()
    browser_login(mentor, room["mentor"].email)

    # the start page lists it under "Attendance to take"
    due = mentor.locator("section.attendance-due")
    expect(due.get_by_role("heading", level=2)).to_have_text(either("Attendance to take"))
    assert_accessible(mentor)
    due.get_by_role("link", name=TITLE).click()

    # the meeting page: no "Cancel" for a meeting that has taken place, the attendance form
    expect(mentor.get_by_role("heading", level=1)).to_have_text(TITLE)
    expect(mentor.get_by_role("button", name=either("Cancel this meeting"))).to_have_count(0)
    assert_accessible(mentor)
    mentor.get_by_label("Alva Lindgren").select_option("present")
    mentor.get_by_label("Noah Berg").select_option("absent")
    mentor.get_by_role("button", name=either("Save the attendance")).click()
    expect(mentor.get_by_text(either("The attendance is saved."))).to_be_visible()

    # back on the start page, the meeting has left the list
    mentor.get_by_role("link", name=either("Start"), exact=True).first.click()
    expect(mentor.get_by_role("heading", level=1)).to_be_visible()
    expect(mentor.locator("section.attendance-due")).to_have_count(0)
    assert_accessible(mentor)
