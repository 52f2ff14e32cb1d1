"""Erasing a pupil (GDPR art. 17, and the retention rule): personal data goes, counts stay.

One transaction does it all, following `records.ERASURE`: rows only about the pupil are deleted;
rows the programme counts stay with every free text emptied (messages become "Meddelandet är
borttaget" with their seq kept, so a room's timeline has no gap); the account keeps its id and
school but loses name, address, password and sign-ins; the pupil's full name and address are
then replaced wherever someone else wrote them (a mention in a mentor's message, a
notification to staff, a mail in the outbox). Image files are removed only after the commit,
through the after-commit queue, so a rolled-back erasure deletes nothing. The audit entry says
that a pupil was erased and how many records of each kind, never what they held.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from mentorhub import audit, policy, realtime
from mentorhub.accounts.models import LoginSession, Role, User
from mentorhub.after_commit import after_commit
from mentorhub.chat.models import Message
from mentorhub.errors import DomainError, Missing
from mentorhub.extensions import db
from mentorhub.matching.models import Match, MatchStatus
from mentorhub.nominations.models import Nomination
from mentorhub.privacy import records
from mentorhub.privacy.records import CHILDREN, ERASED_NAME, ERASURE, Erase
from mentorhub.problems.models import Attempt
from mentorhub.programme.models import Term
from mentorhub.uploads import images
from mentorhub.uploads.models import ChatImage

SCRUBBED = "[borttagen elev]"


@dataclass(frozen=True)
class Plan:
    """What erasing a pupil will do, for the confirmation page: per table, how many rows and
    what happens to them."""

    pupil: User
    counts: dict[str, int]
    blockers: list[str]

    def action(self, table: str) -> Erase:
        """What happens to the table's rows (the strongest rule among its references)."""
        if table == "users":
            return Erase.BLANK
        rules = [r.action for (t, _c), r in [*ERASURE.items(), *CHILDREN.items()] if t == table]
        for action in (Erase.DELETE, Erase.BLANK):
            if action in rules:
                return action
        return Erase.KEEP


def pupil_to_erase(actor: User, pupil_id: int) -> User:
    """The pupil a coordinator may erase (404 for anything else, erased pupils included)."""
    pupil = db.session.get(User, pupil_id)
    if pupil is None or not pupil.has_role(Role.PUPIL) or pupil.erased_at is not None:
        raise Missing()
    policy.authorize(policy.can_erase_pupil(actor, pupil))
    return pupil


def blockers(pupil: User, today: date) -> list[str]:
    """Why the pupil cannot be erased yet: a confirmed match in a term that has not ended."""
    active = db.session.scalar(
        sa.select(sa.func.count(Match.id))
        .join(Term, Term.id == Match.term_id)
        .where(
            Match.pupil_id == pupil.id,
            Match.status == MatchStatus.CONFIRMED.value,
            Term.ends_on >= today,
        )
    )
    if active:
        return [
            str(
                _l(
                    "%(name)s still has a mentor this term. End the match first (Matching), "
                    "then erase.",
                    name=pupil.name,
                )
            )
        ]
    return []


def plan(actor: User, pupil_id: int, today: date) -> Plan:
    pupil = pupil_to_erase(actor, pupil_id)
    rows = records.rows_of(pupil.id)
    counts = {table: len(found) for table, found in sorted(rows.items()) if found}
    return Plan(pupil=pupil, counts=counts, blockers=blockers(pupil, today))


def erase(actor: User, pupil_id: int, now: datetime) -> dict[str, int]:
    """Erase the pupil in the current transaction (the caller commits); returns the counts
    per table the audit entry records."""
    pupil = pupil_to_erase(actor, pupil_id)
    problems = blockers(pupil, now.date())
    if problems:
        raise DomainError(problems[0])
    return erase_pupil(actor, pupil, now)


def erase_pupil(actor: User | None, pupil: User, now: datetime) -> dict[str, int]:
    """The erasure itself, without the access check (the retention command uses it too)."""
    rows = records.rows_of(pupil.id)
    counts = {table: len(found) for table, found in sorted(rows.items()) if found}
    needles = _needles(pupil, rows)
    owned = {table: {row["id"] for row in rows.get(table, [])} for table, _column in records.OWNERS}
    files = _image_files(pupil.id)
    _apply(pupil.id, owned)
    _scrub(needles)
    _anonymise(pupil, now)
    audit.record(actor, "pupil.erase", pupil, person=pupil, counts=counts)
    after_commit(_remove_files, files)
    after_commit(realtime.sessions_ended, pupil.id)
    return counts


def _needles(pupil: User, rows: dict[str, list[dict]]) -> list[str]:
    """The strings that name the pupil: full name and address, as the account and the
    nomination hold them (the shortest of them long enough not to hit other words)."""
    found = {pupil.name, pupil.email}
    for row in rows.get("nominations", []):
        found |= {row.get("pupil_name") or "", row.get("pupil_email") or ""}
    return sorted((n for n in found if n and len(n) >= 5), key=len, reverse=True)


def _image_files(pupil_id: int) -> list[str]:
    used = sa.union(
        sa.select(Message.image_id).where(Message.author_id == pupil_id),
        sa.select(Attempt.image_id).where(Attempt.pupil_id == pupil_id),
    ).subquery()
    query = sa.select(ChatImage.stored_name).where(
        sa.or_(ChatImage.uploader_id == pupil_id, ChatImage.id.in_(sa.select(used.c[0])))
    )
    return list(db.session.scalars(query))


def _apply(pupil_id: int, owned: dict[str, set[int]]) -> None:
    """Blank what stays, then delete what goes (children first, so no foreign key dangles)."""
    tables = db.metadata.tables
    children = [
        (table, column, CHILDREN[(table.name, column.name)], owned.get(parent.name) or set())
        for table, column, parent in records.child_references()
    ]
    direct = [
        (table, column, ERASURE[(table.name, column.name)])
        for table, column in records.pupil_references()
    ]
    for table, column, rule, ids in children:
        if rule.action is Erase.BLANK and ids:
            db.session.execute(sa.update(table).where(column.in_(ids)).values(**rule.values))
    for table, column, rule in direct:
        if rule.action is Erase.BLANK:
            db.session.execute(sa.update(table).where(column == pupil_id).values(**rule.values))
    images_table = tables["chat_images"]
    for table, column, rule in reversed(direct):
        if rule.action is Erase.DELETE and table is not images_table:
            db.session.execute(sa.delete(table).where(column == pupil_id))
    _delete_images(pupil_id)


def _delete_images(pupil_id: int) -> None:
    """The pupil's images: theirs by upload, or shown in their messages and attempts (already
    unlinked from them by the blanking above)."""
    still_used = sa.union(
        sa.select(Message.image_id).where(Message.image_id.is_not(None)),
        sa.select(Attempt.image_id).where(Attempt.image_id.is_not(None)),
    ).subquery()
    db.session.execute(
        sa.delete(ChatImage).where(
            ChatImage.uploader_id == pupil_id, ChatImage.id.not_in(sa.select(still_used.c[0]))
        )
    )


def _scrub(needles: list[str]) -> None:
    """Replace the pupil's name and address in every text column of every table."""
    if not needles:
        return
    for table in db.metadata.sorted_tables:
        for column in table.columns:
            if isinstance(column.type, sa.JSON):
                _scrub_json(table, column, needles)
            elif isinstance(column.type, sa.String | sa.Text) and not column.primary_key:
                # One pass per column whatever the number of needles: a nested replace.
                replaced = column
                for needle in needles:
                    replaced = sa.func.replace(replaced, needle, SCRUBBED)
                db.session.execute(
                    sa.update(table)
                    .where(sa.or_(*(column.contains(n, autoescape=True) for n in needles)))
                    .values({column.name: replaced})
                )


def _scrub_json(table: sa.Table, column: sa.Column, needles: list[str]) -> None:
    # JSON may hold a name escaped ("\u00c5sa"): match both forms, rewrite in Python.
    forms = {form for n in needles for form in (n, json.dumps(n)[1:-1])}
    text = sa.cast(column, sa.Text)
    keys = list(table.primary_key.columns)
    found = db.session.execute(
        sa.select(*keys, column).where(sa.or_(*(text.contains(f, autoescape=True) for f in forms)))
    ).all()
    for row in found:
        cleaned = _replace_in(row[-1], needles)
        db.session.execute(
            sa.update(table)
            .where(*(key == value for key, value in zip(keys, row[:-1], strict=True)))
            .values({column.name: cleaned})
        )


def _replace_in(value, needles: list[str]):
    if isinstance(value, str):
        for needle in needles:
            value = value.replace(needle, SCRUBBED)
        return value
    if isinstance(value, list):
        return [_replace_in(v, needles) for v in value]
    if isinstance(value, dict):
        return {k: _replace_in(v, needles) for k, v in value.items()}
    return value


def _anonymise(pupil: User, now: datetime) -> None:
    pupil.name = ERASED_NAME
    pupil.email = f"borttagen-{pupil.id}@mentorhub.invalid"
    pupil.password_hash = None
    pupil.active = False
    pupil.locale = None
    pupil.erased_at = now
    pupil.deactivated_at = pupil.deactivated_at or now
    pupil.session_version += 1
    db.session.execute(sa.delete(LoginSession).where(LoginSession.user_id == pupil.id))
    # The nomination keeps school, year, profile and status for the counts; no names.
    db.session.execute(
        sa.update(Nomination)
        .where(Nomination.pupil_id == pupil.id)
        .values(pupil_name=ERASED_NAME, pupil_email="")
    )


def _remove_files(stored_names: list[str]) -> None:
    for name in stored_names:
        images.path_of(name).unlink(missing_ok=True)
