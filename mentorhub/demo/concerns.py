"""The demo concerns (oro): two open (one with an action plan) and one closed, each raised by
the pupil's care team about a pupil who trips an early-warning rule."""

from __future__ import annotations

from datetime import datetime, timedelta

from mentorhub.accounts.models import User
from mentorhub.concerns.models import Concern, ConcernEvent
from mentorhub.demo.common import care_team, coordinator_id
from mentorhub.demo.early_warnings import ABSENT_IN_A_ROW, FALLING_RATINGS, LOW_ATTENDANCE
from mentorhub.extensions import db
from mentorhub.progress.models import FlagAcknowledgement

# (pupil's first name, category, description, how far it has come)
CASES = [
    (
        ABSENT_IN_A_ROW,
        "attendance",
        "Lucas har missat de tre senaste mentorsträffarna utan att höra av sig. Han verkar "
        "också trött på lektionerna.",
        "open-plan",
    ),
    (
        FALLING_RATINGS,
        "wellbeing",
        "Selma säger att hon inte hinner med och blir ledsen när något inte blir perfekt. "
        "Hennes egna skattningar har sjunkit tre veckor i rad.",
        "open",
    ),
    (
        LOW_ATTENDANCE,
        "motivation",
        "Omar verkar understimulerad på lektionerna och har börjat störa.",
        "closed",
    ),
]
ACTION_PLAN = (
    "Samtal med eleven och vårdnadshavare denna vecka. Mentorn erbjuder en extra "
    "kort avstämning digitalt. Specialpedagogen följer upp om två veckor."
)
CLOSING_NOTE = (
    "Omar har fått svårare uppgifter i matematik och arbetar nu lugnt. Inga fler "
    "åtgärder behövs just nu."
)


def load(pupils: dict[str, User], now: datetime) -> None:
    """Each case whose pupil is in a room, as far as it has come."""
    coordinator = coordinator_id()
    for first, category, description, state in CASES:
        pupil = pupils.get(first)
        if pupil is None:
            continue
        team = care_team(pupil.id)
        raised_by = team[0] if team else coordinator
        educator = team[-1] if team else coordinator
        concern, events = _raise(pupil, raised_by, category, description, now)
        if state in ("open-plan", "closed"):
            events.append(_plan(concern, educator, now))
        if state == "closed":
            events.append(_close(concern, educator, now))
            _acknowledge_low_attendance(pupil, educator, now)
        db.session.add_all(events)


def _raise(
    pupil: User, raised_by: int | None, category: str, description: str, now: datetime
) -> tuple[Concern, list[ConcernEvent]]:
    """The concern raised twelve days ago (added and flushed for its id), and its first event."""
    raised = now - timedelta(days=12)
    concern = Concern(
        pupil_id=pupil.id,
        raised_by_id=raised_by,
        category=category,
        description=description,
        created_at=raised,
        updated_at=raised,
    )
    db.session.add(concern)
    db.session.flush()
    event = ConcernEvent(
        concern_id=concern.id, kind="raised", author_id=raised_by, created_at=raised
    )
    return concern, [event]


def _plan(concern: Concern, educator: int | None, now: datetime) -> ConcernEvent:
    """The educator's action plan, two days after the concern was raised, reviewed in three."""
    concern.action_plan = ACTION_PLAN
    concern.responsible_id = educator
    concern.review_on = (now + timedelta(days=3)).date()
    return ConcernEvent(
        concern_id=concern.id,
        kind="plan",
        author_id=educator,
        body=concern.action_plan,
        created_at=concern.created_at + timedelta(days=2),
    )


def _close(concern: Concern, educator: int | None, now: datetime) -> ConcernEvent:
    """Closed two days ago with a closing note."""
    concern.status = "closed"
    concern.closed_at = now - timedelta(days=2)
    concern.closed_by_id = educator
    concern.closing_note = CLOSING_NOTE
    return ConcernEvent(
        concern_id=concern.id,
        kind="closed",
        author_id=educator,
        body=concern.closing_note,
        created_at=concern.closed_at,
    )


def _acknowledge_low_attendance(pupil: User, educator: int | None, now: datetime) -> None:
    """The low-attendance flag seen and explained, so it no longer counts as new."""
    db.session.add(
        FlagAcknowledgement(
            pupil_id=pupil.id,
            code="attendance_low",
            key="",
            note="Sjuk i två veckor, frånvaron anmäld av vårdnadshavare.",
            acknowledged_by_id=educator,
            created_at=now - timedelta(days=1),
        )
    )
