"""The demo pupils: about forty nominations across the four schools, most approved, and the
decisions on the rest; every pupil can sign in with the demo password.

Deterministic (a fixed random seed) and idempotent: nothing is added when the term already has
nominations.
"""

from __future__ import annotations

import random
from datetime import date, timedelta

import sqlalchemy as sa

from mentorhub.accounts.models import Invitation, Role, User, UserRole
from mentorhub.demo import matching, programme, staff
from mentorhub.demo.common import DEMO_PASSWORD, password_hash
from mentorhub.extensions import db
from mentorhub.nominations import services as nominations
from mentorhub.nominations.models import Nomination
from mentorhub.programme.models import School, SubjectArea, Term
from mentorhub.timeutil import utcnow

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
DEMO_PUPIL_LOCAL = "alva.lindgren"
PUPIL_DOMAIN = "elev.ekbacka.example.se"
DEMO_PUPIL_EMAIL = f"{DEMO_PUPIL_LOCAL}@{PUPIL_DOMAIN}"
# Pupils mostly meet in the afternoon, after their own lessons.
AFTERNOON_SLOTS = [f"{d}-{b}" for d in ("mon", "tue", "wed", "thu", "fri") for b in (3, 4)]
# Of the nominations in order: the first 33 approved before matching, the next three after it
# (matched but not yet confirmed), then one asked for more, one declined, and the last two wait
# (one of them without the guardian's consent).
APPROVED = slice(0, 33)
APPROVED_LATE = slice(33, 36)
ASKED_FOR_MORE = 36
DECLINED = 37
WITHOUT_CONSENT = 38


def load(today: date, term: Term, coordinator: User) -> int:
    """Add the demo pupils and matching; returns how many nominations the term has."""
    existing = db.session.scalar(
        sa.select(sa.func.count(Nomination.id)).where(Nomination.term_id == term.id)
    )
    if existing:
        return existing
    created = _nominate(today, term)
    _decide(coordinator, created)
    _demo_pupil_signs_in()
    matching.offer_run_and_confirm(coordinator, term)
    for nomination in created[APPROVED_LATE]:
        nominations.approve(coordinator, nomination)
    matching.run(coordinator, term)
    return len(created)


def _nominate(today: date, term: Term) -> list[Nomination]:
    """One nomination per first name, by a home teacher or educator at the pupil's school."""
    rng = random.Random(2026)
    areas = programme.subject_areas()
    schools = programme.compulsory_schools()
    nominators = staff.nominating_staff_by_school()
    created = []
    for i, first in enumerate(FIRST_NAMES):
        school = schools[i % len(schools)]
        nominator = nominators[school.id][i % len(nominators[school.id])]
        data = _pupil(i, first, school, areas, rng, today)
        created.append(nominations.nominate(nominator, term, data))
    return created


def _pupil(
    i: int, first: str, school: School, areas: list[SubjectArea], rng: random.Random, today: date
) -> nominations.NominationData:
    """The i-th pupil's nomination form; the fields draw from `rng` in the order they are listed."""
    last = LAST_NAMES[i % len(LAST_NAMES)]
    chosen = rng.sample(areas, 2 if i % 5 == 0 else 1)
    return nominations.NominationData(
        pupil_name=f"{first} {last}",
        pupil_email=f"{first}.{last}".lower().translate(str.maketrans("åäöć", "aaoc"))
        + f"@{PUPIL_DOMAIN}",
        year=8 if i % 3 else 9,
        class_name=f"{8 if i % 3 else 9}{'ABC'[i % 3]}",
        profile="gifted" if i % 2 else "high_performing",
        subjects=[
            nominations.SubjectNeed(a.id, rng.randint(2, 5), rng.choice(CHALLENGES)) for a in chosen
        ],
        slots=sorted(rng.sample(AFTERNOON_SLOTS, rng.randint(4, 7))),
        prefers_group=rng.random() < 0.55,
        strengths=rng.choice(STRENGTHS),
        interests=rng.choice(INTERESTS),
        guardian_informed_on=today - timedelta(days=rng.randint(5, 40)),
        guardian_consent=True if i != WITHOUT_CONSENT else None,
    )


def _decide(coordinator: User, created: list[Nomination]) -> None:
    """Most approved; one asked for more, one declined; the late ones wait until after matching."""
    for nomination in created[APPROVED]:
        nominations.approve(coordinator, nomination)
    nominations.request_more(
        coordinator, created[ASKED_FOR_MORE], "Kan du beskriva vilka uppgifter eleven redan klarar?"
    )
    nominations.decline(
        coordinator, created[DECLINED], "Eleven får redan utmaning genom skolans egen verkstad."
    )


def _demo_pupil_signs_in() -> None:
    """Alva, the pupil the README names, has the demo password from the start."""
    alva = db.session.scalars(sa.select(User).where(User.email == DEMO_PUPIL_EMAIL)).one()
    alva.set_password(DEMO_PASSWORD)


def let_every_pupil_sign_in() -> None:
    """Every demo pupil signs in with the demo password, so any pupil can be tried, and their
    invitations count as accepted (they have an account), so none is listed as pending."""
    pupils = sa.select(UserRole.user_id).where(UserRole.role == Role.PUPIL.value)
    without = sa.and_(User.id.in_(pupils), User.password_hash.is_(None))
    if db.session.scalar(sa.select(User.id).where(without).limit(1)) is not None:
        db.session.execute(sa.update(User).where(without).values(password_hash=password_hash()))
    db.session.execute(
        sa.update(Invitation)
        .where(
            Invitation.user_id.in_(pupils),
            Invitation.accepted_at.is_(None),
            Invitation.revoked_at.is_(None),
        )
        .values(accepted_at=utcnow())
    )
