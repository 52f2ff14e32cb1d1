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
    assert len(later) <= 10, later  # user (2), room, membership, retry check, seq, 3 writes
