"""A region-sized data set for benchmarks: `flask mentorhub seed-scale --pupils N`.

Thousands of pupils across schools, each nominated, most approved and matched, with a term of
weekly meetings and attendance, chat messages, problem attempts, goals with check-ins and a few
concerns. Bulk-inserted with Core statements (one executemany per table and batch), so 10,000
pupils take minutes, not hours. Every name and address carries a run tag, so the command can
run again on the same database (a second region beside the first).

Not demo data for people to click through: the names are numbered, the texts repeat.
"""

from __future__ import annotations

import random
import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta

import sqlalchemy as sa

from mentorhub.accounts.models import Role, User, UserRole
from mentorhub.chat.models import Message
from mentorhub.concerns.models import Concern, ConcernCategory, ConcernStatus
from mentorhub.extensions import db
from mentorhub.goals.models import CheckIn, Goal, GoalStatus
from mentorhub.matching.models import Match, MatchStatus, MentorOffer, MentorOfferSubject
from mentorhub.meetings.models import Attendance, AttendanceStatus, Meeting, MeetingSeries
from mentorhub.nominations.models import Nomination, NominationSubject, Status
from mentorhub.problems.models import Attempt, AttemptStatus, Problem, ProblemPost
from mentorhub.programme.models import School, SchoolKind, SubjectArea, Term
from mentorhub.pupils.models import StaffLink
from mentorhub.rooms.models import Room, RoomKind, RoomMember

BATCH = 5_000
PUPILS_PER_SCHOOL = 250
PUPILS_PER_MENTOR = 5
WEEKS = 18
ATTENDANCE = (
    [AttendanceStatus.PRESENT.value] * 16
    + [AttendanceStatus.LATE.value]
    + [AttendanceStatus.ABSENT_WITH_NOTICE.value] * 2
    + [AttendanceStatus.ABSENT.value]
)


@dataclass
class Scale:
    pupils: int
    schools: int = 0
    mentors: int = 0
    rooms: int = 0
    meetings: int = 0
    attendances: int = 0
    messages: int = 0
    attempts: int = 0
    goals: int = 0
    concerns: int = 0


def seed_scale(pupils: int, today: date, *, seed: int = 1) -> Scale:
    """Insert a region of `pupils` pupils and a term of their work up to `today`; the caller
    commits. Returns what was made."""
    if pupils < 1:
        raise ValueError("at least one pupil")
    rng = random.Random(seed)
    tag = secrets.token_hex(3)
    scale = Scale(pupils=pupils)
    term = _term(today)
    areas = _areas()
    password_hash = _password_hash()
    school_ids = _schools(tag, max(1, pupils // PUPILS_PER_SCHOOL), scale)
    mentor_ids = _users(
        tag, "mentor", max(1, pupils // PUPILS_PER_MENTOR), Role.MENTOR, password_hash, None
    )
    scale.mentors = len(mentor_ids)
    pupil_schools = [school_ids[i % len(school_ids)] for i in range(pupils)]
    pupil_ids = _users(tag, "elev", pupils, Role.PUPIL, password_hash, pupil_schools)
    teachers = _users(tag, "larare", len(school_ids), Role.HOME_TEACHER, password_hash, school_ids)
    # Each school's home teacher is linked to its pupils, so their review and pupil pages fill.
    _insert(
        StaffLink,
        [
            {"pupil_id": p, "staff_id": teachers[i % len(teachers)], "relation": "home_teacher"}
            for i, p in enumerate(pupil_ids)
        ],
    )
    _offers(term, mentor_ids, areas)
    matched = _nominations(rng, term, pupil_ids, pupil_schools, teachers, areas)
    start = _moment(term.starts_on)
    rooms = _rooms(tag, term, mentor_ids, matched, areas, start, scale)
    _meetings(rng, rooms, start, today, scale)
    _messages(rng, rooms, start, scale)
    _attempts(rng, rooms, areas, start, scale)
    _goals(rng, matched, start, scale)
    _concerns(rng, matched, start, scale)
    # Fresh statistics, or the planner guesses row counts for tables it has never measured.
    db.session.execute(sa.text("ANALYZE"))
    return scale


def _insert(model, rows: Iterable[dict], returning=None) -> list:
    """Insert in batches; with `returning`, the new ids in the order of `rows`."""
    rows = list(rows)
    ids: list = []
    for i in range(0, len(rows), BATCH):
        chunk = rows[i : i + BATCH]
        if returning is None:
            db.session.execute(sa.insert(model), chunk)
        else:
            statement = sa.insert(model).returning(returning, sort_by_parameter_order=True)
            ids += db.session.scalars(statement, chunk).all()
    return ids


def _moment(day: date, hour: int = 15) -> datetime:
    return datetime(day.year, day.month, day.day, hour)


def _term(today: date) -> Term:
    """The term under way today, or a new one around it."""
    term = db.session.scalars(
        sa.select(Term).where(Term.starts_on <= today, Term.ends_on >= today)
    ).first()
    if term is None:
        term = Term(
            name=f"Skalterminen {today.isoformat()}",
            starts_on=today - timedelta(weeks=WEEKS),
            ends_on=today + timedelta(weeks=4),
        )
        db.session.add(term)
        db.session.flush()
    return term


def _areas() -> list[int]:
    ids = db.session.scalars(sa.select(SubjectArea.id).order_by(SubjectArea.id)).all()
    if ids:
        return list(ids)
    names = ("Matematik och naturvetenskap", "Samhällsorienterande ämnen", "Språk")
    return _insert(SubjectArea, [{"name": n, "description": ""} for n in names], SubjectArea.id)


def _password_hash() -> str:
    probe = User(email="", name="")
    probe.set_password("skala-mentorhub")
    return probe.password_hash


def _schools(tag: str, count: int, scale: Scale) -> list[int]:
    scale.schools = count
    rows = [
        {
            "name": f"Skalskola {tag} {n:03d}",
            "kind": SchoolKind.COMPULSORY.value,
            "municipality": "Skalkommun",
            "active": True,
        }
        for n in range(count)
    ]
    return _insert(School, rows, School.id)


def _users(tag, prefix, count, role: Role, password_hash, schools) -> list[int]:
    rows = [
        {
            "email": f"{prefix}{n}.{tag}@skala.example.se",
            "name": f"{prefix.capitalize()} {tag} {n}",
            "password_hash": password_hash,
            "active": True,
            "session_version": 1,
            "school_id": schools[n] if schools else None,
        }
        for n in range(count)
    ]
    ids = _insert(User, rows, User.id)
    _insert(UserRole, [{"user_id": i, "role": role.value} for i in ids])
    return ids


def _offers(term: Term, mentor_ids: list[int], areas: list[int]) -> None:
    rows = [
        {"mentor_id": m, "term_id": term.id, "capacity": PUPILS_PER_MENTOR + 1} for m in mentor_ids
    ]
    offer_ids = _insert(MentorOffer, rows, MentorOffer.id)
    _insert(
        MentorOfferSubject,
        [
            {"offer_id": o, "subject_area_id": areas[i % len(areas)]}
            for i, o in enumerate(offer_ids)
        ],
    )


def _nominations(rng, term, pupil_ids, pupil_schools, teachers, areas) -> list[tuple]:
    """One nomination per pupil by their school's home teacher; 90 % approved, of those 95 %
    matched. Returns the matched pupils as (pupil id, area id)."""
    rows, subjects, matched = [], [], []
    for n, pupil_id in enumerate(pupil_ids):
        approved = rng.random() < 0.9
        area = areas[n % len(areas)]
        rows.append(
            {
                "term_id": term.id,
                "school_id": pupil_schools[n],
                "nominated_by_id": teachers[n % len(teachers)],
                "nominator_relation": "home_teacher",
                "status": Status.APPROVED.value if approved else Status.SUBMITTED.value,
                "pupil_name": f"Elev {n}",
                "pupil_email": f"nominerad{n}@skala.example.se",
                "year": rng.choice((8, 9)),
                "class_name": "",
                "profile": rng.choice(("gifted", "high_performing")),
                "strengths": "",
                "interests": "",
                "prefers_group": True,
                "decision_note": "",
                "pupil_id": pupil_id,
            }
        )
        if approved and rng.random() < 0.95:
            matched.append((pupil_id, area))
    nomination_ids = _insert(Nomination, rows, Nomination.id)
    for n, nomination_id in enumerate(nomination_ids):
        subjects.append(
            {
                "nomination_id": nomination_id,
                "subject_area_id": areas[n % len(areas)],
                "level": 3,
                "challenge": "",
            }
        )
    _insert(NominationSubject, subjects)
    return matched


@dataclass
class _Room:
    id: int
    mentor_id: int
    area_id: int
    pupils: list[int]


def _rooms(tag, term, mentor_ids, matched, areas, start, scale) -> list[_Room]:
    """A group room per mentor for up to five matched pupils of one area, with the matches."""
    by_area: dict[int, list[int]] = {}
    for pupil_id, area in matched:
        by_area.setdefault(area, []).append(pupil_id)
    groups: list[tuple[int, list[int]]] = []
    for area, pupils in by_area.items():
        groups += [
            (area, pupils[i : i + PUPILS_PER_MENTOR])
            for i in range(0, len(pupils), PUPILS_PER_MENTOR)
        ]
    groups = groups[: len(mentor_ids)]
    room_rows = [
        {
            "mentor_id": mentor_ids[i],
            "subject_area_id": area,
            "kind": RoomKind.GROUP.value,
            "name": f"Grupp {tag} {i}",
            "description": "",
            "last_seq": 0,
            "created_at": start,
        }
        for i, (area, _) in enumerate(groups)
    ]
    room_ids = _insert(Room, room_rows, Room.id)
    rooms = [
        _Room(room_id, mentor_ids[i], area, pupils)
        for i, (room_id, (area, pupils)) in enumerate(zip(room_ids, groups, strict=True))
    ]
    members, matches = [], []
    for room in rooms:
        members.append({"room_id": room.id, "user_id": room.mentor_id, "added_at": start})
        for pupil_id in room.pupils:
            members.append({"room_id": room.id, "user_id": pupil_id, "added_at": start})
            matches.append(
                {
                    "term_id": term.id,
                    "pupil_id": pupil_id,
                    "mentor_id": room.mentor_id,
                    "subject_area_id": room.area_id,
                    "status": MatchStatus.CONFIRMED.value,
                    "score": 0,
                    "reasons": [],
                    "locked": False,
                    "confirmed_at": start,
                }
            )
    _insert(RoomMember, members)
    _insert(Match, matches)
    scale.rooms = len(rooms)
    return rooms


def _meetings(rng, rooms, start, today, scale) -> None:
    """A weekly series per room, a meeting each week up to today, attendance for each pupil."""
    weeks = max(1, min(WEEKS, (today - start.date()).days // 7))
    series_ids = _insert(
        MeetingSeries,
        [
            {
                "room_id": r.id,
                "created_by_id": r.mentor_id,
                "title": "Veckomöte",
                "weekly": True,
                "first_local": start,
                "duration_minutes": 45,
            }
            for r in rooms
        ],
        MeetingSeries.id,
    )
    meeting_rows = [
        {
            "series_id": series_id,
            "room_id": room.id,
            "title": "Veckomöte",
            "starts_at": start + timedelta(weeks=w),
            "duration_minutes": 45,
            "sequence": 0,
        }
        for room, series_id in zip(rooms, series_ids, strict=True)
        for w in range(weeks)
    ]
    meeting_ids = _insert(Meeting, meeting_rows, Meeting.id)
    attendance = []
    for n, room in enumerate(rooms):
        for meeting_id in meeting_ids[n * weeks : (n + 1) * weeks]:
            for pupil_id in room.pupils:
                attendance.append(
                    {
                        "meeting_id": meeting_id,
                        "pupil_id": pupil_id,
                        "status": rng.choice(ATTENDANCE),
                        "recorded_by_id": room.mentor_id,
                    }
                )
    _insert(Attendance, attendance)
    scale.meetings, scale.attendances = len(meeting_ids), len(attendance)


def _messages(rng, rooms, start, scale, per_pupil: int = 10) -> None:
    rows, last_seq = [], []
    for room in rooms:
        people = [room.mentor_id, *room.pupils]
        count = per_pupil * len(room.pupils)
        for seq in range(1, count + 1):
            rows.append(
                {
                    "room_id": room.id,
                    "seq": seq,
                    "author_id": rng.choice(people),
                    "client_id": f"seed-{seq}",
                    "body": "Hur tänkte ni på uppgift 3?",
                    "html": "<p>Hur tänkte ni på uppgift 3?</p>",
                    "created_at": start + timedelta(hours=seq * 7),
                    "hidden_reason": "",
                }
            )
        last_seq.append({"id": room.id, "last_seq": count})
    _insert(Message, rows)
    db.session.execute(sa.update(Room), last_seq)  # bulk UPDATE by primary key
    scale.messages = len(rows)


def _attempts(rng, rooms, areas, start, scale, posts_per_room: int = 5) -> None:
    """A few problems per area, posted into every room; most pupils try most of them."""
    problem_ids = {
        area: _insert(
            Problem,
            [
                {
                    "mentor_id": rooms[0].mentor_id,
                    "subject_area_id": area,
                    "title": f"Problem {k}",
                    "statement": "Visa att summan av två udda tal är jämn.",
                    "statement_html": "<p>Visa att summan av två udda tal är jämn.</p>",
                    "levels": [1, 2, 3, 4, 5],
                    "check_kind": "free",
                    "shared": True,
                }
                for k in range(posts_per_room)
            ],
            Problem.id,
        )
        for area in areas
    }
    post_rows = [
        {
            "problem_id": problem_ids[room.area_id][k],
            "room_id": room.id,
            "posted_by_id": room.mentor_id,
            "to_everyone": True,
            "created_at": start + timedelta(weeks=2 * k),
        }
        for room in rooms
        for k in range(posts_per_room)
    ]
    post_ids = _insert(ProblemPost, post_rows, ProblemPost.id)
    statuses = [AttemptStatus.SOLVED.value] * 3 + [
        AttemptStatus.NOT_YET.value,
        AttemptStatus.NEW.value,
    ]
    attempts = []
    for n, room in enumerate(rooms):
        for k, post_id in enumerate(post_ids[n * posts_per_room : (n + 1) * posts_per_room]):
            for pupil_id in room.pupils:
                if rng.random() < 0.7:
                    attempts.append(
                        {
                            "post_id": post_id,
                            "pupil_id": pupil_id,
                            "level": rng.randint(1, 5),
                            "body": "Två udda tal: 2a+1 och 2b+1, summan 2(a+b+1).",
                            "html": "<p>Två udda tal: 2a+1 och 2b+1, summan 2(a+b+1).</p>",
                            "status": rng.choice(statuses),
                            "created_at": start + timedelta(weeks=2 * k, days=2),
                        }
                    )
    _insert(Attempt, attempts)
    scale.attempts = len(attempts)


def _goals(rng, matched, start, scale) -> None:
    statuses = [GoalStatus.ACTIVE.value] * 3 + [GoalStatus.REACHED.value, GoalStatus.PAUSED.value]
    rows = [
        {
            "pupil_id": pupil_id,
            "template": "",
            "title": "Planera veckans läxor",
            "why": "",
            "steps": "",
            "evidence": "",
            "status": rng.choice(statuses),
            "created_by_id": pupil_id,
            "created_at": start + timedelta(days=rng.randint(0, 60)),
        }
        for pupil_id, _area in matched
    ]
    goal_ids = _insert(Goal, rows, Goal.id)
    checkins = [
        {
            "goal_id": goal_id,
            "pupil_id": row["pupil_id"],
            "author_id": row["pupil_id"],
            "rating": rng.randint(1, 4),
            "comment": "",
            "created_at": row["created_at"] + timedelta(weeks=w),
        }
        for goal_id, row in zip(goal_ids, rows, strict=True)
        for w in range(3)
    ]
    _insert(CheckIn, checkins)
    scale.goals = len(goal_ids)


def _concerns(rng, matched, start, scale) -> None:
    rows = [
        {
            "pupil_id": pupil_id,
            "category": rng.choice(list(ConcernCategory)).value,
            "description": "Har missat flera möten i rad.",
            "action_plan": "",
            "status": rng.choice((ConcernStatus.OPEN.value, ConcernStatus.CLOSED.value)),
            "closing_note": "",
            "created_at": start + timedelta(days=rng.randint(0, 90)),
        }
        for pupil_id, _area in matched
        if rng.random() < 0.03
    ]
    _insert(Concern, rows)
    scale.concerns = len(rows)
