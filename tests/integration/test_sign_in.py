"""Signing in and out, deactivation and the neutral error message."""

import pytest

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


def test_a_signed_in_page_is_not_cached_and_costs_the_user_one_statement(
    client, mentor, count_queries
):
    # given a signed-in mentor
    login(client, mentor)
    client.get("/")
    # when they open a page
    with count_queries() as statements:
        response = client.get("/")
    # then the page is not kept by the browser, and the mentor was read with their roles in one
    # statement (not a second for the roles, nor both again after the request's commit)
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    flat = [" ".join(s.split()) for s in statements]
    assert sum("FROM users LEFT OUTER JOIN user_roles" in s for s in flat) == 1, flat
    assert not [s for s in flat if "FROM user_roles" in s], flat
    # and once signed out, the sign-in page carries no such header
    client.post("/logout")
    assert "Cache-Control" not in client.get("/login").headers
