"""Acknowledged early-warning flags: a flag stays shown, with who looked at it and their note."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from mentorhub.extensions import db
from mentorhub.timeutil import utcnow


class FlagAcknowledgement(db.Model):
    """`key` tells flags of the same code apart (a goal's id for goal flags, else "")."""

    __tablename__ = "flag_acknowledgements"
    __table_args__ = (sa.Index("ix_flag_ack_pupil", "pupil_id", "code", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    pupil_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"))
    code: Mapped[str] = mapped_column(sa.String(40))
    key: Mapped[str] = mapped_column(sa.String(40), default="")
    note: Mapped[str] = mapped_column(sa.Text)
    acknowledged_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL")
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    acknowledged_by = relationship("User", foreign_keys=[acknowledged_by_id], lazy="joined")
