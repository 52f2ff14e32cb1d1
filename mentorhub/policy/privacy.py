"""A pupil's data as a whole: the register extract (export) and erasure are the coordinator's,
who handles privacy requests for the programme."""

from __future__ import annotations

from mentorhub.accounts.models import Role, User
from mentorhub.policy.relations import is_coordinator


def can_export_pupil_data(user: User, pupil: User) -> bool:
    """Everything held about one pupil, for an art. 15 request: the coordinator only."""
    return is_coordinator(user) and pupil is not None and pupil.has_role(Role.PUPIL)


def can_erase_pupil(user: User, pupil: User) -> bool:
    """Erasure (art. 17, or the retention rule): the coordinator only, never their own account."""
    return can_export_pupil_data(user, pupil) and pupil.id != user.id
