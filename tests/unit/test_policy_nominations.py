"""Nomination rules (mentorhub/policy/nominations.py)."""

import sqlalchemy as sa

from mentorhub import policy
from mentorhub.extensions import db
from mentorhub.nominations.models import Nomination


def _visible(user) -> set[int]:
    return set(
        db.session.scalars(sa.select(Nomination.id).where(policy.nominations_visible_to(user)))
    )


def test_can_list_nominations(world):
    for user in (world.coordinator, world.home_teacher, world.special_educator):
        assert policy.can_list_nominations(user)
    for user in (world.mentor, world.alva, world.inactive_coordinator):
        assert not policy.can_list_nominations(user)


def test_can_nominate_needs_school_staff_with_a_school(world):
    assert policy.can_nominate(world.home_teacher)
    assert policy.can_nominate(world.special_educator)
    assert not policy.can_nominate(world.coordinator)
    assert not policy.can_nominate(world.mentor)
    world.unlinked_teacher.school_id = None
    assert not policy.can_nominate(world.unlinked_teacher)


def test_can_view_nomination_and_its_list_filter_agree(world):
    n = world.nomination
    allowed = [
        world.coordinator,
        world.home_teacher,
        world.special_educator,
        world.unlinked_teacher,
    ]
    refused = [world.other_school_teacher, world.mentor, world.alva, world.inactive_coordinator]
    for user in allowed:
        assert policy.can_view_nomination(user, n), user.name
        assert n.id in _visible(user), user.name
    for user in refused:
        assert not policy.can_view_nomination(user, n), user.name
        assert n.id not in _visible(user), user.name


def test_the_nominator_sees_their_nomination_at_another_school(world):
    world.nomination.school_id = world.other_school.id
    db.session.flush()
    assert policy.can_view_nomination(world.home_teacher, world.nomination)
    assert world.nomination.id in _visible(world.home_teacher)
    assert not policy.can_view_nomination(world.unlinked_teacher, world.nomination)


def test_can_edit_nomination_until_decided(world):
    assert policy.can_edit_nomination(world.home_teacher, world.nomination)
    assert policy.can_edit_nomination(world.unlinked_teacher, world.nomination)
    assert not policy.can_edit_nomination(world.other_school_teacher, world.nomination)
    assert not policy.can_edit_nomination(world.coordinator, world.nomination)
    assert not policy.can_edit_nomination(world.special_educator, world.decided_nomination)


def test_can_decide_nominations(world):
    assert policy.can_decide_nominations(world.coordinator)
    assert not policy.can_decide_nominations(world.home_teacher)
