"""The demo programme: the municipality's schools, the three subject areas and the current term."""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa

from mentorhub.demo.common import MUNICIPALITY, current_term_dates, get_or_add
from mentorhub.extensions import db
from mentorhub.programme.models import School, SchoolKind, SubjectArea, Term

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


def load(today: date) -> dict[str, School]:
    """Add whichever schools, subject areas and term are missing; returns the schools by name."""
    schools = {
        name: get_or_add(School, {"name": name}, kind=kind.value, municipality=MUNICIPALITY)
        for name, kind in SCHOOLS
    }
    for name, description in SUBJECT_AREAS:
        get_or_add(SubjectArea, {"name": name}, description=description)
    term_name, starts, ends = current_term_dates(today)
    get_or_add(Term, {"name": term_name}, starts_on=starts, ends_on=ends)
    db.session.flush()
    return schools


def current_term(today: date) -> Term:
    """The demo term that contains `today` (loaded by `load`)."""
    name, _starts, _ends = current_term_dates(today)
    return db.session.scalars(sa.select(Term).where(Term.name == name)).one()


def subject_areas() -> list[SubjectArea]:
    """The subject areas in the order they were added: mathematics first."""
    return list(db.session.scalars(sa.select(SubjectArea).order_by(SubjectArea.id)))


def compulsory_schools() -> list[School]:
    """The four compulsory schools the demo pupils attend, in the order they were added."""
    return list(
        db.session.scalars(
            sa.select(School).where(School.kind == SchoolKind.COMPULSORY.value).order_by(School.id)
        )
    )
