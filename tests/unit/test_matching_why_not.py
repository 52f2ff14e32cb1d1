"""The "why not?" rules (mentorhub.matching.why_not): for one pupil, each mentor's verdict, on
small hand-made instances (one per rule) and, as properties on random small instances, in exact
agreement with the engine's own feasibility."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mentorhub.matching import why_not
from mentorhub.matching.engine import Match, Weights, evaluate_pair, solve, stage1_pair_score
from tests.unit.test_matching_engine import FAST, instances, mentor, pupil

W = Weights()


@pytest.fixture(autouse=True)
def _clean_state() -> Iterator[None]:
    """Pure code: no app and no database needed (overrides conftest's)."""
    yield


def held(pid, mid, area="ma", slot="mon", key=None) -> Match:
    """Another pupil's current match, as the page hands it over."""
    return Match(pid, mid, area, slot, key, 0, (), True)


def verdict(pupil_id, pupils, mentors, **kwargs) -> why_not.Verdict:
    (only,) = why_not.explain(pupil_id, pupils, mentors, W, **kwargs)
    return only


# --- each rule -----------------------------------------------------------------------------------


def test_a_mentor_in_other_subject_areas_is_stopped_by_the_subject_area() -> None:
    # Given a pupil in maths and a mentor who takes only Swedish
    p = pupil("p", {"ma": 3}, ["mon"])
    m = mentor("m", ["sv"], 1, 5, 3, 1, ["mon"])
    # When asked why not
    v = verdict("p", [p], [m])
    # Then the subject area is what stops them
    assert (v.possible, v.reason) == (False, why_not.SUBJECT_AREA)


def test_a_level_outside_the_span_stops_the_mentor_and_says_the_numbers() -> None:
    # Given a pupil at level 2 and a maths mentor for levels 3–5
    p = pupil("p", {"ma": 2}, ["mon"])
    m = mentor("m", ["ma"], 3, 5, 3, 1, ["mon"])
    # When asked why not
    v = verdict("p", [p], [m])
    # Then the level is the reason, with the pupil's level and the mentor's span
    assert v.reason == why_not.LEVEL
    assert dict(v.detail) == {"levels": [2], "min": 3, "max": 5}


def test_no_time_in_common_stops_the_mentor() -> None:
    # Given a pupil free on Mondays and a mentor free on Tuesdays
    p = pupil("p", {"ma": 3}, ["mon"])
    m = mentor("m", ["ma"], 1, 5, 3, 1, ["tue"])
    # Then no shared time is the reason
    assert verdict("p", [p], [m]).reason == why_not.NO_SHARED_TIME


def test_a_pair_ruled_out_by_hand_says_so() -> None:
    # Given a pair that fits but is forbidden
    p = pupil("p", {"ma": 3}, ["mon"])
    m = mentor("m", ["ma"], 1, 5, 3, 1, ["mon"])
    # Then the reason is that it was ruled out
    assert verdict("p", [p], [m], forbidden=[("p", "m")]).reason == why_not.FORBIDDEN


def test_a_mentor_whose_places_are_taken_is_full() -> None:
    # Given a mentor with one place, held by another pupil's match
    p = pupil("p", {"ma": 3}, ["mon", "tue"])
    q = pupil("q", {"ma": 3}, ["mon"])
    m = mentor("m", ["ma"], 1, 5, 1, 1, ["mon", "tue"])
    # When asked why not for the pupil
    v = verdict("p", [p, q], [m], fixed=[held("q", "m", slot="mon")])
    # Then capacity is the reason, with the places used and offered
    assert v.reason == why_not.CAPACITY_FULL
    assert dict(v.detail) == {"used": 1, "capacity": 1}


def test_every_shared_time_taken_by_other_sessions_stops_the_mentor() -> None:
    # Given a mentor with room for more, but the one time shared with the pupil is taken
    p = pupil("p", {"ma": 3}, ["mon"])
    q = pupil("q", {"ma": 3}, ["mon"])
    m = mentor("m", ["ma"], 1, 5, 3, 1, ["mon", "tue"])
    # Then the taken times are the reason
    v = verdict("p", [p, q], [m], fixed=[held("q", "m", slot="mon")])
    assert (v.reason, dict(v.detail)) == (why_not.TIMES_TAKEN, {"shared": 1})


def test_a_full_group_at_the_only_shared_time_is_the_reason() -> None:
    # Given a pupil who prefers groups and a mentor's group of 2 (its largest) at that time
    p = pupil("p", {"ma": 3}, ["mon"], group=True)
    others = [pupil(x, {"ma": 3}, ["mon"], group=True) for x in ("q", "r")]
    m = mentor("m", ["ma"], 1, 5, 5, 2, ["mon", "tue"])
    fixed = [held(x, "m", key="g1") for x in ("q", "r")]
    # Then the group being full is the reason, with its size
    v = verdict("p", [p, *others], [m], fixed=fixed)
    assert (v.reason, v.detail["size"]) == (why_not.GROUP_FULL, 2)


def test_a_group_at_another_level_is_no_group_the_pupil_fits() -> None:
    # Given a pupil at level 1 and the only shared time held by a group at level 4
    p = pupil("p", {"ma": 1}, ["mon"], group=True)
    others = [pupil(x, {"ma": 4}, ["mon"], group=True) for x in ("q", "r")]
    m = mentor("m", ["ma"], 1, 5, 5, 4, ["mon"])
    fixed = [held(x, "m", key="g1") for x in ("q", "r")]
    # Then no group fits the pupil
    assert verdict("p", [p, *others], [m], fixed=fixed).reason == why_not.NO_GROUP_FITS


def test_a_possible_mentor_comes_with_the_engines_match_and_score() -> None:
    # Given a pair that fits, with the Monday taken by another pupil
    p = pupil("p", {"ma": 4}, ["mon", "tue"])
    q = pupil("q", {"ma": 3}, ["mon"])
    m = mentor("m", ["ma"], 3, 5, 3, 1, ["mon", "tue"])
    # When asked
    v = verdict("p", [p, q], [m], fixed=[held("q", "m", slot="mon")])
    # Then the mentor is possible, on Tuesday, scored as the engine scores a move by hand
    assert v.possible and v.reason is None
    assert v.fit.slot_id == "tue"
    assert v.fit.score == evaluate_pair(p, m, W, taken_slots=["mon"]).score == 20 + 6


def test_joining_a_group_with_room_earns_the_group_points() -> None:
    # Given a pupil who prefers groups and a group with room at the shared time
    p = pupil("p", {"ma": 3}, ["mon"], group=True)
    q = pupil("q", {"ma": 3}, ["mon"], group=True)
    m = mentor("m", ["ma"], 1, 5, 5, 3, ["mon"])
    # When asked
    v = verdict("p", [p, q], [m], fixed=[held("q", "m", key="g1")])
    # Then the pupil would join that group, with the group points in the score
    assert v.fit.group_key == "g1"
    assert v.fit.score == 20 + 3 + W.group_preference


def test_the_pupils_own_match_does_not_count_against_them() -> None:
    # Given the pupil's own match among the held ones, at a mentor with one place
    p = pupil("p", {"ma": 3}, ["mon"])
    m = mentor("m", ["ma"], 1, 5, 1, 1, ["mon"])
    # Then that mentor is still possible: the question is where the pupil could be
    assert verdict("p", [p], [m], fixed=[held("p", "m")]).possible


def test_the_best_alternative_is_the_highest_score_other_than_the_current_mentor() -> None:
    # Given three mentors who could take the pupil, the current one scoring best
    p = pupil("p", {"ma": 3}, ["mon"])
    mentors = [
        mentor("now", ["ma"], 1, 5, 3, 1, ["mon"]),
        mentor("far", ["ma"], 3, 5, 3, 1, ["mon"]),
        mentor("near", ["ma"], 2, 4, 3, 1, ["mon"]),
    ]
    verdicts = why_not.explain("p", [p], mentors, W)
    # When the best alternative to the current mentor is asked for
    best = why_not.best_alternative(verdicts, "now")
    # Then it is the best of the others (centred span 2–4 beats 3–5)
    assert best.mentor_id == "near"
    assert why_not.best_alternative(verdicts[:1], "now") is None


# --- agreement with the engine -------------------------------------------------------------------


@FAST
@given(instances())
def test_a_mentor_is_possible_exactly_when_the_engine_finds_the_pair_feasible(instance) -> None:
    # Given a small random instance, nobody else matched yet
    pupils, mentors = instance
    for p in pupils:
        # When asked why not for each pupil
        verdicts = why_not.explain(p.id, pupils, mentors, W)
        for m, v in zip(mentors, verdicts, strict=True):
            # Then a mentor is possible exactly when the engine's pair rules hold and a place is
            # offered, and then at the score of a move by hand (an individual session)
            feasible = stage1_pair_score(p, m, W) is not None
            assert v.possible == (feasible and m.capacity > 0)
            if v.possible:
                assert v.fit.score == evaluate_pair(p, m, W).score
            else:
                assert v.reason in why_not.REASONS
                assert (v.reason == why_not.CAPACITY_FULL) == feasible


@settings(max_examples=120, deadline=None, derandomize=True, database=None)
@given(instances(max_pupils=5), st.data())
def test_with_others_held_possible_exactly_when_the_engine_seats_the_pupil(instance, data):
    # Given a first result, and one pupil asked about while everyone else keeps their match
    pupils, mentors = instance
    if not pupils:
        return
    w = Weights(same_school=0)  # a result-wide adjustment; why_not scores one pair
    first = solve(pupils, mentors, w)
    target = data.draw(st.sampled_from(pupils))
    fixed = [x for x in first.matches if x.pupil_id != target.id]
    kept = [p for p in pupils if p.id == target.id or p.id in {x.pupil_id for x in fixed}]
    verdicts = why_not.explain(target.id, kept, mentors, w, fixed=fixed)
    for m, v in zip(mentors, verdicts, strict=True):
        # When the engine may seat the pupil only with this mentor, the others held
        others = [(target.id, x.id) for x in mentors if x.id != m.id]
        again = solve(kept, mentors, w, locked=fixed, forbidden=others)
        seated = next((x for x in again.matches if x.pupil_id == target.id), None)
        # Then why_not calls the mentor possible exactly when the engine seats the pupil there,
        # at the score the engine gives
        assert v.possible == (seated is not None), (m, v)
        if seated is not None:
            assert v.fit.score == seated.score


@FAST
@given(instances())
def test_the_engine_never_assigns_a_pupil_to_a_mentor_why_not_rules_out(instance) -> None:
    # Given a small random instance, solved by the engine
    pupils, mentors = instance
    result = solve(pupils, mentors, W)
    for x in result.matches:
        # When asked why not for each matched pupil
        verdicts = why_not.explain(x.pupil_id, pupils, mentors, W)
        # Then the mentor the engine chose is among the possible ones
        chosen = next(v for v in verdicts if v.mentor_id == x.mentor_id)
        assert chosen.possible, chosen
