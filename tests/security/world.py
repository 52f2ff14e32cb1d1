"""The authorisation matrix's world: built once per test module, in the real (migrated) test
database, and kept between the tests of the module; each test runs in a transaction that is
rolled back (`isolated`), so one row's action never changes what the next row finds.

The pupil, Alva, at Björkängsskolan, is matched (confirmed, current term) to her mentor, Anna,
and sits with her room mate in Anna's group room; she has left an older room of Anna's, since
archived. Her home teacher (who nominated her) and her special-needs educator are linked to
her; so is a home teacher who has been deactivated since she signed in. Anna posted a shared
problem to Alva, who answered it with an image; Alva uploaded an image to the chat and
reported her room mate's message; the room has a meeting; Alva has a goal and a concern. The
other mentor was Alva's in a term that has ended; the other pupil was removed from Anna's room
and is now matched to the other mentor and in his room (same subject area, so the shared
problem is his to read and post too). Every person has a live sign-in of their own (`sign_in`
puts it into the test client's session, as `/login` would).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient

from mentorhub.accounts.models import Invitation, LoginSession, PasswordReset, User, UserRole
from mentorhub.extensions import db, limiter
from mentorhub.jobs.models import FailedJob
from mentorhub.reports import cache as report_cache
from mentorhub.timeutil import utcnow
from tests.conftest import PASSWORD, nomination_data
from tests.security import columns as c

# A 1×1 PNG, so the image routes have a file to send.
PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360000002000001e221bc330000000049454e44ae426082"
)


@dataclass
class World:
    """Ids by name: people (one per column) and objects. `url` fills a row's template."""

    people: dict[str, int] = field(default_factory=dict)
    login_keys: dict[str, str] = field(default_factory=dict)
    objects: dict[str, object] = field(default_factory=dict)

    def value(self, name: str) -> object:
        if name in self.people:
            return self.people[name]
        return self.objects[name]

    def url(self, template: str) -> str:
        def fill(found: re.Match) -> str:
            name = found.group(1)
            assert name in self.people or name in self.objects, f"no {name!r} in the world"
            return str(self.value(name))

        return re.sub(r"<(\w+)>", fill, template)


def _person(column: c.Column, n: int, school_id: int | None) -> User:
    user = User(
        email=f"{column.name}@example.se",
        name=f"Person {n}",
        school_id=school_id,
        # deactivated after signing in: her sign-in row below stays live, the account does not
        active=column.name != c.DEACTIVATED,
    )
    user.set_password(PASSWORD)
    user.role_rows = [UserRole(role=column.role.value)]
    db.session.add(user)
    return user


def build(app: Flask) -> World:
    """Make the world through the models and services, commit it, and return its ids."""
    from mentorhub.accounts.models import Role
    from mentorhub.chat.models import Message, MessageReport
    from mentorhub.concerns.models import Concern
    from mentorhub.goals.models import Goal
    from mentorhub.matching.models import (
        Match,
        MatchingRun,
        MatchStatus,
        MentorOffer,
        MentorOfferSubject,
    )
    from mentorhub.meetings.models import Meeting, MeetingSeries
    from mentorhub.meetings.services import feed_token_for
    from mentorhub.nominations import services as nominations
    from mentorhub.problems.models import Attempt, PostTarget, Problem, ProblemHint, ProblemPost
    from mentorhub.programme.models import School, SchoolKind, SubjectArea, Term
    from mentorhub.pupils.models import LinkRelation, PupilProfile, StaffLink
    from mentorhub.rooms.models import Room, RoomMember
    from mentorhub.tokens import new_token
    from mentorhub.uploads.models import ChatImage

    world = World()
    with app.app_context():
        school = School(name="Björkängsskolan", kind=str(SchoolKind.COMPULSORY), municipality="E")
        elsewhere = School(
            name="Ekbacka gymnasium", kind=str(SchoolKind.STUDY_CENTRE), municipality="E"
        )
        area = SubjectArea(name="Matematik och naturvetenskap", description="")
        today = date.today()
        # a term around today, whenever the tests run
        term = Term(
            name="Terminen", starts_on=today - timedelta(days=60), ends_on=today + timedelta(120)
        )
        last_term = Term(
            name="Förra terminen",
            starts_on=today - timedelta(days=240),
            ends_on=today - timedelta(days=61),
        )
        db.session.add_all([school, elsewhere, area, term, last_term])
        db.session.flush()

        at_school = {c.PUPIL, c.ROOM_MATE, c.OTHER_PUPIL}
        at_school |= {c.HOME_TEACHER, c.SPECIAL_EDUCATOR, c.UNLINKED_TEACHER, c.DEACTIVATED}
        people: dict[str, User] = {}
        for n, column in enumerate(c.COLUMNS.values()):
            if column.role is None:
                continue
            school_id = school.id if column.name in at_school else None
            if column.name == c.OTHER_SCHOOL:
                school_id = elsewhere.id
            people[column.name] = _person(column, n, school_id)
        db.session.flush()
        alva, mate, other = people[c.PUPIL], people[c.ROOM_MATE], people[c.OTHER_PUPIL]
        mentor, other_mentor = people[c.MENTOR], people[c.OTHER_MENTOR]
        db.session.add(PupilProfile(user_id=alva.id, year=8, profile="gifted"))

        # her team: two links and the current match (the room mate is matched to Anna too)
        db.session.add_all(
            [
                StaffLink(
                    pupil_id=alva.id,
                    staff_id=people[c.HOME_TEACHER].id,
                    relation=LinkRelation.HOME_TEACHER.value,
                ),
                StaffLink(
                    pupil_id=alva.id,
                    staff_id=people[c.SPECIAL_EDUCATOR].id,
                    relation=LinkRelation.SPECIAL_EDUCATOR.value,
                ),
                StaffLink(
                    pupil_id=alva.id,
                    staff_id=people[c.DEACTIVATED].id,
                    relation=LinkRelation.HOME_TEACHER.value,
                ),
            ]
        )
        matches = [
            Match(
                term_id=term.id,
                pupil_id=pupil.id,
                mentor_id=by.id,
                subject_area_id=area.id,
                slot="tue-3",
                status=MatchStatus.CONFIRMED.value,
            )
            for pupil, by in ((alva, mentor), (mate, mentor), (other, other_mentor))
        ]
        # the other mentor was hers in a term that has ended: that makes him no one to her now
        matches.append(
            Match(
                term_id=last_term.id,
                pupil_id=alva.id,
                mentor_id=other_mentor.id,
                subject_area_id=area.id,
                slot="tue-3",
                status=MatchStatus.CONFIRMED.value,
            )
        )
        db.session.add_all(matches)
        offer = MentorOffer(mentor_id=other_mentor.id, term_id=term.id)
        db.session.add(offer)
        db.session.flush()
        db.session.add(MentorOfferSubject(offer_id=offer.id, subject_area_id=area.id))
        # a matching run the coordinator started, finished (its status is polled), and an
        # earlier one to compare it with
        earlier_matching_run = MatchingRun(term_id=term.id, run_by_id=people[c.COORDINATOR].id)
        db.session.add(earlier_matching_run)
        db.session.flush()
        matching_run = MatchingRun(term_id=term.id, run_by_id=people[c.COORDINATOR].id)
        db.session.add(matching_run)

        # rooms: Anna's (Alva and her room mate; the other pupil removed), an older one Alva
        # has left (archived since), and the other mentor's (the other pupil)
        long_ago = utcnow() - timedelta(days=30)
        room = Room(mentor_id=mentor.id, subject_area_id=area.id, kind="group", name="Talteori")
        old_room = Room(
            mentor_id=mentor.id,
            subject_area_id=area.id,
            kind="group",
            name="Förr",
            archived_at=long_ago,
        )
        other_room = Room(
            mentor_id=other_mentor.id, subject_area_id=area.id, kind="group", name="Geometri"
        )
        db.session.add_all([room, old_room, other_room])
        db.session.flush()
        db.session.add_all(
            [
                RoomMember(room_id=room.id, user_id=alva.id),
                RoomMember(room_id=room.id, user_id=mate.id),
                RoomMember(room_id=room.id, user_id=other.id, removed_at=long_ago),
                RoomMember(room_id=old_room.id, user_id=alva.id, removed_at=long_ago),
                RoomMember(room_id=other_room.id, user_id=other.id),
            ]
        )

        # chat: the room mate's message, reported by Alva; Alva's image
        message = Message(
            room_id=room.id, seq=1, author_id=mate.id, client_id="world-0001", body="M", html=""
        )
        room.last_seq = 2
        images = {
            name: ChatImage(
                room_id=room.id,
                uploader_id=uploader.id,
                stored_name=f"matrix-{name}.png",
                content_type="image/png",
                width=1,
                height=1,
            )
            for name, uploader in (
                ("chat_image", alva),
                ("attempt_image", alva),
                ("hidden_image", mate),
            )
        }
        db.session.add_all([message, *images.values()])
        db.session.flush()
        # the room mate's image message, hidden by the mentor: moderators see it, nobody else
        db.session.add(
            Message(
                room_id=room.id,
                seq=2,
                author_id=mate.id,
                client_id="world-0002",
                body="",
                html="",
                image_id=images["hidden_image"].id,
                hidden_at=long_ago,
                hidden_by_id=mentor.id,
                hidden_reason="R",
            )
        )
        report = MessageReport(message_id=message.id, reporter_id=alva.id, reason="R")
        db.session.add(report)
        upload_folder = Path(app.config["UPLOAD_FOLDER"])
        upload_folder.mkdir(parents=True, exist_ok=True)
        for stored in images.values():
            (upload_folder / stored.stored_name).write_bytes(PNG)

        # problems: Anna's shared problem with a hint, posted to Alva, her attempt with an image
        problem = Problem(
            mentor_id=mentor.id,
            subject_area_id=area.id,
            title="P",
            statement="$x$",
            statement_html="",
            levels=[3],
            shared=True,
        )
        db.session.add(problem)
        db.session.flush()
        db.session.add(ProblemHint(problem_id=problem.id, position=1, body="H", html="H"))
        post = ProblemPost(
            problem_id=problem.id,
            room_id=room.id,
            posted_by_id=mentor.id,
            to_everyone=False,
            targets=[PostTarget(pupil_id=alva.id, level=3)],
        )
        db.session.add(post)
        db.session.flush()
        attempt = Attempt(
            post_id=post.id,
            pupil_id=alva.id,
            level=3,
            body="x",
            image_id=images["attempt_image"].id,
        )

        # a meeting next week; a goal; a concern about Alva
        first_local = datetime.combine(today + timedelta(days=7), time(16, 0))
        series = MeetingSeries(
            room_id=room.id, title="M", first_local=first_local, created_by_id=mentor.id
        )
        db.session.add(series)
        db.session.flush()
        meeting = Meeting(
            series_id=series.id,
            room_id=room.id,
            title="M",
            starts_at=utcnow().replace(microsecond=0) + timedelta(days=7),
        )
        goal = Goal(pupil_id=alva.id, title="Planera veckan", created_by_id=mentor.id)
        concern = Concern(
            pupil_id=alva.id, category="study", description="D", raised_by_id=mentor.id
        )
        db.session.add_all([attempt, meeting, goal, concern])

        # links sent by mail: an open invitation, Alva's password reset
        invitation_token, invitation_hash = new_token()
        invitation = Invitation(
            token_hash=invitation_hash,
            email="invited@example.se",
            roles=[Role.MENTOR.value],
            expires_at=utcnow() + timedelta(days=7),
        )
        reset_token, reset_hash = new_token()
        reset = PasswordReset(
            token_hash=reset_hash, user_id=alva.id, expires_at=utcnow() + timedelta(hours=1)
        )
        db.session.add_all([invitation, reset])

        # a background job parked after failing (a mail whose row is gone: trying it again
        # does nothing)
        failed_job = FailedJob(name="mail.send", kwargs={"mail_id": 0}, error="SMTPException")
        db.session.add(failed_job)

        # a live sign-in per person
        for name, person in people.items():
            key = f"matrix-sign-in-{name}"
            db.session.add(LoginSession(key=key, user_id=person.id))
            world.login_keys[name] = key
        db.session.commit()

        # the home teacher nominates a pupil of her school, through the service
        nomination = nominations.nominate(
            people[c.HOME_TEACHER], term, nomination_data(area_id=area.id)
        )
        # and a home teacher at the other school nominates one of hers
        elsewhere_nomination = nominations.nominate(
            people[c.OTHER_SCHOOL],
            term,
            nomination_data(
                area_id=area.id, pupil_name="Ella Ek", pupil_email="ella.ek@elev.example.se"
            ),
        )
        db.session.commit()

        world.people = {name: person.id for name, person in people.items()}
        world.objects = {
            "school": school.id,
            "area": area.id,
            "term": term.id,
            "match": matches[0].id,
            "matching_run": matching_run.id,
            "earlier_matching_run": earlier_matching_run.id,
            "room": room.id,
            "old_room": old_room.id,
            "other_room": other_room.id,
            "message": message.id,
            "report": report.id,
            **{name: image.id for name, image in images.items()},
            "problem": problem.id,
            "post": post.id,
            "attempt": attempt.id,
            "series": series.id,
            "meeting": meeting.id,
            "goal": goal.id,
            "concern": concern.id,
            "nomination": nomination.id,
            "elsewhere_nomination": elsewhere_nomination.id,
            "invitation": invitation.id,
            "invitation_token": invitation_token,
            "failed_job": failed_job.id,
            "reset_token": reset_token,
            "feed_token": feed_token_for(alva),
            "static_file": "css/app.css",
            "stored_images": [image.stored_name for image in images.values()],
        }
    return world


def take_down(app: Flask, world: World) -> None:
    """What `tests/conftest.py` does after each test, done once after the module."""
    for name in world.objects["stored_images"]:
        (Path(app.config["UPLOAD_FOLDER"]) / name).unlink(missing_ok=True)
    with app.app_context():
        db.session.remove()
        with db.engine.begin() as conn:
            for table in reversed(db.metadata.sorted_tables):
                conn.execute(table.delete())
    limiter.reset()


@pytest.fixture(scope="module", name="world")
def world_fixture(app: Flask) -> Iterator[World]:
    built = build(app)
    yield built
    take_down(app, built)


@contextmanager
def rolled_back(app: Flask) -> Iterator[None]:
    """Run what is inside in one outer transaction that is rolled back afterwards.

    Every session the app opens joins that transaction through a savepoint, so the app's own
    commits and rollbacks (one per request) work as always but never reach the database."""
    with app.app_context():
        engines = db.engines
        engine = engines[None]
        db.session.remove()
    connection = engine.connect()
    sqlite = engine.dialect.name == "sqlite"
    if sqlite:
        # pysqlite begins transactions lazily and would commit at the outermost RELEASE:
        # begin for real, so savepoints nest inside (SQLAlchemy's "pysqlite" recipe)
        raw = connection.connection.dbapi_connection
        isolation = raw.isolation_level
        raw.isolation_level = None
    outer = connection.begin()
    if sqlite:
        connection.exec_driver_sql("BEGIN")
    factory = db.session.session_factory
    before = dict(factory.kw)
    factory.configure(join_transaction_mode="create_savepoint")
    engines[None] = connection
    limiter.reset()
    # Reports are counted in the request here, never kept: a kept report is recounted in a
    # thread of its own after a committed write, and here that thread would share the one
    # connection every session uses (its savepoints broke the request's).
    report_cache.clear()
    cache_seconds = app.config["REPORT_CACHE_SECONDS"]
    app.config["REPORT_CACHE_SECONDS"] = 0
    try:
        yield
    finally:
        app.config["REPORT_CACHE_SECONDS"] = cache_seconds
        with app.app_context():
            db.session.remove()
        engines[None] = engine
        factory.kw.clear()
        factory.kw.update(before)
        outer.rollback()
        if sqlite:
            raw.isolation_level = isolation
        connection.close()
        limiter.reset()


@pytest.fixture(name="isolated")
def isolated_fixture(app: Flask, world: World) -> Iterator[None]:
    """Each test of the matrix runs `rolled_back`: no row's action reaches the next row."""
    with rolled_back(app):
        yield


def sign_in(client: FlaskClient, world: World, column: str) -> None:
    """Sign the column's person in through the test client's session, as `/login` would."""
    if column == c.ANONYMOUS:
        return
    from mentorhub.accounts.services import SESSION_KEY

    with client.session_transaction() as session:
        session["_user_id"] = f"{world.people[column]}:1"
        session["_fresh"] = True
        session[SESSION_KEY] = world.login_keys[column]
