"""Why not? For one pupil, every mentor with an offer: who could take the pupil now, and for each
one who could not, the hard rule that stopped them.

Pure, like the engine (no Flask, no database), and built from the engine's own parts, so a reason
can never drift from what the engine treats as feasible:

* the pair rules through ``engine._Index.options`` (subject area and level span, the same test
  ``stage1_pair_score`` and ``evaluate_pair`` make) and the shared slots;
* the other pupils' current matches (proposed and confirmed) held as the engine holds locked
  matches (``engine._Locks``): they use their mentor's places and times, and their groups are
  the ones a pupil may join;
* feasibility through ``engine._feasible_pairs`` with those matches fixed, and the place itself
  through the engine's stage 2 (``engine._pack_sessions``) for the pupil alone with that mentor,
  so "possible" means exactly: the engine could seat the pupil there without moving anyone.

For each mentor the first rule that fails is reported, in the engine's cascade order: subject
area, level, shared time, ruled out by hand, capacity, then the mentor's times (all taken, or the
groups there full or at another level or area). A possible mentor comes with the match the engine
would make (slot, group or not, score with its reason parts). The same-school adjustment is left
out: the engine applies it to a whole result, never to one pair.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from mentorhub.matching import engine

SUBJECT_AREA = "subject_area"  # the mentor takes none of the pupil's subject areas
LEVEL = "level_outside_span"  # takes one, but the pupil's level is outside the mentor's span
NO_SHARED_TIME = "no_shared_time"  # pupil and mentor have no time in common
FORBIDDEN = "forbidden"  # the pair was ruled out by hand
CAPACITY_FULL = "capacity_full"  # every place the mentor offered is taken
GROUP_FULL = "group_full"  # a group the pupil would fit is full, and no shared time is free
NO_GROUP_FITS = "no_group_fits"  # the groups at shared times are another area or level
TIMES_TAKEN = "times_taken"  # every shared time already holds another session

REASONS = (
    SUBJECT_AREA,
    LEVEL,
    NO_SHARED_TIME,
    FORBIDDEN,
    CAPACITY_FULL,
    GROUP_FULL,
    NO_GROUP_FITS,
    TIMES_TAKEN,
)


@dataclass(frozen=True)
class Verdict:
    """One mentor for the pupil: ``fit`` is where the engine would seat the pupil now (None if it
    could not), else ``reason`` (one of :data:`REASONS`) with the numbers its words need."""

    mentor_id: Hashable
    fit: engine.Match | None
    reason: str | None = None
    detail: Mapping[str, Any] = field(default_factory=dict, hash=False, compare=False)

    @property
    def possible(self) -> bool:
        return self.fit is not None


def explain(
    pupil_id: Hashable,
    pupils: Sequence[engine.Pupil],
    mentors: Sequence[engine.Mentor],
    weights: engine.Weights = engine.Weights(),
    *,
    fixed: Iterable[engine.Match] = (),
    forbidden: Iterable[tuple[Hashable, Hashable]] = (),
) -> tuple[Verdict, ...]:
    """A verdict per mentor, in the order given, for the pupil ``pupil_id`` (one of ``pupils``).

    ``fixed`` are the other pupils' current matches, kept as they are (the pupil's own match, if
    given, is left out: the question is where else the pupil could go); a match with a mentor not
    in ``mentors`` is ignored (it uses no place offered). ``forbidden`` as in ``engine.solve``.
    """
    by_id = {p.id: p for p in pupils}
    if pupil_id not in by_id:
        raise ValueError(f"pupil {pupil_id!r} is not among the pupils")
    offered = {m.id for m in mentors}
    held = [m for m in fixed if m.pupil_id != pupil_id and m.mentor_id in offered]
    # Only the pupil and those whose sessions are held matter: other pupils change nothing here.
    names = [pupil_id, *dict.fromkeys(m.pupil_id for m in held if m.pupil_id in by_id)]
    held = [m for m in held if m.pupil_id in by_id]
    ix = engine._Index([by_id[x] for x in names], mentors)
    locks = engine._Locks(ix, engine._caller_locks(ix, held))
    banned = {m for p, m in forbidden if p == pupil_id}
    keys = np.array([ix.m_of[m] for m in banned if m in ix.m_of], dtype=np.int64)  # i = 0
    pairs = engine._feasible_pairs(ix, locks, keys, weights)
    feasible = set(pairs.m[pairs.p == 0].tolist())
    return tuple(
        _verdict(ix, locks, j, j in feasible, mentor.id in banned, weights)
        for j, mentor in enumerate(ix.mentors)
    )


def _verdict(
    ix: engine._Index,
    locks: engine._Locks,
    j: int,
    feasible: bool,
    banned: bool,
    w: engine.Weights,
) -> Verdict:
    """The first rule that stops mentor ``j`` taking pupil 0, or where the pupil would sit."""
    mentor = ix.mentors[j]
    shared = ix.p_slot_sets[0] & ix.m_slot_sets[j]
    common = [a for a in ix.m_area_sets[j] if ix.p_level[0, a]]
    if not common:
        return Verdict(mentor.id, None, SUBJECT_AREA)
    if not ix.options(0, j, w):
        return Verdict(
            mentor.id,
            None,
            LEVEL,
            {
                "levels": sorted({int(ix.p_level[0, a]) for a in common}),
                "min": mentor.level_min,
                "max": mentor.level_max,
            },
        )
    if not shared:
        return Verdict(mentor.id, None, NO_SHARED_TIME)
    if banned:
        return Verdict(mentor.id, None, FORBIDDEN)
    if locks.cap_left[j] <= 0:
        return Verdict(
            mentor.id,
            None,
            CAPACITY_FULL,
            {"used": int(locks.per_mentor[j]), "capacity": mentor.capacity},
        )
    if feasible:
        packing = engine._pack_sessions(ix, locks, j, [0], w)
        if 0 in packing.placed:
            t, a = packing.placed[0]
            return Verdict(mentor.id, _fit(ix, locks, j, t, a, w))
    return _times_reason(ix, locks, j, sorted(shared), w)


def _fit(
    ix: engine._Index, locks: engine._Locks, j: int, t: int, a: int, w: engine.Weights
) -> engine.Match:
    """The match as the engine scores it: joining a held group at slot ``t``, or alone."""
    pupil, mentor = ix.pupils[0], ix.mentors[j]
    session = locks.sessions.get((j, t))
    members = session.members if session else []
    key = next((locks.keys[x] for x in members if locks.keys.get(x)), None)
    area_id = list(ix.area_of)[a]
    parts = engine._match_parts(pupil, mentor, area_id, len(members) + 1, key, w)
    return engine.Match(
        pupil.id, mentor.id, area_id, ix.slot_ids[t], key, engine._points(parts), tuple(parts)
    )


def _times_reason(
    ix: engine._Index, locks: engine._Locks, j: int, shared: list[int], w: engine.Weights
) -> Verdict:
    """Every shared time holds a session the pupil cannot join: say which kind stopped them."""
    mentor = ix.mentors[j]
    detail: dict[str, Any] = {"shared": len(shared)}
    if engine._kind(ix.pupils[0], mentor) == engine.GRP:
        opts = ix.options(0, j, w)
        groups = [
            s
            for t in shared
            if (s := locks.sessions.get((j, t))) is not None and s.open and s.area < ix.A
        ]
        fitting = [s for s in groups if _level_fits(ix, s, opts)]
        if any(len(s.members) >= mentor.max_group_size for s in fitting):
            return Verdict(mentor.id, None, GROUP_FULL, {**detail, "size": mentor.max_group_size})
        if groups:
            return Verdict(mentor.id, None, NO_GROUP_FITS, detail)
    return Verdict(mentor.id, None, TIMES_TAKEN, detail)


def _level_fits(ix: engine._Index, s: engine._Session, opts: list[tuple[int, int, int]]) -> bool:
    """The pupil's level fits this group's level window, as the engine decides who may join a
    held group (``engine._Locks``: the window ``{low, low + 1}`` holding every member)."""
    levels = [int(ix.p_level[x, s.area]) for x in s.members]
    if min(levels) < engine.MIN_LEVEL or max(levels) - min(levels) > 1:
        return False
    low = min(min(levels), engine.MAX_LEVEL - 1)
    return any(a == s.area and low <= lv <= low + 1 for a, lv, _ in opts)


def best_alternative(
    verdicts: Iterable[Verdict], current_mentor_id: Hashable | None
) -> Verdict | None:
    """The possible mentor other than the current one with the highest score (the first in the
    given order on a tie), or None if there is none."""
    best: Verdict | None = None
    for v in verdicts:
        if v.fit is None or v.mentor_id == current_mentor_id:
            continue
        if best is None or v.fit.score > best.fit.score:  # type: ignore[union-attr]
            best = v
    return best
