"""Goal and build-up rules (mentorhub/policy/goals.py)."""

import sqlalchemy as sa

from mentorhub import policy
from mentorhub.extensions import db
from mentorhub.goals.models import Goal


def _goals(user) -> set[int]:
    return set(db.session.scalars(sa.select(Goal.id).where(policy.goals_visible_to(user))))


def test_can_create_goal(world):
    assert policy.can_create_goal(world.mentor, world.alva.id)
    assert policy.can_create_goal(world.home_teacher, world.alva.id)
    assert not policy.can_create_goal(world.alva, world.alva.id)
    assert not policy.can_create_goal(world.unlinked_teacher, world.alva.id)


def test_can_view_goal_and_goals_visible_to_agree(world):
    alva_goals = {world.goal.id, world.reached_goal.id}
    assert _goals(world.alva) == alva_goals
    assert _goals(world.home_teacher) == alva_goals
    assert _goals(world.mentor) == alva_goals | {world.noah_goal.id}
    for user in (world.alva, world.home_teacher, world.mentor):
        assert policy.can_view_goal(user, world.goal), user.name
    for user in (world.noah, world.unlinked_teacher, world.past_mentor, world.coordinator):
        assert not policy.can_view_goal(user, world.goal), user.name
        assert world.goal.id not in _goals(user), user.name


def test_can_edit_goal_is_for_staff_not_the_pupil(world):
    assert policy.can_edit_goal(world.special_educator, world.goal)
    assert not policy.can_edit_goal(world.alva, world.goal)
    assert not policy.can_edit_goal(world.other_mentor, world.goal)


def test_can_comment_on_goal(world):
    assert policy.can_comment_on_goal(world.alva, world.goal)
    assert policy.can_comment_on_goal(world.mentor, world.goal)
    assert not policy.can_comment_on_goal(world.noah, world.goal)


def test_can_check_in_on_an_active_goal(world):
    assert policy.can_check_in(world.alva, world.goal)
    assert policy.can_check_in(world.home_teacher, world.goal)
    assert not policy.can_check_in(world.alva, world.reached_goal)
    assert not policy.can_check_in(world.noah, world.goal)


def test_can_write_build_up_only_the_current_mentor(world):
    assert policy.can_write_build_up(world.mentor, world.alva.id)
    assert not policy.can_write_build_up(world.home_teacher, world.alva.id)
    assert not policy.can_write_build_up(world.past_mentor, world.alva.id)
    assert not policy.can_write_build_up(world.alva, world.alva.id)


def test_can_view_build_up_the_pupil_and_their_staff(world):
    for user in (world.alva, world.mentor, world.home_teacher, world.special_educator):
        assert policy.can_view_build_up(user, world.alva.id), user.name
    for user in (world.noah, world.past_mentor, world.unlinked_teacher, world.coordinator):
        assert not policy.can_view_build_up(user, world.alva.id), user.name


def test_can_see_own_goals(world):
    assert policy.can_see_own_goals(world.alva)
    assert not policy.can_see_own_goals(world.mentor)
