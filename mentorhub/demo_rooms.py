"""Demo rooms and problems: a problem bank across the three subject areas, a room per confirmed
group or individual match of two mentors, a short chat, posted problems, attempts and feedback.

Everything goes through the services (chat.send, problems.post_problem, ...), as a user would.
Idempotent: problems are looked up by owner and title, and the rooms are only made once.
"""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa

from mentorhub.accounts.models import User
from mentorhub.chat import services as chat
from mentorhub.extensions import db
from mentorhub.matching.models import Match, MatchStatus
from mentorhub.problems import services as problems
from mentorhub.problems.models import Problem
from mentorhub.programme.models import SubjectArea, Term
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

# (owner, area index, title, levels, statement, hints, going further, check, answer, tolerance,
#  tags, shared)
PROBLEMS = [
    (
        "anna.bergstrom",
        0,
        "Summan av udda tal",
        [2, 3],
        "Beräkna $1 + 3 + 5 + \\dots + 99$. Finns det ett mönster om du summerar de $n$ första "
        "udda talen?",
        ["Prova med de tre, fyra och fem första udda talen.", "Jämför summorna med kvadrattal."],
        "Visa att $1 + 3 + \\dots + (2n-1) = n^2$ med en figur.",
        "numeric",
        "2500",
        0,
        "mönster, summor",
        True,
    ),
    (
        "anna.bergstrom",
        0,
        "Kvadrater är aldrig negativa",
        [3, 4],
        "Visa att $x^2 \\geq 0$ för alla reella tal $x$. Använd det för att visa att "
        "$a^2 + b^2 \\geq 2ab$.",
        ["Dela upp i fallen $x \\geq 0$ och $x < 0$.", "Titta på $(a-b)^2$."],
        "När gäller likhet i $a^2 + b^2 \\geq 2ab$?",
        "free",
        "",
        None,
        "bevis, olikheter",
        True,
    ),
    (
        "anna.bergstrom",
        0,
        "Delbarhet med 3",
        [3, 4, 5],
        "Visa att $n^3 - n$ är delbart med $3$ för varje heltal $n$.",
        ["Faktorisera $n^3 - n$.", "Tre på varandra följande heltal – vad vet du om dem?"],
        "Är $n^5 - n$ delbart med $5$? Med $30$?",
        "free",
        "",
        None,
        "talteori, bevis",
        True,
    ),
    (
        "anna.bergstrom",
        0,
        "Trappan",
        [2, 3],
        "En trappa har $10$ steg. Du tar ett eller två steg i taget. På hur många olika sätt kan "
        "du gå uppför trappan?",
        [
            "Hur många sätt finns det för 1, 2 och 3 steg?",
            "Hur hänger antalet för $n$ steg ihop med $n-1$ och $n-2$?",
        ],
        "Vad händer om du också får ta tre steg i taget?",
        "numeric",
        "89",
        0,
        "kombinatorik, rekursion",
        False,
    ),
    (
        "anna.bergstrom",
        0,
        "Cirkelns area med en kvadrat",
        [4, 5],
        "En kvadrat är inskriven i en cirkel med radien $r = 5$ cm. Hur stor andel av cirkelns "
        "area täcker kvadraten? Svara med tre decimaler.",
        ["Kvadratens diagonal är cirkelns diameter.", "Kvadratens area är $d^2/2$."],
        "Gör samma sak för en regelbunden sexhörning.",
        "numeric",
        "0,637",
        0.001,
        "geometri",
        True,
    ),
    (
        "anna.bergstrom",
        0,
        "Primtal eller inte?",
        [3, 4],
        "Är $2^{11} - 1$ ett primtal? Skriv svaret som *ja* eller *nej*.",
        ["Räkna ut talet först.", "Prova att dela med $23$."],
        "Läs om Mersenneprimtal. Varför måste exponenten själv vara ett primtal?",
        "exact",
        "nej",
        None,
        "talteori",
        False,
    ),
    (
        "erik.sandberg",
        0,
        "Fritt fall",
        [3, 4],
        "En sten släpps från en bro och slår i vattnet efter $2{,}4$ s. Hur hög är bron i meter? "
        "Räkna med $g = 9{,}82\\ \\text{m/s}^2$ och bortse från luftmotståndet.",
        ["Använd $s = \\frac{g t^2}{2}$."],
        "Hur lång tid tar det innan du hör plasket? Ljudets fart är ungefär $340$ m/s.",
        "numeric",
        "28,3",
        0.1,
        "fysik, modellering",
        True,
    ),
    (
        "erik.sandberg",
        0,
        "Utspädning",
        [2, 3],
        "Du har $200$ ml saft med $40\\ \\%$ socker. Hur mycket vatten ska du tillsätta för att "
        "sockerhalten ska bli $10\\ \\%$?",
        ["Mängden socker ändras inte."],
        "Skriv en formel för vattnet som behövs för en godtycklig halt $p$.",
        "numeric",
        "600",
        1,
        "kemi, procent",
        True,
    ),
    (
        "anna.bergstrom",
        0,
        "Schackbrädets kvadrater",
        [3, 4, 5],
        "Hur många kvadrater av alla storlekar finns det på ett schackbräde med $8 \\times 8$ "
        "rutor?",
        [
            "Räkna först kvadraterna som är $8 \\times 8$, sedan $7 \\times 7$ …",
            "Summan av kvadrattal: $1^2 + 2^2 + \\dots + n^2$.",
        ],
        "Hur många rektanglar finns det?",
        "numeric",
        "204",
        0,
        "kombinatorik",
        False,
    ),
    (
        "maria.nyberg",
        1,
        "Källkritik: två tidningsartiklar",
        [2, 3, 4],
        "Läs två artiklar om samma händelse från olika tidningar. Jämför vilka källor de "
        "använder, vad som utelämnas och vilka ord som väljs. Vilken artikel litar du mest på, "
        "och varför?",
        [
            "Utgå från frågorna *vem*, *vad*, *när* och *varför*.",
            "Titta på vem som får komma till tals i texten.",
        ],
        "Skriv en egen kort nyhetstext om händelsen som är så neutral som möjligt.",
        "free",
        "",
        None,
        "källkritik, media",
        True,
    ),
    (
        "maria.nyberg",
        1,
        "Varför föll Romarriket?",
        [3, 4, 5],
        "Historiker har gett många förklaringar till att Västromerska riket föll år 476. Välj "
        "två förklaringar och argumentera för vilken som väger tyngst.",
        ["Skilj på inre och yttre orsaker.", "Vad menar vi med att ett rike *faller*?"],
        "Jämför med ett annat imperium som föll. Finns det gemensamma drag?",
        "free",
        "",
        None,
        "historia, argumentation",
        True,
    ),
    (
        "maria.nyberg",
        1,
        "Demokratins kännetecken",
        [2, 3],
        "Vilka är de viktigaste kännetecknen på en demokrati? Välj tre och förklara varför ett "
        "land inte är en demokrati om ett av dem saknas.",
        ["Tänk på val, yttrandefrihet och rättsstat."],
        "Undersök ett land som kallar sig demokratiskt men där något av kännetecknen saknas.",
        "free",
        "",
        None,
        "samhällskunskap, demokrati",
        True,
    ),
    (
        "maria.nyberg",
        1,
        "Befolkningspyramider",
        [3, 4],
        "Jämför befolkningspyramiderna för Sverige och Niger. Vad säger formen om "
        "levnadsvillkoren i länderna, och hur kan de se ut om 30 år?",
        ["Titta på hur bred basen är jämfört med toppen."],
        "Räkna ut försörjningskvoten för båda länderna.",
        "free",
        "",
        None,
        "geografi, befolkning",
        False,
    ),
    (
        "maria.nyberg",
        1,
        "Årtalet för Westfaliska freden",
        [2],
        "Vilket år slöts den westfaliska freden som avslutade trettioåriga kriget?",
        ["Kriget började 1618."],
        "Vad fick Sverige i fredsavtalet?",
        "numeric",
        "1648",
        0,
        "historia",
        False,
    ),
    (
        "maria.nyberg",
        1,
        "Etiska dilemman: spårvagnen",
        [3, 4, 5],
        "En spårvagn rusar mot fem personer. Du kan dra i en spak så att den byter spår och i "
        "stället träffar en person. Hur resonerar en konsekvensetiker och en pliktetiker?",
        ["Vad räknas som rätt handling enligt respektive teori?"],
        "Ändra dilemmat så att de två teorierna kommer fram till samma svar.",
        "free",
        "",
        None,
        "religion, etik",
        True,
    ),
    (
        "sara.ekstrom",
        2,
        "Retoriska grepp i ett tal",
        [3, 4],
        "Läs ett känt tal (t.ex. av Greta Thunberg eller Martin Luther King). Hitta exempel på "
        "*ethos*, *logos* och *pathos* och förklara hur de verkar.",
        ["Ethos handlar om talarens trovärdighet.", "Pathos väcker känslor hos publiken."],
        "Skriv ett eget tal på en minut där du använder alla tre medvetet.",
        "free",
        "",
        None,
        "retorik, svenska",
        True,
    ),
    (
        "sara.ekstrom",
        2,
        "Novellens vändpunkt",
        [2, 3, 4],
        "Skriv en novell på högst $400$ ord med en tydlig vändpunkt. Berätta sedan kort hur du "
        "byggde upp spänningen före vändpunkten.",
        ["Bestäm först vändpunkten, skriv sedan början."],
        "Skriv om novellen ur en annan persons perspektiv.",
        "free",
        "",
        None,
        "skrivande, berättande",
        True,
    ),
    (
        "sara.ekstrom",
        2,
        "False friends",
        [2, 3],
        "Vad betyder det engelska ordet *eventually* på svenska? Svara med ett ord.",
        ["Det betyder inte *eventuellt*."],
        "Hitta fem andra ord som liknar svenska ord men betyder något annat.",
        "exact",
        "till slut",
        None,
        "engelska, ordförråd",
        True,
    ),
    (
        "sara.ekstrom",
        2,
        "Språkhistoria: lånord",
        [3, 4, 5],
        "Svenskan har lånat ord från latin, lågtyska, franska och engelska. Ge två exempel från "
        "varje språk och förklara varför lånen kom just då.",
        ["Tänk på Hansan och på 1700-talets hov."],
        "Vilka ord lånar svenskan in i dag, och varifrån?",
        "free",
        "",
        None,
        "språkhistoria",
        False,
    ),
    (
        "sara.ekstrom",
        2,
        "Argumenterande text om skoldagen",
        [3, 4],
        "Ska skoldagen börja klockan nio i stället för åtta? Skriv en argumenterande text med "
        "tes, minst tre argument och ett motargument som du bemöter.",
        ["Sök stöd i forskning om tonåringars sömn."],
        "Skriv en insändare som tar motsatt ställning.",
        "free",
        "",
        None,
        "argumentation, skrivande",
        True,
    ),
]

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


def _users(locals_: list[str]) -> dict[str, User]:
    from mentorhub import demo

    emails = [demo.email_for(x) for x in locals_]
    found = db.session.scalars(sa.select(User).where(User.email.in_(emails)))
    return {u.email.split("@")[0]: u for u in found}


def _bank(areas: list[SubjectArea]) -> dict[str, Problem]:
    owners = _users(sorted({p[0] for p in PROBLEMS}))
    result: dict[str, Problem] = {}
    for (
        owner,
        area,
        title,
        levels,
        statement,
        hints,
        further,
        check,
        answer,
        tol,
        tags,
        shared,
    ) in PROBLEMS:
        mentor = owners[owner]
        problem = db.session.scalars(
            sa.select(Problem).where(Problem.mentor_id == mentor.id, Problem.title == title)
        ).first()
        if problem is None:
            problem = problems.create_problem(
                mentor,
                problems.ProblemData(
                    title=title,
                    statement=statement,
                    subject_area_id=areas[area].id,
                    levels=levels,
                    hints=hints,
                    extensions=further,
                    tags=tags,
                    check_kind=check,
                    answer=answer,
                    tolerance=tol,
                    shared=shared,
                ),
            )
        result[title] = problem
    return result


def load(today: date, term: Term) -> int:
    """Add the demo problem bank and rooms; returns how many rooms the two mentors have."""
    areas = list(db.session.scalars(sa.select(SubjectArea).order_by(SubjectArea.id)))
    bank = _bank(areas)
    mentors = _users(list(ROOM_MENTORS))
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
        for number, ((area_id, _key), group) in enumerate(sorted(sessions.items()), start=1):
            made += 1
            _room(mentor, area_id, group, number, bank, today)
    return made


def _level(pupil: User, area_id: int) -> int:
    from mentorhub.pupils.models import PupilLevel

    level = db.session.get(PupilLevel, (pupil.id, area_id))
    return level.level if level else 3


def _room(mentor: User, area_id: int, group: list[Match], number: int, bank, today) -> None:
    is_group = group[0].group_key is not None and len(group) > 1
    pupils = [m.pupil for m in group]
    area = group[0].subject_area
    short = area.name.split(" ")[0]
    name = f"{short} – grupp {number}" if is_group else f"{short} – {pupils[0].name.split(' ')[0]}"
    room = rooms.open_room(
        mentor,
        name=name,
        description="Problemlösning och samtal med din kunskapsmentor.",
        kind="group" if is_group else "individual",
        subject_area_id=area_id,
        pupil_ids=[p.id for p in pupils],
        today=today,
    )
    maths = area_id == db.session.scalar(sa.select(sa.func.min(SubjectArea.id)))
    for i, (who, text) in enumerate(CHAT if maths else CHAT_SO):
        author = mentor if who == "mentor" else pupils[i // 2 % len(pupils)]
        chat.send(author, room, f"demo-{room.id}-{i:03d}", text)

    candidates = [p for p in bank.values() if p.subject_area_id == area_id]
    candidates = [p for p in candidates if p.mentor_id == mentor.id or p.shared][:2]
    for index, problem in enumerate(candidates):
        post = problems.post_problem(
            mentor,
            problem,
            room,
            to_everyone=True,
            levels=problems.default_levels(problem, room),
        )
        if index:
            continue
        # The first pupil has had a go at the first problem, opened a hint and got feedback.
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
