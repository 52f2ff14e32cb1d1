"""Exactness of the matching engine (mentorhub.matching.engine): the slot-aware bound against an
exhaustive search of the whole model, and the exact mode (CP-SAT) equal to that search's optimum,
on small random instances, every hard rule kept."""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Iterator, Sequence

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mentorhub.matching.engine import (
    Match,
    Mentor,
    Pupil,
    Weights,
    level_points,
    objective,
    slot_points,
    solve,
    solve_exact,
)
from tests.unit.test_matching_engine import assert_valid, instances, mentor, outcome, pupil

W = Weights()
EXACT = settings(
    max_examples=300,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
    derandomize=True,
    database=None,
)


@pytest.fixture(autouse=True)
def _clean_state() -> Iterator[None]:
    """Pure code: no app and no database needed (overrides conftest's)."""
    yield


def exhaustive_optimum(
    pupils: Sequence[Pupil], mentors: Sequence[Mentor], w: Weights, forbidden=()
) -> tuple[int, int]:
    """Best (assigned, score) of the whole model, by trying every assignment of every pupil to
    nothing or to a (mentor, area, slot), written from the rules and not from the engine. A
    session that breaks a rule stays broken whoever joins it (too many, a non-group pupil, two
    areas, levels apart), so a branch is cut as soon as one does; and cut when even every
    remaining pupil at their best could not beat the best found. The score is each pupil's level
    points in the area used, slot points, group points in a group of two or more, less the
    same-school penalty: ``same_school`` per pupil beyond ``ceil(share * capacity)`` of one
    school with one mentor."""
    options: list[list[tuple[int, str, str, int]]] = []
    for p in pupils:
        opts = []
        for j, m in enumerate(mentors):
            if (p.id, m.id) in forbidden:
                continue
            shared = p.slots & m.slots
            for a, lv in p.levels.items():
                if a in m.subject_area_ids and m.level_min <= lv <= m.level_max:
                    pts = level_points(lv, m.level_min, m.level_max, w)
                    pts += slot_points(len(shared), w)
                    opts += [(j, a, t, pts) for t in sorted(shared)]
        options.append(opts)
    most = [
        max((o[3] for o in opts), default=0) + w.group_preference * p.prefers_group
        for p, opts in zip(pupils, options, strict=True)
    ]
    rest = [sum(most[k:]) for k in range(len(pupils) + 1)]
    left = [sum(1 for o in options[k:] if o) for k in range(len(pupils) + 1)]
    sessions: dict[tuple[int, str], list[tuple[int, str]]] = defaultdict(list)
    load: Counter = Counter()
    chosen: list[tuple[int, int, str, str, int]] = []
    best = [(0, 0)]

    def session_ok(members: list[tuple[int, str]], m: Mentor) -> bool:
        if len(members) == 1:
            return True
        levels = [pupils[i].levels[a] for i, a in members]
        return (
            len(members) <= m.max_group_size
            and all(pupils[i].prefers_group for i, _a in members)
            and len({a for _i, a in members}) == 1
            and max(levels) - min(levels) <= 1
        )

    def value() -> tuple[int, int]:
        score = 0
        school: Counter = Counter()
        for i, j, _a, t, pts in chosen:
            grouped = pupils[i].prefers_group and len(sessions[(j, t)]) >= 2
            score += pts + w.group_preference * grouped
            school[(j, pupils[i].school_id)] += 1
        for (j, _s), n in school.items():
            free = math.ceil(w.same_school_share * mentors[j].capacity)
            score -= w.same_school * max(0, n - free)
        return len(chosen), score

    def visit(k: int, optimistic: int) -> None:
        if (len(chosen) + left[k], optimistic + rest[k]) <= best[0]:
            return
        if k == len(pupils):
            best[0] = max(best[0], value())
            return
        for j, a, t, pts in options[k]:
            if load[j] >= mentors[j].capacity:
                continue
            sessions[(j, t)].append((k, a))
            if session_ok(sessions[(j, t)], mentors[j]):
                load[j] += 1
                chosen.append((k, j, a, t, pts))
                visit(k + 1, optimistic + pts + w.group_preference * pupils[k].prefers_group)
                chosen.pop()
                load[j] -= 1
            sessions[(j, t)].pop()
        visit(k + 1, optimistic)

    visit(0, 0)
    return best[0]


def forbidden_pairs(data, pupils, mentors) -> list[tuple[str, str]]:
    pairs = [(p.id, m.id) for p in pupils for m in mentors]
    return data.draw(st.lists(st.sampled_from(pairs), max_size=3) if pairs else st.just([]))


# --- the slot-aware bound ----------------------------------------------------------------------


@EXACT
@given(instances(), st.data())
def test_the_slot_bound_is_an_upper_bound_never_looser_than_stage_1(instance, data) -> None:
    # Given a small random instance and some forbidden pairs
    pupils, mentors = instance
    forbidden = forbidden_pairs(data, pupils, mentors)
    # When the fast engine solves it
    result = solve(pupils, mentors, W, forbidden=forbidden)
    # Then no assignment of the whole model beats the slot bound, which is no looser than
    # stage 1's
    assert exhaustive_optimum(pupils, mentors, W, set(forbidden)) <= result.slot_bound
    assert result.slot_bound <= result.stage1_bound
    # And the fast result keeps every hard rule and stays within the bound
    assert_valid(pupils, mentors, result, forbidden=forbidden)
    assert objective(result) <= result.slot_bound


def test_the_slot_bound_sees_that_individual_pupils_need_a_slot_each() -> None:
    # Given two pupils for individual sessions, both free only on Monday, and a mentor with
    # room for both and two free times, one of them Monday (stage 1 counts the mentor's slots,
    # not whose they are)
    ps = [pupil("a", {"ma": 3}, ["mon"]), pupil("b", {"ma": 3}, ["mon"])]
    m = mentor("m", ["ma"], 1, 5, 2, 1, ["mon", "wed"])
    # When solved
    result = solve(ps, [m])
    # Then stage 1 allows two, the slot bound one, and one is what the engine reaches
    assert result.stage1_bound[0] == 2
    assert result.slot_bound[0] == 1 == objective(result)[0]


# --- exact mode --------------------------------------------------------------------------------


@EXACT
@given(instances(), st.data())
def test_exact_mode_reaches_the_exhaustive_optimum(instance, data) -> None:
    # Given a small random instance and some forbidden pairs
    pupils, mentors = instance
    forbidden = forbidden_pairs(data, pupils, mentors)
    # When the exact mode solves it
    result = solve_exact(pupils, mentors, W, forbidden=forbidden, workers=1)
    # Then it reaches the best (assigned, score) of any assignment, same-school penalty
    # included, proves it, and keeps every hard rule
    best = exhaustive_optimum(pupils, mentors, W, set(forbidden))
    assert objective(result) == best
    assert result.optimal and result.exact_bound == best
    assert_valid(pupils, mentors, result, forbidden=forbidden)


@settings(max_examples=100, deadline=None, derandomize=True, database=None)
@given(instances(), st.data())
def test_exact_mode_keeps_locked_matches_and_is_never_worse_than_the_fast_engine(instance, data):
    # Given a first result and some of its matches locked
    pupils, mentors = instance
    first = solve(pupils, mentors, W)
    locked = [x for x in first.matches if data.draw(st.booleans())]
    # When both modes run again with them locked
    fast = solve(pupils, mentors, W, locked=locked)
    exact = solve_exact(pupils, mentors, W, locked=locked, workers=1)
    # Then every locked match comes back as it was, the rules hold, the exact result is at
    # least the fast one and within its own proven bound
    for x in locked:
        y = outcome(exact, x.pupil_id)
        assert isinstance(y, Match) and y.locked
        assert (y.mentor_id, y.slot_id, y.group_key) == (x.mentor_id, x.slot_id, x.group_key)
    assert_valid(pupils, mentors, exact, locked=locked)
    assert objective(fast) <= objective(exact) <= exact.exact_bound
    assert exact.optimal


def test_exact_mode_finds_the_group_the_fast_engine_misses() -> None:
    # Given a mentor with one time and room for two, two pupils at the centre of the span who
    # want individual sessions, and two further from it (of two schools) who prefer a group
    ps = [pupil(pid, {"sv": 3}, ["mon"]) for pid in ("a", "b")]
    ps += [pupil(pid, {"sv": 1}, ["mon"], group=True, school=pid) for pid in ("c", "d")]
    m = mentor("m", ["sv"], 1, 5, 2, 2, ["mon"])
    # When both modes match them
    fast = solve(ps, [m], W)
    exact = solve_exact(ps, [m], W, workers=1)
    # Then the fast engine, led by the higher scores, seats one individual pupil, and the exact
    # mode seats two, as a group, and proves that nothing does better
    assert objective(fast)[0] == 1
    assert objective(exact) == (2, 42) and exact.optimal and exact.exact_status == "optimal"
    assert {x.pupil_id for x in exact.matches} == {"c", "d"}
    assert len({x.group_key for x in exact.matches}) == 1


def test_exact_mode_balances_schools_where_the_fast_engine_only_scores_them() -> None:
    # Given two mentors, equally good for everyone, and four pupils from one school
    ps = [pupil(f"p{i}", {"ma": 3}, ["mon", "tue"], school="s1") for i in range(4)]
    ms = [mentor(mid, ["ma"], 1, 5, 4, 1, ["mon", "tue"]) for mid in ("a", "b")]
    # When the exact mode solves it
    result = solve_exact(ps, ms, W, workers=1)
    # Then each mentor takes two (their free share, ceil(0.5 * 4)): nobody pays the penalty
    assert Counter(x.mentor_id for x in result.matches) == {"a": 2, "b": 2}
    assert not any(r["code"] == "same_school" for x in result.matches for r in x.reasons)
    assert result.optimal


def test_above_the_size_limit_the_fast_engine_answers() -> None:
    # Given an instance larger than the exact mode's size limit
    ps = [pupil(f"p{i}", {"ma": 3}, ["mon", "tue"]) for i in range(3)]
    ms = [mentor("m", ["ma"], 1, 5, 3, 1, ["mon", "tue"])]
    # When the exact mode is asked for it
    result = solve_exact(ps, ms, W, max_pupils=2)
    # Then the fast engine's result stands, unproven, and says why
    assert result.exact_status == "too_large" and not result.optimal
    assert result.outcomes == solve(ps, ms, W).outcomes


@settings(max_examples=200, deadline=None, derandomize=True, database=None)
@given(instances(), st.data())
def test_the_local_search_keeps_every_rule_and_never_does_worse(instance, data) -> None:
    # Given a small random instance, some matches locked and some pairs forbidden
    pupils, mentors = instance
    first = solve(pupils, mentors, W)
    locked = [x for x in first.matches if data.draw(st.booleans())]
    locked_ids = {x.pupil_id for x in locked}
    pairs = [(p.id, m.id) for p in pupils if p.id not in locked_ids for m in mentors]
    forbidden = data.draw(st.lists(st.sampled_from(pairs), max_size=3) if pairs else st.just([]))
    # When the exact mode must take the local search (one model for the whole is "too big")
    kwargs = {"locked": locked, "forbidden": forbidden}
    fast = solve(pupils, mentors, W, **kwargs)
    local = solve_exact(pupils, mentors, W, max_model_pairs=0, seconds=0.2, **kwargs)
    # Then the locked matches are kept, every rule holds, and it is no worse than the fast
    # engine and within its bound
    for x in locked:
        y = outcome(local, x.pupil_id)
        assert isinstance(y, Match) and y.locked and y.mentor_id == x.mentor_id
    assert_valid(pupils, mentors, local, locked=locked, forbidden=forbidden)
    assert objective(fast) <= objective(local) <= local.exact_bound
    assert local.exact_status in {"local_search", "proven", "too_large"}
