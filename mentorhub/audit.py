"""The audit trail: who did or saw what, to whom, and when.

`record` adds the entry to the current session without committing, so it is stored in the same
transaction as the work it describes, and vanishes with it if that work is rolled back.

One exception: a read. Someone who was shown a pupil's record has seen it even when the form on
that page was then refused (422) and the request's writes are rolled back. So the entries for
reads (actions named `*.view`, `*.read`, `*.print`, `*.export`, ...) are also kept on `g` for the
request, and `keep_reads()` stores them again after such a rollback.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from flask import g, has_app_context
from sqlalchemy.orm import Mapped, mapped_column, relationship

from mentorhub.extensions import db
from mentorhub.timeutil import utcnow


class AuditEntry(db.Model):
    __tablename__ = "audit_entries"
    __table_args__ = (
        sa.Index("ix_audit_subject", "subject_type", "subject_id"),
        sa.Index("ix_audit_actor_time", "actor_id", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    actor_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    action: Mapped[str] = mapped_column(sa.String(64))
    subject_type: Mapped[str] = mapped_column(sa.String(40))
    subject_id: Mapped[int | None]
    # The person the entry is about, when it is about a person: lets a coordinator filter the log.
    person_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    details: Mapped[dict[str, Any]] = mapped_column(sa.JSON, default=dict)

    actor = relationship("User", foreign_keys=[actor_id], lazy="joined")
    person = relationship("User", foreign_keys=[person_id], lazy="joined")


def record(
    actor: Any,
    action: str,
    subject: Any,
    *,
    person: Any = None,
    **details: Any,
) -> AuditEntry:
    """Add an audit entry for `actor` doing `action` on `subject` (a model instance).

    `person` is the user the entry concerns; when `subject` is itself a user it defaults to that.
    The entry is flushed with the caller's transaction, never committed here.
    """
    from mentorhub.accounts.models import User

    if person is None and isinstance(subject, User):
        person = subject
    db.session.flush()  # gives a new subject its id
    fields = dict(
        created_at=utcnow(),
        actor_id=getattr(actor, "id", None),
        action=action,
        subject_type=type(subject).__name__,
        subject_id=getattr(subject, "id", None),
        person_id=getattr(person, "id", None),
        details={k: v for k, v in details.items() if v is not None},
    )
    entry = AuditEntry(**fields)
    db.session.add(entry)
    if is_read(action) and has_app_context():
        g.setdefault("audit_reads", []).append(fields)
    return entry


READ_SUFFIXES = (".view", ".read", ".history_read", ".print", ".export")


def is_read(action: str) -> bool:
    """Whether `action` records that someone was shown data (not that they changed it)."""
    return action.endswith(READ_SUFFIXES)


def keep_reads() -> None:
    """After the request's work was rolled back, add again the read entries it recorded (each
    once), so that the commit that follows stores only those."""
    seen: set[tuple] = set()
    for fields in g.pop("audit_reads", []):
        key = tuple(fields[name] for name in ("actor_id", "action", "subject_type", "subject_id"))
        if key not in seen:
            seen.add(key)
            db.session.add(AuditEntry(**{**fields, "details": dict(fields["details"])}))


def entries_query(person_id: int | None = None, actor_id: int | None = None) -> sa.Select:
    """Newest first, optionally only entries about or by one person."""
    query = sa.select(AuditEntry).order_by(AuditEntry.created_at.desc(), AuditEntry.id.desc())
    if person_id is not None:
        query = query.where(
            sa.or_(AuditEntry.person_id == person_id, AuditEntry.actor_id == person_id)
        )
    if actor_id is not None:
        query = query.where(AuditEntry.actor_id == actor_id)
    return query
