"""Who is around a pupil."""

from __future__ import annotations

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from mentorhub import audit, policy
from mentorhub.accounts.models import Role, User
from mentorhub.errors import DomainError, Missing, Refused
from mentorhub.extensions import db
from mentorhub.pupils.models import StaffLink


def care_team(pupil_id: int) -> list[User]:
    """The pupil's linked home teachers and special-needs educators and their current knowledge
    mentors, active ones only: exactly the people `policy.cares_for` lets in."""
    return policy.carers_of(pupil_id)


RELATION_ROLES = {"home_teacher": Role.HOME_TEACHER, "special_educator": Role.SPECIAL_EDUCATOR}


def links_of(pupil_id: int) -> list[StaffLink]:
    """The pupil's school-staff links, by name."""
    return list(
        db.session.scalars(
            sa.select(StaffLink)
            .join(User, User.id == StaffLink.staff_id)
            .where(StaffLink.pupil_id == pupil_id)
            .order_by(User.name, StaffLink.relation)
        )
    )


def link_candidates(pupil: User) -> list[tuple[User, str]]:
    """Who may join the pupil's team: active home teachers and special-needs educators of the
    pupil's own school, once per role they hold, minus the links that already exist."""
    if pupil.school_id is None:
        return []
    staff = db.session.scalars(
        sa.select(User)
        .where(User.school_id == pupil.school_id, User.active.is_(True), User.id != pupil.id)
        .order_by(User.name)
    ).unique()
    existing = {(link.staff_id, link.relation) for link in links_of(pupil.id)}
    return [
        (person, relation)
        for person in staff
        for relation, role in RELATION_ROLES.items()
        if person.has_role(role) and (person.id, relation) not in existing
    ]


def add_link(actor: User, pupil: User, staff_id: int, relation: str) -> StaffLink:
    """Link a home teacher or special-needs educator of the pupil's school to the pupil.

    From then on they see the pupil's whole record (`policy.cares_for`), so only someone of
    the pupil's own school in the role the relation names may be linked.
    """
    allowed = {(person.id, rel) for person, rel in link_candidates(pupil)}
    if (staff_id, relation) not in allowed:
        raise DomainError(
            _l("Choose a home teacher or special-needs educator of the pupil's school."),
            field="member",
        )
    link = StaffLink(pupil_id=pupil.id, staff_id=staff_id, relation=relation)
    db.session.add(link)
    audit.record(actor, "care_team.add", pupil, person=pupil, staff_id=staff_id, relation=relation)
    return link


def remove_link(actor: User, pupil: User, staff_id: int, relation: str) -> None:
    """End a link: the person loses access to the pupil's record at their next request, and
    to the rooms they read through the pupil at once (open sockets included)."""
    link = db.session.get(StaffLink, (pupil.id, staff_id, relation))
    if link is None:
        raise DomainError(_l("That person is not in the pupil's team."))
    db.session.delete(link)
    audit.record(
        actor, "care_team.remove", pupil, person=pupil, staff_id=staff_id, relation=relation
    )
    db.session.flush()
    # and the rooms they read only through this pupil: their open sockets stop hearing them
    from mentorhub import realtime
    from mentorhub.rooms.models import RoomMember

    rooms = db.session.scalars(
        sa.select(RoomMember.room_id).where(
            RoomMember.user_id == pupil.id, RoomMember.removed_at.is_(None)
        )
    ).all()
    realtime.room_access_changed([staff_id], rooms)


def is_pupil(user: User) -> bool:
    return user.has_role(Role.PUPIL)


def pupil_or_404(pupil_id: int) -> User:
    """The pupil with this id; `Missing` (404) when there is none or the person is not a
    pupil."""
    pupil = db.session.get(User, pupil_id)
    if pupil is None or not is_pupil(pupil):
        raise Missing()
    return pupil


def team_page(coordinator: User, pupil_id: int) -> User:
    """The pupil whose team a coordinator keeps: refused to anyone else before the pupil is
    looked up."""
    if not policy.can_manage_care_team(coordinator):
        raise Refused()
    pupil = pupil_or_404(pupil_id)
    # Who supports the pupil is part of their record: the read is logged like the others.
    audit.record(coordinator, "care_team.view", pupil, person=pupil)
    return pupil
