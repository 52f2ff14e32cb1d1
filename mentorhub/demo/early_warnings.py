"""The demo pupils who each trip one early-warning rule, and the history that makes them trip it
(the attendance, goals and concerns modules read the names here too)."""

from __future__ import annotations

from datetime import datetime, time, timedelta

import sqlalchemy as sa

from mentorhub.accounts.models import User
from mentorhub.chat.models import Message
from mentorhub.extensions import db
from mentorhub.matching.models import Match, MatchStatus
from mentorhub.problems.models import Attempt, HintReveal, LevelChange
from mentorhub.programme.models import Term
from mentorhub.pupils.models import PupilLevel
from mentorhub.rooms.models import Room

# Who trips which early-warning rule (first names of demo pupils in rooms).
ABSENT_IN_A_ROW = "Lucas"  # three absences without notice in a row
LOW_ATTENDANCE = "Omar"  # notice given, but 1 of the last 4 meetings attended
INACTIVE = "Melvin"  # nothing done for over three weeks
GOAL_WITHOUT_CHECKIN = "Elsa"  # an active goal not rated for 20 days
FALLING_RATINGS = "Selma"  # 4, 3, 2 on her goal
LEVEL_DOWN_TWICE = "Vincent"  # level moved down twice

LEVEL_DOWN_REASONS = [
    "Uppgifterna på den här nivån blev för stora steg just nu; vi bygger grunden först.",
    "Vill hellre känna sig säker och hinna förklara sina lösningar.",
]


def matched_early_in_term(term: Term, now: datetime) -> None:
    """The matches were confirmed in the term's first week, not on the day the demo loads:
    the inactivity rule counts from the day a pupil got their mentor."""
    confirmed = min(datetime.combine(term.starts_on + timedelta(days=7), time(9, 0)), now)
    db.session.execute(
        sa.update(Match)
        .where(Match.term_id == term.id, Match.status == MatchStatus.CONFIRMED.value)
        .values(confirmed_at=confirmed)
    )


def inactive(pupil: User | None, now: datetime) -> None:
    """Move everything the pupil did to over three weeks ago."""
    if pupil is None:
        return
    long_ago = now - timedelta(days=23)
    for model, column in ((Message, Message.author_id), (Attempt, Attempt.pupil_id)):
        db.session.execute(sa.update(model).where(column == pupil.id).values(created_at=long_ago))
    db.session.execute(
        sa.update(HintReveal).where(HintReveal.pupil_id == pupil.id).values(opened_at=long_ago)
    )


def level_down_twice(pupil: User | None, rooms: list[Room], now: datetime) -> None:
    """Two level changes down in the pupil's room's subject area, a fortnight apart."""
    if pupil is None:
        return
    room = next(r for r in rooms if any(m.user_id == pupil.id for m in r.members))
    level = db.session.get(PupilLevel, (pupil.id, room.subject_area_id))
    start = max(level.level if level else 4, 3)
    for step, reason in enumerate(LEVEL_DOWN_REASONS):
        db.session.add(
            LevelChange(
                pupil_id=pupil.id,
                subject_area_id=room.subject_area_id,
                from_level=start - step,
                to_level=start - step - 1,
                reason=reason,
                changed_by_id=room.mentor_id,
                created_at=now - timedelta(days=30 - 14 * step),
            )
        )
    if level:
        level.level = start - 2
