"""Helpers that put a pupil's record straight into the database, for the progress tests."""

from __future__ import annotations

from datetime import timedelta

from mentorhub.chat.models import Message
from mentorhub.concerns.models import Concern
from mentorhub.extensions import db
from mentorhub.goals.models import CheckIn, Goal
from mentorhub.meetings.models import Attendance, Meeting, MeetingSeries
from mentorhub.problems.models import Attempt, LevelChange, PostTarget, Problem, ProblemPost
from mentorhub.timeutil import utcnow


def ago(days: float):
    return utcnow() - timedelta(days=days)


def meetings(room_id: int, count: int) -> list[int]:
    """`count` weekly meetings in the room, the last one a day ago; ids oldest first."""
    series = MeetingSeries(room_id=room_id, title="Veckomöte", first_local=ago(7 * count))
    db.session.add(series)
    db.session.flush()
    made = [
        Meeting(series_id=series.id, room_id=room_id, title="Veckomöte", starts_at=ago(1 + 7 * n))
        for n in reversed(range(count))
    ]
    db.session.add_all(made)
    db.session.flush()
    return [m.id for m in made]


def attendance(meeting_ids: list[int], pupil_id: int, statuses: list[str]) -> None:
    for meeting_id, status in zip(meeting_ids, statuses, strict=False):
        db.session.add(Attendance(meeting_id=meeting_id, pupil_id=pupil_id, status=status))


def message(room_id: int, author_id: int, days_ago: float) -> None:
    seq = (db.session.query(db.func.max(Message.seq)).filter_by(room_id=room_id).scalar()) or 0
    db.session.add(
        Message(
            room_id=room_id,
            seq=seq + 1,
            author_id=author_id,
            client_id=f"c{seq + 1}-{author_id}",
            body="hej",
            html="<p>hej</p>",
            created_at=ago(days_ago),
        )
    )
    db.session.flush()


def problem_post(room_id: int, mentor_id: int, area_id: int, pupil_id: int, level: int) -> int:
    problem = Problem(
        mentor_id=mentor_id,
        subject_area_id=area_id,
        title="Primtal",
        statement="s",
        statement_html="<p>s</p>",
        levels=[level],
    )
    db.session.add(problem)
    db.session.flush()
    post = ProblemPost(
        problem_id=problem.id,
        room_id=room_id,
        posted_by_id=mentor_id,
        targets=[PostTarget(pupil_id=pupil_id, level=level)],
    )
    db.session.add(post)
    db.session.flush()
    return post.id


def attempt(post_id: int, pupil_id: int, level: int, status: str, days_ago: float = 1) -> None:
    db.session.add(
        Attempt(
            post_id=post_id, pupil_id=pupil_id, level=level, status=status, created_at=ago(days_ago)
        )
    )


def goal(pupil_id: int, title: str, started_days_ago: float, ratings=()) -> int:
    """A goal with check-ins by the pupil: `ratings` as (days ago, rating), any order."""
    g = Goal(pupil_id=pupil_id, title=title, created_at=ago(started_days_ago))
    db.session.add(g)
    db.session.flush()
    for days_ago, rating in ratings:
        db.session.add(
            CheckIn(
                goal_id=g.id,
                pupil_id=pupil_id,
                author_id=pupil_id,
                rating=rating,
                created_at=ago(days_ago),
            )
        )
    return g.id


def level_change(pupil_id: int, area_id: int, before: int | None, after: int, days_ago=10):
    db.session.add(
        LevelChange(
            pupil_id=pupil_id,
            subject_area_id=area_id,
            from_level=before,
            to_level=after,
            reason="Bedömning",
            created_at=ago(days_ago),
        )
    )


def concern(pupil_id: int, description: str, status: str = "open") -> int:
    c = Concern(
        pupil_id=pupil_id,
        category="study",
        description=description,
        status=status,
        closed_at=utcnow() if status == "closed" else None,
    )
    db.session.add(c)
    db.session.flush()
    return c.id


def matched_since(pupil_id: int, days_ago: float) -> None:
    """The pupil got their knowledge mentor `days_ago` (the inactivity rule counts from it)."""
    import sqlalchemy as sa

    from mentorhub.matching.models import Match

    db.session.execute(
        sa.update(Match).where(Match.pupil_id == pupil_id).values(confirmed_at=ago(days_ago))
    )
