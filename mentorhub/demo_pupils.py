"""Demo pupils for the pilot: about forty nominations across the four schools, most approved,
mentor offers for the term, and matching run and confirmed for most pupils.

Deterministic (a fixed random seed) and idempotent: nothing is added when the term already has
nominations.
"""

from __future__ import annotations

import random
from datetime import date, timedelta

import sqlalchemy as sa

from mentorhub.accounts.models import Role, User, UserRole
from mentorhub.extensions import db
from mentorhub.nominations import services as nominations
from mentorhub.nominations.models import Nomination
from mentorhub.programme.models import School, SchoolKind, SubjectArea, Term

FIRST_NAMES = [
    "Alva",
    "Elsa",
    "Maja",
    "Ebba",
    "Wilma",
    "Saga",
    "Agnes",
    "Freja",
    "Selma",
    "Alice",
    "Noah",
    "William",
    "Hugo",
    "Liam",
    "Oscar",
    "Lucas",
    "Elias",
    "Adam",
    "Vincent",
    "Arvid",
    "Leo",
    "Nora",
    "Idun",
    "Tyra",
    "Ines",
    "Omar",
    "Yusuf",
    "Amira",
    "Sami",
    "Linnea",
    "Melvin",
    "Edvin",
    "Astrid",
    "Siri",
    "Ture",
    "Juni",
    "Aron",
    "Leia",
    "Malte",
    "Tilde",
]
LAST_NAMES = [
    "Lindgren",
    "Berg",
    "Nyström",
    "Ahmadi",
    "Sjöberg",
    "Holmberg",
    "Mohammed",
    "Lund",
    "Engström",
    "Åberg",
    "Björk",
    "Hedlund",
    "Karimi",
    "Sandström",
    "Wallin",
    "Forsberg",
    "Öberg",
    "Lindholm",
    "Jovanović",
    "Nordin",
]
STRENGTHS = [
    "Ser mönster snabbt och ställer frågor som går på djupet.",
    "Läser mycket och skriver med ett rikt språk.",
    "Tänker logiskt och tycker om att bevisa saker.",
    "Engagerad i samhällsfrågor, argumenterar väl och källkritiskt.",
    "Arbetar strukturerat och når höga resultat i alla ämnen.",
    "Har lätt för språk och lär sig nya ord och strukturer snabbt.",
]
INTERESTS = [
    "Programmering, schack och matematiktävlingar.",
    "Historia, debatt och elevrådet.",
    "Astronomi och naturvetenskapliga experiment.",
    "Skrivande, teater och japanska.",
    "Filosofi, ekonomi och hållbarhet.",
]
CHALLENGES = [
    "Problemlösning bortom läroboken, gärna öppna problem.",
    "Fördjupning med egna undersökningar och skriftlig argumentation.",
    "Ett högre tempo och innehåll från gymnasiets kurser.",
    "Sammanhang med jämnåriga på samma nivå.",
]
# (mentor email local part, subject area index, level span, capacity, group size, slots)
OFFERS = [
    ("anna.bergstrom", [0], (3, 5), 8, 4, ["tue-3", "tue-4", "thu-3", "thu-4", "wed-3"]),
    ("erik.sandberg", [0], (2, 4), 7, 4, ["mon-3", "mon-4", "wed-3", "fri-2"]),
    ("maria.nyberg", [1], (2, 5), 7, 4, ["tue-3", "wed-4", "thu-4", "fri-3"]),
    ("johan.holm", [1], (3, 5), 5, 3, ["mon-4", "thu-3", "fri-2"]),
    ("sara.ekstrom", [2], (2, 5), 7, 4, ["mon-3", "tue-4", "wed-3", "thu-3"]),
    ("david.lund", [0, 1], (3, 5), 6, 3, ["wed-4", "fri-3", "fri-4"]),
    ("linnea.forsberg", [2], (3, 5), 5, 3, ["tue-3", "thu-4", "fri-2"]),
    ("ahmed.hassan", [0, 2], (2, 4), 6, 4, ["mon-3", "wed-3", "thu-3", "fri-3"]),
]
DEMO_PUPIL_LOCAL = "alva.lindgren"
PUPIL_DOMAIN = "elev.ekbacka.example.se"


def _staff_by_school() -> dict[int, list[User]]:
    rows = db.session.scalars(
        sa.select(User)
        .join(UserRole, UserRole.user_id == User.id)
        .where(UserRole.role.in_([Role.HOME_TEACHER.value, Role.SPECIAL_EDUCATOR.value]))
        .order_by(User.id)
    ).unique()
    by_school: dict[int, list[User]] = {}
    for user in rows:
        by_school.setdefault(user.school_id, []).append(user)
    return by_school


def load(today: date, term: Term, coordinator: User, password: str) -> int:
    """Add the demo pupils and matching; returns how many nominations the term has."""
    existing = db.session.scalar(
        sa.select(sa.func.count(Nomination.id)).where(Nomination.term_id == term.id)
    )
    if existing:
        return existing
    from mentorhub.matching import offers as offer_service
    from mentorhub.matching import services as matching

    rng = random.Random(2026)
    areas = list(db.session.scalars(sa.select(SubjectArea).order_by(SubjectArea.id)))
    schools = list(
        db.session.scalars(
            sa.select(School).where(School.kind == SchoolKind.COMPULSORY.value).order_by(School.id)
        )
    )
    staff = _staff_by_school()
    # Pupils mostly meet in the afternoon, after their own lessons.
    all_slots = [f"{d}-{b}" for d in ("mon", "tue", "wed", "thu", "fri") for b in (3, 4)]

    created: list[Nomination] = []
    for i, first in enumerate(FIRST_NAMES):
        last = LAST_NAMES[i % len(LAST_NAMES)]
        school = schools[i % len(schools)]
        nominator = staff[school.id][i % len(staff[school.id])]
        area_count = 2 if i % 5 == 0 else 1
        chosen = rng.sample(areas, area_count)
        data = nominations.NominationData(
            pupil_name=f"{first} {last}",
            pupil_email=f"{first}.{last}".lower().translate(str.maketrans("åäöć", "aaoc"))
            + f"@{PUPIL_DOMAIN}",
            year=8 if i % 3 else 9,
            class_name=f"{8 if i % 3 else 9}{'ABC'[i % 3]}",
            profile="gifted" if i % 2 else "high_performing",
            subjects=[
                nominations.SubjectNeed(a.id, rng.randint(2, 5), rng.choice(CHALLENGES))
                for a in chosen
            ],
            slots=sorted(rng.sample(all_slots, rng.randint(4, 7))),
            prefers_group=rng.random() < 0.55,
            strengths=rng.choice(STRENGTHS),
            interests=rng.choice(INTERESTS),
            guardian_informed_on=today - timedelta(days=rng.randint(5, 40)),
            guardian_consent=True if i != 38 else None,
        )
        created.append(nominations.nominate(nominator, term, data))

    # Most approved; one waiting, one asked for more, one declined, one without consent.
    for n in created[:33]:
        nominations.approve(coordinator, n)
    nominations.request_more(
        coordinator, created[36], "Kan du beskriva vilka uppgifter eleven redan klarar?"
    )
    nominations.decline(
        coordinator, created[37], "Eleven får redan utmaning genom skolans egen verkstad."
    )

    demo_pupil = db.session.scalars(
        sa.select(User).where(User.email == f"{DEMO_PUPIL_LOCAL}@{PUPIL_DOMAIN}")
    ).one()
    demo_pupil.set_password(password)

    mentors = {
        u.email.split("@")[0]: u
        for u in db.session.scalars(
            sa.select(User).join(UserRole).where(UserRole.role == Role.MENTOR.value)
        )
    }
    for local, area_idx, (low, high), capacity, group, slots in OFFERS:
        offer_service.save_offer(
            mentors[local],
            term,
            subject_area_ids=[areas[i].id for i in area_idx],
            level_min=low,
            level_max=high,
            capacity=capacity,
            max_group_size=group,
            slots=slots,
        )
    db.session.flush()
    matching.run(coordinator, term)
    matching.confirm(coordinator, term)
    # Three late approvals, matched but not yet confirmed: "a few pending".
    for n in created[33:36]:
        nominations.approve(coordinator, n)
    matching.run(coordinator, term)
    return len(created)
