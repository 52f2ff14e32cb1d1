"""Who is around a pupil."""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa

from mentorhub.accounts.models import Role, User
from mentorhub.extensions import db
from mentorhub.matching.models import Match, MatchStatus
from mentorhub.programme.models import Term
from mentorhub.pupils.models import StaffLink


def care_team(pupil_id: int) -> list[User]:
    """The pupil's linked home teachers and special-needs educators and their current knowledge
    mentors (the same people `policy.cares_for` lets in), active ones only. Two queries."""
    linked = set(
        db.session.scalars(sa.select(StaffLink.staff_id).where(StaffLink.pupil_id == pupil_id))
    )
    mentors = set(
        db.session.scalars(
            sa.select(Match.mentor_id)
            .join(Term, Term.id == Match.term_id)
            .where(
                Match.pupil_id == pupil_id,
                Match.status == MatchStatus.CONFIRMED.value,
                Term.ends_on >= date.today(),
            )
        )
    )
    people = db.session.scalars(
        sa.select(User)
        .where(User.id.in_(linked | mentors), User.active.is_(True), User.id != pupil_id)
        .order_by(User.name)
    ).unique()
    # a link or a match counts only with the role that goes with it, as in the policy
    return [
        u
        for u in people
        if (u.id in linked and u.has_role(Role.HOME_TEACHER, Role.SPECIAL_EDUCATOR))
        or (u.id in mentors and u.has_role(Role.MENTOR))
    ]
