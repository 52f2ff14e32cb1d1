"""Chat moderation: a member reports a message with a reason; the room's mentor sees the open
reports in the room (who reported it, why, when), hides the message with a reason or dismisses
the report; everything is audited, refused input stores nothing, and only the mentor may
handle reports."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from mentorhub import policy
from mentorhub.accounts.models import User
from mentorhub.audit import AuditEntry
from mentorhub.chat.models import Message, MessageReport
from mentorhub.extensions import db
from mentorhub.notifications.models import Notification
from mentorhub.rooms.models import Room
from tests.conftest import login

JSON = {"Accept": "application/json"}


@pytest.fixture
def say(app):
    """The text the server shows for an English msgid, in Swedish (the default language)."""
    from flask_babel import force_locale, gettext

    def say(msgid: str, **params) -> str:
        with app.test_request_context(), force_locale("sv"):
            return gettext(msgid, **params)

    return say


def client_for(app, user):
    client = app.test_client()
    assert login(client, user).status_code == 302
    return client


def post_message(app, room, author, body="Du är dum", seq=None) -> int:
    with app.app_context():
        stored = db.session.get(Room, room["id"])
        seq = seq or stored.last_seq + 1
        stored.last_seq = seq
        message = Message(
            room_id=room["id"],
            seq=seq,
            author_id=author.id,
            client_id=f"m-{seq:08d}",
            body=body,
            html=f"<p>{body}</p>",
        )
        db.session.add(message)
        db.session.commit()
        return message.id


def rows(app, model, *where):
    with app.app_context():
        found = db.session.scalars(sa.select(model).where(*where)).unique().all()
        for row in found:
            db.session.expunge(row)
        return found


def actions(app) -> list[tuple[str, dict]]:
    with app.app_context():
        return [
            (e.action, e.details)
            for e in db.session.scalars(sa.select(AuditEntry).order_by(AuditEntry.id))
            if e.action.startswith("message.")
        ]


@pytest.fixture
def reported(app, room):
    """Noah wrote a message; Alva reported it with a reason."""
    message_id = post_message(app, room, room["noah"])
    response = client_for(app, room["alva"]).post(
        f"/rooms/messages/{message_id}/report", data={"reason": "Han är elak"}, headers=JSON
    )
    assert response.status_code == 200, response.get_data(as_text=True)
    [report] = rows(app, MessageReport)
    return {**room, "message_id": message_id, "report_id": report.id}


# --- the policy ---------------------------------------------------------------------------------


def test_members_and_linked_staff_may_report_others_messages_and_only_the_mentor_handles_them(
    app, room
):
    message_id = post_message(app, room, room["noah"])
    with app.app_context():
        stored_room = db.session.get(Room, room["id"])
        message = db.session.get(Message, message_id)

        def person(key):
            return db.session.get(User, room[key].id)

        assert policy.can_report_message(person("alva"), stored_room, message)
        assert policy.can_report_message(person("mentor"), stored_room, message)
        assert policy.can_report_message(person("home_teacher"), stored_room, message)
        assert not policy.can_report_message(person("noah"), stored_room, message)  # own
        assert not policy.can_report_message(person("outsider"), stored_room, message)
        assert policy.can_handle_reports(person("mentor"), stored_room)
        for key in ("alva", "noah", "home_teacher", "outsider"):
            assert not policy.can_handle_reports(person(key), stored_room), key


# --- reporting ----------------------------------------------------------------------------------


def test_a_report_is_stored_open_with_its_reason_audited_and_the_mentor_told(app, reported):
    [report] = rows(app, MessageReport)
    assert (report.status, report.reason, report.reporter_id) == (
        "open",
        "Han är elak",
        reported["alva"].id,
    )
    assert actions(app) == [
        ("message.report", {"room_id": reported["id"], "reason": "Han är elak"})
    ]
    [notice] = rows(app, Notification, Notification.kind == "message.reported")
    assert notice.user_id == reported["mentor"].id
    assert notice.link == f"/rooms/{reported['id']}/reports"


def test_a_report_without_a_reason_is_refused_with_a_message_and_nothing_stored(app, room, say):
    message_id = post_message(app, room, room["noah"])
    response = client_for(app, room["alva"]).post(
        f"/rooms/messages/{message_id}/report", data={"reason": "   "}, headers=JSON
    )
    assert response.status_code == 400
    assert response.get_json() == {
        "ok": False,
        "error": "reason_required",
        "message": say("Write why you report the message."),
    }
    assert rows(app, MessageReport) == [] and actions(app) == []


def test_reporting_the_same_message_twice_while_open_is_refused(app, reported):
    response = client_for(app, reported["alva"]).post(
        f"/rooms/messages/{reported['message_id']}/report", data={"reason": "Igen"}, headers=JSON
    )
    assert response.status_code == 400
    assert response.get_json()["error"] == "already_reported"
    assert len(rows(app, MessageReport)) == 1


def test_one_cannot_report_ones_own_message_nor_one_in_a_room_one_is_not_in(app, room):
    message_id = post_message(app, room, room["noah"])
    for who in ("noah", "outsider"):
        response = client_for(app, room[who]).post(
            f"/rooms/messages/{message_id}/report", data={"reason": "x"}, headers=JSON
        )
        assert response.status_code == 403, who
        assert response.get_json()["ok"] is False
    assert rows(app, MessageReport) == []


def test_a_report_without_javascript_redirects_to_the_room_with_a_success_message(app, room, say):
    message_id = post_message(app, room, room["noah"])
    client = client_for(app, room["alva"])
    response = client.post(f"/rooms/messages/{message_id}/report", data={"reason": "Elakt"})
    assert response.status_code == 302 and response.location.endswith(f"/rooms/{room['id']}")
    page = client.get(response.location).get_data(as_text=True)
    assert 'class="alert alert-success"' in page
    assert say("Thank you. The mentor has been told and will look at the message.") in page


# --- the mentor's list --------------------------------------------------------------------------


def test_the_room_page_links_the_mentor_to_the_open_reports_with_their_count(app, reported, say):
    page = (
        client_for(app, reported["mentor"]).get(f"/rooms/{reported['id']}").get_data(as_text=True)
    )
    assert f'href="/rooms/{reported["id"]}/reports"' in page
    assert say("Reported messages (%(n)d open)", n=1) in page
    pupil_page = client_for(app, reported["alva"]).get(f"/rooms/{reported['id']}")
    assert f"/rooms/{reported['id']}/reports" not in pupil_page.get_data(as_text=True)


def test_the_list_shows_the_message_who_reported_it_and_why(app, reported):
    response = client_for(app, reported["mentor"]).get(f"/rooms/{reported['id']}/reports")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "<p>Du är dum</p>" in page
    assert reported["alva"].name in page and reported["noah"].name in page
    assert "Han är elak" in page


def test_pupils_and_linked_staff_may_not_see_the_list(app, reported):
    for who in ("alva", "noah", "home_teacher", "outsider"):
        response = client_for(app, reported[who]).get(f"/rooms/{reported['id']}/reports")
        assert response.status_code == 403, who


def test_hiding_from_the_list_needs_a_reason_closes_the_report_and_keeps_the_trail(
    app, reported, say
):
    client = client_for(app, reported["mentor"])
    url = f"/rooms/reports/{reported['report_id']}/hide"

    # without a reason: refused on the page, next to the field, nothing hidden
    refused = client.post(url, data={"reason": " "})
    assert refused.status_code == 400
    assert say("Write why the message is hidden.") in refused.get_data(as_text=True)
    [message] = rows(app, Message)
    assert message.hidden_at is None

    # with one: hidden, the report closed as handled by hiding, the reason in the trail
    done = client.post(url, data={"reason": "Kränkande"})
    assert done.status_code == 302 and done.location.endswith(f"/rooms/{reported['id']}/reports")
    [message] = rows(app, Message)
    assert (message.hidden_reason, message.hidden_by_id) == ("Kränkande", reported["mentor"].id)
    [report] = rows(app, MessageReport)
    assert (report.status, report.handled_by_id) == ("hidden", reported["mentor"].id)
    assert report.handled_at is not None
    assert actions(app)[-1] == (
        "message.hide",
        {"room_id": reported["id"], "reason": "Kränkande", "reports": 1},
    )
    page = client.get(done.location).get_data(as_text=True)
    assert say("Reason: %(reason)s", reason="Kränkande") in page


def test_dismissing_leaves_the_message_and_closes_the_report(app, reported):
    client = client_for(app, reported["mentor"])
    response = client.post(f"/rooms/reports/{reported['report_id']}/dismiss")
    assert response.status_code == 302
    [message] = rows(app, Message)
    assert message.hidden_at is None
    [report] = rows(app, MessageReport)
    assert (report.status, report.handled_by_id) == ("dismissed", reported["mentor"].id)
    assert actions(app)[-1] == (
        "message.report_dismiss",
        {"room_id": reported["id"], "report": reported["report_id"]},
    )
    # a second dismissal changes nothing
    client.post(f"/rooms/reports/{reported['report_id']}/dismiss")
    assert [a for a, _ in actions(app)].count("message.report_dismiss") == 1


def test_hiding_from_the_room_page_answers_json_and_only_the_mentor_may(app, room):
    message_id = post_message(app, room, room["noah"])
    refused = client_for(app, room["alva"]).post(
        f"/rooms/messages/{message_id}/hide", data={"reason": "x"}, headers=JSON
    )
    assert refused.status_code == 403
    done = client_for(app, room["mentor"]).post(
        f"/rooms/messages/{message_id}/hide", data={"reason": "Fel rum"}, headers=JSON
    )
    assert done.status_code == 200 and done.get_json()["ok"] is True
    [message] = rows(app, Message)
    assert message.hidden_reason == "Fel rum"


def test_a_hide_is_broadcast_to_the_room_after_it_is_stored(app, room, socket_as):
    message_id = post_message(app, room, room["noah"])
    alva = socket_as(room["alva"])
    assert alva.emit("join", {"room_id": room["id"]}, callback=True)["ok"]
    alva.get_received()
    client_for(app, room["mentor"]).post(
        f"/rooms/messages/{message_id}/hide", data={"reason": "Fel rum"}, headers=JSON
    )
    hidden = [r["args"][0] for r in alva.get_received() if r["name"] == "message_hidden"]
    assert hidden == [{"room_id": room["id"], "id": message_id, "seq": 1}]
