"""The coordinator's programme report: counts by school, year, profile and area, small numbers
hidden, every table as CSV for Swedish Excel, and nobody else sees it."""

from __future__ import annotations

import csv
import io

import pytest
import sqlalchemy as sa

from mentorhub import after_commit
from mentorhub.accounts.models import Role
from mentorhub.audit import AuditEntry
from mentorhub.extensions import db
from mentorhub.nominations.models import Nomination


@pytest.fixture
def nominated(app, make_nomination, make_school):
    """Pupils nominated this term: six at Björkängsskolan, seven at Sjöviksskolan and two at
    Lindåsskolan (a small school)."""
    schools = {"small": make_school("Lindåsskolan"), "large": make_school("Sjöviksskolan")}
    for n in range(6):
        make_nomination(pupil_name=f"Elev {n}", pupil_email=f"elev{n}@elev.example.se")
    for key, count in (("large", 7), ("small", 2)):
        ids = [
            make_nomination(pupil_name=f"{key} {n}", pupil_email=f"{key}{n}@elev.example.se")
            for n in range(count)
        ]
        with app.app_context():
            db.session.execute(
                sa.update(Nomination)
                .where(Nomination.id.in_(ids))
                .values(school_id=schools[key].id)
            )
            db.session.commit()
    return schools


def row_of(html: str, school: str) -> str:
    start = html.index(f'<th scope="row">{school}</th>')
    return html[start : html.index("</tr>", start)]


def test_the_coordinator_reaches_the_report_from_the_menu(coordinator, login_as, nominated):
    client = login_as(coordinator)
    start = client.get("/").get_data(as_text=True)
    assert 'href="/reports/"' in start
    page = client.get("/reports/").get_data(as_text=True)
    assert "Elever per skola" in page or "Pupils by school" in page


def test_a_school_with_fewer_than_five_pupils_shows_a_small_number(
    coordinator, login_as, nominated
):
    page = login_as(coordinator).get("/reports/").get_data(as_text=True)
    assert "<td>7</td>" in row_of(page, "Sjöviksskolan")
    small = row_of(page, "Lindåsskolan")
    assert "<td>&lt;5</td>" in small
    assert "<td>2</td>" not in small
    # the total is shown, so the next-smallest school is hidden: 15 - 7 - 6 would give 2
    assert "<td>15</td>" in row_of(page, "Totalt")
    assert row_of(page, "Björkängsskolan").startswith(
        '<th scope="row">Björkängsskolan</th><td>..</td>'
    )


def test_no_pupil_name_or_free_text_reaches_the_report(coordinator, login_as, nominated):
    page = login_as(coordinator).get("/reports/").get_data(as_text=True)
    assert "Elev 0" not in page and "small 0" not in page and "Schack" not in page


def test_reading_the_report_is_logged(app, coordinator, login_as, nominated):
    login_as(coordinator).get("/reports/")
    with app.app_context():
        actions = db.session.scalars(
            sa.select(AuditEntry.action).where(AuditEntry.actor_id == coordinator.id)
        ).all()
    assert "report.view" in actions


@pytest.mark.parametrize(
    "role", [Role.MENTOR, Role.HOME_TEACHER, Role.SPECIAL_EDUCATOR, Role.PUPIL]
)
def test_nobody_but_the_coordinator_sees_a_report(make_user, login_as, nominated, role):
    client = login_as(make_user(role))
    assert client.get("/reports/").status_code == 403
    assert client.get("/reports/reach_school.csv").status_code == 403
    assert 'href="/reports/"' not in client.get("/").get_data(as_text=True)


def test_a_table_downloads_as_csv_for_swedish_excel_with_the_same_suppression(
    app, coordinator, login_as, nominated
):
    response = login_as(coordinator).get("/reports/reach_school.csv")
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    text = response.get_data().decode("utf-8")
    assert text.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(text[1:]), delimiter=";"))
    by_school = {row[0]: row[1:] for row in rows[1:]}
    assert by_school["Sjöviksskolan"][0] == "7"
    assert by_school["Björkängsskolan"][0] == ".."
    assert by_school["Lindåsskolan"][0] == "<5"
    with app.app_context():
        entry = db.session.scalars(
            sa.select(AuditEntry).where(AuditEntry.action == "report.export")
        ).one()
    assert entry.details["table"] == "reach_school"


def test_an_unknown_table_is_not_found(coordinator, login_as, nominated):
    assert login_as(coordinator).get("/reports/nothing.csv").status_code == 404


def test_an_unknown_period_or_school_says_so_and_shows_the_newest_term(
    coordinator, login_as, nominated
):
    client = login_as(coordinator)
    response = client.get("/reports/?period=t999&school=abc")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "Höstterminen 2026" in page
    assert "flash" in page or 'role="alert"' in page


def test_a_school_filter_narrows_every_table_to_its_pupils(coordinator, login_as, nominated):
    large = nominated["large"]
    page = login_as(coordinator).get(f"/reports/?school={large.id}").get_data(as_text=True)
    assert "<td>7</td>" in row_of(page, "Sjöviksskolan")
    assert row_of(page, "Björkängsskolan").startswith(
        '<th scope="row">Björkängsskolan</th><td>0</td>'
    )


def test_the_report_costs_the_same_queries_whatever_the_number_of_pupils(
    app, coordinator, login_as, make_nomination, count_queries, nominated
):
    client = login_as(coordinator)
    with count_queries() as few:
        client.get("/reports/")
    for n in range(10):
        make_nomination(pupil_name=f"Fler {n}", pupil_email=f"fler{n}@elev.example.se")
    with count_queries() as many:
        client.get("/reports/")
    assert len(many) == len(few)


def test_a_report_read_again_is_not_computed_again_but_still_logged(
    app, coordinator, login_as, nominated, count_queries
):
    client = login_as(coordinator)
    with count_queries() as first:
        client.get("/reports/")
    with count_queries() as again:
        page = client.get("/reports/").get_data(as_text=True)
    assert len(again) < len(first) - 5
    assert "<td>7</td>" in row_of(page, "Sjöviksskolan")
    with app.app_context():
        views = db.session.scalars(
            sa.select(AuditEntry).where(AuditEntry.action == "report.view")
        ).all()
    assert len(views) == 2


def test_a_new_nomination_shows_at_once_even_when_the_report_was_cached(
    app, coordinator, login_as, nominated, make_nomination
):
    client = login_as(coordinator)
    client.get("/reports/")
    make_nomination(pupil_name="Ny elev", pupil_email="ny@elev.example.se")
    page = client.get("/reports/").get_data(as_text=True)
    assert "<td>16</td>" in row_of(page, "Totalt")


def test_a_report_grown_old_is_answered_at_once_and_recounted_behind_the_scenes(
    app, coordinator, login_as, nominated, make_user
):
    import threading
    import time

    from mentorhub.goals.models import Goal
    from mentorhub.reports import cache

    # given a report read once, then six goals set by pupils of Sjöviksskolan
    pupils = [make_user(Role.PUPIL, school=nominated["large"]) for _ in range(6)]
    client = login_as(coordinator)
    client.get("/reports/")
    with app.app_context():
        db.session.add_all([Goal(pupil_id=p.id, title="Mål", created_by_id=p.id) for p in pupils])
        db.session.commit()
    # when the report has grown older than REPORT_CACHE_SECONDS
    cache.age_all(10_000)
    with app.app_context():
        engine = db.engine
    answered: list[tuple[str, str]] = []

    def listener(conn, cursor, statement, *args) -> None:
        answered.append((threading.current_thread().name, statement))

    sa.event.listen(engine, "before_cursor_execute", listener)
    try:
        stale = client.get("/reports/").get_data(as_text=True)
    finally:
        sa.event.remove(engine, "before_cursor_execute", listener)
    # then it is answered from the old figures without recounting in the request ...
    assert "<td>6</td>" not in row_of(stale[stale.index("Satta mål") :], "Sjöviksskolan")
    in_request = [s for name, s in answered if name != "report-recount"]
    assert in_request and not any("GROUP BY" in s for s in in_request)
    # ... and recounted behind the scenes, so the next reader gets the new figures
    for _ in range(100):
        if not cache.recounting():
            break
        time.sleep(0.05)
    fresh = client.get("/reports/").get_data(as_text=True)
    assert "<td>6</td>" in row_of(fresh[fresh.index("Satta mål") :], "Sjöviksskolan")


def test_a_write_to_who_is_in_the_programme_has_the_report_recounted_before_it_is_read_again(
    app, coordinator, login_as, nominated, count_queries
):
    import threading
    import time

    from mentorhub.reports import cache

    # given a report read once (and kept)
    client = login_as(coordinator)
    client.get("/reports/")
    recounts: list[str] = []
    with app.app_context():
        engine = db.engine

    def listener(conn, cursor, statement, *args) -> None:
        if threading.current_thread().name == "report-recount" and "GROUP BY" in statement:
            recounts.append(statement)

    sa.event.listen(engine, "before_cursor_execute", listener)
    try:
        # when two pupils' nominations move to Sjöviksskolan, committed as every view commits
        with app.app_context():
            moved = db.session.scalars(
                sa.select(Nomination.id).where(Nomination.school_id != nominated["large"].id)
            ).all()[:2]
            db.session.execute(
                sa.update(Nomination)
                .where(Nomination.id.in_(moved))
                .values(school_id=nominated["large"].id)
            )
            after_commit.commit()
        for _ in range(100):
            if recounts and not cache.recounting():
                break
            time.sleep(0.05)
    finally:
        sa.event.remove(engine, "before_cursor_execute", listener)
    # then the report was recounted behind the scenes, once, after the commit ...
    assert recounts
    # ... so the next read counts nothing and already shows them there
    with count_queries() as read:
        page = client.get("/reports/").get_data(as_text=True)
    assert row_of(page, "Sjöviksskolan").startswith('<th scope="row">Sjöviksskolan</th><td>9</td>')
    assert not any("GROUP BY" in statement for statement in read)


def test_active_pupils_are_the_matched_who_came_to_a_meeting_or_tried_a_problem(app, region):
    from mentorhub.matching.models import Match, MatchStatus
    from mentorhub.meetings.models import Attendance, AttendanceStatus, Meeting
    from mentorhub.nominations.models import Status
    from mentorhub.problems.models import Attempt
    from mentorhub.reports import services

    with app.test_request_context():
        # given the demo region's term, read record by record
        filters = services.Filters(period=services.period_for(None))
        period = filters.period
        nominations = db.session.scalars(
            sa.select(Nomination).where(Nomination.term_id.in_(period.term_ids))
        ).all()
        matched = set(
            db.session.scalars(
                sa.select(Match.pupil_id).where(
                    Match.term_id.in_(period.term_ids),
                    Match.status == MatchStatus.CONFIRMED.value,
                )
            )
        )
        came = {
            pupil
            for pupil, status, starts in db.session.execute(
                sa.select(Attendance.pupil_id, Attendance.status, Meeting.starts_at).join(Meeting)
            )
            if status in (AttendanceStatus.PRESENT.value, AttendanceStatus.LATE.value)
            and period.starts <= starts < period.ends
        }
        tried = {
            pupil
            for pupil, at in db.session.execute(sa.select(Attempt.pupil_id, Attempt.created_at))
            if period.starts <= at < period.ends
        }
        expected = [
            n
            for n in nominations
            if n.status == Status.APPROVED.value
            and n.pupil_id in matched
            and n.pupil_id in came | tried
        ]
        # when the report counts them
        cube = services.reach_cube(filters)
    # then its active column holds exactly those pupils, and some were left out
    assert sum(values[3] for values in cube.values()) == len(expected)
    assert 0 < len(expected) < len(nominations)
