"""Problem bank, posted problem and attempt rules (mentorhub/policy/problems.py)."""

import sqlalchemy as sa

from mentorhub import policy
from mentorhub.extensions import db
from mentorhub.problems.models import Attempt, HintReveal, Problem


def _problems(user) -> set[int]:
    return set(db.session.scalars(sa.select(Problem.id).where(policy.problems_visible_to(user))))


def _attempts(user) -> set[int]:
    return set(db.session.scalars(sa.select(Attempt.id).where(policy.attempts_visible_to(user))))


def test_can_write_problems(world):
    assert policy.can_write_problems(world.mentor)
    assert not policy.can_write_problems(world.home_teacher)
    assert not policy.can_write_problems(world.alva)


def test_mentor_area_ids_from_offers_and_rooms(world):
    assert policy.mentor_area_ids(world.mentor) == {world.area.id}
    assert policy.mentor_area_ids(world.other_mentor) == {world.area.id, world.other_area.id}
    assert policy.mentor_area_ids(world.home_teacher) == set()


def test_can_edit_problem_only_its_own_mentor(world):
    assert policy.can_edit_problem(world.mentor, world.problem)
    assert not policy.can_edit_problem(world.other_mentor, world.problem)
    assert not policy.can_edit_problem(world.alva, world.problem)


def test_can_view_problem_and_problems_visible_to_agree(world):
    cases = [
        (world.mentor, world.problem, True),
        (world.mentor, world.private_problem, True),
        (world.other_mentor, world.problem, True),  # shared, in an area they offer
        (world.other_mentor, world.private_problem, False),
        (world.mentor, world.other_problem, False),  # shared, but not the mentor's area
        (world.past_mentor, world.problem, False),
        (world.home_teacher, world.problem, False),
    ]
    for user, problem, expected in cases:
        assert policy.can_view_problem(user, problem) is expected, (user.name, problem.title)
        assert (problem.id in _problems(user)) is expected, (user.name, problem.title)


def test_can_post_problem_into_own_open_room(world):
    assert policy.can_post_problem(world.mentor, world.problem, world.room)
    assert not policy.can_post_problem(world.mentor, world.problem, world.archived_room)
    assert not policy.can_post_problem(world.other_mentor, world.problem, world.room)
    assert not policy.can_post_problem(world.mentor, world.other_problem, world.room)


def test_can_view_post_and_is_post_observer(world):
    post = world.post
    for user in (world.mentor, world.alva, world.home_teacher):
        assert policy.can_view_post(user, post), user.name
    for user in (world.noah, world.outsider, world.unlinked_teacher, world.other_mentor):
        assert not policy.can_view_post(user, post), user.name
    assert policy.is_post_observer(world.home_teacher, post)
    assert not policy.is_post_observer(world.alva, post)
    assert not policy.is_post_observer(world.mentor, post)


def test_can_work_on_a_post_to_them_in_an_open_room(world):
    assert policy.can_work_on(world.alva, world.post)
    assert not policy.can_work_on(world.noah, world.post)  # not posted to him
    assert not policy.can_work_on(world.mentor, world.post)
    world.room.archived_at = world.archived_room.archived_at
    assert not policy.can_work_on(world.alva, world.post)


def test_can_view_attempt_and_attempts_visible_to_agree(world):
    attempt = world.attempt
    for user in (world.alva, world.mentor, world.home_teacher, world.special_educator):
        assert policy.can_view_attempt(user, attempt), user.name
        assert attempt.id in _attempts(user), user.name
    for user in (world.noah, world.unlinked_teacher, world.other_mentor, world.coordinator):
        assert not policy.can_view_attempt(user, attempt), user.name
        assert attempt.id not in _attempts(user), user.name


def test_can_give_feedback(world):
    assert policy.can_give_feedback(world.mentor, world.attempt)
    assert not policy.can_give_feedback(world.home_teacher, world.attempt)
    assert not policy.can_give_feedback(world.alva, world.attempt)


def test_pupil_rows_visible_to(world):
    for pupil in (world.alva, world.noah):
        db.session.add(HintReveal(post_id=world.post.id, pupil_id=pupil.id, position=1))
    db.session.flush()

    def rows(user) -> set[int]:
        where = policy.pupil_rows_visible_to(user, world.room, HintReveal.pupil_id)
        return set(db.session.scalars(sa.select(HintReveal.pupil_id).where(where)))

    assert rows(world.mentor) == {world.alva.id, world.noah.id}
    assert rows(world.home_teacher) == {world.alva.id}  # never another pupil's rows
    assert rows(world.unlinked_teacher) == set()


def test_can_see_my_problems(world):
    assert policy.can_see_my_problems(world.alva)
    assert not policy.can_see_my_problems(world.mentor)


def test_sees_all_posts(world):
    assert policy.sees_all_posts(world.mentor, world.room)
    assert policy.sees_all_posts(world.home_teacher, world.room)
    assert not policy.sees_all_posts(world.alva, world.room)
    assert not policy.sees_all_posts(world.unlinked_teacher, world.room)
