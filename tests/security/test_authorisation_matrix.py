"""Every URL rule of the app × every role (and anonymous), with the answer each must get.

A new route without a row here fails `test_every_url_rule_has_a_row`, so access is decided on
purpose for each one, never by accident.
"""

from __future__ import annotations

from datetime import datetime

import pytest

from mentorhub.accounts.models import Role
from tests.conftest import login
from tests.security.roles import (
    ROLES,
    SCHOOL_STAFF,
    coordinator_only,
    everyone,
    only,
    school_staff,
    signed_in,
)
from tests.security.rows_chat import ROWS as CHAT_ROWS
from tests.security.rows_concerns import ROWS as CONCERN_ROWS
from tests.security.rows_goals import ROWS as GOAL_ROWS
from tests.security.rows_meetings import ROWS as MEETING_ROWS
from tests.security.rows_review import ROWS as REVIEW_ROWS

# (rule, method) -> expected status per role. Placeholders in rules are filled by `_path`.
MATRIX: dict[tuple[str, str], dict[str, int]] = {
    ("/", "GET"): signed_in(200),
    ("/healthz", "GET"): everyone(200),
    ("/static/<path:filename>", "GET"): everyone(200),
    ("/login", "GET"): {**signed_in(302), "anonymous": 200},
    ("/login", "POST"): {**signed_in(302), "anonymous": 422},
    ("/logout", "POST"): signed_in(302),
    ("/account/sessions", "GET"): signed_in(200),
    ("/account/sessions/end", "POST"): signed_in(302),
    ("/password/forgot", "GET"): everyone(200),
    ("/password/forgot", "POST"): everyone(200),
    ("/password/reset/<token>", "GET"): everyone(410),
    ("/password/reset/<token>", "POST"): everyone(410),
    ("/invitations/<token>", "GET"): everyone(410),
    ("/invitations/<token>", "POST"): everyone(410),
    ("/language", "POST"): everyone(302),
    ("/privacy/audit", "GET"): coordinator_only(),
    ("/programme/", "GET"): coordinator_only(),
    ("/programme/schools", "GET"): coordinator_only(),
    ("/programme/schools/new", "GET"): coordinator_only(),
    ("/programme/schools/new", "POST"): coordinator_only(422),
    ("/programme/schools/<int:school_id>/edit", "GET"): coordinator_only(),
    ("/programme/schools/<int:school_id>/edit", "POST"): coordinator_only(302),
    ("/programme/subject-areas", "GET"): coordinator_only(),
    ("/programme/subject-areas/new", "GET"): coordinator_only(),
    ("/programme/subject-areas/new", "POST"): coordinator_only(422),
    ("/programme/subject-areas/<int:area_id>/edit", "GET"): coordinator_only(),
    ("/programme/subject-areas/<int:area_id>/edit", "POST"): coordinator_only(302),
    ("/programme/terms", "GET"): coordinator_only(),
    ("/programme/terms/new", "GET"): coordinator_only(),
    ("/programme/terms/new", "POST"): coordinator_only(422),
    ("/programme/terms/<int:term_id>/edit", "GET"): coordinator_only(),
    ("/programme/terms/<int:term_id>/edit", "POST"): coordinator_only(302),
    ("/programme/staff", "GET"): coordinator_only(),
    ("/programme/staff/invite", "GET"): coordinator_only(),
    ("/programme/staff/invite", "POST"): coordinator_only(422),
    ("/programme/staff/<int:user_id>/deactivate", "POST"): coordinator_only(200),  # confirm page
    ("/programme/staff/<int:user_id>/reactivate", "POST"): coordinator_only(302),
    ("/programme/staff/<int:user_id>/sign-out", "GET"): coordinator_only(200),
    ("/programme/staff/<int:user_id>/sign-out", "POST"): coordinator_only(302),
    ("/programme/invitations/<int:invitation_id>/revoke", "POST"): coordinator_only(200),
    # identification: school staff nominate, coordinators decide
    ("/nominations/", "GET"): only({"coordinator": 200, **dict.fromkeys(SCHOOL_STAFF, 200)}),
    ("/nominations/new", "GET"): school_staff(200),
    ("/nominations/new", "POST"): school_staff(422),
    ("/nominations/<int:nomination_id>", "GET"): only(
        {"coordinator": 200, **dict.fromkeys(SCHOOL_STAFF, 200)}
    ),
    ("/nominations/<int:nomination_id>/edit", "GET"): school_staff(200),
    ("/nominations/<int:nomination_id>/edit", "POST"): school_staff(422),
    ("/nominations/<int:nomination_id>/answer", "POST"): school_staff(302),
    ("/nominations/<int:nomination_id>/request-info", "POST"): coordinator_only(302),
    ("/nominations/<int:nomination_id>/decline", "POST"): coordinator_only(302),
    ("/nominations/<int:nomination_id>/approve", "POST"): coordinator_only(302),
    # matching: mentors state offers, coordinators run and adjust
    ("/matching/", "GET"): coordinator_only(),
    ("/matching/offer", "GET"): only({"mentor": 200}),
    ("/matching/offer", "POST"): only({"mentor": 422}),
    ("/matching/run", "POST"): coordinator_only(302),
    ("/matching/confirm", "POST"): coordinator_only(302),
    ("/matching/<int:match_id>/lock", "POST"): coordinator_only(302),
    ("/matching/<int:match_id>/remove", "POST"): coordinator_only(200),  # confirm page
    ("/matching/<int:match_id>/move", "GET"): coordinator_only(),
    ("/matching/<int:match_id>/move", "POST"): coordinator_only(422),
    # rooms: only the room's own mentor and members (a fresh user of any role is neither)
    ("/rooms/", "GET"): signed_in(200),
    ("/rooms/new", "GET"): only({"mentor": 200}),
    ("/rooms/new", "POST"): only({"mentor": 200}),
    ("/rooms/<int:room_id>", "GET"): only({}),
    ("/rooms/<int:room_id>/members", "GET"): only({}),
    ("/rooms/<int:room_id>/members", "POST"): only({}),
    ("/rooms/<int:room_id>/archive", "POST"): only({}),
    ("/rooms/<int:room_id>/images", "POST"): only({}),
    ("/rooms/images/<int:image_id>", "GET"): only({}),
    # problems: mentors keep a bank; a posted problem and its attempts only for the room's people
    ("/problems/", "GET"): only({"mentor": 200}),
    ("/problems/new", "GET"): only({"mentor": 200}),
    ("/problems/new", "POST"): only({"mentor": 200}),
    ("/problems/<int:problem_id>", "GET"): only({}),
    ("/problems/<int:problem_id>/edit", "GET"): only({}),
    ("/problems/<int:problem_id>/edit", "POST"): only({}),
    ("/problems/<int:problem_id>/post", "GET"): only({}),
    ("/problems/<int:problem_id>/post", "POST"): only({}),
    ("/problems/posts/<int:post_id>", "GET"): only({}),
    ("/problems/posts/<int:post_id>/hints", "POST"): only({}),
    ("/problems/posts/<int:post_id>/attempts", "POST"): only({}),
    ("/problems/attempts/<int:attempt_id>", "GET"): only({}),
    ("/problems/attempts/<int:attempt_id>", "POST"): only({}),
    ("/problems/mine", "GET"): only({"pupil": 200}),
    ("/notifications/", "GET"): signed_in(200),
    ("/notifications/read", "POST"): signed_in(302),
    **MEETING_ROWS,
    **GOAL_ROWS,
    **REVIEW_ROWS,
    **CONCERN_ROWS,
    **CHAT_ROWS,
}

# Empty POST bodies exercise access, not the form: a new object gets its field errors (422, a
# refused form), an edit keeps the stored values and saves them (302).
_STATIC_FILE = "css/app.css"


def _app_rules(app) -> set[tuple[str, str]]:
    return {
        (rule.rule, method)
        for rule in app.url_map.iter_rules()
        for method in rule.methods - {"HEAD", "OPTIONS"}
    }


def test_every_url_rule_has_a_row(app):
    missing = _app_rules(app) - MATRIX.keys()
    stale = MATRIX.keys() - _app_rules(app)
    assert not missing, f"routes without a row in the authorisation matrix: {sorted(missing)}"
    assert not stale, f"rows for routes that no longer exist: {sorted(stale)}"


@pytest.fixture
def world(app, programme, make_user, make_nomination):
    """One object of each kind a URL can name, and a target person to deactivate."""
    from mentorhub.accounts.models import Invitation
    from mentorhub.chat.models import ChatImage, Message, MessageReport
    from mentorhub.concerns.models import Concern
    from mentorhub.extensions import db
    from mentorhub.goals.models import Goal
    from mentorhub.matching.models import Match
    from mentorhub.meetings.models import Meeting, MeetingSeries
    from mentorhub.problems.models import Attempt, PostTarget, Problem, ProblemPost
    from mentorhub.rooms.models import Room, RoomMember
    from mentorhub.timeutil import utcnow

    target = make_user(Role.HOME_TEACHER, name="Target Person")
    nomination_id = make_nomination()
    pupil, mentor = make_user(Role.PUPIL), make_user(Role.MENTOR)
    with app.app_context():
        match = Match(
            term_id=programme["term"],
            pupil_id=pupil.id,
            mentor_id=mentor.id,
            subject_area_id=programme["areas"][0],
            slot="tue-3",
        )
        db.session.add(match)
        room = Room(
            mentor_id=mentor.id, subject_area_id=programme["areas"][0], kind="group", name="R"
        )
        db.session.add(room)
        db.session.flush()
        db.session.add(RoomMember(room_id=room.id, user_id=pupil.id))
        # a shared problem, posted to the pupil, with an attempt: no fresh user may touch them
        problem = Problem(
            mentor_id=mentor.id,
            subject_area_id=programme["areas"][0],
            title="P",
            statement="$x$",
            statement_html="",
            levels=[3],
            shared=True,
        )
        db.session.add(problem)
        db.session.flush()
        post = ProblemPost(
            problem_id=problem.id,
            room_id=room.id,
            posted_by_id=mentor.id,
            targets=[PostTarget(pupil_id=pupil.id, level=3)],
        )
        db.session.add(post)
        db.session.flush()
        attempt = Attempt(post_id=post.id, pupil_id=pupil.id, level=3, body="x")
        db.session.add(attempt)
        image = ChatImage(
            room_id=room.id,
            uploader_id=pupil.id,
            stored_name="not-stored.png",
            content_type="image/png",
            width=1,
            height=1,
        )
        db.session.add(image)
        # a message in the room, reported by the pupil: no fresh user may touch either
        message = Message(
            room_id=room.id, seq=1, author_id=mentor.id, client_id="world-0001", body="M", html=""
        )
        db.session.add(message)
        db.session.flush()
        report = MessageReport(message_id=message.id, reporter_id=pupil.id, reason="R")
        db.session.add(report)
        # a meeting in the room, a goal with a check-in, and a concern about the pupil
        first = datetime(2026, 12, 1, 16, 0)
        series = MeetingSeries(room_id=room.id, title="M", first_local=first)
        db.session.add(series)
        db.session.flush()
        meeting = Meeting(series_id=series.id, room_id=room.id, title="M", starts_at=first)
        goal = Goal(pupil_id=pupil.id, title="Planera veckan", created_by_id=mentor.id)
        concern = Concern(pupil_id=pupil.id, category="study", description="D")
        db.session.add_all([meeting, goal, concern])
        db.session.commit()
        image_id = image.id
        message_id, report_id = message.id, report.id
        meeting_id, goal_id, concern_id = meeting.id, goal.id, concern.id
        pupil_id, series_id = pupil.id, series.id
        match_id, room_id = match.id, room.id
        problem_id, post_id, attempt_id = problem.id, post.id, attempt.id
        invitation = Invitation(
            token_hash="x" * 64, email="invited@example.se", roles=["mentor"], expires_at=utcnow()
        )
        db.session.add(invitation)
        db.session.commit()
        invitation_id = invitation.id
    return {
        "school_id": programme["schools"][0].id,
        "area_id": programme["areas"][0],
        "term_id": programme["term"],
        "user_id": target.id,
        "invitation_id": invitation_id,
        "nomination_id": nomination_id,
        "match_id": match_id,
        "room_id": room_id,
        "problem_id": problem_id,
        "post_id": post_id,
        "attempt_id": attempt_id,
        "image_id": image_id,
        "message_id": message_id,
        "report_id": report_id,
        "pupil_id": pupil_id,
        "meeting_id": meeting_id,
        "series_id": series_id,
        "goal_id": goal_id,
        "concern_id": concern_id,
        "token": "not-a-real-token",
        "path:filename": _STATIC_FILE,
    }


def _path(rule: str, world: dict) -> str:
    path = rule
    for key, value in world.items():
        path = path.replace(f"<int:{key}>", str(value)).replace(f"<{key}>", str(value))
    assert "<" not in path, f"no value for a placeholder in {rule}"
    return path


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(("rule", "method"), sorted(MATRIX))
def test_each_role_gets_the_expected_answer(
    client, make_user, world, programme, rule, method, role
):
    # given someone in this role (or nobody) signed in; school staff work at the world's school
    if role != "anonymous":
        school = programme["schools"][0] if role in SCHOOL_STAFF else None
        assert login(client, make_user(Role(role), school=school)).status_code == 302
    # when they ask for the URL
    response = client.open(_path(rule, world), method=method, data={})
    # then the answer is the one the matrix holds
    assert response.status_code == MATRIX[(rule, method)][role], response.get_data(as_text=True)[
        :300
    ]
