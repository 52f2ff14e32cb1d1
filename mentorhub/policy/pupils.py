"""The pupil's record as a whole: the pupil page, the review list, the care team."""

from __future__ import annotations

from mentorhub.accounts.models import User
from mentorhub.policy.relations import (
    cares_for,
    is_coordinator,
    is_mentor,
    is_pupil,
    is_school_staff,
)
from mentorhub.rooms.models import RoomMember


def can_manage_care_team(user: User) -> bool:
    """Who follows a pupil (the links behind `cares_for`) is kept by the coordinators."""
    return is_coordinator(user)


def can_view_review(user: User) -> bool:
    """The progress review list: school staff and mentors, each for their own pupils."""
    return is_school_staff(user) or is_mentor(user)


def can_view_pupil_page(user: User, pupil_id: int) -> bool:
    """The staff page of a pupil (and its printable summary): only the staff around them."""
    return cares_for(user, pupil_id)


def can_read_left_room(user: User, pupil_id: int, member: RoomMember) -> bool:
    """The conversation of a room the pupil has left (unmatched, removed), up to when they
    left it: for the staff around the pupil now, so ending a match never hides the pupil's
    history from their team. Nothing written after the pupil left (other pupils' later
    messages) is theirs to read."""
    return (
        cares_for(user, pupil_id) and member.user_id == pupil_id and member.removed_at is not None
    )


def can_acknowledge_flag(user: User, pupil_id: int) -> bool:
    return cares_for(user, pupil_id)


def can_see_own_progress(user: User) -> bool:
    return is_pupil(user)
