"""Matching (journey 3) through the services and pages: offers, run, adjust, confirm, notify."""

import pytest
import sqlalchemy as sa

from mentorhub import after_commit
from mentorhub.accounts.models import Role, User
from mentorhub.audit import AuditEntry
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


def test_the_matching_page_shows_the_mentors_a_page_at_a_time_and_counts_the_whole_term(
    app, approved, offer, coordinator, programme, login_as
):
    # given 30 mentors with offers (the first, alphabetically, gets the pupils)
    for n in range(30):
        offer(name=f"Mentor {n:02d}")
    _run(app, coordinator, programme)
    client = login_as(coordinator)
    # when the coordinator opens the matching page
    page = client.get("/matching/").get_data(as_text=True)
    # then the first 25 mentors are shown, the counts are the term's, and page 2 is a link away
    assert "Mentor 00" in page and "Mentor 24" in page and "Mentor 25" not in page
    assert "30 kunskapsmentorer har lämnat ett erbjudande" in page
    assert 'href="/matching/?page=2" rel="next"' in page
    rest = client.get("/matching/?page=2").get_data(as_text=True)
    assert "Mentor 25" in rest and "Mentor 29" in rest and "Mentor 24" not in rest
    assert "30 kunskapsmentorer har lämnat ett erbjudande" in rest


def test_the_matching_page_shows_the_pupils_waiting_a_page_at_a_time_keeping_the_mentors_page(
    app, programme, make_nomination, coordinator, offer, login_as
):
    # given 26 mentors with offers and 53 approved pupils, none of them matched yet
    for n in range(26):
        offer(name=f"Mentor {n:02d}")
    ids = [
        make_nomination(pupil_name=f"Elev {n:02d}", pupil_email=f"elev{n}@elev.example.se")
        for n in range(53)
    ]
    with app.app_context():
        actor = db.session.get(User, coordinator.id)
        for nomination_id in ids:
            nominations.approve(actor, db.session.get(Nomination, nomination_id))
        db.session.commit()
    client = login_as(coordinator)
    # when the coordinator opens the matching page
    page = client.get("/matching/").get_data(as_text=True)
    # then the first 50 waiting pupils are listed, the next ones a link away (at the list), and
    # the mentors' pages have links of their own
    assert "Elev 00" in page and "Elev 49" in page and "Elev 50" not in page
    assert 'href="/matching/?waiting_page=2#waiting" rel="next"' in page
    assert 'href="/matching/?page=2" rel="next"' in page
    # and on the second page of both lists, each list's links keep the other's page
    both = client.get("/matching/?page=2&waiting_page=2").get_data(as_text=True)
    assert "Elev 50" in both and "Elev 52" in both and "Elev 49" not in both
    assert "Mentor 25" in both and "Mentor 24" not in both
    assert 'href="/matching/?page=2&amp;waiting_page=1#waiting" rel="prev"' in both
    assert 'href="/matching/?page=1&amp;waiting_page=2" rel="prev"' in both


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


# --- "why not?" ---------------------------------------------------------------------------------


def _why_not_link(page: str, pupil_id: int) -> str:
    """The address of the pupil's "Varför inte?" link, as the matching page shows it."""
    link = f"/matching/pupils/{pupil_id}/why-not"
    assert f'href="{link}"' in page
    return link


def test_why_not_names_in_swedish_the_rule_that_stops_each_mentor_and_is_logged(
    app, approved, offer, coordinator, programme, client, login_as
):
    # given a mentor with two places for three pupils, one whose span stops below the pupils'
    # level 4, and one with no time in common with them
    offer(capacity=2)
    offer(name="Erik Sandberg", levels=(1, 2))
    offer(name="Sara Holm", slots=("mon-3",))
    _run(app, coordinator, programme)
    with app.app_context():
        run = db.session.scalars(sa.select(MatchingRun)).one()
        (left,) = [u["pupil_id"] for u in run.unassigned]
    # when the coordinator follows the pupil's "Varför inte?" link from the matching page
    login_as(coordinator)
    link = _why_not_link(client.get("/matching/").get_data(as_text=True), left)
    response = client.get(link)
    page = response.get_data(as_text=True)
    # then each mentor's rule is said in plain Swedish
    assert response.status_code == 200
    assert "Alla platser är tagna (2 av 2)." in page
    assert "Elevens nivå (4) ligger utanför mentorns spann 1–2." in page
    assert "Har ingen gemensam mötestid med eleven." in page
    assert "Ingen mentor kan ta emot eleven nu." in page
    # and the look at the pupil's data is in the audit log
    with app.app_context():
        entry = db.session.scalars(
            sa.select(AuditEntry).where(AuditEntry.action == "matching.why_not.view")
        ).one()
        assert (entry.actor_id, entry.person_id) == (coordinator.id, left)


def test_why_not_for_a_matched_pupil_says_what_the_best_alternative_would_change(
    app, approved, offer, coordinator, programme, client, login_as
):
    # given Alva (level 4, individual meetings) with Anna (span 3–5, room to spare, so no
    # same-school adjustment) and Erik (span 2–4) free
    offer(capacity=6)
    offer(name="Erik Sandberg", levels=(2, 4))
    _run(app, coordinator, programme)
    alva = next(m for m in _matches(app) if m.pupil_id == approved[0])
    assert alva.score == 26
    # when the coordinator asks why not for her
    login_as(coordinator)
    link = _why_not_link(client.get("/matching/").get_data(as_text=True), alva.pupil_id)
    page = client.get(link).get_data(as_text=True)
    # then Erik is the best alternative, 4 points lower (his span is centred a level below hers)
    assert "Med Erik Sandberg: 4 poäng lägre" in page


def test_why_not_asks_the_same_number_of_queries_however_many_mentors(
    app, approved, offer, coordinator, programme, client, login_as, count_queries
):
    # given a run with one mentor, who had no place for one of the three pupils
    offer(capacity=2)
    _run(app, coordinator, programme)
    with app.app_context():
        run = db.session.scalars(sa.select(MatchingRun)).one()
        (left,) = [u["pupil_id"] for u in run.unassigned]
    # and a second mentor, arrived since, who could take that pupil
    offer(name="Erik Sandberg")
    login_as(coordinator)
    link = f"/matching/pupils/{left}/why-not"
    with count_queries() as few:
        assert client.get(link).status_code == 200
    # when three more mentors state offers
    for name in ("Sara Holm", "Lena Ek", "Omar Said"):
        offer(name=name)
    with count_queries() as many:
        page = client.get(link).get_data(as_text=True)
    # then all five are on the page, and it asks the database no more often
    assert all(name in page for name in ("Anna Bergström", "Erik Sandberg", "Omar Said"))
    assert len(many) == len(few), many


def test_why_not_is_not_found_for_someone_outside_the_terms_matching(
    app, approved, offer, coordinator, client, login_as, make_user
):
    # given a pupil who was never nominated
    stranger = make_user(Role.PUPIL, name="Ingen Nominering")
    login_as(coordinator)
    # then there is no "why not?" for them
    assert client.get(f"/matching/pupils/{stranger.id}/why-not").status_code == 404
