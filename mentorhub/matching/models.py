"""What mentors offer per term, and the matches a coordinator runs, adjusts and confirms."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from mentorhub.extensions import db
from mentorhub.timeutil import utcnow


class MentorOffer(db.Model):
    """A mentor's offer for one term: areas, level span, capacity, group size, free times."""

    __tablename__ = "mentor_offers"
    __table_args__ = (
        sa.UniqueConstraint("mentor_id", "term_id", name="uq_mentor_offers_mentor_term"),
        sa.CheckConstraint("level_min <= level_max", name="level_span"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    mentor_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"))
    term_id: Mapped[int] = mapped_column(sa.ForeignKey("terms.id"), index=True)
    level_min: Mapped[int] = mapped_column(default=1)
    level_max: Mapped[int] = mapped_column(default=5)
    capacity: Mapped[int] = mapped_column(default=6)
    max_group_size: Mapped[int] = mapped_column(default=4)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    mentor = relationship("User", lazy="joined")
    subjects: Mapped[list[MentorOfferSubject]] = relationship(
        cascade="all, delete-orphan", lazy="selectin"
    )
    slots: Mapped[list[MentorOfferSlot]] = relationship(
        cascade="all, delete-orphan", lazy="selectin"
    )

    @property
    def subject_area_ids(self) -> list[int]:
        return sorted(s.subject_area_id for s in self.subjects)

    @property
    def slot_ids(self) -> list[str]:
        return sorted(s.slot for s in self.slots)


class MentorOfferSubject(db.Model):
    __tablename__ = "mentor_offer_subjects"

    offer_id: Mapped[int] = mapped_column(
        sa.ForeignKey("mentor_offers.id", ondelete="CASCADE"), primary_key=True
    )
    subject_area_id: Mapped[int] = mapped_column(
        sa.ForeignKey("subject_areas.id"), primary_key=True
    )


class MentorOfferSlot(db.Model):
    __tablename__ = "mentor_offer_slots"

    offer_id: Mapped[int] = mapped_column(
        sa.ForeignKey("mentor_offers.id", ondelete="CASCADE"), primary_key=True
    )
    slot: Mapped[str] = mapped_column(sa.String(8), primary_key=True)


class MatchStatus(enum.StrEnum):
    PROPOSED = "proposed"
    CONFIRMED = "confirmed"


class Match(db.Model):
    """A pupil's mentor for a term. Proposed by a run; kept as it is once confirmed or locked."""

    __tablename__ = "matches"
    __table_args__ = (
        sa.UniqueConstraint("term_id", "pupil_id", name="uq_matches_term_pupil"),
        sa.Index("ix_matches_mentor_term", "mentor_id", "term_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    term_id: Mapped[int] = mapped_column(sa.ForeignKey("terms.id"))
    pupil_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"))
    mentor_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"))
    subject_area_id: Mapped[int] = mapped_column(sa.ForeignKey("subject_areas.id"))
    slot: Mapped[str | None] = mapped_column(sa.String(8))
    group_key: Mapped[str | None] = mapped_column(sa.String(60))
    score: Mapped[int] = mapped_column(default=0)
    reasons: Mapped[list[dict[str, Any]]] = mapped_column(sa.JSON, default=list)
    status: Mapped[str] = mapped_column(sa.String(20), default=MatchStatus.PROPOSED.value)
    locked: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    confirmed_at: Mapped[datetime | None]

    pupil = relationship("User", foreign_keys=[pupil_id], lazy="joined")
    mentor = relationship("User", foreign_keys=[mentor_id], lazy="joined")
    subject_area = relationship("SubjectArea", lazy="joined")


class RunStatus(enum.StrEnum):
    QUEUED = "queued"
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"


ACTIVE_RUN = (RunStatus.QUEUED.value, RunStatus.RUNNING.value)


class RunKind(enum.StrEnum):
    RUN = "run"  # the whole term's matching, a job (mentorhub/matching/runs.py)
    REMATCH = "rematch"  # some pupils matched again, the rest held (mentorhub/matching/rematch.py)


# The stages a run reports, in order: its progress is the stage's place in this list.
RUN_STAGES = ("loading", "stage1", "stage2", "exact", "saving")


class MatchingRun(db.Model):
    """One run of the engine: who ran it, how far it has got (it runs as the job `matching.run`),
    and the pupils it could not place, with why. At most one run per term is queued or running:
    a unique partial index holds that rule, so two starts racing cannot both get in.

    Kept for good, so the coordinator can compare runs and explain a result later
    (`/matching/runs`): what it was given (its inputs' summary, stored once it has loaded them),
    what it reached (its figures, stored with the proposal in one transaction, and only by a
    run that is done: a failed run's figures stay empty, never a false 0) and the pairs it
    proposed (`pairs`), since the next run replaces its proposal in `matches`."""

    __tablename__ = "matching_runs"
    __table_args__ = (
        sa.Index(
            "uq_matching_runs_active_term",
            "term_id",
            unique=True,
            sqlite_where=sa.text("status IN ('queued', 'running')"),
            postgresql_where=sa.text("status IN ('queued', 'running')"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    term_id: Mapped[int] = mapped_column(sa.ForeignKey("terms.id"), index=True)
    run_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # its figures: set when it is done, empty (None) while it runs and when it failed
    assigned: Mapped[int | None]
    total_score: Mapped[int | None]
    unassigned: Mapped[list[dict[str, Any]]] = mapped_column(sa.JSON, default=list)
    status: Mapped[str] = mapped_column(
        sa.String(20), default=RunStatus.DONE.value, server_default=RunStatus.DONE.value
    )
    stage: Mapped[str | None] = mapped_column(sa.String(20))  # one of RUN_STAGES
    steps_done: Mapped[int] = mapped_column(default=0, server_default="0")
    # Why it failed, as a kind (the exception's class name): never a message, which could carry
    # a pupil's data; the page words it.
    error: Mapped[str | None] = mapped_column(sa.String(80))
    updated_at: Mapped[datetime | None]
    finished_at: Mapped[datetime | None]
    started_at: Mapped[datetime | None]  # when the job began (it may wait in the queue first)

    # its inputs' summary (counts only): the pupils it considered, the mentors' offers, their
    # places in total, the subject areas the pupils or the offers name, the matches kept as
    # they were (confirmed or locked)
    pupil_count: Mapped[int | None]
    offer_count: Mapped[int | None]
    capacity_total: Mapped[int | None]
    subject_area_ids: Mapped[list[int] | None] = mapped_column(sa.JSON)
    kept_count: Mapped[int | None]

    # the rest of its figures: the pupils left unassigned, the bound the engine proves on
    # (assigned, score) with its kind, the tightest of three ("stage1": Assignment.stage1_bound,
    # "slot": .slot_bound, both with the kept matches added; "exact": .exact_bound), the gap
    # to it in % (of pupils; of the score only where the pupils reach the bound, since below it
    # the score bound proves nothing), the engine's time in seconds
    unassigned_count: Mapped[int | None]
    bound_kind: Mapped[str | None] = mapped_column(sa.String(20))
    bound_assigned: Mapped[int | None]
    bound_score: Mapped[int | None]
    gap_percent: Mapped[float | None]
    score_gap_percent: Mapped[float | None]
    engine_seconds: Mapped[float | None]
    # the exact mode's verdict (engine.Assignment.optimal, .exact_status): proven optimal, or
    # why not ("feasible": stopped at its time limit; "too_large": above the size limit, the
    # fast engine only). None: a run before 0017, or one that did not finish.
    optimal: Mapped[bool | None]
    exact_status: Mapped[str | None] = mapped_column(sa.String(20))
    # a run of the whole term, or an applied rematch (RunKind): both kept, with their figures
    kind: Mapped[str] = mapped_column(
        sa.String(20), default=RunKind.RUN.value, server_default=RunKind.RUN.value
    )

    # the proposal as the run made it, [[pupil_id, mentor_id], ...]: the next run overwrites
    # `matches`, so comparing two runs needs their own copy. Deferred: lists never load it.
    pairs: Mapped[list[list[int]] | None] = mapped_column(sa.JSON, deferred=True)

    @property
    def active(self) -> bool:
        return self.status in ACTIVE_RUN

    @property
    def gap_to_best(self) -> float | None:
        """How far below the best possible the run may be, in %: of pupils where it placed
        fewer than the bound, else of the score; None where no bound was proven."""
        if self.gap_percent is None:
            return None
        if self.gap_percent > 0 or self.score_gap_percent is None:
            return self.gap_percent
        return self.score_gap_percent
