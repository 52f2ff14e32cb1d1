"""The ground floor of access: who is who to whom.

Every rule in the domain modules beside this one is built from these few relations, so two rules
can never disagree on what "a member", "a linked teacher" or "the current mentor" means:

- signed in, and holding a role;
- membership of a room (a member who has not been removed);
- staff links: a pupil's home teacher or special-needs educator (`StaffLink`);
- current matches: a confirmed match in a term that has not ended;
- the staff around a pupil (`cares_for`), who are those linked to them and their current mentors.

Only models are imported here: nothing in `policy` may reach up into services or views.
"""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa
from sqlalchemy.sql import ColumnElement, Select

from mentorhub.accounts.models import LoginSession, Role, User
from mentorhub.extensions import db
from mentorhub.matching.models import Match, MatchStatus
from mentorhub.programme.models import Term
from mentorhub.pupils.models import StaffLink
from mentorhub.rooms.models import Room, RoomMember

# --- who someone is ---------------------------------------------------------------------------


def signed_in(user: User | None) -> bool:
    """A signed-in, active person (templates pass Flask-Login's anonymous user too)."""
    return bool(user is not None and getattr(user, "is_authenticated", False) and user.active)


def still_signed_in(user_id: int, session_version: int, login_key: str) -> ColumnElement[bool]:
    """`signed_in`, plus what the user loader checks on every request, as SQL for a socket
    that read its person once at connect: the account is active, its session version is the
    one the socket started with, and the socket's sign-in has not ended. Indexed lookups on
    two primary keys."""
    account = sa.exists().where(
        User.id == user_id, User.active.is_(True), User.session_version == session_version
    )
    login = sa.exists().where(
        LoginSession.key == login_key,
        LoginSession.user_id == user_id,
        LoginSession.ended_at.is_(None),
    )
    return sa.and_(account, login)


def is_coordinator(user: User | None) -> bool:
    return signed_in(user) and user.has_role(Role.COORDINATOR)


def is_mentor(user: User | None) -> bool:
    return signed_in(user) and user.has_role(Role.MENTOR)


def is_pupil(user: User | None) -> bool:
    return signed_in(user) and user.has_role(Role.PUPIL)


def is_school_staff(user: User | None) -> bool:
    """A home teacher or special-needs educator."""
    return signed_in(user) and user.has_role(Role.HOME_TEACHER, Role.SPECIAL_EDUCATOR)


# --- membership of rooms ----------------------------------------------------------------------


def is_member(user: User, room: Room) -> bool:
    """One small query rather than loading every member: this runs on every chat event."""
    return (
        db.session.scalar(
            sa.select(RoomMember.user_id).where(
                RoomMember.room_id == room.id,
                RoomMember.user_id == user.id,
                RoomMember.removed_at.is_(None),
            )
        )
        is not None
    )


def member_room_ids(user: User) -> Select:
    """The ids of the rooms the user is a current member of."""
    return sa.select(RoomMember.room_id).where(
        RoomMember.user_id == user.id, RoomMember.removed_at.is_(None)
    )


# --- staff links ------------------------------------------------------------------------------


def linked_pupil_ids(user: User) -> Select:
    """The ids of the pupils linked to the user as home teacher or special-needs educator;
    a link counts only with the role that goes with it."""
    if not is_school_staff(user):
        return sa.select(StaffLink.pupil_id).where(sa.false())
    return sa.select(StaffLink.pupil_id).where(StaffLink.staff_id == user.id)


def linked_to_pupil(user: User, pupil_id: int) -> bool:
    if not is_school_staff(user):
        return False
    found = db.session.scalar(
        sa.select(StaffLink.pupil_id)
        .where(StaffLink.staff_id == user.id, StaffLink.pupil_id == pupil_id)
        .limit(1)
    )
    return found is not None


def linked_to_a_member(user: User, room: Room) -> bool:
    """A home teacher or special-needs educator linked to a pupil in the room."""
    if not is_school_staff(user):
        return False
    pupil_ids = [m.user_id for m in room.members]
    if not pupil_ids:
        return False
    return (
        db.session.scalar(
            sa.select(StaffLink.pupil_id)
            .where(StaffLink.staff_id == user.id, StaffLink.pupil_id.in_(pupil_ids))
            .limit(1)
        )
        is not None
    )


def linked_room_ids(user: User) -> Select:
    """The ids of the rooms a pupil linked to the user is a current member of."""
    return (
        sa.select(RoomMember.room_id)
        .join(StaffLink, StaffLink.pupil_id == RoomMember.user_id)
        .where(StaffLink.staff_id == user.id, RoomMember.removed_at.is_(None))
    )


# --- current matches --------------------------------------------------------------------------


def current_mentor_matches(*columns: ColumnElement) -> Select:
    """A select of `columns` over the confirmed matches in a term that has not ended: what
    makes a mentor a pupil's *current* knowledge mentor. Callers add their own filters."""
    return (
        sa.select(*columns)
        .select_from(Match)
        .join(Term, Term.id == Match.term_id)
        .where(Match.status == MatchStatus.CONFIRMED.value, Term.ends_on >= date.today())
    )


def current_mentor_of(user: User, pupil_id: int) -> bool:
    """A mentor with a confirmed match to the pupil in a term that has not ended."""
    if not is_mentor(user):
        return False
    found = db.session.scalar(
        current_mentor_matches(Match.id)
        .where(Match.mentor_id == user.id, Match.pupil_id == pupil_id)
        .limit(1)
    )
    return found is not None


def current_matches_of(mentor: User) -> Select:
    """A select of the mentor's current matches (none for someone who is not a mentor)."""
    query = current_mentor_matches(Match).where(Match.mentor_id == mentor.id)
    return query if is_mentor(mentor) else query.where(sa.false())


# --- the staff around a pupil -----------------------------------------------------------------


def cares_for(user: User, pupil_id: int) -> bool:
    """The staff around a pupil: their linked home teacher and special-needs educator, and
    their current knowledge mentor. They see the pupil's whole record (audited)."""
    if not signed_in(user) or pupil_id == user.id:
        return False
    return linked_to_pupil(user, pupil_id) or current_mentor_of(user, pupil_id)


def pupils_cared_for_by(user: User) -> Select:
    """The SQL select of pupil ids that matches `cares_for`, for lists."""
    if not signed_in(user):
        return sa.select(StaffLink.pupil_id).where(sa.false())
    parts = []
    if is_school_staff(user):
        parts.append(linked_pupil_ids(user))
    if is_mentor(user):
        parts.append(current_mentor_matches(Match.pupil_id).where(Match.mentor_id == user.id))
    if not parts:
        return sa.select(StaffLink.pupil_id).where(sa.false())
    return parts[0] if len(parts) == 1 else sa.union(*parts)


def carers_of(pupil_id: int) -> list[User]:
    """The people `cares_for` lets in to the pupil's record, by name: active linked home
    teachers and special-needs educators and current knowledge mentors. Two queries."""
    linked = set(
        db.session.scalars(sa.select(StaffLink.staff_id).where(StaffLink.pupil_id == pupil_id))
    )
    mentors = set(
        db.session.scalars(
            current_mentor_matches(Match.mentor_id).where(Match.pupil_id == pupil_id)
        )
    )
    people = db.session.scalars(
        sa.select(User)
        .where(User.id.in_(linked | mentors), User.active.is_(True), User.id != pupil_id)
        .order_by(User.name)
    ).unique()
    # a link or a match counts only with the role that goes with it, as `cares_for` asks
    return [
        u
        for u in people
        if (u.id in linked and is_school_staff(u)) or (u.id in mentors and is_mentor(u))
    ]
