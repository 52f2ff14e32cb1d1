"""Page timing: the progress review list for a special-needs educator with 60 pupils and a year
of data, against the sign-in page, in the same run.

    .venv/bin/python benchmarks/pages.py              # 60 pupils, 50 requests of each page
    .venv/bin/python benchmarks/pages.py --pupils 120 --requests 100
    .venv/bin/python benchmarks/pages.py --region     # 10,000 pupils on PostgreSQL, 50 users

A throwaway SQLite file is made by the real migrations (as the tests do) and seeded in bulk with
one school, one special-needs educator linked to every pupil, one knowledge mentor whose group
rooms (four pupils each) hold a year of data: weekly meetings with attendance (mostly present,
some late, absent with notice or absent), about 100 attempts per pupil at problems posted in the
room, two or three chat messages per pupil and week, two goals per pupil with weekly check-ins,
a few level changes and two or three concerns per pupil (one still open). Some pupils are seeded
to trip each early-warning rule, so the page has flags to show.

Then Flask's test client, signed in as the special-needs educator, requests `/progress/review`,
one pupil's staff page and its printable summary, and an anonymous test client requests the
sign-in page `/login`, interleaved round by round, N times each (after a few warm-up
requests). It prints each page's median and 95th percentile in milliseconds, its ratio to the
sign-in page, and the number of SQL statements one request runs (for the review list it does not
grow with the number of pupils). Nothing is asserted: it reports. The time includes the whole
Flask request (routing, session, rendering) but no network. Differences from production: SQLite,
a cheap password hash for the seeded users (the sign-in POST is not what is measured) and CSRF off
for the one sign-in.
"""

from __future__ import annotations

import argparse
import random
import shutil
import statistics
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

import sqlalchemy as sa

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

PASSWORD = "bench-password-123"
SEED = 20261125


def build_app(folder: str):
    from flask_migrate import upgrade

    from mentorhub import create_app

    app = create_app(
        {
            "TESTING": False,
            "SECRET_KEY": "bench-secret",
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder}/bench.sqlite",
            "WTF_CSRF_ENABLED": False,
            "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000",
            "SOCKETIO_ASYNC_MODE": "threading",
            "MAIL_BACKEND": "outbox",
            "UPLOAD_FOLDER": folder,
            "LOGIN_RATE_LIMIT": "10000 per minute",
            "LOGIN_IP_RATE_LIMIT": "10000 per minute",
        }
    )
    with app.app_context():
        upgrade(directory=str(ROOT / "migrations"))
    return app


def seed(app, pupils: int) -> str:
    """Fill the database in bulk; returns the special-needs educator's e-mail."""
    from werkzeug.security import generate_password_hash

    from mentorhub.accounts.models import User, UserRole
    from mentorhub.chat.models import Message
    from mentorhub.concerns.models import Concern
    from mentorhub.extensions import db
    from mentorhub.goals.models import BuildUpSummary, CheckIn, Goal
    from mentorhub.matching.models import Match
    from mentorhub.meetings.models import Attendance, Meeting, MeetingSeries
    from mentorhub.problems.models import Attempt, LevelChange, PostTarget, Problem, ProblemPost
    from mentorhub.programme.models import School, SubjectArea, Term
    from mentorhub.pupils.models import PupilLevel, PupilProfile, StaffLink
    from mentorhub.rooms.models import Room, RoomMember
    from mentorhub.timeutil import utcnow

    rng = random.Random(SEED)
    now = utcnow()
    weeks = 52
    with app.app_context():
        hashed = generate_password_hash(PASSWORD, method="pbkdf2:sha256:1000")
        school = School(name="Björkängsskolan", kind="compulsory", municipality="Ekbacka")
        areas = [SubjectArea(name=n, description="") for n in ("Matematik", "Språk", "SO")]
        today = date.today()
        term = Term(
            name="Läsåret",
            starts_on=today - timedelta(days=300),
            ends_on=today + timedelta(days=60),
        )
        db.session.add_all([school, *areas, term])
        db.session.flush()

        def user(name: str, email: str, role: str) -> User:
            u = User(name=name, email=email, password_hash=hashed, school_id=school.id)
            u.role_rows = [UserRole(role=role)]
            db.session.add(u)
            return u

        educator = user("Helena Olsson", "helena@bench.se", "special_educator")
        mentor = user("Anna Bergström", "anna@bench.se", "mentor")
        kids = [user(f"Elev {i:03d}", f"elev{i}@bench.se", "pupil") for i in range(pupils)]
        db.session.flush()
        ids = [k.id for k in kids]
        area = areas[0].id

        rows = {m: [] for m in ("profile", "level", "link", "match", "member")}
        for i, pid in enumerate(ids):
            rows["profile"].append(
                {
                    "user_id": pid,
                    "year": 8 + i % 2,
                    "class_name": f"{8 + i % 2}{'ABC'[i % 3]}",
                    "profile": "gifted" if i % 2 else "high_performing",
                }
            )
            rows["level"].append({"pupil_id": pid, "subject_area_id": area, "level": 1 + i % 5})
            rows["link"].append(
                {"pupil_id": pid, "staff_id": educator.id, "relation": "special_educator"}
            )
            rows["match"].append(
                {
                    "term_id": term.id,
                    "pupil_id": pid,
                    "mentor_id": mentor.id,
                    "subject_area_id": area,
                    "status": "confirmed",
                }
            )
        db.session.execute(sa.insert(PupilProfile), rows["profile"])
        db.session.execute(sa.insert(PupilLevel), rows["level"])
        db.session.execute(sa.insert(StaffLink), rows["link"])
        db.session.execute(sa.insert(Match), rows["match"])

        groups = [ids[i : i + 4] for i in range(0, len(ids), 4)]
        problem = Problem(
            mentor_id=mentor.id,
            subject_area_id=area,
            title="Uppgift",
            statement="s",
            statement_html="<p>s</p>",
            levels=[1, 2, 3, 4, 5],
        )
        db.session.add(problem)
        db.session.flush()
        attendance, attempts, messages, checkins, changes, concerns = [], [], [], [], [], []
        for g, group in enumerate(groups):
            room = Room(mentor_id=mentor.id, subject_area_id=area, kind="group", name=f"Grupp {g}")
            db.session.add(room)
            db.session.flush()
            db.session.execute(
                sa.insert(RoomMember), [{"room_id": room.id, "user_id": p} for p in group]
            )
            series = MeetingSeries(
                room_id=room.id,
                title="Veckomöte",
                weekly=True,
                first_local=now - timedelta(weeks=weeks),
            )
            db.session.add(series)
            db.session.flush()
            meeting_rows = [
                {
                    "series_id": series.id,
                    "room_id": room.id,
                    "title": "Veckomöte",
                    "starts_at": now - timedelta(weeks=weeks - w, hours=2),
                }
                for w in range(weeks)
            ]
            db.session.execute(sa.insert(Meeting), meeting_rows)
            meeting_ids = db.session.scalars(
                sa.select(Meeting.id).where(Meeting.room_id == room.id).order_by(Meeting.starts_at)
            ).all()
            post_rows = [
                {
                    "problem_id": problem.id,
                    "room_id": room.id,
                    "posted_by_id": mentor.id,
                    "created_at": now - timedelta(days=360 - 7 * k),
                }
                for k in range(50)
            ]
            db.session.execute(sa.insert(ProblemPost), post_rows)
            post_ids = db.session.scalars(
                sa.select(ProblemPost.id).where(ProblemPost.room_id == room.id)
            ).all()
            db.session.execute(
                sa.insert(PostTarget),
                [{"post_id": post, "pupil_id": p, "level": 3} for post in post_ids for p in group],
            )
            seq = 0
            for pid in group:
                troubled = pid % 7 == 0  # every seventh pupil trips the rules
                for w, meeting_id in enumerate(meeting_ids):
                    late = w >= weeks - 4
                    status = (
                        rng.choice(["absent", "absent", "present", "absent_with_notice"])
                        if troubled and late
                        else rng.choices(
                            ["present", "late", "absent_with_notice", "absent"], [85, 7, 5, 3]
                        )[0]
                    )
                    attendance.append({"meeting_id": meeting_id, "pupil_id": pid, "status": status})
                quiet = timedelta(days=20 if troubled else 0)
                for post in post_ids:
                    for _ in range(2):
                        attempts.append(
                            {
                                "post_id": post,
                                "pupil_id": pid,
                                "level": rng.randint(2, 5),
                                "status": rng.choice(["solved", "not_yet", "new"]),
                                "created_at": now - quiet - timedelta(days=rng.uniform(0, 360)),
                            }
                        )
                for _ in range(weeks * 2 + rng.randint(0, weeks)):
                    seq += 1
                    messages.append(
                        {
                            "room_id": room.id,
                            "seq": seq,
                            "author_id": pid,
                            "client_id": f"b{seq}",
                            "body": "hej",
                            "html": "<p>hej</p>",
                            "created_at": now - quiet - timedelta(days=rng.uniform(0, 360)),
                        }
                    )
                for goal_title in ("Planera veckan", "Fråga om hjälp i tid"):
                    goal = Goal(
                        pupil_id=pid,
                        title=goal_title,
                        created_by_id=mentor.id,
                        created_at=now - timedelta(weeks=weeks),
                    )
                    db.session.add(goal)
                    db.session.flush()
                    for w in range(weeks - (3 if troubled else 0)):
                        rating = max(1, 4 - w % 4) if troubled else rng.randint(2, 4)
                        checkins.append(
                            {
                                "goal_id": goal.id,
                                "pupil_id": pid,
                                "author_id": pid,
                                "rating": rating,
                                "created_at": now - quiet - timedelta(weeks=weeks - w),
                            }
                        )
                level = 3
                for k in range(4):
                    after = level - 1 if troubled else min(level + 1, 5)
                    changes.append(
                        {
                            "pupil_id": pid,
                            "subject_area_id": area,
                            "from_level": level,
                            "to_level": after,
                            "reason": "Bedömning",
                            "created_at": now - timedelta(days=300 - 70 * k),
                        }
                    )
                    level = after
                for c in range(2 + pid % 2):
                    concerns.append(
                        {
                            "pupil_id": pid,
                            "category": "study",
                            "description": "Oro",
                            "status": "open" if c == 0 else "closed",
                        }
                    )
                db.session.add(
                    BuildUpSummary(pupil_id=pid, mentor_id=mentor.id, body="Bygg vidare.")
                )
            db.session.execute(sa.update(Room).where(Room.id == room.id).values(last_seq=seq))
        for model, batch in (
            (Attendance, attendance),
            (Attempt, attempts),
            (Message, messages),
            (CheckIn, checkins),
            (LevelChange, changes),
            (Concern, concerns),
        ):
            db.session.execute(sa.insert(model), batch)
        db.session.commit()
        print(
            f"seeded {pupils} pupils: {len(attendance)} attendance rows, {len(attempts)} attempts, "
            f"{len(messages)} messages, {len(checkins)} check-ins, {len(changes)} level changes, "
            f"{len(concerns)} concerns"
        )
    return "helena@bench.se"


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def main() -> None:
    if "--region" in sys.argv:
        # The region on PostgreSQL under simulated users: benchmarks/region_pages.py.
        sys.argv.remove("--region")
        sys.path.insert(0, str(Path(__file__).resolve().parent))
        import region_pages

        region_pages.main()
        return
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pupils", type=int, default=60)
    parser.add_argument("--requests", type=int, default=50)
    args = parser.parse_args()

    folder = tempfile.mkdtemp(prefix="mentorhub-bench-")
    try:
        app = build_app(folder)
        email = seed(app, args.pupils)
        staff, anonymous = app.test_client(), app.test_client()
        signed = staff.post("/login", data={"email": email, "password": PASSWORD})
        assert signed.status_code == 302, "could not sign in"

        from mentorhub.accounts.models import User
        from mentorhub.extensions import db
        from mentorhub.pupils.models import PupilProfile

        with app.app_context():
            engine = db.engine
            pupil_id = db.session.scalar(
                sa.select(User.id).join(PupilProfile, PupilProfile.user_id == User.id).limit(1)
            )
        pages = {
            f"/progress/review ({args.pupils} pupils)": "/progress/review",
            "pupil page (a year of data)": f"/progress/pupils/{pupil_id}",
            "printable summary": f"/progress/pupils/{pupil_id}/print",
        }
        for _ in range(3):  # warm up: templates compiled, caches filled
            for path in pages.values():
                assert staff.get(path).status_code == 200, path
            anonymous.get("/login")

        statements: dict[str, int] = {}
        for label, path in pages.items():
            seen: list[str] = []

            def count(conn, cursor, statement, *rest, seen=seen) -> None:
                seen.append(statement)

            sa.event.listen(engine, "before_cursor_execute", count)
            response = staff.get(path)
            sa.event.remove(engine, "before_cursor_execute", count)
            statements[label] = len(seen)
            if path == "/progress/review":
                flagged = response.get_data(as_text=True).count('class="flag')

        # Interleaved, one request of each page per round, so noise hits all pages alike.
        times: dict[str, list[float]] = {label: [] for label in [*pages, "/login"]}
        for _ in range(args.requests):
            for label, path in pages.items():
                start = time.perf_counter()
                staff.get(path)
                times[label].append((time.perf_counter() - start) * 1000)
            start = time.perf_counter()
            anonymous.get("/login")
            times["/login"].append((time.perf_counter() - start) * 1000)

        login = statistics.median(times["/login"])
        print(f"{flagged} flags shown on the review list; {args.requests} requests per page")
        print(f"{'page':<32} {'median ms':>10} {'p95 ms':>8} {'× sign-in':>10} {'SQL':>5}")
        for label, values in times.items():
            median = statistics.median(values)
            sql = statements.get(label, "")
            print(
                f"{label:<32} {median:>10.1f} {percentile(values, 95):>8.1f} "
                f"{median / login:>10.1f} {sql!s:>5}"
            )
    finally:
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
