"""The problem bank, posted problems and attempts."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.sql import ColumnElement

from mentorhub.accounts.models import User
from mentorhub.extensions import db
from mentorhub.matching.models import MentorOffer, MentorOfferSubject
from mentorhub.policy.relations import (
    is_member,
    is_mentor,
    is_pupil,
    linked_pupil_ids,
    linked_to_a_member,
    linked_to_pupil,
    pupils_cared_for_by,
    signed_in,
)
from mentorhub.policy.rooms import can_manage_room
from mentorhub.problems.models import Attempt, Problem, ProblemPost
from mentorhub.rooms.models import Room


def can_write_problems(user: User) -> bool:
    """Knowledge mentors keep a problem bank of their own."""
    return is_mentor(user)


def mentor_area_ids(user: User) -> set[int]:
    """The subject areas a mentor works in: those of their offers and of their rooms."""
    if not can_write_problems(user):
        return set()
    offered = sa.select(MentorOfferSubject.subject_area_id).join(
        MentorOffer, MentorOffer.id == MentorOfferSubject.offer_id
    )
    offered = offered.where(MentorOffer.mentor_id == user.id)
    in_rooms = sa.select(Room.subject_area_id).where(Room.mentor_id == user.id)
    return set(db.session.scalars(sa.union(offered, in_rooms)))


def can_edit_problem(user: User, problem: Problem) -> bool:
    """Only the problem's own mentor edits it."""
    return can_write_problems(user) and problem.mentor_id == user.id


def can_view_problem(user: User, problem: Problem) -> bool:
    """The owner; and, for a shared problem, mentors of the same subject area (read and post)."""
    if can_edit_problem(user, problem):
        return True
    return (
        problem.shared
        and can_write_problems(user)
        and problem.subject_area_id in mentor_area_ids(user)
    )


def problems_visible_to(user: User) -> ColumnElement[bool]:
    """The SQL filter that matches `can_view_problem`, for the bank."""
    if not can_write_problems(user):
        return sa.false()
    areas = mentor_area_ids(user)
    shared = sa.and_(Problem.shared.is_(True), Problem.subject_area_id.in_(areas))
    return sa.or_(Problem.mentor_id == user.id, shared)


def can_post_problem(user: User, problem: Problem, room: Room) -> bool:
    return (
        can_view_problem(user, problem) and can_manage_room(user, room) and room.archived_at is None
    )


def _is_target(user: User, post: ProblemPost) -> bool:
    return any(t.pupil_id == user.id for t in post.targets) and is_member(user, post.room)


def can_view_post(user: User, post: ProblemPost) -> bool:
    """The room's mentor; the members it was posted to; read-only, the room's linked staff."""
    if not signed_in(user):
        return False
    if post.room.mentor_id == user.id or _is_target(user, post):
        return True
    return linked_to_a_member(user, post.room)


def is_post_observer(user: User, post: ProblemPost) -> bool:
    """Linked school staff read a posted problem without being in it: audited."""
    return post.room.mentor_id != user.id and not _is_target(user, post)


def can_work_on(user: User, post: ProblemPost) -> bool:
    """Open hints and submit attempts: a pupil the problem was posted to, in an open room."""
    return is_pupil(user) and post.room.archived_at is None and _is_target(user, post)


def can_view_attempt(user: User, attempt: Attempt) -> bool:
    """The pupil, the room's mentor, and the pupil's linked school staff."""
    if not signed_in(user):
        return False
    if attempt.pupil_id == user.id or attempt.post.room.mentor_id == user.id:
        return True
    return linked_to_pupil(user, attempt.pupil_id)


def attempts_visible_to(user: User) -> ColumnElement[bool]:
    """The SQL filter that matches `can_view_attempt`, for lists."""
    if not signed_in(user):
        return sa.false()
    mentored = (
        sa.select(ProblemPost.id)
        .join(Room, Room.id == ProblemPost.room_id)
        .where(Room.mentor_id == user.id)
    )
    return sa.or_(
        Attempt.pupil_id == user.id,
        Attempt.post_id.in_(mentored),
        Attempt.pupil_id.in_(linked_pupil_ids(user)),
    )


def can_give_feedback(user: User, attempt: Attempt) -> bool:
    """The room's mentor assesses attempts and moves levels."""
    return can_manage_room(user, attempt.post.room)


def pupil_rows_visible_to(
    user: User, room: Room, pupil_column: ColumnElement[int]
) -> ColumnElement[bool]:
    """The SQL filter on a per-pupil row of a room (who opened which hint, and when): the
    room's mentor sees every pupil's rows; anyone else (linked staff observing the room) only
    those of the pupils they care for, never another school's pupils in a group room."""
    if not signed_in(user):
        return sa.false()
    if room.mentor_id == user.id:
        return sa.true()
    return pupil_column.in_(pupils_cared_for_by(user))


def can_see_my_problems(user: User) -> bool:
    return is_pupil(user)


def sees_all_posts(user: User, room: Room) -> bool:
    """The mentor and the linked staff see every problem posted in a room; a pupil their own."""
    return signed_in(user) and (room.mentor_id == user.id or linked_to_a_member(user, room))
