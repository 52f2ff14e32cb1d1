"""The demo study-technique goals: about half the pupils in rooms have one, with weekly
check-ins (mostly improving) and a comment from their mentor; Alva has also reached one."""

from __future__ import annotations

import random
from datetime import datetime, timedelta

from mentorhub.accounts.models import User
from mentorhub.demo.common import care_team, first_name
from mentorhub.demo.early_warnings import FALLING_RATINGS, GOAL_WITHOUT_CHECKIN, INACTIVE
from mentorhub.demo.pupils import DEMO_PUPIL_EMAIL
from mentorhub.extensions import db
from mentorhub.goals.models import CheckIn, Goal, GoalEvent
from mentorhub.rooms.models import Room

GOALS = [
    (
        "Planera veckan",
        "planning",
        "När du ser hela veckan framför dig hinner du både skoluppgifterna och utmaningarna "
        "från kunskapsmentorn – utan stress på söndagskvällen.",
        "Skriv in lektioner, prov och inlämningar i kalendern på måndagen\n"
        "Välj två pass i veckan för mentorsuppgifterna\n"
        "Stäm av på fredagen: vad blev gjort, vad flyttas?",
        "Du har en veckoplan varje måndag och hinner det du planerat de flesta veckor.",
    ),
    (
        "Be om hjälp tidigt",
        "ask_early",
        "Att fastna är en del av att lära sig. Den som frågar tidigt kommer längre än den som "
        "sitter ensam med uppgiften i tre dagar.",
        "Om du har fastnat i 20 minuter: skriv i uppgiftsrummet vad du har provat\n"
        "Använd ledtrådarna innan du ger upp\n"
        "Ta med en fråga till varje möte",
        "Du ställer minst en fråga i veckan i rummet eller på mötet.",
    ),
    (
        "Förbereda inför prov",
        "test_prep",
        "Högre krav på gymnasiet betyder att pluggandet måste börja i god tid, inte kvällen före.",
        "Gör en plan två veckor före provet\n"
        "Testa dig själv med gamla uppgifter i stället för att bara läsa\n"
        "Skriv ner vad som var svårt och ta upp det med läraren",
        "Du har en plan före varje prov och känner dig lugnare inför proven.",
    ),
    (
        "Anteckna så att du förstår",
        "notes",
        "Egna anteckningar hjälper dig att minnas och att se sambanden mellan ämnena.",
        "Skriv tre nyckelord och en fråga efter varje genomgång\n"
        "Sammanfatta med egna ord samma dag\n"
        "Jämför dina anteckningar med en kompis en gång i veckan",
        "Du kan förklara veckans innehåll med hjälp av dina anteckningar.",
    ),
]

CHECKIN_COMMENTS = {
    1: "Hann inte alls den här veckan.",
    2: "Kom igång men glömde fredagsavstämningen.",
    3: "Gick ganska bra, planen höll nästan hela veckan.",
    4: "Det fungerade jättebra!",
}


def load(rooms: list[Room], pupils: dict[str, User], rng: random.Random, now: datetime) -> None:
    """Goals for every other pupil in rooms, and for the pupils the goal rules are shown with."""
    mentors = {m.user_id: room.mentor_id for room in rooms for m in room.members}
    chosen = sorted({u.id: u for u in pupils.values()}.values(), key=lambda u: u.id)
    for index, pupil in enumerate(chosen):
        if not _has_a_goal(index, pupil):
            continue
        team = care_team(pupil.id)
        author = team[-1] if team else mentors[pupil.id]
        goal = _goal(pupil, GOALS[index % len(GOALS)], author, now)
        _check_ins(goal, pupil, rng, now)
        db.session.add(
            GoalEvent(
                goal_id=goal.id,
                kind="comment",
                author_id=mentors[pupil.id],
                body="Bra att du har kommit igång! Ta med din plan till nästa möte så tittar vi "
                "på den tillsammans.",
                created_at=now - timedelta(days=20),
            )
        )
        if pupil.email == DEMO_PUPIL_EMAIL:
            _reached_goal(pupil, author, now)


def _has_a_goal(index: int, pupil: User) -> bool:
    first = first_name(pupil)
    if first == INACTIVE:
        return False
    special = first in (GOAL_WITHOUT_CHECKIN, FALLING_RATINGS) or pupil.email == DEMO_PUPIL_EMAIL
    return special or not index % 2


def _goal(pupil: User, goal: tuple[str, ...], author: int, now: datetime) -> Goal:
    """The goal, started six weeks ago (added and flushed for its id), with its created event."""
    title, template, why, steps, evidence = goal
    started = now - timedelta(days=42)
    row = Goal(
        pupil_id=pupil.id,
        template=template,
        title=title,
        why=why,
        steps=steps,
        evidence=evidence,
        target_date=(now + timedelta(days=40)).date(),
        created_by_id=author,
        created_at=started,
        updated_at=started,
    )
    db.session.add(row)
    db.session.flush()
    db.session.add(GoalEvent(goal_id=row.id, kind="created", author_id=author, created_at=started))
    return row


def _ratings(pupil: User, now: datetime) -> tuple[list[int], list[int]]:
    """The pupil's weekly self-ratings and how many days ago each was given."""
    first = first_name(pupil)
    if first == FALLING_RATINGS:
        return [3, 4, 3, 2], [28, 21, 14, 7]
    if first == GOAL_WITHOUT_CHECKIN:
        return [2, 3], [34, 20]
    ratings = [2, 2, 3, 3, 3, 4]
    if pupil.email == DEMO_PUPIL_EMAIL:
        # Rated last week, not yet this week: the start page asks her.
        return ratings, [now.weekday() + d for d in (35, 28, 21, 14, 7)]
    return ratings, [35, 28, 21, 14, 7]


def _check_ins(goal: Goal, pupil: User, rng: random.Random, now: datetime) -> None:
    ratings, days = _ratings(pupil, now)
    for rating, ago in zip(ratings, days, strict=False):
        when = now - timedelta(days=ago, hours=rng.randint(0, 5))
        db.session.add(
            CheckIn(
                goal_id=goal.id,
                pupil_id=pupil.id,
                author_id=pupil.id,
                rating=rating,
                comment=CHECKIN_COMMENTS[rating],
                created_at=when,
            )
        )


def _reached_goal(pupil: User, author: int, now: datetime) -> None:
    """A goal reached a fortnight ago, with its six check-ins and the status change."""
    started = now - timedelta(days=70)
    goal = Goal(
        pupil_id=pupil.id,
        template="notes",
        title="Anteckna så att du förstår",
        why="Egna anteckningar hjälper dig att minnas och se sambanden.",
        steps="Tre nyckelord och en fråga efter varje genomgång\nSammanfatta samma dag",
        evidence="Du kan förklara veckans innehåll med dina anteckningar.",
        target_date=(now - timedelta(days=14)).date(),
        status="reached",
        created_by_id=author,
        created_at=started,
        updated_at=now - timedelta(days=15),
    )
    db.session.add(goal)
    db.session.flush()
    db.session.add_all(
        [
            GoalEvent(goal_id=goal.id, kind="created", author_id=author, created_at=started),
            *(
                CheckIn(
                    goal_id=goal.id,
                    pupil_id=pupil.id,
                    author_id=pupil.id,
                    rating=rating,
                    created_at=started + timedelta(days=7 * (i + 1)),
                )
                for i, rating in enumerate([1, 2, 3, 3, 4, 4])
            ),
            GoalEvent(
                goal_id=goal.id,
                kind="status",
                author_id=author,
                body="Alva antecknar nu på egen hand och använder anteckningarna inför proven.",
                changes={"from": "active", "to": "reached"},
                created_at=now - timedelta(days=15),
            ),
        ]
    )
