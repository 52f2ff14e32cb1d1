"""The Swedish demo data: what `make run` loads, loadable twice, every printed login works."""

from datetime import date

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
    from mentorhub.progress import review

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
