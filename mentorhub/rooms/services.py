"""Task rooms (journey 4): a mentor opens rooms for their matched pupils and manages members."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from mentorhub import audit, policy, realtime
from mentorhub.accounts.models import User
from mentorhub.chat import services as chat
from mentorhub.chat.models import Message
from mentorhub.errors import DomainError, Missing, Refused
from mentorhub.extensions import db
from mentorhub.matching.models import Match, MatchStatus
from mentorhub.meetings import services as meetings
from mentorhub.problems import services as problems
from mentorhub.problems.models import Attempt
from mentorhub.programme.models import Term
from mentorhub.pupils.models import StaffLink
from mentorhub.rooms.models import Room, RoomKind, RoomMember
from mentorhub.timeutil import utcnow
from mentorhub.uploads import images
from mentorhub.uploads.models import ChatImage


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
    removed = []
    for pid, row in rows.items():
        if pid not in chosen and row.removed_at is None:
            row.removed_at = now
            removed.append(pid)
            audit.record(mentor, "room.remove_member", room, person=row.user)
        elif pid in chosen and row.removed_at is not None:
            row.removed_at = None
            audit.record(mentor, "room.add_member", room, person=row.user)
    for pid in chosen - rows.keys():
        db.session.add(RoomMember(room_id=room.id, user_id=pid))
        audit.record(mentor, "room.add_member", room, person=db.session.get(User, pid))
    db.session.flush()
    db.session.expire(room, ["members"])
    access_may_have_ended(removed, [room.id])


def end_memberships(actor: User, pupil_id: int, mentor_id: int) -> list[int]:
    """A match between the pupil and the mentor ended: the pupil leaves the mentor's rooms at
    once, unless another confirmed match to the same mentor still stands. The rows stay
    (`removed_at`), so the history and who wrote it stay; the mentor keeps reading it.
    Returns the rooms left."""
    return end_memberships_of(actor, [(pupil_id, mentor_id)])


def end_memberships_of(actor: User, ended: list[tuple[int, int]]) -> list[int]:
    """`end_memberships` for many (pupil, mentor) pairs at once (a rematch), in two queries
    whatever their number. Returns the rooms left."""
    if not ended:
        return []
    still = set(
        db.session.execute(
            sa.select(Match.pupil_id, Match.mentor_id).where(
                sa.tuple_(Match.pupil_id, Match.mentor_id).in_(ended),
                Match.status == MatchStatus.CONFIRMED.value,
            )
        ).all()
    )
    gone = [pair for pair in ended if tuple(pair) not in still]
    if not gone:
        return []
    rows = db.session.execute(
        sa.select(RoomMember, Room)
        .join(Room, Room.id == RoomMember.room_id)
        .where(
            sa.tuple_(RoomMember.user_id, Room.mentor_id).in_(gone),
            RoomMember.removed_at.is_(None),
        )
    ).all()
    now = utcnow()
    for member, room in rows:
        member.removed_at = now
        audit.record(actor, "room.remove_member", room, person=member.user, reason="match_ended")
        db.session.expire(room, ["members"])
    db.session.flush()
    left = sorted({room.id for _member, room in rows})
    access_may_have_ended(sorted({member.user_id for member, _room in rows}), left)
    return left


def access_may_have_ended(pupil_ids: Iterable[int], room_ids: Iterable[int]) -> None:
    """Pupils left these rooms: they, and the school staff who read the rooms only through one
    of them, stop hearing the rooms once this is committed (the policy decides who)."""
    pupil_ids, room_ids = list(pupil_ids), list(room_ids)
    if not pupil_ids or not room_ids:
        return
    linked = db.session.scalars(
        sa.select(StaffLink.staff_id).where(StaffLink.pupil_id.in_(pupil_ids))
    )
    realtime.room_access_changed([*pupil_ids, *linked], room_ids)


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


# --- reading: check, load and audit together ----------------------------------------------------


def room_for(reader: User, room_id: int, *rules: Any) -> Room:
    """The room, for those who may read it (and each of `rules`, such as
    `policy.can_manage_room`); `Missing` for no room, `Refused` otherwise. Not audited: it is
    for the actions, whose page (`read_room`) is."""
    room = db.session.get(Room, room_id)
    if room is None:
        raise Missing()
    if not all(rule(reader, room) for rule in (policy.can_view_room, *rules)):
        raise Refused()
    return room


def read_room(reader: User, room_id: int) -> Room:
    """The room to show; read by someone outside it (linked school staff), audited as
    `room.read`."""
    room = room_for(reader, room_id)
    if policy.is_observer(reader, room):
        audit.record(reader, "room.read", room)
    return room


@dataclass
class RoomPage:
    """What the room page shows besides the chat, which its socket loads."""

    room: Room
    can_post: bool
    can_manage: bool
    can_schedule: bool
    can_handle_reports: bool
    posts: list[Any]
    meetings: list[Any]
    past_meetings: list[Any]
    open_reports: int


def room_page(reader: User, room_id: int) -> RoomPage:
    """The room page: the room (read through `read_room`, so audited), its problems and
    meetings, and what the reader may do there."""
    room = read_room(reader, room_id)
    can_handle_reports = policy.can_handle_reports(reader, room)
    return RoomPage(
        room=room,
        can_post=policy.can_post_in(reader, room),
        can_manage=policy.can_manage_room(reader, room),
        can_schedule=policy.can_schedule_meetings(reader, room),
        can_handle_reports=can_handle_reports,
        posts=problems.posts_in_room(reader, room),
        meetings=meetings.upcoming_in_room(room),
        past_meetings=meetings.past_in_room(room),
        open_reports=chat.open_report_count(room) if can_handle_reports else 0,
    )


def _image_context(reader: User, stored: ChatImage) -> tuple[Attempt | None, Room | None]:
    """The attempt the image belongs to, or else its room, when the reader may see it."""
    attempt = db.session.scalar(sa.select(Attempt).where(Attempt.image_id == stored.id))
    if attempt is not None:
        if not policy.can_view_attempt(reader, attempt):
            raise Missing()
        return attempt, None
    room = room_for(reader, stored.room_id)
    hidden = db.session.scalar(sa.select(Message.hidden_at).where(Message.image_id == stored.id))
    if hidden is not None and not policy.can_moderate(reader, room):
        raise Missing()
    return None, room


def image_for(reader: User, image_id: int) -> tuple[ChatImage, Path]:
    """A stored image and its file: a chat image for those who can read its room (a hidden
    one only for its moderators; observers audited as `chat_image.read`); an attempt's image
    only for those who may see the attempt (anyone but the pupil audited as
    `attempt_image.read`). `Missing` (404) whenever the reader may not know it exists, except
    a chat image in a room they cannot read (`Refused`, 403, as the room itself)."""
    stored = db.session.get(ChatImage, image_id)
    if stored is None:
        raise Missing()
    attempt, room = _image_context(reader, stored)
    path = images.path_of(stored.stored_name)
    if not path.is_file():
        raise Missing()
    if attempt is not None and attempt.pupil_id != reader.id:
        audit.record(reader, "attempt_image.read", attempt, person=attempt.pupil, image=stored.id)
    elif room is not None and policy.is_observer(reader, room):
        audit.record(reader, "chat_image.read", stored, room_id=room.id)
    return stored, path
