"""Journey 6, meetings: a mentor schedules one-off and weekly meetings in a room, changes or
cancels one or the series (the pupils are told), takes attendance and corrects it (audited);
pupils see their own attendance only; outsiders and removed members are refused."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

import pytest
import sqlalchemy as sa

from mentorhub.audit import AuditEntry
from mentorhub.extensions import db
from mentorhub.meetings import recurrence
from mentorhub.meetings.models import Attendance, Meeting, MeetingSeries
from mentorhub.notifications.models import Notification
from mentorhub.problems.models import PostTarget, Problem, ProblemPost
from mentorhub.rooms.models import Room, RoomMember
from mentorhub.timeutil import utcnow
from tests.conftest import CONFIRMED, login

LINK = "https://meet.example.se/talteori"


def client_for(app, user):
    client = app.test_client()
    assert login(client, user).status_code == 302
    return client


def next_tuesday(weeks: int = 1) -> date:
    today = date.today()
    return today + timedelta(days=(1 - today.weekday()) % 7 + 7 * weeks)


def last_sunday(year: int, month: int) -> date:
    day = date(year, month + 1, 1) - timedelta(days=1)
    return day - timedelta(days=(day.weekday() + 1) % 7)


def form(**changes) -> dict:
    data = {
        "title": "Talteori på tisdagar",
        "date": next_tuesday().isoformat(),
        "start_time": "16:00",
        "duration_minutes": "45",
        "video_url": LINK,
        "repeat": "once",
        "until": "",
    }
    return {**data, **changes}


def schedule(app, room, **changes) -> list[int]:
    """Schedule through the page as the room's mentor; the new meetings' ids, soonest first."""
    response = client_for(app, room["mentor"]).post(
        f"/meetings/rooms/{room['id']}/new", data=form(**changes)
    )
    assert response.status_code == 302, response.get_data(as_text=True)
    with app.app_context():
        return list(db.session.scalars(sa.select(Meeting.id).order_by(Meeting.starts_at)))


def meetings(app) -> list[Meeting]:
    with app.app_context():
        rows = list(db.session.scalars(sa.select(Meeting).order_by(Meeting.starts_at)).unique())
        for row in rows:
            db.session.expunge(row)
        return rows


def move_to_past(app, meeting_id: int, minutes_ago: int = 10) -> None:
    """Pretend the meeting started a while ago (scheduling only accepts coming times)."""
    with app.app_context():
        meeting = db.session.get(Meeting, meeting_id)
        meeting.starts_at = utcnow() - timedelta(minutes=minutes_ago)
        db.session.commit()


def notifications(app, kind: str) -> list[Notification]:
    with app.app_context():
        return list(db.session.scalars(sa.select(Notification).where(Notification.kind == kind)))


def audit_actions(app) -> list[AuditEntry]:
    with app.app_context():
        rows = list(db.session.scalars(sa.select(AuditEntry).order_by(AuditEntry.id)).unique())
        for row in rows:
            db.session.expunge(row)
        return rows


# --- scheduling --------------------------------------------------------------------------------


def test_mentor_schedules_a_one_off_and_the_pupils_are_told(app, room):
    # when the mentor schedules one meeting next Tuesday at 16:00
    ids = schedule(app, room)
    # then one meeting is stored at that Stockholm time, with the link
    [meeting] = meetings(app)
    assert ids == [meeting.id]
    assert meeting.starts_at == recurrence.to_utc(datetime.combine(next_tuesday(), time(16)))
    assert (meeting.duration_minutes, meeting.video_url, meeting.sequence) == (45, LINK, 0)
    # and both pupils are told in the app, with the start as naive UTC
    told = notifications(app, "meeting.scheduled")
    assert {n.user_id for n in told} == {room["alva"].id, room["noah"].id}
    assert told[0].params["when"] == meeting.starts_at.isoformat()
    assert told[0].params["room"] == "Talteori"
    assert told[0].link == f"/meetings/{meeting.id}"
    assert "meeting.schedule" in [e.action for e in audit_actions(app)]


def test_a_weekly_series_keeps_16_oclock_across_the_spring_switch(app, room):
    # given a Tuesday series through the week summer time begins
    switch = last_sunday(date.today().year + 1, 3)
    first = switch - timedelta(days=5)  # the Tuesday before
    schedule(
        app,
        room,
        date=first.isoformat(),
        repeat="weekly",
        until=(first + timedelta(weeks=2)).isoformat(),
    )
    # then there is one row per week, the until day included ...
    rows = meetings(app)
    assert [recurrence.to_local(m.starts_at).date() for m in rows] == [
        first,
        first + timedelta(weeks=1),
        first + timedelta(weeks=2),
    ]
    # ... each at 16:00 in Stockholm, so an hour earlier in UTC after the switch
    assert {recurrence.to_local(m.starts_at).time() for m in rows} == {time(16)}
    assert [m.starts_at.hour for m in rows] == [15, 14, 14]
    with app.app_context():
        series = db.session.scalar(sa.select(MeetingSeries))
        assert series.weekly and series.until == first + timedelta(weeks=2)


def test_the_mentor_gets_the_schedule_form_from_the_room(app, room):
    page = client_for(app, room["mentor"]).get(f"/rooms/{room['id']}").get_data(as_text=True)
    assert f'href="/meetings/rooms/{room["id"]}/new"' in page
    response = client_for(app, room["mentor"]).get(f"/meetings/rooms/{room['id']}/new")
    assert response.status_code == 200


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"video_url": "http://meet.example.se/talteori"}, "video_url"),
        ({"video_url": "meet.example.se"}, "video_url"),
        ({"video_url": "javascript:alert(1)"}, "video_url"),
        ({"duration_minutes": "5"}, "duration_minutes"),
        ({"duration_minutes": "300"}, "duration_minutes"),
        ({"repeat": "weekly", "until": ""}, "until"),
        (
            {"repeat": "weekly", "until": (next_tuesday() - timedelta(days=1)).isoformat()},
            "until",
        ),
        (
            {"repeat": "weekly", "until": (next_tuesday() + timedelta(days=400)).isoformat()},
            "until",
        ),
        ({"date": (date.today() - timedelta(days=2)).isoformat()}, "date"),
        ({"title": ""}, "title"),
    ],
)
def test_bad_input_is_refused_on_its_field_and_nothing_is_stored(app, room, changes, field):
    # when the mentor sends the form with one bad field
    response = client_for(app, room["mentor"]).post(
        f"/meetings/rooms/{room['id']}/new", data=form(**{"title": "Kvällsträff", **changes})
    )
    # then the form comes back with the message tied to that field, the rest kept
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert f'id="{field}-error"' in page
    if field != "title":
        assert 'value="Kvällsträff"' in page
    # and nothing is stored, nobody is told
    assert meetings(app) == []
    assert notifications(app, "meeting.scheduled") == []


def test_only_the_rooms_mentor_schedules(app, room, make_user):
    from mentorhub.accounts.models import Role

    other_mentor = make_user(Role.MENTOR)
    for person in (room["alva"], room["home_teacher"], other_mentor):
        response = client_for(app, person).post(f"/meetings/rooms/{room['id']}/new", data=form())
        assert response.status_code == 403
    assert meetings(app) == []


# --- changing and cancelling -------------------------------------------------------------------


def weekly(app, room, weeks: int = 3) -> list[int]:
    return schedule(
        app,
        room,
        repeat="weekly",
        until=(next_tuesday() + timedelta(weeks=weeks - 1)).isoformat(),
    )


def test_changing_one_occurrence_leaves_the_others(app, room, outbox):
    ids = weekly(app, room)
    second_day = recurrence.to_local(meetings(app)[1].starts_at).date()
    # when the mentor moves the second meeting to 17:30, 60 minutes, another link
    response = client_for(app, room["mentor"]).post(
        f"/meetings/{ids[1]}/edit",
        data={
            "title": "Extra genomgång",
            "date": second_day.isoformat(),
            "start_time": "17:30",
            "duration_minutes": "60",
            "video_url": "https://meet.example.se/annat",
        },
    )
    assert response.status_code == 302
    first, second, third = meetings(app)
    # then only that one changed, and its sequence went up
    assert second.title == "Extra genomgång"
    assert recurrence.to_local(second.starts_at).time() == time(17, 30)
    assert (second.duration_minutes, second.video_url, second.sequence) == (
        60,
        "https://meet.example.se/annat",
        1,
    )
    assert (first.title, first.sequence, third.sequence) == ("Talteori på tisdagar", 0, 0)
    # and the pupils are told in the app and by mail
    changed = notifications(app, "meeting.changed")
    assert {n.user_id for n in changed} == {room["alva"].id, room["noah"].id}
    assert changed[0].params["when"] == second.starts_at.isoformat()
    assert {m.recipient for m in outbox()} == {room["alva"].email, room["noah"].email}
    assert "meeting.edit" in [e.action for e in audit_actions(app)]


def test_changing_the_series_changes_the_coming_ones_and_keeps_the_past(app, room):
    ids = weekly(app, room)
    move_to_past(app, ids[0], minutes_ago=60 * 24 * 2)
    past_before = meetings(app)[0]
    with app.app_context():
        series_id = db.session.get(Meeting, ids[1]).series_id
    # when the mentor moves the series to 17:15, 30 minutes, with a new title and link
    response = client_for(app, room["mentor"]).post(
        f"/meetings/series/{series_id}/edit",
        data={
            "title": "Talteori (ny tid)",
            "start_time": "17:15",
            "duration_minutes": "30",
            "video_url": "https://meet.example.se/ny",
        },
    )
    assert response.status_code == 302
    past, *coming = meetings(app)
    # then every coming meeting changed, each on its own day
    for meeting, weeks in zip(coming, (1, 2), strict=True):
        local = recurrence.to_local(meeting.starts_at)
        assert local.date() == next_tuesday() + timedelta(weeks=weeks)
        assert local.time() == time(17, 15)
        assert (meeting.title, meeting.duration_minutes, meeting.video_url, meeting.sequence) == (
            "Talteori (ny tid)",
            30,
            "https://meet.example.se/ny",
            1,
        )
    # and the one that took place keeps its history
    assert (past.title, past.starts_at, past.sequence) == (
        past_before.title,
        past_before.starts_at,
        0,
    )
    assert len(notifications(app, "meeting.changed")) == 2  # one per pupil, not per meeting


def test_a_bad_link_on_a_change_is_refused_and_nothing_changes(app, room):
    ids = schedule(app, room)
    response = client_for(app, room["mentor"]).post(
        f"/meetings/{ids[0]}/edit",
        data={**form(), "video_url": "http://insecure.example.se"},
    )
    assert response.status_code == 422
    assert 'id="video_url-error"' in response.get_data(as_text=True)
    assert meetings(app)[0].video_url == LINK


def test_cancelling_one_occurrence_keeps_its_row(app, room, outbox):
    ids = weekly(app, room)
    response = client_for(app, room["mentor"]).post(f"/meetings/{ids[1]}/cancel", data=CONFIRMED)
    assert response.status_code == 302
    first, second, third = meetings(app)
    assert second.cancelled_at is not None and second.sequence == 1
    assert first.cancelled_at is None and third.cancelled_at is None
    cancelled = notifications(app, "meeting.cancelled")
    assert {n.user_id for n in cancelled} == {room["alva"].id, room["noah"].id}
    assert len(outbox()) == 2
    # and the page says so, with no link to join
    page = client_for(app, room["alva"]).get(f"/meetings/{ids[1]}").get_data(as_text=True)
    assert LINK not in page


def test_cancelling_the_series_cancels_only_the_coming_meetings(app, room):
    ids = weekly(app, room)
    move_to_past(app, ids[0], minutes_ago=60 * 24)
    with app.app_context():
        series_id = db.session.get(Meeting, ids[1]).series_id
    response = client_for(app, room["mentor"]).post(
        f"/meetings/series/{series_id}/cancel", data=CONFIRMED
    )
    assert response.status_code == 302
    past, *coming = meetings(app)
    assert past.cancelled_at is None and past.sequence == 0
    assert all(m.cancelled_at is not None and m.sequence == 1 for m in coming)
    assert "meeting.cancel_series" in [e.action for e in audit_actions(app)]


def test_a_pupil_cannot_change_or_cancel(app, room):
    ids = weekly(app, room, weeks=2)
    pupil = client_for(app, room["alva"])
    assert pupil.post(f"/meetings/{ids[0]}/cancel").status_code == 403
    assert pupil.get(f"/meetings/{ids[0]}/edit").status_code == 403
    assert all(m.cancelled_at is None for m in meetings(app))


# --- attendance --------------------------------------------------------------------------------


def test_attendance_is_recorded_and_corrected_with_the_change_audited(app, room):
    [meeting_id] = schedule(app, room)
    move_to_past(app, meeting_id)
    mentor = client_for(app, room["mentor"])
    alva, noah = room["alva"].id, room["noah"].id
    # when the mentor records Alva present and Noah absent
    response = mentor.post(
        f"/meetings/{meeting_id}/attendance",
        data={f"status_{alva}": "present", f"status_{noah}": "absent"},
    )
    assert response.status_code == 302
    # and later learns Noah had sent word, and corrects it
    mentor.post(
        f"/meetings/{meeting_id}/attendance",
        data={f"status_{alva}": "present", f"status_{noah}": "absent_with_notice"},
    )
    with app.app_context():
        rows = {a.pupil_id: a.status for a in db.session.scalars(sa.select(Attendance))}
    assert rows == {alva: "present", noah: "absent_with_notice"}
    # then every recording and the change are audited, with from and to, about the pupil
    entries = [e for e in audit_actions(app) if e.action.startswith("attendance.")]
    assert [(e.action, e.person_id, e.details) for e in entries] == [
        ("attendance.record", alva, {"to_status": "present"}),
        ("attendance.record", noah, {"to_status": "absent"}),
        (
            "attendance.change",
            noah,
            {"from_status": "absent", "to_status": "absent_with_notice"},
        ),
    ]


def test_attendance_waits_for_the_start_and_is_never_taken_for_a_cancelled_meeting(app, room):
    ids = weekly(app, room, weeks=2)
    mentor = client_for(app, room["mentor"])
    data = {f"status_{room['alva'].id}": "present"}
    # not started yet: refused, visibly
    response = mentor.post(f"/meetings/{ids[0]}/attendance", data=data, follow_redirects=True)
    assert response.status_code == 200
    assert 'class="alert' in response.get_data(as_text=True)
    # cancelled (after it started): refused too
    mentor.post(f"/meetings/{ids[1]}/cancel", data=CONFIRMED)
    move_to_past(app, ids[1])
    mentor.post(f"/meetings/{ids[1]}/attendance", data=data)
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Attendance)) == 0


def test_a_pupil_cannot_take_attendance_and_sees_only_their_own(app, room):
    [meeting_id] = schedule(app, room)
    move_to_past(app, meeting_id)
    alva, noah = room["alva"], room["noah"]
    client_for(app, room["mentor"]).post(
        f"/meetings/{meeting_id}/attendance",
        data={f"status_{alva.id}": "late", f"status_{noah.id}": "absent"},
    )
    pupil = client_for(app, alva)
    assert (
        pupil.post(
            f"/meetings/{meeting_id}/attendance", data={f"status_{alva.id}": "present"}
        ).status_code
        == 403
    )
    page = pupil.get(f"/meetings/{meeting_id}").get_data(as_text=True)
    assert noah.name not in page
    assert 'name="status_' not in page
    with app.app_context():
        assert db.session.get(Attendance, (meeting_id, alva.id)).status == "late"


def test_linked_staff_read_their_own_pupils_attendance_and_the_reading_is_audited(app, room):
    # given a meeting that took place, with attendance for both pupils
    [meeting_id] = schedule(app, room)
    move_to_past(app, meeting_id)
    alva, noah = room["alva"], room["noah"]
    client_for(app, room["mentor"]).post(
        f"/meetings/{meeting_id}/attendance",
        data={f"status_{alva.id}": "late", f"status_{noah.id}": "absent"},
    )
    # when Alva's home teacher (not Noah's) reads the meeting
    response = client_for(app, room["home_teacher"]).get(f"/meetings/{meeting_id}")
    # then she sees Alva's attendance, read-only, and not Noah's
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert alva.name in page and noah.name not in page
    assert 'name="status_' not in page
    # and the reading is audited, the attendance as about Alva
    reads = [(e.action, e.person_id) for e in audit_actions(app) if e.action.endswith(".read")]
    assert reads == [("meeting.read", None), ("attendance.read", alva.id)]


def test_outsiders_and_removed_members_are_refused(app, room):
    [meeting_id] = schedule(app, room)
    assert client_for(app, room["outsider"]).get(f"/meetings/{meeting_id}").status_code == 403
    # given Noah is taken out of the room
    with app.app_context():
        member = db.session.get(RoomMember, (room["id"], room["noah"].id))
        member.removed_at = utcnow()
        db.session.commit()
    noah = client_for(app, room["noah"])
    assert noah.get(f"/meetings/{meeting_id}").status_code == 403
    assert noah.get(f"/meetings/{meeting_id}.ics").status_code == 403
    assert "Talteori på tisdagar" not in noah.get("/meetings/").get_data(as_text=True)


# --- lists and the start page ------------------------------------------------------------------


def test_the_meeting_list_loads_in_a_bounded_number_of_queries(app, room, count_queries):
    schedule(app, room)
    client = client_for(app, room["alva"])
    with count_queries() as few:
        assert client.get("/meetings/").status_code == 200
    weekly(app, room, weeks=12)
    with count_queries() as many:
        page = client.get("/meetings/")
    assert page.get_data(as_text=True).count('href="/meetings/') >= 13
    assert len(many) == len(few)


def test_the_pupils_start_page_shows_the_next_meeting_and_whats_new(app, room):
    ids = weekly(app, room, weeks=2)
    # the first one is cancelled, so the second is next
    client_for(app, room["mentor"]).post(f"/meetings/{ids[0]}/cancel", data=CONFIRMED)
    with app.app_context():
        db.session.get(Room, room["id"]).last_seq = 3  # three chat messages Alva has not read
        room_row = db.session.get(Room, room["id"])
        problem = Problem(
            mentor_id=room["mentor"].id,
            subject_area_id=room_row.subject_area_id,
            title="P",
            statement="x",
            statement_html="",
            levels=[3],
        )
        db.session.add(problem)
        db.session.flush()
        db.session.add(
            ProblemPost(
                problem_id=problem.id,
                room_id=room["id"],
                posted_by_id=room["mentor"].id,
                targets=[PostTarget(pupil_id=room["alva"].id, level=3)],
            )
        )
        db.session.commit()
    page = client_for(app, room["alva"]).get("/").get_data(as_text=True)
    assert f'href="/meetings/{ids[1]}"' in page
    assert f'href="/meetings/{ids[0]}"' not in page
    assert f'href="{LINK}"' in page
    assert f'href="/rooms/{room["id"]}"' in page
    assert "3" in page.split('id="room-news-h"')[1]


def test_the_mentors_start_page_shows_their_next_meeting_without_room_news(app, room):
    # given a weekly series in the mentor's room
    ids = weekly(app, room, weeks=2)
    # when the mentor opens the start page
    page = client_for(app, room["mentor"]).get("/").get_data(as_text=True)
    # then the first meeting is there with its link; the pupils' room news is not
    assert f'href="/meetings/{ids[0]}"' in page and f'href="{LINK}"' in page
    assert 'id="room-news-h"' not in page


def test_the_start_page_without_meetings_or_news(app, room):
    page = client_for(app, room["alva"]).get("/")
    assert page.status_code == 200
    assert 'id="next-meeting-h"' in page.get_data(as_text=True)


def test_the_start_page_news_take_the_same_queries_for_one_room_or_many(app, room, count_queries):
    from mentorhub.accounts.models import User
    from mentorhub.meetings import services

    weekly(app, room, weeks=2)

    def news_queries() -> int:
        with app.app_context(), count_queries() as statements:
            alva = db.session.get(User, room["alva"].id)
            statements.clear()
            services.next_meeting_for(alva)
            news = services.room_news_for(alva)
        return len(statements), len(news)

    with app.app_context():
        db.session.get(Room, room["id"]).last_seq = 2
        db.session.commit()
    one, shown = news_queries()
    assert shown == 1
    # given three more rooms with unread messages
    with app.app_context():
        for n in range(3):
            extra = Room(
                mentor_id=room["mentor"].id,
                subject_area_id=db.session.get(Room, room["id"]).subject_area_id,
                kind="group",
                name=f"Rum {n}",
                last_seq=5,
            )
            db.session.add(extra)
            db.session.flush()
            db.session.add(RoomMember(room_id=extra.id, user_id=room["alva"].id))
        db.session.commit()
    many, shown = news_queries()
    assert shown == 4
    assert many == one
