"""Nominations: a teacher's case for a pupil, the guardian record, and its history."""

from __future__ import annotations

import enum
from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from mentorhub.extensions import db
from mentorhub.timeutil import utcnow


class Status(enum.StrEnum):
    SUBMITTED = "submitted"
    NEEDS_INFO = "needs_info"
    APPROVED = "approved"
    DECLINED = "declined"


class Nomination(db.Model):
    __tablename__ = "nominations"
    __table_args__ = (
        # A pupil can only be nominated once per term.
        sa.UniqueConstraint("term_id", "pupil_email", name="uq_nominations_term_pupil"),
        sa.Index("ix_nominations_status_term", "status", "term_id"),
        # The list, newest first a page at a time: read in order, not all sorted per page.
        sa.Index("ix_nominations_created", "created_at", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    term_id: Mapped[int] = mapped_column(sa.ForeignKey("terms.id"))
    school_id: Mapped[int] = mapped_column(sa.ForeignKey("schools.id"), index=True)
    nominated_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"), index=True)
    nominator_relation: Mapped[str] = mapped_column(sa.String(20))
    status: Mapped[str] = mapped_column(sa.String(20), default=Status.SUBMITTED.value)

    pupil_name: Mapped[str] = mapped_column(sa.String(120))
    pupil_email: Mapped[str] = mapped_column(sa.String(254))
    year: Mapped[int]
    class_name: Mapped[str] = mapped_column(sa.String(20), default="")
    profile: Mapped[str] = mapped_column(sa.String(20))
    strengths: Mapped[str] = mapped_column(sa.Text, default="")
    interests: Mapped[str] = mapped_column(sa.Text, default="")
    prefers_group: Mapped[bool] = mapped_column(default=False)

    guardian_informed_on: Mapped[date | None]
    guardian_consent: Mapped[bool | None]
    guardian_recorded_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))

    decision_note: Mapped[str] = mapped_column(sa.Text, default="")
    decided_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    decided_at: Mapped[datetime | None]
    pupil_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    school = relationship("School", lazy="joined")
    term = relationship("Term", lazy="joined")
    nominated_by = relationship("User", foreign_keys=[nominated_by_id], lazy="joined")
    guardian_recorded_by = relationship("User", foreign_keys=[guardian_recorded_by_id])
    subjects: Mapped[list[NominationSubject]] = relationship(
        cascade="all, delete-orphan", lazy="selectin", order_by="NominationSubject.subject_area_id"
    )
    slots: Mapped[list[NominationSlot]] = relationship(
        cascade="all, delete-orphan", lazy="selectin", order_by="NominationSlot.slot"
    )
    events: Mapped[list[NominationEvent]] = relationship(
        cascade="all, delete-orphan", order_by="NominationEvent.id"
    )

    @property
    def slot_ids(self) -> list[str]:
        return [s.slot for s in self.slots]


class NominationSubject(db.Model):
    __tablename__ = "nomination_subjects"

    nomination_id: Mapped[int] = mapped_column(
        sa.ForeignKey("nominations.id", ondelete="CASCADE"), primary_key=True
    )
    subject_area_id: Mapped[int] = mapped_column(
        sa.ForeignKey("subject_areas.id"), primary_key=True
    )
    level: Mapped[int]
    challenge: Mapped[str] = mapped_column(sa.Text, default="")

    subject_area = relationship("SubjectArea", lazy="joined")


class NominationSlot(db.Model):
    __tablename__ = "nomination_slots"

    nomination_id: Mapped[int] = mapped_column(
        sa.ForeignKey("nominations.id", ondelete="CASCADE"), primary_key=True
    )
    slot: Mapped[str] = mapped_column(sa.String(8), primary_key=True)


class NominationEvent(db.Model):
    """One step in a nomination's history: submitted, more asked, answered, decided, edited."""

    __tablename__ = "nomination_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    nomination_id: Mapped[int] = mapped_column(
        sa.ForeignKey("nominations.id", ondelete="CASCADE"), index=True
    )
    author_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    kind: Mapped[str] = mapped_column(sa.String(20))
    body: Mapped[str] = mapped_column(sa.Text, default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    author = relationship("User", lazy="joined")
