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

from mentorhub.accounts.models import Role, User, UserRole
from mentorhub.chat.models import Message
from mentorhub.concerns.models import Concern, ConcernEvent
from mentorhub.extensions import db
from mentorhub.goals.models import BuildUpSummary, CheckIn, Goal, GoalEvent
from mentorhub.matching.models import Match, MatchStatus
from mentorhub.meetings import recurrence
from mentorhub.meetings.models import Attendance, Meeting, MeetingSeries
from mentorhub.problems.models import Attempt, HintReveal, LevelChange
from mentorhub.programme.models import Term
from mentorhub.progress.models import FlagAcknowledgement
from mentorhub.pupils.models import PupilLevel, StaffLink
from mentorhub.rooms.models import Room

BLOCK_STARTS = {"1": time(8, 30), "2": time(10, 15), "3": time(13, 0), "4": time(14, 45)}
WEEKDAYS = {"mon": 0, "tue": 1, "wed": 2, "thu": 3, "fri": 4}

# Who trips which early-warning rule (first names of demo pupils in rooms).
ABSENT_IN_A_ROW = "Lucas"  # three absences without notice in a row
LOW_ATTENDANCE = "Omar"  # notice given, but 1 of the last 4 meetings attended
INACTIVE = "Melvin"  # nothing done for over three weeks
GOAL_WITHOUT_CHECKIN = "Elsa"  # an active goal not rated for 20 days
FALLING_RATINGS = "Selma"  # 4, 3, 2 on her goal
LEVEL_DOWN_TWICE = "Vincent"  # level moved down twice

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
    rng = random.Random(2026)
    now = datetime.combine(today, time(12, 0))
    rooms = list(db.session.scalars(sa.select(Room).order_by(Room.id)))
    pupils_by_name = {m.user.name.split(" ")[0]: m.user for room in rooms for m in room.members}
    _matched_early_in_term(term, now)
    meetings = _meetings(rooms, term, today)
    _attendance(meetings, rng, now)
    _spread_over_term(term, now)
    _inactive(pupils_by_name.get(INACTIVE), now)
    _goals(rooms, pupils_by_name, rng, now)
    _level_downs(pupils_by_name.get(LEVEL_DOWN_TWICE), rooms, now)
    _summaries(rooms, now)
    _concerns(pupils_by_name, now)
    db.session.flush()
    return len(meetings)


def _matched_early_in_term(term: Term, now: datetime) -> None:
    """The matches were confirmed in the term's first week, not on the day the demo loads:
    the inactivity rule counts from the day a pupil got their mentor."""
    confirmed = min(datetime.combine(term.starts_on + timedelta(days=7), time(9, 0)), now)
    db.session.execute(
        sa.update(Match)
        .where(Match.term_id == term.id, Match.status == MatchStatus.CONFIRMED.value)
        .values(confirmed_at=confirmed)
    )


def _meetings(rooms: list[Room], term: Term, today: date) -> list[Meeting]:
    """A weekly series per room at its match's time, from the term's third week to its end."""
    slots = dict(
        db.session.execute(
            sa.select(Match.pupil_id, Match.slot).where(
                Match.term_id == term.id, Match.status == MatchStatus.CONFIRMED.value
            )
        ).all()
    )
    made = []
    for room in rooms:
        slot = next((slots[m.user_id] for m in room.members if slots.get(m.user_id)), "wed-3")
        weekday, block = slot.split("-")
        first_day = term.starts_on + timedelta(days=14)
        first_day += timedelta(days=(WEEKDAYS[weekday] - first_day.weekday()) % 7)
        first_local = datetime.combine(first_day, BLOCK_STARTS[block])
        slug = room.name.lower().replace(" – ", "-").replace(" ", "-")
        series = MeetingSeries(
            room_id=room.id,
            created_by_id=room.mentor_id,
            title=f"Mentorsträff – {room.name}",
            weekly=True,
            first_local=first_local,
            until=term.ends_on,
            duration_minutes=60,
            video_url=f"https://meet.ekbacka.example.se/{slug}",
            created_at=recurrence.to_utc(first_local) - timedelta(days=10),
        )
        db.session.add(series)
        db.session.flush()
        made.extend(
            Meeting(
                series_id=series.id,
                room_id=room.id,
                title=series.title,
                starts_at=start,
                duration_minutes=60,
                video_url=series.video_url,
                created_at=series.created_at,
            )
            for start in recurrence.weekly_utc(first_local, term.ends_on)
        )
    # The autumn break (week 44) and the Christmas break: every meeting then is cancelled.
    for meeting in made:
        if in_a_break(recurrence.to_local(meeting.starts_at).date()):
            meeting.cancelled_at = meeting.starts_at - timedelta(days=7)
            meeting.sequence = 1
    db.session.add_all(made)
    db.session.flush()
    return made


def christmas_break(year: int) -> tuple[date, date]:
    """From the Monday of the week with 24 December to the Sunday after 1 January."""
    eve = date(year, 12, 24)
    first = eve - timedelta(days=eve.weekday())
    new_year = date(year + 1, 1, 1)
    return first, new_year + timedelta(days=6 - new_year.weekday())


def in_a_break(day: date) -> bool:
    """The school holidays of the autumn term: the autumn break (week 44) and Christmas."""
    if day.isocalendar()[1] == 44:
        return True
    year = day.year if day.month == 12 else day.year - 1
    first, last = christmas_break(year)
    return first <= day <= last


def _attendance(meetings: list[Meeting], rng: random.Random, now: datetime) -> None:
    rooms = {r.id: r for r in db.session.scalars(sa.select(Room))}
    past = [m for m in meetings if m.starts_at < now and not m.cancelled]
    by_room: dict[int, list[Meeting]] = {}
    for meeting in past:
        by_room.setdefault(meeting.room_id, []).append(meeting)
    for room_id, held in by_room.items():
        room = rooms[room_id]
        for member in room.members:
            first = member.user.name.split(" ")[0]
            for index, meeting in enumerate(held):
                from_end = len(held) - index  # 1 for the latest meeting
                status = _usual_status(rng)
                if first == ABSENT_IN_A_ROW and from_end <= 3:
                    status = "absent"
                elif first == LOW_ATTENDANCE and from_end <= 3:
                    status = "absent_with_notice"
                elif first not in (ABSENT_IN_A_ROW, LOW_ATTENDANCE) and from_end <= 4:
                    status = "present" if status != "late" else "late"
                db.session.add(
                    Attendance(
                        meeting_id=meeting.id,
                        pupil_id=member.user_id,
                        status=status,
                        recorded_by_id=room.mentor_id,
                        recorded_at=meeting.ends_at,
                    )
                )


def _usual_status(rng: random.Random) -> str:
    roll = rng.random()
    if roll < 0.82:
        return "present"
    if roll < 0.9:
        return "late"
    if roll < 0.97:
        return "absent_with_notice"
    return "absent"


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


def _inactive(pupil: User | None, now: datetime) -> None:
    """Move everything the pupil did to over three weeks ago."""
    if pupil is None:
        return
    long_ago = now - timedelta(days=23)
    for model, column in ((Message, Message.author_id), (Attempt, Attempt.pupil_id)):
        db.session.execute(sa.update(model).where(column == pupil.id).values(created_at=long_ago))
    db.session.execute(
        sa.update(HintReveal).where(HintReveal.pupil_id == pupil.id).values(opened_at=long_ago)
    )


def _care_team(pupil_id: int) -> list[int]:
    return list(
        db.session.scalars(sa.select(StaffLink.staff_id).where(StaffLink.pupil_id == pupil_id))
    )


def _goals(rooms: list[Room], pupils: dict[str, User], rng: random.Random, now: datetime) -> None:
    """Goals for about half the pupils in rooms, with weekly check-ins (mostly improving)."""
    mentors = {m.user_id: room.mentor_id for room in rooms for m in room.members}
    chosen = sorted({u.id: u for u in pupils.values()}.values(), key=lambda u: u.id)
    for index, pupil in enumerate(chosen):
        first = pupil.name.split(" ")[0]
        special = first in (GOAL_WITHOUT_CHECKIN, FALLING_RATINGS) or pupil.email.startswith(
            "alva."
        )
        if (index % 2 and not special) or first == INACTIVE:
            continue
        team = _care_team(pupil.id)
        author = team[-1] if team else mentors[pupil.id]
        title, template, why, steps, evidence = GOALS[index % len(GOALS)]
        started = now - timedelta(days=42)
        goal = Goal(
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
        db.session.add(goal)
        db.session.flush()
        db.session.add(
            GoalEvent(goal_id=goal.id, kind="created", author_id=author, created_at=started)
        )
        ratings = [2, 2, 3, 3, 3, 4]
        days = [35, 28, 21, 14, 7]
        if first == FALLING_RATINGS:
            ratings, days = [3, 4, 3, 2], [28, 21, 14, 7]
        elif first == GOAL_WITHOUT_CHECKIN:
            ratings, days = [2, 3], [34, 20]
        elif pupil.email.startswith("alva."):
            # Rated last week, not yet this week: the start page asks her.
            days = [now.weekday() + d for d in (35, 28, 21, 14, 7)]
        for rating, ago in zip(ratings, days, strict=False):
            when = now - timedelta(days=ago, hours=rng.randint(0, 5))
            db.session.add(
                CheckIn(
                    goal_id=goal.id,
                    pupil_id=pupil.id,
                    author_id=pupil.id,
                    rating=rating,
                    comment=_checkin_comment(rating),
                    created_at=when,
                )
            )
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
        if pupil.email.startswith("alva."):
            _reached_goal(pupil, author, now)


def _checkin_comment(rating: int) -> str:
    return {
        1: "Hann inte alls den här veckan.",
        2: "Kom igång men glömde fredagsavstämningen.",
        3: "Gick ganska bra, planen höll nästan hela veckan.",
        4: "Det fungerade jättebra!",
    }[rating]


def _reached_goal(pupil: User, author: int, now: datetime) -> None:
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


def _level_downs(pupil: User | None, rooms: list[Room], now: datetime) -> None:
    if pupil is None:
        return
    room = next(r for r in rooms if any(m.user_id == pupil.id for m in r.members))
    level = db.session.get(PupilLevel, (pupil.id, room.subject_area_id))
    start = level.level if level else 4
    start = max(start, 3)
    reasons = [
        "Uppgifterna på den här nivån blev för stora steg just nu; vi bygger grunden först.",
        "Vill hellre känna sig säker och hinna förklara sina lösningar.",
    ]
    for step, reason in enumerate(reasons):
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


def _concerns(pupils: dict[str, User], now: datetime) -> None:
    """Two open concerns (one with an action plan) and one closed."""
    coordinator = db.session.scalar(
        sa.select(User.id)
        .join(UserRole, UserRole.user_id == User.id)
        .where(UserRole.role == Role.COORDINATOR.value)
        .order_by(User.id)
    )
    cases = [
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
    for first, category, description, state in cases:
        pupil = pupils.get(first)
        if pupil is None:
            continue
        team = _care_team(pupil.id)
        raised_by = team[0] if team else coordinator
        educator = team[-1] if team else coordinator
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
        events = [
            ConcernEvent(
                concern_id=concern.id, kind="raised", author_id=raised_by, created_at=raised
            )
        ]
        if state in ("open-plan", "closed"):
            concern.action_plan = (
                "Samtal med eleven och vårdnadshavare denna vecka. Mentorn erbjuder en extra "
                "kort avstämning digitalt. Specialpedagogen följer upp om två veckor."
            )
            concern.responsible_id = educator
            concern.review_on = (now + timedelta(days=3)).date()
            events.append(
                ConcernEvent(
                    concern_id=concern.id,
                    kind="plan",
                    author_id=educator,
                    body=concern.action_plan,
                    created_at=raised + timedelta(days=2),
                )
            )
        if state == "closed":
            concern.status = "closed"
            concern.closed_at = now - timedelta(days=2)
            concern.closed_by_id = educator
            concern.closing_note = (
                "Omar har fått svårare uppgifter i matematik och arbetar nu lugnt. Inga fler "
                "åtgärder behövs just nu."
            )
            events.append(
                ConcernEvent(
                    concern_id=concern.id,
                    kind="closed",
                    author_id=educator,
                    body=concern.closing_note,
                    created_at=concern.closed_at,
                )
            )
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
        db.session.add_all(events)
