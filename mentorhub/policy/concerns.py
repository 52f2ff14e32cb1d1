"""Concerns (oro): the staff around the pupil and the coordinators; never a pupil."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.sql import ColumnElement

from mentorhub.accounts.models import User
from mentorhub.concerns.models import Concern, ConcernStatus
from mentorhub.policy.pupils import can_view_review
from mentorhub.policy.relations import cares_for, is_coordinator, pupils_cared_for_by, signed_in


def can_raise_concern(user: User, pupil_id: int) -> bool:
    return cares_for(user, pupil_id)


def can_view_concern(user: User, concern: Concern) -> bool:
    """The staff around the pupil and coordinators (who are told of every concern)."""
    if not signed_in(user) or user.id == concern.pupil_id:
        return False
    return is_coordinator(user) or cares_for(user, concern.pupil_id)


def can_manage_concern(user: User, concern: Concern) -> bool:
    """Set the plan and responsible person, review, close: whoever may see it, while open."""
    return concern.status == ConcernStatus.OPEN.value and can_view_concern(user, concern)


def can_list_concerns(user: User) -> bool:
    return is_coordinator(user) or can_view_review(user)


def concerns_visible_to(user: User) -> ColumnElement[bool]:
    """The SQL filter that matches `can_view_concern`, for lists."""
    if is_coordinator(user):
        return Concern.pupil_id != user.id
    if not signed_in(user):
        return sa.false()
    return Concern.pupil_id.in_(pupils_cared_for_by(user))
