"""The history of a term's matching runs, for the coordinator: every run with its inputs'
summary and its figures, newest first, and two runs side by side with their differences and
how many pupils got a different mentor (docs/architecture.md, "Matching: the runs kept").

Counts only, never a pupil's name: the pages need no audit entry. Each page is a fixed number
of queries, however many runs the term has.
"""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import defer, undefer

from mentorhub.accounts.models import User
from mentorhub.extensions import db
from mentorhub.matching.models import MatchingRun, RunStatus
from mentorhub.programme.models import SubjectArea, Term


@dataclass(frozen=True)
class RunRow:
    """A run as the list shows it: the run, who started it, and the run before it that is
    done (for "compare with the previous"), if there is one."""

    run: MatchingRun
    run_by: str
    previous_id: int | None

    @property
    def done(self) -> bool:
        return self.run.status == RunStatus.DONE.value

    @property
    def area_count(self) -> int | None:
        ids = self.run.subject_area_ids
        return None if ids is None else len(ids)


def _with_names(query: sa.Select) -> list[tuple[MatchingRun, str | None]]:
    return [
        (run, name)
        for run, name in db.session.execute(
            query.add_columns(User.name).outerjoin(User, User.id == MatchingRun.run_by_id)
        ).all()
    ]


def runs_of(term: Term) -> list[RunRow]:
    """The term's runs, newest first, in one query (with who started each). The proposal's
    pairs and the unassigned pupils are not loaded: the list shows counts only, and touching
    them would raise rather than load them one run at a time."""
    rows = _with_names(
        sa.select(MatchingRun)
        .where(MatchingRun.term_id == term.id)
        .options(
            defer(MatchingRun.pairs, raiseload=True),
            defer(MatchingRun.unassigned, raiseload=True),
        )
        .order_by(MatchingRun.id.desc())
    )
    result: list[RunRow] = []
    # oldest first, so each run knows the last done run before it
    previous: int | None = None
    for run, name in reversed(rows):
        result.append(RunRow(run, name or "", previous))
        if run.status == RunStatus.DONE.value:
            previous = run.id
    return result[::-1]


@dataclass(frozen=True)
class Figure:
    """One figure of two runs side by side: the earlier run's, the later one's and the
    difference (later minus earlier), None where a run has none."""

    label: str
    earlier: float | int | None
    later: float | int | None
    decimals: int = 0

    @property
    def difference(self) -> float | int | None:
        if self.earlier is None or self.later is None:
            return None
        # rounded as shown, and + 0 so that a tiny fall never reads "-0"
        return round(self.later - self.earlier, self.decimals) + 0


@dataclass(frozen=True)
class Changes:
    """How the two proposals differ, in pupils: matched in both to a different mentor, to the
    same mentor, and matched in only one of the two."""

    other_mentor: int
    same_mentor: int
    only_earlier: int
    only_later: int


@dataclass(frozen=True)
class Comparison:
    earlier: RunRow
    later: RunRow
    figures: list[Figure]
    areas_earlier: list[str]
    areas_later: list[str]
    changes: Changes | None  # None: a run kept no proposal (it failed, or ran before 0016)


def _changes(earlier: list[list[int]] | None, later: list[list[int]] | None) -> Changes | None:
    if earlier is None or later is None:
        return None
    a = {pupil: mentor for pupil, mentor in earlier}
    b = {pupil: mentor for pupil, mentor in later}
    both = a.keys() & b.keys()
    other = sum(a[p] != b[p] for p in both)
    return Changes(
        other_mentor=other,
        same_mentor=len(both) - other,
        only_earlier=len(a.keys() - b.keys()),
        only_later=len(b.keys() - a.keys()),
    )


def _figures(a: MatchingRun, b: MatchingRun, areas: tuple[int | None, int | None]) -> list[Figure]:
    def pair(label, column: str, decimals: int = 0) -> Figure:
        return Figure(str(label), getattr(a, column), getattr(b, column), decimals)

    return [
        pair(_l("Pupils considered"), "pupil_count"),
        pair(_l("Mentors with an offer"), "offer_count"),
        pair(_l("Places offered"), "capacity_total"),
        Figure(str(_l("Subject areas")), *areas),
        pair(_l("Matches kept as they were"), "kept_count"),
        pair(_l("Pupils assigned"), "assigned"),
        pair(_l("Pupils without a mentor"), "unassigned_count"),
        pair(_l("Total score"), "total_score"),
        pair(_l("Bound: pupils"), "bound_assigned"),
        pair(_l("Bound: score"), "bound_score"),
        pair(_l("Gap to the bound, pupils (%)"), "gap_percent", 1),
        pair(_l("Gap to the bound, score (%)"), "score_gap_percent", 1),
        pair(_l("Engine time (s)"), "engine_seconds", 2),
    ]


def compare(first: MatchingRun, second: MatchingRun) -> Comparison:
    """Two runs side by side, the earlier one first, in two queries: both runs with who
    started them and their proposals' pairs, and the names of their subject areas."""
    earlier_id, later_id = sorted((first.id, second.id))
    loaded = {
        run.id: (run, name)
        for run, name in _with_names(
            sa.select(MatchingRun)
            .where(MatchingRun.id.in_((earlier_id, later_id)))
            .options(undefer(MatchingRun.pairs), defer(MatchingRun.unassigned, raiseload=True))
        )
    }
    (a, a_name), (b, b_name) = loaded[earlier_id], loaded[later_id]
    ids = set(a.subject_area_ids or []) | set(b.subject_area_ids or [])
    names = dict(
        db.session.execute(
            sa.select(SubjectArea.id, SubjectArea.name).where(SubjectArea.id.in_(ids))
        ).all()
    )
    earlier, later = (
        RunRow(a, a_name or "", None),
        RunRow(b, b_name or "", None),
    )
    return Comparison(
        earlier=earlier,
        later=later,
        figures=_figures(a, b, (earlier.area_count, later.area_count)),
        areas_earlier=sorted(names.get(i, "?") for i in a.subject_area_ids or []),
        areas_later=sorted(names.get(i, "?") for i in b.subject_area_ids or []),
        changes=_changes(a.pairs, b.pairs),
    )
