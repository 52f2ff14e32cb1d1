"""The access log read as the data-protection officer asks for it: who has looked at a pupil's
record, when and what; or everything one staff member has looked at; within dates.

Entries are the audit trail's (`mentorhub/audit.py`). "About a pupil" means entries whose
person is the pupil (the pupil's own actions are not reads of their record). Dates are
Stockholm calendar days, both ends included. Reading the log about a pupil is itself logged.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import sqlalchemy as sa

from mentorhub import audit, policy
from mentorhub.accounts.models import Role, User, UserRole
from mentorhub.audit import AuditEntry
from mentorhub.extensions import db
from mentorhub.reports.csv_export import to_csv
from mentorhub.timeutil import show_moment

STOCKHOLM = ZoneInfo("Europe/Stockholm")
UTC = ZoneInfo("UTC")


@dataclass(frozen=True)
class Filters:
    pupil_id: int | None = None
    staff_id: int | None = None
    since: date | None = None
    until: date | None = None


def _start_of(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=STOCKHOLM).astimezone(UTC).replace(tzinfo=None)


def query(filters: Filters) -> sa.Select:
    """The entries the filters ask for, newest first."""
    statement = sa.select(AuditEntry).order_by(AuditEntry.created_at.desc(), AuditEntry.id.desc())
    if filters.pupil_id is not None:
        statement = statement.where(
            AuditEntry.person_id == filters.pupil_id, AuditEntry.actor_id != filters.pupil_id
        )
    if filters.staff_id is not None:
        statement = statement.where(AuditEntry.actor_id == filters.staff_id)
    if filters.since is not None:
        statement = statement.where(AuditEntry.created_at >= _start_of(filters.since))
    if filters.until is not None:
        statement = statement.where(
            AuditEntry.created_at < _start_of(filters.until + timedelta(days=1))
        )
    return statement


def read(reader: User, filters: Filters) -> sa.Select:
    """The query for a coordinator; a read of the log about a pupil is logged."""
    policy.authorize(policy.can_read_audit_log(reader))
    if filters.pupil_id is not None:
        pupil = db.session.get(User, filters.pupil_id)
        if pupil is not None:
            audit.record(reader, "access_log.view", pupil, person=pupil)
    return query(filters)


def staff_members() -> list[User]:
    staff = sa.select(UserRole.user_id).where(UserRole.role != Role.PUPIL.value)
    return db.session.scalars(sa.select(User).where(User.id.in_(staff)).order_by(User.name)).all()


def as_csv(entries: list[AuditEntry], label, header: list[str]) -> str:
    """The entries as CSV for Swedish Excel: time (Stockholm), who, what, about whom."""
    return to_csv(
        header,
        [
            [
                show_moment(e.created_at),
                e.actor.name if e.actor else "",
                label(e.action),
                e.person.name if e.person else "",
            ]
            for e in entries
        ],
    )
