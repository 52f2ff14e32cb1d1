"""The staff page of a pupil, its printed summary and the pupil's own progress page (journey 8):
who may open them, that every view and print is audited, and what each leaves out."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from mentorhub.audit import AuditEntry
from mentorhub.extensions import db
from mentorhub.goals.models import BuildUpSummary
from mentorhub.pupils.models import PupilLevel, PupilProfile
from tests.integration import progress_data as data
from tests.integration.test_review import sv, troubled_alva  # noqa: F401  (fixtures)


@pytest.fixture
def alva_record(app, troubled_alva, programme):  # noqa: F811
    """Alva's whole record: profile, level, goals, a summary, one open and one closed concern."""
    alva = troubled_alva["alva"].id
    with app.app_context():
        db.session.get(PupilProfile, alva).strengths = "Ser mönster snabbt"
        db.session.add(PupilLevel(pupil_id=alva, subject_area_id=programme["areas"][0], level=2))
        db.session.add(
            BuildUpSummary(
                pupil_id=alva,
                mentor_id=troubled_alva["mentor"].id,
                body="Bygga vidare på att skriva fullständiga lösningar.",
            )
        )
        data.concern(alva, "Stängd oro om läxor", status="closed")
        db.session.commit()
    return troubled_alva


def _audits(app, action: str) -> list[AuditEntry]:
    with app.app_context():
        return db.session.scalars(sa.select(AuditEntry).where(AuditEntry.action == action)).all()


def test_the_pupil_page_shows_the_whole_record_and_is_audited_each_time(
    app,
    client,
    login_as,
    alva_record,
    sv,  # noqa: F811
):
    alva = alva_record["alva"]
    login_as(alva_record["special_educator"])
    for _ in range(2):
        response = client.get(f"/progress/pupils/{alva.id}")
        assert response.status_code == 200
    page = response.get_data(as_text=True)
    for text in (
        "Alva Lindgren",
        "8B",
        "Ser mönster snabbt",
        "Anna Bergström",  # her mentor
        "Planera veckan",
        "Bygga vidare på att skriva fullständiga lösningar.",
        "Verkar stressad inför proven",
        sv("Level lowered %(count)d times in the last 12 months", count=2),
        f"/concerns/pupils/{alva.id}/new",
        f"/goals/pupils/{alva.id}/new",
    ):
        assert text in page, text
    assert page.count('role="img"') == 2  # the activity and level charts
    assert "style=" not in page
    entries = _audits(app, "pupil.view")
    assert len(entries) == 2
    assert {e.person_id for e in entries} == {alva.id}


def test_the_print_has_no_concerns_and_is_audited_each_time(
    app,
    client,
    login_as,
    alva_record,
    sv,  # noqa: F811
):
    alva = alva_record["alva"]
    login_as(alva_record["home_teacher"])
    for _ in range(2):
        response = client.get(f"/progress/pupils/{alva.id}/print")
        assert response.status_code == 200
    page = response.get_data(as_text=True)
    for text in (
        "Ser mönster snabbt",
        "Planera veckan",
        "Bygga vidare på att skriva fullständiga lösningar.",
        "Eva Johansson",  # who printed
        "js/print.js",
    ):
        assert text in page, text
    main = page[page.index("<main") : page.index("</main>")]  # the menu may link to concerns
    for text in ("Verkar stressad", "Stängd oro", sv("Concerns"), "/concerns/"):
        assert text not in main, text
    assert len(_audits(app, "pupil.print")) == 2


@pytest.mark.parametrize("who", ["alva", "noah", "unlinked_teacher", "other_mentor", "coordinator"])
@pytest.mark.parametrize("suffix", ["", "/print"])
def test_pupils_and_staff_not_around_the_pupil_get_403(
    app, client, login_as, alva_record, who, suffix
):
    login_as(alva_record[who])
    response = client.get(f"/progress/pupils/{alva_record['alva'].id}{suffix}")
    assert response.status_code == 403
    assert _audits(app, "pupil.view") == [] and _audits(app, "pupil.print") == []


def test_the_pupil_sees_encouraging_progress_and_never_flags_or_concerns(
    client,
    login_as,
    alva_record,
    sv,  # noqa: F811
):
    login_as(alva_record["alva"])
    response = client.get("/progress/mine")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "Du har löst 1 uppgift – 1 av dem på nivå 3!" in page
    assert "Planera veckan" in page
    assert "Bygga vidare på att skriva fullständiga lösningar." in page
    assert (
        sv(
            "You have taken part in %(attended)d of %(meetings)d meetings. Good to have you there!",
            attended=1,
            meetings=4,
        )
        in page
    )
    for text in (
        "Verkar stressad",
        "Stängd oro",
        sv("Level lowered %(count)d times in the last 12 months", count=2),
        sv("Attended %(attended)d of the %(meetings)d latest meetings", attended=1, meetings=4),
        sv("Early-warning flags"),
        sv("Concerns"),
    ):
        assert text not in page, text


@pytest.mark.parametrize("who", ["mentor", "home_teacher", "coordinator"])
def test_only_pupils_have_an_own_progress_page(client, login_as, care_team, who):
    login_as(care_team[who])
    assert client.get("/progress/mine").status_code == 403


def _a_longer_record(app, care_team, programme, n: int) -> None:
    """`n` more of every kind of fact the pupil page lists for Alva: meetings with her
    attendance, goals with check-ins and status notes, attempts, messages, level changes,
    concerns."""
    from mentorhub.goals.models import GoalEvent

    alva, room_id, area = care_team["alva"].id, care_team["id"], programme["areas"][0]
    with app.app_context():
        data.attendance(data.meetings(room_id, n), alva, ["present"] * n)
        post = data.problem_post(room_id, care_team["mentor"].id, area, alva, 2)
        for k in range(n):
            goal_id = data.goal(alva, f"Mål {k}", 10 + k, [(k + 1, 3), (k + 2, 4)])
            db.session.add(GoalEvent(goal_id=goal_id, kind="status", body=f"Not {k}"))
            data.attempt(post, alva, 2, "solved" if k % 2 else "not_yet", k + 1)
            data.message(room_id, alva, k + 1)
            data.level_change(alva, area, 2, 3, k + 1)
            data.concern(alva, f"Oro {k}")
        db.session.commit()


def test_the_pupil_page_runs_as_many_queries_however_long_the_record(
    app,
    client,
    login_as,
    troubled_alva,  # noqa: F811
    programme,
    count_queries,
):
    # given Alva's page, read by her special-needs educator
    url = f"/progress/pupils/{troubled_alva['alva'].id}"
    login_as(troubled_alva["special_educator"])
    client.get(url)  # warm up: the session's first request loads more
    counts = []
    for more in (1, 8):
        # when her record grows by more goals, attempts, meetings, messages and concerns
        _a_longer_record(app, troubled_alva, programme, more)
        with count_queries() as statements:
            response = client.get(url)
        assert response.status_code == 200
        assert "Mål 0" in response.get_data(as_text=True)
        counts.append(len(statements))
    # then the page still runs the same number of queries (one loader per kind of fact)
    assert counts[0] == counts[1], counts
    assert counts[1] <= 30, counts  # the review row (flags) is a dozen of them
