"""@mentions in chat: a participant named after an `@` gets an in-app notification, no mail."""

import sqlalchemy as sa

from mentorhub.accounts.models import Role
from mentorhub.extensions import db
from mentorhub.notifications.models import Notification


def _notified(app) -> list[tuple[int, str, dict, str]]:
    with app.app_context():
        rows = db.session.execute(
            sa.select(
                Notification.user_id, Notification.kind, Notification.params, Notification.link
            ).order_by(Notification.id)
        ).all()
        return [tuple(r) for r in rows]


def _send(sock, room, body, client_id="mention-0001"):
    return sock.emit(
        "send", {"room_id": room["id"], "client_id": client_id, "body": body}, callback=True
    )


def test_a_mention_by_first_name_notifies_that_participant(app, room, socket_as, outbox):
    ack = _send(socket_as(room["alva"]), room, "Hej @noah, hur gick det?")
    assert ack["ok"]
    assert _notified(app) == [
        (
            room["noah"].id,
            "chat.mention",
            {"author": "Alva Lindgren", "room": "Talteori"},
            f"/rooms/{room['id']}",
        )
    ]
    assert outbox() == []


def test_full_names_case_insensitive_and_the_mentor_are_matched(app, room, socket_as):
    _send(socket_as(room["noah"]), room, "@ALVA LINDGREN och @Anna Bergström: titta här")
    assert {user for user, *_ in _notified(app)} == {room["alva"].id, room["mentor"].id}


def test_an_ambiguous_first_name_notifies_everyone_who_has_it(app, room, make_user, socket_as):
    from mentorhub.rooms.models import RoomMember

    other = make_user(Role.PUPIL, name="Alva Berg")
    with app.app_context():
        db.session.add(RoomMember(room_id=room["id"], user_id=other.id))
        db.session.commit()
    _send(socket_as(room["noah"]), room, "@Alva kan ni hjälpa mig?")
    assert {user for user, *_ in _notified(app)} == {room["alva"].id, other.id}
    db_rows = _notified(app)
    _send(socket_as(room["noah"]), room, "Tack @alva berg!", client_id="mention-0002")
    assert [user for user, *_ in _notified(app)[len(db_rows) :]] == [other.id]


def test_no_notification_for_the_author_outsiders_removed_members_or_emails(app, room, socket_as):
    from mentorhub.rooms.models import RoomMember
    from mentorhub.timeutil import utcnow

    with app.app_context():
        db.session.execute(
            sa.update(RoomMember)
            .where(RoomMember.user_id == room["noah"].id)
            .values(removed_at=utcnow())
        )
        db.session.commit()
    body = "@Alva @Noah @Utomstående mejla anna@example.se"
    _send(socket_as(room["alva"]), room, body)
    assert _notified(app) == []


def test_a_retry_does_not_notify_twice(app, room, socket_as):
    alva = socket_as(room["alva"])
    _send(alva, room, "@Noah")
    _send(alva, room, "@Noah")
    assert len(_notified(app)) == 1


def test_the_mention_text_reads_well_in_both_languages(app):
    from flask_babel import force_locale

    from mentorhub.notifications.services import text

    with app.test_request_context():
        params = {"author": "Alva Lindgren", "room": "Talteori"}
        with force_locale("sv"):
            assert text("chat.mention", params) == "Alva Lindgren nämnde dig i Talteori."
        with force_locale("en"):
            assert text("chat.mention", params) == "Alva Lindgren mentioned you in Talteori."
