"""Realtime chat through the real Socket.IO server: store first, then broadcast; acks; history."""

import sqlalchemy as sa

from mentorhub.chat.models import Message
from mentorhub.extensions import db


def _messages(app) -> list[Message]:
    with app.app_context():
        rows = db.session.scalars(sa.select(Message).order_by(Message.seq)).all()
        for r in rows:
            db.session.expunge(r)
        return list(rows)


def _events(sock, name: str) -> list[dict]:
    """Payloads of the `name` events the client received (the test client unwraps one argument)."""
    received = [e["args"] for e in sock.get_received() if e["name"] == name]
    return [a[0] if isinstance(a, list) else a for a in received]


def test_a_member_joins_and_gets_history_read_position_and_presence(room, socket_as):
    alva = socket_as(room["alva"])
    ack = alva.emit("join", {"room_id": room["id"]}, callback=True)
    assert ack["ok"] and ack["messages"] == [] and ack["last_seq"] == 0
    assert "Alva Lindgren" in ack["present"]


def test_a_sent_message_is_stored_acked_and_broadcast_to_the_other_members(app, room, socket_as):
    alva, mentor = socket_as(room["alva"]), socket_as(room["mentor"])
    for sock in (alva, mentor):
        sock.emit("join", {"room_id": room["id"]}, callback=True)
        sock.get_received()
    ack = alva.emit(
        "send",
        {"room_id": room["id"], "client_id": "c-0000001", "body": "Är $x^2$ alltid **positivt**?"},
        callback=True,
    )
    assert ack == {"ok": True, "id": ack["id"], "seq": 1, "duplicate": False}
    [stored] = _messages(app)
    assert stored.seq == 1 and "<strong>positivt</strong>" in stored.html
    assert 'class="math math-inline"' in stored.html
    [received] = _events(mentor, "message")
    assert (received["id"], received["seq"], received["client_id"]) == (stored.id, 1, "c-0000001")
    assert received["author"]["name"] == "Alva Lindgren"


def test_a_retry_with_the_same_client_id_stores_one_message(app, room, socket_as):
    alva = socket_as(room["alva"])
    payload = {"room_id": room["id"], "client_id": "retry-0001", "body": "Hej!"}
    first = alva.emit("send", payload, callback=True)
    second = alva.emit("send", payload, callback=True)
    assert first["id"] == second["id"] and second["duplicate"] is True
    assert len(_messages(app)) == 1


def test_seq_numbers_follow_each_other_per_room(app, room, socket_as):
    alva, noah = socket_as(room["alva"]), socket_as(room["noah"])
    for i in range(3):
        alva.emit(
            "send",
            {"room_id": room["id"], "client_id": f"alva-{i:04}", "body": f"a{i}"},
            callback=True,
        )
        noah.emit(
            "send",
            {"room_id": room["id"], "client_id": f"noah-{i:04}", "body": f"n{i}"},
            callback=True,
        )
    assert [m.seq for m in _messages(app)] == [1, 2, 3, 4, 5, 6]


def test_rejoining_since_a_seq_returns_only_what_came_after(room, socket_as):
    alva = socket_as(room["alva"])
    for i in range(4):
        alva.emit(
            "send",
            {"room_id": room["id"], "client_id": f"msg-{i:05}", "body": str(i)},
            callback=True,
        )
    ack = socket_as(room["noah"]).emit(
        "join", {"room_id": room["id"], "since_seq": 2}, callback=True
    )
    assert [m["seq"] for m in ack["messages"]] == [3, 4]


def test_older_pages_come_on_request(room, socket_as, monkeypatch):
    from mentorhub.chat import services

    monkeypatch.setattr(services, "PAGE", 3)
    alva = socket_as(room["alva"])
    for i in range(7):
        alva.emit(
            "send",
            {"room_id": room["id"], "client_id": f"page-{i:04}", "body": str(i)},
            callback=True,
        )
    latest = socket_as(room["noah"]).emit("join", {"room_id": room["id"]}, callback=True)
    assert [m["seq"] for m in latest["messages"]] == [5, 6, 7]
    older = alva.emit("history", {"room_id": room["id"], "before_seq": 5}, callback=True)
    assert [m["seq"] for m in older["messages"]] == [2, 3, 4]


def test_an_empty_or_too_long_message_gets_an_error_ack_and_nothing_is_stored(app, room, socket_as):
    alva = socket_as(room["alva"])
    empty = alva.emit(
        "send", {"room_id": room["id"], "client_id": "empty-001", "body": "  "}, callback=True
    )
    long = alva.emit(
        "send", {"room_id": room["id"], "client_id": "long-0001", "body": "x" * 4001}, callback=True
    )
    assert (empty["ok"], empty["error"]) == (False, "empty")
    assert (long["ok"], long["error"]) == (False, "too_long")
    assert "4000" in long["message"]
    assert _messages(app) == []


def test_sending_too_fast_is_refused_with_an_error_ack(app, room, socket_as):
    app.config["CHAT_RATE_LIMIT"] = "3 per minute"
    try:
        alva = socket_as(room["alva"])
        acks = [
            alva.emit(
                "send",
                {"room_id": room["id"], "client_id": f"fast-{i:04}", "body": "hej"},
                callback=True,
            )
            for i in range(4)
        ]
    finally:
        app.config["CHAT_RATE_LIMIT"] = "20 per 10 seconds"
    assert [a["ok"] for a in acks] == [True, True, True, False]
    assert acks[-1]["error"] == "rate_limited"
    assert len(_messages(app)) == 3


def test_the_mentor_hides_a_message_which_stays_for_the_trail(app, room, socket_as):
    alva, mentor = socket_as(room["alva"]), socket_as(room["mentor"])
    mentor.emit("join", {"room_id": room["id"]}, callback=True)
    sent = alva.emit(
        "send", {"room_id": room["id"], "client_id": "rude-0001", "body": "dumt"}, callback=True
    )
    mentor.get_received()
    refused = alva.emit("hide", {"message_id": sent["id"], "reason": "x"}, callback=True)
    assert refused["ok"] is False
    ack = mentor.emit("hide", {"message_id": sent["id"], "reason": "Inte schysst"}, callback=True)
    assert ack["ok"]
    [stored] = _messages(app)
    assert stored.hidden_at is not None and stored.hidden_reason == "Inte schysst"
    history = socket_as(room["noah"]).emit("join", {"room_id": room["id"]}, callback=True)
    assert history["messages"][0]["hidden"] is True and history["messages"][0]["html"] == ""


def test_any_member_can_report_a_message(app, room, socket_as):
    alva = socket_as(room["alva"])
    sent = alva.emit(
        "send", {"room_id": room["id"], "client_id": "rep-00001", "body": "hmm"}, callback=True
    )
    ack = socket_as(room["noah"]).emit(
        "report", {"message_id": sent["id"], "reason": "Otrevligt"}, callback=True
    )
    assert ack["ok"]


def test_linked_home_teacher_reads_but_cannot_post_and_the_read_is_audited(app, room, socket_as):
    from mentorhub.audit import AuditEntry

    teacher = socket_as(room["home_teacher"])
    ack = teacher.emit("join", {"room_id": room["id"]}, callback=True)
    assert ack["ok"] and ack["can_post"] is False
    refused = teacher.emit(
        "send", {"room_id": room["id"], "client_id": "ht-000001", "body": "x"}, callback=True
    )
    assert refused["error"] == "forbidden"
    with app.app_context():
        assert (
            db.session.scalar(
                sa.select(sa.func.count(AuditEntry.id)).where(AuditEntry.action == "room.read")
            )
            == 1
        )


def test_unread_counts_come_from_the_server_side_read_position(
    app, room, socket_as, client, login_as
):
    alva = socket_as(room["alva"])
    for i in range(3):
        alva.emit(
            "send", {"room_id": room["id"], "client_id": f"unr-{i:05}", "body": "x"}, callback=True
        )
    login_as(room["noah"])
    page = client.get("/rooms/").get_data(as_text=True)
    assert "3 olästa meddelanden" in page
    noah = socket_as(room["noah"])
    noah.emit("read", {"room_id": room["id"], "seq": 3}, callback=True)
    assert "olästa" not in client.get("/rooms/").get_data(as_text=True)


def test_a_report_notifies_the_rooms_mentor(app, room, socket_as):
    from mentorhub.notifications.models import Notification

    sent = socket_as(room["alva"]).emit(
        "send", {"room_id": room["id"], "client_id": "rep-00002", "body": "elakt"}, callback=True
    )
    socket_as(room["noah"]).emit("report", {"message_id": sent["id"], "reason": "x"}, callback=True)
    with app.app_context():
        kinds = db.session.scalars(
            sa.select(Notification.kind).where(Notification.user_id == room["mentor"].id)
        ).all()
    assert kinds == ["message.reported"]


def test_the_mentor_has_a_read_position_and_unread_counts_too(room, socket_as, client, login_as):
    # given a pupil's message the mentor has not read
    socket_as(room["alva"]).emit(
        "send", {"room_id": room["id"], "client_id": "unr-mentor", "body": "x"}, callback=True
    )
    login_as(room["mentor"])
    assert "1 oläst meddelande" in client.get("/rooms/").get_data(as_text=True)
    # when the mentor reads it (and later writes)
    mentor = socket_as(room["mentor"])
    assert mentor.emit("join", {"room_id": room["id"]}, callback=True)["read_seq"] == 0
    mentor.emit("read", {"room_id": room["id"], "seq": 1}, callback=True)
    mentor.emit(
        "send", {"room_id": room["id"], "client_id": "mentor-rep", "body": "Svar"}, callback=True
    )
    # then nothing is unread for them, and the position is kept for the next join
    assert "oläst" not in client.get("/rooms/").get_data(as_text=True)
    assert mentor.emit("join", {"room_id": room["id"]}, callback=True)["read_seq"] == 2


def test_linked_staff_get_no_unread_count(room, socket_as, client, login_as):
    socket_as(room["alva"]).emit(
        "send", {"room_id": room["id"], "client_id": "unr-staff1", "body": "x"}, callback=True
    )
    login_as(room["home_teacher"])
    assert "oläst" not in client.get("/rooms/").get_data(as_text=True)
