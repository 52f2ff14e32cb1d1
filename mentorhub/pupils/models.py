"""A pupil in the programme: profile, current level per subject area, meeting times, and the
staff at their own school who are linked to them."""

from __future__ import annotations

import enum
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from mentorhub.extensions import db
from mentorhub.timeutil import utcnow


class Profile(enum.StrEnum):
    GIFTED = "gifted"  # särskilt begåvad
    HIGH_PERFORMING = "high_performing"  # högpresterande


class LinkRelation(enum.StrEnum):
    HOME_TEACHER = "home_teacher"
    SPECIAL_EDUCATOR = "special_educator"


class PupilProfile(db.Model):
    __tablename__ = "pupil_profiles"

    user_id: Mapped[int] = mapped_column(
        sa.ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    year: Mapped[int]
    class_name: Mapped[str] = mapped_column(sa.String(20), default="")
    profile: Mapped[str] = mapped_column(sa.String(20))
    strengths: Mapped[str] = mapped_column(sa.Text, default="")
    interests: Mapped[str] = mapped_column(sa.Text, default="")
    prefers_group: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    user = relationship("User", lazy="joined")


class PupilLevel(db.Model):
    """The pupil's current level (1–5) in one subject area and the challenge they need."""

    __tablename__ = "pupil_levels"

    pupil_id: Mapped[int] = mapped_column(
        sa.ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    subject_area_id: Mapped[int] = mapped_column(
        sa.ForeignKey("subject_areas.id"), primary_key=True
    )
    level: Mapped[int]
    challenge: Mapped[str] = mapped_column(sa.Text, default="")
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)

    subject_area = relationship("SubjectArea", lazy="joined")


class PupilSlot(db.Model):
    __tablename__ = "pupil_slots"

    pupil_id: Mapped[int] = mapped_column(
        sa.ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    slot: Mapped[str] = mapped_column(sa.String(8), primary_key=True)


class StaffLink(db.Model):
    """Ties a pupil to a home teacher or special-needs educator: relationships decide access."""

    __tablename__ = "staff_links"

    pupil_id: Mapped[int] = mapped_column(
        sa.ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    staff_id: Mapped[int] = mapped_column(
        sa.ForeignKey("users.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    relation: Mapped[str] = mapped_column(sa.String(20), primary_key=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    staff = relationship("User", foreign_keys=[staff_id], lazy="joined")
