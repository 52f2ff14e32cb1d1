"""Rules on the pupil's record as a whole (mentorhub/policy/pupils.py)."""

from mentorhub import policy
from mentorhub.rooms.models import RoomMember


def test_can_manage_care_team(world):
    assert policy.can_manage_care_team(world.coordinator)
    assert not policy.can_manage_care_team(world.home_teacher)
    assert not policy.can_manage_care_team(world.mentor)


def test_can_view_review(world):
    for user in (world.mentor, world.home_teacher, world.special_educator):
        assert policy.can_view_review(user), user.name
    for user in (world.coordinator, world.alva, world.inactive_coordinator):
        assert not policy.can_view_review(user), user.name


def test_can_view_pupil_page_is_for_the_staff_around_the_pupil(world):
    for user in (world.mentor, world.home_teacher, world.special_educator):
        assert policy.can_view_pupil_page(user, world.alva.id), user.name
    for user in (world.past_mentor, world.unlinked_teacher, world.coordinator, world.alva):
        assert not policy.can_view_pupil_page(user, world.alva.id), user.name


def test_can_read_left_room_only_for_a_pupil_who_left(world):
    lisa, left = world.lisa, world.left_member
    assert policy.can_read_left_room(world.special_educator, lisa.id, left)
    assert not policy.can_read_left_room(world.home_teacher, lisa.id, left)  # not Lisa's
    assert not policy.can_read_left_room(world.mentor, lisa.id, left)  # Lisa is not matched
    assert not policy.can_read_left_room(world.special_educator, world.alva.id, left)
    still_in = RoomMember(room_id=world.room.id, user_id=world.alva.id, removed_at=None)
    assert not policy.can_read_left_room(world.home_teacher, world.alva.id, still_in)


def test_can_acknowledge_flag(world):
    assert policy.can_acknowledge_flag(world.special_educator, world.alva.id)
    assert not policy.can_acknowledge_flag(world.unlinked_teacher, world.alva.id)


def test_can_see_own_progress(world):
    assert policy.can_see_own_progress(world.alva)
    assert not policy.can_see_own_progress(world.home_teacher)
