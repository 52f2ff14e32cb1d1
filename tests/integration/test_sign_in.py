"""Signing in and out, deactivation and the neutral error message."""

import pytest
import sqlalchemy as sa

from mentorhub.accounts.models import Role
from tests.conftest import PASSWORD, login


def test_staff_member_signs_in_and_lands_on_start_page(client, mentor):
    # when
    response = login(client, mentor)
    # then
    assert response.status_code == 302
    page = client.get("/").get_data(as_text=True)
    assert "Anna Bergström" in page


def test_wrong_password_and_unknown_email_get_the_same_neutral_message(client, mentor):
    wrong_password = client.post("/login", data={"email": mentor.email, "password": "nope-nope-1"})
    unknown_email = client.post("/login", data={"email": "x@example.se", "password": PASSWORD})
    assert wrong_password.status_code == unknown_email.status_code == 422
    assert "Fel e-postadress eller lösenord." in wrong_password.get_data(as_text=True)
    assert "Fel e-postadress eller lösenord." in unknown_email.get_data(as_text=True)


def test_login_keeps_the_typed_email_after_a_failure(client, mentor):
    response = client.post("/login", data={"email": mentor.email, "password": "wrong-wrong"})
    assert f'value="{mentor.email}"' in response.get_data(as_text=True)


def test_deactivated_user_cannot_sign_in(client, make_user):
    user = make_user(Role.HOME_TEACHER, active=False)
    response = login(client, user)
    assert response.status_code == 422
    assert "Fel e-postadress eller lösenord." in response.get_data(as_text=True)


def test_anonymous_visitor_is_sent_to_login(client):
    response = client.get("/")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login")


def test_sign_out_ends_the_session(client, mentor, login_as):
    login_as(mentor)
    client.post("/logout")
    assert client.get("/").status_code == 302


@pytest.mark.parametrize("target", ["//evil.example/x", "/\\evil.example/x"])
def test_login_redirect_never_leaves_the_site(client, mentor, target):
    response = client.post(
        "/login",
        data={"email": mentor.email, "password": PASSWORD, "next": target},
    )
    assert response.headers["Location"] == "/"


def test_a_signed_in_request_loads_its_user_roles_and_sign_in_once(
    client, mentor, login_as, count_queries
):
    # given a mentor who is signed in
    login_as(mentor)
    # when they open the start page, whose request ends in a commit
    with count_queries() as statements:
        response = client.get("/")
    # then who they are (user, roles, live sign-in) is one statement, read before the commit
    # and not again after it
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    user_loads = [s for s in statements if "FROM users" in s]
    assert len(user_loads) == 1
    assert "login_sessions" in user_loads[0] and "user_roles" in user_loads[0]
    assert not [s for s in statements if s.lstrip().startswith("SELECT user_roles")]
    # and once signed out, the sign-in page carries no such header
    client.post("/logout")
    assert "Cache-Control" not in client.get("/login").headers


def test_a_request_with_an_ended_sign_in_is_treated_as_signed_out(client, mentor, login_as):
    # given a mentor signed in, whose sign-in is then ended on the server
    login_as(mentor)
    from mentorhub.accounts.models import LoginSession
    from mentorhub.extensions import db
    from mentorhub.timeutil import utcnow

    with client.application.app_context():
        db.session.execute(
            sa.update(LoginSession)
            .where(LoginSession.user_id == mentor.id)
            .values(ended_at=utcnow())
        )
        db.session.commit()
    # when they open the start page with the same cookie
    response = client.get("/")
    # then they are sent to sign in
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login")
