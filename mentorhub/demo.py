"""Swedish demo data for the pilot: one municipality, its schools, subject areas, a term and staff.

Loading is idempotent: everything is looked up by its unique name or email first, so running it
again neither duplicates nor fails.
"""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa

from mentorhub.accounts.models import Role, User, UserRole
from mentorhub.extensions import db
from mentorhub.programme.models import School, SchoolKind, SubjectArea, Term

MUNICIPALITY = "Ekbacka kommun"
DEMO_PASSWORD = "demo-mentorhub"
DOMAIN = "ekbacka.example.se"

STUDY_CENTRE = "Ekbacka gymnasium – Studietorget"
SCHOOLS = [
    ("Björkängsskolan", SchoolKind.COMPULSORY),
    ("Lindåsskolan", SchoolKind.COMPULSORY),
    ("Tallbackens skola", SchoolKind.COMPULSORY),
    ("Sjöviksskolan", SchoolKind.COMPULSORY),
    (STUDY_CENTRE, SchoolKind.STUDY_CENTRE),
]

SUBJECT_AREAS = [
    (
        "Matematik och naturvetenskap",
        "Problemlösning, bevis och modellering i matematik, fysik, kemi och biologi "
        "på en nivå som utmanar.",
    ),
    (
        "Samhällsorienterande ämnen",
        "Historia, samhällskunskap, geografi och religion: källkritik, argumentation "
        "och egna undersökningar.",
    ),
    (
        "Språk",
        "Svenska, engelska och moderna språk: läsning, skrivande och retorik bortom kursplanen.",
    ),
]

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


DEMO_PUPIL_EMAIL = "alva.lindgren@elev.ekbacka.example.se"
# Alva's knowledge mentor: the two share a task room, so chat can be tried from both sides.
DEMO_PUPIL_MENTOR = "ahmed.hassan"


def load_pupils(today: date) -> int:
    """The demo pupils, nominations, offers and matches (see `demo_pupils`)."""
    from mentorhub import demo_pupils

    name, _starts, _ends = current_term_dates(today)
    term = db.session.scalars(sa.select(Term).where(Term.name == name)).one()
    coordinator = db.session.scalars(
        sa.select(User).where(User.email == email_for("samordnare"))
    ).one()
    from mentorhub import demo_rooms

    count = demo_pupils.load(today, term, coordinator, DEMO_PASSWORD)
    db.session.flush()
    demo_rooms.load(today, term)
    db.session.flush()
    from mentorhub import demo_progress

    demo_progress.load(today, term)
    _pupils_can_sign_in()
    return count


def _password_hash() -> str:
    """The demo password hashed once and reused for every demo account: seeding stays fast."""
    probe = User(email="", name="")
    probe.set_password(DEMO_PASSWORD)
    return probe.password_hash


def _pupils_can_sign_in() -> None:
    """Every demo pupil signs in with the demo password, so any pupil can be tried, and their
    invitations count as accepted (they have an account), so none is listed as pending."""
    from mentorhub.accounts.models import Invitation
    from mentorhub.timeutil import utcnow

    pupils = sa.select(UserRole.user_id).where(UserRole.role == Role.PUPIL.value)
    without = sa.and_(User.id.in_(pupils), User.password_hash.is_(None))
    if db.session.scalar(sa.select(User.id).where(without).limit(1)) is not None:
        db.session.execute(sa.update(User).where(without).values(password_hash=_password_hash()))
    db.session.execute(
        sa.update(Invitation)
        .where(
            Invitation.user_id.in_(pupils),
            Invitation.accepted_at.is_(None),
            Invitation.revoked_at.is_(None),
        )
        .values(accepted_at=utcnow())
    )


def email_for(local: str) -> str:
    return f"{local}@{DOMAIN}"


def current_term_dates(today: date) -> tuple[str, date, date]:
    """The Swedish school term that contains `today` (autumn: mid-Aug–mid-Jan, spring: rest)."""
    if today.month >= 8:
        return f"Höstterminen {today.year}", date(today.year, 8, 17), date(today.year + 1, 1, 15)
    if today.month == 1 and today.day <= 15:
        year = today.year - 1
        return f"Höstterminen {year}", date(year, 8, 17), date(today.year, 1, 15)
    return f"Vårterminen {today.year}", date(today.year, 1, 16), date(today.year, 6, 12)


def _get_or_add(model, lookup: dict, **values):
    obj = db.session.scalars(sa.select(model).filter_by(**lookup)).first()
    if obj is None:
        obj = model(**lookup, **values)
        db.session.add(obj)
    return obj


def load(today: date) -> dict[str, int]:
    """Add whatever of the demo data is missing. Returns how many of each kind exist."""
    schools = {
        name: _get_or_add(School, {"name": name}, kind=kind.value, municipality=MUNICIPALITY)
        for name, kind in SCHOOLS
    }
    for name, description in SUBJECT_AREAS:
        _get_or_add(SubjectArea, {"name": name}, description=description)
    term_name, starts, ends = current_term_dates(today)
    _get_or_add(Term, {"name": term_name}, starts_on=starts, ends_on=ends)
    db.session.flush()

    password_hash = None
    for local, name, roles, school in STAFF:
        email = email_for(local)
        if db.session.scalars(sa.select(User).where(User.email == email)).first():
            continue
        user = User(email=email, name=name, school_id=schools[school].id if school else None)
        password_hash = password_hash or _password_hash()
        user.password_hash = password_hash
        user.role_rows = [UserRole(role=r.value) for r in roles]
        db.session.add(user)
    db.session.flush()
    return {
        "schools": db.session.scalar(sa.select(sa.func.count(School.id))),
        "subject_areas": db.session.scalar(sa.select(sa.func.count(SubjectArea.id))),
        "users": db.session.scalar(sa.select(sa.func.count(User.id))),
    }
