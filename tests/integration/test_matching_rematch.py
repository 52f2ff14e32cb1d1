"""Rematch with little disruption (issue 16): mid-term, only the affected pupils are matched
again; everyone else's match, room and history stay unless moves are allowed; the preview says
exactly who changes, and an out-of-date preview is refused with nothing changed."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from mentorhub.accounts.models import User
from mentorhub.audit import AuditEntry
from mentorhub.errors import DomainError
from mentorhub.extensions import db
from mentorhub.matching import rematch
from mentorhub.matching import services as matching
from mentorhub.matching.models import Match, MatchingRun, MatchStatus, MentorOffer
from mentorhub.nominations import services as nominations
from mentorhub.nominations.models import Nomination
from mentorhub.programme.models import Term
from mentorhub.pupils.models import PupilSlot
from mentorhub.rooms.models import Room, RoomMember
from tests.integration import test_matching as given

offer = given.offer  # a mentor's offer: first subject area, levels 3–5, free tue-3 and thu-3


@pytest.fixture
def pupil(app, make_nomination, coordinator):
    """An approved pupil at level 4 in the first subject area, free at the times given."""

    def make(name: str, slots=("tue-3", "thu-3"), prefers_group=False) -> int:
        nomination_id = make_nomination(
            pupil_name=name,
            pupil_email=f"{name.lower()}@elev.example.se",
            slots=list(slots),
            prefers_group=prefers_group,
        )
        with app.app_context():
            nominations.approve(
                db.session.get(User, coordinator.id), db.session.get(Nomination, nomination_id)
            )
            db.session.commit()
            return db.session.get(Nomination, nomination_id).pupil_id

    return make


@pytest.fixture
def confirmed(app, programme):
    """A confirmed match, with the pupil in a room of the mentor's: returns (match id, room id)."""

    def make(pupil_id: int, mentor: User, slot: str = "tue-3") -> tuple[int, int]:
        with app.app_context():
            match = Match(
                term_id=programme["term"],
                pupil_id=pupil_id,
                mentor_id=mentor.id,
                subject_area_id=programme["areas"][0],
                slot=slot,
                score=30,
                status=MatchStatus.CONFIRMED.value,
            )
            room = Room(
                mentor_id=mentor.id,
                subject_area_id=programme["areas"][0],
                kind="individual",
                name=f"Rum {pupil_id}",
            )
            db.session.add_all([match, room])
            db.session.flush()
            db.session.add(RoomMember(room_id=room.id, user_id=pupil_id))
            db.session.commit()
            return match.id, room.id

    return make


def _state(app) -> dict[int, tuple]:
    """Every match as (id, mentor, slot, group, status), by pupil."""
    with app.app_context():
        return {
            m.pupil_id: (m.id, m.mentor_id, m.slot, m.group_key, m.status)
            for m in db.session.scalars(sa.select(Match))
        }


def _in_room(app, room_id: int) -> set[int]:
    with app.app_context():
        return set(
            db.session.scalars(
                sa.select(RoomMember.user_id).where(
                    RoomMember.room_id == room_id, RoomMember.removed_at.is_(None)
                )
            )
        )


def _call(app, coordinator, programme, action, *args, **kwargs):
    with app.app_context():
        actor = db.session.get(User, coordinator.id)
        term = db.session.get(Term, programme["term"])
        result = action(actor, term, *args, **kwargs)
        db.session.commit()
        return result


def _preview(app, coordinator, programme, *args, **kwargs) -> dict:
    """The preview's changes as (pupil, old mentor, new mentor, affected), and its fingerprints."""
    with app.app_context():
        actor = db.session.get(User, coordinator.id)
        term = db.session.get(Term, programme["term"])
        plan = rematch.preview(actor, term, *args, **kwargs)
        db.session.commit()
        return {
            "changes": {
                (
                    c.pupil.id,
                    c.old.mentor_id if c.old else None,
                    c.new.mentor_id if c.new else None,
                    c.affected,
                )
                for c in plan.changes
            },
            "waiting": {(c.pupil.id, c.reason) for c in plan.waiting},
            "gain": plan.gain,
            "inputs": plan.inputs,
            "digest": plan.digest,
        }


def test_only_the_picked_pupil_changes_when_moves_are_not_allowed(
    app, offer, pupil, confirmed, coordinator, programme
):
    # given Anna with Alva and Noah confirmed (each in a room), Erik with Saga, and Ella new
    anna, erik = offer(capacity=3), offer(name="Erik Sandberg", capacity=3)
    alva, noah, saga, ella = (pupil(n) for n in ("Alva", "Noah", "Saga", "Ella"))
    rooms = [confirmed(alva, anna)[1], confirmed(noah, anna, "thu-3")[1], confirmed(saga, erik)[1]]
    before = _state(app)
    # when the coordinator previews a rematch of Ella only, and applies it
    seen = _preview(app, coordinator, programme, [ella])
    _call(
        app, coordinator, programme, rematch.apply, [ella], inputs=seen["inputs"],
        digest=seen["digest"],
    )  # fmt: skip
    # then the preview named Ella alone, and she is the only one with a new match
    assert {(p, old, aff) for p, old, _new, aff in seen["changes"]} == {(ella, None, True)}
    after = _state(app)
    assert {p: after[p] for p in before} == before
    assert after[ella][1] in {anna.id, erik.id} and after[ella][4] == MatchStatus.PROPOSED.value
    # and everyone else is still in their room
    assert [_in_room(app, r) for r in rooms] == [{alva}, {noah}, {saga}]


def test_a_mentor_leaving_gets_their_pupils_rematched_to_others_with_room(
    app, offer, pupil, confirmed, coordinator, programme
):
    # given Anna with Alva and Noah confirmed, Erik with one free place and Lina with two
    anna = offer(capacity=2)
    erik, lina = offer(name="Erik Sandberg", capacity=2), offer(name="Lina Ek", capacity=2)
    alva, noah, saga = pupil("Alva"), pupil("Noah"), pupil("Saga")
    (_m, alva_room), (_n, noah_room) = confirmed(alva, anna), confirmed(noah, anna, "thu-3")
    confirmed(saga, erik)
    # and Anna leaves the programme this term (her offer is withdrawn)
    with app.app_context():
        db.session.execute(sa.delete(MentorOffer).where(MentorOffer.mentor_id == anna.id))
        db.session.commit()
    before = _state(app)
    # when the coordinator picks Anna on the rematch page and applies the preview
    seen = _preview(app, coordinator, programme, [], [anna.id])
    _call(
        app, coordinator, programme, rematch.apply, [], [anna.id], inputs=seen["inputs"],
        digest=seen["digest"],
    )  # fmt: skip
    # then Alva and Noah have new mentors with places, and Saga stays with Erik
    after = _state(app)
    assert {p for p, *_ in seen["changes"]} == {alva, noah}
    assert after[saga] == before[saga]
    assert after[alva][1] in {erik.id, lina.id} and after[noah][1] in {erik.id, lina.id}
    with app.app_context():
        taken = db.session.scalars(sa.select(Match.mentor_id)).all()
        assert taken.count(erik.id) <= 2 and taken.count(lina.id) <= 2
    # and they left Anna's rooms at once, the rooms' history kept
    assert _in_room(app, alva_room) == set() and _in_room(app, noah_room) == set()
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(RoomMember)) == 3


def test_moves_are_off_by_default_and_when_allowed_place_more_pupils(
    app, offer, pupil, confirmed, coordinator, programme
):
    # given Anna (one place, tue-3) holding Alva, Erik (one free place, thu-3), and Saga, new,
    # who shares a time only with Anna
    anna = offer(capacity=1, slots=("tue-3",))
    erik = offer(name="Erik Sandberg", capacity=1, slots=("thu-3",))
    alva, saga = pupil("Alva"), pupil("Saga", slots=("tue-3",))
    _match, alva_room = confirmed(alva, anna)
    # when the coordinator previews Saga without moves
    kept = _preview(app, coordinator, programme, [saga])
    # then nobody changes and Saga still waits, with the reason (Anna's one time is taken)
    assert kept["changes"] == set() and kept["waiting"] == {(saga, "no_shared_time")}
    # when moves are allowed
    moved = _preview(app, coordinator, programme, [saga], allow_moves=True)
    # then Alva moves to Erik to make room, Saga gets Anna, one more placed
    assert moved["changes"] == {(alva, anna.id, erik.id, False), (saga, None, anna.id, True)}
    assert moved["gain"][0] == 1
    # and when that preview is applied, Alva leaves Anna's room for Erik, Saga has Anna
    _call(
        app, coordinator, programme, rematch.apply, [saga], allow_moves=True,
        inputs=moved["inputs"], digest=moved["digest"],
    )  # fmt: skip
    after = _state(app)
    assert (after[alva][1], after[saga][1]) == (erik.id, anna.id)
    assert _in_room(app, alva_room) == set()


def test_the_preview_reads_in_a_fixed_number_of_queries(
    app, offer, pupil, confirmed, coordinator, programme, count_queries
):
    # given two mentors, three pupils confirmed and two new
    anna, erik = offer(capacity=4), offer(name="Erik Sandberg", capacity=4)
    for name, mentor, slot in (
        ("Alva", anna, "tue-3"),
        ("Noah", anna, "thu-3"),
        ("Saga", erik, "tue-3"),
    ):
        confirmed(pupil(name), mentor, slot)
    new = [pupil("Ella"), pupil("Liam")]

    def reads(picked: list[int]) -> int:
        with app.app_context(), count_queries() as statements:
            actor = db.session.get(User, coordinator.id)
            rematch.preview(actor, db.session.get(Term, programme["term"]), picked, log=False)
            db.session.rollback()
        return sum(s.lstrip().upper().startswith("SELECT") for s in statements)

    with app.app_context():
        anna_pupils = list(
            db.session.scalars(sa.select(Match.pupil_id).where(Match.mentor_id == anna.id))
        )
    # when one new pupil is previewed, and then both with all of Anna's pupils
    one, many = reads(new[:1]), reads([*new, *anna_pupils])
    # then the number of reads does not grow with the pupils picked
    assert one == many


def test_an_out_of_date_preview_is_refused_and_nothing_changes(
    app, offer, pupil, confirmed, coordinator, programme
):
    # given a preview placing Ella, then Noah's match is removed before it is applied
    anna = offer(capacity=3)
    alva, noah, ella = pupil("Alva"), pupil("Noah"), pupil("Ella")
    confirmed(alva, anna)
    noah_match, _room = confirmed(noah, anna, "thu-3")
    seen = _preview(app, coordinator, programme, [ella])
    with app.app_context():
        matching.remove(db.session.get(User, coordinator.id), db.session.get(Match, noah_match))
        db.session.commit()
    before = _state(app)
    # when the coordinator applies the old preview
    with pytest.raises(DomainError) as refused:
        _call(
            app, coordinator, programme, rematch.apply, [ella], inputs=seen["inputs"],
            digest=seen["digest"],
        )  # fmt: skip
    # then it is refused in plain Swedish and no match changed
    with app.test_request_context(headers={"Accept-Language": "sv"}):
        assert "har ändrats sedan förhandsvisningen" in str(refused.value.message)
    assert _state(app) == before


def test_a_stale_apply_through_the_page_says_so_and_shows_the_new_preview(
    app, offer, pupil, confirmed, coordinator, programme, client, login_as
):
    # given a preview of Ella's rematch, made before Noah was confirmed with Anna
    anna = offer(capacity=3)
    alva, noah, ella = pupil("Alva"), pupil("Noah"), pupil("Ella")
    confirmed(alva, anna)
    seen = _preview(app, coordinator, programme, [ella])
    confirmed(noah, anna, "thu-3")
    before = _state(app)
    # when the coordinator sends the apply form of that preview
    login_as(coordinator)
    answer = client.post(
        "/matching/rematch/apply",
        data={"pupil_id": [str(ella)], "inputs": seen["inputs"], "digest": seen["digest"]},
    )
    # then it is refused with the reason, nothing stored, and the preview as it is now shown
    page = answer.get_data(as_text=True)
    assert answer.status_code == 422
    assert "Matchningarna har ändrats sedan förhandsvisningen" in page
    assert "Vem som skulle ändras" in page
    assert _state(app) == before


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"mentor_id": "99999"}, "Den mentorn finns inte med i terminens matchning."),
        ({"mentor_id": "Anna"}, "Den mentorn finns inte med i terminens matchning."),
        ({"pupil_id": "99999"}, "Den eleven finns inte med i terminens matchning."),
        ({}, "Välj minst en elev eller mentor att matcha om."),
    ],
)
def test_bad_picks_get_a_clear_swedish_message(
    app, offer, pupil, coordinator, programme, client, login_as, data, message
):
    # given a term with a mentor and a pupil
    offer()
    pupil("Alva")
    # when the coordinator sends a preview with an unknown mentor, pupil or nothing at all
    login_as(coordinator)
    answer = client.post("/matching/rematch/preview", data=data)
    # then the rematch page answers with what is wrong, and nothing is run
    assert answer.status_code == 422
    assert message in answer.get_data(as_text=True)


def test_pupils_whose_match_no_longer_fits_are_listed_with_the_reason(
    app, offer, pupil, confirmed, coordinator, programme, client, login_as
):
    # given Alva confirmed with Anna on Tuesdays, and then her free times change to Thursdays
    anna = offer()
    alva, noah = pupil("Alva"), pupil("Noah")
    confirmed(alva, anna)
    confirmed(noah, anna, "thu-3")
    with app.app_context():
        db.session.execute(sa.delete(PupilSlot).where(PupilSlot.pupil_id == alva))
        db.session.add(PupilSlot(pupil_id=alva, slot="thu-3"))
        db.session.commit()
    # when the coordinator opens the rematch page
    login_as(coordinator)
    page = client.get("/matching/rematch").get_data(as_text=True)
    # then Alva is listed with why her match no longer fits, and Noah is not
    assert "Alva with Anna" not in page  # in Swedish
    assert "Alva med Anna Bergström: Mötestiden passar inte längre eleven eller mentorn." in page
    with app.app_context():
        found = rematch.misfits(db.session.get(Term, programme["term"]))
        assert [(f.match.pupil_id, f.reason) for f in found] == [(alva, rematch.TIME_CHANGED)]


def test_the_preview_and_the_apply_are_in_the_access_log(
    app, offer, pupil, coordinator, programme, client, login_as
):
    # given a mentor and Ella, new
    offer()
    ella = pupil("Ella")
    login_as(coordinator)
    # when the coordinator previews Ella's rematch and applies it through the pages
    page = client.post("/matching/rematch/preview", data={"pupil_id": str(ella)})
    text = page.get_data(as_text=True)
    fields = {
        name: text.split(f'name="{name}" value="', 1)[1].split('"', 1)[0]
        for name in ("inputs", "digest")
    }
    done = client.post("/matching/rematch/apply", data={"pupil_id": str(ella), **fields})
    # then both are logged about Ella, and the matching page shows her proposed match
    assert page.status_code == 200 and done.status_code == 302
    with app.app_context():
        actions = db.session.scalars(
            sa.select(AuditEntry.action).where(AuditEntry.person_id == ella)
        ).all()
    assert "matching.rematch.view" in actions and "matching.rematch.apply" in actions
    assert "Ella" in client.get("/matching/").get_data(as_text=True)


def test_a_pupil_whose_times_changed_keeps_their_mentor_at_a_new_time_and_their_room(
    app, offer, pupil, confirmed, coordinator, programme
):
    # given Alva confirmed with Anna on Tuesdays, in Anna's room, and Noah with Anna on Thursdays
    anna = offer(capacity=3, slots=("tue-3", "thu-3", "mon-1"))
    alva, noah = pupil("Alva", slots=("tue-3", "mon-1")), pupil("Noah")
    _match, alva_room = confirmed(alva, anna)
    confirmed(noah, anna, "thu-3")
    # and Alva can no longer come on Tuesdays
    with app.app_context():
        db.session.execute(
            sa.delete(PupilSlot).where(PupilSlot.pupil_id == alva, PupilSlot.slot == "tue-3")
        )
        db.session.commit()
    before = _state(app)
    # when the coordinator rematches Alva (listed as no longer fitting) and applies it
    seen = _preview(app, coordinator, programme, [alva])
    _call(
        app, coordinator, programme, rematch.apply, [alva], inputs=seen["inputs"],
        digest=seen["digest"],
    )  # fmt: skip
    # then Alva meets Anna at her free time, still confirmed and still in the room; Noah unchanged
    after = _state(app)
    assert seen["changes"] == {(alva, anna.id, anna.id, True)}
    assert after[alva][1:] == (anna.id, "mon-1", None, MatchStatus.CONFIRMED.value)
    assert after[noah] == before[noah]
    assert _in_room(app, alva_room) == {alva}


def test_a_rematch_waits_for_a_matching_run_under_way(app, offer, pupil, coordinator, programme):
    # given a mentor, Ella new, and a matching run that has started
    offer()
    ella = pupil("Ella")
    with app.app_context():
        db.session.add(
            MatchingRun(term_id=programme["term"], run_by_id=coordinator.id, status="running")
        )
        db.session.commit()
    # when the coordinator asks for a rematch preview
    with pytest.raises(DomainError) as refused:
        _preview(app, coordinator, programme, [ella])
    # then it is refused until the run has finished, and nothing is stored
    with app.test_request_context(headers={"Accept-Language": "sv"}):
        assert str(refused.value.message) == (
            "En matchningskörning pågår. Matcha om när den är klar."
        )
    assert _state(app) == {}


def test_an_applied_rematch_is_kept_as_a_run_with_its_figures_and_listed_beside_the_runs(
    app, offer, pupil, confirmed, coordinator, programme, login_as
):
    from mentorhub.matching.models import MatchingRun, RunKind, RunStatus

    # given Anna with Alva confirmed, and Ella new
    anna = offer(capacity=3)
    alva, ella = pupil("Alva"), pupil("Ella")
    confirmed(alva, anna)
    seen = _preview(app, coordinator, programme, [ella])
    # when the coordinator applies a rematch of Ella
    _call(
        app, coordinator, programme, rematch.apply, [ella], inputs=seen["inputs"],
        digest=seen["digest"],
    )  # fmt: skip
    # then it is kept as a finished run of the kind "rematch", by the coordinator, with what it
    # was given and what it reached
    with app.app_context():
        run = db.session.scalars(sa.select(MatchingRun)).one()
        assert (run.kind, run.status, run.run_by_id) == (
            RunKind.REMATCH.value,
            RunStatus.DONE.value,
            coordinator.id,
        )
        assert (run.pupil_count, run.offer_count, run.kept_count) == (2, 1, 1)
        assert (run.assigned, run.unassigned_count) == (2, 0)
        assert sorted(map(tuple, run.pairs)) == sorted([(alva, anna.id), (ella, anna.id)])
        assert run.bound_assigned == 2 and run.gap_percent == 0
        assert run.engine_seconds is not None and run.finished_at is not None
    # and the list of runs shows it as a rematch
    page = login_as(coordinator).get("/matching/runs").get_data(as_text=True)
    assert "Ommatchning av några elever" in page


def test_a_rematch_that_is_only_previewed_keeps_no_run(app, offer, pupil, coordinator, programme):
    from mentorhub.matching.models import MatchingRun

    # given a pupil waiting for a mentor
    offer(capacity=3)
    ella = pupil("Ella")
    # when the coordinator only previews a rematch of her
    _preview(app, coordinator, programme, [ella])
    # then no run is kept
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(MatchingRun)) == 0
