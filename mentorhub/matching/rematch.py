"""Rematch with little disruption (issue 16): mid-term, rerun matching for the affected pupils
only, everyone else's match (and so their rooms and history) kept as it is.

The coordinator picks who is affected: pupils without a confirmed match, the pupils of a mentor
who left or took fewer places, and pupils whose current match no longer keeps the engine's hard
rules (their times or levels changed; `misfits` finds them). The engine then runs with every
other current match locked (`engine.solve(locked=...)`), so nobody else can move.

With moves allowed, the other matches of the mentors an affected pupil could go to are set free
as well (the rest stay locked), and a move is kept only if it places more pupils: each move is
tried undone, one at a time, and stays undone unless that places fewer (`_fewest_moves`). The
preview says who changes, the extra moves and the gain against the run without moves.

The preview is run in the request: at pilot sizes (a few hundred pupils) a run with everyone but
the affected locked takes a few hundredths of a second; `docs/architecture.md` says so.

Applying repeats the plan from the database in one transaction and refuses if the inputs or the
outcome differ from what the preview showed (`Plan.inputs`, `Plan.digest`), so an out-of-date
preview changes nothing. Changed matches are proposed and locked, as a move by hand is
(`services.move`): "Confirm" on the matching page then notifies those concerned; a pupil whose
mentor changes leaves the old mentor's rooms at once, history kept, as `rooms.end_memberships`
does, here for all of them in two queries.
"""

from __future__ import annotations

import hashlib
import json
import time
from collections.abc import Iterable
from dataclasses import dataclass

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from mentorhub import audit
from mentorhub.accounts.models import User
from mentorhub.errors import DomainError
from mentorhub.extensions import db
from mentorhub.matching import engine, services
from mentorhub.matching.models import (
    ACTIVE_RUN,
    RUN_STAGES,
    Match,
    MatchingRun,
    MatchStatus,
    MentorOffer,
    RunKind,
    RunStatus,
)
from mentorhub.matching.offers import offers
from mentorhub.matching.services import (
    _approved_pupil_ids,
    _engine_mentor,
    _engine_pupils,
    _term_matches,
    match_row,
)
from mentorhub.programme.models import Term
from mentorhub.rooms import services as rooms
from mentorhub.timeutil import utcnow

# Why a current match no longer keeps the engine's hard rules (engine module docstring).
MENTOR_LEFT = "mentor_left"  # the mentor has no offer this term any more (or left)
AREA_DROPPED = "area_dropped"  # the mentor no longer takes the match's subject area
LEVEL_CHANGED = "level_changed"  # the pupil's level there is outside the mentor's span
TIME_CHANGED = "time_changed"  # the session's time is no longer free for pupil or mentor
GROUP_CHANGED = "group_changed"  # in a group, but the pupil no longer prefers groups


def _undo_tries(pupils: int) -> int:
    """How many moves are tried undone one by one (past that the rest are shown as they are):
    each try is an engine run, about 0.03 s at 300 pupils and 0.4 s at 3,000, so the preview
    stays near a second. A count, not a clock, so preview and apply reach the same plan."""
    return max(3, min(25, 6000 // max(pupils, 1)))


@dataclass(frozen=True)
class Misfit:
    """A pupil whose current match breaks a hard rule, and the first rule it breaks."""

    match: Match
    reason: str


@dataclass(frozen=True)
class MentorChoice:
    """A mentor with matches this term: their places used and offered (None: no offer now)."""

    mentor: User
    used: int
    capacity: int | None


@dataclass(frozen=True)
class Choices:
    """What the rematch page offers to pick from."""

    unmatched: list[User]  # approved pupils without a confirmed match
    mentors: list[MentorChoice]
    misfits: list[Misfit]


@dataclass(frozen=True)
class Change:
    """One pupil whose match changes: from `old` (None: had none) to `new` (None: left without
    one, for `reason`). `affected` is False for another pupil moved to make room."""

    pupil: User
    old: Match | None
    new: engine.Match | None
    new_mentor: User | None
    affected: bool
    reason: str | None = None


@dataclass(frozen=True)
class Summary:
    """A rematch's inputs, counted as a run's are (MatchingRun's inputs' summary)."""

    pupils: int
    offers: int
    capacity: int
    areas: list[int]
    held: int


@dataclass(frozen=True)
class Plan:
    """A previewed rematch: who changes, how many are placed, and the fingerprints apply checks."""

    affected_ids: tuple[int, ...]
    mentor_ids: tuple[int, ...]
    allow_moves: bool
    changes: list[Change]
    kept: list[User]  # affected pupils whose match stays as it is
    waiting: list[Change]  # affected pupils without a match who still get none, with why
    assigned: int  # pupils placed (all in the run, kept ones included)
    score: int
    gain: tuple[int, int] | None  # with moves allowed: (more placed, more points) than without
    inputs: str
    digest: str
    result: engine.Assignment  # the engine's answer the plan comes from (for the run kept)
    summary: Summary  # what the engine was given, counted (for the run kept)
    seconds: float  # the engine's time

    @property
    def moves(self) -> list[Change]:
        return [c for c in self.changes if not c.affected]

    @property
    def unassigned(self) -> list[Change]:
        """Affected pupils left without a match (losing one, or still waiting), with why."""
        return [c for c in self.changes if c.new is None] + self.waiting


def _breaks(match: Match, pupil: engine.Pupil, mentor: engine.Mentor | None) -> str | None:
    """The first hard rule the match breaks now, or None (engine module docstring's rules)."""
    if mentor is None:
        return MENTOR_LEFT
    if match.subject_area_id not in mentor.subject_area_ids:
        return AREA_DROPPED
    level = pupil.levels.get(match.subject_area_id)
    if level is None or not mentor.level_min <= level <= mentor.level_max:
        return LEVEL_CHANGED
    if match.slot is None or match.slot not in pupil.slots or match.slot not in mentor.slots:
        return TIME_CHANGED
    if match.group_key and not pupil.prefers_group:
        return GROUP_CHANGED
    return None


def misfits(term: Term) -> list[Misfit]:
    """The term's matches that no longer keep the hard rules, by pupil name: a fixed number of
    queries however many there are."""
    matches = _term_matches(term)
    mentors = {o.mentor_id: _engine_mentor(o) for o in offers(term)}
    pupils = _engine_pupils(sorted({m.pupil_id for m in matches}))
    found = []
    for m in matches:
        reason = _breaks(m, pupils[m.pupil_id], mentors.get(m.mentor_id))
        if reason is not None:
            found.append(Misfit(m, reason))
    return sorted(found, key=lambda f: (f.match.pupil.name, f.match.pupil_id))


def choices(actor: User, term: Term) -> Choices:
    """The pupils and mentors the coordinator may pick as affected. Shows pupils' names and
    matches, so the look is logged."""
    matches = _term_matches(term)
    confirmed = {m.pupil_id for m in matches if m.status == MatchStatus.CONFIRMED.value}
    waiting = [pid for pid in _approved_pupil_ids(term) if pid not in confirmed]
    unmatched = list(
        db.session.scalars(sa.select(User).where(User.id.in_(waiting)).order_by(User.name))
    )
    term_offers = {o.mentor_id: o for o in offers(term)}
    used: dict[int, int] = {}
    for m in matches:
        used[m.mentor_id] = used.get(m.mentor_id, 0) + 1
    people = {u.id: u for u in db.session.scalars(sa.select(User).where(User.id.in_(list(used))))}
    mentors = sorted(
        (
            MentorChoice(people[mid], n, term_offers[mid].capacity if mid in term_offers else None)
            for mid, n in used.items()
            if mid in people
        ),
        key=lambda c: (c.mentor.name, c.mentor.id),
    )
    audit.record(actor, "matching.rematch.view", term, pupils=len(unmatched) + len(matches))
    return Choices(unmatched, mentors, misfits(term))


def _ids(values: Iterable[object], message: str, field: str) -> list[int]:
    try:
        return sorted({int(v) for v in values if str(v).strip()})  # type: ignore[call-overload]
    except (TypeError, ValueError):
        raise DomainError(message, field=field) from None


def affected(
    term: Term, pupil_ids: Iterable[object], mentor_ids: Iterable[object]
) -> tuple[tuple[int, ...], tuple[int, ...]]:
    """The pupils picked, plus every pupil of the mentors picked, checked against the term:
    a pupil neither approved nor matched this term, or a mentor without matches this term, is
    refused with a message saying so."""
    pupils = _ids(pupil_ids, _l("Choose pupils from the list."), "pupil_id")
    mentors = _ids(mentor_ids, _l("That mentor is not in this term's matching."), "mentor_id")
    matches = _term_matches(term)
    known = set(_approved_pupil_ids(term)) | {m.pupil_id for m in matches}
    if any(p not in known for p in pupils):
        raise DomainError(_l("That pupil is not in this term's matching."), field="pupil_id")
    with_matches = {m.mentor_id for m in matches}
    if any(m not in with_matches for m in mentors):
        raise DomainError(_l("That mentor is not in this term's matching."), field="mentor_id")
    chosen = set(pupils) | {m.pupil_id for m in matches if m.mentor_id in set(mentors)}
    if not chosen:
        raise DomainError(_l("Choose at least one pupil or mentor to rematch."), field="pupil_id")
    return tuple(sorted(chosen)), tuple(mentors)


def _no_run_under_way(term: Term) -> None:
    """A matching run under way replaces the proposals when it ends, from what it read before
    this rematch: the two could give one mentor's time twice, so a rematch waits for it."""
    running = db.session.scalar(
        sa.select(MatchingRun.id)
        .where(MatchingRun.term_id == term.id, MatchingRun.status.in_(ACTIVE_RUN))
        .limit(1)
    )
    if running is not None:
        raise DomainError(_l("A matching run is under way. Rematch when it has finished."))


def _as_engine(m: Match) -> engine.Match:
    return engine.Match(
        m.pupil_id, m.mentor_id, m.subject_area_id, m.slot, m.group_key, m.score, (), True
    )


def _same(m: Match, e: engine.Match) -> bool:
    return (m.mentor_id, m.subject_area_id, m.slot, m.group_key) == (
        e.mentor_id,
        e.subject_area_id,
        e.slot_id,
        e.group_key,
    )


def _changes(now: Match | None, then: engine.Match | engine.Unassigned) -> bool:
    """Whether the run's outcome for a pupil differs from their match now."""
    if isinstance(then, engine.Unassigned):
        return now is not None
    return now is None or not _same(now, then)


def _solve(
    pupils: dict[int, engine.Pupil], mentors: list[engine.Mentor], locked: list[engine.Match]
) -> engine.Assignment:
    if not mentors:
        return engine.Assignment(
            tuple(engine.Unassigned(p, engine.NO_MENTOR_FOR_SUBJECT) for p in pupils), 0
        )
    return engine.solve(list(pupils.values()), mentors, engine.Weights(), locked=locked)


def _moved(result: engine.Assignment, loose: dict[int, Match]) -> list[int]:
    """The other pupils (set free for moves) the result moves or leaves without a match."""
    out = {o.pupil_id: o for o in result.outcomes}
    return [
        pid
        for pid, m in loose.items()
        if not isinstance(out[pid], engine.Match) or not _same(m, out[pid])
    ]


def _fewest_moves(
    pupils: dict[int, engine.Pupil],
    mentors: list[engine.Mentor],
    fixed: list[Match],
    loose: dict[int, Match],
    result: engine.Assignment,
) -> engine.Assignment:
    """Undo the moves that do not place more pupils: lock each moved pupil back where they were,
    one at a time, and keep it so unless the run then places fewer. Each try is one more run of
    the engine on a small problem (everyone else locked), at most `_undo_tries` of them."""
    need = len(result.matches)
    fixed, loose = list(fixed), dict(loose)
    for pid in _moved(result, loose)[: _undo_tries(len(pupils))]:
        back = fixed + [loose[pid]]
        rest = {p: m for p, m in loose.items() if p != pid}
        trial = _solve(pupils, mentors, [_as_engine(m) for m in back])
        if len(trial.matches) >= need:
            fixed, loose, result = back, rest, trial
    return result


def _fingerprint(values: object) -> str:
    return hashlib.sha256(json.dumps(values, sort_keys=True, default=str).encode()).hexdigest()


def preview(
    actor: User,
    term: Term,
    pupil_ids: Iterable[object],
    mentor_ids: Iterable[object] = (),
    *,
    allow_moves: bool = False,
    log: bool = True,
) -> Plan:
    """What a rematch of the affected pupils would change, stored nowhere. A fixed number of
    queries; one engine run (more with moves allowed, see `_fewest_moves`). Logged, as it shows
    pupils' names and matches."""
    _no_run_under_way(term)
    chosen, mentors_picked = affected(term, pupil_ids, mentor_ids)
    hit = set(chosen)
    matches = _term_matches(term)
    term_offers: list[MentorOffer] = offers(term)
    mentors = [_engine_mentor(o) for o in term_offers]
    offered = {m.id for m in mentors}
    current = {m.pupil_id: m for m in matches}
    # Everyone else's match is held: with a mentor without an offer it uses no place offered,
    # so it is left out of the run altogether (and stays as it is).
    held = [m for m in matches if m.pupil_id not in hit and m.mentor_id in offered]
    pupils = _engine_pupils(sorted(hit | {m.pupil_id for m in held}))
    inputs = _fingerprint(
        {
            "matches": sorted(
                (m.id, m.pupil_id, m.mentor_id, m.subject_area_id, m.slot, m.group_key, m.status)
                for m in matches
            ),
            # sorted, never a set's order: that changes with each process's hash seed, and the
            # preview and the apply may be answered by different workers
            "mentors": sorted(
                (
                    m.id,
                    sorted(m.subject_area_ids),
                    m.level_min,
                    m.level_max,
                    m.capacity,
                    m.max_group_size,
                    sorted(m.slots),
                )
                for m in mentors
            ),
            "pupils": [
                (p.id, sorted(p.levels.items()), sorted(p.slots), p.prefers_group)
                for p in pupils.values()
            ],
            "affected": chosen,
            "moves": allow_moves,
        }
    )
    began = time.perf_counter()
    base = _solve(pupils, mentors, [_as_engine(m) for m in held])
    result, gain = base, None
    if allow_moves:
        near = {
            m.id
            for m in mentors
            if any(engine.stage1_pair_score(pupils[p], m, engine.Weights()) for p in chosen)
        }
        loose = {m.pupil_id: m for m in held if m.mentor_id in near}
        fixed = [m for m in held if m.mentor_id not in near]
        freed = _solve(pupils, mentors, [_as_engine(m) for m in fixed])
        if len(freed.matches) > len(base.matches):
            result = _fewest_moves(pupils, mentors, fixed, loose, freed)
        gain = (
            len(result.matches) - len(base.matches),
            sum(m.score for m in result.matches) - sum(m.score for m in base.matches),
        )
    seconds = time.perf_counter() - began
    outcomes = {o.pupil_id: o for o in result.outcomes}
    changed = [pid for pid, o in outcomes.items() if _changes(current.get(pid), o)]
    wanted = (
        hit | set(changed) | {o.mentor_id for o in outcomes.values() if isinstance(o, engine.Match)}
    )
    people = {u.id: u for u in db.session.scalars(sa.select(User).where(User.id.in_(wanted)))}
    changes = []
    for pid in sorted(changed, key=lambda p: (people[p].name, p)):
        o = outcomes[pid]
        new = o if isinstance(o, engine.Match) else None
        changes.append(
            Change(
                pupil=people[pid],
                old=current.get(pid),
                new=new,
                new_mentor=people.get(new.mentor_id) if new else None,
                affected=pid in hit,
                reason=None if new else o.reason,
            )
        )
    waiting = sorted(
        (
            Change(people[p], None, None, None, True, outcomes[p].reason)
            for p in hit
            if p not in current and isinstance(outcomes[p], engine.Unassigned)
        ),
        key=lambda c: (c.pupil.name, c.pupil.id),
    )
    kept = sorted(
        (people[p] for p in hit if p in current and p not in set(changed)),
        key=lambda u: (u.name, u.id),
    )
    digest = _fingerprint(
        sorted(
            (c.pupil.id, c.new.mentor_id, c.new.slot_id, c.new.group_key)
            if c.new
            else (c.pupil.id, None, None, None)
            for c in changes
        )
    )
    if log:
        for person in [*(c.pupil for c in [*changes, *waiting]), *kept]:
            audit.record(actor, "matching.rematch.view", person, moves=allow_moves)
    return Plan(
        affected_ids=chosen,
        mentor_ids=mentors_picked,
        allow_moves=allow_moves,
        changes=changes,
        kept=kept,
        waiting=waiting,
        assigned=len(result.matches),
        score=sum(m.score for m in result.matches),
        gain=gain,
        inputs=inputs,
        digest=digest,
        result=result,
        summary=Summary(
            pupils=len(pupils),
            offers=len(mentors),
            capacity=sum(m.capacity for m in mentors),
            areas=sorted(
                {a for p in pupils.values() for a in p.levels}
                | {a for m in mentors for a in m.subject_area_ids}
            ),
            held=len(held),
        ),
        seconds=seconds,
    )


def apply(
    actor: User,
    term: Term,
    pupil_ids: Iterable[object],
    mentor_ids: Iterable[object] = (),
    *,
    allow_moves: bool = False,
    inputs: str,
    digest: str,
) -> Plan:
    """Store the previewed rematch in the caller's transaction, or refuse (nothing changed) if
    the matches, offers or pupils' times changed since the preview (`inputs`), or the plan came
    out otherwise (`digest`). Only the pupils in the plan's changes are touched."""
    plan = preview(actor, term, pupil_ids, mentor_ids, allow_moves=allow_moves, log=False)
    if plan.inputs != inputs or plan.digest != digest:
        raise DomainError(
            _l(
                "The matches have changed since the preview was made, so nothing was changed. "
                "Look at the new preview and apply it if it is still right."
            )
        )
    if not plan.changes:
        raise DomainError(_l("The rematch changes nobody's match, so there is nothing to apply."))
    ended: list[tuple[int, int]] = []  # (pupil, old mentor): the pupil leaves that mentor's rooms
    logged = []  # (change, old mentor), written after the one flush of every change
    for c in plan.changes:
        old, new = c.old, c.new
        logged.append((c, old.mentor_id if old is not None else None))
        if old is not None and (new is None or new.mentor_id != old.mentor_id):
            ended.append((old.pupil_id, old.mentor_id))
        if new is None:
            if old is not None:
                db.session.delete(old)
        elif old is None:
            db.session.add(match_row(term.id, new, locked=True))
        else:
            if new.mentor_id != old.mentor_id:
                # a new mentor is told when the coordinator confirms, as after a move by hand;
                # the same mentor at a new time keeps the match's status (and the rooms)
                old.status, old.confirmed_at = MatchStatus.PROPOSED.value, None
            old.mentor_id, old.subject_area_id = new.mentor_id, new.subject_area_id
            old.slot, old.group_key, old.score = new.slot_id, new.group_key, new.score
            old.reasons, old.locked = [dict(r) for r in new.reasons], True
    db.session.flush()  # every change at once, before the log entries flush one by one
    for c, was in logged:
        audit.record(
            actor,
            "matching.rematch.apply",
            c.pupil,
            old_mentor=was,
            new_mentor=c.new.mentor_id if c.new else None,
            moved=not c.affected or None,
        )
    rooms.end_memberships_of(actor, ended)
    _keep_as_run(actor, term, plan)
    return plan


def _keep_as_run(actor: User, term: Term, plan: Plan) -> MatchingRun:
    """The applied rematch kept beside the term's runs, with its inputs' summary and figures
    as a run has them, so the coordinator can compare it with the run before it."""
    now = utcnow()
    record = MatchingRun(
        term_id=term.id,
        run_by_id=actor.id,
        kind=RunKind.REMATCH.value,
        status=RunStatus.DONE.value,
        stage=RUN_STAGES[-1],
        steps_done=len(RUN_STAGES),
        created_at=now,
        started_at=now,
        updated_at=now,
        finished_at=now,
    )
    summary = plan.summary
    record.pupil_count, record.offer_count = summary.pupils, summary.offers
    record.capacity_total, record.subject_area_ids = summary.capacity, summary.areas
    record.kept_count = summary.held
    services.note_figures(record, plan.result, plan.seconds)
    db.session.add(record)
    return record
