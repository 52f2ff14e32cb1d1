"""The stored image row: one per uploaded image, whichever domain it came with."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from mentorhub.extensions import db
from mentorhub.timeutil import utcnow


class ChatImage(db.Model):
    """An uploaded image, re-encoded without metadata, stored under UPLOAD_FOLDER.

    Named for where images came first: the audit log stores entries about it as "ChatImage"."""

    __tablename__ = "chat_images"

    id: Mapped[int] = mapped_column(primary_key=True)
    room_id: Mapped[int] = mapped_column(sa.ForeignKey("rooms.id", ondelete="CASCADE"), index=True)
    uploader_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    stored_name: Mapped[str] = mapped_column(sa.String(80), unique=True)
    content_type: Mapped[str] = mapped_column(sa.String(40))
    width: Mapped[int]
    height: Mapped[int]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
