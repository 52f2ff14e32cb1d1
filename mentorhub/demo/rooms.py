"""The demo rooms: one per confirmed group or individual match of the room mentors, each with a
short chat, two posted problems, and the first pupil's attempt with a hint and feedback.

Everything goes through the services (chat.send, problems.post_problem, ...), as a user would.
Idempotent: the rooms are only made once.
"""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa

from mentorhub.accounts.models import User
from mentorhub.chat import services as chat
from mentorhub.demo import problems as problem_bank
from mentorhub.demo import programme
from mentorhub.demo.common import first_name, staff_by_local
from mentorhub.extensions import db
from mentorhub.matching.models import Match, MatchStatus
from mentorhub.problems import services as problems
from mentorhub.problems.models import Problem, ProblemPost
from mentorhub.programme.models import SubjectArea, Term
from mentorhub.pupils.models import PupilLevel
from mentorhub.rooms import services as rooms
from mentorhub.rooms.models import Room

ROOM_MENTORS = (
    "anna.bergstrom",
    "maria.nyberg",
    "ahmed.hassan",
    "erik.sandberg",
    "johan.holm",
    "sara.ekstrom",
    "david.lund",
    "linnea.forsberg",
)

CHAT = [
    ("mentor", "Hej och välkomna till rummet! Här jobbar vi med problemlösning varje vecka."),
    ("pupil", "Hej! Ska vi göra uppgiften med de udda talen först?"),
    ("mentor", "Ja, börja där. Tips: skriv upp summan för $n = 1, 2, 3$ och leta mönster."),
    ("pupil", "Jag fick $1, 4, 9$ … det blir ju kvadrattal! Är det $n^2$?"),
    ("mentor", "Snyggt sett! Kan du **förklara** varför det alltid blir så?"),
]
CHAT_SO = [
    ("mentor", "Hej! Den här veckan tittar vi på källkritik. Har ni hittat två artiklar?"),
    ("pupil", "Jag har en från DN och en från Aftonbladet om samma demonstration."),
    ("mentor", "Bra val. Vem får komma till tals i respektive artikel?"),
    ("pupil", "I den ena bara polisen, i den andra mest demonstranterna."),
]


def load(today: date, term: Term) -> int:
    """Add the demo problem bank and rooms; returns how many rooms the room mentors have."""
    bank = problem_bank.bank(programme.subject_areas())
    mentors = staff_by_local(list(ROOM_MENTORS))
    existing = db.session.scalar(
        sa.select(sa.func.count(Room.id)).where(
            Room.mentor_id.in_([m.id for m in mentors.values()])
        )
    )
    if existing:
        return existing
    made = 0
    for local in ROOM_MENTORS:
        mentor = mentors[local]
        for number, group in enumerate(_sessions(mentor, term), start=1):
            made += 1
            _room(mentor, group, number, bank, today)
    return made


def _sessions(mentor: User, term: Term) -> list[list[Match]]:
    """The mentor's confirmed matches, one list per group (or single pupil) and subject area."""
    matches = db.session.scalars(
        sa.select(Match)
        .where(
            Match.mentor_id == mentor.id,
            Match.term_id == term.id,
            Match.status == MatchStatus.CONFIRMED.value,
        )
        .order_by(Match.group_key, Match.id)
    ).unique()
    sessions: dict[tuple, list[Match]] = {}
    for match in matches:
        key = (match.subject_area_id, match.group_key or f"pupil-{match.pupil_id}")
        sessions.setdefault(key, []).append(match)
    return [group for _key, group in sorted(sessions.items())]


def _room(
    mentor: User, group: list[Match], number: int, bank: dict[str, Problem], today: date
) -> None:
    """The room for one session, its chat and its posted problems."""
    pupils = [m.pupil for m in group]
    room = _open(mentor, group, pupils, number, today)
    _chat(room, mentor, pupils)
    _post_problems(room, mentor, pupils, bank, number)


def _open(mentor: User, group: list[Match], pupils: list[User], number: int, today: date) -> Room:
    is_group = group[0].group_key is not None and len(group) > 1
    area = group[0].subject_area
    short = area.name.split(" ")[0]
    name = f"{short} – grupp {number}" if is_group else f"{short} – {first_name(pupils[0])}"
    return rooms.open_room(
        mentor,
        name=name,
        description="Problemlösning och samtal med din kunskapsmentor.",
        kind="group" if is_group else "individual",
        subject_area_id=area.id,
        pupil_ids=[p.id for p in pupils],
        today=today,
    )


def _chat(room: Room, mentor: User, pupils: list[User]) -> None:
    """The maths chat in the first subject area's rooms, the source-criticism one elsewhere."""
    maths = room.subject_area_id == db.session.scalar(sa.select(sa.func.min(SubjectArea.id)))
    for i, (who, text) in enumerate(CHAT if maths else CHAT_SO):
        author = mentor if who == "mentor" else pupils[i // 2 % len(pupils)]
        chat.send(author, room, f"demo-{room.id}-{i:03d}", text)


def _post_problems(
    room: Room, mentor: User, pupils: list[User], bank: dict[str, Problem], number: int
) -> None:
    """Two of the bank's problems in the room's area (the mentor's own or shared), to everyone."""
    candidates = [p for p in bank.values() if p.subject_area_id == room.subject_area_id]
    candidates = [p for p in candidates if p.mentor_id == mentor.id or p.shared][:2]
    for index, problem in enumerate(candidates):
        post = problems.post_problem(
            mentor,
            problem,
            room,
            to_everyone=True,
            levels=problems.default_levels(problem, room),
        )
        if not index:
            _first_attempts(post, problem, mentor, pupils, number)


def _first_attempts(
    post: ProblemPost, problem: Problem, mentor: User, pupils: list[User], number: int
) -> None:
    """The first pupil has had a go at the first problem, opened a hint and got feedback; a
    second pupil has answered and waits for feedback."""
    area_id = problem.subject_area_id
    pupil = pupils[0]
    problems.reveal_next_hint(pupil, post)
    answer = problem.answer if problem.check_kind != "free" else ""
    attempt = problems.submit_attempt(
        pupil,
        post,
        answer=answer,
        body="Jag provade några fall först och såg ett mönster, sedan försökte jag "
        "förklara varför det alltid gäller.",
    )
    problems.give_feedback(
        mentor,
        attempt,
        feedback="Bra start! Nästa gång: skriv ut **varför** mönstret håller, inte bara "
        "att det gör det.",
        status="solved",
        level_move=1 if number == 1 and _level(pupil, area_id) < 5 else 0,
        reason="Löser uppgifterna säkert och förklarar sina steg: dags för mer utmaning.",
    )
    if len(pupils) > 1:
        problems.submit_attempt(
            pupils[1],
            post,
            answer="" if problem.check_kind == "free" else "1",
            body="Jag är inte säker, men jag tror att det har med kvadrater att göra.",
        )


def _level(pupil: User, area_id: int) -> int:
    level = db.session.get(PupilLevel, (pupil.id, area_id))
    return level.level if level else 3
