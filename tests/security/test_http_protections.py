"""CSRF on every state change, security headers, cookie flags, rate limits and error pages."""

import re

import pytest

from mentorhub.accounts.models import Role
from tests.conftest import PASSWORD

STATE_CHANGING = [
    ("/login", {"email": "a@example.se", "password": "x"}),
    ("/logout", {}),
    ("/language", {"locale": "en"}),
    ("/password/forgot", {"email": "a@example.se"}),
    ("/programme/schools/new", {"name": "Skola", "kind": "compulsory"}),
    ("/programme/staff/invite", {"email": "a@example.se", "roles": ["mentor"]}),
]


@pytest.mark.parametrize(("path", "data"), STATE_CHANGING)
def test_a_post_without_csrf_token_is_refused(app, coordinator, path, data, csrf_enabled):
    client = app.test_client()
    # sign in with a real token first, so the refusal below is about CSRF, not access
    page = client.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    client.post(
        "/login", data={"email": coordinator.email, "password": PASSWORD, "csrf_token": token}
    )
    response = client.post(path, data=data)
    assert response.status_code == 400
    assert "Formuläret hade gått ut" in response.get_data(as_text=True)


def test_every_form_carries_a_csrf_token(client, coordinator, login_as, csrf_enabled):
    login_as_token = client.get("/login").get_data(as_text=True)
    assert 'name="csrf_token"' in login_as_token


def test_pages_send_the_security_headers(client):
    response = client.get("/login")
    csp = response.headers["Content-Security-Policy"]
    assert (
        "script-src 'self'" in csp
        and "unsafe-inline" not in csp.split("script-src")[1].split(";")[0]
    )
    assert "frame-ancestors 'none'" in csp
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"


def test_no_page_has_inline_script(client, coordinator, login_as):
    login_as(coordinator)
    for path in ("/", "/programme/", "/programme/staff", "/programme/terms/new", "/privacy/audit"):
        html = client.get(path).get_data(as_text=True)
        assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html), path
        assert not re.search(r"\son[a-z]+=", html), path


def test_session_cookie_is_httponly_and_samesite_lax(client, mentor):
    response = client.post("/login", data={"email": mentor.email, "password": PASSWORD})
    cookie = next(c for c in response.headers.getlist("Set-Cookie") if c.startswith("session="))
    assert "HttpOnly" in cookie
    assert "SameSite=Lax" in cookie


def test_session_cookie_is_secure_when_configured_for_tls():
    from mentorhub import config

    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("MENTORHUB_TLS", "1")
        mp.setenv("SECRET_KEY", "x")
        settings = config.load()
    assert settings["SESSION_COOKIE_SECURE"] is True
    assert settings["REMEMBER_COOKIE_SECURE"] is True


def test_login_is_rate_limited(client, mentor):
    for _ in range(10):
        client.post("/login", data={"email": mentor.email, "password": "wrong-password"})
    response = client.post("/login", data={"email": mentor.email, "password": PASSWORD})
    assert response.status_code == 429
    assert "För många försök" in response.get_data(as_text=True)


def test_404_page_uses_the_layout_in_swedish(client):
    response = client.get("/finns-inte")
    page = response.get_data(as_text=True)
    assert response.status_code == 404
    assert 'href="#main"' in page and "Sidan hittades inte" in page


def test_403_page_uses_the_layout(client, make_user, login_as):
    login_as(make_user(Role.PUPIL))
    response = client.get("/programme/")
    assert response.status_code == 403
    assert 'id="main"' in response.get_data(as_text=True)


def test_500_page_uses_the_layout_and_stores_nothing(app, client, monkeypatch, outbox):
    # given a view that stores something and then fails
    from mentorhub import mail

    def half_done_then_boom():
        mail.send("x@example.se", "half", "done")
        raise RuntimeError("boom")

    monkeypatch.setitem(app.view_functions, "accounts.forgot_password", half_done_then_boom)
    monkeypatch.setitem(app.config, "PROPAGATE_EXCEPTIONS", False)
    # when
    response = client.get("/password/forgot")
    # then the error page is in the layout and nothing half-done was kept
    assert response.status_code == 500
    assert 'id="main"' in response.get_data(as_text=True)
    assert outbox() == []


def test_an_image_upload_without_a_csrf_token_is_answered_in_json(app, room, csrf_enabled):
    from tests.conftest import login

    client = app.test_client()
    login(client, room["alva"])  # the login form is refused without a token too, so:
    app.config["WTF_CSRF_ENABLED"] = False
    login(client, room["alva"])
    app.config["WTF_CSRF_ENABLED"] = True
    response = client.post(f"/rooms/{room['id']}/images", data={"client_id": "no-token-1"})
    assert response.status_code == 400
    assert response.json["ok"] is False and response.json["error"] == "csrf"
    assert response.json["message"]
