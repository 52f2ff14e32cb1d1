"""Invitations: one single-use, expiring mechanism for everyone who gets an account."""

from datetime import timedelta

import sqlalchemy as sa

from mentorhub.accounts import services
from mentorhub.accounts.models import Invitation, Role, User
from mentorhub.audit import AuditEntry
from mentorhub.errors import DomainError
from mentorhub.extensions import db
from mentorhub.timeutil import utcnow
from tests.conftest import CONFIRMED, link_in


def _invite(client, **fields):
    data = {"email": "ny.larare@example.se", "name": "Ny Lärare", "roles": ["mentor"]}
    data.update(fields)
    return client.post("/programme/staff/invite", data=data)


def test_coordinator_invites_staff_with_two_roles_and_a_mail_is_sent(
    client, coordinator, login_as, make_school, outbox
):
    # given
    school = make_school("Lindåsskolan")
    login_as(coordinator)
    # when
    response = _invite(
        client,
        email="Fatima.Ali@Example.se",
        roles=["home_teacher", "special_educator"],
        school_id=school.id,
    )
    # then
    assert response.status_code == 302
    [mail] = outbox()
    assert mail.recipient == "fatima.ali@example.se"
    assert "/invitations/" in mail.body
    assert mail.subject == "Du är inbjuden till MentorHub"


def test_invited_person_accepts_sets_name_and_password_and_is_signed_in(
    client, coordinator, login_as, outbox, app
):
    login_as(coordinator)
    _invite(client, roles=["home_teacher", "special_educator"])
    client.post("/logout")
    link = link_in(outbox()[0].body)
    # when
    response = client.post(
        link,
        data={"name": "Fatima Ali", "password": "ett-bra-losenord", "confirm": "ett-bra-losenord"},
    )
    # then
    assert response.status_code == 302
    assert "Fatima Ali" in client.get("/").get_data(as_text=True)
    with app.app_context():
        user = db.session.scalars(sa.select(User).where(User.email == "ny.larare@example.se")).one()
        assert user.roles == {Role.HOME_TEACHER, Role.SPECIAL_EDUCATOR}


def test_an_invitation_link_works_only_once(client, coordinator, login_as, outbox):
    login_as(coordinator)
    _invite(client)
    client.post("/logout")
    link = link_in(outbox()[0].body)
    form = {"name": "A", "password": "ett-bra-losenord", "confirm": "ett-bra-losenord"}
    assert client.post(link, data=form).status_code == 302
    client.post("/logout")
    # when the same link is used again
    again = client.get(link)
    # then it is refused with a clear message
    assert again.status_code == 410
    assert "redan använts" in again.get_data(as_text=True)


def test_an_expired_invitation_is_refused(client, coordinator, login_as, outbox, app):
    login_as(coordinator)
    _invite(client)
    client.post("/logout")
    with app.app_context():
        db.session.execute(sa.update(Invitation).values(expires_at=utcnow() - timedelta(minutes=1)))
        db.session.commit()
    response = client.get(link_in(outbox()[0].body))
    assert response.status_code == 410
    assert "har gått ut" in response.get_data(as_text=True)


def test_invitation_expires_after_seven_days_by_default(ctx, coordinator):
    invitation, _token = services.invite(
        coordinator, email="a@example.se", name="", roles=[Role.MENTOR], school_id=None
    )
    assert abs(invitation.expires_at - (utcnow() + timedelta(days=7))) < timedelta(minutes=1)


def test_a_duplicate_email_gets_a_field_error_and_the_typed_values_are_kept(
    client, coordinator, login_as, mentor, outbox
):
    login_as(coordinator)
    # when inviting an address that already has an account
    response = _invite(client, email=mentor.email, name="Någon Annan")
    # then
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "redan ett konto" in page
    assert 'value="Någon Annan"' in page
    assert outbox() == []


def test_a_second_open_invitation_to_the_same_email_is_refused(ctx, coordinator):
    services.invite(coordinator, email="a@example.se", name="", roles=[Role.MENTOR], school_id=None)
    try:
        services.invite(
            coordinator, email="A@example.se ", name="", roles=[Role.MENTOR], school_id=None
        )
    except DomainError as error:
        assert error.field == "email"
    else:
        raise AssertionError("a second open invitation was accepted")


def test_a_too_short_password_is_refused_and_the_name_kept(client, coordinator, login_as, outbox):
    login_as(coordinator)
    _invite(client)
    client.post("/logout")
    response = client.post(
        link_in(outbox()[0].body), data={"name": "Fatima", "password": "kort", "confirm": "kort"}
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "minst 10 tecken" in page
    assert 'value="Fatima"' in page


def test_a_withdrawn_invitation_cannot_be_used(client, coordinator, login_as, outbox, app):
    login_as(coordinator)
    _invite(client)
    with app.app_context():
        invitation_id = db.session.scalar(sa.select(Invitation.id))
    client.post(f"/programme/invitations/{invitation_id}/revoke", data=CONFIRMED)
    client.post("/logout")
    assert client.get(link_in(outbox()[0].body)).status_code == 410


def test_invitation_and_acceptance_are_in_the_audit_log(client, coordinator, login_as, outbox, app):
    login_as(coordinator)
    _invite(client)
    client.post("/logout")
    form = {"name": "A", "password": "ett-bra-losenord", "confirm": "ett-bra-losenord"}
    client.post(link_in(outbox()[0].body), data=form)
    with app.app_context():
        actions = set(db.session.scalars(sa.select(AuditEntry.action)))
    assert {"invitation.create", "invitation.accept"} <= actions


def test_there_is_no_self_registration(client):
    assert client.get("/register").status_code == 404
    assert client.get("/signup").status_code == 404


def test_open_invitations_leave_out_people_who_already_have_an_account(ctx, coordinator):
    # given two open invitations, one to an address that has an account by another road
    services.invite(
        coordinator, email="ny@example.se", name="", roles=[Role.MENTOR], school_id=None
    )
    services.invite(
        coordinator, email="har@example.se", name="", roles=[Role.MENTOR], school_id=None
    )
    services.create_user(
        email="har@example.se", name="Har Konto", password="ett-langt-losenord", roles=[Role.MENTOR]
    )
    # when the staff page lists what is still waiting
    waiting = [i.email for i in services.open_invitations()]
    # then only the person without an account is listed
    assert waiting == ["ny@example.se"]
