"""Journey 1 through the service and view layer: schools, subject areas, terms and staff."""

import sqlalchemy as sa

from mentorhub.accounts.models import Role, User
from mentorhub.audit import AuditEntry
from mentorhub.extensions import db
from mentorhub.programme.models import School, SubjectArea, Term
from tests.conftest import CONFIRMED


def _count(app, model) -> int:
    with app.app_context():
        return db.session.scalar(sa.select(sa.func.count()).select_from(model))


def test_coordinator_creates_and_edits_a_school(client, coordinator, login_as, app):
    login_as(coordinator)
    response = client.post(
        "/programme/schools/new",
        data={"name": "Tallbackens skola", "kind": "compulsory", "municipality": "Ekbacka kommun"},
    )
    assert response.status_code == 302
    with app.app_context():
        school = db.session.scalars(sa.select(School)).one()
    client.post(
        f"/programme/schools/{school.id}/edit",
        data={"name": "Tallbackens skola", "kind": "study_centre", "municipality": "Ekbacka"},
    )
    with app.app_context():
        school = db.session.get(School, school.id)
        assert (school.kind, school.municipality, school.active) == (
            "study_centre",
            "Ekbacka",
            False,
        )
    assert "Tallbackens skola" in client.get("/programme/schools").get_data(as_text=True)


def test_a_school_name_must_be_unique(client, coordinator, login_as, make_school, app):
    make_school("Sjöviksskolan")
    login_as(coordinator)
    response = client.post(
        "/programme/schools/new", data={"name": "sjöviksskolan", "kind": "compulsory"}
    )
    assert response.status_code == 422
    assert "finns redan en skola" in response.get_data(as_text=True)
    assert _count(app, School) == 1


def test_coordinator_creates_subject_areas(client, coordinator, login_as, app):
    login_as(coordinator)
    for name in ("Matematik och naturvetenskap", "Samhällsorienterande ämnen", "Språk"):
        response = client.post(
            "/programme/subject-areas/new",
            data={"name": name, "description": "Utmaningar", "active": "y"},
        )
        assert response.status_code == 302
    assert _count(app, SubjectArea) == 3
    assert "Språk" in client.get("/programme/subject-areas").get_data(as_text=True)


def test_coordinator_creates_a_term(client, coordinator, login_as, app):
    login_as(coordinator)
    response = client.post(
        "/programme/terms/new",
        data={"name": "Vårterminen 2027", "starts_on": "2027-01-11", "ends_on": "2027-06-11"},
    )
    assert response.status_code == 302
    with app.app_context():
        term = db.session.scalars(sa.select(Term)).one()
        assert (term.starts_on.isoformat(), term.ends_on.isoformat()) == (
            "2027-01-11",
            "2027-06-11",
        )


def test_a_term_ending_before_it_starts_is_refused_and_the_typed_values_kept(
    client, coordinator, login_as, app
):
    login_as(coordinator)
    response = client.post(
        "/programme/terms/new",
        data={"name": "Fel termin", "starts_on": "2027-06-11", "ends_on": "2027-01-11"},
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "sluta efter att den har börjat" in page
    assert 'value="Fel termin"' in page and 'value="2027-06-11"' in page
    assert _count(app, Term) == 0


def test_a_malformed_date_gets_a_message_in_swedish(client, coordinator, login_as):
    login_as(coordinator)
    response = client.post(
        "/programme/terms/new", data={"name": "X", "starts_on": "igår", "ends_on": "2027-01-11"}
    )
    assert response.status_code == 422
    assert "2026-08-17" in response.get_data(as_text=True)  # the example date in the message


def test_coordinator_sees_staff_and_deactivates_one(client, coordinator, login_as, make_user, app):
    teacher = make_user(Role.HOME_TEACHER, name="Lars Eriksson")
    login_as(coordinator)
    assert "Lars Eriksson" in client.get("/programme/staff").get_data(as_text=True)
    response = client.post(f"/programme/staff/{teacher.id}/deactivate", data=CONFIRMED)
    assert response.status_code == 302
    with app.app_context():
        assert db.session.get(User, teacher.id).active is False
        entry = db.session.scalars(
            sa.select(AuditEntry).where(AuditEntry.action == "user.deactivate")
        ).one()
        assert (entry.actor_id, entry.person_id) == (coordinator.id, teacher.id)


def test_deactivation_ends_the_persons_open_session_at_once(
    app, client, coordinator, login_as, make_user
):
    teacher = make_user(Role.HOME_TEACHER)
    teacher_client = app.test_client()
    teacher_client.post(
        "/login", data={"email": teacher.email, "password": "correct-horse-battery"}
    )
    assert teacher_client.get("/").status_code == 200
    # when the coordinator deactivates them
    login_as(coordinator)
    client.post(f"/programme/staff/{teacher.id}/deactivate", data=CONFIRMED)
    # then their next request is sent to sign in
    assert teacher_client.get("/").status_code == 302


def test_a_reactivated_person_can_sign_in_again(client, coordinator, login_as, make_user, app):
    teacher = make_user(Role.HOME_TEACHER, active=False)
    login_as(coordinator)
    client.post(f"/programme/staff/{teacher.id}/reactivate")
    client.post("/logout")
    other = app.test_client()
    response = other.post(
        "/login", data={"email": teacher.email, "password": "correct-horse-battery"}
    )
    assert response.status_code == 302


def test_coordinator_cannot_deactivate_themself(client, coordinator, login_as):
    login_as(coordinator)
    assert client.post(f"/programme/staff/{coordinator.id}/deactivate").status_code == 403


def test_unknown_objects_answer_404(client, coordinator, login_as):
    login_as(coordinator)
    assert client.get("/programme/schools/9999/edit").status_code == 404
    assert client.post("/programme/staff/9999/deactivate").status_code == 404


def test_the_audit_log_can_be_filtered_by_person(client, coordinator, login_as, make_user):
    first = make_user(Role.HOME_TEACHER, name="Första Person")
    second = make_user(Role.HOME_TEACHER, name="Andra Person")
    login_as(coordinator)
    client.post(f"/programme/staff/{first.id}/deactivate", data=CONFIRMED)
    client.post(f"/programme/staff/{second.id}/deactivate", data=CONFIRMED)
    page = client.get(f"/privacy/audit?person={first.id}").get_data(as_text=True)
    rows = page.split("<tbody>")[1]
    assert "Första Person" in rows
    assert "Andra Person" not in rows
