"""The access log is complete: every page that shows a pupil's data records who saw it.

The walker takes every GET route of the app whose address names a pupil or one of their
records, opens it for Alva's records (the demo data) as the staff who may (her linked home
teacher or special-needs educator, else the coordinator), and fails when a page answers 200
without adding an entry to the access log. A new page that shows pupil data fails here until it
is audited or listed below with the reason it shows none.
"""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from mentorhub.accounts.models import User
from mentorhub.audit import AuditEntry
from mentorhub.extensions import db
from tests.conftest import login
from tests.integration.demo_region import coordinator, give_own_words, the_pupil

PUPIL_DATA = {
    "pupil_id",
    "nomination_id",
    "goal_id",
    "concern_id",
    "attempt_id",
    "meeting_id",
    "room_id",
    "image_id",
    "key",
}

# Pages that name a record in their address but show no pupil's data, and why.
NOT_A_READ = {
    "concerns.new": "an empty form; the concern it makes is audited",
    "goals.new": "an empty form; the goal it makes is audited",
    "goals.edit": "the form for a change; the change is audited with its fields",
    "nominations.edit": "the form for a change; the change is audited",
    "meetings.new": "an empty form for a room's meeting",
    "meetings.edit": "the meeting's time and title, no pupil's data",
    "meetings.download": "the meeting as a calendar file: time and title",
    "rooms.members": "the mentor's member picker: names only, the room's own mentor",
    "pupil_data.erase": "the confirmation shows counts only; the erasure is audited",
    "chat.reports": "the room's own mentor's moderation queue: they are in the room",
}


def give_records(pupil_id: int) -> int:
    """What the demo lacks for Alva: a concern, an image in her room, a room she has left.
    Returns the left room's id."""
    from mentorhub.rooms.models import Room, RoomKind, RoomMember
    from mentorhub.timeutil import utcnow
    from mentorhub.uploads import images
    from mentorhub.uploads import services as uploads
    from tests.integration.test_erasure import _png

    give_own_words(db.session.get(User, pupil_id))
    room = db.session.scalars(
        sa.select(Room)
        .join(RoomMember)
        .where(RoomMember.user_id == pupil_id, RoomMember.removed_at.is_(None))
        .order_by(Room.id)
    ).first()
    uploads.save_image(images.encode(_png()), room_id=room.id, uploader_id=pupil_id)
    left = Room(
        mentor_id=room.mentor_id,
        subject_area_id=room.subject_area_id,
        kind=RoomKind.INDIVIDUAL.value,
        name="Tidigare rum",
    )
    db.session.add(left)
    db.session.flush()
    db.session.add(RoomMember(room_id=left.id, user_id=pupil_id, removed_at=utcnow()))
    db.session.commit()
    return left.id


def ids_for(pupil_id: int) -> dict[str, int | str]:
    from mentorhub.concerns.models import Concern
    from mentorhub.goals.models import Goal
    from mentorhub.meetings.models import Attendance
    from mentorhub.nominations.models import Nomination
    from mentorhub.problems.models import Attempt
    from mentorhub.rooms.models import RoomMember
    from mentorhub.uploads.models import ChatImage

    def first(query):
        return db.session.scalar(query.limit(1))

    return {
        "pupil_id": pupil_id,
        "nomination_id": first(sa.select(Nomination.id).where(Nomination.pupil_id == pupil_id)),
        "goal_id": first(sa.select(Goal.id).where(Goal.pupil_id == pupil_id)),
        "concern_id": first(sa.select(Concern.id).where(Concern.pupil_id == pupil_id)),
        "attempt_id": first(sa.select(Attempt.id).where(Attempt.pupil_id == pupil_id)),
        "meeting_id": first(
            sa.select(Attendance.meeting_id).where(Attendance.pupil_id == pupil_id)
        ),
        "room_id": first(
            sa.select(RoomMember.room_id)
            .where(RoomMember.user_id == pupil_id, RoomMember.removed_at.is_(None))
            .order_by(RoomMember.room_id)
        ),
        "image_id": first(sa.select(ChatImage.id).where(ChatImage.uploader_id == pupil_id)),
        "key": "attendance",
    }


def viewers(pupil_id: int) -> list:
    from mentorhub.accounts.models import User
    from mentorhub.pupils.models import StaffLink

    linked = db.session.scalars(
        sa.select(User)
        .join(StaffLink, StaffLink.staff_id == User.id)
        .where(StaffLink.pupil_id == pupil_id)
    ).all()
    return [*linked, coordinator()]


def routes(app) -> list[tuple[str, str]]:
    found = []
    for rule in app.url_map.iter_rules():
        if "GET" not in rule.methods or rule.endpoint in NOT_A_READ:
            continue
        if set(rule.arguments) & PUPIL_DATA and set(rule.arguments) <= PUPIL_DATA | {"room_id"}:
            found.append((rule.endpoint, rule.rule))
    return sorted(found)


def entries() -> int:
    return db.session.scalar(sa.select(sa.func.count(AuditEntry.id)))


def test_every_page_that_shows_a_pupils_data_writes_the_access_log(app, region):
    from mentorhub import demo

    with app.app_context():
        alva = the_pupil()
        left_room = give_records(alva.id)
        ids = ids_for(alva.id)
        people = viewers(alva.id)
    clients = []
    for person in people:
        client = app.test_client()
        assert login(client, person, demo.DEMO_PASSWORD).status_code == 302
        clients.append((person, client))
    walked, silent, unreadable = [], [], []
    for endpoint, rule in routes(app):
        path = rule
        if endpoint == "progress.left_room":
            path = path.replace("<int:room_id>", str(left_room))
        for name, value in ids.items():
            path = path.replace(f"<int:{name}>", str(value)).replace(f"<{name}>", str(value))
        if "<" in path or "None" in path:
            unreadable.append(f"{endpoint}: no such record of Alva's in the demo data")
            continue
        for person, client in clients:
            with app.app_context():
                before = entries()
            if client.get(path).status_code != 200:
                continue
            with app.app_context():
                if entries() == before:
                    silent.append(f"{endpoint} ({path}) as {person.email}")
            walked.append(endpoint)
            break
        else:
            unreadable.append(f"{endpoint} ({path}): none of Alva's staff could open it")
    assert not silent, "pages that show a pupil's data without logging it:\n" + "\n".join(silent)
    assert not unreadable, "\n".join(unreadable)
    assert {
        "progress.pupil_page",
        "goals.show",
        "nominations.show",
        "concerns.show",
        "problems.attempt",
        "meetings.show",
        "rooms.show",
        "pupil_data.export_zip",
        "reports.programme" if False else "reports.table_csv",
    } <= set(walked)


@pytest.mark.parametrize("endpoint", sorted(NOT_A_READ))
def test_every_exemption_names_a_route_that_exists(app, endpoint):
    assert endpoint in {rule.endpoint for rule in app.url_map.iter_rules()}
