"""In-app notifications. Stored as a kind and parameters, rendered in the reader's language."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from mentorhub.extensions import db
from mentorhub.timeutil import utcnow

if TYPE_CHECKING:  # named by string below: notifications import no domain
    from mentorhub.accounts.models import User


class Notification(db.Model):
    __tablename__ = "notifications"
    __table_args__ = (sa.Index("ix_notifications_user_unread", "user_id", "read_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(sa.String(40))
    params: Mapped[dict[str, Any]] = mapped_column(sa.JSON, default=dict)
    link: Mapped[str] = mapped_column(sa.String(300), default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    read_at: Mapped[datetime | None]
    # When its mail was written to the outbox (None: not yet, or not to be mailed): the job
    # `notifications.mail` run twice for one notification mails it once.
    mailed_at: Mapped[datetime | None]
    # The recipient, for mailing (loaded on purpose, never lazily in a loop).
    user: Mapped[User] = relationship("User", lazy="raise")
