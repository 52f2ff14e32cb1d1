"""Roles and the shorthands the authorisation matrix rows are written with."""

from __future__ import annotations

from mentorhub.accounts.models import Role

ROLES = ["anonymous", *(r.value for r in Role)]
STAFF_AND_PUPIL = [r.value for r in Role]


def everyone(status: int) -> dict[str, int]:
    return {role: status for role in ROLES}


def signed_in(status: int, anonymous: int = 302) -> dict[str, int]:
    return {"anonymous": anonymous, **{r: status for r in STAFF_AND_PUPIL}}


def only(allowed: dict[str, int]) -> dict[str, int]:
    """Anonymous is sent to sign in; the named roles get their status; everyone else 403."""
    return {"anonymous": 302, **{r: 403 for r in STAFF_AND_PUPIL}, **allowed}


SCHOOL_STAFF = (Role.HOME_TEACHER.value, Role.SPECIAL_EDUCATOR.value)


def school_staff(status: int) -> dict[str, int]:
    return only({r: status for r in SCHOOL_STAFF})


def coordinator_only(status: int = 200) -> dict[str, int]:
    return {
        "anonymous": 302,
        **{r: 403 for r in STAFF_AND_PUPIL},
        Role.COORDINATOR.value: status,
    }
