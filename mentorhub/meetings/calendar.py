"""iCalendar (RFC 5545) for the personal feed and single-meeting downloads.

Each meeting is one VEVENT whose UID never changes and whose SEQUENCE counts its changes, so a
calendar program replaces its copy on an edit and removes it when STATUS is CANCELLED. Times are
given in Europe/Stockholm with a VTIMEZONE, so the calendar shows the wall-clock time the mentor
chose whatever the season.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC

from icalendar import Calendar, Event, Timezone

from mentorhub.meetings.models import Meeting
from mentorhub.meetings.recurrence import STOCKHOLM

CONTENT_TYPE = "text/calendar; charset=utf-8"

# The EU rule Sweden follows (summer time from the last Sunday of March to the last Sunday of
# October, switching at 01:00 UTC), in the compact form calendar programs publish it in.
STOCKHOLM_VTIMEZONE = """BEGIN:VTIMEZONE
TZID:Europe/Stockholm
BEGIN:DAYLIGHT
TZOFFSETFROM:+0100
TZOFFSETTO:+0200
TZNAME:CEST
DTSTART:19700329T020000
RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU
END:DAYLIGHT
BEGIN:STANDARD
TZOFFSETFROM:+0200
TZOFFSETTO:+0100
TZNAME:CET
DTSTART:19701025T030000
RRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU
END:STANDARD
END:VTIMEZONE
"""


def _local(moment):
    return moment.replace(tzinfo=UTC).astimezone(STOCKHOLM)


def _event(meeting: Meeting) -> Event:
    event = Event()
    event.add("uid", meeting.uid)
    event.add("sequence", meeting.sequence)
    event.add("dtstamp", meeting.updated_at.replace(tzinfo=UTC))
    event.add("dtstart", _local(meeting.starts_at))
    event.add("dtend", _local(meeting.ends_at))
    event.add("summary", meeting.title)
    event.add("description", meeting.room.name)
    if meeting.video_url:
        event.add("url", meeting.video_url)
        event.add("location", meeting.video_url)
    event.add("status", "CANCELLED" if meeting.cancelled else "CONFIRMED")
    return event


def calendar(meetings: Iterable[Meeting], name: str, *, method: str | None = None) -> bytes:
    """A VCALENDAR with one VEVENT per meeting and the Stockholm VTIMEZONE they use."""
    cal = Calendar()
    cal.add("prodid", "-//MentorHub//Meetings//SV")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("x-wr-calname", name)
    cal.add("x-wr-timezone", "Europe/Stockholm")
    if method:
        cal.add("method", method)
    cal.add_component(Timezone.from_ical(STOCKHOLM_VTIMEZONE.replace("\n", "\r\n")))
    for meeting in meetings:
        cal.add_component(_event(meeting))
    return cal.to_ical()
