"""Concern rules (mentorhub/policy/concerns.py): never the pupil themself."""

import sqlalchemy as sa

from mentorhub import policy
from mentorhub.concerns.models import Concern
from mentorhub.extensions import db


def _concerns(user) -> set[int]:
    return set(db.session.scalars(sa.select(Concern.id).where(policy.concerns_visible_to(user))))


def test_can_raise_concern(world):
    assert policy.can_raise_concern(world.home_teacher, world.alva.id)
    assert policy.can_raise_concern(world.mentor, world.alva.id)
    assert not policy.can_raise_concern(world.alva, world.alva.id)
    assert not policy.can_raise_concern(world.unlinked_teacher, world.alva.id)


def test_can_view_concern_and_concerns_visible_to_agree(world):
    both = {world.concern.id, world.closed_concern.id}
    for user in (world.coordinator, world.mentor, world.home_teacher, world.special_educator):
        assert policy.can_view_concern(user, world.concern), user.name
        assert _concerns(user) == both, user.name
    for user in (world.alva, world.noah, world.unlinked_teacher, world.past_mentor):
        assert not policy.can_view_concern(user, world.concern), user.name
        assert _concerns(user) == set(), user.name


def test_can_manage_concern_while_open(world):
    assert policy.can_manage_concern(world.special_educator, world.concern)
    assert policy.can_manage_concern(world.coordinator, world.concern)
    assert not policy.can_manage_concern(world.special_educator, world.closed_concern)
    assert not policy.can_manage_concern(world.unlinked_teacher, world.concern)


def test_can_list_concerns(world):
    for user in (world.coordinator, world.mentor, world.home_teacher):
        assert policy.can_list_concerns(user), user.name
    assert not policy.can_list_concerns(world.alva)
    assert not policy.can_list_concerns(world.inactive_coordinator)
