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
