"""One way to handle a form, and audited reads in services (issue 12, point 3).

A refused form (invalid input, or a refusal from the service) answers its page with 422, which
the commit hook rolls back: nothing the action flushed is stored, and what was typed is kept. A
read that must be audited is a service function that checks, loads and records together.
"""

import pytest
import sqlalchemy as sa

from mentorhub.accounts.models import LoginSession, User
from mentorhub.audit import AuditEntry
from mentorhub.errors import Missing, Refused
from mentorhub.extensions import db
from mentorhub.nominations import services as nominations
from mentorhub.nominations.models import Nomination
from mentorhub.programme.models import School
from tests.conftest import PASSWORD


def _count(app, model, *where) -> int:
    with app.app_context():
        return db.session.scalar(sa.select(sa.func.count()).select_from(model).where(*where))


def _actions(app, action: str) -> int:
    return _count(app, AuditEntry, AuditEntry.action == action)


def test_a_refused_school_answers_422_stores_nothing_and_keeps_the_input(
    client, coordinator, login_as, make_school, app
):
    # given a school, and the coordinator creating another of the same name
    make_school("Sjöviksskolan")
    login_as(coordinator)
    response = client.post(
        "/programme/schools/new",
        data={"name": "sjöviksskolan", "kind": "compulsory", "municipality": "Ekbacka kommun"},
    )
    # then the form comes back with 422, the message and what was typed, and nothing is stored
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "finns redan en skola" in page
    assert 'value="Ekbacka kommun"' in page
    assert _count(app, School) == 1
    assert _actions(app, "school.create") == 0


def test_a_wrong_password_answers_422_and_records_no_sign_in(client, mentor, app):
    response = client.post("/login", data={"email": mentor.email, "password": "wrong-wrong"})
    assert response.status_code == 422
    assert f'value="{mentor.email}"' in response.get_data(as_text=True)
    assert _count(app, LoginSession) == 0
    assert _actions(app, "session.login") == 0


def test_a_right_password_records_the_sign_in_and_its_audit_entry(client, mentor, app):
    response = client.post("/login", data={"email": mentor.email, "password": PASSWORD})
    assert response.status_code == 302
    assert _count(app, LoginSession) == 1
    assert _actions(app, "session.login") == 1


def test_a_refused_nomination_edit_answers_422_and_changes_nothing(
    client, school_staff, login_as, make_nomination, programme, app
):
    # given a nomination, and its nominator sending the edit form without a pupil's name
    nomination_id = make_nomination()
    login_as(school_staff["home_teacher"])
    response = client.post(
        f"/nominations/{nomination_id}/edit",
        data={"pupil_name": "", "class_name": "9C", "year": "9", "profile": "general"},
    )
    assert response.status_code == 422
    assert 'value="9C"' in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.get(Nomination, nomination_id).class_name != "9C"
    assert _actions(app, "nomination.update") == 0


def test_reading_a_nomination_through_the_service_records_its_entry(
    app, coordinator, make_nomination, school_staff
):
    nomination_id = make_nomination()
    with app.test_request_context():
        reader = db.session.get(User, coordinator.id)
        nomination = nominations.read_nomination(reader, nomination_id)
        db.session.commit()
        assert nomination.id == nomination_id
    assert (
        _count(
            app,
            AuditEntry,
            AuditEntry.action == "nomination.view",
            AuditEntry.subject_id == nomination_id,
        )
        == 1
    )


def test_a_refused_or_missing_nomination_is_refused_before_anything_is_recorded(
    app, mentor, make_nomination, school_staff
):
    nomination_id = make_nomination()
    with app.test_request_context():
        reader = db.session.get(User, mentor.id)
        with pytest.raises(Refused):
            nominations.read_nomination(reader, nomination_id)
        with pytest.raises(Missing):
            nominations.read_nomination(reader, nomination_id + 1000)
        db.session.commit()
    assert _actions(app, "nomination.view") == 0


def test_the_app_answers_a_refused_read_403_and_a_missing_one_404(
    client, mentor, login_as, make_nomination, school_staff, coordinator
):
    nomination_id = make_nomination()
    login_as(coordinator)
    assert client.get(f"/nominations/{nomination_id + 1000}").status_code == 404
    client.post("/logout")
    login_as(mentor)
    assert client.get(f"/nominations/{nomination_id}").status_code == 403
