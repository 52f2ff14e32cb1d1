"""The matching engine: pupils to mentors, optimally, with sessions tied to time slots.

Pure Python + numpy + OR-Tools. No Flask, no database: the caller loads rows, builds the frozen
dataclasses below, calls :func:`solve`, and stores the :class:`Match` rows it gets back.

The model
---------
Hard rules (never broken by :func:`solve` or :func:`greedy_baseline`, except by ``locked`` matches,
which are kept exactly as given):

* the pupil is matched in a subject area that both the pupil has and the mentor takes;
* the pupil's level in that area lies within the mentor's span ``level_min..level_max``;
* the session is in a time slot that the pupil and the mentor both have;
* a mentor takes at most ``capacity`` pupils in total;
* a mentor holds at most one session per slot. An individual session is one pupil. A group
  session is 2..``max_group_size`` pupils who all prefer groups, in one subject area, with levels
  within 1 of each other (max - min <= 1). A pupil who prefers a group may still get an individual
  session; a pupil who does not prefer groups is never put in a group;
* ``forbidden`` (pupil, mentor) pairs are never used.

Score of a match (integers, weights in :class:`Weights`, every part reported as a reason with the
points it added): level points (``level_fit`` minus ``level_off_centre`` per half level between the
pupil's level and the centre of the mentor's span, floored at 0) + ``shared_slot`` per slot pupil
and mentor share (at most ``shared_slot_cap`` counted) + ``group_preference`` if the pupil prefers
groups and is in a group of 2 or more - ``same_school`` (see below).

Objective, lexicographic: first the most pupils assigned, then the highest total score.

How it is solved, and what is exact
-----------------------------------
Feasible pairs (subject, level, a shared open slot, not forbidden) are found in bulk with numpy
(dense pupil x mentor blocks per subject area, slot overlaps by matrix product); the flows below
are built from numpy arrays with ``add_arcs_with_capacity_and_unit_cost``, never an arc at a time.

Lexicographic costs. In every flow an assigned pupil earns ``B + score`` (cost ``-(B + score)``;
"unassigned" is an arc to the sink costing 0), with ``B = n * (U - L) + |L| + 1``, where ``n`` is
the number of pupils in the flow and ``U``, ``L`` the largest and smallest arc score. Then ``k + 1``
assigned pupils always earn more than ``k`` whatever their scores (``(k+1)(B+L) > k(B+U)`` for
every ``k < n``), so the integer min-cost optimum is exactly "most pupils, then highest score".

Round 1, stage 1 (exact, a relaxation): SimpleMinCostFlow over pupil -> (mentor, kind) -> mentor
-> sink. Kind is "group" for a pupil who prefers groups at a mentor with ``max_group_size >= 2``,
else "individual". Capacities: individual pupils <= the mentor's free slots (each needs a slot of
their own); group pupils <= free slots * max_group_size (+ room left in locked groups); all <=
capacity left after locked matches. Group pupils are scored as if they get a group. This is the
exact optimum of a relaxation of the full model (a flow cannot say "an individual takes a whole
slot, g group pupils share one", nor which levels can share), so it is an upper bound on what any
valid assignment can reach: :attr:`Assignment.stage1_bound`.

Round 1, stage 2 (exact per mentor): each mentor's pupils from stage 1 are packed into sessions,
exactly: most pupils placed, then the highest score (the subject area may switch to another one
the pair shares if that lets a group form). When no two of the mentor's pupils could share a
session this is a transversal matroid (pupils to distinct slots), solved exactly by adding pupils
in score order whenever an augmenting path exists; otherwise a small CP-SAT model (one worker,
10 s per mentor; :attr:`Assignment.stage2_optimal` turns False if a limit is ever hit). Pupils
that do not fit are left over.

Rounds 2.. (exact steps, heuristic as a whole): stage 2 has given every mentor slot a type:
individual, or a group in area ``a`` for levels ``{l, l+1}``, with unused slots individual. Given
those types the full model is a flow: pupil -> (mentor, slot) -> mentor -> sink, with arcs only
where the pupil fits the slot's type (exact for the count; it credits group points to a pupil
alone in a group slot, the final score does not). That typed flow is solved exactly over every
pupil not locked, so pupils left over are re-offered to other mentors and others may move to
make room, and its result is valid as it stands. Stage 2 then re-packs each mentor's new pupils,
which may merge pupils into groups and free slots, giving new types. The number assigned never
goes down from one round to the next (each typed flow can reproduce the previous result); rounds
stop when (assigned, score) no longer improves, or after ``max_rounds``, and the best result is
returned. It always keeps every hard rule, but it is not proven optimal for the full model
(choosing the slot types is the hard part): the gap to ``stage1_bound`` is the most it can miss
by. Against exhaustive search of the full model on 500 random small instances (up to 7 pupils,
2 mentors, 4 slots) it reached the optimal count in 493 and the optimal (count, score) in 482.

Round 1 also solves the slot-aware bound (exact, a relaxation): a min-cost flow with the same
costs over pupil -> (mentor, slot) -> mentor -> sink, where a pupil reaches only slots it
shares with the mentor, a (mentor, slot) node passes ``max_group_size`` pupils and pupils who
are not group kind enter it through a (mentor, slot, individual) node of capacity 1. It relaxes
only "an individual session *or* a group per slot" and who may share a group (one area, levels
within 1); it is never looser than stage 1 (``_slot_flow`` proves both):
:attr:`Assignment.slot_bound`. At 3,000 x 250 it is 2,237 pupils against stage 1's 2,297; at
12,000 x 1,000 8,803 against 8,978 (the engine reaches 8,706: 1.1 % below it, not 3.0 %), for
about 2.7x stage 1's flow time (10-13 s there, 24 -> 37 s for the whole solve, +175 MiB peak).

Exact mode (:func:`solve_exact`, for pilot sizes). The whole model as CP-SAT: per pupil one
choice, an individual session (mentor, slot) or a place in a group (mentor, slot, area, level
window); per mentor slot at most one session; groups of 2..max_group_size pupils who prefer
groups; capacity; locked sessions and locked groups with room; group points only in groups of
two or more; the same-school penalty as a linear excess per (mentor, school), so same-school
balance is optimised there, not only scored. Hinted with the fast engine's answer and kept
only if strictly better, so a time-out is never worse. Small instances are proven optimal; up
to about 12,000 feasible pairs one model runs within the time limit (300 x 40: 8,487, proven
optimal in about 9 s; the fast engine 8,379, 1.3 % below); above, a large-neighbourhood
search re-solves a few mentors at a time with the same model (1,000 x 85: 764-766 pupils, against
the fast engine's 756 and a bound of 768). :attr:`Assignment.optimal`, ``exact_bound`` and
``exact_status`` say what was proven.

Same-school balance. A mentor's pupils should not mostly come from one school. That is not
linear; its exact convex form (free up to a share, then a cost per pupil, as two parallel arcs
out of a (mentor, school) node) made the nation-size flow about 7x slower and cannot be combined
with the (mentor, slot) nodes of the typed flow, which aggregate across schools. So the fast
engine does not optimise it (the exact mode does, above): it is applied to the final result,
where each new pupil beyond ``ceil(same_school_share * capacity)`` pupils of one school with one
mentor (lowest scores first) loses ``same_school`` points, with a ``same_school`` reason part.

``locked`` matches are kept as given (mentor, area, slot, group key) and never re-checked; they use
their mentor's capacity and slots first; new pupils who prefer groups may join a locked group
that has room and fits them. Re-running with the previous result's matches locked returns them
unchanged.

Unassigned reasons, the most specific that applies, checked in this order: no_mentor_for_subject
(no mentor takes any of the pupil's areas), level_out_of_range (some do, none at this level),
no_shared_time (some fit subject and level, none shares an open slot), forbidden (every feasible
pair is forbidden by the caller), did_not_fit_schedule (a feasible mentor still has a place, but
no session the pupil could join), no_capacity (every feasible mentor is full).
"""

from __future__ import annotations

import math
import os
import time
from collections import defaultdict
from collections.abc import Callable, Hashable, Iterable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from types import MappingProxyType
from typing import Any

import numpy as np
from ortools.graph.python import min_cost_flow
from ortools.sat.python import cp_model

MIN_LEVEL, MAX_LEVEL = 1, 5
IND, GRP = 0, 1  # kinds of place

NO_MENTOR_FOR_SUBJECT = "no_mentor_for_subject"
LEVEL_OUT_OF_RANGE = "level_out_of_range"
NO_SHARED_TIME = "no_shared_time"
FORBIDDEN = "forbidden"
DID_NOT_FIT_SCHEDULE = "did_not_fit_schedule"
NO_CAPACITY = "no_capacity"

_CHUNK_CELLS = 2_000_000  # pupil x mentor cells per dense numpy block while generating pairs
_STAGE2_SECONDS = 10.0
_THREADS = min(4, os.cpu_count() or 1)


# --- inputs ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Pupil:
    """An approved pupil. ``levels`` maps each of the pupil's subject area ids to a level 1..5."""

    id: Hashable
    school_id: Hashable
    levels: Mapping[Hashable, int] = field(hash=False)
    slots: frozenset[Hashable] = frozenset()
    prefers_group: bool = False

    def __post_init__(self) -> None:
        levels = dict(self.levels)
        for area, level in levels.items():
            if not (isinstance(level, int) and MIN_LEVEL <= level <= MAX_LEVEL):
                raise ValueError(f"pupil {self.id!r}: level {level!r} in area {area!r} not 1..5")
        object.__setattr__(self, "levels", MappingProxyType(levels))
        object.__setattr__(self, "slots", frozenset(self.slots))


@dataclass(frozen=True)
class Mentor:
    """A mentor: areas taken, level span, total capacity, largest group, free slots."""

    id: Hashable
    subject_area_ids: frozenset[Hashable]
    level_min: int
    level_max: int
    capacity: int
    max_group_size: int
    slots: frozenset[Hashable]

    def __post_init__(self) -> None:
        if not MIN_LEVEL <= self.level_min <= self.level_max <= MAX_LEVEL:
            raise ValueError(f"mentor {self.id!r}: level span must be within 1..5")
        if self.capacity < 0 or self.max_group_size < 1:
            raise ValueError(f"mentor {self.id!r}: capacity >= 0 and max_group_size >= 1")
        object.__setattr__(self, "subject_area_ids", frozenset(self.subject_area_ids))
        object.__setattr__(self, "slots", frozenset(self.slots))


@dataclass(frozen=True)
class Weights:
    """Score weights (integer points). Defaults: level fit matters most, then time flexibility,
    then groups for those who want them; same-school crowding costs a little."""

    level_fit: int = 20  # pupil's level at the centre of the mentor's span
    level_off_centre: int = 2  # minus this per half level away from that centre (floor 0)
    shared_slot: int = 3  # per time slot pupil and mentor share ...
    shared_slot_cap: int = 3  # ... counting at most this many
    group_preference: int = 6  # pupil prefers groups and is placed in one
    same_school: int = 4  # per pupil beyond a mentor's free same-school share (final score only)
    same_school_share: float = 0.5  # share of a mentor's capacity free for pupils of one school

    def __post_init__(self) -> None:
        for name in (
            "level_fit",
            "level_off_centre",
            "shared_slot",
            "shared_slot_cap",
            "group_preference",
            "same_school",
        ):
            value = getattr(self, name)
            if not isinstance(value, int) or value < 0:
                raise ValueError(f"{name} must be a non-negative integer")
        if not 0.0 <= self.same_school_share <= 1.0:
            raise ValueError("same_school_share must be within 0..1")


# --- outputs -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Match:
    """A pupil's match. ``reasons`` are structured parts, each with a ``code`` and the ``points``
    it added (their sum is ``score``), for the UI to render in the user's language."""

    pupil_id: Hashable
    mentor_id: Hashable
    subject_area_id: Hashable
    slot_id: Hashable
    group_key: str | None
    score: int
    reasons: tuple[Mapping[str, Any], ...] = field(hash=False, compare=False)
    locked: bool = False


@dataclass(frozen=True)
class Unassigned:
    pupil_id: Hashable
    reason: str


@dataclass(frozen=True)
class Assignment:
    """One outcome per input pupil, in input order."""

    outcomes: tuple[Match | Unassigned, ...]
    feasible_pairs: int
    # (assigned, score) of round 1's exact stage-1 relaxation, over the pupils not locked: an upper
    # bound (lexicographic) on what any valid assignment of those pupils can reach.
    stage1_bound: tuple[int, int] | None = None
    rounds: int = 0
    stage2_optimal: bool = True
    # (assigned, score) of the slot-aware flow (``_slot_flow``), over the same pupils: an upper
    # bound that ties sessions to time slots, never looser than ``stage1_bound``.
    slot_bound: tuple[int, int] | None = None
    # Exact mode (``solve_exact``) only. ``optimal``: the result is proven best for the whole
    # model. ``exact_bound``: the best bound proven on ``objective(result)`` (locked matches
    # included, unlike the two above). ``exact_status``: what CP-SAT said ("optimal",
    # "feasible", "unknown", ...), "proven" if the fast result already met a bound, "too_large"
    # if the instance was above the size limit and the fast engine's result stands.
    optimal: bool = False
    exact_bound: tuple[int, int] | None = None
    exact_status: str | None = None
    exact_seconds: float | None = None

    @property
    def matches(self) -> tuple[Match, ...]:
        return tuple(o for o in self.outcomes if isinstance(o, Match))

    @property
    def unassigned(self) -> tuple[Unassigned, ...]:
        return tuple(o for o in self.outcomes if isinstance(o, Unassigned))


def objective(result: Assignment) -> tuple[int, int]:
    """(pupils assigned, total score), locked matches included."""
    matches = result.matches
    return len(matches), sum(m.score for m in matches)


# --- scoring -----------------------------------------------------------------------------------


def level_points(level: int, lo: int, hi: int, w: Weights) -> int:
    return max(0, w.level_fit - w.level_off_centre * abs(2 * level - lo - hi))


def slot_points(shared: int, w: Weights) -> int:
    return w.shared_slot * min(shared, w.shared_slot_cap)


def stage1_pair_score(pupil: Pupil, mentor: Mentor, w: Weights) -> int | None:
    """The score stage 1 gives a pair (best area; group points if the pupil prefers groups and the
    mentor offers them), or None if the pair breaks a pair rule. No locks assumed."""
    shared = len(pupil.slots & mentor.slots)
    if not shared:
        return None
    best = None
    for area, level in pupil.levels.items():
        if area in mentor.subject_area_ids and mentor.level_min <= level <= mentor.level_max:
            pts = level_points(level, mentor.level_min, mentor.level_max, w)
            best = pts if best is None else max(best, pts)
    if best is None:
        return None
    grp = pupil.prefers_group and mentor.max_group_size >= 2
    return best + slot_points(shared, w) + (w.group_preference if grp else 0)


def evaluate_pair(
    pupil: Pupil, mentor: Mentor, w: Weights, *, taken_slots: Iterable[Hashable] = ()
) -> Match | None:
    """The pupil as an individual session with this mentor (for a move by hand): best area, first
    shared slot not in ``taken_slots`` (ordered by ``str``), with score and reasons; None if a pair
    rule fails or no shared slot is free. Capacity is the caller's to check."""
    taken = set(taken_slots)
    free = sorted((pupil.slots & mentor.slots) - taken, key=str)
    areas = [
        (level_points(lv, mentor.level_min, mentor.level_max, w), a)
        for a, lv in pupil.levels.items()
        if a in mentor.subject_area_ids and mentor.level_min <= lv <= mentor.level_max
    ]
    if not free or not areas:
        return None
    area = max(areas, key=lambda x: x[0])[1]  # first of the pupil's areas on a tie
    parts = _match_parts(pupil, mentor, area, 1, None, w)
    return Match(pupil.id, mentor.id, area, free[0], None, _points(parts), tuple(parts))


def same_school_free(mentor: Mentor, w: Weights) -> int:
    """Pupils of one school a mentor takes before the same-school penalty starts."""
    return math.ceil(w.same_school_share * mentor.capacity)


def _kind(pupil: Pupil, mentor: Mentor) -> int:
    return GRP if pupil.prefers_group and mentor.max_group_size >= 2 else IND


# --- indexing ----------------------------------------------------------------------------------


class _Index:
    """Integer indices and dense numpy arrays for the inputs."""

    def __init__(self, pupils: Sequence[Pupil], mentors: Sequence[Mentor]) -> None:
        self.pupils = list(pupils)
        self.mentors = list(mentors)
        self.p_of = _positions([p.id for p in self.pupils], "pupil")
        self.m_of = _positions([m.id for m in self.mentors], "mentor")
        # Areas and slots are numbered in sorted order, so results never depend on set order
        # (string hashing differs between processes) and "the first free slot" means the earliest.
        areas = {a for p in self.pupils for a in p.levels}
        areas |= {a for m in self.mentors for a in m.subject_area_ids}
        slots = {s for p in self.pupils for s in p.slots} | {
            s for m in self.mentors for s in m.slots
        }
        self.area_of: dict[Hashable, int] = {a: k for k, a in enumerate(_ordered(areas))}
        self.slot_of: dict[Hashable, int] = {s: k for k, s in enumerate(_ordered(slots))}
        school_of: dict[Hashable, int] = {}
        for p in self.pupils:
            school_of.setdefault(p.school_id, len(school_of))
        self.slot_ids = list(self.slot_of)
        P, M, A, T = len(self.pupils), len(self.mentors), len(self.area_of), len(self.slot_of)
        self.P, self.M, self.A, self.T = P, M, A, T
        self.p_level = np.zeros((P, A), dtype=np.int64)  # 0 = pupil lacks the area
        self.p_slots = np.zeros((P, T), dtype=bool)
        self.p_pref = np.zeros(P, dtype=bool)
        self.p_school = np.zeros(P, dtype=np.int64)
        self.p_slot_sets: list[frozenset[int]] = []
        for i, p in enumerate(self.pupils):
            for a, level in p.levels.items():
                self.p_level[i, self.area_of[a]] = level
            ix = [self.slot_of[s] for s in p.slots]
            self.p_slots[i, ix] = True
            self.p_slot_sets.append(frozenset(ix))
            self.p_pref[i] = p.prefers_group
            self.p_school[i] = school_of[p.school_id]
        self.m_areas = np.zeros((M, A), dtype=bool)
        self.m_slots = np.zeros((M, T), dtype=bool)
        self.m_lo = np.array([m.level_min for m in self.mentors], dtype=np.int64)
        self.m_hi = np.array([m.level_max for m in self.mentors], dtype=np.int64)
        self.m_cap = np.array([m.capacity for m in self.mentors], dtype=np.int64)
        self.m_g = np.array([m.max_group_size for m in self.mentors], dtype=np.int64)
        self.m_area_sets: list[list[int]] = []
        self.m_slot_sets: list[frozenset[int]] = []
        for j, m in enumerate(self.mentors):
            ax = sorted(self.area_of[a] for a in m.subject_area_ids)
            self.m_areas[j, ax] = True
            self.m_area_sets.append(ax)
            tx = [self.slot_of[s] for s in m.slots]
            self.m_slots[j, tx] = True
            self.m_slot_sets.append(frozenset(tx))

    def options(self, i: int, j: int, w: Weights) -> list[tuple[int, int, int]]:
        """(area, level, level points) for every area the pair could be matched in."""
        m = self.mentors[j]
        out = []
        for a in self.m_area_sets[j]:
            level = int(self.p_level[i, a])
            if level and m.level_min <= level <= m.level_max:
                out.append((a, level, level_points(level, m.level_min, m.level_max, w)))
        return out


def _ordered(ids: Iterable[Hashable]) -> list[Hashable]:
    try:
        return sorted(ids)  # type: ignore[type-var]
    except TypeError:  # mixed types
        return sorted(ids, key=repr)


def _positions(ids: list[Hashable], what: str) -> dict[Hashable, int]:
    out = {x: k for k, x in enumerate(ids)}
    if len(out) != len(ids):
        raise ValueError(f"duplicate {what} ids")
    return out


@dataclass(frozen=True)
class _Fixed:
    """A pupil with a fixed session: a caller's locked match (or a placement being evaluated)."""

    pupil: int
    mentor: int
    area: int
    slot: int
    key: str | None  # the caller's group key
    open: bool  # others who prefer groups may join this session


@dataclass
class _Session:
    area: int
    members: list[int]
    open: bool


def _caller_locks(ix: _Index, locked: Iterable[Match]) -> list[_Fixed]:
    """The caller's locked matches in index terms. A slot or area only a lock names gets an index
    past the arrays' ends (t >= T, a >= A): it occupies nothing anyone else could use."""
    out: dict[int, _Fixed] = {}
    for lock in locked:
        i = ix.p_of.get(lock.pupil_id)
        j = ix.m_of.get(lock.mentor_id)
        if i is None or j is None:
            raise ValueError(f"locked match {lock!r} names an unknown pupil or mentor")
        if i in out:
            raise ValueError(f"pupil {lock.pupil_id!r} is locked twice")
        a = ix.area_of.setdefault(lock.subject_area_id, len(ix.area_of))
        if lock.slot_id not in ix.slot_of:
            ix.slot_of[lock.slot_id] = len(ix.slot_of)
            ix.slot_ids.append(lock.slot_id)
        t = ix.slot_of[lock.slot_id]
        out[i] = _Fixed(i, j, a, t, lock.group_key, open=lock.group_key is not None)
    return list(out.values())


class _Locks:
    """The caller's locked sessions: who is locked, which slots and places they use, which locked
    groups have room for more."""

    def __init__(self, ix: _Index, fixed: Iterable[_Fixed]) -> None:
        self.by_pupil: dict[int, tuple[int, int, int]] = {}  # pupil -> (mentor, area, slot)
        self.keys: dict[int, str | None] = {}
        self.sessions: dict[tuple[int, int], _Session] = {}
        self.per_mentor = np.zeros(ix.M, dtype=np.int64)
        for f in fixed:
            self.by_pupil[f.pupil] = (f.mentor, f.area, f.slot)
            self.keys[f.pupil] = f.key
            self.per_mentor[f.mentor] += 1
            s = self.sessions.setdefault((f.mentor, f.slot), _Session(f.area, [], True))
            s.members.append(f.pupil)
            s.open = s.open and f.open
        self.is_locked = np.zeros(ix.P, dtype=bool)
        self.is_locked[list(self.by_pupil)] = True
        self.cap_left = np.maximum(0, ix.m_cap - self.per_mentor)
        # Open slots: free (no session) and joinable (an open group with room and one level
        # window {low, low+1} holding all its members).
        self.free = ix.m_slots.copy()
        self.join = np.zeros_like(ix.m_slots)
        self.joinable: dict[int, dict[int, tuple[_Session, int]]] = defaultdict(dict)
        self.spare = np.zeros(ix.M, dtype=np.int64)
        for (j, t), s in self.sessions.items():
            if t >= ix.T:
                continue
            self.free[j, t] = False
            room = int(ix.m_g[j]) - len(s.members)
            if not (s.open and room > 0 and ix.m_slots[j, t] and s.area < ix.A):
                continue
            levels = [int(ix.p_level[x, s.area]) for x in s.members]
            if min(levels) < MIN_LEVEL or max(levels) - min(levels) > 1:
                continue
            low = min(min(levels), MAX_LEVEL - 1)
            self.join[j, t] = True
            self.joinable[j][t] = (s, low)
            self.spare[j] += room


# --- feasible pairs ----------------------------------------------------------------------------


@dataclass
class _Pairs:
    """The feasible pairs, sorted by (pupil, mentor), and per-pupil diagnostics."""

    p: np.ndarray  # pupil index (int32, like the next four)
    m: np.ndarray  # mentor index
    area: np.ndarray  # the area with the most level points
    base: np.ndarray  # its level points + slot points
    slot_pts: np.ndarray
    kind: np.ndarray  # IND / GRP (int8)
    keys: np.ndarray  # p * M + m (int64), ascending
    has_area: np.ndarray  # per pupil: some mentor takes one of the pupil's areas
    has_level: np.ndarray  # per pupil: some such mentor has the pupil's level in its span
    n_feasible: np.ndarray  # per pupil: feasible pairs before the caller's forbidden pairs
    n_allowed: np.ndarray  # per pupil: after them

    def stage1_score(self, w: Weights) -> np.ndarray:
        return self.base + w.group_preference * self.kind.astype(np.int32)


def _feasible_pairs(ix: _Index, locks: _Locks, forbidden: np.ndarray, w: Weights) -> _Pairs:
    """All pairs of unlocked pupils that meet the pair rules, scored, in bulk: per subject area a
    dense pupils x mentors block (chunked), level test and shared-slot counts by matrix product.
    ``forbidden`` holds keys ``pupil * M + mentor``."""
    P, M = ix.P, ix.M
    has_area = np.zeros(P, dtype=bool)
    has_level = np.zeros(P, dtype=bool)
    any_lock = bool(locks.by_pupil)
    slots_all = ix.m_slots.astype(np.float32)
    slots_free = locks.free.astype(np.float32)
    slots_grp = (locks.free | locks.join).astype(np.float32)
    p_slots = ix.p_slots.astype(np.float32)
    found: list[tuple[np.ndarray, ...]] = []
    for a in range(ix.A):
        pa = np.nonzero(~locks.is_locked & (ix.p_level[:, a] > 0))[0]
        ma = np.nonzero(ix.m_areas[:, a])[0]
        if not pa.size or not ma.size:
            continue
        has_area[pa] = True
        lo, hi = ix.m_lo[ma], ix.m_hi[ma]
        offers_groups = ix.m_g[ma] >= 2
        all_t, free_t, grp_t = slots_all[ma].T, slots_free[ma].T, slots_grp[ma].T
        rows = max(1, _CHUNK_CELLS // ma.size)
        for start in range(0, pa.size, rows):
            pc = pa[start : start + rows]
            lv = ix.p_level[pc, a][:, None]
            level_ok = (lo <= lv) & (lv <= hi)
            has_level[pc] |= level_ok.any(axis=1)
            ps = p_slots[pc]
            shared = ps @ all_t
            grp = ix.p_pref[pc][:, None] & offers_groups[None, :]
            usable = np.where(grp, ps @ grp_t, ps @ free_t) if any_lock else shared
            r, c = np.nonzero(level_ok & (usable > 0))
            pi, mi = pc[r], ma[c]
            level = ix.p_level[pi, a]
            base = np.maximum(
                0, w.level_fit - w.level_off_centre * np.abs(2 * level - ix.m_lo[mi] - ix.m_hi[mi])
            )
            slot_pts = w.shared_slot * np.minimum(shared[r, c].astype(np.int64), w.shared_slot_cap)
            found.append(
                (
                    pi.astype(np.int32),
                    mi.astype(np.int32),
                    np.full(pi.size, a, dtype=np.int32),
                    (base + slot_pts).astype(np.int32),
                    slot_pts.astype(np.int32),
                    grp[r, c].astype(np.int8),
                )
            )
    dtypes = (np.int32, np.int32, np.int32, np.int32, np.int32, np.int8)
    p, m, area, base, slot_pts, kind = (
        np.concatenate([f[k] for f in found]) if found else np.zeros(0, dtype=dt)
        for k, dt in enumerate(dtypes)
    )
    del found
    # A pair feasible in several areas: keep the area with the most points (first area on a tie;
    # stage 2 may still choose another one to form a group).
    keys = p.astype(np.int64) * M + m
    order = np.lexsort((area, -base, keys))
    keys, first = np.unique(keys[order], return_index=True)
    pick = order[first]
    p, m, area, base, slot_pts, kind = (x[pick] for x in (p, m, area, base, slot_pts, kind))
    n_feasible = np.bincount(p, minlength=P)
    if forbidden.size:
        keep = ~np.isin(keys, forbidden)
        p, m, area, base, slot_pts, kind, keys = (
            x[keep] for x in (p, m, area, base, slot_pts, kind, keys)
        )
    n_allowed = np.bincount(p, minlength=P)
    return _Pairs(
        p, m, area, base, slot_pts, kind, keys, has_area, has_level, n_feasible, n_allowed
    )


# --- min-cost flows ------------------------------------------------------------------------------


class _Flow:
    """A min-cost flow built from numpy arrays in bulk. Every pupil with at least one arc has a
    supply of 1 and an arc to the sink ("unassigned", cost 0); an assignment arc of score ``s``
    costs ``-(B + s)`` with ``B`` large enough that one more pupil assigned always wins (module
    docstring)."""

    def __init__(self, sink: int) -> None:
        self.sink = sink
        self.parts: list[tuple[np.ndarray, ...]] = []

    def arcs(self, tails, heads, caps, costs) -> None:
        size = np.broadcast(tails, heads, caps, costs).size
        self.parts.append(tuple(np.broadcast_to(x, size) for x in (tails, heads, caps, costs)))

    def solve(self, tails: np.ndarray, heads: np.ndarray, scores: np.ndarray) -> np.ndarray:
        """Add the pupil arcs (first) with their scores, solve, and return which carry flow."""
        n_arcs = tails.size
        if not n_arcs:
            return np.zeros(0, dtype=bool)
        supplied = np.unique(tails)
        n = supplied.size
        hi, lo = int(scores.max()), int(scores.min())
        big = n * (hi - lo) + abs(lo) + 1
        self.arcs(supplied, self.sink, 1, 0)
        flow = min_cost_flow.SimpleMinCostFlow()
        flow.add_arcs_with_capacity_and_unit_cost(
            tails.astype(np.int32, copy=False),
            heads.astype(np.int32, copy=False),
            np.ones(n_arcs, dtype=np.int64),
            -(big + scores.astype(np.int64)),
        )
        for part in self.parts:
            flow.add_arcs_with_capacity_and_unit_cost(
                *(
                    np.ascontiguousarray(x, dtype=dt)
                    for x, dt in zip(part, _ARC_DTYPES, strict=True)
                )
            )
        flow.set_nodes_supplies(
            np.append(supplied, self.sink).astype(np.int32),
            np.append(np.ones(n, dtype=np.int64), -n),
        )
        status = flow.solve()
        if status != flow.OPTIMAL:
            raise RuntimeError(f"min-cost flow failed with status {status}")
        return flow.flows(np.arange(n_arcs, dtype=np.int32)) > 0


_ARC_DTYPES = (np.int32, np.int32, np.int64, np.int64)


def _relaxed_flow(ix: _Index, locks: _Locks, pairs: _Pairs, w: Weights) -> np.ndarray:
    """Stage 1: pupil -> (mentor, kind) -> mentor -> sink. Exact max-count-then-max-score over
    the pair rules, capacity, individual pupils <= free slots and group pupils <= free slots *
    max_group_size + room in locked groups. Returns the chosen pair indices."""
    P, M = ix.P, ix.M
    base_k, base_m = P, P + 2 * M
    flow = _Flow(sink=base_m + M)
    n_free = locks.free.sum(axis=1)
    kind_cap = np.empty(2 * M, dtype=np.int64)
    kind_cap[0::2] = np.minimum(locks.cap_left, n_free)
    kind_cap[1::2] = np.minimum(locks.cap_left, n_free * ix.m_g + locks.spare)
    flow.arcs(base_k + np.arange(2 * M), base_m + np.arange(2 * M) // 2, kind_cap, 0)
    flow.arcs(base_m + np.arange(M), flow.sink, locks.cap_left, 0)
    used = flow.solve(pairs.p, base_k + 2 * pairs.m + pairs.kind, pairs.stage1_score(w))
    return np.nonzero(used)[0]


def _slot_flow(ix: _Index, locks: _Locks, pairs: _Pairs, w: Weights) -> tuple[int, int]:
    """The slot-aware bound: an exact min-cost flow (same lexicographic costs as stage 1) over
    pupil -> (mentor, slot) -> mentor -> sink, returning its optimum (assigned, score).

    Arcs. A pupil reaches only slots it shares with the mentor that are open to it: a free slot
    (no locked session), or, for a pupil who prefers groups at a mentor offering them ("group
    kind", as in stage 1), a slot holding a locked group with room. A group-kind pupil enters
    the (mentor, slot) node directly, scored as in stage 1 (best area + slots + group points);
    any other pupil enters through a (mentor, slot, individual) node of capacity 1 (best area +
    slots). A (mentor, slot) node passes at most ``max_group_size`` pupils on a free slot (1 for
    a mentor without groups) and the room left in a locked group; a mentor at most its capacity
    left after the locked matches.

    Why it is an upper bound. Take any valid assignment of the pupils not locked and send each
    assigned pupil along its mentor and slot. An individual session in a free slot is one pupil
    (through the individual node if not group kind: capacity 1 holds); a group session is 2..g
    pupils who all prefer groups at a mentor with g >= 2, so all group kind, <= g (the node's
    capacity); new members of a locked group fit its room; the mentor's total fits its capacity
    left. So it is a feasible flow, with the same number of pupils, and every pupil's arc score
    is at least its real score (best area >= the area used; group points credited whenever the
    pupil could have them; the same-school penalty, >= 0, left out). The flow's lexicographic
    optimum is therefore >= (assigned, score) of every valid assignment.

    What it relaxes: only that a slot holds an individual session *or* a group (here one
    individual and g - 1 group pupils may share it), and the group rules on who may share a
    session (one area, levels within 1; and, in a locked group, its area and level window).

    Never looser than stage 1. Map a flow here to stage 1 by dropping the slot: each mentor
    then gets individual pupils <= its free slots (one per individual node), group pupils <=
    free slots * g + room in locked groups (the sum of the node capacities), all <= capacity
    left, each pupil on the same pair at the same score. So every flow here is a stage-1 flow
    of the same value, and this optimum is <= the stage-1 optimum (``solve`` still takes the
    smaller of the two, lexicographically, so that holds even at a tie-break's whim)."""
    if not pairs.p.size:
        return 0, 0
    P, M, T = ix.P, ix.M, ix.T
    base_s, base_i, base_m = P, P + M * T, P + 2 * M * T
    flow = _Flow(sink=base_m + M)
    node_cap = np.where(locks.free, ix.m_g[:, None], 0)
    for j, sessions in locks.joinable.items():
        for t, (s, _low) in sessions.items():
            node_cap[j, t] = ix.m_g[j] - len(s.members)
    slot_nodes = np.arange(M * T)
    flow.arcs(base_i + slot_nodes, base_s + slot_nodes, locks.free.ravel().astype(np.int64), 0)
    flow.arcs(base_s + slot_nodes, base_m + slot_nodes // T, node_cap.ravel(), 0)
    flow.arcs(base_m + np.arange(M), flow.sink, locks.cap_left, 0)
    grp = pairs.kind == GRP
    score = pairs.stage1_score(w)
    open_grp = locks.free | locks.join
    tails, heads, scores = [], [], []
    for t in range(T):
        here = np.ascontiguousarray(ix.p_slots[:, t])[pairs.p]
        k = np.nonzero(here & np.where(grp, open_grp[pairs.m, t], locks.free[pairs.m, t]))[0]
        tails.append(pairs.p[k])
        heads.append(np.where(grp[k], base_s, base_i) + pairs.m[k] * T + t)
        scores.append(score[k])
    tails_a = np.concatenate(tails).astype(np.int32)
    heads_a = np.concatenate(heads).astype(np.int32)
    scores_a = np.concatenate(scores).astype(np.int64)
    del tails, heads, scores
    used = flow.solve(tails_a, heads_a, scores_a)
    return int(used.sum()), int(scores_a[used].sum())


@dataclass
class _Typing:
    """A session type for every mentor slot: -1 none (used by a locked session, or not the
    mentor's), IND (one pupil), GRP (pupils who prefer groups, in ``area``, levels within
    ``low..low+1``); ``cap`` is how many more pupils it takes."""

    kind: np.ndarray  # (M, T)
    area: np.ndarray
    low: np.ndarray
    cap: np.ndarray

    @classmethod
    def initial(cls, ix: _Index, locks: _Locks) -> _Typing:
        kind = np.where(locks.free, IND, -1)
        area, low = np.zeros((ix.M, ix.T), np.int64), np.zeros((ix.M, ix.T), np.int64)
        cap = locks.free.astype(np.int64)
        for j, sessions in locks.joinable.items():
            for t, (s, lo) in sessions.items():
                kind[j, t], area[j, t], low[j, t] = GRP, s.area, lo
                cap[j, t] = ix.m_g[j] - len(s.members)
        return cls(kind, area, low, cap)

    def with_groups(self, ix: _Index, packings: dict[int, _Packing]) -> _Typing:
        """This typing with the group sessions stage 2 formed in free slots."""
        out = _Typing(self.kind.copy(), self.area.copy(), self.low.copy(), self.cap.copy())
        for j, packing in packings.items():
            for t, (a, low) in packing.groups.items():
                if out.kind[j, t] == IND:
                    out.kind[j, t], out.area[j, t], out.low[j, t] = GRP, a, low
                    out.cap[j, t] = ix.m_g[j]
        return out


def _typed_flow(
    ix: _Index, locks: _Locks, pairs: _Pairs, typing: _Typing, w: Weights
) -> dict[int, tuple[int, int, int]]:
    """Exact max-count-then-max-score assignment of pupils to typed mentor slots:
    pupil -> (mentor, slot) -> mentor -> sink. Given the typing this is the whole model, so every
    result is valid as it stands. Returns pupil -> (mentor, area, slot)."""
    if not pairs.p.size:
        return {}
    P, M, T = ix.P, ix.M, ix.T
    base_m = P + M * T
    flow = _Flow(sink=base_m + M)
    flow.arcs(P + np.arange(M * T), base_m + np.arange(M * T) // T, typing.cap.ravel(), 0)
    flow.arcs(base_m + np.arange(M), flow.sink, locks.cap_left, 0)
    tails, heads, scores = [], [], []
    wants_group = pairs.kind == GRP
    for t in range(T):
        kind_t = np.ascontiguousarray(typing.kind[:, t])[pairs.m]
        here = np.ascontiguousarray(ix.p_slots[:, t])[pairs.p] & (kind_t >= 0)
        ind = np.nonzero(here & (kind_t == IND))[0]
        tails.append(pairs.p[ind])
        heads.append(P + pairs.m[ind] * T + t)
        scores.append(pairs.base[ind])
        k = np.nonzero(here & (kind_t == GRP) & wants_group)[0]
        pp, pm = pairs.p[k], pairs.m[k]
        a, low = typing.area[pm, t], typing.low[pm, t]
        lv = ix.p_level[pp, a]
        lo, hi = ix.m_lo[pm], ix.m_hi[pm]
        ok = (lv >= low) & (lv <= low + 1) & (lv >= lo) & (lv <= hi)
        k, pp, pm, lv, lo, hi = k[ok], pp[ok], pm[ok], lv[ok], lo[ok], hi[ok]
        score = np.maximum(0, w.level_fit - w.level_off_centre * np.abs(2 * lv - lo - hi))
        tails.append(pp)
        heads.append(P + pm * T + t)
        scores.append(score + pairs.slot_pts[k] + w.group_preference)
    tails_a = np.concatenate(tails).astype(np.int32)
    heads_a = np.concatenate(heads).astype(np.int32)
    scores_a = np.concatenate(scores).astype(np.int32)
    del tails, heads, scores
    used = flow.solve(tails_a, heads_a, scores_a)
    pupil, node = tails_a[used].astype(np.int64), heads_a[used].astype(np.int64) - P
    del tails_a, heads_a, scores_a
    mentor, slot = node // T, node % T
    best_area = pairs.area[np.searchsorted(pairs.keys, pupil * M + mentor)]
    area = np.where(typing.kind[mentor, slot] == GRP, typing.area[mentor, slot], best_area)
    return {
        i: (j, a, t)
        for i, j, a, t in zip(
            pupil.tolist(), mentor.tolist(), area.tolist(), slot.tolist(), strict=True
        )
    }


# --- stage 2: sessions per mentor ----------------------------------------------------------------


@dataclass
class _Packing:
    placed: dict[int, tuple[int, int]]  # pupil -> (slot, area)
    dropped: list[int]
    groups: dict[int, tuple[int, int]] = field(default_factory=dict)  # slot -> (area, low)
    optimal: bool = True


@dataclass
class _Info:
    """What stage 2 needs about one of the mentor's pupils."""

    opts: list[tuple[int, int, int]]  # (area, level, level points)
    slot_pts: int
    grp: bool  # may be placed in a group
    free_slots: list[int]  # shared slots with no session yet
    join_slots: list[int]  # shared slots holding a locked group with room
    best: tuple[int, int, int]  # the option with the most level points


def _pack_sessions(
    ix: _Index,
    locks: _Locks,
    j: int,
    group: list[int],
    w: Weights,
    current: dict[int, tuple[int, int]] | None = None,
) -> _Packing:
    """Stage 2: exactly place one mentor's pupils into sessions, most pupils first, then the
    highest score (level + slot + group points). ``current`` is a valid placement of all of them
    (pupil -> (slot, area)), if one is known: it is returned as it is when it already reaches the
    upper bound below, which proves it optimal."""
    m = ix.mentors[j]
    free = frozenset(np.nonzero(locks.free[j])[0].tolist())
    joinable = locks.joinable.get(j, {})
    info: dict[int, _Info] = {}
    for i in group:
        shared = ix.p_slot_sets[i] & ix.m_slot_sets[j]
        opts = ix.options(i, j, w)
        info[i] = _Info(
            opts=opts,
            slot_pts=slot_points(len(shared), w),
            grp=_kind(ix.pupils[i], m) == GRP,
            free_slots=sorted(shared & free),
            join_slots=sorted(t for t in shared if t in joinable),
            best=max(opts, key=lambda o: o[2]),
        )

    def can_join(i: int, t: int) -> bool:
        s, low = joinable[t]
        return any(a == s.area and low <= lv <= low + 1 for a, lv, _ in info[i].opts)

    def can_pair(x: int, y: int) -> bool:
        return bool(set(info[x].free_slots) & set(info[y].free_slots)) and any(
            a1 == a2 and abs(l1 - l2) <= 1
            for a1, l1, _ in info[x].opts
            for a2, l2, _ in info[y].opts
        )

    grp = [i for i in group if info[i].grp]
    could_group = {i for i in grp if any(can_join(i, t) for t in info[i].join_slots)}
    for n, x in enumerate(grp):
        for y in grp[n + 1 :]:
            if can_pair(x, y):
                could_group |= {x, y}
    if not could_group:
        return _pack_individuals(group, info)
    if current is not None:
        # Everyone placed, each at their best level points, and a group for everyone who could
        # have one: nothing can score more.
        bound = sum(info[i].best[2] + info[i].slot_pts for i in group)
        bound += w.group_preference * len(could_group)
        size: dict[int, int] = defaultdict(int)
        for t, _a in current.values():
            size[t] += 1
        for t, (s, _low) in joinable.items():
            size[t] += len(s.members)
        score = 0
        for i, (t, a) in current.items():
            score += next(pts for aa, _lv, pts in info[i].opts if aa == a) + info[i].slot_pts
            score += w.group_preference * (info[i].grp and size[t] >= 2)
        if score == bound:
            return _Packing(dict(current), [], _groups_of(ix, current, joinable))
    packing = _pack_cp_sat(group, info, joinable, w, m.max_group_size)
    if current is not None and packing.dropped:  # only if CP-SAT hit its time limit
        return _Packing(dict(current), [], _groups_of(ix, current, joinable), optimal=False)
    return packing


def _groups_of(
    ix: _Index, placed: dict[int, tuple[int, int]], joinable: dict
) -> dict[int, tuple[int, int]]:
    """The group sessions (2+ pupils) of a placement in free slots: slot -> (area, low)."""
    members: dict[int, list[int]] = defaultdict(list)
    for i, (t, _a) in placed.items():
        members[t].append(i)
    out = {}
    for t, ms in members.items():
        if len(ms) >= 2 and t not in joinable:
            a = placed[ms[0]][1]
            out[t] = (a, min(min(int(ix.p_level[i, a]) for i in ms), MAX_LEVEL - 1))
    return out


def _pack_individuals(group: list[int], info: dict[int, _Info]) -> _Packing:
    """Individual sessions only: pupils to distinct slots. The placeable sets form a transversal
    matroid, so adding pupils in descending score order whenever an augmenting path exists gives a
    maximum-size set of maximum total score."""
    order = sorted(group, key=lambda i: -info[i].best[2])
    owner: dict[int, int] = {}

    def augment(i: int, seen: set[int]) -> bool:
        for t in info[i].free_slots:
            if t not in seen:
                seen.add(t)
                if t not in owner or augment(owner[t], seen):
                    owner[t] = i
                    return True
        return False

    dropped = [i for i in order if not augment(i, set())]
    placed = {i: (t, info[i].best[0]) for t, i in owner.items()}
    return _Packing(placed, dropped)


def _pack_cp_sat(
    group: list[int],
    info: dict[int, _Info],
    joinable: dict[int, tuple[_Session, int]],
    w: Weights,
    g: int,
) -> _Packing:
    """The general case, as a small CP-SAT model. Per slot at most one session: an individual
    one, or a group for one (area, level window {low, low+1}) with 2..g pupils (a locked group
    with room takes new members up to g in total)."""
    model = cp_model.CpModel()
    # Every pupil's choices: (variable, slot, area, points, group window or None).
    choices: dict[int, list[tuple[Any, int, int, int, int | None]]] = defaultdict(list)
    sessions_at: dict[int, list[Any]] = defaultdict(list)  # slot -> session-type variables

    individual_at: dict[int, list[Any]] = defaultdict(list)
    for i in group:
        a, _lv, pts = info[i].best
        for t in info[i].free_slots:
            x = model.new_bool_var(f"ind_{i}_{t}")
            choices[i].append((x, t, a, pts + info[i].slot_pts, None))
            individual_at[t].append(x)
    for t, xs in individual_at.items():
        used = model.new_bool_var(f"ind_{t}")
        model.add(sum(xs) <= used)
        sessions_at[t].append(used)

    candidates: dict[tuple[int, int, int], list[tuple[int, int]]] = defaultdict(list)
    for i in group:
        if not info[i].grp:
            continue
        for a, lv, pts in info[i].opts:
            for low in {max(MIN_LEVEL, lv - 1), min(lv, MAX_LEVEL - 1)}:
                for t in info[i].free_slots:
                    candidates[(t, a, low)].append((i, pts))
            for t in info[i].join_slots:
                s, low = joinable[t]
                if a == s.area and low <= lv <= low + 1:
                    candidates[(t, a, low)].append((i, pts))
    for (t, a, low), members in candidates.items():
        locked_group = t in joinable
        if not locked_group and len(members) < 2:
            continue
        y = model.new_bool_var(f"grp_{t}_{a}_{low}")
        xs = []
        for i, pts in members:
            x = model.new_bool_var(f"grp_{i}_{t}_{a}_{low}")
            choices[i].append((x, t, a, pts + info[i].slot_pts + w.group_preference, low))
            xs.append(x)
        if locked_group:
            model.add(sum(xs) <= (g - len(joinable[t][0].members)) * y)
        else:
            model.add(sum(xs) <= g * y)
            model.add(sum(xs) >= 2 * y)
        sessions_at[t].append(y)
    for ys in sessions_at.values():
        model.add(sum(ys) <= 1)

    # Lexicographic: one more pupil placed outweighs any score difference.
    big = 1 + sum(info[i].best[2] + info[i].slot_pts + w.group_preference for i in group)
    terms = []
    for i in group:
        model.add(sum(c[0] for c in choices[i]) <= 1)
        terms += [(big + c[3]) * c[0] for c in choices[i]]
    model.maximize(sum(terms))
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 1
    solver.parameters.cp_model_presolve = False  # twice as fast on these tiny models
    solver.parameters.max_time_in_seconds = _STAGE2_SECONDS
    status = solver.solve(model)
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return _Packing({}, list(group), optimal=False)
    placed, groups = {}, {}
    for i in group:
        for x, t, a, _pts, low in choices[i]:
            if solver.boolean_value(x):
                placed[i] = (t, a)
                if low is not None and t not in joinable:
                    groups[t] = (a, low)
    dropped = [i for i in group if i not in placed]
    return _Packing(placed, dropped, groups, optimal=status == cp_model.OPTIMAL)


def _pack_all(
    ix: _Index,
    locks: _Locks,
    placed: dict[int, tuple[int, int, int]],
    w: Weights,
    cache: dict[tuple[int, tuple[int, ...]], _Packing],
    valid: bool,
) -> dict[int, _Packing]:
    """Stage 2 for every mentor with pupils in ``placed`` (pupil -> (mentor, area, slot)), which
    is a valid placement if ``valid``. CP-SAT releases the GIL, so mentors run on a few threads;
    results do not depend on the order (one worker per model, deterministic)."""
    by_mentor: dict[int, dict[int, tuple[int, int]]] = defaultdict(dict)
    for i, (j, a, t) in placed.items():
        by_mentor[j][i] = (t, a)
    keys = {j: (j, tuple(sorted(cur))) for j, cur in by_mentor.items()}
    todo = [j for j, key in keys.items() if key not in cache]

    def pack(j: int) -> _Packing:
        current = by_mentor[j] if valid else None
        return _pack_sessions(ix, locks, j, list(keys[j][1]), w, current)

    with ThreadPoolExecutor(_THREADS) as pool:
        for j, packing in zip(todo, pool.map(pack, todo), strict=True):
            cache[keys[j]] = packing
    return {j: cache[key] for j, key in keys.items()}


def _placement(packings: dict[int, _Packing]) -> dict[int, tuple[int, int, int]]:
    return {i: (j, a, t) for j, pk in packings.items() for i, (t, a) in pk.placed.items()}


def _value(
    ix: _Index, locks: _Locks, placed: dict[int, tuple[int, int, int]], w: Weights
) -> tuple[int, int]:
    """(pupils placed, score) of new placements, group points only for real groups (2+)."""
    size: dict[tuple[int, int], int] = defaultdict(int)
    for j, _a, t in (*placed.values(), *locks.by_pupil.values()):
        size[(j, t)] += 1
    score = 0
    for i, (j, a, t) in placed.items():
        m = ix.mentors[j]
        score += level_points(int(ix.p_level[i, a]), m.level_min, m.level_max, w)
        score += slot_points(len(ix.p_slot_sets[i] & ix.m_slot_sets[j]), w)
        if ix.p_pref[i] and size[(j, t)] >= 2:
            score += w.group_preference
    return len(placed), score


# --- results -----------------------------------------------------------------------------------


def _outcomes(
    ix: _Index,
    locks: _Locks,
    placed: dict[int, tuple[int, int, int]],  # new pupil -> (mentor, area, slot)
    reasons: dict[int, str],  # unassigned pupil -> reason code
    w: Weights,
) -> tuple[Match | Unassigned, ...]:
    """Matches with scores and reason parts, from the final placement (new and locked)."""
    area_ids = list(ix.area_of)
    where = {**placed, **locks.by_pupil}
    sessions: dict[tuple[int, int], list[int]] = defaultdict(list)
    for i, (j, _a, t) in where.items():
        sessions[(j, t)].append(i)

    parts: dict[int, list[dict[str, Any]]] = {}
    keys: dict[int, str | None] = {}
    for (j, t), members in sessions.items():
        m = ix.mentors[j]
        key = next((locks.keys[i] for i in members if locks.keys.get(i)), None)
        if key is None and len(members) >= 2:
            key = f"{m.id}@{ix.slot_ids[t]}"
        for i in members:
            parts[i] = _match_parts(ix.pupils[i], m, area_ids[where[i][1]], len(members), key, w)
            if i in locks.by_pupil:
                parts[i].append({"code": "locked", "points": 0})
            keys[i] = key

    # Same-school balance, on the final result: new pupils beyond a mentor's free share from one
    # school (locked pupils count towards the share but are never penalised).
    if w.same_school:
        crowd: dict[tuple[int, int], list[int]] = defaultdict(list)
        for i, (j, _a, _t) in where.items():
            crowd[(j, int(ix.p_school[i]))].append(i)
        for (j, _s), members in crowd.items():
            free = same_school_free(ix.mentors[j], w)
            new = [i for i in members if i not in locks.by_pupil]
            excess = min(len(new), len(members) - free)
            ranked = sorted(new, key=lambda i: (_points(parts[i]), -i))
            for i in ranked[: max(0, excess)]:
                parts[i].append(
                    {
                        "code": "same_school",
                        "school_pupils": len(members),
                        "free_up_to": free,
                        "points": -w.same_school,
                    }
                )

    out: list[Match | Unassigned] = []
    for i, p in enumerate(ix.pupils):
        if i not in where:
            out.append(Unassigned(p.id, reasons[i]))
            continue
        j, a, t = where[i]
        out.append(
            Match(
                pupil_id=p.id,
                mentor_id=ix.mentors[j].id,
                subject_area_id=area_ids[a],
                slot_id=ix.slot_ids[t],
                group_key=keys[i],
                score=_points(parts[i]),
                reasons=tuple(parts[i]),
                locked=i in locks.by_pupil,
            )
        )
    return tuple(out)


def _points(parts: list[dict[str, Any]]) -> int:
    return sum(x["points"] for x in parts)


def _match_parts(
    p: Pupil, m: Mentor, area_id: Hashable, size: int, key: str | None, w: Weights
) -> list[dict[str, Any]]:
    level = p.levels.get(area_id)
    shared = len(p.slots & m.slots)
    span = {"level": level, "min": m.level_min, "max": m.level_max}
    out: list[dict[str, Any]] = [{"code": "subject_area", "subject_area_id": area_id, "points": 0}]
    if level is not None and m.level_min <= level <= m.level_max:
        pts = level_points(level, m.level_min, m.level_max, w)
        out.append({"code": "level_in_range", **span, "points": pts})
    else:  # only a locked match can be here
        out.append({"code": "level_outside_range", **span, "points": 0})
    out.append({"code": "shared_slots", "count": shared, "points": slot_points(shared, w)})
    if key is not None:
        grouped = p.prefers_group and size >= 2
        out.append({"code": "group", "size": size, "points": w.group_preference * grouped})
    else:
        out.append({"code": "individual_session", "prefers_group": p.prefers_group, "points": 0})
    return out


def _reasons(
    ix: _Index, pairs: _Pairs, placed: Iterable[int], locks: _Locks, room: np.ndarray
) -> dict[int, str]:
    """Why each pupil left over is unassigned: the first cascade step that applies. ``room``
    marks mentors with a place left at the end: a pupil with such a mentor among its feasible
    ones was held back by time (sessions), else by capacity."""
    near_room = np.bincount(pairs.p, weights=room[pairs.m], minlength=ix.P) > 0
    out = {}
    done = set(placed) | set(locks.by_pupil)
    for i in range(ix.P):
        if i in done:
            continue
        if not pairs.has_area[i]:
            out[i] = NO_MENTOR_FOR_SUBJECT
        elif not pairs.has_level[i]:
            out[i] = LEVEL_OUT_OF_RANGE
        elif not pairs.n_feasible[i]:
            out[i] = NO_SHARED_TIME
        elif not pairs.n_allowed[i]:
            out[i] = FORBIDDEN
        else:
            out[i] = DID_NOT_FIT_SCHEDULE if near_room[i] else NO_CAPACITY
    return out


# --- public entry points -----------------------------------------------------------------------


def solve(
    pupils: Sequence[Pupil],
    mentors: Sequence[Mentor],
    weights: Weights = Weights(),
    *,
    locked: Iterable[Match] = (),
    forbidden: Iterable[tuple[Hashable, Hashable]] = (),
    max_rounds: int = 3,
    on_stage: Callable[[str], None] | None = None,
) -> Assignment:
    """Match pupils to mentors: most pupils first, then the highest total score (the module
    docstring says what is exact). ``locked`` matches (e.g. confirmed ones) are kept as they are;
    ``forbidden`` holds (pupil_id, mentor_id) pairs never to use; ``max_rounds`` bounds round 1
    plus the typed-flow rounds (each round is cheap at municipality size and about 7 s at nation
    size; after the second the gains measured were under 0.1 % of the score). ``on_stage`` is
    told "stage1" and "stage2" as each begins, for a run's progress bar."""
    report = on_stage or (lambda _stage: None)
    report("stage1")
    ix = _Index(pupils, mentors)
    locks = _Locks(ix, _caller_locks(ix, locked))
    banned = [ix.p_of[p] * ix.M + ix.m_of[m] for p, m in forbidden if p in ix.p_of and m in ix.m_of]
    pairs = _feasible_pairs(ix, locks, np.array(banned, dtype=np.int64), weights)
    cache: dict[tuple[int, tuple[int, ...]], _Packing] = {}

    # Round 1: the exact relaxation (the bound), then exact session packing per mentor.
    chosen = _relaxed_flow(ix, locks, pairs, weights)
    bound = (int(chosen.size), int(pairs.stage1_score(weights)[chosen].sum()))
    slot_bound = min(bound, _slot_flow(ix, locks, pairs, weights))
    # Stage 1 says only which mentor: area and slot are stage 2's to choose.
    stage1 = {
        i: (j, -1, -1)
        for i, j in zip(pairs.p[chosen].tolist(), pairs.m[chosen].tolist(), strict=True)
    }
    report("stage2")
    packings = _pack_all(ix, locks, stage1, weights, cache, valid=False)
    best = _placement(packings)
    best_value = _value(ix, locks, best, weights)
    base_typing = _Typing.initial(ix, locks)
    typing = base_typing.with_groups(ix, packings)

    # Later rounds: the exact typed flow over everyone, then re-packing to re-type the slots.
    rounds = 1
    while rounds < max_rounds:
        rounds += 1
        flowed = _typed_flow(ix, locks, pairs, typing, weights)
        packings = _pack_all(ix, locks, flowed, weights, cache, valid=True)
        placed = _placement(packings)
        value = _value(ix, locks, placed, weights)
        if value <= best_value:
            break
        best, best_value = placed, value
        typing = base_typing.with_groups(ix, packings)

    taken = locks.per_mentor + np.bincount(
        np.array([j for j, _a, _t in best.values()], dtype=np.int64), minlength=ix.M
    )
    room = (ix.m_cap > taken).astype(np.float64)
    return Assignment(
        outcomes=_outcomes(ix, locks, best, _reasons(ix, pairs, best, locks, room), weights),
        feasible_pairs=int(pairs.p.size),
        stage1_bound=bound,
        slot_bound=slot_bound,
        rounds=rounds,
        stage2_optimal=all(pk.optimal for pk in cache.values()),
    )


# --- exact mode ----------------------------------------------------------------------------------

EXACT_MAX_PUPILS = 1_000  # above this many pupils the fast engine's result stands
EXACT_SECONDS = 10.0

_CP_STATUS = {
    cp_model.OPTIMAL: "optimal",
    cp_model.FEASIBLE: "feasible",
    cp_model.INFEASIBLE: "infeasible",
    cp_model.MODEL_INVALID: "model_invalid",
    cp_model.UNKNOWN: "unknown",
}


def solve_exact(
    pupils: Sequence[Pupil],
    mentors: Sequence[Mentor],
    weights: Weights = Weights(),
    *,
    locked: Iterable[Match] = (),
    forbidden: Iterable[tuple[Hashable, Hashable]] = (),
    seconds: float = EXACT_SECONDS,
    max_pupils: int = EXACT_MAX_PUPILS,
    workers: int = 1,
    max_model_pairs: int | None = None,
    on_stage: Callable[[str], None] | None = None,
) -> Assignment:
    """The whole model solved by CP-SAT, for pilot sizes: most pupils, then the highest total
    score, same-school balance included, proven optimal when CP-SAT finishes within ``seconds``.

    The fast engine (:func:`solve`) runs first; its answer is CP-SAT's hint, and it is kept
    unless CP-SAT finds a strictly better one, so a time-out is never worse than the fast
    engine (the fast engine's own time comes on top of ``seconds``). If the fast answer already
    meets the slot bound it is returned at once, proven ("proven"). Up to ``max_model_pairs``
    feasible pairs (default 12,000, about 300 x 40; ``workers`` CP-SAT workers) one model holds
    the whole instance, and CP-SAT's status and proven bound are reported. Above that, one
    model is too slow to build and to search (3,000 x 250: 0.8 M variables, 23 s to build, 2.2
    GB, no improvement in 10 s), so :func:`_local_search` improves the fast answer a few
    mentors at a time with the same model ("local_search": better, never proven; the slot bound
    stands). Above ``max_pupils`` pupils only the fast engine runs ("too_large"). ``on_stage``
    hears the fast engine's stages, then "exact". The result has the fast engine's
    ``stage1_bound`` and ``slot_bound`` (over the pupils not locked) and, on the whole result,
    ``exact_bound``: the smallest of CP-SAT's proven bound and the slot bound with the locked
    matches (and the group points locked pupils alone in a group could still gain) added.

    The CP-SAT model (see :func:`_exact_model`): per pupil at most one choice, either an
    individual session (mentor, slot) in a free shared slot, scored in the pair's best area, or
    a place in a group (mentor, slot, area, level window {low, low+1}); per mentor slot at most
    one session, an individual one (one pupil) or a group of 2..max_group_size pupils who all
    prefer groups, in one area, levels in the window; a locked group with room takes new
    members who fit it, up to max_group_size in all; capacity left after the locked matches;
    forbidden pairs have no choice at all. The score is exact: group points only in a group of
    two or more (a locked pupil alone in its group gains them when a new pupil joins it), and
    the same-school penalty as a linear excess: per (mentor, school) an integer ``e >= new -
    free_left`` (``free_left`` is ``ceil(share * capacity)`` less the locked pupils of that
    school, floored at 0), ``e >= 0``, costing ``same_school`` each. That is exactly what
    ``_outcomes`` charges on a result (``min(new, all - free)`` pupils, never negative), so the
    objective CP-SAT maximises is ``objective(result)`` less the locked pupils' fixed points:
    same-school balance is optimised here, not only scored."""
    began = _now()
    fast = solve(pupils, mentors, weights, locked=locked, forbidden=forbidden, on_stage=on_stage)
    if fast.stage1_bound is None or len(pupils) > max_pupils:
        return _with(fast, status="too_large", began=began)
    ix = _Index(pupils, mentors)
    locks = _Locks(ix, _caller_locks(ix, locked))
    banned = [ix.p_of[p] * ix.M + ix.m_of[m] for p, m in forbidden if p in ix.p_of and m in ix.m_of]
    pairs = _feasible_pairs(ix, locks, np.array(banned, dtype=np.int64), weights)
    fixed_points = objective(
        Assignment(_outcomes(ix, locks, {}, dict.fromkeys(range(ix.P), NO_CAPACITY), weights), 0)
    )
    slot_total = (
        fast.slot_bound[0] + fixed_points[0],
        fast.slot_bound[1] + fixed_points[1] + _locked_bonus_max(ix, locks, weights),
    )
    if objective(fast) >= slot_total:  # the fast result meets a bound: nothing can beat it
        return _with(fast, status="proven", bound=objective(fast), optimal=True, began=began)

    if on_stage is not None:
        on_stage("exact")
    deadline = _now() + max(0.1, seconds)
    placed = {
        ix.p_of[m.pupil_id]: (
            ix.m_of[m.mentor_id],
            ix.area_of[m.subject_area_id],
            ix.slot_of[m.slot_id],
        )
        for m in fast.matches
        if not m.locked
    }
    bound, optimal = slot_total, False
    if pairs.p.size > (_GLOBAL_MAX_PAIRS if max_model_pairs is None else max_model_pairs):
        # Too large for one model within the limit: improve the fast answer a few mentors at
        # a time instead. No proof comes of it; the slot bound stands.
        placed = _local_search(ix, locks, pairs, weights, placed, deadline, workers)
        name = "local_search"
    else:
        model = _exact_model(ix, locks, pairs.p, pairs.m, weights)
        model.hint(placed, ix, locks)
        solver = _solver(deadline - _now(), workers)
        status = solver.solve(model.cp)
        name = _CP_STATUS.get(status, str(status))
        if status in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            found = model.decode_bound(solver.best_objective_bound)
            bound = min(bound, (found[0] + fixed_points[0], found[1] + fixed_points[1]))
            if solver.objective_value > model.hint_value:
                placed = model.placement(solver)
            optimal = status == cp_model.OPTIMAL
    taken = locks.per_mentor + np.bincount(
        np.array([j for j, _a, _t in placed.values()], dtype=np.int64), minlength=ix.M
    )
    room = (ix.m_cap > taken).astype(np.float64)
    exact = Assignment(
        outcomes=_outcomes(ix, locks, placed, _reasons(ix, pairs, placed, locks, room), weights),
        feasible_pairs=fast.feasible_pairs,
        stage1_bound=fast.stage1_bound,
        slot_bound=fast.slot_bound,
        rounds=fast.rounds,
        stage2_optimal=fast.stage2_optimal,
    )
    best = exact if objective(exact) > objective(fast) else fast
    if optimal:  # CP-SAT's optimum is the exact result's value: the proof holds for either
        bound = min(bound, objective(exact))
    return _with(best, status=name, bound=bound, optimal=objective(best) >= bound, began=began)


_GLOBAL_MAX_PAIRS = 12_000  # feasible pairs: above, local search instead of one model
_LNS_MENTORS = 4  # mentors freed at a time
_LNS_WAITING = 60  # pupils without a match offered to them at a time
_LNS_SECONDS = 1.0  # CP-SAT's limit per neighbourhood


def _solver(seconds: float, workers: int) -> cp_model.CpSolver:
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = max(0.05, seconds)
    # Measured at 300 x 40: one worker searching on the full LP (level 2), every LP constraint
    # in from the start, no presolve or probing, proves the optimum (8,487) in 8.5-9.5 s; with
    # lazy LP constraints and probing 11-13 s; the default portfolio on two workers never
    # improved on the hint (8,379) in 30 s. Presolve took seconds, and at 1,000 pupils the whole
    # limit before the hint was even tried.
    solver.parameters.num_workers = max(1, workers)
    solver.parameters.linearization_level = 2
    solver.parameters.add_lp_constraints_lazily = False
    solver.parameters.cp_model_presolve = False
    solver.parameters.cp_model_probing_level = 0
    return solver


def _local_search(
    ix: _Index,
    locks: _Locks,
    pairs: _Pairs,
    w: Weights,
    placed: dict[int, tuple[int, int, int]],
    deadline: float,
    workers: int,
) -> dict[int, tuple[int, int, int]]:
    """Large-neighbourhood search from a valid placement (pupil -> (mentor, area, slot)) until
    ``deadline``: free a few mentors that share candidate pupils (every pupil placed with them
    and some waiting pupils who could go to them), solve that part exactly with the CP-SAT model
    of :func:`solve_exact`, everything else fixed, and keep it if it is lexicographically
    better. The objective is a sum over mentors (their pupils' points, groups and same-school
    penalty are the mentor's own), so the part's objective decides for the whole. Every step
    keeps a valid placement; seeded, so a run with the same inputs and time tries the same
    neighbourhoods."""
    placed = dict(placed)
    if not pairs.p.size:
        return placed
    incidence = np.zeros((ix.P, ix.M), dtype=np.float32)
    incidence[pairs.p, pairs.m] = 1.0
    shared = incidence.T @ incidence  # mentors x mentors: candidate pupils in common
    candidates = [np.nonzero(incidence[:, j])[0] for j in range(ix.M)]
    mentors = np.nonzero(np.diag(shared) > 0)[0]
    rng = np.random.default_rng(20261208)
    while _now() < deadline - 0.05:
        j0 = int(rng.choice(mentors))
        near = np.argsort(-(shared[j0] + rng.random(ix.M)))  # ties broken at random
        chosen = [j0] + [int(j) for j in near if j != j0 and shared[j0, j] > 0]
        in_s = np.zeros(ix.M, dtype=bool)
        in_s[chosen[:_LNS_MENTORS]] = True
        at_s = [i for i, (j, _a, _t) in placed.items() if in_s[j]]
        waiting = np.unique(np.concatenate([candidates[j] for j in np.nonzero(in_s)[0]]))
        waiting = np.array([i for i in waiting.tolist() if i not in placed], dtype=np.int64)
        if waiting.size > _LNS_WAITING:
            waiting = rng.choice(waiting, _LNS_WAITING, replace=False)
        in_f = np.zeros(ix.P, dtype=bool)
        in_f[at_s] = True
        in_f[waiting] = True
        keep = in_f[pairs.p] & in_s[pairs.m]
        model = _exact_model(ix, locks, pairs.p[keep], pairs.m[keep], w)
        model.hint({i: placed[i] for i in at_s}, ix, locks)
        solver = _solver(min(_LNS_SECONDS, deadline - _now()), workers)
        status = solver.solve(model.cp)
        if status in (cp_model.OPTIMAL, cp_model.FEASIBLE) and (
            solver.objective_value > model.hint_value
        ):
            for i in at_s:
                del placed[i]
            placed.update(model.placement(solver))
        whole = in_s[mentors].all() and in_f[pairs.p].all()
        if whole and status == cp_model.OPTIMAL:  # the part was everything: nothing left to do
            break
    return placed


def _now() -> float:
    return time.perf_counter()


def _with(
    result: Assignment,
    *,
    status: str,
    began: float,
    bound: tuple[int, int] | None = None,
    optimal: bool = False,
) -> Assignment:
    return replace(
        result,
        optimal=optimal,
        exact_bound=bound,
        exact_status=status,
        exact_seconds=_now() - began,
    )


def _locked_bonus_max(ix: _Index, locks: _Locks, w: Weights) -> int:
    """Group points locked pupils may still gain: one alone in an open locked group who prefers
    groups gets them once a new pupil joins (the slot bound counts new pupils only)."""
    return w.group_preference * sum(
        1
        for sessions in locks.joinable.values()
        for s, _low in sessions.values()
        if len(s.members) == 1 and ix.p_pref[s.members[0]]
    )


class _ExactModel:
    """The CP-SAT model of :func:`solve_exact`, with what is needed to hint, read and bound it."""

    def __init__(self) -> None:
        self.cp = cp_model.CpModel()
        # choice variable -> (pupil, mentor, area, slot); group choices also name their session
        self.choices: list[tuple[Any, int, int, int, int]] = []
        self.group_of: dict[int, tuple[int, int, int, int]] = {}  # choice -> (j, t, a, low)
        self.sessions: dict[tuple[int, int, int, int], Any] = {}  # (j, t, a, low) -> variable
        self.big = 1
        self.penalty_max = 0
        # what the other variables follow from: (excess, choices, free left), (bonus, choices)
        self.excess: list[tuple[Any, list[Any], int]] = []
        self.bonus: list[tuple[Any, list[Any]]] = []
        self.coef: dict[int, int] = {}  # variable index -> objective coefficient
        self.hint_value = 0

    def hint(self, placed: dict[int, tuple[int, int, int]], ix: _Index, locks: _Locks) -> None:
        """Hint a whole solution: ``placed`` (pupil -> (mentor, area, slot)), a valid placement
        of pupils not locked; ``hint_value`` is its objective in this model."""
        size: dict[tuple[int, int], list[int]] = defaultdict(list)
        for i, (j, _a, t) in placed.items():
            size[(j, t)].append(i)
        chosen_sessions = set()
        hinted: dict[int, int] = {}
        for k, (x, i, j, a, t) in enumerate(self.choices):
            on = False
            where = placed.get(i)
            if where is not None and (where[0], where[2]) == (j, t):
                session = self.group_of.get(k)
                if session is None:
                    on = len(size[(j, t)]) == 1 and (j, t) not in locks.sessions
                elif session[2] < 0:  # joining a locked group
                    on = where[1] == a
                else:
                    members = size[(j, t)]
                    low = min(min(int(ix.p_level[y, a]) for y in members), MAX_LEVEL - 1)
                    on = len(members) >= 2 and session[2:] == (a, low) and where[1] == a
                    if on:
                        chosen_sessions.add(session)
            hinted[x.index] = int(on)
        for session, y in self.sessions.items():
            hinted[y.index] = int(session in chosen_sessions)
        for e, xs, free_left in self.excess:
            hinted[e.index] = max(0, sum(hinted[x.index] for x in xs) - free_left)
        for u, xs in self.bonus:
            hinted[u.index] = int(any(hinted[x.index] for x in xs))
        for index, value in hinted.items():
            self.cp.proto.solution_hint.vars.append(index)
            self.cp.proto.solution_hint.values.append(value)
        self.hint_value = sum(c * hinted.get(index, 0) for index, c in self.coef.items())

    def decode_bound(self, value: float) -> tuple[int, int]:
        """CP-SAT's objective bound ``big * assigned + score`` as a lexicographic bound."""
        v = math.floor(value + 1e-6)
        count = (v + self.penalty_max) // self.big
        return int(count), int(v - self.big * count)

    def placement(self, solver: cp_model.CpSolver) -> dict[int, tuple[int, int, int]]:
        return {i: (j, a, t) for x, i, j, a, t in self.choices if solver.boolean_value(x)}


def _exact_model(
    ix: _Index, locks: _Locks, pair_p: np.ndarray, pair_m: np.ndarray, w: Weights
) -> _ExactModel:
    """Build the CP-SAT model of :func:`solve_exact` (its docstring states the model) over the
    given feasible pairs (all of them, or a neighbourhood's: then every pupil not locked with
    one of its mentors must be among them, so capacity and same-school counts are whole)."""
    mdl = _ExactModel()
    cp = mdl.cp
    school = ix.p_school.tolist()
    ind_at: dict[tuple[int, int], list[Any]] = defaultdict(list)
    join_at: dict[tuple[int, int], list[Any]] = defaultdict(list)
    grp_cand: dict[tuple[int, int, int, int], list[tuple[int, int, int]]] = defaultdict(list)
    by_pupil: dict[int, list[Any]] = defaultdict(list)
    by_mentor: dict[int, list[Any]] = defaultdict(list)
    by_school: dict[tuple[int, int], list[Any]] = defaultdict(list)
    school_pupils: dict[tuple[int, int], set[int]] = defaultdict(set)
    best_pts: dict[int, int] = defaultdict(int)
    terms: list[tuple[Any, int]] = []

    def choose(i: int, j: int, a: int, t: int, pts: int, session=None) -> Any:
        x = cp.new_bool_var(f"x{len(mdl.choices)}")
        if session is not None:
            mdl.group_of[len(mdl.choices)] = session
        mdl.choices.append((x, i, j, a, t))
        by_pupil[i].append(x)
        by_mentor[j].append(x)
        by_school[(j, school[i])].append(x)
        school_pupils[(j, school[i])].add(i)
        terms.append((x, pts))
        best_pts[i] = max(best_pts[i], pts)
        return x

    for i, j in zip(pair_p.tolist(), pair_m.tolist(), strict=True):
        shared = ix.p_slot_sets[i] & ix.m_slot_sets[j]
        sp = slot_points(len(shared), w)
        opts = ix.options(i, j, w)
        best = max(opts, key=lambda o: o[2])
        free = sorted(t for t in shared if locks.free[j, t])
        for t in free:
            ind_at[(j, t)].append(choose(i, j, best[0], t, best[2] + sp))
        if _kind(ix.pupils[i], ix.mentors[j]) != GRP:
            continue
        gp = w.group_preference
        for a, lv, pts in opts:
            for low in {max(MIN_LEVEL, lv - 1), min(lv, MAX_LEVEL - 1)}:
                for t in free:
                    grp_cand[(j, t, a, low)].append((i, t, pts + sp + gp))
        for t in sorted(shared):
            joinable = locks.joinable.get(j, {}).get(t)
            if joinable is None:
                continue
            s, low = joinable
            for a, lv, pts in opts:
                if a == s.area and low <= lv <= low + 1:
                    join_at[(j, t)].append(choose(i, j, a, t, pts + sp + gp, (j, t, -1, -1)))

    sessions_at: dict[tuple[int, int], list[Any]] = defaultdict(list)
    for (j, t, a, low), members in grp_cand.items():
        if len(members) < 2:
            continue
        y = cp.new_bool_var(f"g{j}_{t}_{a}_{low}")
        mdl.sessions[(j, t, a, low)] = y
        xs = [choose(i, j, a, t, pts, (j, t, a, low)) for i, t, pts in members]
        for x in xs:  # implied by the next line, but it tightens the LP relaxation (the bound)
            cp.add_implication(x, y)
        cp.add(sum(xs) <= int(ix.m_g[j]) * y)
        cp.add(sum(xs) >= 2 * y)
        if low < MAX_LEVEL - 1:
            # A group's window starts at its lowest level: one group, one window (a group all
            # at level 3 would otherwise fit {2, 3} and {3, 4} alike, and the search see both).
            at_low = [
                x for x, (i, _t, _pts) in zip(xs, members, strict=True) if ix.p_level[i, a] == low
            ]
            cp.add(sum(at_low) >= y)
        sessions_at[(j, t)].append(y)
    for jt in ind_at.keys() | sessions_at.keys():
        cp.add(sum(ind_at.get(jt, [])) + sum(sessions_at.get(jt, [])) <= 1)
    bonus_max = 0
    for (j, t), xs in join_at.items():
        s, _low = locks.joinable[j][t]
        cp.add(sum(xs) <= int(ix.m_g[j]) - len(s.members))
        if len(s.members) == 1 and ix.p_pref[s.members[0]] and w.group_preference:
            # the locked pupil alone in its group gains the group points once someone joins
            u = cp.new_bool_var(f"u{j}_{t}")
            cp.add(u <= sum(xs))
            mdl.bonus.append((u, xs))
            terms.append((u, w.group_preference))
            bonus_max += w.group_preference
    for xs in by_pupil.values():
        cp.add_at_most_one(xs)
    for j, xs in by_mentor.items():
        if len(xs) > locks.cap_left[j]:
            cp.add(sum(xs) <= int(locks.cap_left[j]))

    # Same-school balance as a linear excess per (mentor, school): each pupil has at most one
    # choice, so the sum of a school's choices at a mentor is how many of its pupils they get.
    penalties: list[Any] = []
    if w.same_school:
        locked_school: dict[tuple[int, int], int] = defaultdict(int)
        for i, (j, _a, _t) in locks.by_pupil.items():
            locked_school[(j, school[i])] += 1
        for (j, s), xs in by_school.items():
            pupils_here = len(school_pupils[(j, s)])
            free_left = max(0, same_school_free(ix.mentors[j], w) - locked_school[(j, s)])
            if pupils_here <= free_left:
                continue
            e = cp.new_int_var(0, pupils_here - free_left, f"e{j}_{s}")
            cp.add(e >= sum(xs) - free_left)
            mdl.excess.append((e, xs, free_left))
            penalties.append(e)
            mdl.penalty_max += w.same_school * (pupils_here - free_left)

    mdl.big = sum(best_pts.values()) + bonus_max + mdl.penalty_max + 1
    # choices earn big + points (one more pupil outweighs any score); bonuses their points
    is_choice = {x.index for x, *_ in mdl.choices}
    variables = [x for x, _pts in terms] + penalties
    coeffs = [(mdl.big if x.index in is_choice else 0) + pts for x, pts in terms]
    coeffs += [-w.same_school] * len(penalties)
    cp.maximize(cp_model.LinearExpr.weighted_sum(variables, coeffs))
    mdl.coef = {x.index: c for x, c in zip(variables, coeffs, strict=True)}
    return mdl


def greedy_baseline(
    pupils: Sequence[Pupil], mentors: Sequence[Mentor], weights: Weights = Weights()
) -> Assignment:
    """Plain greedy, for comparison: each pupil in input order takes the best-scoring feasible
    mentor that still has a place and a session that fits them (joining a compatible group if it
    prefers groups, else opening a session in the first free shared slot)."""
    ix = _Index(pupils, mentors)
    locks = _Locks(ix, ())
    pairs = _feasible_pairs(ix, locks, np.zeros(0, dtype=np.int64), weights)
    order = np.lexsort((pairs.m, -pairs.stage1_score(weights), pairs.p))
    starts = np.searchsorted(pairs.p[order], np.arange(ix.P + 1)).tolist()
    cand_m = pairs.m[order].tolist()
    count = [0] * ix.M
    caps = ix.m_cap.tolist()
    sessions: dict[tuple[int, int], tuple[int, list[int], bool]] = {}  # -> (area, members, open)
    placed: dict[int, tuple[int, int, int]] = {}
    for i in range(ix.P):
        for j in cand_m[starts[i] : starts[i + 1]]:
            if count[j] >= caps[j]:
                continue
            spot = _greedy_spot(ix, i, j, sessions, weights)
            if spot is None:
                continue
            t, a = spot
            if (j, t) in sessions:
                sessions[(j, t)][1].append(i)
            else:
                sessions[(j, t)] = (a, [i], _kind(ix.pupils[i], ix.mentors[j]) == GRP)
            placed[i] = (j, a, t)
            count[j] += 1
            break
    room = (np.array(count) < ix.m_cap).astype(np.float64)
    return Assignment(
        outcomes=_outcomes(ix, locks, placed, _reasons(ix, pairs, placed, locks, room), weights),
        feasible_pairs=int(pairs.p.size),
    )


def _greedy_spot(ix: _Index, i: int, j: int, sessions: dict, w: Weights) -> tuple[int, int] | None:
    """Where pupil i could sit with mentor j now: (slot, area) or None."""
    opts = ix.options(i, j, w)
    shared = sorted(ix.p_slot_sets[i] & ix.m_slot_sets[j])
    if _kind(ix.pupils[i], ix.mentors[j]) == GRP:
        g = ix.mentors[j].max_group_size
        for t in shared:
            s = sessions.get((j, t))
            if s is None or not s[2] or len(s[1]) >= g:
                continue
            levels = [int(ix.p_level[x, s[0]]) for x in s[1]]
            for a, lv, _pts in opts:
                if a == s[0] and max([*levels, lv]) - min([*levels, lv]) <= 1:
                    return t, a
    best = max(opts, key=lambda o: o[2])
    for t in shared:
        if (j, t) not in sessions:
            return t, best[0]
    return None
