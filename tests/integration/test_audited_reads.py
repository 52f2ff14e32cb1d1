"""Every read of a pupil's record goes through one service that checks, loads and audits
together (issue 12): an allowed read records exactly one entry for it, naming the pupil where
the read concerns one; a refused read records none and answers 403 or 404."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from mentorhub.audit import AuditEntry
from mentorhub.errors import Missing, Refused
from mentorhub.extensions import db
from mentorhub.goals import services as goals
from mentorhub.problems import services as problems
from mentorhub.problems.models import Attempt
from mentorhub.progress import pupil_record
from mentorhub.rooms import services as rooms
from mentorhub.rooms.models import Room, RoomMember
from mentorhub.timeutil import utcnow
from mentorhub.uploads.models import ChatImage
from tests.integration import progress_data as data
from tests.integration.test_attempt_images import _png_with_exif, _submit
from tests.integration.test_problems import client_for


@pytest.fixture
def record(app, care_team, programme):
    """Alva's record with one of everything a read can show: a goal, a posted problem with an
    attempt, and a room she has left."""
    alva, room_id, area = care_team["alva"].id, care_team["id"], programme["areas"][0]
    with app.app_context():
        goal_id = data.goal(alva, "Planera veckan", 5, [(1, 3)])
        post_id = data.problem_post(room_id, care_team["mentor"].id, area, alva, 2)
        data.attempt(post_id, alva, 2, "not_yet")
        left = Room(
            mentor_id=care_team["mentor"].id, subject_area_id=area, kind="group", name="Geometri"
        )
        db.session.add(left)
        db.session.flush()
        db.session.add(RoomMember(room_id=left.id, user_id=alva, removed_at=utcnow()))
        db.session.commit()
        attempt_id = db.session.scalar(sa.select(Attempt.id).where(Attempt.post_id == post_id))
        ids = {"goal": goal_id, "post": post_id, "attempt": attempt_id, "left_room": left.id}
    return {**care_team, "ids": ids}


def _entries(app) -> list[AuditEntry]:
    with app.app_context():
        return db.session.scalars(sa.select(AuditEntry).order_by(AuditEntry.id)).all()


# (address, who reads, the audit action, whether the entry names the pupil)
READS = [
    ("/progress/pupils/{alva}", "special_educator", "pupil.view", True),
    ("/progress/pupils/{alva}/print", "special_educator", "pupil.print", True),
    ("/progress/pupils/{alva}/rooms/{left_room}", "special_educator", "room.history_read", True),
    ("/goals/pupils/{alva}", "special_educator", "goals.view", True),
    ("/goals/{goal}", "special_educator", "goal.view", True),
    ("/rooms/{room}", "special_educator", "room.read", False),  # an observer reads the room
    ("/problems/posts/{post}", "special_educator", "attempts.read", True),
    ("/problems/attempts/{attempt}", "mentor", "attempts.read", True),
]


def _url(template: str, record) -> str:
    return template.format(alva=record["alva"].id, room=record["id"], **record["ids"])


@pytest.mark.parametrize(("template", "reader", "action", "names_pupil"), READS)
def test_an_allowed_read_records_one_entry_naming_the_pupil(
    app, client, login_as, record, template, reader, action, names_pupil
):
    login_as(record[reader])
    before = len(_entries(app))
    response = client.get(_url(template, record))
    assert response.status_code == 200
    new = _entries(app)[before:]
    assert [e.action for e in new].count(action) == 1, [e.action for e in new]
    naming = [e for e in new if e.person_id == record["alva"].id]
    assert len(naming) == (1 if names_pupil else 0), [e.action for e in naming]


@pytest.mark.parametrize(("template", "reader", "action", "names_pupil"), READS)
def test_a_refused_read_records_nothing_and_answers_403_or_404(
    app, client, login_as, record, template, reader, action, names_pupil
):
    login_as(record["unlinked_teacher"])
    before = len(_entries(app))
    response = client.get(_url(template, record))
    assert response.status_code in (403, 404)
    assert _entries(app)[before:] == []


def test_an_attempts_image_is_audited_once_for_the_mentor_and_refused_to_an_outsider(
    app, client, login_as, record
):
    alva = client_for(app, record["alva"])
    assert _submit(alva, record["ids"]["post"], _png_with_exif()).status_code == 302
    with app.app_context():
        image_id = db.session.scalar(sa.select(ChatImage.id))
    url = f"/rooms/images/{image_id}"
    # the pupil's own image is not audited; the mentor's look at it is, once
    before = len(_entries(app))
    assert alva.get(url).status_code == 200
    assert _entries(app)[before:] == []
    login_as(record["mentor"])
    before = len(_entries(app))  # signing in is audited too
    assert client.get(url).status_code == 200
    new = _entries(app)[before:]
    assert [(e.action, e.person_id) for e in new] == [("attempt_image.read", record["alva"].id)]
    # someone who may not see the attempt is not told the image exists, and nothing is recorded
    client.post("/logout")
    login_as(record["unlinked_teacher"])
    before = len(_entries(app))
    assert client.get(url).status_code == 404
    assert _entries(app)[before:] == []


def test_the_services_raise_refused_or_missing_before_recording_anything(app, record):
    outsider, ids, alva = record["unlinked_teacher"], record["ids"], record["alva"].id
    reads = [
        (lambda: pupil_record.pupil_record(outsider, alva), Refused),
        (lambda: pupil_record.pupil_print(outsider, alva), Refused),
        (lambda: pupil_record.left_room(outsider, alva, ids["left_room"]), Refused),
        (lambda: pupil_record.left_room(record["mentor"], alva, record["id"]), Missing),
        (lambda: goals.goals_of(outsider, alva), Refused),
        (lambda: goals.goal_page(outsider, ids["goal"]), Refused),
        (lambda: goals.goal_page(outsider, 999_999), Missing),
        (lambda: rooms.read_room(outsider, record["id"]), Refused),
        (lambda: rooms.room_page(outsider, 999_999), Missing),
        (lambda: rooms.image_for(outsider, 999_999), Missing),
        (lambda: problems.post_page(outsider, ids["post"]), Refused),
        (lambda: problems.attempt_page(outsider, ids["attempt"]), Refused),
        (lambda: problems.attempt_page(outsider, 999_999), Missing),
    ]
    with app.test_request_context():
        for read, error in reads:
            with pytest.raises(error):
                read()
            db.session.flush()
            assert db.session.scalar(sa.select(sa.func.count(AuditEntry.id))) == 0
