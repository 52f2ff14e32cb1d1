"""Task rooms: a mentor's individual or group room per subject area, and who is in it."""

from __future__ import annotations

import enum
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from mentorhub.extensions import db
from mentorhub.timeutil import utcnow


class RoomKind(enum.StrEnum):
    INDIVIDUAL = "individual"
    GROUP = "group"


class Room(db.Model):
    __tablename__ = "rooms"
    __table_args__ = (sa.Index("ix_rooms_mentor", "mentor_id", "archived_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    mentor_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    subject_area_id: Mapped[int] = mapped_column(sa.ForeignKey("subject_areas.id"))
    kind: Mapped[str] = mapped_column(sa.String(20))
    name: Mapped[str] = mapped_column(sa.String(120))
    description: Mapped[str] = mapped_column(sa.Text, default="")
    # The last chat sequence number handed out; taken under a row lock so commit order is seq order.
    last_seq: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    archived_at: Mapped[datetime | None]

    mentor = relationship("User", lazy="joined")
    subject_area = relationship("SubjectArea", lazy="joined")
    members: Mapped[list[RoomMember]] = relationship(
        lazy="selectin",
        primaryjoin="and_(Room.id == RoomMember.room_id, RoomMember.removed_at.is_(None))",
        viewonly=True,
    )

    @property
    def archived(self) -> bool:
        return self.archived_at is not None


class RoomMember(db.Model):
    """A pupil's membership. Removal keeps the row (and the history) but ends access at once."""

    __tablename__ = "room_members"
    __table_args__ = (sa.Index("ix_room_members_user", "user_id", "removed_at"),)

    room_id: Mapped[int] = mapped_column(
        sa.ForeignKey("rooms.id", ondelete="CASCADE"), primary_key=True
    )
    user_id: Mapped[int] = mapped_column(
        sa.ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    added_at: Mapped[datetime] = mapped_column(default=utcnow)
    removed_at: Mapped[datetime | None]
    last_read_seq: Mapped[int] = mapped_column(default=0)

    user = relationship("User", lazy="joined")
