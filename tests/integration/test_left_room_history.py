"""When a match ends, the pupil leaves the mentor's rooms at once, but the staff around the
pupil still read the conversation as it stood when the pupil left: nothing written since."""

import sqlalchemy as sa

from mentorhub.audit import AuditEntry
from mentorhub.chat.models import Message
from mentorhub.extensions import db
from mentorhub.matching.models import Match
from mentorhub.rooms.models import RoomMember
from tests.conftest import CONFIRMED
from tests.integration.test_meetings import client_for


def _say(socket_as, person, room_id: int, client_id: str, body: str) -> None:
    ack = socket_as(person).emit(
        "send", {"room_id": room_id, "client_id": client_id, "body": body}, callback=True
    )
    assert ack["ok"], ack


def _unmatch(app, login_as, coordinator, pupil) -> None:
    with app.app_context():
        match_id = db.session.scalar(sa.select(Match.id).where(Match.pupil_id == pupil.id))
    assert (
        login_as(coordinator).post(f"/matching/{match_id}/remove", data=CONFIRMED).status_code
        == 302
    )


def test_the_team_reads_an_unmatched_pupils_room_as_it_stood_when_she_left(
    app, room, socket_as, login_as, coordinator
):
    # given Alva (linked to the home teacher) has written in the group room
    _say(socket_as, room["alva"], room["id"], "alva-before", "Jag löste uppgift 3")
    # when her match ends, and afterwards the mentor and Noah go on talking
    _unmatch(app, login_as, coordinator, room["alva"])
    with app.app_context():
        assert db.session.get(RoomMember, (room["id"], room["alva"].id)).removed_at is not None
    _say(socket_as, room["noah"], room["id"], "noah-after", "Noahs sak efteråt")
    # then the home teacher finds the room on Alva's page, under the rooms she has left
    teacher = client_for(app, room["home_teacher"])
    page = teacher.get(f"/progress/pupils/{room['alva'].id}").get_data(as_text=True)
    link = f"/progress/pupils/{room['alva'].id}/rooms/{room['id']}"
    assert "Rum som eleven har lämnat" in page and f'href="{link}"' in page
    # and reads what Alva wrote, but nothing written after she left
    history = teacher.get(link)
    text = history.get_data(as_text=True)
    assert history.status_code == 200
    assert "Jag löste uppgift 3" in text and "Noahs sak efteråt" not in text
    # and the reading is in the access log, with Alva as the person
    with app.app_context():
        entry = db.session.scalars(
            sa.select(AuditEntry).where(AuditEntry.action == "room.history_read")
        ).one()
        assert entry.person_id == room["alva"].id


def test_no_one_outside_the_team_reads_a_left_room_and_a_current_room_is_not_listed(
    app, room, socket_as, login_as, coordinator
):
    # given Alva has left the room, and Noah is still in it
    _say(socket_as, room["alva"], room["id"], "alva-first", "hej")
    _unmatch(app, login_as, coordinator, room["alva"])
    alva_link = f"/progress/pupils/{room['alva'].id}/rooms/{room['id']}"
    # then the pupil herself, the other pupil and an outsider are refused
    for person in ("alva", "noah", "outsider"):
        assert client_for(app, room[person]).get(alva_link).status_code == 403
    # and a room the pupil is still in is no "left room" (404 for the staff around Noah)
    mentor = client_for(app, room["mentor"])
    noah_link = f"/progress/pupils/{room['noah'].id}/rooms/{room['id']}"
    assert mentor.get(noah_link).status_code == 404
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(Message.id))) == 1
