"""Matching rules (mentorhub/policy/matching.py)."""

import pytest

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


@pytest.mark.parametrize(
    "rule",
    [
        policy.can_explain_matching,  # why a pupil was or was not matched
        policy.can_rematch,  # preview and apply a rematch
        policy.can_see_matching_runs,  # the term's runs, and two of them compared
    ],
    ids=lambda rule: rule.__name__,
)
def test_only_an_active_coordinator_may_use_the_coordinators_matching_tools(world, rule):
    assert rule(world.coordinator)
    for other in world.everyone_but_an_active_coordinator():
        assert not rule(other), other
