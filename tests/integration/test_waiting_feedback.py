"""Mentors are told when an attempt waits for their feedback: a notification when a pupil
submits one, and a count on the start page that falls when the feedback is given."""

from __future__ import annotations

import re

import sqlalchemy as sa

from mentorhub.extensions import db
from mentorhub.notifications.models import Notification
from mentorhub.problems.models import Attempt
from tests.integration.test_problems import client_for, create, post_to_room


def _waiting_count(page: str) -> int:
    found = re.search(r"Försök som väntar på återkoppling: (\d+)", page)
    assert found, "the start page shows the count"
    return int(found.group(1))


def test_a_submitted_attempt_notifies_the_mentor_and_the_start_page_count_rises_then_falls(
    app, room, programme
):
    # given a free-text problem posted in the room, and the mentor's start page showing 0
    post_id = post_to_room(app, room, create(app, room["mentor"], programme["areas"][0]))
    mentor = client_for(app, room["mentor"])
    assert _waiting_count(mentor.get("/").get_data(as_text=True)) == 0

    # when Alva and Noah each submit an attempt
    for pupil in (room["alva"], room["noah"]):
        response = client_for(app, pupil).post(
            f"/problems/posts/{post_id}/attempts", data={"body": "Mitt bevis"}
        )
        assert response.status_code == 302

    # then the mentor has a notification per attempt, linking to it, and the count is 2
    with app.app_context():
        notes = db.session.scalars(
            sa.select(Notification).where(
                Notification.user_id == room["mentor"].id,
                Notification.kind == "attempt.submitted",
            )
        ).all()
        attempts = db.session.scalars(sa.select(Attempt).order_by(Attempt.id)).all()
        assert sorted(n.link for n in notes) == sorted(
            f"/problems/attempts/{a.id}" for a in attempts
        )
    page = mentor.get("/").get_data(as_text=True)
    assert _waiting_count(page) == 2
    assert f"/problems/posts/{post_id}#attempts" in page
    listing = mentor.get("/notifications/").get_data(as_text=True)
    assert "Alva Lindgren skickade in ett försök" in listing

    # when the mentor gives feedback on one, the count falls to 1
    response = mentor.post(
        f"/problems/attempts/{attempts[0].id}",
        data={"feedback": "Bra!", "status": "solved", "level_move": "0"},
    )
    assert response.status_code == 302
    assert _waiting_count(mentor.get("/").get_data(as_text=True)) == 1


def test_a_correct_automatic_check_waits_for_no_one(app, room, programme):
    # given an exact-answer problem, when Alva answers it correctly
    problem_id = create(
        app, room["mentor"], programme["areas"][0], check_kind="exact", answer="Pythagoras"
    )
    post_id = post_to_room(app, room, problem_id)
    client_for(app, room["alva"]).post(
        f"/problems/posts/{post_id}/attempts", data={"answer": "pythagoras", "body": ""}
    )
    # then it is solved at once: no notification, nothing waiting
    with app.app_context():
        kinds = db.session.scalars(
            sa.select(Notification.kind).where(Notification.user_id == room["mentor"].id)
        ).all()
    assert "attempt.submitted" not in kinds
    page = client_for(app, room["mentor"]).get("/").get_data(as_text=True)
    assert _waiting_count(page) == 0


def test_the_waiting_attempts_are_counted_in_one_query(app, room, programme, count_queries):
    from mentorhub.accounts.models import User
    from mentorhub.problems import services

    post_id = post_to_room(app, room, create(app, room["mentor"], programme["areas"][0]))
    for pupil in (room["alva"], room["noah"]):
        client_for(app, pupil).post(
            f"/problems/posts/{post_id}/attempts", data={"body": "Mitt bevis"}
        )
    with app.app_context():
        mentor = db.session.get(User, room["mentor"].id)
        with count_queries() as statements:
            waiting = services.waiting_for_feedback(mentor)
    assert [(w.post_id, w.count) for w in waiting] == [(post_id, 2)]
    assert len(statements) == 1
