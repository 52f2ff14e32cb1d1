"""The register extract: the coordinator downloads everything held about one pupil as a ZIP of
JSON files and a Swedish summary; every row that refers to the pupil is in it; it is logged."""

from __future__ import annotations

import io
import json
import zipfile

import sqlalchemy as sa

from mentorhub.accounts.models import Role
from mentorhub.audit import AuditEntry
from mentorhub.extensions import db
from mentorhub.privacy import records
from tests.integration.demo_region import coordinator, give_own_words, the_pupil


def download(client, pupil_id: int):
    page = client.get(f"/privacy/pupils/{pupil_id}").get_data(as_text=True)
    href = f"/privacy/pupils/{pupil_id}/export"
    assert href in page  # the link the coordinator clicks
    return client.get(href)


def test_the_extract_holds_every_row_that_refers_to_the_pupil(app, region, login_demo):
    with app.app_context():
        alva = the_pupil()
        give_own_words(alva)
        expected = {}
        for table, column in records.person_references():
            keys = [c.name for c in table.primary_key.columns]
            for row in db.session.execute(sa.select(table).where(column == alva.id)):
                expected.setdefault(table.name, set()).add(tuple(row._mapping[k] for k in keys))
        boss = coordinator()
    response = download(login_demo(boss), alva.id)
    assert response.status_code == 200
    assert response.mimetype == "application/zip"
    archive = zipfile.ZipFile(io.BytesIO(response.data))
    names = archive.namelist()
    assert "sammanfattning.html" in names
    with app.app_context():
        for table_name, wanted in expected.items():
            table = db.metadata.tables[table_name]
            keys = [c.name for c in table.primary_key.columns]
            rows = json.loads(archive.read(f"data/{table_name}.json"))["rows"]
            got = {tuple(r[k] for k in keys) for r in rows}
            assert wanted <= got, table_name


def test_the_extract_has_no_password_hash_and_a_swedish_summary(app, region, login_demo):
    with app.app_context():
        alva, boss = the_pupil(), coordinator()
        name = alva.name
    archive = zipfile.ZipFile(io.BytesIO(download(login_demo(boss), alva.id).data))
    user = json.loads(archive.read("data/users.json"))["rows"][0]
    assert "password_hash" not in user and user["name"] == name
    summary = archive.read("sammanfattning.html").decode("utf-8")
    assert f"Registerutdrag för {name}" in summary
    assert "Åtkomstlogg" in summary


def test_the_export_is_logged(app, region, login_demo):
    with app.app_context():
        alva, boss = the_pupil(), coordinator()
    download(login_demo(boss), alva.id)
    with app.app_context():
        entry = db.session.scalars(
            sa.select(AuditEntry).where(AuditEntry.action == "pupil.export")
        ).one()
        assert entry.person_id == alva.id and entry.actor_id == boss.id
        assert entry.details["counts"]["messages"] > 0


def test_staff_who_are_not_coordinators_cannot_export_or_erase(app, region, make_user, login_as):
    with app.app_context():
        alva = the_pupil()
    client = login_as(make_user(Role.MENTOR))
    for path in ("", "/export", "/erase"):
        assert client.get(f"/privacy/pupils/{alva.id}{path}").status_code == 403
    assert client.post(f"/privacy/pupils/{alva.id}/erase").status_code == 403


def test_the_coordinator_erases_after_a_confirmation_that_counts_what_will_go(
    app, region, login_demo
):
    from mentorhub.matching.models import Match

    with app.app_context():
        alva, boss = the_pupil(), coordinator()
        name = alva.name
    client = login_demo(boss)
    # with a mentor still: the page says to end the match first and offers no button
    page = client.get(f"/privacy/pupils/{alva.id}/erase").get_data(as_text=True)
    assert "Avsluta matchningen" in page or "End the match first" in page
    refused = client.post(f"/privacy/pupils/{alva.id}/erase")
    assert refused.status_code == 422
    with app.app_context():
        db.session.execute(sa.delete(Match).where(Match.pupil_id == alva.id))
        db.session.commit()
    page = client.get(f"/privacy/pupils/{alva.id}/erase").get_data(as_text=True)
    assert "Meddelanden som eleven skrev" in page or "Messages the pupil wrote" in page
    done = client.post(f"/privacy/pupils/{alva.id}/erase")
    assert done.status_code == 302
    with app.app_context():
        assert the_pupil_gone(name)
    assert client.get(f"/privacy/pupils/{alva.id}").status_code == 404


def the_pupil_gone(name: str) -> bool:
    from mentorhub.accounts.models import User

    return db.session.scalar(sa.select(sa.func.count(User.id)).where(User.name == name)) == 0
