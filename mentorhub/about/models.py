"""Feedback on the service's accessibility, sent by anyone (signed in or not) through the form
the accessibility statement links to, and read by the coordinators."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from mentorhub.extensions import db
from mentorhub.timeutil import utcnow

MAX_MESSAGE = 2000
MAX_EMAIL = 254


class AccessibilityFeedback(db.Model):
    __tablename__ = "accessibility_feedback"

    id: Mapped[int] = mapped_column(primary_key=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    message: Mapped[str] = mapped_column(sa.Text)
    # Where to answer, only if the sender asked for an answer ("" otherwise).
    reply_to: Mapped[str] = mapped_column(sa.String(MAX_EMAIL), default="")
    # Who sent it when signed in; the feedback stays when the account goes.
    user_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))

    user = relationship("User", foreign_keys=[user_id], lazy="joined")
