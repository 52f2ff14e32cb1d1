"""Journey 6, meetings: a mentor schedules a weekly meeting in a room (a bad link is refused on
its field first); the pupil sees the next meeting with its link on the start page, downloads it
as .ics and finds their calendar address; the mentor takes attendance and corrects it. Every
page is checked with axe."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
import sqlalchemy as sa
from playwright.sync_api import expect

from mentorhub.audit import AuditEntry
from mentorhub.extensions import db
from mentorhub.meetings.models import Attendance, Meeting
from mentorhub.timeutil import utcnow
from tests.conftest import assert_accessible, browser_login

pytestmark = pytest.mark.browser

LINK = "https://meet.example.se/talteori"
TITLE = "Talteori på tisdagar"


def next_tuesday() -> date:
    today = date.today()
    return today + timedelta(days=(1 - today.weekday()) % 7 + 7)


def test_weekly_meeting_from_scheduling_to_attendance(app, room, new_page, either, say):
    first = next_tuesday()

    # the mentor schedules a weekly meeting from the room page
    mentor = new_page()
    browser_login(mentor, room["mentor"].email)
    mentor.goto(f"/rooms/{room['id']}")
    assert_accessible(mentor)
    mentor.get_by_role("link", name=either("Schedule a meeting")).click()
    expect(mentor.get_by_role("heading", level=1)).to_have_text(either("Schedule a meeting"))
    assert_accessible(mentor)
    mentor.get_by_label(either("Title")).fill(TITLE)
    mentor.get_by_label(either("Date"), exact=True).fill(first.isoformat())
    mentor.get_by_label(either("Starts at")).fill("16:00")
    mentor.get_by_label(either("Length in minutes")).fill("45")
    mentor.get_by_label(either("Link to the video meeting")).fill("http://meet.example.se/x")
    mentor.get_by_role("radio", name=either("Every week, same day and time")).check()
    mentor.get_by_label(either("Repeat until (last day)")).fill(
        (first + timedelta(weeks=3)).isoformat()
    )
    mentor.get_by_role("button", name=either("Schedule")).click()
    # a plain http link is refused on its field, the rest kept
    link_field = mentor.get_by_label(either("Link to the video meeting"))
    expect(link_field).to_have_attribute("aria-invalid", "true")
    expect(mentor.locator("#video_url-error")).to_contain_text(
        either("Give the whole address of the video meeting, starting with https://", part=True)
    )
    expect(mentor.get_by_label(either("Title"))).to_have_value(TITLE)
    assert_accessible(mentor)
    link_field.fill(LINK)
    mentor.get_by_role("button", name=either("Schedule")).click()
    expect(mentor.get_by_role("heading", level=1)).to_have_text(TITLE)
    expect(mentor.locator(".meeting-facts")).to_contain_text("16:00")
    assert_accessible(mentor)
    with app.app_context():
        ids = list(db.session.scalars(sa.select(Meeting.id).order_by(Meeting.starts_at)))
    assert len(ids) == 4

    # the pupil sees the next meeting and its link on the start page
    pupil = new_page()
    browser_login(pupil, room["alva"].email)
    expect(pupil.get_by_role("heading", name=either("Your next meeting"))).to_be_visible()
    join = pupil.locator(".next-meeting").get_by_role(
        "link", name=either("Join the meeting", part=True)
    )
    expect(join).to_have_attribute("href", LINK)
    expect(pupil.locator(".next-meeting")).to_contain_text(TITLE)
    assert_accessible(pupil)

    # ... opens it, downloads it for the calendar, and finds the calendar address
    pupil.locator(".next-meeting").get_by_role("link", name=TITLE).click()
    expect(pupil.get_by_role("heading", level=1)).to_have_text(TITLE)
    expect(pupil.locator("#attendance")).to_contain_text(
        either("Your attendance has not been recorded.", part=True)
    )
    assert_accessible(pupil)
    with pupil.expect_download() as download:
        pupil.get_by_role("link", name=either("Add to my calendar (.ics file)")).click()
    assert download.value.suggested_filename == f"meeting-{ids[0]}.ics"
    pupil.goto("/meetings/")
    feed = pupil.get_by_label(either("Your personal calendar address"))
    expect(feed).to_have_attribute("readonly", "")
    expect(feed).to_have_value(re.compile(rf"/calendar/{room['alva'].id}/[0-9a-f]{{40}}\.ics$"))
    assert_accessible(pupil)

    # the first meeting has started: the mentor takes attendance
    with app.app_context():
        db.session.get(Meeting, ids[0]).starts_at = utcnow() - timedelta(minutes=5)
        db.session.commit()
    mentor.goto(f"/meetings/{ids[0]}")
    assert_accessible(mentor)
    mentor.get_by_label("Alva Lindgren").select_option("present")
    mentor.get_by_label("Noah Berg").select_option("absent")
    mentor.get_by_role("button", name=either("Save the attendance")).click()
    expect(mentor.get_by_text(either("The attendance is saved."))).to_be_visible()
    expect(mentor.get_by_label("Noah Berg")).to_have_value("absent")
    assert_accessible(mentor)
    # ... and corrects it when Noah's notice turns up
    mentor.get_by_label("Noah Berg").select_option("absent_with_notice")
    mentor.get_by_role("button", name=either("Save the attendance")).click()
    expect(mentor.get_by_label("Noah Berg")).to_have_value("absent_with_notice")
    assert_accessible(mentor)

    # the pupil sees her own attendance, not Noah's
    pupil.goto(f"/meetings/{ids[0]}")
    expect(pupil.locator("#attendance")).to_contain_text(
        say("Your attendance: %(status)s", status=say("Present"))
    )
    expect(pupil.locator("body")).not_to_contain_text("Noah Berg")
    assert_accessible(pupil)

    with app.app_context():
        rows = {a.pupil_id: a.status for a in db.session.scalars(sa.select(Attendance))}
        change = db.session.scalar(
            sa.select(AuditEntry).where(AuditEntry.action == "attendance.change")
        )
        assert rows == {room["alva"].id: "present", room["noah"].id: "absent_with_notice"}
        assert change.details == {"from_status": "absent", "to_status": "absent_with_notice"}
