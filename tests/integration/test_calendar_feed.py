"""Journey 6, calendars: each person's secret feed address, read back with the `icalendar`
library as a calendar program would; and one meeting as an .ics download."""

from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from icalendar import Calendar

from mentorhub.accounts.models import User
from mentorhub.audit import AuditEntry
from mentorhub.extensions import db
from mentorhub.meetings.models import Meeting
from tests.conftest import CONFIRMED, login

LINK = "https://meet.example.se/talteori"
STOCKHOLM = ZoneInfo("Europe/Stockholm")


def client_for(app, user):
    client = app.test_client()
    assert login(client, user).status_code == 302
    return client


def next_tuesday(weeks: int = 1) -> date:
    today = date.today()
    return today + timedelta(days=(1 - today.weekday()) % 7 + 7 * weeks)


def schedule_weekly(app, room, weeks: int = 3, first: date | None = None) -> list[int]:
    first = first or next_tuesday()
    response = client_for(app, room["mentor"]).post(
        f"/meetings/rooms/{room['id']}/new",
        data={
            "title": "Talteori",
            "date": first.isoformat(),
            "start_time": "16:00",
            "duration_minutes": "45",
            "video_url": LINK,
            "repeat": "weekly",
            "until": (first + timedelta(weeks=weeks - 1)).isoformat(),
        },
    )
    assert response.status_code == 302, response.get_data(as_text=True)
    with app.app_context():
        return list(db.session.scalars(sa.select(Meeting.id).order_by(Meeting.starts_at)))


def feed_path(client) -> str:
    """The address the person sees on their meetings page, as a path."""
    page = client.get("/meetings/").get_data(as_text=True)
    url = re.search(r'id="feed-url"[^>]*value="([^"]+)"', page).group(1)
    return re.sub(r"^https?://[^/]+", "", url)


def read_feed(app, path: str) -> dict[str, object]:
    """Fetch the feed with no session at all, as a calendar program does; events by UID."""
    response = app.test_client().get(path)
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/calendar; charset=utf-8"
    assert "Set-Cookie" not in response.headers
    calendar = Calendar.from_ical(response.data)
    return {str(e["UID"]): e for e in calendar.walk("VEVENT")}, calendar


def test_the_feed_lists_the_pupils_meetings_in_stockholm_time(app, room):
    ids = schedule_weekly(app, room)
    events, calendar = read_feed(app, feed_path(client_for(app, room["alva"])))
    # then each meeting is an event with a stable UID, at 16:00–16:45 Stockholm time
    assert set(events) == {f"meeting-{i}@mentorhub" for i in ids}
    first = events[f"meeting-{ids[0]}@mentorhub"]
    start, end = first.decoded("DTSTART"), first.decoded("DTEND")
    assert first["DTSTART"].params["TZID"] == "Europe/Stockholm"
    assert start.tzinfo is not None
    assert start.astimezone(STOCKHOLM).replace(tzinfo=None) == datetime.combine(
        next_tuesday(), time(16)
    )
    assert end - start == timedelta(minutes=45)
    assert str(first["SUMMARY"]) == "Talteori"
    assert str(first["URL"]) == LINK and str(first["LOCATION"]) == LINK
    assert str(first["STATUS"]) == "CONFIRMED"
    assert int(first["SEQUENCE"]) == 0
    # and the calendar carries the time zone it uses, with the EU summer-time rule
    [vtimezone] = calendar.walk("VTIMEZONE")
    assert str(vtimezone["TZID"]) == "Europe/Stockholm"
    zone = vtimezone.to_tz()
    year = date.today().year + 1
    for day, hours in (
        (date(year, 1, 12), 1),
        (date(year, 6, 8), 2),
        (date(year, 3, 31), 2),
        (date(year, 10, 31), 1),
    ):
        moment = datetime.combine(day, time(16), tzinfo=zone)
        assert moment.utcoffset() == timedelta(hours=hours), day
        assert moment.utcoffset() == datetime.combine(day, time(16), STOCKHOLM).utcoffset()


def test_a_summer_time_meeting_is_16_oclock_too(app, room):
    # a meeting after the spring switch next year: 14:00 UTC, 16:00 on the clock
    first = date(date.today().year + 1, 5, 4)
    first += timedelta(days=(1 - first.weekday()) % 7)
    schedule_weekly(app, room, weeks=1, first=first)
    events, _ = read_feed(app, feed_path(client_for(app, room["alva"])))
    [event] = events.values()
    assert event.decoded("DTSTART").astimezone(STOCKHOLM).time() == time(16)
    assert event.decoded("DTSTART").utcoffset() == timedelta(hours=2)


def test_a_change_keeps_the_uid_and_raises_the_sequence(app, room):
    ids = schedule_weekly(app, room)
    path = feed_path(client_for(app, room["alva"]))
    client_for(app, room["mentor"]).post(
        f"/meetings/{ids[1]}/edit",
        data={
            "title": "Talteori, flyttad",
            "date": next_tuesday(2).isoformat(),
            "start_time": "17:00",
            "duration_minutes": "45",
            "video_url": LINK,
        },
    )
    events, _ = read_feed(app, path)
    moved = events[f"meeting-{ids[1]}@mentorhub"]
    assert len(events) == 3
    assert int(moved["SEQUENCE"]) == 1
    assert str(moved["SUMMARY"]) == "Talteori, flyttad"
    assert moved.decoded("DTSTART").astimezone(STOCKHOLM).time() == time(17)


def test_a_cancelled_meeting_stays_in_the_feed_as_cancelled(app, room):
    ids = schedule_weekly(app, room)
    path = feed_path(client_for(app, room["noah"]))
    client_for(app, room["mentor"]).post(f"/meetings/{ids[0]}/cancel", data=CONFIRMED)
    events, _ = read_feed(app, path)
    cancelled = events[f"meeting-{ids[0]}@mentorhub"]
    assert str(cancelled["STATUS"]) == "CANCELLED"
    assert int(cancelled["SEQUENCE"]) == 1
    assert str(events[f"meeting-{ids[1]}@mentorhub"]["STATUS"]) == "CONFIRMED"


def test_the_mentor_and_linked_staff_have_the_meetings_in_their_feeds(app, room):
    ids = schedule_weekly(app, room, weeks=1)
    for person in (room["mentor"], room["home_teacher"]):
        events, _ = read_feed(app, feed_path(client_for(app, person)))
        assert set(events) == {f"meeting-{ids[0]}@mentorhub"}
    events, _ = read_feed(app, feed_path(client_for(app, room["outsider"])))
    assert events == {}


def test_a_new_address_makes_the_old_one_stop_working(app, room):
    schedule_weekly(app, room, weeks=1)
    pupil = client_for(app, room["alva"])
    old = feed_path(pupil)
    # when Alva asks for a new address
    assert pupil.post("/meetings/feed/regenerate").status_code == 302
    new = feed_path(pupil)
    # then the old one is gone and the new one works
    assert new != old
    assert app.test_client().get(old).status_code == 404
    read_feed(app, new)
    with app.app_context():
        actions = db.session.scalars(sa.select(AuditEntry.action)).all()
    assert "calendar_feed.regenerate" in actions


def test_wrong_tokens_and_deactivated_people_get_404(app, room):
    alva_path = feed_path(client_for(app, room["alva"]))
    noah_path = feed_path(client_for(app, room["noah"]))
    token = alva_path.rsplit("/", 1)[1]
    client = app.test_client()
    assert client.get(f"/calendar/{room['alva'].id}/not-a-token.ics").status_code == 404
    # Alva's token does not open Noah's feed
    assert client.get(f"/calendar/{room['noah'].id}/{token}").status_code == 404
    assert client.get(noah_path).status_code == 200
    # a deactivated person's feed is gone
    with app.app_context():
        db.session.get(User, room["alva"].id).active = False
        db.session.commit()
    assert client.get(alva_path).status_code == 404


def test_one_meeting_as_a_download(app, room):
    ids = schedule_weekly(app, room, weeks=2)
    response = client_for(app, room["alva"]).get(f"/meetings/{ids[0]}.ics")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/calendar; charset=utf-8"
    assert response.headers["Content-Disposition"].startswith("attachment;")
    [event] = Calendar.from_ical(response.data).walk("VEVENT")
    assert str(event["UID"]) == f"meeting-{ids[0]}@mentorhub"
    assert event.decoded("DTSTART").astimezone(STOCKHOLM).time() == time(16)
    # outsiders are refused, and the signed-out sent to sign in
    assert client_for(app, room["outsider"]).get(f"/meetings/{ids[0]}.ics").status_code == 403
    assert app.test_client().get(f"/meetings/{ids[0]}.ics").status_code == 302
