"""Staff leaving: a mentor's rooms, current matches, open concerns, links and offers go to the
successor chosen on the hand-over page, in one transaction with the deactivation; nothing is
left with the leaver as its owner, and the history keeps the leaver as its author."""

from __future__ import annotations

from datetime import date

import pytest
import sqlalchemy as sa

from mentorhub.accounts.models import Role, User
from mentorhub.audit import AuditEntry
from mentorhub.chat.models import Message
from mentorhub.concerns.models import Concern
from mentorhub.extensions import db
from mentorhub.matching.models import Match, MentorOffer
from mentorhub.notifications.models import Notification
from mentorhub.programme import handover
from mentorhub.programme.models import Term
from mentorhub.pupils.models import StaffLink
from mentorhub.rooms.models import Room

CONFIRMED = {"confirmed": "yes"}


@pytest.fixture
def world(app, room, programme, make_user):
    """The room's mentor (Anna) holds: the room, two current matches, an open concern about
    Alva, an offer for the current term; she also has history: a message, a closed concern
    and a match of a term that has ended. Bengt is another mentor, Karin a coordinator."""
    anna = room["mentor"]
    bengt = make_user(Role.MENTOR, name="Bengt Successor")
    with app.app_context():
        past = Term(name="Vårterminen 2026", starts_on=date(2026, 1, 10), ends_on=date(2026, 6, 10))
        db.session.add(past)
        db.session.flush()
        db.session.add_all(
            [
                Match(
                    term_id=past.id,
                    pupil_id=room["noah"].id,
                    mentor_id=anna.id,
                    subject_area_id=programme["areas"][0],
                    status="confirmed",
                ),
                Concern(
                    pupil_id=room["alva"].id,
                    raised_by_id=room["home_teacher"].id,
                    category="wellbeing",
                    description="Verkar trött",
                    responsible_id=anna.id,
                ),
                Concern(
                    pupil_id=room["noah"].id,
                    raised_by_id=anna.id,
                    category="wellbeing",
                    description="Stängd sedan länge",
                    responsible_id=anna.id,
                    status="closed",
                ),
                Message(
                    room_id=room["id"],
                    seq=1,
                    author_id=anna.id,
                    client_id="c-1",
                    body="Välkomna!",
                    html="<p>Välkomna!</p>",
                ),
                MentorOffer(mentor_id=anna.id, term_id=programme["term"]),
            ]
        )
        db.session.get(Room, room["id"]).last_seq = 1
        db.session.commit()
        past_id = past.id
    return {**room, "anna": anna, "bengt": bengt, "past_term": past_id}


def _owned_by(user_id: int) -> dict[str, int]:
    """Every column that names an owner of something still going on, counted for one person."""
    today = date.today()

    def count(query) -> int:
        return db.session.scalar(sa.select(sa.func.count()).select_from(query.subquery()))

    return {
        "rooms": count(
            sa.select(Room.id).where(Room.mentor_id == user_id, Room.archived_at.is_(None))
        ),
        "matches": count(
            sa.select(Match.id)
            .join(Term, Term.id == Match.term_id)
            .where(Match.mentor_id == user_id, Term.ends_on >= today)
        ),
        "concerns": count(
            sa.select(Concern.id).where(Concern.responsible_id == user_id, Concern.status == "open")
        ),
        "links": count(sa.select(StaffLink.pupil_id).where(StaffLink.staff_id == user_id)),
        "offers": count(
            sa.select(MentorOffer.id)
            .join(Term, Term.id == MentorOffer.term_id)
            .where(MentorOffer.mentor_id == user_id, Term.ends_on >= today)
        ),
    }


def _snapshot() -> list:
    """What a refused action must leave exactly as it was."""
    return [
        sorted(db.session.execute(sa.select(Room.id, Room.mentor_id)).all()),
        sorted(db.session.execute(sa.select(Match.id, Match.mentor_id)).all()),
        sorted(db.session.execute(sa.select(Concern.id, Concern.responsible_id)).all()),
        sorted(db.session.execute(sa.select(StaffLink.pupil_id, StaffLink.staff_id)).all()),
        sorted(db.session.execute(sa.select(MentorOffer.id, MentorOffer.mentor_id)).all()),
        sorted(db.session.execute(sa.select(User.id, User.active)).all()),
        db.session.scalar(sa.select(sa.func.count(AuditEntry.id))),
        db.session.scalar(sa.select(sa.func.count(Notification.id))),
    ]


def test_the_hand_over_page_lists_what_moves_and_who_can_take_it(
    app, client, coordinator, login_as, world
):
    login_as(coordinator)
    page = client.get(f"/programme/staff/{world['anna'].id}/hand-over").get_data(as_text=True)
    for shown in ("Talteori", "Alva Lindgren", "Noah Berg", "Bengt Successor"):
        assert shown in page
    assert 'for="successor_id"' in page  # the select has its label
    # only mentors can take rooms and pupils: the home teacher is not offered
    select = page.split('id="successor_id"')[1].split("</select>")[0]
    assert "Eva Johansson" not in select


def test_the_coordinator_hands_a_mentor_over_and_everything_moves(
    app, client, coordinator, login_as, world, outbox
):
    anna, bengt = world["anna"], world["bengt"]
    anna_client = app.test_client()
    anna_client.post("/login", data={"email": anna.email, "password": "correct-horse-battery"})
    assert anna_client.get("/").status_code == 200

    login_as(coordinator)
    response = client.post(f"/programme/staff/{anna.id}/hand-over", data={"successor_id": bengt.id})
    assert response.status_code == 302

    with app.app_context():
        # nothing holds the leaver as its owner; the successor holds it all
        assert _owned_by(anna.id) == dict.fromkeys(_owned_by(anna.id), 0)
        assert _owned_by(bengt.id) == {
            "rooms": 1,
            "matches": 2,
            "concerns": 1,
            "links": 0,
            "offers": 1,
        }
        assert db.session.get(User, anna.id).active is False
        # the history keeps the leaver as author
        assert db.session.scalars(sa.select(Message.author_id)).all() == [anna.id]
        past = db.session.scalars(sa.select(Match).where(Match.term_id == world["past_term"])).one()
        assert past.mentor_id == anna.id
        closed = db.session.scalars(sa.select(Concern).where(Concern.status == "closed")).one()
        assert closed.responsible_id == anna.id and closed.raised_by_id == anna.id
        # audited with counts only
        entry = db.session.scalars(
            sa.select(AuditEntry).where(AuditEntry.action == "user.handover")
        ).one()
        assert (entry.actor_id, entry.person_id) == (coordinator.id, anna.id)
        assert entry.details["rooms"] == 1 and entry.details["matches"] == 2
        assert "Talteori" not in str(entry.details)
        # the successor is told, in the app and by mail
        [notice] = db.session.scalars(
            sa.select(Notification).where(Notification.user_id == bengt.id)
        ).all()
        assert notice.kind == "staff.handed_over"
    assert any(mail.recipient == bengt.email for mail in outbox())
    # the leaver is cut off
    assert anna_client.get("/").status_code == 302
    # and the successor runs the room now
    bengt_client = app.test_client()
    bengt_client.post("/login", data={"email": bengt.email, "password": "correct-horse-battery"})
    assert bengt_client.get(f"/rooms/{world['id']}").status_code == 200


def test_the_leavers_open_socket_is_cut_off_and_the_successor_can_join(
    app, client, coordinator, login_as, world, socket_as
):
    anna_sock = socket_as(world["anna"])
    assert anna_sock.emit("join", {"room_id": world["id"]}, callback=True)["ok"] is True
    login_as(coordinator)
    client.post(
        f"/programme/staff/{world['anna'].id}/hand-over", data={"successor_id": world["bengt"].id}
    )
    assert anna_sock.is_connected() is False
    bengt_sock = socket_as(world["bengt"])
    ack = bengt_sock.emit("join", {"room_id": world["id"]}, callback=True)
    assert ack["ok"] is True
    # the history is kept, with the leaver as its author
    assert [m["author"]["id"] for m in ack["messages"]] == [world["anna"].id]


def test_a_direct_deactivate_of_someone_who_holds_work_is_refused(
    app, client, coordinator, login_as, world
):
    login_as(coordinator)
    with app.app_context():
        before = _snapshot()
    # the staff list's button leads to the page that says why, and links to the hand-over
    first = client.post(f"/programme/staff/{world['anna'].id}/deactivate")
    assert first.status_code == 200
    page = first.get_data(as_text=True)
    assert f"/programme/staff/{world['anna'].id}/hand-over" in page
    assert "1 room" in page or "1 rum" in page
    # a confirmed post anyway is refused with a message, nothing changed
    second = client.post(
        f"/programme/staff/{world['anna'].id}/deactivate", data=CONFIRMED, follow_redirects=True
    )
    assert "Hand it over to someone else first" in second.get_data(as_text=True) or (
        "Lämna över till någon annan först" in second.get_data(as_text=True)
    )
    with app.app_context():
        assert _snapshot() == before


@pytest.mark.parametrize("who", ["inactive", "home_teacher", "nobody", "leaver"])
def test_an_ineligible_successor_is_refused_with_nothing_changed(
    app, client, coordinator, login_as, make_user, world, who
):
    inactive = make_user(Role.MENTOR, name="Vilande Mentor", active=False)
    successor_id = {
        "inactive": inactive.id,
        "home_teacher": world["home_teacher"].id,
        "nobody": "",
        "leaver": world["anna"].id,
    }[who]
    login_as(coordinator)
    with app.app_context():
        before = _snapshot()
    response = client.post(
        f"/programme/staff/{world['anna'].id}/hand-over", data={"successor_id": successor_id}
    )
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert 'class="error"' in page  # the message sits at the select
    with app.app_context():
        assert _snapshot() == before


def test_the_refusal_says_why_in_swedish(app, client, coordinator, login_as, make_user, world):
    inactive = make_user(Role.MENTOR, name="Vilande Mentor", active=False)
    login_as(coordinator)
    response = client.post(
        f"/programme/staff/{world['anna'].id}/hand-over",
        data={"successor_id": inactive.id},
        headers={"Accept-Language": "sv"},
    )
    assert response.status_code == 422
    assert "Vilande Mentor är inaktiverad" in response.get_data(as_text=True)


def test_a_person_who_holds_nothing_is_deactivated_straight_away(
    app, client, coordinator, login_as, make_user
):
    teacher = make_user(Role.HOME_TEACHER, name="Lars Eriksson")
    login_as(coordinator)
    with app.app_context():
        assert not handover.holdings(db.session.get(User, teacher.id))
    response = client.post(f"/programme/staff/{teacher.id}/deactivate", data=CONFIRMED)
    assert response.status_code == 302
    with app.app_context():
        assert db.session.get(User, teacher.id).active is False


def test_a_home_teachers_links_move_without_duplicates_and_the_same_school_comes_first(
    app, client, coordinator, login_as, make_user, programme, world
):
    school, other_school = programme["schools"]
    eva = world["home_teacher"]  # linked to Alva
    near = make_user(Role.HOME_TEACHER, name="Östen Närmast", school=school)
    far = make_user(Role.HOME_TEACHER, name="Adam Långtbort", school=other_school)
    with app.app_context():
        # the successor is already linked to Alva and to Noah; Eva is linked to Noah too
        db.session.add_all(
            [
                StaffLink(pupil_id=world["alva"].id, staff_id=near.id, relation="home_teacher"),
                StaffLink(pupil_id=world["noah"].id, staff_id=eva.id, relation="home_teacher"),
            ]
        )
        db.session.commit()
        leaving = db.session.get(User, eva.id)
        ranked = [s.user.id for s in handover.successors(leaving) if s.eligible]
        assert ranked.index(near.id) < ranked.index(far.id)  # the pupils' school first
        assert world["bengt"].id not in ranked  # a mentor cannot be a home teacher

    login_as(coordinator)
    response = client.post(f"/programme/staff/{eva.id}/hand-over", data={"successor_id": near.id})
    assert response.status_code == 302
    with app.app_context():
        links = db.session.execute(
            sa.select(StaffLink.pupil_id, StaffLink.staff_id, StaffLink.relation)
        ).all()
        assert sorted(links) == sorted(
            [
                (world["alva"].id, near.id, "home_teacher"),
                (world["noah"].id, near.id, "home_teacher"),
            ]
        )
        assert db.session.get(User, eva.id).active is False


def test_when_nobody_can_take_it_all_the_page_says_what_the_best_cannot(
    app, client, coordinator, login_as, make_user, world
):
    # Anna is also linked to a pupil as a special-needs educator, and nobody else is one
    anna_id = world["anna"].id
    with app.app_context():
        anna = db.session.get(User, anna_id)
        anna.role_rows.append(type(anna.role_rows[0])(role=Role.SPECIAL_EDUCATOR.value))
        db.session.add(
            StaffLink(pupil_id=world["noah"].id, staff_id=anna.id, relation="special_educator")
        )
        db.session.commit()
    with app.app_context():
        for person in db.session.scalars(sa.select(User)).unique():
            if person.has_role(Role.SPECIAL_EDUCATOR) and person.id != anna_id:
                person.active = False
        db.session.commit()
    login_as(coordinator)
    page = client.get(f"/programme/staff/{world['anna'].id}/hand-over").get_data(as_text=True)
    assert "Bengt Successor" in page
    assert 'id="successor_id"' not in page  # nobody to choose: no form
    response = client.post(
        f"/programme/staff/{world['anna'].id}/hand-over", data={"successor_id": world["bengt"].id}
    )
    assert response.status_code == 422
    with app.app_context():
        assert db.session.get(User, world["anna"].id).active is True


def test_work_still_held_by_someone_deactivated_earlier_can_be_handed_over(
    app, client, coordinator, login_as, world
):
    with app.app_context():
        db.session.get(User, world["anna"].id).active = False
        db.session.commit()
    login_as(coordinator)
    response = client.post(
        f"/programme/staff/{world['anna'].id}/hand-over", data={"successor_id": world["bengt"].id}
    )
    assert response.status_code == 302
    with app.app_context():
        assert _owned_by(world["anna"].id) == dict.fromkeys(_owned_by(world["anna"].id), 0)
        assert db.session.get(User, world["anna"].id).active is False
