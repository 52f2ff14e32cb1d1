"""Shared fixtures: a real database built by the real migrations, clients, people per role,
a live server and a real Chromium for the browser tests.

The database is a fresh SQLite file per run, or, when TEST_DATABASE_URL names a PostgreSQL server,
a throwaway database created on it for this run and dropped afterwards.
"""

from __future__ import annotations

import os
import re
import shutil
import tempfile
import threading
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient
from flask_migrate import upgrade
from werkzeug.serving import make_server

from mentorhub import create_app
from mentorhub.accounts.models import Role, User, UserRole
from mentorhub.chat.services import send_rate
from mentorhub.extensions import db as _db
from mentorhub.extensions import limiter
from mentorhub.programme.models import School, SchoolKind, SubjectArea, Term
from mentorhub.reports import cache as report_cache

PASSWORD = "correct-horse-battery"
# The field the confirm page sends with a destructive action (mentorhub/confirm.py).
CONFIRMED = {"confirmed": "yes"}


# --- database --------------------------------------------------------------------------------


def _throwaway_postgres(base_url: str) -> tuple[str, callable]:
    """Create a uniquely named database on that server; return its URL and a dropper."""
    url = sa.make_url(base_url)
    name = f"mentorhub_test_{uuid.uuid4().hex[:12]}"
    admin = sa.create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))

    def drop() -> None:
        with admin.connect() as conn:
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()

    return url.set(database=name).render_as_string(hide_password=False), drop


@pytest.fixture(scope="session")
def database_url() -> Iterator[str]:
    base = os.environ.get("TEST_DATABASE_URL")
    if base:
        url, drop = _throwaway_postgres(base)
        yield url
        drop()
    else:
        folder = tempfile.mkdtemp(prefix="mentorhub-test-")
        yield f"sqlite:///{folder}/test.sqlite"
        shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture(scope="session")
def app(database_url: str) -> Iterator[Flask]:
    uploads = tempfile.mkdtemp(prefix="mentorhub-uploads-")
    app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "test-secret",
            "SQLALCHEMY_DATABASE_URI": database_url,
            "WTF_CSRF_ENABLED": False,
            "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000",
            "SOCKETIO_ASYNC_MODE": "threading",
            "SERVER_BASE_URL": "http://localhost",
            "MAIL_BACKEND": "outbox",
            "UPLOAD_FOLDER": uploads,
        }
    )
    with app.app_context():
        upgrade(directory=str(Path(__file__).parent.parent / "migrations"))
    yield app
    with app.app_context():
        _db.engine.dispose()
    shutil.rmtree(uploads, ignore_errors=True)  # pupils' test images are not left behind


@pytest.fixture(autouse=True)
def _clean_state(app: Flask) -> Iterator[None]:
    """Every test starts with empty tables and fresh rate-limit counters."""
    yield
    with app.app_context():
        _db.session.remove()
        with _db.engine.begin() as conn:
            for table in reversed(_db.metadata.sorted_tables):
                conn.execute(table.delete())
    limiter.reset()
    send_rate.clear()
    # A report kept from this test would be recounted behind the scenes, in a thread of its
    # own, after the next test's first committed write: on that test's data, or, inside the
    # authorisation matrix, on the one connection every session there shares.
    report_cache.clear()
    app.config["WTF_CSRF_ENABLED"] = False


@pytest.fixture
def ctx(app: Flask) -> Iterator[None]:
    """An app context for calling services directly, as the CLI and views do."""
    with app.app_context():
        yield
        _db.session.rollback()


@pytest.fixture
def db(ctx):
    return _db


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def csrf_enabled(app: Flask) -> Iterator[None]:
    app.config["WTF_CSRF_ENABLED"] = True
    yield
    app.config["WTF_CSRF_ENABLED"] = False


# --- the world: factories ----------------------------------------------------------------------


@pytest.fixture
def make_school(app: Flask):
    def make(name: str = "Björkängsskolan", kind: str = SchoolKind.COMPULSORY) -> School:
        with app.app_context():
            school = School(name=name, kind=str(kind), municipality="Ekbacka kommun")
            _db.session.add(school)
            _db.session.commit()
            _db.session.refresh(school)
            _db.session.expunge(school)
            return school

    return make


@pytest.fixture
def make_user(app: Flask):
    counter = iter(range(1, 10_000))

    def make(
        *roles: Role,
        name: str | None = None,
        email: str | None = None,
        school: School | None = None,
        active: bool = True,
        password: str = PASSWORD,
    ) -> User:
        n = next(counter)
        roles = roles or (Role.MENTOR,)
        with app.app_context():
            user = User(
                email=email or f"{roles[0].value}{n}@example.se",
                name=name or f"Person {n}",
                school_id=school.id if school else None,
                active=active,
            )
            user.set_password(password)
            user.role_rows = [UserRole(role=r.value) for r in roles]
            _db.session.add(user)
            _db.session.commit()
            _db.session.refresh(user)
            _db.session.expunge(user)
            return user

    return make


@pytest.fixture
def coordinator(make_user) -> User:
    return make_user(Role.COORDINATOR, name="Karin Lindqvist", email="samordnare@example.se")


@pytest.fixture
def mentor(make_user) -> User:
    return make_user(Role.MENTOR, name="Anna Bergström", email="anna@example.se")


@pytest.fixture
def home_teacher(make_user, make_school) -> User:
    return make_user(
        Role.HOME_TEACHER, name="Eva Johansson", email="eva@example.se", school=make_school()
    )


@pytest.fixture
def programme(app: Flask, make_school) -> dict:
    """A small programme: two schools, three subject areas and the current term."""
    schools = [
        make_school("Björkängsskolan"),
        make_school("Ekbacka gymnasium – Studietorget", SchoolKind.STUDY_CENTRE),
    ]
    with app.app_context():
        areas = [
            SubjectArea(name=n, description="")
            for n in ("Matematik och naturvetenskap", "Samhällsorienterande ämnen", "Språk")
        ]
        term = Term(
            name="Höstterminen 2026", starts_on=date(2026, 8, 17), ends_on=date(2027, 1, 15)
        )
        _db.session.add_all([*areas, term])
        _db.session.commit()
        ids = {"areas": [a.id for a in areas], "term": term.id}
    return {"schools": schools, **ids}


@pytest.fixture
def school_staff(make_user, programme) -> dict[str, User]:
    """A home teacher and a special-needs educator at the first school of `programme`."""
    school = programme["schools"][0]
    return {
        "home_teacher": make_user(
            Role.HOME_TEACHER, name="Eva Johansson", email="eva@example.se", school=school
        ),
        "special_educator": make_user(
            Role.SPECIAL_EDUCATOR, name="Helena Olsson", email="helena@example.se", school=school
        ),
    }


def nomination_data(**overrides):
    """A complete, valid nomination form's content; override what a test is about."""
    from mentorhub.nominations.services import NominationData, SubjectNeed

    values = {
        "pupil_name": "Alva Lindgren",
        "pupil_email": "alva.lindgren@elev.example.se",
        "year": 8,
        "class_name": "8B",
        "profile": "gifted",
        "subjects": [SubjectNeed(overrides.pop("area_id", 1), 4, "Bevis och problemlösning")],
        "slots": ["tue-3", "thu-3"],
        "prefers_group": False,
        "strengths": "Logiskt tänkande",
        "interests": "Schack",
        "guardian_informed_on": date.today() - timedelta(days=3),
        "guardian_consent": True,
    }
    values.update(overrides)
    return NominationData(**values)


@pytest.fixture
def make_nomination(app, programme, school_staff):
    """Nominate a pupil through the service, as the home teacher unless told otherwise."""
    from mentorhub.nominations import services

    def make(by: User | None = None, **overrides) -> int:
        overrides.setdefault("area_id", programme["areas"][0])
        with app.app_context():
            actor = _db.session.get(User, (by or school_staff["home_teacher"]).id)
            term = _db.session.get(Term, programme["term"])
            nomination = services.nominate(actor, term, nomination_data(**overrides))
            _db.session.commit()
            return nomination.id

    return make


@pytest.fixture
def count_queries(app: Flask):
    """`with count_queries() as statements:` collects every SQL statement run inside."""

    @contextmanager
    def counting() -> Iterator[list[str]]:
        statements: list[str] = []

        def listener(conn, cursor, statement, *args) -> None:
            statements.append(statement)

        with app.app_context():
            engine = _db.engine
        sa.event.listen(engine, "before_cursor_execute", listener)
        try:
            yield statements
        finally:
            sa.event.remove(engine, "before_cursor_execute", listener)

    return counting


@pytest.fixture
def room(app, programme, make_user, school_staff):
    """A mentor's group room with two confirmed pupils (the first linked to the home teacher),
    and a third pupil outside it. Returns ids and people."""
    from mentorhub.matching.models import Match
    from mentorhub.pupils.models import StaffLink
    from mentorhub.rooms.models import Room, RoomMember

    mentor = make_user(Role.MENTOR, name="Anna Bergström")
    alva = make_user(Role.PUPIL, name="Alva Lindgren", school=programme["schools"][0])
    noah = make_user(Role.PUPIL, name="Noah Berg", school=programme["schools"][0])
    outsider = make_user(Role.PUPIL, name="Utomstående Elev")
    with app.app_context():
        for pupil in (alva, noah):
            _db.session.add(
                Match(
                    term_id=programme["term"],
                    pupil_id=pupil.id,
                    mentor_id=mentor.id,
                    subject_area_id=programme["areas"][0],
                    slot="tue-3",
                    status="confirmed",
                )
            )
        _db.session.add(
            StaffLink(
                pupil_id=alva.id, staff_id=school_staff["home_teacher"].id, relation="home_teacher"
            )
        )
        room = Room(
            mentor_id=mentor.id,
            subject_area_id=programme["areas"][0],
            kind="group",
            name="Talteori",
        )
        _db.session.add(room)
        _db.session.flush()
        _db.session.add_all(
            [
                RoomMember(room_id=room.id, user_id=alva.id),
                RoomMember(room_id=room.id, user_id=noah.id),
            ]
        )
        _db.session.commit()
        room_id = room.id
    return {
        "id": room_id,
        "mentor": mentor,
        "alva": alva,
        "noah": noah,
        "outsider": outsider,
        "home_teacher": school_staff["home_teacher"],
    }


def restore_live_socketio() -> None:
    """Undo what Flask-SocketIO's test client does to the one shared server.

    Its test client patches the server in place and never undoes it: every packet goes to the
    test clients' queues and events are handled synchronously, so real browsers would get no
    answer afterwards."""
    from mentorhub.extensions import socketio

    server = socketio.server
    for patched in ("_send_packet", "_send_eio_packet"):
        server.__dict__.pop(patched, None)  # the class's own methods show through again
    server.async_handlers = server.eio.async_handlers = True  # the defaults


@pytest.fixture
def socket_as(app):
    """`socket_as(user)` → a Socket.IO test client carrying that user's login cookie."""
    from mentorhub.extensions import socketio

    clients = []

    def connect(user: User | None):
        http = app.test_client()
        if user is not None:
            assert login(http, user).status_code == 302
        sock = socketio.test_client(app, flask_test_client=http)
        clients.append(sock)
        return sock

    yield connect
    for sock in clients:
        if sock.is_connected():
            sock.disconnect()
    restore_live_socketio()


def login(client: FlaskClient, user: User, password: str = PASSWORD):
    return client.post("/login", data={"email": user.email, "password": password})


@pytest.fixture
def login_as(client: FlaskClient):
    def do(user: User) -> FlaskClient:
        response = login(client, user)
        assert response.status_code == 302, "login failed in fixture"
        return client

    return do


@pytest.fixture
def outbox(app: Flask):
    """Read mails the outbox backend stored: `outbox()` → list of (recipient, subject, body)."""
    from mentorhub.mail import OutboxMail

    def read() -> list[OutboxMail]:
        with app.app_context():
            mails = _db.session.scalars(sa.select(OutboxMail).order_by(OutboxMail.id)).all()
            for m in mails:
                _db.session.expunge(m)
            return list(mails)

    return read


def link_in(body: str) -> str:
    """The path of the first http link in a mail body."""
    match = re.search(r"https?://[^/\s]+(/\S+)", body)
    assert match, f"no link in mail: {body!r}"
    return match.group(1)


# --- live server and browser ----------------------------------------------------------------------


@pytest.fixture(scope="session")
def live_server(app: Flask) -> Iterator[str]:
    """The app served on a free local port in a background thread."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    port = server.server_port
    app.config["SERVER_BASE_URL"] = f"http://127.0.0.1:{port}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{port}"
    server.shutdown()


def chromium_path() -> str:
    path = (
        os.environ.get("CHROMIUM") or shutil.which("chromium") or shutil.which("chromium-browser")
    )
    if not path:
        pytest.fail("Debian's chromium is not installed: run `make chromium` (make test does).")
    return path


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(
            executable_path=chromium_path(),
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
            ],
        )
        yield browser
        browser.close()


@pytest.fixture
def page(app, browser, live_server):
    app.config["WTF_CSRF_ENABLED"] = True  # the browser sends real forms, tokens and all
    context = browser.new_context(base_url=live_server, viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()


@pytest.fixture
def phone_page(app, browser, live_server):
    """A 360 px wide window, as on a small phone."""
    app.config["WTF_CSRF_ENABLED"] = True
    context = browser.new_context(
        base_url=live_server, viewport={"width": 360, "height": 740}, is_mobile=True, has_touch=True
    )
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()


def assert_accessible(page) -> None:
    """axe-core on the page as it is now: any WCAG 2.1 A/AA violation fails the test."""
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(
        page,
        options={
            "runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}
        },
    )
    violations = results.response["violations"]
    assert not violations, f"axe violations on {page.url}:\n" + results.generate_report()


def browser_login(page, email: str, password: str = PASSWORD) -> None:
    page.goto("/login")
    page.get_by_label(re.compile("E-post|Email")).fill(email)
    page.get_by_label(re.compile("Lösenord|Password")).fill(password)
    page.get_by_role("button", name=re.compile("Logga in|Sign in")).click()


@pytest.fixture
def care_team(app, room, school_staff, make_user, programme):
    """The `room` world with Alva's whole care team: her mentor, her linked home teacher and a
    linked special-needs educator; plus staff who are *not* linked to her (a home teacher at
    her school, another mentor) and a coordinator. Returns people by role."""
    from mentorhub.pupils.models import StaffLink

    with app.app_context():
        _db.session.add(
            StaffLink(
                pupil_id=room["alva"].id,
                staff_id=school_staff["special_educator"].id,
                relation="special_educator",
            )
        )
        _db.session.commit()
    school = programme["schools"][0]
    return {
        **room,
        "special_educator": school_staff["special_educator"],
        "unlinked_teacher": make_user(Role.HOME_TEACHER, name="Olle Ek", school=school),
        "other_mentor": make_user(Role.MENTOR, name="Per Sand"),
        "coordinator": make_user(Role.COORDINATOR, name="Karin Lindqvist"),
    }


@pytest.fixture
def region(app):
    """The Swedish demo data, as `make run` loads it (helpers: tests/integration/demo_region.py)."""
    from mentorhub import demo
    from mentorhub.after_commit import commit

    with app.app_context():
        demo.load(date.today())
        demo.load_pupils(date.today())
        demo.load(date.today())
        commit()


@pytest.fixture
def login_demo(client: FlaskClient):
    """Sign in as a demo person (they share the demo password)."""
    from mentorhub import demo

    def do(user: User) -> FlaskClient:
        response = login(client, user, demo.DEMO_PASSWORD)
        assert response.status_code == 302, "demo login failed in fixture"
        return client

    return do
