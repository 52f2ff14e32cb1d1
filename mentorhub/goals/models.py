"""Study-technique goals for a pupil, built together by mentor, home teacher and special-needs
educator: the goal, its timeline (creation, edits, comments, state changes), the check-ins
that rate it, and the mentor's dated "what to build up next" summaries."""

from __future__ import annotations

import enum
from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from mentorhub.extensions import db
from mentorhub.timeutil import utcnow

RATINGS = (1, 2, 3, 4)  # 1 "not yet" … 4 "it works well"


class GoalStatus(enum.StrEnum):
    ACTIVE = "active"
    REACHED = "reached"
    PAUSED = "paused"
    REPLACED = "replaced"


class Goal(db.Model):
    __tablename__ = "goals"
    __table_args__ = (sa.Index("ix_goals_pupil_status", "pupil_id", "status"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    pupil_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"))
    template: Mapped[str] = mapped_column(sa.String(40), default="")  # "" for free text
    title: Mapped[str] = mapped_column(sa.String(160))
    why: Mapped[str] = mapped_column(sa.Text, default="")
    steps: Mapped[str] = mapped_column(sa.Text, default="")
    evidence: Mapped[str] = mapped_column(sa.Text, default="")  # how progress will be seen
    target_date: Mapped[date | None]
    status: Mapped[str] = mapped_column(sa.String(12), default=GoalStatus.ACTIVE.value)
    created_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL")
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    pupil = relationship("User", foreign_keys=[pupil_id], lazy="joined")
    created_by = relationship("User", foreign_keys=[created_by_id], lazy="joined")

    @property
    def active(self) -> bool:
        return self.status == GoalStatus.ACTIVE


class GoalEvent(db.Model):
    """One entry in a goal's timeline: created, edited (with the changed fields), commented,
    or moved to another state (with a note)."""

    __tablename__ = "goal_events"
    __table_args__ = (sa.Index("ix_goal_events_goal", "goal_id", "created_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    goal_id: Mapped[int] = mapped_column(sa.ForeignKey("goals.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(sa.String(12))  # created | edited | comment | status
    author_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    body: Mapped[str] = mapped_column(sa.Text, default="")
    # For "edited": {field: [old, new]}; for "status": {"from": ..., "to": ...}.
    changes: Mapped[dict[str, Any]] = mapped_column(sa.JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    author = relationship("User", foreign_keys=[author_id], lazy="joined")


class CheckIn(db.Model):
    """A rating of an active goal, by the pupil (prompted weekly) or by staff."""

    __tablename__ = "goal_checkins"
    __table_args__ = (
        sa.Index("ix_goal_checkins_goal", "goal_id", "created_at"),
        sa.Index("ix_goal_checkins_pupil", "pupil_id", "created_at"),
        sa.CheckConstraint("rating BETWEEN 1 AND 4", name="rating_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    goal_id: Mapped[int] = mapped_column(sa.ForeignKey("goals.id", ondelete="CASCADE"))
    pupil_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"))
    author_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    rating: Mapped[int]
    comment: Mapped[str] = mapped_column(sa.Text, default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    author = relationship("User", foreign_keys=[author_id], lazy="joined")


class BuildUpSummary(db.Model):
    """The mentor's short, dated "what to build up next" for a pupil; the newest one counts,
    the older ones are kept."""

    __tablename__ = "build_up_summaries"
    __table_args__ = (sa.Index("ix_build_up_pupil", "pupil_id", "created_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    pupil_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"))
    mentor_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    body: Mapped[str] = mapped_column(sa.Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    mentor = relationship("User", foreign_keys=[mentor_id], lazy="joined")
