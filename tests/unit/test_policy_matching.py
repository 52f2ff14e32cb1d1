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


def test_only_an_active_coordinator_may_ask_why_not(world):
    # Given the people around a pupil and the programme's coordinators
    # Then only an active coordinator may see why a pupil was or was not matched
    assert policy.can_explain_matching(world.coordinator)
    for other in (
        world.inactive_coordinator,
        world.mentor,
        world.home_teacher,
        world.special_educator,
        world.alva,
    ):
        assert not policy.can_explain_matching(other), other.name


def test_only_an_active_coordinator_may_rematch(world):
    # Given the people around a pupil and the programme's coordinators
    # Then only an active coordinator may preview and apply a rematch
    assert policy.can_rematch(world.coordinator)
    for other in (
        world.inactive_coordinator,
        world.mentor,
        world.home_teacher,
        world.special_educator,
        world.alva,
    ):
        assert not policy.can_rematch(other), other.name


def test_only_an_active_coordinator_may_see_and_compare_the_runs_kept(world):
    # Given the people around a pupil and the programme's coordinators
    # Then only an active coordinator may see the term's runs and compare two of them
    assert policy.can_see_matching_runs(world.coordinator)
    for other in (
        world.inactive_coordinator,
        world.mentor,
        world.home_teacher,
        world.special_educator,
        world.alva,
    ):
        assert not policy.can_see_matching_runs(other), other.name
