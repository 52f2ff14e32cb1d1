"""What every part of the demo shares: the municipality, its mail domain, the one demo password,
the term that contains today, and look-ups of the demo people by their email's local part."""

from __future__ import annotations

from datetime import date
from typing import Any

import sqlalchemy as sa

from mentorhub.accounts.models import Role, User, UserRole
from mentorhub.extensions import db
from mentorhub.pupils.models import StaffLink

MUNICIPALITY = "Ekbacka kommun"
DEMO_PASSWORD = "demo-mentorhub"
DOMAIN = "ekbacka.example.se"


def email_for(local: str) -> str:
    """The staff email for a local part: `anna.bergstrom` → `anna.bergstrom@ekbacka.example.se`."""
    return f"{local}@{DOMAIN}"


def current_term_dates(today: date) -> tuple[str, date, date]:
    """The Swedish school term that contains `today` (autumn: mid-Aug–mid-Jan, spring: rest)."""
    if today.month >= 8:
        return f"Höstterminen {today.year}", date(today.year, 8, 17), date(today.year + 1, 1, 15)
    if today.month == 1 and today.day <= 15:
        year = today.year - 1
        return f"Höstterminen {year}", date(year, 8, 17), date(today.year, 1, 15)
    return f"Vårterminen {today.year}", date(today.year, 1, 16), date(today.year, 6, 12)


def get_or_add(model: type, lookup: dict[str, Any], **values: Any) -> Any:
    """The row `lookup` finds, or a new one added with `values` too: loading twice adds nothing."""
    obj = db.session.scalars(sa.select(model).filter_by(**lookup)).first()
    if obj is None:
        obj = model(**lookup, **values)
        db.session.add(obj)
    return obj


def password_hash() -> str:
    """The demo password hashed once and reused for every demo account: seeding stays fast."""
    probe = User(email="", name="")
    probe.set_password(DEMO_PASSWORD)
    return probe.password_hash


def staff_by_local(locals_: list[str]) -> dict[str, User]:
    """The demo staff with these email local parts, by local part."""
    emails = [email_for(x) for x in locals_]
    found = db.session.scalars(sa.select(User).where(User.email.in_(emails)))
    return {u.email.split("@")[0]: u for u in found}


def first_name(user: User) -> str:
    """The first name, which is how the demo picks out its pupils (unique among them)."""
    return user.name.split(" ")[0]


def care_team(pupil_id: int) -> list[int]:
    """The ids of the pupil's linked home teacher and special-needs educator, oldest link first."""
    return list(
        db.session.scalars(sa.select(StaffLink.staff_id).where(StaffLink.pupil_id == pupil_id))
    )


def coordinator_id() -> int | None:
    """The first coordinator's id: who a pupil's concern falls to when they have no care team."""
    return db.session.scalar(
        sa.select(User.id)
        .join(UserRole, UserRole.user_id == User.id)
        .where(UserRole.role == Role.COORDINATOR.value)
        .order_by(User.id)
    )
