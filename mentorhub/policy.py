"""Who may do what: the one place MentorHub decides access.

Every rule is a small function `(user, ...) -> bool`, named for the question it answers. Views and
socket events call them (or `authorize`, which turns a "no" into 403); templates ask the same
functions what to show. Lists are filtered by the query functions beside the rules, so a list can
never show what the detail page would refuse.
"""

from __future__ import annotations

from typing import Any

from flask import abort

from mentorhub.accounts.models import Role


def _signed_in(user: Any) -> bool:
    return bool(user is not None and getattr(user, "is_authenticated", False) and user.active)


def is_coordinator(user: Any) -> bool:
    return _signed_in(user) and user.has_role(Role.COORDINATOR)


def is_staff(user: Any) -> bool:
    return _signed_in(user) and user.has_role(
        Role.COORDINATOR, Role.MENTOR, Role.HOME_TEACHER, Role.SPECIAL_EDUCATOR
    )


def can_use_app(user: Any) -> bool:
    """Any signed-in, active person may see their own start page and settings."""
    return _signed_in(user)


def can_manage_programme(user: Any) -> bool:
    """Schools, subject areas and terms are set up by the programme's coordinators."""
    return is_coordinator(user)


def can_invite_staff(user: Any) -> bool:
    return is_coordinator(user)


def can_manage_staff(user: Any) -> bool:
    return is_coordinator(user)


def can_deactivate(user: Any, target: Any) -> bool:
    """Coordinators deactivate others, never themselves (so the programme always has one)."""
    return is_coordinator(user) and target is not None and target.id != user.id


def can_read_audit_log(user: Any) -> bool:
    return is_coordinator(user)


def authorize(allowed: bool) -> None:
    """Stop the request with 403 unless the rule said yes."""
    if not allowed:
        abort(403)
