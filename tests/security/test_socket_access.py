"""Every Socket.IO event × every kind of caller, with the answer each must get.

Callers: anonymous, a pupil outside the room, a removed member, a deactivated member, a member,
the room's mentor, and a home teacher linked to a pupil in the room (reads, never posts).
A new event without a row fails `test_every_socket_event_has_a_row`.
"""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from mentorhub.chat.models import Message
from mentorhub.extensions import db, socketio
from mentorhub.rooms.models import RoomMember
from mentorhub.timeutil import utcnow

CALLERS = ["outsider", "removed", "deactivated", "member", "mentor", "linked_staff"]
OK, REFUSED = True, False

# event -> expected ok per caller (anonymous clients cannot even connect: see below)
MATRIX: dict[str, dict[str, bool]] = {
    "join": {
        "outsider": REFUSED,
        "removed": REFUSED,
        "deactivated": REFUSED,
        "member": OK,
        "mentor": OK,
        "linked_staff": OK,
    },
    "history": {
        "outsider": REFUSED,
        "removed": REFUSED,
        "deactivated": REFUSED,
        "member": OK,
        "mentor": OK,
        "linked_staff": OK,
    },
    "send": {
        "outsider": REFUSED,
        "removed": REFUSED,
        "deactivated": REFUSED,
        "member": OK,
        "mentor": OK,
        "linked_staff": REFUSED,
    },
    "typing": {
        "outsider": REFUSED,
        "removed": REFUSED,
        "deactivated": REFUSED,
        "member": OK,
        "mentor": OK,
        "linked_staff": REFUSED,
    },
    "read": {
        "outsider": REFUSED,
        "removed": REFUSED,
        "deactivated": REFUSED,
        "member": OK,
        "mentor": OK,
        "linked_staff": OK,
    },
    "leave": {
        "outsider": OK,
        "removed": OK,
        "deactivated": REFUSED,
        "member": OK,
        "mentor": OK,
        "linked_staff": OK,
    },
    "report": {
        "outsider": REFUSED,
        "removed": REFUSED,
        "deactivated": REFUSED,
        "member": OK,
        "mentor": OK,
        "linked_staff": OK,
    },
    "hide": {
        "outsider": REFUSED,
        "removed": REFUSED,
        "deactivated": REFUSED,
        "member": REFUSED,
        "mentor": OK,
        "linked_staff": REFUSED,
    },
}
LIFECYCLE = {"connect", "disconnect"}


def test_every_socket_event_has_a_row(app):
    events = set(socketio.server.handlers["/"]) - LIFECYCLE
    assert events == set(MATRIX), f"events without a row: {events - set(MATRIX)}"


@pytest.fixture
def callers(app, room, make_user, socket_as):
    """A connected client per caller kind, and a message in the room to act on."""
    from mentorhub.accounts.models import Role, User

    removed = make_user(Role.PUPIL, name="Borttagen Elev")
    deactivated = make_user(Role.PUPIL, name="Avstängd Elev")
    with app.app_context():
        db.session.add_all(
            [
                RoomMember(room_id=room["id"], user_id=removed.id, removed_at=utcnow()),
                RoomMember(room_id=room["id"], user_id=deactivated.id),
                Message(
                    room_id=room["id"],
                    seq=1,
                    author_id=room["alva"].id,
                    client_id="seed-001",
                    body="hej",
                    html="<p>hej</p>",
                ),
            ]
        )
        db.session.execute(
            sa.update(db.metadata.tables["rooms"])
            .values(last_seq=1)
            .where(db.metadata.tables["rooms"].c.id == room["id"])
        )
        db.session.commit()
        message_id = db.session.scalar(sa.select(Message.id))
    people = {
        "outsider": room["outsider"],
        "removed": removed,
        "deactivated": deactivated,
        "member": room["noah"],
        "mentor": room["mentor"],
        "linked_staff": room["home_teacher"],
    }
    clients = {kind: socket_as(person) for kind, person in people.items()}
    # deactivation after connecting: the open socket must be cut off at its next event
    with app.app_context():
        db.session.get(User, deactivated.id).active = False
        db.session.commit()
    return clients, message_id


def _payload(event: str, room_id: int, message_id: int, caller: str) -> dict:
    return {
        "join": {"room_id": room_id},
        "history": {"room_id": room_id, "before_seq": 5},
        "send": {"room_id": room_id, "client_id": f"probe-{caller}", "body": "hej"},
        "typing": {"room_id": room_id},
        "read": {"room_id": room_id, "seq": 1},
        "leave": {"room_id": room_id},
        "report": {"message_id": message_id, "reason": "test"},
        "hide": {"message_id": message_id, "reason": "test"},
    }[event]


@pytest.mark.parametrize("caller", CALLERS)
@pytest.mark.parametrize("event", sorted(MATRIX))
def test_each_caller_gets_the_expected_answer(app, room, callers, event, caller):
    clients, message_id = callers
    ack = clients[caller].emit(
        event, _payload(event, room["id"], message_id, caller), callback=True
    )
    assert ack["ok"] is MATRIX[event][caller], ack
    if not ack["ok"]:
        assert ack["error"] in {"forbidden", "unauthorized"} and ack["message"]


def test_an_anonymous_client_cannot_connect(socket_as):
    assert socket_as(None).is_connected() is False


def test_refused_sends_store_nothing(app, room, callers):
    clients, message_id = callers
    for caller in ("outsider", "removed", "deactivated", "linked_staff"):
        clients[caller].emit(
            "send", _payload("send", room["id"], message_id, caller), callback=True
        )
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(Message.id))) == 1


def test_a_removed_member_stops_receiving_broadcasts_at_once(
    app, room, socket_as, client, login_as
):
    noah = socket_as(room["noah"])
    noah.emit("join", {"room_id": room["id"]}, callback=True)
    # when the mentor removes Noah through the members page
    login_as(room["mentor"])
    client.post(f"/rooms/{room['id']}/members", data={"pupil_ids": [room["alva"].id]})
    noah.get_received()
    socket_as(room["alva"]).emit(
        "send", {"room_id": room["id"], "client_id": "after-rm-1", "body": "hemligt"}, callback=True
    )
    # then Noah's open connection gets nothing more from the room
    assert [e for e in noah.get_received() if e["name"] == "message"] == []


def test_after_a_removal_the_others_are_asked_to_rejoin_and_the_removed_one_is_refused(
    app, room, socket_as, client, login_as
):
    # given Alva and Noah in the room's channel
    alva, noah = socket_as(room["alva"]), socket_as(room["noah"])
    for sock in (alva, noah):
        sock.emit("join", {"room_id": room["id"]}, callback=True)
        sock.get_received()
    # when the mentor removes Noah
    login_as(room["mentor"])
    client.post(f"/rooms/{room['id']}/members", data={"pupil_ids": [room["alva"].id]})
    # then the channel was closed for everyone (on every worker, via the message queue) and
    # Alva is asked to re-join, which she may; Noah may not
    assert {"name": "rejoin", "args": [{"room_id": room["id"]}], "namespace": "/"} in [
        {**e, "args": e["args"] if isinstance(e["args"], list) else [e["args"]]}
        for e in alva.get_received()
    ]
    assert alva.emit("join", {"room_id": room["id"]}, callback=True)["ok"] is True
    assert noah.emit("join", {"room_id": room["id"]}, callback=True)["error"] == "forbidden"
    socket_as(room["mentor"]).emit(
        "send", {"room_id": room["id"], "client_id": "after-rejoin", "body": "hej"}, callback=True
    )
    assert [e["name"] for e in alva.get_received()].count("message") == 1
    assert [e["name"] for e in noah.get_received()].count("message") == 0
