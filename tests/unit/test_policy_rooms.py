"""Room and chat rules (mentorhub/policy/rooms.py) and their list filters."""

from dataclasses import fields

import sqlalchemy as sa

from mentorhub import policy
from mentorhub.accounts.models import User
from mentorhub.extensions import db
from mentorhub.policy.relations import is_member
from mentorhub.rooms.models import Room
from mentorhub.timeutil import utcnow


def _rooms(where) -> set[int]:
    return set(db.session.scalars(sa.select(Room.id).where(where)))


def test_can_open_rooms(world):
    assert policy.can_open_rooms(world.mentor)
    assert not policy.can_open_rooms(world.home_teacher)
    assert not policy.can_open_rooms(world.alva)


def test_can_view_room_and_rooms_visible_to_agree(world):
    room = world.room
    allowed = [world.mentor, world.alva, world.noah, world.home_teacher, world.special_educator]
    refused = [
        world.lisa,  # removed from the room
        world.outsider,
        world.other_mentor,
        world.unlinked_teacher,
        world.other_school_teacher,
        world.coordinator,
    ]
    for user in allowed:
        assert policy.can_view_room(user, room), user.name
        assert room.id in _rooms(policy.rooms_visible_to(user)), user.name
    for user in refused:
        assert not policy.can_view_room(user, room), user.name
        assert room.id not in _rooms(policy.rooms_visible_to(user)), user.name


def test_is_observer(world):
    assert policy.is_observer(world.home_teacher, world.room)
    assert not policy.is_observer(world.mentor, world.room)
    assert not policy.is_observer(world.alva, world.room)


def test_can_post_in_and_postable_rooms_for_agree(world):
    for user, room in [(world.mentor, world.room), (world.alva, world.room)]:
        assert policy.can_post_in(user, room)
        assert room.id in _rooms(policy.postable_rooms_for(user))
    refused = [
        (world.home_teacher, world.room),  # observes, never posts
        (world.lisa, world.room),
        (world.noah, world.archived_room),  # a member, but the room is archived
        (world.mentor, world.archived_room),
    ]
    for user, room in refused:
        assert not policy.can_post_in(user, room), user.name
        assert room.id not in _rooms(policy.postable_rooms_for(user)), user.name
    assert _rooms(policy.postable_rooms_for(world.noah)) == {world.room.id}


def test_can_manage_room_and_rooms_managed_by_agree(world):
    assert policy.can_manage_room(world.mentor, world.room)
    assert _rooms(policy.rooms_managed_by(world.mentor)) == {world.room.id, world.archived_room.id}
    for user in (world.other_mentor, world.alva, world.home_teacher, world.coordinator):
        assert not policy.can_manage_room(user, world.room)
        assert world.room.id not in _rooms(policy.rooms_managed_by(user))
    # the room's mentor without the mentor role any more manages nothing
    world.mentor.role_rows = []
    db.session.flush()
    assert not policy.can_manage_room(world.mentor, world.room)
    assert _rooms(policy.rooms_managed_by(world.mentor)) == set()


def test_can_moderate_and_handle_reports(world):
    for rule in (policy.can_moderate, policy.can_handle_reports):
        assert rule(world.mentor, world.room)
        assert not rule(world.alva, world.room)
        assert not rule(world.home_teacher, world.room)


def test_can_report_message_of_someone_else(world):
    assert policy.can_report_message(world.noah, world.room, world.message)
    assert policy.can_report_message(world.home_teacher, world.room, world.message)
    assert not policy.can_report_message(world.alva, world.room, world.message)  # own message
    assert not policy.can_report_message(world.outsider, world.room, world.message)


def _may_post_now(user, room, *, version=None, key="live-key") -> bool:
    """`may_post_now` asked as the chat store asks it: a condition on the room's row."""
    version = user.session_version if version is None else version
    condition = policy.may_post_now(user.id, version, f"{key}-{user.id}")
    return room.id in _rooms(condition)


def _signed_in(users) -> None:
    from mentorhub.accounts.models import LoginSession

    db.session.add_all([LoginSession(key=f"live-key-{u.id}", user_id=u.id) for u in users])
    db.session.add_all([LoginSession(key=f"ended-key-{u.id}", user_id=u.id) for u in users])
    db.session.flush()
    for user in users:
        db.session.get(LoginSession, f"ended-key-{user.id}").ended_at = utcnow()
    db.session.flush()


def test_may_post_now_is_can_post_in_for_every_person_and_room(world):
    # given everyone in the world signed in, and every room
    people = [v for f in fields(world) if isinstance(v := getattr(world, f.name), User)]
    rooms = [v for f in fields(world) if isinstance(v := getattr(world, f.name), Room)]
    _signed_in(people)
    # then the SQL rule (what a socket's send checks) and the Python rule agree everywhere
    for user in people:
        for room in rooms:
            assert _may_post_now(user, room) == policy.can_post_in(user, room), (user.name, room)


def test_may_post_now_refuses_an_ended_sign_in_an_old_session_version_and_a_deactivation(world):
    # given Alva, who may post in her room while her sign-in is live
    alva, room = world.alva, world.room
    _signed_in([alva])
    assert _may_post_now(alva, room)
    # then a sign-in that has ended, or a session version that has moved on, may not
    assert not _may_post_now(alva, room, key="ended-key")
    assert not _may_post_now(alva, room, version=alva.session_version + 1)
    # and once her account is deactivated, her live sign-in may not either
    alva.active = False
    db.session.flush()
    assert not _may_post_now(alva, room)


def test_reads_as_member_now_is_can_view_room_for_every_current_member(world):
    from mentorhub.rooms.models import RoomMember

    # given everyone in the world signed in
    people = [v for f in fields(world) if isinstance(v := getattr(world, f.name), User)]
    rooms = [v for f in fields(world) if isinstance(v := getattr(world, f.name), Room)]
    _signed_in(people)
    for user in people:
        for room in rooms:
            condition = policy.reads_as_member_now(
                user.id, user.session_version, f"live-key-{user.id}"
            )
            reads = db.session.scalar(
                sa.select(sa.func.count()).where(RoomMember.room_id == room.id, condition)
            )
            # then the SQL rule says yes exactly for current members, who may view the room
            assert bool(reads) == is_member(user, room), (user.name, room.name)
            assert not reads or policy.can_view_room(user, room), (user.name, room.name)
