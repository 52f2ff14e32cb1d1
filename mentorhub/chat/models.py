"""Chat messages, numbered per room, and reports about them."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from mentorhub.extensions import db
from mentorhub.timeutil import utcnow


class Message(db.Model):
    __tablename__ = "messages"
    __table_args__ = (
        sa.UniqueConstraint("room_id", "seq", name="uq_messages_room_seq"),
        # A retry with the same client_id stores one message: the constraint guarantees it.
        sa.UniqueConstraint("room_id", "author_id", "client_id", name="uq_messages_client"),
        # A pupil's latest message and their messages this term (the progress review and the
        # pupil page), without reading every message of the region.
        sa.Index("ix_messages_author", "author_id", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    room_id: Mapped[int] = mapped_column(sa.ForeignKey("rooms.id", ondelete="CASCADE"))
    seq: Mapped[int]
    author_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    client_id: Mapped[str] = mapped_column(sa.String(64))
    body: Mapped[str] = mapped_column(sa.Text)
    html: Mapped[str] = mapped_column(sa.Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    hidden_at: Mapped[datetime | None]
    hidden_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    hidden_reason: Mapped[str] = mapped_column(sa.Text, default="")
    # An image message: the body is its caption (maybe empty).
    image_id: Mapped[int | None] = mapped_column(sa.ForeignKey("chat_images.id"))

    author = relationship("User", foreign_keys=[author_id], lazy="joined")
    image = relationship("ChatImage", lazy="joined")


class ReportStatus:
    """Where a report stands: open until the room's mentor hides the message or dismisses it."""

    OPEN = "open"
    HIDDEN = "hidden"
    DISMISSED = "dismissed"


class MessageReport(db.Model):
    __tablename__ = "message_reports"
    __table_args__ = (sa.Index("ix_message_reports_status", "status"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    message_id: Mapped[int] = mapped_column(
        sa.ForeignKey("messages.id", ondelete="CASCADE"), index=True
    )
    reporter_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    reason: Mapped[str] = mapped_column(sa.Text, default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    status: Mapped[str] = mapped_column(sa.String(12), default=ReportStatus.OPEN)
    handled_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL")
    )
    handled_at: Mapped[datetime | None]

    message = relationship("Message", lazy="joined")
    reporter = relationship("User", foreign_keys=[reporter_id], lazy="joined")
    handled_by = relationship("User", foreign_keys=[handled_by_id], lazy="joined")


class ReadPosition(db.Model):
    """How far the room's mentor has read (pupils keep theirs on RoomMember)."""

    __tablename__ = "read_positions"

    room_id: Mapped[int] = mapped_column(
        sa.ForeignKey("rooms.id", ondelete="CASCADE"), primary_key=True
    )
    user_id: Mapped[int] = mapped_column(
        sa.ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    last_read_seq: Mapped[int] = mapped_column(default=0)
