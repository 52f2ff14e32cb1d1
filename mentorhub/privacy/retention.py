"""Retention: a pupil's personal data is kept for `RETENTION_MONTHS` months after the end of
their last term in the programme, then anonymised by `flask mentorhub retention` (from cron).

A pupil's last term is the latest term they were nominated or matched in. A pupil who still has
a confirmed match in a term that has not ended is never due. Erased pupils are not due again,
so the command is safe to run twice, or every night.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date, datetime

import sqlalchemy as sa
from flask import current_app

from mentorhub import jobs
from mentorhub.accounts.models import Role, User, UserRole
from mentorhub.extensions import db
from mentorhub.matching.models import Match
from mentorhub.nominations.models import Nomination
from mentorhub.privacy import erasure
from mentorhub.programme.models import Term


class RetentionSettingError(ValueError):
    """The retention setting cannot be read: nothing is erased on a guess."""


@dataclass(frozen=True)
class Due:
    pupil_id: int
    name: str
    last_term_ended: date


def months_setting(raw: object) -> int:
    """The retention setting as a whole number of months (1–120), or RetentionSettingError."""
    text = str(raw).strip()
    if not (text.isascii() and text.isdigit()) or not 1 <= int(text) <= 120:
        raise RetentionSettingError(
            f"RETENTION_MONTHS must be a whole number of months from 1 to 120, not {raw!r}"
        )
    return int(text)


def months_before(day: date, months: int) -> date:
    """The same day `months` months earlier (the month's last day when it has fewer days)."""
    total = day.year * 12 + day.month - 1 - months
    year, month = divmod(total, 12)
    month += 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def due(today: date, months: int) -> list[Due]:
    """The pupils whose last term ended more than `months` months before `today`."""
    cutoff = months_before(today, months)
    terms = sa.union_all(
        sa.select(Nomination.pupil_id.label("pupil_id"), Nomination.term_id.label("term_id")),
        sa.select(Match.pupil_id, Match.term_id),
    ).subquery()
    last = (
        sa.select(terms.c.pupil_id, sa.func.max(Term.ends_on).label("ended"))
        .join(Term, Term.id == terms.c.term_id)
        .where(terms.c.pupil_id.is_not(None))
        .group_by(terms.c.pupil_id)
        .subquery()
    )
    pupils = sa.select(UserRole.user_id).where(UserRole.role == Role.PUPIL.value)
    rows = db.session.execute(
        sa.select(User.id, User.name, last.c.ended)
        .join(last, last.c.pupil_id == User.id)
        .where(User.erased_at.is_(None), User.id.in_(pupils), last.c.ended < cutoff)
        .order_by(last.c.ended, User.id)
    ).all()
    return [Due(pupil_id, name, ended) for pupil_id, name, ended in rows]


def run(today: date, now: datetime, months: int, *, dry_run: bool) -> list[Due]:
    """Anonymise every pupil due (unless `dry_run`), in the caller's transaction."""
    pupils = due(today, months)
    if not dry_run:
        for item in pupils:
            pupil = db.session.get(User, item.pupil_id)
            if not erasure.blockers(pupil, today):
                erasure.erase_pupil(None, pupil, now)
    return pupils


@jobs.job("privacy.retention", retries=2)
def nightly(period: str) -> None:
    """The scheduled job `privacy.retention`: what `flask mentorhub retention` does, every
    night. A malformed setting erases nothing (the job fails, and shows on the failed-jobs
    page). Running it twice is harmless: erased pupils are not due again."""
    from mentorhub.timeutil import utcnow

    months = months_setting(current_app.config.get("RETENTION_MONTHS", "12"))
    run(date.today(), utcnow(), months, dry_run=False)
