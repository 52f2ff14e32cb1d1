"""Matching (journey 3) through the services and pages: offers, run, adjust, confirm, notify."""

import pytest
import sqlalchemy as sa

from mentorhub import after_commit
from mentorhub.accounts.models import Role, User
from mentorhub.extensions import db
from mentorhub.matching import offers
from mentorhub.matching import services as matching
from mentorhub.matching.models import Match, MatchingRun
from mentorhub.nominations import services as nominations
from mentorhub.nominations.models import Nomination
from mentorhub.notifications.models import Notification
from mentorhub.programme.models import Term
from tests.conftest import CONFIRMED


@pytest.fixture
def approved(app, programme, make_nomination, coordinator):
    """Three approved pupils in the first subject area, all free Tuesday and Thursday afternoon."""
    ids = [
        make_nomination(pupil_name=name, pupil_email=f"{name.lower()}@elev.example.se", **extra)
        for name, extra in [
            ("Alva", {"prefers_group": False}),
            ("Noah", {"prefers_group": True}),
            ("Saga", {"prefers_group": True}),
        ]
    ]
    with app.app_context():
        actor = db.session.get(User, coordinator.id)
        for nomination_id in ids:
            nominations.approve(actor, db.session.get(Nomination, nomination_id))
        db.session.commit()
        return [db.session.get(Nomination, i).pupil_id for i in ids]


@pytest.fixture
def offer(app, programme, make_user):
    """A mentor in the first subject area, levels 3–5, two places... unless told otherwise."""

    def make(name="Anna Bergström", capacity=3, group=3, slots=("tue-3", "thu-3"), levels=(3, 5)):
        mentor = make_user(Role.MENTOR, name=name)
        with app.app_context():
            offers.save_offer(
                db.session.get(User, mentor.id),
                db.session.get(Term, programme["term"]),
                subject_area_ids=[programme["areas"][0]],
                level_min=levels[0],
                level_max=levels[1],
                capacity=capacity,
                max_group_size=group,
                slots=list(slots),
            )
            db.session.commit()
        return mentor

    return make


def _run(app, coordinator, programme):
    with app.app_context():
        run = matching.run(
            db.session.get(User, coordinator.id), db.session.get(Term, programme["term"])
        )
        db.session.commit()
        return run.id


def _matches(app) -> list[Match]:
    with app.app_context():
        rows = db.session.scalars(sa.select(Match).order_by(Match.pupil_id)).all()
        for r in rows:
            db.session.expunge(r)
        return list(rows)


def test_running_matching_places_every_approved_pupil_with_score_and_reason(
    app, approved, offer, coordinator, programme
):
    mentor = offer()
    _run(app, coordinator, programme)
    matches = _matches(app)
    assert {m.pupil_id for m in matches} == set(approved)
    assert all(m.mentor_id == mentor.id and m.score > 0 and m.reasons for m in matches)
    # the two who prefer groups share one slot; the individual pupil has a slot of their own
    by_pupil = {m.pupil_id: m for m in matches}
    group = [by_pupil[approved[1]], by_pupil[approved[2]]]
    assert group[0].group_key and group[0].group_key == group[1].group_key
    assert group[0].slot == group[1].slot != by_pupil[approved[0]].slot


def test_the_reason_reads_as_plain_swedish(
    app, approved, offer, coordinator, programme, client, login_as
):
    offer()
    _run(app, coordinator, programme)
    login_as(coordinator)
    page = client.get("/matching/").get_data(as_text=True)
    assert "nivå 4 inom mentorns spann 3–5" in page
    assert "gemensamma mötestider" in page


def test_a_pupil_nobody_can_take_is_listed_with_the_reason(
    app, approved, offer, coordinator, programme, client, login_as
):
    offer(capacity=2)
    _run(app, coordinator, programme)
    assert len(_matches(app)) == 2
    with app.app_context():
        run = db.session.scalars(sa.select(MatchingRun)).one()
        assert [u["reason"] for u in run.unassigned] == ["no_capacity"]
    login_as(coordinator)
    page = client.get("/matching/").get_data(as_text=True)
    assert "inga lediga platser" in page


def test_rerunning_keeps_confirmed_matches_and_places_only_the_rest(
    app, approved, offer, coordinator, programme, make_nomination
):
    offer()
    _run(app, coordinator, programme)
    with app.app_context():
        matching.confirm(
            db.session.get(User, coordinator.id), db.session.get(Term, programme["term"])
        )
        db.session.commit()
    before = {m.pupil_id: (m.id, m.mentor_id, m.slot) for m in _matches(app)}
    offer(name="Erik Sandberg")  # a second mentor arrives; confirmed pupils must stay put
    _run(app, coordinator, programme)
    after = {m.pupil_id: (m.id, m.mentor_id, m.slot) for m in _matches(app)}
    assert after == before


def test_confirming_notifies_pupil_mentor_and_nominator_in_app_and_by_mail(
    app, approved, offer, coordinator, programme, school_staff, outbox
):
    mentor = offer()
    _run(app, coordinator, programme)
    with app.app_context():
        count = matching.confirm(
            db.session.get(User, coordinator.id), db.session.get(Term, programme["term"])
        )
        after_commit.commit()  # as the request would: the commit, then the mail job
        kinds = {
            (n.user_id, n.kind)
            for n in db.session.scalars(
                sa.select(Notification).where(Notification.kind.like("match.%"))
            )
        }
    assert count == 3
    assert (approved[0], "match.confirmed.pupil") in kinds
    assert (mentor.id, "match.confirmed.mentor") in kinds
    assert (school_staff["home_teacher"].id, "match.confirmed.staff") in kinds
    assert any(m.recipient == mentor.email for m in outbox())


def test_the_pupil_sees_their_mentor_once_confirmed(
    app, approved, offer, coordinator, programme, client
):
    offer()
    _run(app, coordinator, programme)
    with app.app_context():
        matching.confirm(
            db.session.get(User, coordinator.id), db.session.get(Term, programme["term"])
        )
        pupil = db.session.get(User, approved[0])
        pupil.set_password("elevens-losenord")
        db.session.commit()
        email = pupil.email
    client.post("/login", data={"email": email, "password": "elevens-losenord"})
    page = client.get("/").get_data(as_text=True)
    assert "Din kunskapsmentor är Anna Bergström" in page


def test_coordinator_moves_a_pupil_and_sees_the_score_change_first(
    app, approved, offer, coordinator, programme, client, login_as
):
    offer()
    other = offer(name="Erik Sandberg", levels=(2, 4))
    _run(app, coordinator, programme)
    match = next(m for m in _matches(app) if m.pupil_id == approved[0])
    login_as(coordinator)
    preview = client.get(f"/matching/{match.id}/move").get_data(as_text=True)
    assert "Erik Sandberg" in preview
    response = client.post(f"/matching/{match.id}/move", data={"mentor_id": other.id})
    assert response.status_code == 302
    moved = next(m for m in _matches(app) if m.pupil_id == approved[0])
    assert (moved.mentor_id, moved.locked) == (other.id, True)


def test_a_removed_match_is_gone_and_the_pupil_waits_for_the_next_run(
    app, approved, offer, coordinator, programme, client, login_as
):
    offer()
    _run(app, coordinator, programme)
    match = _matches(app)[0]
    login_as(coordinator)
    client.post(f"/matching/{match.id}/remove", data=CONFIRMED)
    assert match.id not in {m.id for m in _matches(app)}


def test_a_locked_proposal_survives_a_rerun(
    app, approved, offer, coordinator, programme, client, login_as
):
    offer()
    _run(app, coordinator, programme)
    match = _matches(app)[0]
    login_as(coordinator)
    client.post(f"/matching/{match.id}/lock")
    _run(app, coordinator, programme)
    kept = next(m for m in _matches(app) if m.pupil_id == match.pupil_id)
    assert (kept.id, kept.locked) == (match.id, True)


def test_mentor_states_an_offer_and_bad_values_are_refused(
    client, make_user, programme, login_as, app
):
    mentor = make_user(Role.MENTOR)
    login_as(mentor)
    bad = client.post(
        "/matching/offer",
        data={
            "subject_area_ids": [programme["areas"][0]],
            "level_min": "5",
            "level_max": "2",
            "capacity": "6",
            "max_group_size": "3",
            "slots": ["tue-3"],
        },
    )
    assert bad.status_code == 422
    assert "lägsta nivån" in bad.get_data(as_text=True).lower()
    good = client.post(
        "/matching/offer",
        data={
            "subject_area_ids": [programme["areas"][0]],
            "level_min": "2",
            "level_max": "5",
            "capacity": "6",
            "max_group_size": "3",
            "slots": ["tue-3", "thu-3"],
        },
    )
    assert good.status_code == 302
    with app.app_context():
        offer = offers.offer_for(
            db.session.get(User, mentor.id), db.session.get(Term, programme["term"])
        )
        assert (offer.capacity, offer.slot_ids) == (6, ["thu-3", "tue-3"])


def test_the_matching_page_loads_in_the_same_number_of_queries_however_many_pupils(
    app, approved, offer, coordinator, programme, client, login_as, count_queries, make_nomination
):
    # given a run with three pupils, and a mentor with room and times for six more
    more_times = ["mon-3", "wed-3", "fri-3", "mon-4", "tue-4", "wed-4"]
    offer(capacity=12, slots=["tue-3", "thu-3", *more_times])
    _run(app, coordinator, programme)
    login_as(coordinator)
    with count_queries() as few:
        client.get("/matching/")
    # when six more pupils are approved and placed
    new_ids = [
        make_nomination(
            pupil_name=f"Elev {n}", pupil_email=f"elev{n}@elev.example.se", slots=more_times
        )
        for n in range(6)
    ]
    with app.app_context():
        actor = db.session.get(User, coordinator.id)
        for nomination_id in new_ids:
            nominations.approve(actor, db.session.get(Nomination, nomination_id))
        db.session.commit()
    _run(app, coordinator, programme)
    with count_queries() as many:
        client.get("/matching/")
    # then every pupil is placed and the page asks the database no more often than before
    assert len(_matches(app)) == 9
    assert len(many) == len(few), many


def test_notification_mails_carry_a_whole_link(
    app, approved, offer, coordinator, programme, outbox
):
    mentor = offer()
    _run(app, coordinator, programme)
    with app.app_context():
        matching.confirm(
            db.session.get(User, coordinator.id), db.session.get(Term, programme["term"])
        )
        after_commit.commit()  # as the request would: the commit, then the mail job
    mail = next(m for m in outbox() if m.recipient == mentor.email)
    assert app.config["SERVER_BASE_URL"] + "/" in mail.body
