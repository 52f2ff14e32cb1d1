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
from tests.conftest import CONFIRMED

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


def test_after_a_removal_the_others_keep_the_room_and_the_removed_one_is_refused(
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
    # then Noah is told and refused; Alva still hears the room without having to re-join
    assert "access_ended" in [e["name"] for e in noah.get_received()]
    assert noah.emit("join", {"room_id": room["id"]}, callback=True)["error"] == "forbidden"
    socket_as(room["mentor"]).emit(
        "send", {"room_id": room["id"], "client_id": "after-removal", "body": "hej"}, callback=True
    )
    assert [e["name"] for e in alva.get_received()].count("message") == 1
    assert [e["name"] for e in noah.get_received()].count("message") == 0


# --- every change that ends access ends it on the open socket, after the commit -------------


def _listening(socket_as, user, room_id):
    sock = socket_as(user)
    assert sock.emit("join", {"room_id": room_id}, callback=True)["ok"] is True
    sock.get_received()
    return sock


def _assert_deaf_and_refused(sock, socket_as, room, *, disconnected: bool):
    """After the change: nothing more arrives, and the socket can neither join nor send."""
    socket_as(room["mentor"]).emit(
        "send",
        {"room_id": room["id"], "client_id": "after-change", "body": "hemligt"},
        callback=True,
    )
    if disconnected:  # the server closed it: nothing can reach it, and it cannot emit
        assert sock.is_connected() is False
    else:
        assert [e for e in sock.get_received() if e["name"] == "message"] == []
        assert sock.emit("join", {"room_id": room["id"]}, callback=True)["ok"] is False
        sent = sock.emit(
            "send", {"room_id": room["id"], "client_id": "stale-send", "body": "x"}, callback=True
        )
        assert sent["ok"] is False


def test_a_password_reset_disconnects_the_sockets_opened_before_it(app, room, socket_as, client):
    # given Noah listening in the room
    noah = _listening(socket_as, room["noah"], room["id"])
    # when a reset link is used for him
    from tests.conftest import link_in

    client.post("/password/forgot", data={"email": room["noah"].email})
    with app.app_context():
        from mentorhub import mail

        path = link_in(mail.latest_to(room["noah"].email).body)
    response = client.post(
        path, data={"password": "a-new-password-1", "confirm": "a-new-password-1"}
    )
    assert response.status_code == 302
    # then his open socket is disconnected, so it hears nothing more
    _assert_deaf_and_refused(noah, socket_as, room, disconnected=True)


def test_signing_out_ends_that_cookie_on_http_and_sockets_and_disconnects_its_socket(
    app, room, socket_as
):
    from mentorhub.extensions import socketio as sio
    from tests.conftest import login

    # given Noah signed in twice (a shared computer and his phone), listening on both
    shared, phone = app.test_client(), app.test_client()
    login(shared, room["noah"])
    login(phone, room["noah"])
    old_cookie = shared.get_cookie("session").value
    on_shared = sio.test_client(app, flask_test_client=shared)
    on_phone = sio.test_client(app, flask_test_client=phone)
    for sock in (on_shared, on_phone):
        assert sock.emit("join", {"room_id": room["id"]}, callback=True)["ok"] is True
        sock.get_received()
    # when he signs out on the shared computer
    assert shared.post("/logout").status_code == 302
    # then that socket is disconnected, and a copy of the old cookie works nowhere
    assert on_shared.is_connected() is False
    replay = app.test_client()
    replay.set_cookie("session", old_cookie)
    assert replay.get(f"/rooms/{room['id']}").status_code == 302  # to the sign-in page
    replayed = sio.test_client(app, flask_test_client=replay)
    assert replayed.is_connected() is False
    # but his phone is still signed in and still hears the room
    assert phone.get(f"/rooms/{room['id']}").status_code == 200
    socket_as(room["mentor"]).emit(
        "send", {"room_id": room["id"], "client_id": "after-logout", "body": "hej"}, callback=True
    )
    assert [e["name"] for e in on_phone.get_received()].count("message") == 1
    on_phone.disconnect()


def test_signing_out_everywhere_ends_every_sign_in_and_socket(app, room, socket_as):
    from mentorhub.extensions import socketio as sio
    from tests.conftest import login

    one, two = app.test_client(), app.test_client()
    login(one, room["noah"])
    login(two, room["noah"])
    sock = sio.test_client(app, flask_test_client=two)
    sock.emit("join", {"room_id": room["id"]}, callback=True)
    # when he signs out everywhere from the page behind the link next to "Sign out"
    assert "/account/sessions" in one.get("/").get_data(as_text=True)
    assert one.post("/account/sessions/end").status_code == 302
    # then both cookies are refused and the socket on the other device is gone
    assert one.get("/rooms/").status_code == 302 and two.get("/rooms/").status_code == 302
    assert sock.is_connected() is False


def test_a_coordinator_signs_someone_out_everywhere_from_the_staff_list(
    app, room, socket_as, coordinator, login_as
):
    teacher = _listening(socket_as, room["home_teacher"], room["id"])
    client = login_as(coordinator)
    staff = client.get("/programme/staff").get_data(as_text=True)
    path = f"/programme/staff/{room['home_teacher'].id}/sign-out"
    assert path in staff
    assert client.get(path).status_code == 200  # the page that asks
    assert client.post(path).status_code == 302
    _assert_deaf_and_refused(teacher, socket_as, room, disconnected=True)


def test_removing_someone_from_the_pupils_team_ends_their_socket_in_her_rooms(
    app, room, socket_as, coordinator, login_as
):
    # given the home teacher, linked to Alva, reading Alva's room
    teacher = _listening(socket_as, room["home_teacher"], room["id"])
    # when the coordinator removes her from Alva's team
    client = login_as(coordinator)
    response = client.post(
        f"/pupils/{room['alva'].id}/team/remove",
        data={"member": f"{room['home_teacher'].id}:home_teacher", **CONFIRMED},
    )
    assert response.status_code == 302
    # then her open socket hears nothing more and can no longer join
    assert "access_ended" in [e["name"] for e in teacher.get_received()]
    _assert_deaf_and_refused(teacher, socket_as, room, disconnected=False)


def test_unmatching_ends_the_pupils_membership_at_once_and_keeps_her_history(
    app, room, socket_as, coordinator, login_as
):
    from mentorhub.matching.models import Match

    # given Noah in the room, who has written in it
    noah = _listening(socket_as, room["noah"], room["id"])
    noah.emit(
        "send", {"room_id": room["id"], "client_id": "noah-wrote", "body": "mitt"}, callback=True
    )
    noah.get_received()
    with app.app_context():
        match_id = db.session.scalar(sa.select(Match.id).where(Match.pupil_id == room["noah"].id))
    # when the coordinator removes his match
    client = login_as(coordinator)
    assert client.post(f"/matching/{match_id}/remove", data=CONFIRMED).status_code == 302
    # then his membership ended, his socket hears nothing, and he can neither join nor send
    with app.app_context():
        member = db.session.get(RoomMember, (room["id"], room["noah"].id))
        assert member is not None and member.removed_at is not None
    _assert_deaf_and_refused(noah, socket_as, room, disconnected=False)
    # and what he wrote is still there for the room's mentor to read
    history = socket_as(room["mentor"]).emit("join", {"room_id": room["id"]}, callback=True)
    assert "noah-wrote" in [m["client_id"] for m in history["messages"]]


# --- payloads the database cannot hold -------------------------------------------------------


@pytest.mark.parametrize(
    "event, payload, error",
    [
        ("join", {"room_id": 2**63}, "not_found"),
        ("join", {"room_id": True}, "not_found"),
        ("history", {"room_id": "ROOM", "before_seq": 2**63}, "bad_request"),
        ("join", {"room_id": "ROOM", "since_seq": 2**64}, "bad_request"),
        ("report", {"message_id": 2**63, "reason": "x"}, "not_found"),
        ("send", {"room_id": "ROOM", "client_id": "surrogate-1", "body": "\ud800"}, "bad_request"),
    ],
)
def test_out_of_range_ids_booleans_and_lone_surrogates_are_refused_clearly(
    room, socket_as, event, payload, error
):
    sock = socket_as(room["alva"])
    payload = {k: room["id"] if v == "ROOM" else v for k, v in payload.items()}
    ack = sock.emit(event, payload, callback=True)
    assert ack["ok"] is False and ack["error"] == error and ack["message"]
    assert sock.is_connected()


def test_a_read_beyond_the_last_seq_is_capped(app, room, socket_as):
    sock = socket_as(room["alva"])
    sock.emit(
        "send", {"room_id": room["id"], "client_id": "first-msg", "body": "hej"}, callback=True
    )
    assert sock.emit("read", {"room_id": room["id"], "seq": 1000}, callback=True)["ok"] is True
    with app.app_context():
        assert db.session.get(RoomMember, (room["id"], room["alva"].id)).last_read_seq == 1
