"""Matching (journey 3) around the pure engine: load pupils and offers, run, store, adjust,
confirm and notify.

Confirmed and locked matches are handed to the engine as fixed, so re-running is stable for pupils
already working with a mentor and only places the rest.
"""

from __future__ import annotations

import time
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import defaultload, lazyload

from mentorhub import audit, offload, policy
from mentorhub.accounts.models import User
from mentorhub.errors import DomainError
from mentorhub.extensions import db
from mentorhub.matching import engine, why_not
from mentorhub.matching.models import Match, MatchingRun, MatchStatus, MentorOffer, RunStatus
from mentorhub.matching.offers import offers, offers_query
from mentorhub.nominations.models import Nomination, Status
from mentorhub.notifications import services as notifications
from mentorhub.pagination import Page, paginate, paginate_rows
from mentorhub.programme.models import Term
from mentorhub.pupils.models import PupilLevel, PupilProfile, PupilSlot, StaffLink
from mentorhub.rooms import services as rooms
from mentorhub.timeutil import utcnow


def _approved_pupil_ids(term: Term) -> list[int]:
    return list(db.session.scalars(_approved_pupils(term)))


def match_row(term_id: int, m: engine.Match, *, locked: bool = False) -> Match:
    """The stored proposal for one of the engine's matches."""
    return Match(
        term_id=term_id,
        pupil_id=m.pupil_id,
        mentor_id=m.mentor_id,
        subject_area_id=m.subject_area_id,
        slot=m.slot_id,
        group_key=m.group_key,
        score=m.score,
        reasons=[dict(r) for r in m.reasons],
        locked=locked,
    )


def _approved_pupils(term: Term) -> sa.Select:
    """The pupils approved for the term whose accounts are active (their ids)."""
    return (
        sa.select(Nomination.pupil_id)
        .join(User, User.id == Nomination.pupil_id)
        .where(
            Nomination.term_id == term.id,
            Nomination.status == Status.APPROVED.value,
            User.active.is_(True),
        )
    )


def _engine_pupils(pupil_ids: list[int]) -> dict[int, engine.Pupil]:
    """Every pupil's levels, times and preference, in three queries whatever their number."""
    levels: dict[int, dict[int, int]] = defaultdict(dict)
    for row in db.session.scalars(sa.select(PupilLevel).where(PupilLevel.pupil_id.in_(pupil_ids))):
        levels[row.pupil_id][row.subject_area_id] = row.level
    slots: dict[int, list[str]] = defaultdict(list)
    for row in db.session.scalars(sa.select(PupilSlot).where(PupilSlot.pupil_id.in_(pupil_ids))):
        slots[row.pupil_id].append(row.slot)
    profiles = {
        p.user_id: p
        for p in db.session.scalars(
            sa.select(PupilProfile).where(PupilProfile.user_id.in_(pupil_ids))
        )
    }
    schools = dict(
        db.session.execute(sa.select(User.id, User.school_id).where(User.id.in_(pupil_ids))).all()
    )
    return {
        pid: engine.Pupil(
            id=pid,
            school_id=schools.get(pid) or 0,
            levels=dict(levels[pid]),
            slots=frozenset(slots[pid]),
            prefers_group=bool(profiles[pid].prefers_group) if pid in profiles else False,
        )
        for pid in pupil_ids
    }


def _engine_mentor(offer: MentorOffer) -> engine.Mentor:
    return engine.Mentor(
        id=offer.mentor_id,
        subject_area_ids=frozenset(offer.subject_area_ids),
        level_min=offer.level_min,
        level_max=offer.level_max,
        capacity=offer.capacity,
        max_group_size=offer.max_group_size,
        slots=frozenset(offer.slot_ids),
    )


def _term_matches(term: Term) -> list[Match]:
    return list(db.session.scalars(sa.select(Match).where(Match.term_id == term.id)))


def _fixed(match: Match) -> bool:
    return match.locked or match.status == MatchStatus.CONFIRMED.value


@dataclass(frozen=True)
class Loaded:
    """What the engine is given for a term, as plain values (they outlive the transaction that
    read them: a background run reads, commits its progress, then solves)."""

    pupils: dict[int, engine.Pupil]
    mentors: list[engine.Mentor]
    locked: list[engine.Match]


def load(term: Term) -> Loaded:
    """The term's approved pupils, the mentors' offers and the matches kept as they are."""
    pupils = _engine_pupils(_approved_pupil_ids(term))
    mentors = [_engine_mentor(o) for o in offers(term)]
    offered = {mentor.id for mentor in mentors}
    locked = [
        engine.Match(
            m.pupil_id, m.mentor_id, m.subject_area_id, m.slot, m.group_key, m.score, (), True
        )
        for m in _term_matches(term)
        if _fixed(m) and m.pupil_id in pupils and m.mentor_id in offered
    ]
    return Loaded(pupils, mentors, locked)


def solve(loaded: Loaded, on_stage: Callable[[str], None] | None = None) -> engine.Assignment:
    """Run the engine on what `load` read (no database): the long part of a run. The exact
    mode (`engine.solve_exact`: the fast engine, then CP-SAT over the whole model from its
    answer) for terms up to MATCHING_EXACT_MAX_PUPILS pupils, searching at most
    MATCHING_EXACT_SECONDS; above that size the fast engine's answer stands."""
    if loaded.mentors and loaded.pupils:
        config = current_app.config
        seconds = float(config.get("MATCHING_EXACT_SECONDS", engine.EXACT_SECONDS))
        max_pupils = int(config.get("MATCHING_EXACT_MAX_PUPILS", engine.EXACT_MAX_PUPILS))
        pupils = list(loaded.pupils.values())

        def search(tell: Callable[[str], None]) -> engine.Assignment:
            return engine.solve_exact(
                pupils,
                loaded.mentors,
                engine.Weights(),
                locked=loaded.locked,
                seconds=seconds,
                max_pupils=max_pupils,
                on_stage=tell,
            )

        # In a web worker (the pilot's inline job) the search runs beside the worker's other
        # greenlets, not in their way: seconds of CP-SAT would stop every page and socket.
        return offload.in_native_thread(search, on_stage)
    # nothing to solve: every pupil waits for a mentor offer
    return engine.Assignment(
        outcomes=tuple(engine.Unassigned(pid, "no_mentor_for_subject") for pid in loaded.pupils),
        feasible_pairs=0,
    )


def note_inputs(record: MatchingRun, loaded: Loaded) -> None:
    """The run's inputs' summary, counts only: what a later look at the run needs to explain
    its result (a failed run keeps it too, once it has loaded them)."""
    record.pupil_count = len(loaded.pupils)
    record.offer_count = len(loaded.mentors)
    record.capacity_total = sum(m.capacity for m in loaded.mentors)
    areas = {a for p in loaded.pupils.values() for a in p.levels}
    areas.update(a for m in loaded.mentors for a in m.subject_area_ids)
    record.subject_area_ids = sorted(areas)
    record.kept_count = len(loaded.locked)


def _percent_below(bound: int, reached: int) -> float:
    return 100.0 * (bound - reached) / bound if bound > 0 else 0.0


def note_figures(record: MatchingRun, result: engine.Assignment, seconds: float | None) -> None:
    """What the run reached, beside the tightest bound the engine proves on it
    (lexicographically: fewest pupils, then lowest score). The stage-1 and slot bounds are over
    the pupils not kept as they were, so the kept matches are added to them to compare with the
    whole result; the exact mode's bound is on the whole result already. The score's gap is
    only given where the pupils reach the bound: below it, the bound's score (at more pupils)
    proves nothing about the score at fewer."""
    assigned, score = engine.objective(result)
    record.assigned, record.total_score = assigned, score
    record.unassigned_count = len(result.unassigned)
    record.engine_seconds = seconds
    record.pairs = sorted([m.pupil_id, m.mentor_id] for m in result.matches)
    record.optimal, record.exact_status = result.optimal, result.exact_status
    if result.stage1_bound is None:  # nothing to solve: no bound was computed
        record.bound_kind = record.bound_assigned = record.bound_score = None
        record.gap_percent = record.score_gap_percent = None
        return
    kept = [m for m in result.matches if m.locked]
    kept_value = (len(kept), sum(m.score for m in kept))
    bounds = [
        ((b[0] + kept_value[0], b[1] + kept_value[1]), kind)
        for b, kind in ((result.stage1_bound, "stage1"), (result.slot_bound, "slot"))
        if b is not None
    ]
    if result.exact_bound is not None:
        bounds.append((result.exact_bound, "exact"))
    (record.bound_assigned, record.bound_score), record.bound_kind = min(bounds)
    record.gap_percent = _percent_below(record.bound_assigned, assigned)
    record.score_gap_percent = (
        _percent_below(record.bound_score, score) if assigned == record.bound_assigned else None
    )


def store(
    actor: User,
    term: Term,
    loaded: Loaded,
    result: engine.Assignment,
    record: MatchingRun,
    seconds: float | None = None,
) -> MatchingRun:
    """Replace the term's proposals with the engine's, in the caller's transaction: confirmed
    and locked matches stay (re-read here, so one confirmed while the engine ran is kept), the
    rooms of a pupil no longer approved end, and `record` gets the run's inputs' summary and
    figures (`seconds`: the engine's time), in the same transaction as the proposal."""
    existing = _term_matches(term)
    kept = [m for m in existing if _fixed(m) and m.pupil_id in loaded.pupils]
    ended = [(m.pupil_id, m.mentor_id) for m in existing if m not in kept and _fixed(m)]
    for match in existing:
        if match not in kept:
            db.session.delete(match)
    db.session.flush()
    rooms.end_memberships_of(actor, ended)  # pupils no longer approved: their rooms end too
    kept_ids = {m.pupil_id for m in kept}
    db.session.add_all(match_row(term.id, m) for m in result.matches if m.pupil_id not in kept_ids)
    record.unassigned = [{"pupil_id": u.pupil_id, "reason": u.reason} for u in result.unassigned]
    note_inputs(record, loaded)
    note_figures(record, result, seconds)
    db.session.add(record)
    db.session.flush()
    audit.record(actor, "matching.run", record, assigned=record.assigned)
    return record


def run(actor: User, term: Term) -> MatchingRun:
    """Run the engine for the term now, in the caller's transaction: keep confirmed and locked
    matches, replace proposals. The coordinator's button runs it as a job instead
    (`mentorhub/matching/runs.py`); the demo and the tests call this."""
    now = utcnow()
    loaded = load(term)
    began = time.perf_counter()
    result = solve(loaded)
    seconds = time.perf_counter() - began
    record = MatchingRun(
        term_id=term.id,
        run_by_id=actor.id,
        status=RunStatus.DONE.value,
        created_at=now,
        started_at=now,
        finished_at=utcnow(),
    )
    return store(actor, term, loaded, result, record, seconds)


def confirm(actor: User, term: Term) -> int:
    """Confirm every proposal and notify the pupil, the mentor and the pupil's staff."""
    proposed = [m for m in _term_matches(term) if m.status == MatchStatus.PROPOSED.value]
    if not proposed:
        raise DomainError(_l("There are no proposed matches to confirm."))
    links: dict[int, list[User]] = defaultdict(list)
    for link in db.session.scalars(
        sa.select(StaffLink).where(StaffLink.pupil_id.in_([m.pupil_id for m in proposed]))
    ):
        links[link.pupil_id].append(link.staff)
    now = utcnow()
    for match in proposed:
        match.status, match.confirmed_at = MatchStatus.CONFIRMED.value, now
        params = {
            "pupil": match.pupil.name,
            "mentor": match.mentor.name,
            "area": match.subject_area.name,
        }
        notifications.notify([match.pupil], "match.confirmed.pupil", params, "/", email=True)
        notifications.notify([match.mentor], "match.confirmed.mentor", params, "/", email=True)
        notifications.notify(
            links[match.pupil_id], "match.confirmed.staff", params, "/", email=True
        )
    audit.record(actor, "matching.confirm", term, count=len(proposed))
    return len(proposed)


def toggle_lock(actor: User, match: Match) -> None:
    match.locked = not match.locked
    audit.record(actor, "match.lock" if match.locked else "match.unlock", match, person=match.pupil)


def remove(actor: User, match: Match) -> None:
    """Remove a match; the pupil leaves that mentor's rooms at once (history kept)."""
    audit.record(actor, "match.remove", match, person=match.pupil, mentor_id=match.mentor_id)
    pupil_id, mentor_id = match.pupil_id, match.mentor_id
    db.session.delete(match)
    db.session.flush()
    rooms.end_memberships(actor, pupil_id, mentor_id)


@dataclass
class MoveOption:
    mentor_id: int
    mentor_name: str
    feasible: bool
    score: int
    reasons: list[dict[str, Any]]
    why_not: str
    fit: engine.Match | None = None

    @property
    def label(self) -> str:
        return f"{self.mentor_name} ({self.score})"


def _mentor_load(term_id: int) -> tuple[dict[int, int], dict[int, set[str]]]:
    """Per mentor: how many pupils they have this term, and the times already taken."""
    load: dict[int, int] = defaultdict(int)
    busy: dict[int, set[str]] = defaultdict(set)
    for mentor_id, slot in db.session.execute(
        sa.select(Match.mentor_id, Match.slot).where(Match.term_id == term_id)
    ):
        load[mentor_id] += 1
        if slot:
            busy[mentor_id].add(slot)
    return load, busy


def move_options(match: Match) -> list[MoveOption]:
    """Every other mentor with an offer, with the score the pupil would get there, best first."""
    pupil = _engine_pupils([match.pupil_id])[match.pupil_id]
    load, busy = _mentor_load(match.term_id)
    term = db.session.get(Term, match.term_id)
    options = []
    for offer in offers(term):
        if offer.mentor_id == match.mentor_id:
            continue
        fit = engine.evaluate_pair(
            pupil, _engine_mentor(offer), engine.Weights(), taken_slots=busy[offer.mentor_id]
        )
        why_not = ""
        if fit is None:
            why_not = str(_l("Does not fit the pupil's subject, level or free times."))
        elif load[offer.mentor_id] >= offer.capacity:
            why_not, fit = str(_l("Has no free place.")), None
        options.append(
            MoveOption(
                mentor_id=offer.mentor_id,
                mentor_name=offer.mentor.name,
                feasible=fit is not None,
                score=fit.score if fit else 0,
                reasons=[dict(r) for r in fit.reasons] if fit else [],
                why_not=why_not,
                fit=fit,
            )
        )
    return sorted(options, key=lambda o: (not o.feasible, -o.score, o.mentor_name))


def move(actor: User, match: Match, mentor_id: int) -> None:
    """Move a pupil to another mentor by hand, in an individual session at a free shared time.
    The match is locked, so a re-run keeps it."""
    option = next((o for o in move_options(match) if o.mentor_id == mentor_id), None)
    if option is None or not option.feasible:
        raise DomainError(_l("That mentor cannot take this pupil."), field="mentor_id")
    fit, old = option.fit, match.mentor_id
    match.mentor_id, match.subject_area_id = mentor_id, fit.subject_area_id
    match.slot, match.group_key = fit.slot_id, None
    match.score, match.reasons = fit.score, [dict(r) for r in fit.reasons]
    match.locked = True
    match.status = MatchStatus.PROPOSED.value
    audit.record(
        actor, "match.move", match, person=match.pupil, old_mentor=old, new_mentor=mentor_id
    )
    db.session.flush()
    rooms.end_memberships(actor, match.pupil_id, old)  # moved: the old mentor's rooms end


@dataclass
class MentorRow:
    mentor: User
    capacity: int
    matches: list[Match]


@dataclass
class Overview:
    pupil_count: int
    offer_count: int
    confirmed_count: int
    proposed_count: int
    last_run: MatchingRun | None  # the last run that finished
    last_run_by: str
    latest_run: MatchingRun | None  # the last one started: it may be queued, running or failed
    by_mentor: list[MentorRow]  # the mentors on this page
    mentors_page: Page
    unassigned: list[dict[str, Any]]  # the pupils still waiting on this page of them
    waiting_page: Page


MENTORS_PER_PAGE = 25
WAITING_PER_PAGE = 50


def overview(term: Term, page: int = 1, waiting_page: int = 1) -> Overview:
    """Everything the matching page shows, in a fixed number of queries: the counts for the
    whole term, the mentors a page at a time and the pupils still waiting a page at a time (a
    region has thousands of mentors and hundreds waiting; all of them on one page took seconds
    to build and megabytes to send)."""
    # The page names the mentors and pupils and says each offer's places: their roles and the
    # offers' subject areas and times (a selectin statement each) are left to load if asked.
    mentors = paginate(
        offers_query(term).options(
            defaultload(MentorOffer.mentor).lazyload(User.role_rows),
            lazyload(MentorOffer.subjects),
            lazyload(MentorOffer.slots),
        ),
        page,
        per_page=MENTORS_PER_PAGE,
    )
    mentor_ids = [o.mentor_id for o in mentors.items]
    matches = list(
        db.session.scalars(
            sa.select(Match)
            .options(
                defaultload(Match.pupil).lazyload(User.role_rows),
                defaultload(Match.mentor).lazyload(User.role_rows),
            )
            .where(Match.term_id == term.id, Match.mentor_id.in_(mentor_ids))
            .order_by(Match.group_key, Match.id)
        )
    )
    by_mentor: dict[int, list[Match]] = defaultdict(list)
    for m in matches:
        by_mentor[m.mentor_id].append(m)
    counts = dict(
        db.session.execute(
            sa.select(Match.status, sa.func.count())
            .where(Match.term_id == term.id)
            .group_by(Match.status)
        ).all()
    )
    latest = db.session.scalars(
        sa.select(MatchingRun)
        .where(MatchingRun.term_id == term.id)
        .order_by(MatchingRun.id.desc())
        .limit(1)
    ).first()
    last_run = latest
    if latest is not None and latest.status != RunStatus.DONE.value:
        last_run = db.session.scalars(
            sa.select(MatchingRun)
            .where(MatchingRun.term_id == term.id, MatchingRun.status == RunStatus.DONE.value)
            .order_by(MatchingRun.id.desc())
            .limit(1)
        ).first()
    # The approved pupils with their match this term if any (at most one: one per pupil and
    # term), counted in one statement: all of them, and those still waiting. One join, not an
    # IN over a second join of users (which took twice as long at region size).
    approved = _approved_pupils(term).outerjoin(
        Match, sa.and_(Match.term_id == term.id, Match.pupil_id == Nomination.pupil_id)
    )
    pupil_count, waiting_count = db.session.execute(
        approved.with_only_columns(sa.func.count(), sa.func.count() - sa.func.count(Match.id))
    ).one()
    # Only the id and name of those still waiting (hundreds in a region, not whole accounts).
    waiting = paginate_rows(
        approved.with_only_columns(User.id, User.name)
        .where(Match.id.is_(None))
        .order_by(User.name, User.id),
        waiting_page,
        per_page=WAITING_PER_PAGE,
        total=waiting_count,
    )
    reasons = {u["pupil_id"]: u["reason"] for u in (last_run.unassigned if last_run else [])}
    run_by = db.session.get(User, last_run.run_by_id) if last_run and last_run.run_by_id else None
    return Overview(
        pupil_count=pupil_count,
        offer_count=mentors.total,
        confirmed_count=counts.get(MatchStatus.CONFIRMED.value, 0),
        proposed_count=counts.get(MatchStatus.PROPOSED.value, 0),
        last_run=last_run,
        last_run_by=run_by.name if run_by else "",
        latest_run=latest,
        by_mentor=[
            MentorRow(o.mentor, o.capacity, by_mentor.get(o.mentor_id, [])) for o in mentors.items
        ],
        mentors_page=mentors,
        unassigned=[
            {"pupil": pupil, "reason": reasons.get(pupil.id, "not_run")} for pupil in waiting.items
        ],
        waiting_page=waiting,
    )


@dataclass(frozen=True)
class MentorVerdict:
    """One mentor with an offer, and what "why not?" says about them for the pupil."""

    mentor: User
    verdict: why_not.Verdict


@dataclass(frozen=True)
class WhyNot:
    """The "why not?" page: the pupil's match now (if any), the last run's reason for a pupil
    left without one, the mentors who could take them (best first, the current one left out)
    and those who could not (by name), and the best alternative to the current match."""

    pupil: User
    current: Match | None
    unassigned_reason: str | None
    possible: list[MentorVerdict]
    impossible: list[MentorVerdict]
    best: MentorVerdict | None


def why_not_for(actor: User, term: Term, pupil: User) -> WhyNot | None:
    """For a pupil approved or matched in the term: every mentor with an offer and whether they
    could take the pupil now, everyone else's match kept as it is (`why_not.explain`); None for a
    pupil not in the term's matching. A fixed number of queries, however many mentors; the
    coordinator's look at the pupil's levels and times is logged."""
    matches = _term_matches(term)
    current = next((m for m in matches if m.pupil_id == pupil.id), None)
    if current is None and pupil.id not in _approved_pupil_ids(term):
        return None
    term_offers = offers(term)
    pupils = _engine_pupils(sorted({pupil.id} | {m.pupil_id for m in matches}))
    fixed = [
        engine.Match(
            m.pupil_id, m.mentor_id, m.subject_area_id, m.slot, m.group_key, m.score, (), True
        )
        for m in matches
        if m.pupil_id != pupil.id
    ]
    verdicts = why_not.explain(
        pupil.id,
        list(pupils.values()),
        [_engine_mentor(o) for o in term_offers],
        engine.Weights(),
        fixed=fixed,
    )
    rows = [MentorVerdict(o.mentor, v) for o, v in zip(term_offers, verdicts, strict=True)]
    current_mentor = current.mentor_id if current else None
    best = why_not.best_alternative(verdicts, current_mentor)
    reason = None
    if current is None:
        last = _last_done_run(term)
        reasons = {u["pupil_id"]: u["reason"] for u in (last.unassigned if last else [])}
        reason = reasons.get(pupil.id, "not_run")
    audit.record(actor, "matching.why_not.view", pupil, person=pupil)
    return WhyNot(
        pupil=pupil,
        current=current,
        unassigned_reason=reason,
        possible=sorted(
            (r for r in rows if r.verdict.possible and r.mentor.id != current_mentor),
            key=lambda r: (-r.verdict.fit.score, r.mentor.name),
        ),
        impossible=[r for r in rows if not r.verdict.possible and r.mentor.id != current_mentor],
        best=next((r for r in rows if best is not None and r.verdict is best), None),
    )


def _last_done_run(term: Term) -> MatchingRun | None:
    return db.session.scalars(
        sa.select(MatchingRun)
        .where(MatchingRun.term_id == term.id, MatchingRun.status == RunStatus.DONE.value)
        .order_by(MatchingRun.id.desc())
        .limit(1)
    ).first()


def mentor_of(pupil: User, term: Term | None) -> Match | None:
    """The pupil's confirmed match this term, for their start page."""
    if term is None:
        return None
    return db.session.scalars(
        sa.select(Match).where(
            Match.term_id == term.id,
            Match.pupil_id == pupil.id,
            Match.status == MatchStatus.CONFIRMED.value,
        )
    ).first()


def pupils_of(mentor: User) -> list[Match]:
    """The mentor's current matches (confirmed, in a term that has not ended), grouped by
    session: the pupils whose page `policy.cares_for` opens to them, no more and no fewer."""
    return list(
        db.session.scalars(policy.current_matches_of(mentor).order_by(Match.slot, Match.group_key))
    )


def linked_pupils(staff: User) -> list[tuple[User, Match | None]]:
    """Pupils linked to a home teacher or special-needs educator (the links `policy.cares_for`
    counts), each with their current match: the one in the earliest-starting term that has
    not ended, so the term under way is shown before the next one."""
    pupils = list(
        db.session.scalars(
            sa.select(User).where(User.id.in_(policy.linked_pupil_ids(staff))).order_by(User.name)
        ).unique()
    )
    matches: dict[int, Match] = {}
    if pupils:
        for m in db.session.scalars(
            policy.current_mentor_matches(Match)
            .where(Match.pupil_id.in_([p.id for p in pupils]))
            .order_by(Term.starts_on, Match.id)
        ):
            matches.setdefault(m.pupil_id, m)
    return [(p, matches.get(p.id)) for p in pupils]
