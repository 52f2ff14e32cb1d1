"""Concerns (oro) about a pupil: raised by linked staff, given an action plan and a responsible
person, reviewed, and closed with a note. Never shown to pupils."""

from __future__ import annotations

import enum
from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from mentorhub.extensions import db
from mentorhub.timeutil import utcnow


class ConcernCategory(enum.StrEnum):
    STUDY = "study"  # studiesituation: falling behind, not handing in
    WELLBEING = "wellbeing"  # mående, stress, perfectionism
    ATTENDANCE = "attendance"  # närvaro
    MOTIVATION = "motivation"  # motivation, understimulation
    SOCIAL = "social"  # kamratrelationer
    OTHER = "other"


class ConcernStatus(enum.StrEnum):
    OPEN = "open"
    CLOSED = "closed"


class Concern(db.Model):
    __tablename__ = "concerns"
    __table_args__ = (sa.Index("ix_concerns_pupil_status", "pupil_id", "status"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    pupil_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"))
    raised_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    category: Mapped[str] = mapped_column(sa.String(20))
    description: Mapped[str] = mapped_column(sa.Text)
    action_plan: Mapped[str] = mapped_column(sa.Text, default="")
    responsible_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL")
    )
    review_on: Mapped[date | None]
    status: Mapped[str] = mapped_column(sa.String(10), default=ConcernStatus.OPEN.value)
    closing_note: Mapped[str] = mapped_column(sa.Text, default="")
    closed_at: Mapped[datetime | None]
    closed_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    pupil = relationship("User", foreign_keys=[pupil_id], lazy="joined")
    raised_by = relationship("User", foreign_keys=[raised_by_id], lazy="joined")
    responsible = relationship("User", foreign_keys=[responsible_id], lazy="joined")
    closed_by = relationship("User", foreign_keys=[closed_by_id], lazy="joined")
    events: Mapped[list[ConcernEvent]] = relationship(
        cascade="all, delete-orphan", order_by="ConcernEvent.id", lazy="selectin"
    )

    @property
    def open(self) -> bool:
        return self.status == ConcernStatus.OPEN


class ConcernEvent(db.Model):
    """The concern's history: raised, plan set or changed, reviewed (with a note), closed."""

    __tablename__ = "concern_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    concern_id: Mapped[int] = mapped_column(
        sa.ForeignKey("concerns.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[str] = mapped_column(sa.String(12))  # raised | plan | review | closed
    author_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    body: Mapped[str] = mapped_column(sa.Text, default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    author = relationship("User", foreign_keys=[author_id], lazy="joined")
