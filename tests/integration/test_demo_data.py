"""The Swedish demo data: what `make run` loads, loadable twice, every printed login works."""

from datetime import date, timedelta

import pytest

from mentorhub import demo
from mentorhub.extensions import db


@pytest.fixture
def loaded(app):
    with app.app_context():
        counts = demo.load(date.today())
        db.session.commit()
    return counts


def test_demo_data_has_the_municipality_schools_areas_and_staff(loaded):
    assert loaded["schools"] == 5  # four compulsory schools and one study centre
    assert loaded["subject_areas"] == 3
    assert loaded["users"] >= 18  # a coordinator, 8 mentors, 6 home teachers, 3 educators


def test_loading_the_demo_data_again_neither_duplicates_nor_fails(app, loaded):
    with app.app_context():
        again = demo.load(date.today())
        db.session.commit()
    assert again == loaded


@pytest.mark.parametrize(("role", "local"), demo.DEMO_LOGINS)
def test_every_printed_demo_login_signs_in(client, loaded, role, local):
    response = client.post(
        "/login", data={"email": demo.email_for(local), "password": demo.DEMO_PASSWORD}
    )
    assert response.status_code == 302, role


def test_the_demo_term_contains_today():
    name, starts, ends = demo.current_term_dates(date(2026, 11, 25))
    assert (name, starts, ends) == ("Höstterminen 2026", date(2026, 8, 17), date(2027, 1, 15))
    name, starts, ends = demo.current_term_dates(date(2027, 3, 1))
    assert starts <= date(2027, 3, 1) <= ends and name == "Vårterminen 2027"


@pytest.fixture
def loaded_with_pupils(app):
    with app.app_context():
        demo.load(date.today())
        demo.load_pupils(date.today())
        db.session.commit()


def _follow_up_counts() -> dict[str, int]:
    import sqlalchemy as sa

    from mentorhub.concerns.models import Concern
    from mentorhub.goals.models import CheckIn, Goal
    from mentorhub.meetings.models import Attendance, Meeting

    def count(model, *where) -> int:
        return db.session.scalar(sa.select(sa.func.count()).select_from(model).where(*where))

    return {
        "meetings": count(Meeting),
        "attendance": count(Attendance),
        "goals": count(Goal),
        "checkins": count(CheckIn),
        "open_concerns": count(Concern, Concern.status == "open"),
        "closed_concerns": count(Concern, Concern.status == "closed"),
    }


def test_the_demo_has_a_term_of_meetings_goals_with_checkins_and_three_concerns(
    app, loaded_with_pupils
):
    # given the demo data with pupils loaded
    with app.app_context():
        # when we count the follow-up
        counts = _follow_up_counts()
    # then every room meets weekly with attendance taken, goals are rated, and there are two
    # open concerns and one closed
    assert counts["meetings"] >= 10 * 9 and counts["attendance"] >= 100
    assert counts["goals"] >= 10 and counts["checkins"] >= 3 * counts["goals"]
    assert (counts["open_concerns"], counts["closed_concerns"]) == (2, 1)


def test_the_demo_pupils_trip_every_early_warning_rule(app, loaded_with_pupils):
    import sqlalchemy as sa

    from mentorhub.accounts.models import Role, User, UserRole
    from mentorhub.progress import review_list as review

    # given every special-needs educator of the demo schools
    with app.app_context():
        educators = db.session.scalars(
            sa.select(User).join(UserRole).where(UserRole.role == Role.SPECIAL_EDUCATOR.value)
        ).all()
        # when each reads their progress review
        codes = {
            shown.code
            for educator in educators
            for row in review.review_rows(educator)
            for shown in row.flags
        }
    # then some pupil trips each rule, so the demo shows what every flag looks like
    assert codes >= {
        "attendance_low",
        "absent_in_a_row",
        "inactive",
        "goal_no_checkin",
        "goal_ratings_falling",
        "level_down",
    }


def test_loading_the_follow_up_again_adds_nothing(app, loaded_with_pupils):
    with app.app_context():
        before = _follow_up_counts()
        demo.load_pupils(date.today())
        db.session.commit()
        assert _follow_up_counts() == before


def test_every_demo_pupil_signs_in_with_the_demo_password(app, loaded_with_pupils):
    import sqlalchemy as sa

    from mentorhub.accounts.models import Invitation, Role, User, UserRole

    # given the demo pupils
    with app.app_context():
        pupils = db.session.scalars(
            sa.select(User).join(UserRole).where(UserRole.role == Role.PUPIL.value)
        ).all()
        # then each has the demo password, and none is still listed as invited
        assert len(pupils) >= 30
        assert [p.email for p in pupils if not p.check_password(demo.DEMO_PASSWORD)] == []
        pending = db.session.scalars(
            sa.select(Invitation.email).where(
                Invitation.user_id.in_([p.id for p in pupils]), Invitation.accepted_at.is_(None)
            )
        ).all()
        assert pending == []
        second = next(p for p in pupils if p.email != demo.DEMO_PUPIL_EMAIL)
    # and a second pupil can really sign in
    response = app.test_client().post(
        "/login", data={"email": second.email, "password": demo.DEMO_PASSWORD}
    )
    assert response.status_code == 302


def test_the_readme_names_a_pupil_and_a_mentor_who_share_a_room(app, loaded_with_pupils):
    import pathlib
    import re

    import sqlalchemy as sa

    from mentorhub.accounts.models import User
    from mentorhub.rooms.models import Room, RoomMember

    readme = (pathlib.Path(__file__).resolve().parents[2] / "README.md").read_text()
    # given the README's line naming Alva's knowledge mentor
    [mentor_email] = re.findall(
        r"Alva's knowledge mentor[^|]*\| ([\w.]+@ekbacka\.example\.se)", readme
    )
    assert demo.DEMO_PUPIL_EMAIL in readme
    # and `make run` prints the same pair
    assert mentor_email == demo.email_for(demo.DEMO_PUPIL_MENTOR)
    with app.app_context():
        mentor = db.session.scalars(sa.select(User).where(User.email == mentor_email)).one()
        alva = db.session.scalars(sa.select(User).where(User.email == demo.DEMO_PUPIL_EMAIL)).one()
        # then that mentor runs a room Alva is in
        shared = db.session.scalar(
            sa.select(Room.id)
            .join(RoomMember, RoomMember.room_id == Room.id)
            .where(Room.mentor_id == mentor.id, RoomMember.user_id == alva.id)
        )
        assert mentor.name in readme and shared is not None


def test_no_meetings_are_held_in_the_autumn_or_christmas_break(app, loaded_with_pupils):
    from datetime import timedelta

    import sqlalchemy as sa

    from mentorhub.demo.meetings import christmas_break
    from mentorhub.meetings import recurrence
    from mentorhub.meetings.models import Meeting

    with app.app_context():
        meetings = db.session.scalars(sa.select(Meeting)).all()
    days = [(recurrence.to_local(m.starts_at).date(), m.cancelled_at) for m in meetings]
    held = [day for day, cancelled in days if cancelled is None]
    # the weekly series does run across both breaks, so the check is not empty
    assert any(day.isocalendar()[1] == 44 for day, _c in days)
    assert not [day for day in held if day.isocalendar()[1] == 44]
    for year in {day.year for day in held}:
        for y in (year - 1, year):
            first, last = christmas_break(y)
            assert (first.weekday(), last.weekday()) == (0, 6)
            assert first <= date(y, 12, 24) and last >= date(y + 1, 1, 1)
            assert last - first <= timedelta(days=20)
            assert not [day for day in held if first <= day <= last]


def test_the_favicon_is_served_and_linked_from_every_page(client):
    assert client.get("/static/img/favicon.svg").status_code == 200
    assert 'rel="icon"' in client.get("/login").get_data(as_text=True)


def test_attempts_and_level_changes_are_spread_over_the_term(app, loaded_with_pupils):
    import sqlalchemy as sa

    from mentorhub.problems.models import Attempt, LevelChange

    with app.app_context():
        attempt_days = {a.date() for a in db.session.scalars(sa.select(Attempt.created_at))}
        level_days = {c.date() for c in db.session.scalars(sa.select(LevelChange.created_at))}
    # "Nivå över tid" shows real dates: the history spans many days, not the day of loading
    assert len(attempt_days) >= 5 and len(level_days) >= 3
    assert min(attempt_days) < date.today() - timedelta(days=28)
