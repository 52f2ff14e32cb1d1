"""Meetings in a room (one-off or a weekly series, stored one row per occurrence), attendance
per pupil, and the version behind each person's secret calendar-feed address."""

from __future__ import annotations

import enum
from datetime import date, datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from mentorhub.extensions import db
from mentorhub.timeutil import utcnow


class AttendanceStatus(enum.StrEnum):
    PRESENT = "present"
    LATE = "late"
    ABSENT_WITH_NOTICE = "absent_with_notice"
    ABSENT = "absent"


class MeetingSeries(db.Model):
    """What a weekly series (or a one-off, a series of one) was scheduled as.

    Occurrences are materialised as `Meeting` rows when scheduled, so each can be edited,
    cancelled and have attendance of its own; the series keeps the rule for "edit the series".
    """

    __tablename__ = "meeting_series"

    id: Mapped[int] = mapped_column(primary_key=True)
    room_id: Mapped[int] = mapped_column(sa.ForeignKey("rooms.id", ondelete="CASCADE"), index=True)
    created_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL")
    )
    title: Mapped[str] = mapped_column(sa.String(160))
    weekly: Mapped[bool] = mapped_column(default=False)
    # Local (Europe/Stockholm) wall-clock start of the first occurrence, naive.
    first_local: Mapped[datetime]
    until: Mapped[date | None]  # the last local day a weekly series may run on
    duration_minutes: Mapped[int] = mapped_column(default=45)
    video_url: Mapped[str] = mapped_column(sa.String(500), default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    room = relationship("Room", lazy="joined")


class Meeting(db.Model):
    """One occurrence. Times are naive UTC like every timestamp; shown in Europe/Stockholm.

    `sequence` counts changes (iCalendar SEQUENCE), so calendars replace the old version of the
    event with the same UID rather than adding a second one.
    """

    __tablename__ = "meetings"
    __table_args__ = (
        sa.Index("ix_meetings_room_start", "room_id", "starts_at"),
        sa.Index("ix_meetings_start", "starts_at"),
        sa.CheckConstraint("duration_minutes > 0", name="positive_duration"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    series_id: Mapped[int] = mapped_column(
        sa.ForeignKey("meeting_series.id", ondelete="CASCADE"), index=True
    )
    room_id: Mapped[int] = mapped_column(sa.ForeignKey("rooms.id", ondelete="CASCADE"))
    title: Mapped[str] = mapped_column(sa.String(160))
    starts_at: Mapped[datetime]
    duration_minutes: Mapped[int] = mapped_column(default=45)
    video_url: Mapped[str] = mapped_column(sa.String(500), default="")
    cancelled_at: Mapped[datetime | None]
    sequence: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    series = relationship("MeetingSeries", lazy="joined")
    room = relationship("Room", lazy="joined")
    attendance: Mapped[list[Attendance]] = relationship(
        cascade="all, delete-orphan", lazy="selectin"
    )

    @property
    def ends_at(self) -> datetime:
        return self.starts_at + timedelta(minutes=self.duration_minutes)

    @property
    def cancelled(self) -> bool:
        return self.cancelled_at is not None

    @property
    def uid(self) -> str:
        """Stable across edits: the calendar event's identity."""
        return f"meeting-{self.id}@mentorhub"


class Attendance(db.Model):
    """A pupil's attendance at one meeting, as the mentor recorded it (edits are audited)."""

    __tablename__ = "attendance"
    __table_args__ = (sa.Index("ix_attendance_pupil", "pupil_id", "meeting_id"),)

    meeting_id: Mapped[int] = mapped_column(
        sa.ForeignKey("meetings.id", ondelete="CASCADE"), primary_key=True
    )
    pupil_id: Mapped[int] = mapped_column(
        sa.ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    status: Mapped[str] = mapped_column(sa.String(24))
    recorded_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL")
    )
    recorded_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    pupil = relationship("User", foreign_keys=[pupil_id], lazy="joined")


class CalendarFeed(db.Model):
    """The version behind a person's feed address; regenerating bumps it, so old links die.

    The address carries an HMAC of (user, version) made with the app's secret key, so nothing
    secret is stored and the person can see their address again at any time.
    """

    __tablename__ = "calendar_feeds"

    user_id: Mapped[int] = mapped_column(
        sa.ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    version: Mapped[int] = mapped_column(default=1)
    regenerated_at: Mapped[datetime] = mapped_column(default=utcnow)
