"""Study-technique goals and the build-up summary: the pupil and the staff around them."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.sql import ColumnElement

from mentorhub.accounts.models import User
from mentorhub.goals.models import Goal, GoalStatus
from mentorhub.policy.relations import (
    cares_for,
    current_mentor_of,
    is_pupil,
    pupils_cared_for_by,
    signed_in,
)


def can_create_goal(user: User, pupil_id: int) -> bool:
    """Mentor, home teacher or special-needs educator around the pupil."""
    return cares_for(user, pupil_id)


def can_view_goal(user: User, goal: Goal) -> bool:
    """The pupil and the staff around them."""
    if not signed_in(user):
        return False
    return goal.pupil_id == user.id or cares_for(user, goal.pupil_id)


def goals_visible_to(user: User) -> ColumnElement[bool]:
    """The SQL filter that matches `can_view_goal`, for lists."""
    if not signed_in(user):
        return sa.false()
    return sa.or_(Goal.pupil_id == user.id, Goal.pupil_id.in_(pupils_cared_for_by(user)))


def can_edit_goal(user: User, goal: Goal) -> bool:
    """The staff around the pupil edit, comment on and change the state of a goal."""
    return cares_for(user, goal.pupil_id)


def can_comment_on_goal(user: User, goal: Goal) -> bool:
    """The pupil comments on their own goal too."""
    return can_view_goal(user, goal)


def can_check_in(user: User, goal: Goal) -> bool:
    """The pupil and their staff rate an active goal."""
    return goal.status == GoalStatus.ACTIVE.value and can_view_goal(user, goal)


def can_write_build_up(user: User, pupil_id: int) -> bool:
    """Only the pupil's current knowledge mentor writes "what to build up next"."""
    return current_mentor_of(user, pupil_id)


def can_view_build_up(user: User, pupil_id: int) -> bool:
    """The pupil reads their own build-up summaries; the staff around them read them too."""
    return signed_in(user) and (user.id == pupil_id or cares_for(user, pupil_id))


def can_see_own_goals(user: User) -> bool:
    """The "My goals" page: a pupil's own goals and build-up summaries."""
    return is_pupil(user)
