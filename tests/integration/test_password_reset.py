"""Forgot password: a single-use, expiring link by mail, and a neutral answer either way."""

from datetime import timedelta

import sqlalchemy as sa

from mentorhub.accounts.models import PasswordReset
from mentorhub.extensions import db
from mentorhub.timeutil import utcnow
from tests.conftest import link_in

NEW = "ett-nytt-losenord"


def test_a_reset_link_is_mailed_and_sets_a_new_password(client, mentor, outbox):
    # when
    response = client.post("/password/forgot", data={"email": mentor.email})
    # then
    assert response.status_code == 302
    [mail] = outbox()
    assert mail.recipient == mentor.email
    link = link_in(mail.body)
    assert client.post(link, data={"password": NEW, "confirm": NEW}).status_code == 302
    signed_in = client.post("/login", data={"email": mentor.email, "password": NEW})
    assert signed_in.status_code == 302


def test_an_unknown_email_gets_the_same_answer_and_no_mail(client, outbox):
    response = client.post(
        "/password/forgot", data={"email": "okand@example.se"}, follow_redirects=True
    )
    assert "Om adressen hör till ett konto" in response.get_data(as_text=True)
    assert outbox() == []


def test_a_reset_link_works_once(client, mentor, outbox):
    client.post("/password/forgot", data={"email": mentor.email})
    link = link_in(outbox()[0].body)
    client.post(link, data={"password": NEW, "confirm": NEW})
    again = client.post(link, data={"password": "ett-annat-losen", "confirm": "ett-annat-losen"})
    assert again.status_code == 410


def test_an_expired_reset_link_is_refused(client, mentor, outbox, app):
    client.post("/password/forgot", data={"email": mentor.email})
    with app.app_context():
        db.session.execute(sa.update(PasswordReset).values(expires_at=utcnow() - timedelta(1)))
        db.session.commit()
    assert client.get(link_in(outbox()[0].body)).status_code == 410


def test_changing_the_password_ends_other_open_sessions(app, mentor, outbox, login_as, client):
    # given the mentor is signed in on another device
    other_device = app.test_client()
    other_device.post("/login", data={"email": mentor.email, "password": "correct-horse-battery"})
    assert other_device.get("/").status_code == 200
    # when they reset the password
    client.post("/password/forgot", data={"email": mentor.email})
    client.post(link_in(outbox()[0].body), data={"password": NEW, "confirm": NEW})
    # then the other device is signed out
    assert other_device.get("/").status_code == 302


def test_mismatched_passwords_are_refused_with_a_field_error(client, mentor, outbox):
    client.post("/password/forgot", data={"email": mentor.email})
    response = client.post(
        link_in(outbox()[0].body), data={"password": NEW, "confirm": "nagot-annat-1"}
    )
    assert response.status_code == 422
    assert "Lösenorden stämmer inte överens" in response.get_data(as_text=True)
