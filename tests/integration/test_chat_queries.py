"""Chat messages never wait on work they don't need: a send runs a fixed, small set of queries."""


def test_a_send_runs_the_same_few_queries_however_busy_the_room(
    app, room, socket_as, count_queries, monkeypatch
):
    monkeypatch.setitem(app.config, "CHAT_RATE_LIMIT", "1000 per minute")
    alva = socket_as(room["alva"])
    alva.emit("join", {"room_id": room["id"]}, callback=True)

    def send(n: int) -> list[str]:
        with count_queries() as statements:
            ack = alva.emit(
                "send",
                {"room_id": room["id"], "client_id": f"q-{n:06}", "body": "hej"},
                callback=True,
            )
        assert ack["ok"]
        return statements

    first = send(1)
    for n in range(2, 30):
        send(n)
    later = send(30)
    assert len(later) == len(first)
    # the seq and the access check in one UPDATE, the INSERT, the author's read position;
    # no user loaded, no room loaded, no lookup before the insert (docs/realtime.md); on
    # PostgreSQL the three are one statement
    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("postgresql"):
        assert len(later) == 1 and later[0].startswith("WITH locked AS"), later
    else:
        assert [s.split()[0] for s in later] == ["UPDATE", "INSERT", "UPDATE"], later


def test_a_retry_of_a_stored_message_answers_it_without_a_second_row(
    app, room, socket_as, count_queries
):
    # given a message stored with client_id "retry-0001"
    alva = socket_as(room["alva"])
    message = {"room_id": room["id"], "client_id": "retry-0001", "body": "hej"}
    first = alva.emit("send", message, callback=True)
    # when the same send comes again (its ack was lost)
    with count_queries() as statements:
        again = alva.emit("send", message, callback=True)
    # then it is answered with the stored message, and its seq is not used up
    assert again == {"ok": True, "id": first["id"], "seq": first["seq"], "duplicate": True}
    later = alva.emit("send", {**message, "client_id": "retry-0002"}, callback=True)
    assert later["seq"] == first["seq"] + 1
    # (number, insert that found the stored row, number given back, the stored row read)
    assert len(statements) <= 5, statements


def test_a_pupils_read_position_costs_one_statement(app, room, socket_as, count_queries):
    # given Alva in the room, with a message she has not read
    alva, noah = socket_as(room["alva"]), socket_as(room["noah"])
    alva.emit("join", {"room_id": room["id"]}, callback=True)
    noah.emit(
        "send", {"room_id": room["id"], "client_id": "read-0001", "body": "hej"}, callback=True
    )
    # when her page says she has read it
    with count_queries() as statements:
        ack = alva.emit("read", {"room_id": room["id"], "seq": 1}, callback=True)
    # then one UPDATE moved her position (membership and sign-in checked in it)
    assert ack == {"ok": True}
    assert [s.split()[0] for s in statements] == ["UPDATE"], statements


def test_a_sender_has_read_their_own_message_and_a_retry_moves_nothing(app, room, socket_as):
    # given the mentor and Alva in the room
    mentor, alva = socket_as(room["mentor"]), socket_as(room["alva"])
    send = {"room_id": room["id"], "body": "hej"}
    # when each writes a message, and Alva's first is sent again (a retry)
    assert mentor.emit("send", {**send, "client_id": "own-0001"}, callback=True)["seq"] == 1
    assert alva.emit("send", {**send, "client_id": "own-0002"}, callback=True)["seq"] == 2
    retry = alva.emit("send", {**send, "client_id": "own-0002"}, callback=True)
    # then each has read up to their own message: the mentor's position made on the way,
    # Alva's moved on her membership; the retry took no number and moved nothing
    assert retry["duplicate"] is True and retry["seq"] == 2
    assert mentor.emit("join", {"room_id": room["id"]}, callback=True)["read_seq"] == 1
    joined = alva.emit("join", {"room_id": room["id"]}, callback=True)
    assert (joined["read_seq"], joined["last_seq"]) == (2, 2)


def test_a_send_after_the_database_ended_the_workers_connections_is_stored_once(
    app, room, socket_as
):
    import sqlalchemy as sa

    from mentorhub.chat.models import Message
    from mentorhub.extensions import db

    # given a pupil who has sent once, so the worker keeps a connection for sending
    alva = socket_as(room["alva"])
    alva.emit("join", {"room_id": room["id"]}, callback=True)
    message = {"room_id": room["id"], "body": "hej"}
    first = alva.emit("send", {**message, "client_id": "restart-0001"}, callback=True)
    assert first["ok"], first
    # when the database ends every connection but this one, as a restart does
    _end_other_connections(app)
    again = alva.emit("send", {**message, "client_id": "restart-0002"}, callback=True)
    # then the next message is stored, once, with the next number
    assert again["ok"] and again["seq"] == first["seq"] + 1, again
    with app.app_context():
        db.engine.dispose(close=False)  # the pool's own connections were ended too
        stored = db.session.scalars(
            sa.select(Message.client_id).where(Message.room_id == room["id"])
        ).all()
    assert sorted(stored) == ["restart-0001", "restart-0002"]


def test_a_read_position_after_the_database_ended_the_workers_connections_still_moves(
    app, room, socket_as
):

    from mentorhub.extensions import db

    # given Alva in the room with two messages, the first read (so the worker keeps a
    # connection for read positions)
    alva, noah = socket_as(room["alva"]), socket_as(room["noah"])
    alva.emit("join", {"room_id": room["id"]}, callback=True)
    for n in (1, 2):
        message = {"room_id": room["id"], "client_id": f"read-after-{n}", "body": "hej"}
        assert noah.emit("send", message, callback=True)["ok"]
    assert alva.emit("read", {"room_id": room["id"], "seq": 1}, callback=True) == {"ok": True}
    # when the database ends every connection but this one, as a restart does
    _end_other_connections(app)
    ack = alva.emit("read", {"room_id": room["id"], "seq": 2}, callback=True)
    # then her next read position is kept all the same
    assert ack == {"ok": True}, ack
    with app.app_context():
        db.engine.dispose(close=False)  # the pool's own connections were ended too
    joined = alva.emit("join", {"room_id": room["id"]}, callback=True)
    assert joined["read_seq"] == 2, joined


def _end_other_connections(app) -> None:
    """As a database restart does: PostgreSQL ends every connection but the one asking (the
    worker's kept ones among them); SQLite has none to end."""
    import sqlalchemy as sa

    from mentorhub.extensions import db

    with app.app_context():
        if db.engine.dialect.name == "postgresql":
            db.session.execute(
                sa.text(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                    "WHERE datname = current_database() AND pid <> pg_backend_pid()"
                )
            )
        db.session.commit()
