"""Journeys 4–5, problems: the bank (math, preview, sharing), posting with levels, hints one at
a time, attempts with automatic checks, feedback, level changes and the pupil's own page."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from mentorhub.accounts.models import Role
from mentorhub.audit import AuditEntry
from mentorhub.extensions import db
from mentorhub.notifications.models import Notification
from mentorhub.problems.models import (
    Attempt,
    HintReveal,
    LevelChange,
    Problem,
    ProblemPost,
)
from mentorhub.pupils.models import PupilLevel
from tests.conftest import login

PROBLEM = {
    "title": "Kvadrater som summor",
    "subject_area_id": None,  # filled in per test
    "levels": ["3", "4"],
    "statement": "Visa att $x^2 \\geq 0$ för alla reella $x$.\n\n$$a^2+b^2=c^2$$",
    "hints": "Tänk på tecknet hos $x$.\nDela upp i fallen $x \\geq 0$ och $x < 0$.",
    "extensions": "Gäller det för **komplexa** tal?",
    "check_kind": "free",
    "answer": "",
    "tolerance": "",
    "tags": "Bevis, algebra",
}


def client_for(app, user):
    client = app.test_client()
    assert login(client, user).status_code == 302
    return client


def form(area_id: int, **changes) -> dict:
    return {**PROBLEM, "subject_area_id": str(area_id), **changes}


def create(app, mentor, area_id, **changes) -> int:
    response = client_for(app, mentor).post("/problems/new", data=form(area_id, **changes))
    assert response.status_code == 302, response.get_data(as_text=True)
    return int(response.headers["Location"].rstrip("/").split("/")[-1])


def post_to_room(app, room, problem_id, data=None) -> int:
    mentor = client_for(app, room["mentor"])
    data = data if data is not None else {"audience": "everyone"}
    response = mentor.post(f"/problems/{problem_id}/post?room_id={room['id']}", data=data)
    assert response.status_code == 302, response.get_data(as_text=True)
    return int(response.headers["Location"].split("/")[-1])


def set_level(app, pupil, area_id, level):
    with app.app_context():
        db.session.merge(PupilLevel(pupil_id=pupil.id, subject_area_id=area_id, level=level))
        db.session.commit()


def get(app, model, **where):
    with app.app_context():
        return db.session.scalars(sa.select(model).filter_by(**where)).unique().all()


# --- the bank -------------------------------------------------------------------------------------


def test_a_mentor_creates_a_problem_with_math_stored_as_source_and_html(app, room, programme):
    problem_id = create(app, room["mentor"], programme["areas"][0])
    with app.app_context():
        problem = db.session.get(Problem, problem_id)
        assert problem.statement.startswith("Visa att $x^2")
        assert '<span class="math math-inline">x^2 \\geq 0</span>' in problem.statement_html
        assert 'class="math math-display"' in problem.statement_html
        assert [h.position for h in problem.hints] == [1, 2]
        assert "<strong>komplexa</strong>" in problem.extensions_html
        assert problem.levels == [3, 4] and problem.tag_list == ["bevis", "algebra"]
    page = client_for(app, room["mentor"]).get(f"/problems/{problem_id}").get_data(as_text=True)
    assert "math math-inline" in page and "js/math.js" in page


def test_preview_renders_the_html_keeps_the_text_and_stores_nothing(app, room, programme):
    client = client_for(app, room["mentor"])
    response = client.post("/problems/new", data={**form(programme["areas"][0]), "preview": "1"})
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert '<span class="math math-inline">x^2 \\geq 0</span>' in page  # rendered
    assert "Visa att $x^2 \\geq 0$" in page  # the source stays in the textarea
    assert get(app, Problem) == []


def test_bad_input_gets_swedish_field_errors_keeps_the_text_and_stores_nothing(
    app, room, programme
):
    client = client_for(app, room["mentor"])
    data = form(programme["areas"][0], title="", check_kind="numeric", answer="tre")
    page = client.post("/problems/new", data=data).get_data(as_text=True)
    assert "Fyll i det här fältet." in page
    assert "Visa att $x^2 \\geq 0$" in page
    assert get(app, Problem) == []
    data = form(programme["areas"][0], check_kind="numeric", answer="tre")
    page = client.post("/problems/new", data=data).get_data(as_text=True)
    assert 'aria-invalid="true"' in page and get(app, Problem) == []


def test_only_the_owner_edits_and_a_shared_problem_is_visible_to_mentors_of_the_area(
    app, room, programme, make_user
):
    from mentorhub.rooms.models import Room

    problem_id = create(app, room["mentor"], programme["areas"][0], shared="y")
    colleague = make_user(Role.MENTOR, name="Erik Sandberg")
    other_area = make_user(Role.MENTOR, name="Maria Nyberg")
    with app.app_context():
        db.session.add_all(
            [
                Room(
                    mentor_id=colleague.id,
                    subject_area_id=programme["areas"][0],
                    kind="group",
                    name="Erik",
                ),
                Room(
                    mentor_id=other_area.id,
                    subject_area_id=programme["areas"][1],
                    kind="group",
                    name="Maria",
                ),
            ]
        )
        db.session.commit()
    erik = client_for(app, colleague)
    assert erik.get(f"/problems/{problem_id}").status_code == 200
    assert "Kvadrater som summor" in erik.get("/problems/").get_data(as_text=True)
    assert erik.get(f"/problems/{problem_id}/edit").status_code == 403
    assert erik.post(f"/problems/{problem_id}/edit", data=form(1)).status_code == 403
    maria = client_for(app, other_area)
    assert maria.get(f"/problems/{problem_id}").status_code == 403
    assert "Kvadrater som summor" not in maria.get("/problems/").get_data(as_text=True)
    # the owner edits; hints keep their positions
    owner = client_for(app, room["mentor"])
    changed = form(programme["areas"][0], title="Kvadrater", hints="Ny ledtråd")
    assert owner.post(f"/problems/{problem_id}/edit", data=changed).status_code == 302
    with app.app_context():
        problem = db.session.get(Problem, problem_id)
        assert problem.title == "Kvadrater" and [h.body for h in problem.hints] == ["Ny ledtråd"]


# --- posting --------------------------------------------------------------------------------------


def test_posting_to_everyone_uses_each_pupils_level_in_the_rooms_area(app, room, programme):
    area = programme["areas"][0]
    set_level(app, room["alva"], area, 4)
    set_level(app, room["noah"], area, 2)  # below the problem's levels: the nearest one, 3
    problem_id = create(app, room["mentor"], area)
    mentor = client_for(app, room["mentor"])
    page = mentor.get(f"/problems/{problem_id}/post?room_id={room['id']}").get_data(as_text=True)
    assert "Alva Lindgren" in page and "Noah Berg" in page
    post_id = post_to_room(
        app,
        room,
        problem_id,
        {"audience": "everyone", f"level_{room['alva'].id}": "4", f"level_{room['noah'].id}": "3"},
    )
    with app.app_context():
        post = db.session.get(ProblemPost, post_id)
        assert {t.pupil_id: t.level for t in post.targets} == {
            room["alva"].id: 4,
            room["noah"].id: 3,
        }
    # the room page lists it among the room's problems (beside the chat, which comes first)
    alva = client_for(app, room["alva"])
    room_page = alva.get(f"/rooms/{room['id']}").get_data(as_text=True)
    assert room_page.index('id="problems"') < room_page.index("Kvadrater som summor")
    assert "Din nivå: 4" in room_page
    notes = get(app, Notification, user_id=room["alva"].id, kind="problem.posted")
    assert len(notes) == 1


def test_posting_to_chosen_pupils_hides_it_from_the_others(app, room, programme):
    problem_id = create(app, room["mentor"], programme["areas"][0])
    data = {
        "audience": "chosen",
        f"pupil_{room['alva'].id}": "y",
        f"level_{room['alva'].id}": "3",
        f"level_{room['noah'].id}": "3",
    }
    post_id = post_to_room(app, room, problem_id, data)
    assert client_for(app, room["alva"]).get(f"/problems/posts/{post_id}").status_code == 200
    noah = client_for(app, room["noah"])
    assert noah.get(f"/problems/posts/{post_id}").status_code == 403
    assert "Kvadrater som summor" not in noah.get(f"/rooms/{room['id']}").get_data(as_text=True)
    assert client_for(app, room["outsider"]).get(f"/problems/posts/{post_id}").status_code == 403


def test_posting_to_no_one_is_refused_and_stores_nothing(app, room, programme):
    problem_id = create(app, room["mentor"], programme["areas"][0])
    mentor = client_for(app, room["mentor"])
    response = mentor.post(
        f"/problems/{problem_id}/post?room_id={room['id']}", data={"audience": "chosen"}
    )
    assert response.status_code == 422 and "Välj minst en elev." in response.get_data(as_text=True)
    assert get(app, ProblemPost) == []


# --- hints ----------------------------------------------------------------------------------------


def test_hints_open_one_at_a_time_in_order_and_the_mentor_sees_who_opened_them(
    app, room, programme
):
    post_id = post_to_room(app, room, create(app, room["mentor"], programme["areas"][0]))
    alva = client_for(app, room["alva"])
    page = alva.get(f"/problems/posts/{post_id}").get_data(as_text=True)
    assert "Tänk på tecknet" not in page
    assert alva.post(f"/problems/posts/{post_id}/hints").status_code == 302
    page = alva.get(f"/problems/posts/{post_id}").get_data(as_text=True)
    assert "Tänk på tecknet" in page and "Dela upp i fallen" not in page
    alva.post(f"/problems/posts/{post_id}/hints")
    alva.post(f"/problems/posts/{post_id}/hints")  # no third hint: refused, nothing stored
    reveals = get(app, HintReveal, post_id=post_id)
    assert sorted(r.position for r in reveals) == [1, 2]
    assert {r.pupil_id for r in reveals} == {room["alva"].id}
    mentor_page = client_for(app, room["mentor"]).get(f"/problems/posts/{post_id}")
    text = mentor_page.get_data(as_text=True)
    assert "Öppnade ledtrådar" in text and "Alva Lindgren" in text
    # the mentor and observers cannot open hints as a pupil
    mentor = client_for(app, room["mentor"])
    assert mentor.post(f"/problems/posts/{post_id}/hints").status_code == 403


# --- attempts -------------------------------------------------------------------------------------


def test_an_exact_answer_is_checked_at_once(app, room, programme):
    problem_id = create(
        app, room["mentor"], programme["areas"][0], check_kind="exact", answer="Pythagoras"
    )
    post_id = post_to_room(app, room, problem_id)
    alva = client_for(app, room["alva"])
    response = alva.post(
        f"/problems/posts/{post_id}/attempts", data={"answer": "euklides", "body": ""}
    )
    assert response.status_code == 302
    assert "Inte än" in alva.get(f"/problems/posts/{post_id}").get_data(as_text=True)
    alva.post(f"/problems/posts/{post_id}/attempts", data={"answer": "  pythagoras ", "body": ""})
    assert "Rätt!" in alva.get(f"/problems/posts/{post_id}").get_data(as_text=True)
    results = sorted((a.answer, a.correct, a.status) for a in get(app, Attempt))
    assert results == [("euklides", False, "new"), ("pythagoras", True, "solved")]


def test_a_numeric_answer_is_checked_with_the_tolerance_and_a_decimal_comma(app, room, programme):
    problem_id = create(
        app,
        room["mentor"],
        programme["areas"][0],
        check_kind="numeric",
        answer="3,1416",
        tolerance="0,001",
    )
    post_id = post_to_room(app, room, problem_id)
    alva = client_for(app, room["alva"])
    url = f"/problems/posts/{post_id}/attempts"
    alva.post(url, data={"answer": "3,14", "body": ""})
    alva.post(url, data={"answer": "3.1419", "body": "Jag räknade $\\pi$ med fyra decimaler."})
    response = alva.post(url, data={"answer": "ungefär tre", "body": "Min lösning"})
    page = response.get_data(as_text=True)
    assert response.status_code == 422 and "Min lösning" in page  # kept, with an error
    assert "Skriv svaret som ett tal" in page
    attempts = sorted(get(app, Attempt), key=lambda a: a.id)
    assert [a.correct for a in attempts] == [False, True]
    assert 'class="math math-inline"' in attempts[1].html


def test_free_text_waits_for_the_mentor_and_empty_text_is_refused(app, room, programme):
    post_id = post_to_room(app, room, create(app, room["mentor"], programme["areas"][0]))
    alva = client_for(app, room["alva"])
    url = f"/problems/posts/{post_id}/attempts"
    response = alva.post(url, data={"body": "  "})
    assert response.status_code == 422 and "Skriv din lösning." in response.get_data(as_text=True)
    assert get(app, Attempt) == []
    assert alva.post(url, data={"body": "Om $x<0$ är $x^2=(-x)^2>0$."}).status_code == 302
    [attempt] = get(app, Attempt)
    assert attempt.correct is None and attempt.status == "new" and attempt.level == 3
    # another pupil sees none of Alva's attempts; the outsider cannot post one
    noah_page = client_for(app, room["noah"]).get(f"/problems/posts/{post_id}")
    assert "Om $x&lt;0$" not in noah_page.get_data(as_text=True)
    assert "x<0" not in noah_page.get_data(as_text=True)
    outsider = client_for(app, room["outsider"])
    assert outsider.post(url, data={"body": "x"}).status_code == 403


# --- feedback and levels --------------------------------------------------------------------------


def _attempt(app, room, programme) -> tuple[int, int]:
    post_id = post_to_room(app, room, create(app, room["mentor"], programme["areas"][0]))
    alva = client_for(app, room["alva"])
    alva.post(f"/problems/posts/{post_id}/attempts", data={"body": "Mitt bevis"})
    [attempt] = get(app, Attempt)
    return post_id, attempt.id


def test_feedback_marks_solved_raises_the_level_keeps_history_and_notifies(app, room, programme):
    area = programme["areas"][0]
    set_level(app, room["alva"], area, 3)
    post_id, attempt_id = _attempt(app, room, programme)
    mentor = client_for(app, room["mentor"])
    data = {
        "feedback": "Snyggt! Nu **fallindelning** med $x$.",
        "status": "solved",
        "level_move": "1",
        "reason": "Säkra bevis tre gånger i rad.",
    }
    assert mentor.post(f"/problems/attempts/{attempt_id}", data=data).status_code == 302
    [attempt] = get(app, Attempt)
    assert attempt.status == "solved" and "<strong>fallindelning</strong>" in attempt.feedback_html
    [change] = get(app, LevelChange)
    assert (change.from_level, change.to_level, change.reason) == (3, 4, data["reason"])
    assert change.changed_by_id == room["mentor"].id
    [level] = get(app, PupilLevel, pupil_id=room["alva"].id)
    assert level.level == 4
    kinds = {n.kind for n in get(app, Notification, user_id=room["alva"].id)}
    assert {"problem.feedback", "problem.level"} <= kinds
    # then down again, with a reason
    data.update(level_move="-1", reason="För stort steg just nu.", status="not_yet")
    mentor.post(f"/problems/attempts/{attempt_id}", data=data)
    assert [lv.level for lv in get(app, PupilLevel, pupil_id=room["alva"].id)] == [3]
    assert sorted((c.from_level, c.to_level) for c in get(app, LevelChange)) == [(3, 4), (4, 3)]
    # and the pupil sees it all on "Mina uppgifter"
    page = client_for(app, room["alva"]).get("/problems/mine").get_data(as_text=True)
    assert "Mina uppgifter" in page and "fallindelning" in page
    assert "nivå 3" in page and "För stort steg just nu." in page


def test_a_level_change_needs_a_reason_and_stays_within_1_to_5(app, room, programme):
    area = programme["areas"][0]
    set_level(app, room["alva"], area, 5)
    _post_id, attempt_id = _attempt(app, room, programme)
    mentor = client_for(app, room["mentor"])
    url = f"/problems/attempts/{attempt_id}"
    data = {"feedback": "Bra", "status": "solved", "level_move": "1", "reason": ""}
    page = mentor.post(url, data=data).get_data(as_text=True)
    assert "Skriv varför nivån ändras." in page
    data["reason"] = "Mycket säker"
    page = mentor.post(url, data=data).get_data(as_text=True)
    assert "Nivån är redan 5." in page
    assert get(app, LevelChange) == [] and get(app, Attempt)[0].feedback == ""
    assert get(app, Notification, kind="problem.feedback") == []


def test_only_the_rooms_mentor_gives_feedback(app, room, programme):
    _post_id, attempt_id = _attempt(app, room, programme)
    data = {"feedback": "x", "status": "solved", "level_move": "0"}
    for user in (room["alva"], room["noah"], room["home_teacher"], room["outsider"]):
        assert (
            client_for(app, user).post(f"/problems/attempts/{attempt_id}", data=data).status_code
            == 403
        )


def test_linked_staff_read_attempts_read_only_and_every_view_is_audited(app, room, programme):
    post_id, attempt_id = _attempt(app, room, programme)
    teacher = client_for(app, room["home_teacher"])
    page = teacher.get(f"/problems/posts/{post_id}").get_data(as_text=True)
    assert "Mitt bevis" in page and "Skicka in" not in page
    assert teacher.get(f"/problems/attempts/{attempt_id}").status_code == 200
    with app.app_context():
        actions = db.session.scalars(
            sa.select(AuditEntry.action).where(AuditEntry.actor_id == room["home_teacher"].id)
        ).all()
    assert "problem_post.read" in actions and actions.count("attempts.read") == 2


def test_the_pupil_page_is_only_for_pupils(app, room):
    assert client_for(app, room["mentor"]).get("/problems/mine").status_code == 403
    page = client_for(app, room["noah"]).get("/problems/mine").get_data(as_text=True)
    assert "Du har inte skickat in några försök än." in page or "inga" in page.lower()


@pytest.mark.parametrize("kind", ["problem.posted", "problem.feedback", "problem.level"])
def test_the_new_notification_kinds_have_texts(app, kind):
    from mentorhub.notifications.services import text

    with app.test_request_context():
        assert text(kind, {"mentor": "A", "problem": "P", "room": "R", "area": "M", "level": 3})


def test_demo_rooms_problems_and_attempts_load_twice_without_duplicates(app):
    from datetime import date

    from mentorhub import demo
    from mentorhub.chat.models import Message
    from mentorhub.rooms.models import Room

    def counts():
        with app.app_context():
            demo.load(date.today())
            demo.load_pupils(date.today())
            db.session.commit()
            return [
                db.session.scalar(sa.select(sa.func.count()).select_from(m))
                for m in (Problem, Room, Message, ProblemPost, Attempt, LevelChange)
            ]

    first = counts()
    assert first[0] == 20 and first[1] >= 2 and all(first), first
    assert counts() == first
