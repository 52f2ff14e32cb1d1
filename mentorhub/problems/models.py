"""The problem bank, problems posted into rooms, hints opened, attempts and level changes."""

from __future__ import annotations

import enum
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from mentorhub.extensions import db
from mentorhub.timeutil import utcnow

LEVELS = (1, 2, 3, 4, 5)


class CheckKind(enum.StrEnum):
    FREE = "free"  # free text, the mentor assesses it
    EXACT = "exact"  # the answer must match the stored text (case and spacing ignored)
    NUMERIC = "numeric"  # a number within the tolerance


class AttemptStatus(enum.StrEnum):
    NEW = "new"  # waiting for the mentor
    SOLVED = "solved"
    NOT_YET = "not_yet"


class Problem(db.Model):
    """A mentor's problem. Statement and extensions are stored as source and as sanitised HTML."""

    __tablename__ = "problems"
    __table_args__ = (sa.Index("ix_problems_mentor", "mentor_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    mentor_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"))
    subject_area_id: Mapped[int] = mapped_column(sa.ForeignKey("subject_areas.id"), index=True)
    title: Mapped[str] = mapped_column(sa.String(160))
    statement: Mapped[str] = mapped_column(sa.Text)
    statement_html: Mapped[str] = mapped_column(sa.Text)
    extensions: Mapped[str] = mapped_column(sa.Text, default="")
    extensions_html: Mapped[str] = mapped_column(sa.Text, default="")
    levels: Mapped[list[int]] = mapped_column(sa.JSON, default=list)
    tags: Mapped[str] = mapped_column(sa.String(300), default="")
    check_kind: Mapped[str] = mapped_column(sa.String(10), default=CheckKind.FREE.value)
    answer: Mapped[str] = mapped_column(sa.String(200), default="")
    tolerance: Mapped[float | None]
    shared: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    mentor = relationship("User", lazy="joined")
    subject_area = relationship("SubjectArea", lazy="joined")
    hints: Mapped[list[ProblemHint]] = relationship(
        cascade="all, delete-orphan", order_by="ProblemHint.position", lazy="selectin"
    )

    @property
    def tag_list(self) -> list[str]:
        return [t for t in (s.strip() for s in self.tags.split(",")) if t]


class ProblemHint(db.Model):
    __tablename__ = "problem_hints"

    id: Mapped[int] = mapped_column(primary_key=True)
    problem_id: Mapped[int] = mapped_column(sa.ForeignKey("problems.id", ondelete="CASCADE"))
    position: Mapped[int]  # 1, 2, 3, ...: the order they are revealed in
    body: Mapped[str] = mapped_column(sa.Text)
    html: Mapped[str] = mapped_column(sa.Text)


class ProblemPost(db.Model):
    """A problem posted into a room, to everyone or to chosen pupils, each at a level."""

    __tablename__ = "problem_posts"
    __table_args__ = (sa.Index("ix_problem_posts_room", "room_id", "created_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    problem_id: Mapped[int] = mapped_column(sa.ForeignKey("problems.id"), index=True)
    room_id: Mapped[int] = mapped_column(sa.ForeignKey("rooms.id", ondelete="CASCADE"))
    posted_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    to_everyone: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    problem = relationship("Problem", lazy="joined")
    room = relationship("Room", lazy="joined")
    targets: Mapped[list[PostTarget]] = relationship(cascade="all, delete-orphan", lazy="selectin")

    def level_for(self, pupil_id: int) -> int | None:
        return next((t.level for t in self.targets if t.pupil_id == pupil_id), None)


class PostTarget(db.Model):
    """A pupil the problem was posted to, and the level they work at."""

    __tablename__ = "problem_post_targets"

    post_id: Mapped[int] = mapped_column(
        sa.ForeignKey("problem_posts.id", ondelete="CASCADE"), primary_key=True
    )
    pupil_id: Mapped[int] = mapped_column(
        sa.ForeignKey("users.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    level: Mapped[int]

    pupil = relationship("User", lazy="joined")


class HintReveal(db.Model):
    """Who opened which hint (by position) of a posted problem, and when."""

    __tablename__ = "hint_reveals"

    post_id: Mapped[int] = mapped_column(
        sa.ForeignKey("problem_posts.id", ondelete="CASCADE"), primary_key=True
    )
    pupil_id: Mapped[int] = mapped_column(
        sa.ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    position: Mapped[int] = mapped_column(primary_key=True)
    opened_at: Mapped[datetime] = mapped_column(default=utcnow)

    pupil = relationship("User", lazy="joined")


class Attempt(db.Model):
    """A pupil's attempt at a posted problem, its automatic check and the mentor's feedback."""

    __tablename__ = "attempts"
    __table_args__ = (
        sa.Index("ix_attempts_post", "post_id", "created_at"),
        sa.Index("ix_attempts_pupil", "pupil_id", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    post_id: Mapped[int] = mapped_column(sa.ForeignKey("problem_posts.id", ondelete="CASCADE"))
    pupil_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"))
    level: Mapped[int]
    answer: Mapped[str] = mapped_column(sa.String(200), default="")
    body: Mapped[str] = mapped_column(sa.Text, default="")
    html: Mapped[str] = mapped_column(sa.Text, default="")
    correct: Mapped[bool | None]  # the automatic check; None for free text
    status: Mapped[str] = mapped_column(sa.String(10), default=AttemptStatus.NEW.value)
    feedback: Mapped[str] = mapped_column(sa.Text, default="")
    feedback_html: Mapped[str] = mapped_column(sa.Text, default="")
    feedback_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL")
    )
    feedback_at: Mapped[datetime | None]
    # An optional image with the attempt (re-encoded, stored like chat images).
    image_id: Mapped[int | None] = mapped_column(sa.ForeignKey("chat_images.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    post = relationship("ProblemPost", lazy="joined")
    image = relationship("ChatImage", lazy="joined")
    pupil = relationship("User", foreign_keys=[pupil_id], lazy="joined")
    feedback_by = relationship("User", foreign_keys=[feedback_by_id], lazy="joined")


class LevelChange(db.Model):
    """History of a pupil's level in a subject area: from, to, why, by whom, when."""

    __tablename__ = "level_changes"
    __table_args__ = (sa.Index("ix_level_changes_pupil", "pupil_id", "created_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    pupil_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"))
    subject_area_id: Mapped[int] = mapped_column(sa.ForeignKey("subject_areas.id"))
    from_level: Mapped[int | None]
    to_level: Mapped[int]
    reason: Mapped[str] = mapped_column(sa.Text)
    changed_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL")
    )
    attempt_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("attempts.id", ondelete="SET NULL")
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    subject_area = relationship("SubjectArea", lazy="joined")
    changed_by = relationship("User", foreign_keys=[changed_by_id], lazy="joined")
