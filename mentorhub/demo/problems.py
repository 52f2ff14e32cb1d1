"""The demo problem bank: twenty problems across the three subject areas, most shared with
every mentor, each looked up by owner and title so loading twice adds none."""

from __future__ import annotations

import sqlalchemy as sa

from mentorhub.demo.common import staff_by_local
from mentorhub.extensions import db
from mentorhub.problems import services as problems
from mentorhub.problems.models import Problem
from mentorhub.programme.models import SubjectArea

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


def bank(areas: list[SubjectArea]) -> dict[str, Problem]:
    """Every problem of the bank by title, made through the service when it is missing."""
    owners = staff_by_local(sorted({p[0] for p in PROBLEMS}))
    result: dict[str, Problem] = {}
    for owner, area, title, *fields in PROBLEMS:
        mentor = owners[owner]
        problem = db.session.scalars(
            sa.select(Problem).where(Problem.mentor_id == mentor.id, Problem.title == title)
        ).first()
        result[title] = problem or problems.create_problem(
            mentor, _problem_data(areas[area], title, *fields)
        )
    return result


def _problem_data(
    area: SubjectArea,
    title: str,
    levels: list[int],
    statement: str,
    hints: list[str],
    further: str,
    check: str,
    answer: str,
    tolerance: float | None,
    tags: str,
    shared: bool,
) -> problems.ProblemData:
    return problems.ProblemData(
        title=title,
        statement=statement,
        subject_area_id=area.id,
        levels=levels,
        hints=hints,
        extensions=further,
        tags=tags,
        check_kind=check,
        answer=answer,
        tolerance=tolerance,
        shared=shared,
    )
