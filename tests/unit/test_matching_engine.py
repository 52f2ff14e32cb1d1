"""Behaviour of the pure matching engine (mentorhub.matching.engine): hard rules, optimality of
stage 1 against exhaustive search, locked matches, reasons, and the greedy baseline it beats."""

from __future__ import annotations

import itertools
from collections import Counter, defaultdict
from collections.abc import Iterator, Sequence

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mentorhub.matching.engine import (
    DID_NOT_FIT_SCHEDULE,
    FORBIDDEN,
    LEVEL_OUT_OF_RANGE,
    NO_CAPACITY,
    NO_MENTOR_FOR_SUBJECT,
    NO_SHARED_TIME,
    Assignment,
    Match,
    Mentor,
    Pupil,
    Weights,
    evaluate_pair,
    greedy_baseline,
    objective,
    solve,
    stage1_pair_score,
)

REASONS = {
    NO_MENTOR_FOR_SUBJECT,
    LEVEL_OUT_OF_RANGE,
    NO_SHARED_TIME,
    FORBIDDEN,
    NO_CAPACITY,
    DID_NOT_FIT_SCHEDULE,
}
W = Weights()


@pytest.fixture(autouse=True)
def _clean_state() -> Iterator[None]:
    """The engine is pure: these tests need no app and no database (overrides conftest's)."""
    yield


# --- helpers -----------------------------------------------------------------------------------


def pupil(pid, levels, slots, group=False, school="s1") -> Pupil:
    return Pupil(pid, school, levels, frozenset(slots), group)


def mentor(mid, areas, lo, hi, cap, g, slots) -> Mentor:
    return Mentor(mid, frozenset(areas), lo, hi, cap, g, frozenset(slots))


def outcome(result: Assignment, pid):
    return next(o for o in result.outcomes if o.pupil_id == pid)


def fits_pair(p: Pupil, m: Mentor) -> bool:
    """The pair rules, written independently of the engine."""
    level_ok = any(
        a in m.subject_area_ids and m.level_min <= lv <= m.level_max for a, lv in p.levels.items()
    )
    return level_ok and bool(p.slots & m.slots)


def assert_valid(
    pupils: Sequence[Pupil],
    mentors: Sequence[Mentor],
    result: Assignment,
    locked: Sequence[Match] = (),
    forbidden: Sequence[tuple] = (),
) -> None:
    """Every hard rule, checked on the final result (locked matches are exempt from pair rules,
    as they are kept as given)."""
    by_p = {p.id: p for p in pupils}
    by_m = {m.id: m for m in mentors}
    locked_ids = {x.pupil_id for x in locked}
    assert [o.pupil_id for o in result.outcomes] == [p.id for p in pupils]
    for u in result.unassigned:
        assert u.reason in REASONS
    sessions: dict[tuple, list[Match]] = defaultdict(list)
    for x in result.matches:
        sessions[(x.mentor_id, x.slot_id)].append(x)
        assert x.score == sum(r["points"] for r in x.reasons)
        if x.pupil_id in locked_ids:
            continue
        p, m = by_p[x.pupil_id], by_m[x.mentor_id]
        assert (p.id, m.id) not in forbidden
        assert x.subject_area_id in m.subject_area_ids, "subject area the mentor takes"
        assert m.level_min <= p.levels[x.subject_area_id] <= m.level_max, "level within span"
        assert x.slot_id in p.slots and x.slot_id in m.slots, "a shared time slot"
    for mid, n in Counter(x.mentor_id for x in result.matches).items():
        assert n <= by_m[mid].capacity, "within capacity"
    for (mid, _slot), members in sessions.items():
        if len(members) == 1:
            continue
        # More than one pupil in a mentor's slot: must be one group.
        assert len({x.group_key for x in members}) == 1 and members[0].group_key is not None
        assert len(members) <= by_m[mid].max_group_size, "group within max size"
        assert all(by_p[x.pupil_id].prefers_group for x in members), "only group-preferring"
        assert len({x.subject_area_id for x in members}) == 1, "one subject area"
        levels = [by_p[x.pupil_id].levels[x.subject_area_id] for x in members]
        assert max(levels) - min(levels) <= 1, "levels within 1"
    where: dict[str, set] = defaultdict(set)
    for x in result.matches:
        if x.group_key is not None:
            where[x.group_key].add((x.mentor_id, x.slot_id, x.subject_area_id))
    assert all(len(v) == 1 for v in where.values()), "a group key names one session"


def exhaustive_stage1(
    pupils: Sequence[Pupil], mentors: Sequence[Mentor], w: Weights, forbidden=()
) -> tuple[int, int]:
    """Best (assigned, score) of the stage-1 model by enumerating every assignment: pair rules,
    capacity, individual pupils <= the mentor's slots, group pupils <= slots * max_group_size."""
    options = []
    for p in pupils:
        opts: list = [None]
        for m in mentors:
            if fits_pair(p, m) and (p.id, m.id) not in forbidden:
                score = stage1_pair_score(p, m, w)
                assert score is not None
                opts.append((m, p.prefers_group and m.max_group_size >= 2, score))
        options.append(opts)
    best = (0, 0)
    for choice in itertools.product(*options):
        total: Counter = Counter()
        grouped: Counter = Counter()
        count = score = 0
        for c in choice:
            if c is not None:
                m, grp, s = c
                total[m.id] += 1
                grouped[m.id] += grp
                count, score = count + 1, score + s
        if all(
            total[m.id] <= m.capacity
            and total[m.id] - grouped[m.id] <= len(m.slots)
            and grouped[m.id] <= len(m.slots) * m.max_group_size
            for m in mentors
        ):
            best = max(best, (count, score))
    return best


AREAS = ["ma", "sv"]
SLOTS = ["mon", "tue", "wed", "thu"]


@st.composite
def instances(draw, max_pupils: int = 7, max_mentors: int = 3):
    """Small instances, biased towards contention: few slots, wide spans, overlapping areas."""
    n_slots = draw(st.integers(1, len(SLOTS)))
    slots = st.sets(st.sampled_from(SLOTS[:n_slots]), min_size=1)
    pupils = []
    for i in range(draw(st.integers(0, max_pupils))):
        areas = draw(st.sets(st.sampled_from(AREAS), min_size=1))
        pupils.append(
            Pupil(
                id=f"p{i}",
                school_id=draw(st.sampled_from(["s1", "s2"])),
                levels={a: draw(st.integers(1, 5)) for a in sorted(areas)},
                slots=frozenset(draw(slots)),
                prefers_group=draw(st.booleans()),
            )
        )
    mentors = []
    for j in range(draw(st.integers(1, max_mentors))):
        lo = draw(st.integers(1, 4))
        mentors.append(
            Mentor(
                id=f"m{j}",
                subject_area_ids=frozenset(draw(st.sets(st.sampled_from(AREAS), min_size=1))),
                level_min=lo,
                level_max=draw(st.integers(max(lo, 3), 5)),
                capacity=draw(st.integers(0, 4)),
                max_group_size=draw(st.integers(1, 3)),
                slots=frozenset(draw(slots)),
            )
        )
    return pupils, mentors


FAST = settings(
    max_examples=300,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
    derandomize=True,
    database=None,
)


# --- properties --------------------------------------------------------------------------------


@FAST
@given(instances(), st.data())
def test_stage1_objective_equals_exhaustive_search(instance, data) -> None:
    # Given a small random instance and some forbidden pairs
    pupils, mentors = instance
    pairs = [(p.id, m.id) for p in pupils for m in mentors]
    forbidden = data.draw(st.lists(st.sampled_from(pairs), max_size=3) if pairs else st.just([]))
    # When the engine solves it
    result = solve(pupils, mentors, W, forbidden=forbidden)
    # Then its stage-1 optimum is the best any assignment of the same model reaches
    assert result.stage1_bound == exhaustive_stage1(pupils, mentors, W, set(forbidden))
    # And the final result keeps every hard rule and stays within that bound
    assert_valid(pupils, mentors, result, forbidden=forbidden)
    assert objective(result)[0] <= result.stage1_bound[0]


@FAST
@given(instances())
def test_no_hard_rule_is_broken_by_engine_or_greedy(instance) -> None:
    # Given a small random instance
    pupils, mentors = instance
    # When both the engine and the greedy baseline match it
    # Then neither result breaks a rule
    assert_valid(pupils, mentors, solve(pupils, mentors, W))
    assert_valid(pupils, mentors, greedy_baseline(pupils, mentors, W))


@settings(max_examples=150, deadline=None, derandomize=True, database=None)
@given(instances(), st.data())
def test_locked_matches_are_kept(instance, data) -> None:
    # Given a first result and some of its matches confirmed (locked)
    pupils, mentors = instance
    first = solve(pupils, mentors, W)
    locked = [x for x in first.matches if data.draw(st.booleans())]
    # When matching runs again with them locked
    again = solve(pupils, mentors, W, locked=locked)
    # Then every locked match comes back exactly as it was, and the rules still hold
    for x in locked:
        y = outcome(again, x.pupil_id)
        assert isinstance(y, Match) and y.locked
        assert (y.mentor_id, y.subject_area_id, y.slot_id, y.group_key) == (
            x.mentor_id,
            x.subject_area_id,
            x.slot_id,
            x.group_key,
        )
    assert_valid(pupils, mentors, again, locked=locked)


# --- each rule -----------------------------------------------------------------------------------


def test_pupil_is_matched_only_in_a_subject_area_the_mentor_takes() -> None:
    # Given a pupil in språk and maths, and a mentor who takes only maths
    p = pupil("p", {"sv": 5, "ma": 3}, ["mon"])
    m = mentor("m", ["ma"], 1, 5, 3, 1, ["mon"])
    # When matched
    match = outcome(solve([p], [m]), "p")
    # Then the match is in maths
    assert isinstance(match, Match) and match.subject_area_id == "ma"


def test_level_must_lie_within_the_mentors_span() -> None:
    # Given two mentors in the pupil's area, only one of them spanning the pupil's level 5
    p = pupil("p", {"ma": 5}, ["mon"])
    low = mentor("low", ["ma"], 1, 3, 3, 1, ["mon"])
    high = mentor("high", ["ma"], 4, 5, 3, 1, ["mon"])
    # When matched
    match = outcome(solve([p], [low, high]), "p")
    # Then the pupil goes to the mentor whose span holds level 5
    assert match.mentor_id == "high"


def test_pupil_and_mentor_must_share_a_time_slot() -> None:
    # Given two fitting mentors, only one free when the pupil is
    p = pupil("p", {"ma": 3}, ["tue"])
    busy = mentor("busy", ["ma"], 1, 5, 3, 1, ["mon"])
    free = mentor("free", ["ma"], 1, 5, 3, 1, ["tue", "wed"])
    # When matched
    match = outcome(solve([p], [busy, free]), "p")
    # Then the session is with the free mentor, at the shared time
    assert (match.mentor_id, match.slot_id) == ("free", "tue")


def test_mentor_takes_no_more_pupils_than_capacity() -> None:
    # Given three fitting pupils and a mentor with capacity 2 and plenty of time
    ps = [pupil(f"p{i}", {"ma": 3}, ["mon", "tue", "wed"]) for i in range(3)]
    m = mentor("m", ["ma"], 1, 5, 2, 1, ["mon", "tue", "wed"])
    # When matched
    result = solve(ps, [m])
    # Then two are matched and the third is told the mentor is full
    assert objective(result)[0] == 2
    assert [u.reason for u in result.unassigned] == [NO_CAPACITY]


def test_each_individual_pupil_needs_a_slot_of_their_own() -> None:
    # Given two pupils who want individual sessions, and a mentor with room but one slot
    ps = [pupil("a", {"ma": 3}, ["mon"]), pupil("b", {"ma": 3}, ["mon"])]
    m = mentor("m", ["ma"], 1, 5, 5, 3, ["mon"])
    # When matched
    result = solve(ps, [m])
    # Then only one gets the slot; the other did not fit the schedule
    assert objective(result)[0] == 1
    assert [u.reason for u in result.unassigned] == [DID_NOT_FIT_SCHEDULE]


def test_pupils_who_prefer_groups_share_one_slot_in_a_group() -> None:
    # Given three group-preferring pupils at levels 3, 4 and 4, and a mentor with one slot
    ps = [pupil(pid, {"ma": lv}, ["mon"], group=True) for pid, lv in [("a", 3), ("b", 4), ("c", 4)]]
    m = mentor("m", ["ma"], 1, 5, 5, 3, ["mon"])
    # When matched
    result = solve(ps, [m])
    # Then all three are in one group: same mentor, area, slot and group key
    assert objective(result)[0] == 3
    assert (
        len({(x.mentor_id, x.subject_area_id, x.slot_id, x.group_key) for x in result.matches}) == 1
    )
    assert result.matches[0].group_key is not None
    assert all(
        {"code": "group", "size": 3, "points": W.group_preference} in x.reasons
        for x in result.matches
    )


def test_a_group_is_no_larger_than_the_mentors_max_group_size() -> None:
    # Given four group-preferring pupils and a mentor with one slot and groups of at most 2
    ps = [pupil(f"p{i}", {"ma": 3}, ["mon"], group=True) for i in range(4)]
    m = mentor("m", ["ma"], 1, 5, 10, 2, ["mon"])
    # When matched
    result = solve(ps, [m])
    # Then two are matched, as one group
    assert objective(result)[0] == 2
    assert len({x.group_key for x in result.matches}) == 1


def test_group_levels_are_within_one_of_each_other() -> None:
    # Given group-preferring pupils at levels 2 and 4, and a mentor with one slot
    ps = [pupil("a", {"ma": 2}, ["mon"], group=True), pupil("b", {"ma": 4}, ["mon"], group=True)]
    m = mentor("m", ["ma"], 1, 5, 5, 3, ["mon"])
    # When matched
    result = solve(ps, [m])
    # Then they cannot share the slot: one is matched
    assert objective(result)[0] == 1


def test_a_group_is_in_one_subject_area() -> None:
    # Given a maths pupil and a språk pupil, both wanting groups, and a mentor with one slot
    ps = [pupil("a", {"ma": 3}, ["mon"], group=True), pupil("b", {"sv": 3}, ["mon"], group=True)]
    m = mentor("m", ["ma", "sv"], 1, 5, 5, 3, ["mon"])
    # When matched
    result = solve(ps, [m])
    # Then they cannot share the slot
    assert objective(result)[0] == 1


def test_stage2_may_switch_area_so_a_group_forms() -> None:
    # Given a pupil best at språk but also in maths, a maths pupil, both wanting groups, one slot
    ps = [
        pupil("a", {"sv": 3, "ma": 2}, ["mon"], group=True),
        pupil("b", {"ma": 2}, ["mon"], group=True),
    ]
    m = mentor("m", ["ma", "sv"], 1, 5, 5, 3, ["mon"])
    # When matched
    result = solve(ps, [m])
    # Then both are placed, together in maths
    assert objective(result)[0] == 2
    assert {x.subject_area_id for x in result.matches} == {"ma"}


def test_a_pupil_who_does_not_prefer_groups_is_never_grouped() -> None:
    # Given a group-preferring pupil and one who wants individual sessions, one slot
    ps = [pupil("a", {"ma": 3}, ["mon"], group=True), pupil("b", {"ma": 3}, ["mon"])]
    m = mentor("m", ["ma"], 1, 5, 5, 3, ["mon"])
    # When matched
    result = solve(ps, [m])
    # Then only one of them gets the slot, alone
    assert objective(result)[0] == 1
    assert result.matches[0].group_key is None


def test_forbidden_pairs_are_never_used() -> None:
    # Given a pupil who fits two mentors, the better one forbidden
    p = pupil("p", {"ma": 3}, ["mon"])
    best = mentor("best", ["ma"], 3, 3, 3, 1, ["mon"])
    other = mentor("other", ["ma"], 1, 5, 3, 1, ["mon"])
    # When matched with that pair forbidden
    result = solve([p], [best, other], forbidden=[("p", "best")])
    # Then the pupil goes to the other mentor
    assert outcome(result, "p").mentor_id == "other"


# --- unassigned reasons ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("p", "forbidden", "reason"),
    [
        (pupil("p", {"en": 3}, ["mon"]), [], NO_MENTOR_FOR_SUBJECT),
        (pupil("p", {}, ["mon"]), [], NO_MENTOR_FOR_SUBJECT),
        (pupil("p", {"ma": 1}, ["mon"]), [], LEVEL_OUT_OF_RANGE),
        (pupil("p", {"ma": 3}, ["fri"]), [], NO_SHARED_TIME),
        (pupil("p", {"ma": 3}, ["mon"]), [("p", "m")], FORBIDDEN),
    ],
)
def test_unassigned_pupil_gets_the_most_specific_reason(p, forbidden, reason) -> None:
    # Given a maths mentor for levels 2-5, free on Monday, and a pupil who cannot have them
    m = mentor("m", ["ma"], 2, 5, 3, 1, ["mon"])
    # When matched
    result = solve([p], [m], forbidden=forbidden)
    # Then the pupil is unassigned with the reason that explains it
    assert [u.reason for u in result.unassigned] == [reason]


def test_level_reason_wins_over_time_when_both_fail() -> None:
    # Given a pupil whose level is outside the span and who shares no time either
    p = pupil("p", {"ma": 1}, ["fri"])
    m = mentor("m", ["ma"], 2, 5, 3, 1, ["mon"])
    # When matched
    # Then the earlier cascade step (level) is the reason given
    assert solve([p], [m]).unassigned[0].reason == LEVEL_OUT_OF_RANGE


# --- reasons and scores on matches -------------------------------------------------------------


def test_a_match_carries_its_reasons_as_structured_parts() -> None:
    # Given a level-4 pupil sharing two slots with a mentor for levels 3-5
    p = pupil("p", {"ma": 4}, ["mon", "tue", "fri"])
    m = mentor("m", ["ma"], 3, 5, 3, 1, ["mon", "tue"])
    # When matched
    match = outcome(solve([p], [m]), "p")
    # Then each part of the score is a structured reason, and they add up to the score
    assert list(match.reasons) == [
        {"code": "subject_area", "subject_area_id": "ma", "points": 0},
        {"code": "level_in_range", "level": 4, "min": 3, "max": 5, "points": W.level_fit},
        {"code": "shared_slots", "count": 2, "points": 2 * W.shared_slot},
        {"code": "individual_session", "prefers_group": False, "points": 0},
    ]
    assert match.score == W.level_fit + 2 * W.shared_slot


def test_level_points_fall_with_distance_from_the_centre_of_the_span() -> None:
    # Given a level-2 pupil and a mentor spanning 2-4 (centre 3)
    p = pupil("p", {"ma": 2}, ["mon"])
    m = mentor("m", ["ma"], 2, 4, 3, 1, ["mon"])
    # When matched
    match = outcome(solve([p], [m]), "p")
    # Then the level part loses level_off_centre per half level: two half levels here
    level = next(r for r in match.reasons if r["code"] == "level_in_range")
    assert level["points"] == W.level_fit - 2 * W.level_off_centre


def test_crowding_from_one_school_costs_points() -> None:
    # Given a mentor with capacity 2 (one pupil per school free) and two pupils of one school
    ps = [pupil(f"p{i}", {"ma": 3}, ["mon", "tue"], school="ekbacken") for i in range(2)]
    m = mentor("m", ["ma"], 1, 5, 2, 1, ["mon", "tue"])
    # When matched
    result = solve(ps, [m])
    # Then both are matched and one of them carries the same-school penalty
    penalties = [r for x in result.matches for r in x.reasons if r["code"] == "same_school"]
    assert objective(result)[0] == 2
    assert penalties == [
        {"code": "same_school", "school_pupils": 2, "free_up_to": 1, "points": -W.same_school}
    ]


def test_evaluate_pair_scores_a_move_by_hand() -> None:
    # Given a pupil and a mentor who fit, and one who does not
    p = pupil("p", {"ma": 4}, ["mon", "tue"])
    fits = mentor("m", ["ma"], 3, 5, 3, 1, ["mon", "tue"])
    wrong = mentor("x", ["sv"], 1, 5, 3, 1, ["mon"])
    # When each pair is evaluated, Monday already taken
    fit = evaluate_pair(p, fits, W, taken_slots=["mon"])
    # Then the fitting one gives the first free shared slot and a score with reasons
    assert (fit.mentor_id, fit.subject_area_id, fit.slot_id) == ("m", "ma", "tue")
    assert fit.score == sum(r["points"] for r in fit.reasons)
    assert evaluate_pair(p, wrong, W) is None


# --- optimality against greedy -----------------------------------------------------------------


def test_engine_beats_greedy_where_greedy_takes_the_wrong_mentor() -> None:
    # Given pupil A, who fits both mentors but scores best with m1 (level 3 at the centre of its
    # span), and pupil B, who fits only m1; each mentor has one place
    a = pupil("A", {"ma": 3, "sv": 2}, ["mon"])
    b = pupil("B", {"ma": 3}, ["mon"])
    m1 = mentor("m1", ["ma"], 3, 3, 1, 1, ["mon"])
    m2 = mentor("m2", ["sv"], 1, 5, 1, 1, ["mon"])
    # When both match the pupils in the order A, B
    greedy = greedy_baseline([a, b], [m1, m2])
    engine = solve([a, b], [m1, m2])
    # Then greedy gives m1 to A and leaves B out, while the engine places both
    assert objective(greedy)[0] == 1 and outcome(greedy, "B").reason == NO_CAPACITY
    assert objective(engine)[0] == 2
    assert (outcome(engine, "A").mentor_id, outcome(engine, "B").mentor_id) == ("m2", "m1")


def test_engine_beats_greedy_on_time_by_placing_the_group_elsewhere() -> None:
    # Given a group-preferring pupil free Monday and Tuesday, an individual pupil free only on
    # Monday, another group-preferring pupil like the first, and a mentor free both days
    ps = [
        pupil("a", {"ma": 3}, ["mon", "tue"], group=True),
        pupil("b", {"ma": 3}, ["mon"]),
        pupil("c", {"ma": 3}, ["mon", "tue"], group=True),
    ]
    m = mentor("m", ["ma"], 1, 5, 5, 3, ["mon", "tue"])
    # When matched
    greedy, engine = greedy_baseline(ps, [m]), solve(ps, [m])
    # Then greedy opens the group on Monday and loses b; the engine moves the group to Tuesday
    assert outcome(greedy, "b").reason == DID_NOT_FIT_SCHEDULE
    assert objective(engine)[0] == 3
    assert outcome(engine, "b").slot_id == "mon"
    assert outcome(engine, "a").group_key == outcome(engine, "c").group_key is not None


# --- re-running --------------------------------------------------------------------------------


def test_rerunning_with_all_matches_locked_is_stable() -> None:
    # Given a municipality-like instance matched once
    ps = [
        pupil(f"p{i}", {"ma": 1 + i % 5}, [SLOTS[i % 4], SLOTS[(i + 1) % 4]], group=i % 2 == 0)
        for i in range(20)
    ]
    ms = [mentor(f"m{j}", ["ma"], 1 + j % 3, 5, 4, 3, SLOTS[j % 4 :]) for j in range(4)]
    first = solve(ps, ms)
    # When it runs again with every match locked
    again = solve(ps, ms, locked=first.matches)

    # Then the same pupils have the same mentors, areas, slots and groups
    def key(r):
        return {
            (x.pupil_id, x.mentor_id, x.subject_area_id, x.slot_id, x.group_key) for x in r.matches
        }

    assert key(first) <= key(again)
    assert all(x.locked for x in again.matches if x.pupil_id in {y.pupil_id for y in first.matches})
    assert_valid(ps, ms, again, locked=first.matches)


def test_locked_matches_are_kept_even_if_they_no_longer_fit() -> None:
    # Given a confirmed match, then the mentor's capacity is lowered to zero
    p = pupil("p", {"ma": 3}, ["mon"])
    m = mentor("m", ["ma"], 1, 5, 0, 1, ["mon"])
    confirmed = Match("p", "m", "ma", "mon", None, 0, ())
    # When matching runs
    result = solve([p], [m], locked=[confirmed])
    # Then the confirmed match stands as it was
    x = outcome(result, "p")
    assert (x.mentor_id, x.slot_id, x.locked) == ("m", "mon", True)


def test_new_pupil_may_join_a_locked_group_with_room() -> None:
    # Given a locked group of two in maths at level 3, room for one more, no other free slot
    ps = [pupil(pid, {"ma": 3}, ["mon"], group=True) for pid in ("a", "b", "c")]
    m = mentor("m", ["ma"], 1, 5, 5, 3, ["mon"])
    locked = [Match(pid, "m", "ma", "mon", "g1", 0, ()) for pid in ("a", "b")]
    # When matching runs
    result = solve(ps, [m], locked=locked)
    # Then the new pupil joins that group, under its key
    x = outcome(result, "c")
    assert (x.slot_id, x.group_key) == ("mon", "g1")


def test_a_lock_naming_an_unknown_pupil_is_refused() -> None:
    m = mentor("m", ["ma"], 1, 5, 1, 1, ["mon"])
    with pytest.raises(ValueError):
        solve([], [m], locked=[Match("ghost", "m", "ma", "mon", None, 0, ())])


def test_results_do_not_depend_on_the_run() -> None:
    # Given the same instance twice
    ps = [
        pupil(f"p{i}", {"ma": 1 + i % 5, "sv": 3}, SLOTS[: 1 + i % 4], group=i % 3 == 0)
        for i in range(15)
    ]
    ms = [mentor(f"m{j}", ["ma", "sv"][: 1 + j % 2], 1, 5, 3, 2, SLOTS[j % 3 :]) for j in range(4)]
    # When solved twice
    # Then the outcomes are identical
    assert solve(ps, ms).outcomes == solve(ps, ms).outcomes


def test_objective_counts_matches_and_adds_scores() -> None:
    ps = [pupil("a", {"ma": 3}, ["mon"]), pupil("b", {"en": 3}, ["mon"])]
    m = mentor("m", ["ma"], 3, 3, 1, 1, ["mon"])
    result = solve(ps, [m])
    assert objective(result) == (1, result.matches[0].score)


def test_invalid_inputs_are_refused() -> None:
    with pytest.raises(ValueError):
        pupil("p", {"ma": 6}, ["mon"])
    with pytest.raises(ValueError):
        mentor("m", ["ma"], 4, 3, 1, 1, ["mon"])
    with pytest.raises(ValueError):
        Weights(level_fit=-1)
    with pytest.raises(ValueError):
        solve([pupil("p", {}, []), pupil("p", {}, [])], [])
