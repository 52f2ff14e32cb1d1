"""Who opened which hint of a posted problem, and when: the room's mentor sees every pupil; the
school staff who observe a group room see only the pupils they care for."""

from __future__ import annotations

import pytest

from mentorhub.accounts.models import Role
from mentorhub.extensions import db
from mentorhub.pupils.models import StaffLink
from mentorhub.rooms.models import RoomMember
from tests.integration.test_problems import client_for, create, post_to_room


@pytest.fixture
def two_school_room(app, room, programme, make_school, make_user):
    """The conftest group room (Alva and Noah of Björkängsskolan, the home teacher linked to
    Alva) with Omar of another school added, followed by his own special-needs educator."""
    other_school = make_school("Lindåsskolan")
    omar = make_user(Role.PUPIL, name="Omar Karimi", school=other_school)
    educator = make_user(Role.SPECIAL_EDUCATOR, name="Sofia Karlsson", school=other_school)
    with app.app_context():
        db.session.add(RoomMember(room_id=room["id"], user_id=omar.id))
        db.session.add(
            StaffLink(pupil_id=omar.id, staff_id=educator.id, relation="special_educator")
        )
        db.session.commit()
    return {**room, "omar": omar, "educator": educator}


def _openings_table(page: str) -> str:
    """The "Hints opened" section only, so names elsewhere on the page do not count."""
    start = page.index("Öppnade ledtrådar")
    return page[start : page.index("</section>", start)]


def test_linked_staff_see_only_their_own_pupils_hint_openings_and_the_mentor_sees_all(
    app, two_school_room, programme
):
    room = two_school_room
    # given a problem posted in the group room, and a pupil of each school opening a hint
    post_id = post_to_room(app, room, create(app, room["mentor"], programme["areas"][0]))
    for pupil in (room["alva"], room["noah"], room["omar"]):
        assert client_for(app, pupil).post(f"/problems/posts/{post_id}/hints").status_code == 302

    # when Alva's home teacher reads the post page
    teacher = _openings_table(
        client_for(app, room["home_teacher"]).get(f"/problems/posts/{post_id}").get_data(True)
    )
    # then they see Alva's row only: not Noah (not theirs), not Omar (another school)
    assert "Alva Lindgren" in teacher
    assert "Noah Berg" not in teacher and "Omar Karimi" not in teacher

    # when Omar's special-needs educator reads it, they see only Omar
    educator = _openings_table(
        client_for(app, room["educator"]).get(f"/problems/posts/{post_id}").get_data(True)
    )
    assert "Omar Karimi" in educator
    assert "Alva Lindgren" not in educator and "Noah Berg" not in educator

    # and the room's mentor sees every pupil's row
    mentor = _openings_table(
        client_for(app, room["mentor"]).get(f"/problems/posts/{post_id}").get_data(True)
    )
    assert all(name in mentor for name in ("Alva Lindgren", "Noah Berg", "Omar Karimi"))


def test_the_hint_openings_are_loaded_in_one_query(app, two_school_room, programme, count_queries):
    from mentorhub.accounts.models import User
    from mentorhub.problems import services
    from mentorhub.problems.models import ProblemPost

    room = two_school_room
    # given three pupils of two schools who opened a hint
    post_id = post_to_room(app, room, create(app, room["mentor"], programme["areas"][0]))
    for pupil in (room["alva"], room["noah"], room["omar"]):
        client_for(app, pupil).post(f"/problems/posts/{post_id}/hints")
    with app.app_context():
        teacher = db.session.get(User, room["home_teacher"].id)
        post = db.session.get(ProblemPost, post_id)
        teacher.has_role(Role.HOME_TEACHER)  # the signed-in user's roles are already loaded
        # when the home teacher's rows are loaded
        with count_queries() as statements:
            openings = services.hint_openings(teacher, post)
        # then the rule is part of the one query that loads them
        assert [o.pupil.name for o in openings] == ["Alva Lindgren"]
    # one query for the rows (the pupils' role rows come with one eager load, never per row)
    assert sum("FROM hint_reveals" in s for s in statements) == 1 and len(statements) <= 2
