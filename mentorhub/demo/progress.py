"""Demo follow-up data (journeys 6–8): a term of weekly meetings with attendance, study-technique
goals with check-ins, the mentors' "what to build up next", and a few pupils who each trip one
early-warning rule, two open concerns and one closed.

History is written straight into the tables with past timestamps: the services stamp "now", and a
term's worth of follow-up cannot be clicked into being today. Deterministic and idempotent:
nothing is added when any meeting series exists.
"""

from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta

import sqlalchemy as sa

from mentorhub.demo import concerns, early_warnings, goals, meetings
from mentorhub.demo.common import first_name
from mentorhub.extensions import db
from mentorhub.goals.models import BuildUpSummary
from mentorhub.meetings.models import MeetingSeries
from mentorhub.problems.models import Attempt, LevelChange
from mentorhub.programme.models import Term
from mentorhub.pupils.models import PupilLevel
from mentorhub.rooms.models import Room

SUMMARIES = [
    "Du löser uppgifter säkert på nivå {level}. Inför gymnasiet: träna på att skriva fullständiga "
    "resonemang och att själv kontrollera dina svar. Nästa steg är bevisuppgifter i flera steg.",
    "Starkt analytiskt tänkande. Bygg vidare på att planera längre arbeten och att be om "
    "återkoppling tidigt – gymnasiet kräver att du driver ditt eget lärande.",
]


def load(today: date, term: Term) -> int:
    """Add the follow-up demo data; returns the number of meetings (0 when already loaded)."""
    if db.session.scalar(sa.select(MeetingSeries.id).limit(1)) is not None:
        return 0
    # One generator for attendance and then the goals' check-ins, in that order.
    rng = random.Random(2026)
    now = datetime.combine(today, time(12, 0))
    rooms = list(db.session.scalars(sa.select(Room).order_by(Room.id)))
    pupils_by_name = {first_name(m.user): m.user for room in rooms for m in room.members}
    early_warnings.matched_early_in_term(term, now)
    held = meetings.load(rooms, term)
    meetings.attendance(held, rng, now)
    _spread_over_term(term, now)
    early_warnings.inactive(pupils_by_name.get(early_warnings.INACTIVE), now)
    goals.load(rooms, pupils_by_name, rng, now)
    early_warnings.level_down_twice(pupils_by_name.get(early_warnings.LEVEL_DOWN_TWICE), rooms, now)
    _summaries(rooms, now)
    concerns.load(pupils_by_name, now)
    db.session.flush()
    return len(held)


def _spread_over_term(term: Term, now: datetime) -> None:
    """The assessed attempts and the level changes they led to happened week by week through
    the term, not all on the day the demo loads, so "Nivå över tid" has real dates. Attempts
    still waiting for feedback stay recent: they are what the mentor sees as waiting."""
    start = datetime.combine(term.starts_on + timedelta(days=14), time(14, 0))
    span = max((now - start).days - 7, 1)
    assessed = db.session.scalars(
        sa.select(Attempt).where(Attempt.feedback_at.is_not(None)).order_by(Attempt.id)
    ).all()
    for index, attempt in enumerate(assessed):
        attempt.created_at = start + timedelta(days=(index * 9) % span)
        attempt.feedback_at = attempt.created_at + timedelta(days=1)
        db.session.execute(
            sa.update(LevelChange)
            .where(LevelChange.attempt_id == attempt.id)
            .values(created_at=attempt.feedback_at)
        )
    db.session.flush()


def _summaries(rooms: list[Room], now: datetime) -> None:
    """The mentor's "what to build up next" for every pupil in the first rooms."""
    levels = dict(
        db.session.execute(
            sa.select(PupilLevel.pupil_id, sa.func.max(PupilLevel.level)).group_by(
                PupilLevel.pupil_id
            )
        ).all()
    )
    for index, room in enumerate(rooms[:12]):
        for member in room.members:
            db.session.add(
                BuildUpSummary(
                    pupil_id=member.user_id,
                    mentor_id=room.mentor_id,
                    body=SUMMARIES[index % 2].format(level=levels.get(member.user_id, 3)),
                    created_at=now - timedelta(days=6),
                )
            )
