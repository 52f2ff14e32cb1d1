"""The access log by pupil, by staff member and by dates, on the page and as CSV."""

from __future__ import annotations

import csv
import io
from datetime import date, timedelta

import sqlalchemy as sa

from mentorhub.accounts.models import Role
from mentorhub.audit import AuditEntry
from mentorhub.extensions import db
from tests.integration.demo_region import coordinator, the_pupil


def test_the_coordinator_sees_who_looked_at_a_pupil_and_downloads_it(app, region, login_demo):
    # given Alva's page read by her home teacher
    with app.app_context():
        alva, boss = the_pupil(), coordinator()
        from mentorhub.accounts.models import User
        from mentorhub.pupils.models import StaffLink

        teacher = db.session.scalars(
            sa.select(User)
            .join(StaffLink, StaffLink.staff_id == User.id)
            .where(StaffLink.pupil_id == alva.id)
        ).first()
    from mentorhub import demo
    from tests.conftest import login

    reader = app.test_client()
    login(reader, teacher, demo.DEMO_PASSWORD)
    assert reader.get(f"/progress/pupils/{alva.id}").status_code == 200
    client = login_demo(boss)
    # when the coordinator follows the pupil page's link to the filtered log
    page = client.get(f"/privacy/pupils/{alva.id}").get_data(as_text=True)
    assert f"/privacy/pupils/access-log?pupil={alva.id}" in page
    listed = client.get(f"/privacy/pupils/access-log?pupil={alva.id}&staff={teacher.id}")
    # then the teacher's read is there, and only entries about Alva by that teacher
    html = listed.get_data(as_text=True)
    assert teacher.name in html
    csv_answer = client.get(
        f"/privacy/pupils/access-log?pupil={alva.id}&staff={teacher.id}&format=csv"
    )
    text = csv_answer.get_data().decode("utf-8")
    assert text.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(text[1:]), delimiter=";"))
    assert len(rows) >= 2 and all(r[1] == teacher.name for r in rows[1:])
    assert all(r[3] == alva.name for r in rows[1:])
    with app.app_context():
        logged = db.session.scalars(
            sa.select(AuditEntry).where(
                AuditEntry.action == "access_log.view", AuditEntry.person_id == alva.id
            )
        ).all()
    assert logged


def test_dates_narrow_the_list_and_a_bad_date_says_how_to_write_it(app, region, login_demo):
    with app.app_context():
        boss = coordinator()
    client = login_demo(boss)
    tomorrow = (date.today() + timedelta(days=2)).isoformat()
    later = client.get(f"/privacy/pupils/access-log?since={tomorrow}&format=csv")
    assert len(later.get_data().decode("utf-8").strip().splitlines()) == 1  # header only
    bad = client.get("/privacy/pupils/access-log?since=igår").get_data(as_text=True)
    assert "ÅÅÅÅ-MM-DD" in bad or "YYYY-MM-DD" in bad


def test_only_the_coordinator_reads_the_access_log(app, region, make_user, login_as):
    for role in (Role.MENTOR, Role.HOME_TEACHER, Role.SPECIAL_EDUCATOR, Role.PUPIL):
        client = login_as(make_user(role))
        assert client.get("/privacy/pupils/access-log").status_code == 403
        client.post("/logout")
