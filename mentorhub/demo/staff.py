"""The demo staff: a coordinator, eight knowledge mentors at the study centre, and home teachers
and special-needs educators at the four schools; one printed login per role."""

from __future__ import annotations

import sqlalchemy as sa

from mentorhub.accounts.models import Role, User, UserRole
from mentorhub.demo.common import email_for, password_hash
from mentorhub.demo.programme import STUDY_CENTRE
from mentorhub.extensions import db
from mentorhub.programme.models import School

# (email local part, name, roles, school)
STAFF = [
    ("samordnare", "Karin Lindqvist", [Role.COORDINATOR], None),
    ("anna.bergstrom", "Anna Bergström", [Role.MENTOR], STUDY_CENTRE),
    ("erik.sandberg", "Erik Sandberg", [Role.MENTOR], STUDY_CENTRE),
    ("maria.nyberg", "Maria Nyberg", [Role.MENTOR], STUDY_CENTRE),
    ("johan.holm", "Johan Holm", [Role.MENTOR], STUDY_CENTRE),
    ("sara.ekstrom", "Sara Ekström", [Role.MENTOR], STUDY_CENTRE),
    ("david.lund", "David Lund", [Role.MENTOR], STUDY_CENTRE),
    ("linnea.forsberg", "Linnéa Forsberg", [Role.MENTOR], STUDY_CENTRE),
    ("ahmed.hassan", "Ahmed Hassan", [Role.MENTOR], STUDY_CENTRE),
    ("eva.johansson", "Eva Johansson", [Role.HOME_TEACHER], "Björkängsskolan"),
    ("peter.nilsson", "Peter Nilsson", [Role.HOME_TEACHER], "Björkängsskolan"),
    ("fatima.ali", "Fatima Ali", [Role.HOME_TEACHER], "Lindåsskolan"),
    ("lars.eriksson", "Lars Eriksson", [Role.HOME_TEACHER], "Tallbackens skola"),
    ("ingrid.svensson", "Ingrid Svensson", [Role.HOME_TEACHER], "Sjöviksskolan"),
    (
        "mikael.persson",
        "Mikael Persson",
        [Role.HOME_TEACHER, Role.SPECIAL_EDUCATOR],
        "Sjöviksskolan",
    ),
    ("helena.olsson", "Helena Olsson", [Role.SPECIAL_EDUCATOR], "Björkängsskolan"),
    ("sofia.karlsson", "Sofia Karlsson", [Role.SPECIAL_EDUCATOR], "Lindåsskolan"),
    ("jonas.wikstrom", "Jonas Wikström", [Role.SPECIAL_EDUCATOR], "Tallbackens skola"),
]

# One printed login per role.
DEMO_LOGINS = [
    (Role.COORDINATOR, "samordnare"),
    (Role.MENTOR, "anna.bergstrom"),
    (Role.HOME_TEACHER, "eva.johansson"),
    (Role.SPECIAL_EDUCATOR, "helena.olsson"),
]
COORDINATOR = "samordnare"

# Alva's knowledge mentor: the two share a task room, so chat can be tried from both sides.
DEMO_PUPIL_MENTOR = "erik.sandberg"


def load(schools: dict[str, School]) -> None:
    """Add whichever staff accounts are missing, all with the demo password."""
    hashed = None
    for local, name, roles, school in STAFF:
        email = email_for(local)
        if db.session.scalars(sa.select(User).where(User.email == email)).first():
            continue
        user = User(email=email, name=name, school_id=schools[school].id if school else None)
        hashed = hashed or password_hash()
        user.password_hash = hashed
        user.role_rows = [UserRole(role=r.value) for r in roles]
        db.session.add(user)
    db.session.flush()


def coordinator() -> User:
    """The demo coordinator, who approves the nominations and runs matching."""
    return db.session.scalars(sa.select(User).where(User.email == email_for(COORDINATOR))).one()


def mentors_by_local() -> dict[str, User]:
    """Every mentor by their email's local part."""
    return {
        u.email.split("@")[0]: u
        for u in db.session.scalars(
            sa.select(User).join(UserRole).where(UserRole.role == Role.MENTOR.value)
        )
    }


def nominating_staff_by_school() -> dict[int, list[User]]:
    """The home teachers and special-needs educators, by school id, in the order they were added."""
    rows = db.session.scalars(
        sa.select(User)
        .join(UserRole, UserRole.user_id == User.id)
        .where(UserRole.role.in_([Role.HOME_TEACHER.value, Role.SPECIAL_EDUCATOR.value]))
        .order_by(User.id)
    ).unique()
    by_school: dict[int, list[User]] = {}
    for user in rows:
        by_school.setdefault(user.school_id, []).append(user)
    return by_school
