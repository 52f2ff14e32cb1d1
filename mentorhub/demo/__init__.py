"""Swedish demo data for the pilot (`flask mentorhub seed-demo`, `make run`): one municipality,
its schools, subject areas, a term and staff (`load`), then pupils, matching, rooms and a term of
follow-up (`load_pupils`).

Loading is idempotent: everything is looked up by its unique name or email first, or a part is
skipped when it is already there, so running it again neither duplicates nor fails. The modules
are named by what they add; this module only puts them in order.
"""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa

from mentorhub.accounts.models import User
from mentorhub.demo import programme, progress, pupils, rooms, staff
from mentorhub.demo.common import DEMO_PASSWORD, current_term_dates, email_for
from mentorhub.demo.pupils import DEMO_PUPIL_EMAIL
from mentorhub.demo.staff import DEMO_LOGINS, DEMO_PUPIL_MENTOR
from mentorhub.extensions import db
from mentorhub.programme.models import School, SubjectArea

__all__ = [
    "DEMO_LOGINS",
    "DEMO_PASSWORD",
    "DEMO_PUPIL_EMAIL",
    "DEMO_PUPIL_MENTOR",
    "current_term_dates",
    "email_for",
    "load",
    "load_pupils",
]


def load(today: date) -> dict[str, int]:
    """Add whatever of the schools, subject areas, term and staff is missing. Returns how many
    of each kind exist."""
    staff.load(programme.load(today))
    return {
        "schools": db.session.scalar(sa.select(sa.func.count(School.id))),
        "subject_areas": db.session.scalar(sa.select(sa.func.count(SubjectArea.id))),
        "users": db.session.scalar(sa.select(sa.func.count(User.id))),
    }


def load_pupils(today: date) -> int:
    """The demo pupils, nominations, matches, rooms and follow-up, after `load`. Returns how
    many nominations the term has."""
    term = programme.current_term(today)
    count = pupils.load(today, term, staff.coordinator())
    db.session.flush()
    rooms.load(today, term)
    db.session.flush()
    progress.load(today, term)
    pupils.let_every_pupil_sign_in()
    return count
