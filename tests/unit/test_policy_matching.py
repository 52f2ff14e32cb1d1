"""Matching rules (mentorhub/policy/matching.py)."""

from mentorhub import policy
from mentorhub.matching.models import MatchingRun


def test_can_run_matching(world):
    assert policy.can_run_matching(world.coordinator)
    assert not policy.can_run_matching(world.mentor)
    assert not policy.can_run_matching(world.inactive_coordinator)


def test_can_follow_matching_run(world):
    run = MatchingRun(term_id=world.term.id, run_by_id=world.coordinator.id)
    assert policy.can_follow_matching_run(world.coordinator, run)
    assert not policy.can_follow_matching_run(world.mentor, run)
    assert not policy.can_follow_matching_run(world.alva, run)
    assert not policy.can_follow_matching_run(world.inactive_coordinator, run)


def test_can_state_offer(world):
    assert policy.can_state_offer(world.mentor)
    assert not policy.can_state_offer(world.coordinator)
    assert not policy.can_state_offer(world.alva)
