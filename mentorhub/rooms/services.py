"""Task rooms (journey 4): a mentor opens rooms for their matched pupils and manages members."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from mentorhub import audit, policy
from mentorhub.accounts.models import User
from mentorhub.errors import DomainError
from mentorhub.extensions import db
from mentorhub.matching.models import Match, MatchStatus
from mentorhub.programme.models import Term
from mentorhub.rooms.models import Room, RoomKind, RoomMember
from mentorhub.timeutil import utcnow


def matched_pupils(mentor: User, today: date) -> list[User]:
    """The mentor's confirmed pupils in the current term: the only people they can add."""
    return list(
        db.session.scalars(
            sa.select(User)
            .join(Match, Match.pupil_id == User.id)
            .join(Term, Term.id == Match.term_id)
            .where(
                Match.mentor_id == mentor.id,
                Match.status == MatchStatus.CONFIRMED.value,
                Term.starts_on <= today,
                Term.ends_on >= today,
                User.active.is_(True),
            )
            .order_by(User.name)
        ).unique()
    )


def _check_members(mentor: User, kind: str, pupil_ids: Iterable[int], today: date) -> list[int]:
    allowed = {p.id for p in matched_pupils(mentor, today)}
    chosen = sorted(set(pupil_ids))
    if set(chosen) - allowed:
        raise DomainError(_l("You can only add your own matched pupils."), field="pupil_ids")
    if kind == RoomKind.INDIVIDUAL and len(chosen) != 1:
        raise DomainError(_l("An individual room has exactly one pupil."), field="pupil_ids")
    if not chosen:
        raise DomainError(_l("Choose at least one pupil."), field="pupil_ids")
    return chosen


def open_room(
    mentor: User,
    *,
    name: str,
    description: str,
    kind: str,
    subject_area_id: int,
    pupil_ids: Iterable[int],
    today: date,
) -> Room:
    if not policy.can_open_rooms(mentor):
        raise DomainError(_l("Only knowledge mentors open rooms."))
    chosen = _check_members(mentor, RoomKind(kind), pupil_ids, today)
    room = Room(
        mentor_id=mentor.id,
        subject_area_id=subject_area_id,
        kind=kind,
        name=name.strip(),
        description=description.strip(),
    )
    db.session.add(room)
    db.session.flush()
    db.session.add_all(RoomMember(room_id=room.id, user_id=pid) for pid in chosen)
    audit.record(mentor, "room.open", room, members=chosen)
    return room


def set_members(mentor: User, room: Room, pupil_ids: Iterable[int], today: date) -> None:
    """Add and remove pupils; a removed pupil loses access at once, the history stays."""
    chosen = set(_check_members(mentor, room.kind, pupil_ids, today))
    rows = {
        m.user_id: m
        for m in db.session.scalars(sa.select(RoomMember).where(RoomMember.room_id == room.id))
    }
    now = utcnow()
    for pid, row in rows.items():
        if pid not in chosen and row.removed_at is None:
            row.removed_at = now
            audit.record(mentor, "room.remove_member", room, person=row.user)
        elif pid in chosen and row.removed_at is not None:
            row.removed_at = None
            audit.record(mentor, "room.add_member", room, person=row.user)
    for pid in chosen - rows.keys():
        db.session.add(RoomMember(room_id=room.id, user_id=pid))
        audit.record(mentor, "room.add_member", room, person=db.session.get(User, pid))
    db.session.flush()
    db.session.expire(room, ["members"])


def archive(mentor: User, room: Room) -> None:
    if room.archived:
        raise DomainError(_l("The room is already archived."))
    room.archived_at = utcnow()
    audit.record(mentor, "room.archive", room)


def rooms_for(user: User) -> list[Room]:
    """Rooms the user may read, newest first: the list filter twin of `policy.can_view_room`."""
    return list(
        db.session.scalars(
            sa.select(Room)
            .where(policy.rooms_visible_to(user))
            .order_by(Room.archived_at.is_not(None), Room.created_at.desc())
        ).unique()
    )


def member_ids(room: Room) -> set[int]:
    return {m.user_id for m in room.members}
