"""The confirmation step in front of destructive actions (mentorhub/confirm.py), as a browser
without JavaScript sends it: the first POST only shows what will happen and who is told; the
action runs only with the `confirmed` field."""

from mentorhub.extensions import db
from mentorhub.pupils.models import StaffLink
from mentorhub.rooms.models import Room
from tests.conftest import CONFIRMED
from tests.integration.test_meetings import client_for, meetings, notifications, weekly


def test_cancelling_without_the_confirmation_changes_nothing_and_mails_nobody(app, room, outbox):
    # given a coming meeting in a room with two pupils
    ids = weekly(app, room, weeks=1)
    mails_before = len(outbox())
    mentor = client_for(app, room["mentor"])
    # when the mentor presses "Cancel this meeting" (a POST without `confirmed`)
    response = mentor.post(f"/meetings/{ids[0]}/cancel")
    # then the answer is a page that says what happens and who is told
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Ställa in mötet" in page
    assert "Eleverna Alva Lindgren, Noah Berg får ett meddelande och ett mejl." in page
    assert 'name="confirmed" value="yes"' in page
    assert f'href="/meetings/{ids[0]}"' in page  # "No, go back"
    # and nothing has happened: not cancelled, nobody told
    assert meetings(app)[0].cancelled_at is None
    assert notifications(app, "meeting.cancelled") == []
    assert len(outbox()) == mails_before
    # when they answer yes
    response = mentor.post(f"/meetings/{ids[0]}/cancel", data=CONFIRMED)
    # then it is cancelled and both pupils are told
    assert response.status_code == 302
    assert meetings(app)[0].cancelled_at is not None
    assert {n.user_id for n in notifications(app, "meeting.cancelled")} == {
        room["alva"].id,
        room["noah"].id,
    }
    assert len(outbox()) == mails_before + 2


def _archived_at(app, room_id: int):
    with app.app_context():
        return db.session.get(Room, room_id).archived_at


def test_archiving_a_room_asks_first_and_runs_only_when_confirmed(app, room):
    mentor = client_for(app, room["mentor"])
    # when the mentor presses "Archive the room"
    page = mentor.post(f"/rooms/{room['id']}/archive").get_data(as_text=True)
    # then they are asked, and the room is still open
    assert "Arkivera rummet Talteori?" in page and "Ja, arkivera rummet" in page
    assert _archived_at(app, room["id"]) is None
    # and only the confirmation archives it
    assert mentor.post(f"/rooms/{room['id']}/archive", data=CONFIRMED).status_code == 302
    assert _archived_at(app, room["id"]) is not None


def test_the_team_removal_carries_whom_to_remove_to_the_confirm_page(app, care_team, login_as):
    alva, teacher = care_team["alva"], care_team["home_teacher"]
    client = login_as(care_team["coordinator"])
    member = f"{teacher.id}:home_teacher"
    page = client.post(f"/pupils/{alva.id}/team/remove", data={"member": member})
    text = page.get_data(as_text=True)
    assert f"Ta bort {teacher.name} ur {alva.name}s team?" in text
    assert f'name="member" value="{member}"' in text
    with app.app_context():
        assert db.session.get(StaffLink, (alva.id, teacher.id, "home_teacher")) is not None
