"""Identification: who nominates pupils, and who reads and decides a nomination."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.sql import ColumnElement

from mentorhub.accounts.models import User
from mentorhub.nominations.models import Nomination, Status
from mentorhub.policy.relations import is_coordinator, is_school_staff, signed_in

# A nomination can be added to until a coordinator decides it.
OPEN_STATUSES = frozenset({Status.SUBMITTED.value, Status.NEEDS_INFO.value})


def can_list_nominations(user: User) -> bool:
    return is_coordinator(user) or is_school_staff(user)


def can_nominate(user: User) -> bool:
    """Home teachers and special-needs educators nominate pupils of their own school."""
    return is_school_staff(user) and user.school_id is not None


def can_view_nomination(user: User, nomination: Nomination) -> bool:
    """The nominator, home teachers and special-needs educators at the pupil's school, and
    coordinators. Nobody else, mentors included, reads a nomination."""
    if is_coordinator(user):
        return True
    if not signed_in(user):
        return False
    if nomination.nominated_by_id == user.id:
        return True
    return is_school_staff(user) and user.school_id == nomination.school_id


def nominations_visible_to(user: User) -> ColumnElement[bool]:
    """The SQL filter that matches `can_view_nomination`, for lists."""
    if is_coordinator(user):
        return sa.true()
    if not signed_in(user):
        return sa.false()
    rule = Nomination.nominated_by_id == user.id
    if is_school_staff(user) and user.school_id is not None:
        rule = sa.or_(rule, Nomination.school_id == user.school_id)
    return rule


def can_edit_nomination(user: User, nomination: Nomination) -> bool:
    """The nominator and school staff may add to a nomination until it is decided."""
    if nomination.status not in OPEN_STATUSES or not signed_in(user):
        return False
    if nomination.nominated_by_id == user.id:
        return True
    return is_school_staff(user) and user.school_id == nomination.school_id


def can_decide_nominations(user: User) -> bool:
    return is_coordinator(user)
