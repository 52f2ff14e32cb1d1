"""The progress review list (journey 8): only one's own pupils, every flag with its reason,
filter and sort, acknowledging a flag, and a bounded number of queries."""

from __future__ import annotations

import re

import pytest
import sqlalchemy as sa
from flask_babel import force_locale, gettext

from mentorhub.accounts.models import Role, User
from mentorhub.audit import AuditEntry
from mentorhub.extensions import db
from mentorhub.progress.models import FlagAcknowledgement
from mentorhub.pupils.models import PupilProfile, StaffLink
from tests.integration import progress_data as data

P, L, N, A = "present", "late", "absent_with_notice", "absent"


@pytest.fixture
def sv(app):
    """The Swedish text the page shows for an English msgid."""

    def say(msgid: str, **params) -> str:
        with app.test_request_context(), force_locale("sv"):
            return gettext(msgid, **params)

    return say


@pytest.fixture
def troubled_alva(app, care_team, programme):
    """Alva triggers every flag; Noah (same room, not linked to the school staff) none."""
    alva, noah, room_id = care_team["alva"].id, care_team["noah"].id, care_team["id"]
    area = programme["areas"][0]
    with app.app_context():
        db.session.add(PupilProfile(user_id=alva, year=8, class_name="8B", profile="gifted"))
        data.matched_since(alva, 40)
        data.matched_since(noah, 40)
        ids = data.meetings(room_id, 4)
        data.attendance(ids, alva, [P, N, A, A])
        data.attendance(ids, noah, [P, L, P, P])
        data.message(room_id, alva, 18)
        data.message(room_id, noah, 1)
        data.goal(alva, "Planera veckan", 30, [(16, 3)])
        data.goal(alva, "Fråga om hjälp", 30, [(24, 4), (21, 3), (19, 2)])
        data.goal(noah, "Anteckna", 20, [(3, 4)])
        data.level_change(alva, area, 4, 3, 20)
        data.level_change(alva, area, 3, 2, 5)
        post = data.problem_post(room_id, care_team["mentor"].id, area, alva, 3)
        data.attempt(post, alva, 3, "not_yet", 19)
        data.attempt(post, alva, 3, "solved", 18.5)
        data.concern(alva, "Verkar stressad inför proven")
        db.session.commit()
    return care_team


def test_home_teacher_sees_only_linked_pupils_and_mentor_sees_matched_ones(
    client, login_as, care_team
):
    login_as(care_team["home_teacher"])
    page = client.get("/progress/review").get_data(as_text=True)
    assert "Alva Lindgren" in page and "Noah Berg" not in page

    client.post("/logout")
    login_as(care_team["unlinked_teacher"])
    page = client.get("/progress/review").get_data(as_text=True)
    assert "Alva Lindgren" not in page and "Noah Berg" not in page

    client.post("/logout")
    login_as(care_team["mentor"])
    page = client.get("/progress/review").get_data(as_text=True)
    assert "Alva Lindgren" in page and "Noah Berg" in page


@pytest.mark.parametrize("who", ["alva", "coordinator"])
def test_pupils_and_coordinators_have_no_review_list(client, login_as, care_team, who):
    login_as(care_team[who])
    assert client.get("/progress/review").status_code == 403


def test_each_flag_is_shown_with_its_reason_in_plain_words(client, login_as, troubled_alva, sv):
    login_as(troubled_alva["special_educator"])
    page = client.get("/progress/review").get_data(as_text=True)
    for text in (
        sv("Attended %(attended)d of the %(meetings)d latest meetings", attended=1, meetings=4),
        sv("Absent without notice %(count)d meetings in a row", count=2),
        sv("No activity for %(days)d days", days=16),
        sv(
            "The goal “%(goal)s” has had no check-in for %(days)d days",
            goal="Planera veckan",
            days=16,
        ),
        sv(
            "The ratings of the goal “%(goal)s” are falling: %(ratings)s",
            goal="Fråga om hjälp",
            ratings="4 → 3 → 2",
        ),
        sv("Level lowered %(count)d times in the last 12 months", count=2),
    ):
        assert text in page, text
    assert "Närvaro 1 av 4 senaste möten" in page  # as a Swedish teacher reads it
    # and the figures beside them
    assert "25 %" in page
    assert (
        sv("Level %(level)d: %(solved)d of %(attempted)d solved", level=3, solved=1, attempted=1)
        in page
    )


def test_a_pupil_doing_well_has_no_flags(client, login_as, troubled_alva, sv):
    login_as(troubled_alva["mentor"])
    page = client.get("/progress/review").get_data(as_text=True)
    noah_row = re.search(r"Noah Berg.*?</tr>", page, re.S).group(0)
    assert sv("No flags.") in noah_row


def test_filter_by_flag_type_and_sort_by_number_of_flags(client, login_as, troubled_alva):
    login_as(troubled_alva["mentor"])
    page = client.get("/progress/review?flag=level_down").get_data(as_text=True)
    assert "Alva Lindgren" in page and "Noah Berg" not in page
    page = client.get("/progress/review?flag=any").get_data(as_text=True)
    assert "Alva Lindgren" in page and "Noah Berg" not in page

    page = client.get("/progress/review?sort=flags&dir=desc").get_data(as_text=True)
    assert page.index("Alva Lindgren") < page.index("Noah Berg")
    assert re.search(r'aria-sort="descending">\s*<a[^>]*sort=flags', page)
    page = client.get("/progress/review?sort=flags&dir=asc").get_data(as_text=True)
    assert page.index("Noah Berg") < page.index("Alva Lindgren")
    page = client.get("/progress/review?sort=attendance").get_data(as_text=True)
    assert page.index("Alva Lindgren") < page.index("Noah Berg")  # 25 % before 100 %
    page = client.get("/progress/review?sort=activity&dir=desc").get_data(as_text=True)
    assert page.index("Noah Berg") < page.index("Alva Lindgren")


def test_acknowledging_a_flag_keeps_it_visible_with_the_note(
    app, client, login_as, troubled_alva, sv
):
    alva = troubled_alva["alva"]
    login_as(troubled_alva["special_educator"])
    response = client.post(
        f"/progress/pupils/{alva.id}/flags",
        data={"code": "level_down", "key": "", "note": "Pratat med mentorn, följer upp."},
    )
    assert response.status_code == 302
    with app.app_context():
        ack = db.session.scalar(sa.select(FlagAcknowledgement))
        assert (ack.code, ack.note) == ("level_down", "Pratat med mentorn, följer upp.")
        assert ack.acknowledged_by_id == troubled_alva["special_educator"].id
        actions = db.session.scalars(sa.select(AuditEntry.action)).all()
        assert "flag.acknowledge" in actions
    for path in ("/progress/review", f"/progress/pupils/{alva.id}"):
        page = client.get(path).get_data(as_text=True)
        assert sv("Level lowered %(count)d times in the last 12 months", count=2) in page
        assert "Pratat med mentorn, följer upp." in page
        assert "Helena Olsson" in page


def test_acknowledging_without_a_note_is_refused_with_a_field_message(
    app, client, login_as, troubled_alva, sv
):
    alva = troubled_alva["alva"]
    login_as(troubled_alva["home_teacher"])
    response = client.post(
        f"/progress/pupils/{alva.id}/flags", data={"code": "level_down", "key": "", "note": " "}
    )
    assert response.status_code == 422  # a refused form stores nothing (issue 12)
    assert sv("Write a short note.") in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(FlagAcknowledgement.id))) == 0


def test_a_flag_that_does_not_apply_cannot_be_acknowledged(app, client, login_as, care_team, sv):
    login_as(care_team["home_teacher"])
    response = client.post(
        f"/progress/pupils/{care_team['alva'].id}/flags",
        data={"code": "level_down", "key": "", "note": "x"},
    )
    # a refused form answers its page with 422 and the reason (issue 12; it was a redirect)
    assert response.status_code == 422
    assert sv("That flag no longer applies, so there is nothing to acknowledge.") in (
        response.get_data(as_text=True)
    )
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(FlagAcknowledgement.id))) == 0


def test_the_acknowledgement_is_only_for_the_staff_around_the_pupil(
    client, login_as, troubled_alva
):
    login_as(troubled_alva["unlinked_teacher"])
    response = client.post(
        f"/progress/pupils/{troubled_alva['alva'].id}/flags",
        data={"code": "level_down", "key": "", "note": "x"},
    )
    assert response.status_code == 403


def _world(app, programme, make_user, educator, pupils: int) -> None:
    """`pupils` pupils linked to the educator, each with some of every kind of fact."""
    from mentorhub.rooms.models import Room

    mentor = make_user(Role.MENTOR)
    area = programme["areas"][0]
    made = [make_user(Role.PUPIL, school=programme["schools"][0]) for _ in range(pupils)]
    with app.app_context():
        room = Room(mentor_id=mentor.id, subject_area_id=area, kind="group", name="R")
        db.session.add(room)
        db.session.flush()
        ids = data.meetings(room.id, 5)
        for pupil in made:
            db.session.add(PupilProfile(user_id=pupil.id, year=9, profile="high_performing"))
            db.session.add(
                StaffLink(pupil_id=pupil.id, staff_id=educator.id, relation="special_educator")
            )
            data.attendance(ids, pupil.id, [P, A, A, N, L])
            data.message(room.id, pupil.id, 3)
            data.goal(pupil.id, "Planera veckan", 40, [(30, 4), (20, 3), (15, 2)])
            data.level_change(pupil.id, area, 3, 2)
            data.level_change(pupil.id, area, 2, 1)
            post = data.problem_post(room.id, mentor.id, area, pupil.id, 2)
            data.attempt(post, pupil.id, 2, "solved")
            data.concern(pupil.id, "Oro")
            db.session.add(
                FlagAcknowledgement(
                    pupil_id=pupil.id,
                    code="level_down",
                    key="",
                    note="Sett",
                    acknowledged_by_id=educator.id,
                )
            )
        db.session.commit()


def test_the_review_list_loads_in_the_same_number_of_queries_for_3_and_12_pupils(
    app, client, login_as, programme, make_user, count_queries
):
    counts = []
    for n in (3, 12):
        educator = make_user(Role.SPECIAL_EDUCATOR, school=programme["schools"][0])
        _world(app, programme, make_user, educator, n)
        login_as(educator)
        client.get("/progress/review")  # warm up: the session's first request loads more
        with count_queries() as statements:
            response = client.get("/progress/review")
        assert response.status_code == 200
        assert response.get_data(as_text=True).count('scope="row"') == n
        counts.append(len(statements))
        client.post("/logout")
    assert counts[0] == counts[1], counts
    assert counts[1] <= 20


def test_thresholds_come_from_the_settings(app, client, login_as, troubled_alva, sv):
    login_as(troubled_alva["special_educator"])
    app.config["WARN_INACTIVE_DAYS"] = 30
    try:
        page = client.get("/progress/review").get_data(as_text=True)
    finally:
        app.config["WARN_INACTIVE_DAYS"] = 14
    assert sv("No activity for %(days)d days", days=16) not in page
    assert sv("Level lowered %(count)d times in the last 12 months", count=2) in page


def test_the_flag_acknowledgement_uses_the_apps_messages_and_names_the_pupil(
    app, client, login_as, troubled_alva
):
    # given a pupil called Sara with flags, seen by her special-needs educator
    with app.app_context():
        db.session.get(User, troubled_alva["alva"].id).name = "Sara Ek"
        db.session.commit()
    login_as(troubled_alva["special_educator"])
    page = client.get(f"/progress/pupils/{troubled_alva['alva'].id}").get_data(as_text=True)
    # then the browser's own "Please fill out this field." is off (the app's message is used)
    assert re.search(r'<form[^>]*class="ack-form"[^>]*novalidate', page)
    # and the hint's example names Sara, not a made-up pupil
    assert "Pratat med Sara, följer upp på fredag" in page
    assert "Pratat med Alva" not in page


def test_a_long_review_list_is_sorted_whole_and_shown_fifty_pupils_at_a_time(
    app, client, login_as, programme, make_user
):
    from mentorhub.pupils.models import StaffLink as Link

    # given a special-needs educator who follows 55 pupils
    educator = make_user(Role.SPECIAL_EDUCATOR, school=programme["schools"][0])
    pupils = [make_user(Role.PUPIL, name=f"Elev {n:02d}") for n in range(55)]
    with app.app_context():
        for pupil in pupils:
            db.session.add(
                Link(pupil_id=pupil.id, staff_id=educator.id, relation="special_educator")
            )
        db.session.commit()
    login_as(educator)
    # when the review is sorted by name, newest last
    first = client.get("/progress/review?sort=name&dir=desc").get_data(as_text=True)
    # then the first page holds the 50 first in that order, and says how many there are
    assert first.count('scope="row"') == 50
    assert "Elev 54" in first and "Elev 05" in first and "Elev 04" not in first
    assert "Visar 55 av 55 elever." in first
    # and the next page, keeping the sort, holds the rest
    assert 'href="/progress/review?sort=name&amp;dir=desc&amp;page=2" rel="next"' in first
    rest = client.get("/progress/review?sort=name&dir=desc&page=2").get_data(as_text=True)
    assert rest.count('scope="row"') == 5 and "Elev 00" in rest and "Elev 05" not in rest


def test_the_review_reads_each_pupils_latest_attendance_oldest_first_without_cancelled(
    app, care_team
):
    from mentorhub.meetings.models import Meeting
    from mentorhub.progress import review_list
    from mentorhub.timeutil import utcnow

    # given Alva with more recorded meetings than the review keeps (the oldest four absent),
    # the newest of them cancelled, and Noah with two
    keep = review_list.ATTENDANCE_ROWS
    alva, noah, room_id = care_team["alva"].id, care_team["noah"].id, care_team["id"]
    with app.app_context():
        ids = data.meetings(room_id, keep + 5)
        data.attendance(ids, alva, [A] * 4 + [P] * (keep - 1) + [L, N])
        data.attendance(ids[-2:], noah, [L, P])
        db.session.get(Meeting, ids[-1]).cancelled_at = utcnow()
        db.session.commit()
        # when the review reads their attendance
        found = review_list._attendance([alva, noah])
    # then each pupil has their latest recorded ones, oldest first, the cancelled one left out
    assert found[alva] == [P] * (keep - 1) + [L], found[alva]
    assert found[noah] == [L], found[noah]
