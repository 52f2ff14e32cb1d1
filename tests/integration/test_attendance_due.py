"""The mentor's "Attendance to take" on the start page: meetings that have started, are not
cancelled and have no attendance recorded, in one query."""

from mentorhub.extensions import db
from mentorhub.timeutil import utcnow
from tests.conftest import CONFIRMED
from tests.integration.test_meetings import client_for, move_to_past, weekly


def _section(page: str) -> str:
    """The start page's "Attendance to take" section, or "" when it is not shown."""
    if 'id="attendance-due-h"' not in page:
        return ""
    return page.split('id="attendance-due-h"')[1].split("</section>")[0]


def test_a_meeting_that_started_without_attendance_is_listed_until_it_is_taken(app, room):
    # given three weekly meetings: the first has taken place, the others are coming
    ids = weekly(app, room, weeks=3)
    move_to_past(app, ids[0], minutes_ago=120)
    mentor = client_for(app, room["mentor"])
    # when the mentor opens the start page
    section = _section(mentor.get("/").get_data(as_text=True))
    # then the past one is under "Att ta närvaro på", linking to its attendance; coming ones not
    assert "Att ta närvaro på" in mentor.get("/").get_data(as_text=True)
    assert f'href="/meetings/{ids[0]}#attendance"' in section
    assert f"/meetings/{ids[1]}" not in section and f"/meetings/{ids[2]}" not in section
    # when attendance is taken
    response = mentor.post(
        f"/meetings/{ids[0]}/attendance",
        data={f"status_{room['alva'].id}": "present", f"status_{room['noah'].id}": "absent"},
    )
    assert response.status_code == 302
    # then the meeting leaves the list, and with nothing left the section is gone
    assert _section(mentor.get("/").get_data(as_text=True)) == ""


def test_a_cancelled_meeting_and_another_mentors_meeting_are_not_listed(app, room, make_user):
    ids = weekly(app, room, weeks=2)
    mentor = client_for(app, room["mentor"])
    mentor.post(f"/meetings/{ids[0]}/cancel", data=CONFIRMED)
    move_to_past(app, ids[0], minutes_ago=120)
    move_to_past(app, ids[1], minutes_ago=60)
    section = _section(mentor.get("/").get_data(as_text=True))
    assert f"/meetings/{ids[1]}#attendance" in section
    assert f"/meetings/{ids[0]}#" not in section
    # another mentor has nothing to take
    other = client_for(app, make_user(name="Per Sand"))
    assert _section(other.get("/").get_data(as_text=True)) == ""


def test_the_list_takes_the_same_queries_for_one_meeting_or_many(app, room, count_queries):
    from mentorhub.accounts.models import User
    from mentorhub.meetings import services

    def due_and_queries() -> tuple[list[int], int]:
        with app.app_context():
            mentor = db.session.get(User, room["mentor"].id)
            with count_queries() as statements:
                due = services.attendance_due_for(mentor, utcnow())
                [m.room.name for m in due]  # what the start page shows of each
            return [m.id for m in due], len(statements)

    # given one meeting that has taken place, then four
    ids = weekly(app, room, weeks=4)
    move_to_past(app, ids[0], minutes_ago=60)
    one, queries_for_one = due_and_queries()
    for n, meeting_id in enumerate(ids):
        move_to_past(app, meeting_id, minutes_ago=60 * (n + 1))
    four, queries_for_four = due_and_queries()
    # then the lists are newest first, and the number of queries does not grow with them
    assert one == [ids[0]] and four == ids
    assert queries_for_four == queries_for_one


def test_the_room_page_lists_past_meetings_newest_first_marking_missing_attendance(app, room):
    # given two weekly meetings that have taken place, the latest with attendance taken
    ids = weekly(app, room, weeks=3)
    move_to_past(app, ids[0], minutes_ago=60 * 24 * 7 + 60)
    move_to_past(app, ids[1], minutes_ago=60)
    mentor = client_for(app, room["mentor"])
    mentor.post(f"/meetings/{ids[1]}/attendance", data={f"status_{room['alva'].id}": "present"})
    # when the mentor opens the room page
    page = mentor.get(f"/rooms/{room['id']}").get_data(as_text=True)
    past = page.split('id="past-meetings-h"')[1].split("</ul>")[0]
    # then both are under "Tidigare möten", newest first; only the one without attendance
    # is marked "Att ta närvaro på"
    assert past.index(f"/meetings/{ids[1]}") < past.index(f"/meetings/{ids[0]}")
    assert past.count("Att ta närvaro på") == 1
    assert past.split(f"/meetings/{ids[0]}")[1].find("Att ta närvaro på") != -1
    # and a pupil sees the past meetings without the mentor's marks
    pupil_page = client_for(app, room["alva"]).get(f"/rooms/{room['id']}").get_data(as_text=True)
    assert "Tidigare möten" in pupil_page and "Att ta närvaro på" not in pupil_page


def test_a_meeting_that_has_taken_place_offers_no_cancel(app, room):
    ids = weekly(app, room, weeks=2)
    move_to_past(app, ids[0], minutes_ago=120)
    mentor = client_for(app, room["mentor"])
    assert "Ställ in" not in mentor.get(f"/meetings/{ids[0]}").get_data(as_text=True)
    assert "Ställ in" in mentor.get(f"/meetings/{ids[1]}").get_data(as_text=True)


def test_the_meetings_page_lists_past_meetings_with_the_attendance_still_to_take(app, room):
    # given a meeting that has taken place without attendance, and one still to come
    ids = weekly(app, room, weeks=2)
    move_to_past(app, ids[0], minutes_ago=120)
    # when the mentor opens "Möten"
    page = client_for(app, room["mentor"]).get("/meetings/").get_data(as_text=True)
    # then the past one is under "Tidigare möten", linking to its attendance and marked
    past = page.split('id="past-meetings-h"')[1].split("</section>")[0]
    assert f'href="/meetings/{ids[0]}#attendance"' in past and "Att ta närvaro på" in past
    assert f"/meetings/{ids[1]}" not in past
    # and the pupil sees it listed too, without the mentor's mark
    pupil = client_for(app, room["alva"]).get("/meetings/").get_data(as_text=True)
    assert f"/meetings/{ids[0]}" in pupil.split('id="past-meetings-h"')[1]
    assert "Att ta närvaro på" not in pupil
