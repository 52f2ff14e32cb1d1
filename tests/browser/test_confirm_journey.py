"""Destructive actions ask first: a mentor presses "Cancel this meeting", reads what will
happen and who is told, says no and nothing has happened; then confirms and the meeting is
cancelled. Archiving a room asks the same way. Every page is checked with axe, and the confirm
page is used with the keyboard alone."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.test_meetings_journey import TITLE
from tests.conftest import assert_accessible, browser_login
from tests.integration.test_meetings import meetings, notifications, schedule

pytestmark = pytest.mark.browser


def test_a_mentor_is_asked_before_a_meeting_is_cancelled(app, room, new_page, either):
    # given a coming meeting in the mentor's room with two pupils
    schedule(app, room, title=TITLE)
    mentor = new_page()
    browser_login(mentor, room["mentor"].email)
    mentor.get_by_role("link", name=either("Rooms"), exact=True).first.click()
    mentor.get_by_role("link", name="Talteori").first.click()
    mentor.get_by_role("link", name=TITLE).click()

    # when they press "Cancel this meeting"
    mentor.get_by_role("button", name=either("Cancel this meeting")).click()
    # then they are asked, told what happens and which pupils are told
    question = mentor.get_by_role("heading", level=1)
    expect(question).to_contain_text(TITLE)
    expect(question).to_contain_text("16:00?")
    body = mentor.locator("main")
    expect(body).to_contain_text(
        either("The meeting will not take place and cannot be taken back.", part=True)
    )
    expect(body).to_contain_text(
        either(
            "The pupils %(names)s get a notice and an email.",
            part=True,
            names="Alva Lindgren, Noah Berg",
        )
    )
    assert_accessible(mentor)

    # when they say no
    mentor.get_by_role("link", name=either("No, go back")).click()
    # then they are back on the meeting, which still stands, and nobody was told
    expect(mentor.get_by_role("heading", level=1)).to_have_text(TITLE)
    assert meetings(app)[0].cancelled_at is None
    assert notifications(app, "meeting.cancelled") == []

    # when they ask again and confirm with the keyboard
    mentor.get_by_role("button", name=either("Cancel this meeting")).click()
    yes = mentor.get_by_role("button", name=either("Yes, cancel the meeting"))
    yes.focus()
    mentor.keyboard.press("Enter")
    # then the meeting is cancelled and both pupils are told
    expect(mentor.locator("body")).to_contain_text(
        either("The meeting is cancelled and the pupils have been told.", part=True)
    )
    assert_accessible(mentor)
    assert meetings(app)[0].cancelled_at is not None
    told = {n.user_id for n in notifications(app, "meeting.cancelled")}
    assert told == {room["alva"].id, room["noah"].id}


def test_archiving_a_room_asks_first(app, room, new_page, either):
    mentor = new_page()
    browser_login(mentor, room["mentor"].email)
    mentor.get_by_role("link", name=either("Rooms"), exact=True).first.click()
    mentor.get_by_role("link", name="Talteori").first.click()
    mentor.get_by_role("button", name=either("Archive the room")).click()
    expect(mentor.get_by_role("heading", level=1)).to_have_text(
        either("Archive the room %(name)s?", name="Talteori")
    )
    assert_accessible(mentor)
    mentor.get_by_role("link", name=either("No, go back")).click()
    expect(mentor.get_by_role("button", name=either("Archive the room"))).to_be_visible()
    mentor.get_by_role("button", name=either("Archive the room")).click()
    mentor.get_by_role("button", name=either("Yes, archive the room")).click()
    expect(mentor.locator("body")).to_contain_text(
        either("This room is archived. You can read the history but not write.", part=True)
    )
    assert_accessible(mentor)
