"""Refused forms name every problem at once, each at its field, and keep their field names."""

import re

import sqlalchemy as sa

from mentorhub.extensions import db
from mentorhub.nominations.models import Nomination


def _nomination_form(area_ids: list[int], **fields) -> dict:
    data = {
        "pupil_name": "Alva Lindgren",
        "pupil_email": "alva@elev.example.se",
        "year": "8",
        "class_name": "8B",
        "profile": "gifted",
        "slots": ["tue-3"],
        "prefers_group": "group",
        "guardian_informed_on": "2026-11-01",
        "guardian_consent": "yes",
    }
    for i, area_id in enumerate(area_ids):
        data[f"subjects-{i}-subject_area_id"] = str(area_id)
        data[f"subjects-{i}-level"] = "3"
        data[f"subjects-{i}-challenge"] = ""
    data.update(fields)
    return data


def _error_of(page: str, field_id: str) -> str:
    match = re.search(rf'<p class="error" id="{re.escape(field_id)}-error">(.*?)</p>', page, re.S)
    return re.sub(r"<[^>]+>|\s+", " ", match.group(1)).strip() if match else ""


def test_a_nomination_with_several_problems_names_them_all_at_their_fields(
    client, school_staff, programme, login_as, app
):
    # given a home teacher filling in a nomination with no profile, no time, no subject area
    # and a guardian date in the future
    login_as(school_staff["home_teacher"])
    data = _nomination_form(programme["areas"], slots=[], guardian_informed_on="2999-01-01")
    data.pop("profile")
    # when they send it
    response = client.post("/nominations/new", data=data)
    page = response.get_data(as_text=True)
    # then every problem is named at once, at its own field, and nothing is stored
    assert response.status_code == 422
    assert _error_of(page, "profile") == "Välj en profil."
    assert "minst en tid" in _error_of(page, "slots")
    assert _error_of(page, "subjects") == "Välj minst ett ämnesområde."
    assert "framtiden" in _error_of(page, "guardian_informed_on")
    with app.app_context():
        assert db.session.scalars(sa.select(Nomination)).first() is None


def test_a_nomination_without_subject_area_says_so_at_the_group_only(
    client, school_staff, programme, login_as
):
    login_as(school_staff["home_teacher"])
    response = client.post("/nominations/new", data=_nomination_form(programme["areas"]))
    page = response.get_data(as_text=True)
    assert _error_of(page, "subjects") == "Välj minst ett ämnesområde."
    # the areas themselves are not marked as wrong
    assert 'class="field field-check has-error"' not in page
    assert "aria-invalid" not in page


def test_a_refused_nomination_keeps_its_field_names(client, school_staff, programme, login_as):
    login_as(school_staff["home_teacher"])
    areas = programme["areas"]
    page = client.post("/nominations/new", data=_nomination_form(areas)).get_data(as_text=True)
    names = sorted(set(re.findall(r'name="(subjects-\d+)-chosen"', page)))
    assert names == [f"subjects-{i}" for i in range(len(areas))]


def test_a_meeting_with_several_problems_names_them_all_at_once(client, room, login_as, app):
    # given the room's mentor scheduling a meeting that is too short, has no https link and
    # lies in the past
    from datetime import date, timedelta

    from mentorhub.meetings.models import Meeting

    login_as(room["mentor"])
    response = client.post(
        f"/meetings/rooms/{room['id']}/new",
        data={
            "title": "Kvällsträff",
            "date": (date.today() - timedelta(days=2)).isoformat(),
            "start_time": "16:00",
            "duration_minutes": "5",
            "video_url": "meet.example.se",
            "repeat": "once",
            "until": "",
        },
    )
    page = response.get_data(as_text=True)
    # then all three are named at once, and the title is kept
    assert response.status_code == 422
    assert "10" in _error_of(page, "duration_minutes")
    assert "https://" in _error_of(page, "video_url")
    assert "passerat" in _error_of(page, "date")
    assert 'value="Kvällsträff"' in page
    with app.app_context():
        assert db.session.scalars(sa.select(Meeting)).first() is None


def test_an_over_long_field_is_refused_naming_the_limit_and_the_text_is_kept(
    client, school_staff, programme, login_as, app
):
    login_as(school_staff["home_teacher"])
    data = _nomination_form(programme["areas"], **{"subjects-0-chosen": "y"})
    data["strengths"] = "Lång text " + "x" * 1995
    response = client.post("/nominations/new", data=data)
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "längre än 2000 tecken" in _error_of(page, "strengths")
    assert "Lång text xxxx" in page
    # and the field explains its limit instead of letting the browser cut the text
    assert "5 tecken för mycket" in page
    assert not re.search(r'<textarea[^>]*id="strengths"[^>]*maxlength', page)
    with app.app_context():
        assert db.session.scalars(sa.select(Nomination)).first() is None


def test_text_with_line_breaks_exactly_at_the_limit_is_accepted(
    client, school_staff, programme, login_as, app
):
    # given 2000 characters once each line break (sent by the browser as CRLF) counts once
    login_as(school_staff["home_teacher"])
    data = _nomination_form(programme["areas"], **{"subjects-0-chosen": "y"})
    data["strengths"] = "\r\n".join(["a"] * 1000) + "b"
    assert len(data["strengths"].replace("\r\n", "\n")) == 2000
    # when the nomination is sent, then it is stored with single line breaks
    response = client.post("/nominations/new", data=data)
    assert response.status_code == 302
    with app.app_context():
        stored = db.session.scalars(sa.select(Nomination)).one().strengths
        assert "\r" not in stored and len(stored) == 2000


def test_a_term_overlapping_another_is_refused_naming_the_other(
    client, coordinator, login_as, programme, app
):
    # given the autumn term 17 August 2026 – 15 January 2027
    from mentorhub.programme.models import Term

    login_as(coordinator)
    # when the coordinator adds a spring term that starts before the autumn one ends
    response = client.post(
        "/programme/terms/new",
        data={"name": "Vårterminen 2027", "starts_on": "2027-01-11", "ends_on": "2027-06-11"},
    )
    page = response.get_data(as_text=True)
    # then it is refused at the first day, naming the other term and its days, values kept
    assert response.status_code == 422
    error = _error_of(page, "starts_on")
    assert "Höstterminen 2026" in error and "15 januari 2027" in error
    assert 'value="Vårterminen 2027"' in page
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(Term.id))) == 1


def test_approving_without_consent_says_so_once(client, make_nomination, coordinator, login_as):
    # given a nomination whose guardian has not answered
    nomination_id = make_nomination(guardian_consent=None)
    login_as(coordinator)
    # when the coordinator tries to approve it
    response = client.post(f"/nominations/{nomination_id}/approve", follow_redirects=True)
    page = response.get_data(as_text=True)
    # then the reason is said once, not as a flash and a notice with the same words
    assert page.count("vårdnadshavarens samtycke") + page.count("Vårdnadshavarens samtycke") == 1


def test_booking_a_meeting_says_so_once(client, room, login_as):
    from datetime import date, timedelta

    login_as(room["mentor"])
    response = client.post(
        f"/meetings/rooms/{room['id']}/new",
        data={
            "title": "Kvällsträff",
            "date": (date.today() + timedelta(days=7)).isoformat(),
            "start_time": "16:00",
            "duration_minutes": "45",
            "video_url": "https://meet.example.se/talteori",
            "repeat": "once",
        },
        follow_redirects=True,
    )
    assert response.get_data(as_text=True).count("Mötet är bokat") == 1


def test_a_tolerance_is_written_with_a_decimal_comma_in_swedish_and_a_point_in_english(
    app, room, programme
):
    from tests.integration.test_problems import client_for, create

    # given a numeric problem accepting answers within 0,5
    problem_id = create(
        app,
        room["mentor"],
        programme["areas"][0],
        check_kind="numeric",
        answer="12",
        tolerance="0,5",
    )
    mentor = client_for(app, room["mentor"])
    # then the Swedish page says "± 0,5" and the English one "± 0.5"
    assert "(± 0,5)" in mentor.get(f"/problems/{problem_id}").get_data(as_text=True)
    with mentor.session_transaction() as session:
        session["locale"] = "en"
    assert "(± 0.5)" in mentor.get(f"/problems/{problem_id}").get_data(as_text=True)


def test_a_mentor_offer_with_several_problems_names_them_all_at_once(
    client, make_user, programme, login_as
):
    from mentorhub.accounts.models import Role

    login_as(make_user(Role.MENTOR))
    response = client.post(
        "/matching/offer",
        data={"level_min": "5", "level_max": "2", "capacity": "99", "max_group_size": "3"},
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "lägsta nivån" in _error_of(page, "level_min").lower()
    assert _error_of(page, "subject_area_ids") == "Välj minst ett ämnesområde."
    assert _error_of(page, "slots") != ""
    assert "1 till 40" in _error_of(page, "capacity")


def test_feedback_with_several_problems_names_them_all_at_once(app, room, programme):
    from tests.integration.test_problems import _attempt, client_for

    # given a pupil's attempt, and the mentor sending empty feedback, no assessment, and a
    # level change without a reason
    _post_id, attempt_id = _attempt(app, room, programme)
    mentor = client_for(app, room["mentor"])
    response = mentor.post(
        f"/problems/attempts/{attempt_id}", data={"feedback": "", "level_move": "1", "reason": ""}
    )
    page = response.get_data(as_text=True)
    # then all three are named, each at its field (422: a refused form stores nothing)
    assert response.status_code == 422
    assert _error_of(page, "feedback") != ""
    assert _error_of(page, "status") != ""
    assert _error_of(page, "reason") == "Skriv varför nivån ändras."


def test_a_nul_character_in_a_form_is_taken_out_and_the_rest_stored(client, app):
    from mentorhub.about.models import AccessibilityFeedback

    # given feedback pasted with a NUL character in it (PostgreSQL's text refuses one)
    message = "Knappen\x00 syns inte i mörkt läge"
    # when it is sent
    response = client.post("/om/tillganglighet/synpunkter", data={"message": message})
    # then it is stored without the NUL, and the sender is thanked
    assert response.status_code == 302
    with app.app_context():
        stored = db.session.scalars(sa.select(AccessibilityFeedback.message)).all()
    assert stored == ["Knappen syns inte i mörkt läge"]
