"""Setting up the programme: schools, subject areas and terms."""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from mentorhub import audit
from mentorhub.accounts.models import User
from mentorhub.errors import DomainError
from mentorhub.extensions import db
from mentorhub.programme.models import School, SchoolKind, SubjectArea, Term
from mentorhub.timeutil import show_day


def _name_taken(model, name: str, exclude_id: int | None) -> bool:
    query = sa.select(model.id).where(sa.func.lower(model.name) == name.strip().lower())
    if exclude_id is not None:
        query = query.where(model.id != exclude_id)
    return db.session.scalar(query) is not None


def save_school(
    actor: User,
    *,
    name: str,
    kind: str,
    municipality: str,
    active: bool = True,
    school: School | None = None,
) -> School:
    """Create a school, or update `school` when given. Names are unique."""
    if _name_taken(School, name, school.id if school else None):
        raise DomainError(_l("There is already a school with this name."), field="name")
    SchoolKind(kind)
    is_new = school is None
    school = school or School()
    school.name, school.kind, school.municipality = name.strip(), kind, municipality.strip()
    school.active = active
    db.session.add(school)
    audit.record(actor, "school.create" if is_new else "school.update", school, name=school.name)
    return school


def save_subject_area(
    actor: User,
    *,
    name: str,
    description: str,
    active: bool = True,
    area: SubjectArea | None = None,
) -> SubjectArea:
    if _name_taken(SubjectArea, name, area.id if area else None):
        raise DomainError(_l("There is already a subject area with this name."), field="name")
    is_new = area is None
    area = area or SubjectArea()
    area.name, area.description, area.active = name.strip(), description.strip(), active
    db.session.add(area)
    audit.record(actor, "subject_area.create" if is_new else "subject_area.update", area)
    return area


def save_term(
    actor: User, *, name: str, starts_on: date, ends_on: date, term: Term | None = None
) -> Term:
    """Create or update a term; it must end after it starts, not share a name and not overlap
    another term (which term is current decides where nominations go). All refusals at once."""
    errors: list[tuple[str | None, str]] = []
    if ends_on <= starts_on:
        errors.append(("ends_on", _l("The term must end after it starts.")))
    if _name_taken(Term, name, term.id if term else None):
        errors.append(("name", _l("There is already a term with this name.")))
    other = _overlapping_term(starts_on, ends_on, term.id if term else None)
    if other is not None and ends_on > starts_on:
        errors.append(
            (
                "starts_on",
                _l(
                    "The term overlaps %(term)s (%(starts)s – %(ends)s). Choose days outside it.",
                    term=other.name,
                    starts=show_day(other.starts_on),
                    ends=show_day(other.ends_on),
                ),
            )
        )
    DomainError.collect(errors)
    is_new = term is None
    term = term or Term()
    term.name, term.starts_on, term.ends_on = name.strip(), starts_on, ends_on
    db.session.add(term)
    audit.record(actor, "term.create" if is_new else "term.update", term)
    return term


def _overlapping_term(starts_on: date, ends_on: date, exclude_id: int | None) -> Term | None:
    """The first other term sharing at least one day with starts_on..ends_on, if any."""
    query = sa.select(Term).where(Term.starts_on <= ends_on, Term.ends_on >= starts_on)
    if exclude_id:
        query = query.where(Term.id != exclude_id)
    return db.session.scalars(query.order_by(Term.starts_on)).first()


def schools(*, only_active: bool = False) -> list[School]:
    query = sa.select(School).order_by(School.kind, School.name)
    if only_active:
        query = query.where(School.active.is_(True))
    return list(db.session.scalars(query))


def subject_areas(*, only_active: bool = False) -> list[SubjectArea]:
    query = sa.select(SubjectArea).order_by(SubjectArea.name)
    if only_active:
        query = query.where(SubjectArea.active.is_(True))
    return list(db.session.scalars(query))


def terms() -> list[Term]:
    return list(db.session.scalars(sa.select(Term).order_by(Term.starts_on.desc())))


def current_term(today: date) -> Term | None:
    return db.session.scalars(
        sa.select(Term).where(Term.starts_on <= today, Term.ends_on >= today)
    ).first()
