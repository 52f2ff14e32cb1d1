"""Accounts and the programme: signing in, staff, programme set-up, the audit log."""

from __future__ import annotations

from mentorhub.accounts.models import User
from mentorhub.policy.relations import is_coordinator, signed_in


def can_use_app(user: User) -> bool:
    """Any signed-in, active person may see their own start page and settings."""
    return signed_in(user)


def can_manage_programme(user: User) -> bool:
    """Schools, subject areas and terms are set up by the programme's coordinators."""
    return is_coordinator(user)


def can_invite_staff(user: User) -> bool:
    return is_coordinator(user)


def can_deactivate(user: User, target: User | None) -> bool:
    """Coordinators deactivate others, never themselves (so the programme always has one)."""
    return is_coordinator(user) and target is not None and target.id != user.id


def can_end_sessions_of(user: User, target: User | None) -> bool:
    """Anyone ends their own sign-ins; a coordinator ends anyone else's (a lost phone)."""
    if not signed_in(user) or target is None:
        return False
    return target.id == user.id or is_coordinator(user)


def can_read_audit_log(user: User) -> bool:
    return is_coordinator(user)


def can_read_feedback(user: User) -> bool:
    """Accessibility feedback is answered by the programme's coordinators (anyone may send it)."""
    return is_coordinator(user)


def can_manage_jobs(user: User) -> bool:
    """Failed background jobs (their names and errors, never whom they were for) are looked
    after by the programme's coordinators: they try them again or remove them."""
    return is_coordinator(user)
