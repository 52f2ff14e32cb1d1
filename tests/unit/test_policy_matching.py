"""Matching rules (mentorhub/policy/matching.py)."""

from mentorhub import policy


def test_can_run_matching(world):
    assert policy.can_run_matching(world.coordinator)
    assert not policy.can_run_matching(world.mentor)
    assert not policy.can_run_matching(world.inactive_coordinator)


def test_can_state_offer(world):
    assert policy.can_state_offer(world.mentor)
    assert not policy.can_state_offer(world.coordinator)
    assert not policy.can_state_offer(world.alva)
