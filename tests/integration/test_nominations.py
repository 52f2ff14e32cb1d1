"""Identification (journey 2): nominate, ask for more, answer, approve or decline."""

import sqlalchemy as sa

from mentorhub.accounts.models import Invitation, Role, User
from mentorhub.audit import AuditEntry
from mentorhub.extensions import db
from mentorhub.nominations.models import Nomination
from mentorhub.notifications.models import Notification
from mentorhub.pupils.models import PupilLevel, PupilProfile, StaffLink


def _form(area_id: int, **fields) -> dict:
    data = {
        "pupil_name": "Alva Lindgren",
        "pupil_email": "alva@elev.example.se",
        "year": "8",
        "class_name": "8B",
        "profile": "gifted",
        "subjects-0-subject_area_id": str(area_id),
        "subjects-0-chosen": "y",
        "subjects-0-level": "4",
        "subjects-0-challenge": "Bevis",
        "slots": ["tue-3", "thu-3"],
        "prefers_group": "group",
        "guardian_informed_on": "2026-11-01",
        "guardian_consent": "yes",
    }
    data.update(fields)
    return data


def _nomination(app, nomination_id: int) -> Nomination:
    with app.app_context():
        n = db.session.get(Nomination, nomination_id)
        db.session.expunge(n)
        return n


def test_home_teacher_nominates_a_pupil_of_their_school(
    client, school_staff, programme, login_as, app
):
    login_as(school_staff["home_teacher"])
    response = client.post("/nominations/new", data=_form(programme["areas"][0]))
    assert response.status_code == 302
    with app.app_context():
        n = db.session.scalars(sa.select(Nomination)).one()
        assert (n.school_id, n.year, n.profile, n.prefers_group) == (
            programme["schools"][0].id,
            8,
            "gifted",
            True,
        )
        assert [(s.subject_area_id, s.level) for s in n.subjects] == [(programme["areas"][0], 4)]
        assert n.slot_ids == ["thu-3", "tue-3"]
        assert n.guardian_recorded_by_id == school_staff["home_teacher"].id


def test_coordinators_are_notified_of_a_new_nomination(make_nomination, coordinator, app):
    make_nomination()
    with app.app_context():
        kinds = db.session.scalars(
            sa.select(Notification.kind).where(Notification.user_id == coordinator.id)
        ).all()
    assert kinds == ["nomination.submitted"]


def test_a_pupil_can_be_nominated_only_once_per_term(
    client, school_staff, programme, login_as, make_nomination, app
):
    make_nomination(pupil_email="alva@elev.example.se")
    login_as(school_staff["special_educator"])
    response = client.post("/nominations/new", data=_form(programme["areas"][0]))
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "redan nominerats" in page
    assert 'value="Alva Lindgren"' in page  # what was typed is kept
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(Nomination.id))) == 1


def test_a_nomination_without_subject_area_or_times_gets_field_errors(
    client, school_staff, programme, login_as
):
    login_as(school_staff["home_teacher"])
    data = _form(programme["areas"][0], slots=[])
    data.pop("subjects-0-chosen")
    response = client.post("/nominations/new", data=data)
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "minst en tid" in page


def test_mentors_and_pupils_cannot_nominate_or_read_nominations(
    client, make_user, make_nomination, login_as
):
    nomination_id = make_nomination()
    for role in (Role.MENTOR, Role.PUPIL):
        client.post("/logout")
        login_as(make_user(role))
        assert client.get("/nominations/new").status_code == 403
        assert client.get(f"/nominations/{nomination_id}").status_code == 403
        assert client.get("/nominations/").status_code == 403


def test_staff_of_another_school_cannot_read_a_nomination(
    client, make_user, make_school, make_nomination, login_as
):
    nomination_id = make_nomination()
    other = make_user(Role.SPECIAL_EDUCATOR, school=make_school("Sjöviksskolan"))
    login_as(other)
    assert client.get(f"/nominations/{nomination_id}").status_code == 403
    assert "Alva" not in client.get("/nominations/").get_data(as_text=True)


def test_every_read_of_a_nomination_is_audited(
    client, school_staff, make_nomination, login_as, app
):
    nomination_id = make_nomination()
    login_as(school_staff["special_educator"])
    client.get(f"/nominations/{nomination_id}")
    with app.app_context():
        entry = db.session.scalars(
            sa.select(AuditEntry).where(AuditEntry.action == "nomination.view")
        ).one()
        assert (entry.actor_id, entry.subject_id) == (
            school_staff["special_educator"].id,
            nomination_id,
        )


def test_coordinator_asks_for_more_and_the_nominator_answers(
    app, client, coordinator, school_staff, make_nomination, login_as
):
    nomination_id = make_nomination()
    login_as(coordinator)
    client.post(f"/nominations/{nomination_id}/request-info", data={"comment": "Vilken nivå?"})
    assert _nomination(app, nomination_id).status == "needs_info"
    client.post("/logout")
    login_as(school_staff["home_teacher"])
    page = client.get(f"/nominations/{nomination_id}").get_data(as_text=True)
    assert "Vilken nivå?" in page
    client.post(f"/nominations/{nomination_id}/answer", data={"comment": "Nivå 4 i matte."})
    assert _nomination(app, nomination_id).status == "submitted"
    history = client.get(f"/nominations/{nomination_id}").get_data(as_text=True)
    assert "Vilken nivå?" in history and "Nivå 4 i matte." in history


def test_approval_invites_the_pupil_and_links_the_nominator_and_the_schools_educator(
    app, client, coordinator, school_staff, make_nomination, login_as, outbox, programme
):
    nomination_id = make_nomination()
    login_as(coordinator)
    response = client.post(f"/nominations/{nomination_id}/approve")
    assert response.status_code == 302
    with app.app_context():
        pupil = db.session.scalars(
            sa.select(User).where(User.email == "alva.lindgren@elev.example.se")
        ).one()
        assert pupil.roles == {Role.PUPIL} and pupil.password_hash is None
        assert db.session.get(PupilProfile, pupil.id).year == 8
        level = db.session.get(PupilLevel, (pupil.id, programme["areas"][0]))
        assert level.level == 4
        links = db.session.scalars(sa.select(StaffLink).where(StaffLink.pupil_id == pupil.id))
        assert {(link.staff_id, link.relation) for link in links} == {
            (school_staff["home_teacher"].id, "home_teacher"),
            (school_staff["special_educator"].id, "special_educator"),
        }
        invitation = db.session.scalars(sa.select(Invitation)).one()
        assert invitation.user_id == pupil.id
    assert any(m.recipient == "alva.lindgren@elev.example.se" for m in outbox())


def test_the_pupil_accepts_the_invitation_and_signs_in(
    app, client, coordinator, make_nomination, login_as, outbox
):
    from tests.conftest import link_in

    nomination_id = make_nomination()
    login_as(coordinator)
    client.post(f"/nominations/{nomination_id}/approve")
    client.post("/logout")
    mail = next(m for m in outbox() if m.recipient == "alva.lindgren@elev.example.se")
    response = client.post(
        link_in(mail.body),
        data={"name": "Alva Lindgren", "password": "mitt-hemliga-1", "confirm": "mitt-hemliga-1"},
    )
    assert response.status_code == 302
    assert "Alva Lindgren" in client.get("/").get_data(as_text=True)


def test_without_the_guardians_consent_a_nomination_cannot_be_approved(
    app, client, coordinator, make_nomination, login_as
):
    nomination_id = make_nomination(guardian_consent=None)
    login_as(coordinator)
    response = client.post(f"/nominations/{nomination_id}/approve", follow_redirects=True)
    assert "samtycke" in response.get_data(as_text=True)
    assert _nomination(app, nomination_id).status == "submitted"
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(Invitation.id))) == 0


def test_where_consent_is_not_required_the_informed_date_is_enough(
    app, client, coordinator, make_nomination, login_as
):
    nomination_id = make_nomination(guardian_consent=None)
    app.config["GUARDIAN_CONSENT_REQUIRED"] = False
    try:
        login_as(coordinator)
        client.post(f"/nominations/{nomination_id}/approve")
    finally:
        app.config["GUARDIAN_CONSENT_REQUIRED"] = True
    assert _nomination(app, nomination_id).status == "approved"


def test_a_decline_needs_a_reason_that_the_nominator_sees(
    app, client, coordinator, school_staff, make_nomination, login_as
):
    nomination_id = make_nomination()
    login_as(coordinator)
    client.post(f"/nominations/{nomination_id}/decline", data={"comment": ""})
    assert _nomination(app, nomination_id).status == "submitted"
    client.post(
        f"/nominations/{nomination_id}/decline", data={"comment": "Passar bättre nästa termin."}
    )
    assert _nomination(app, nomination_id).status == "declined"
    client.post("/logout")
    login_as(school_staff["home_teacher"])
    assert "Passar bättre nästa termin." in client.get(f"/nominations/{nomination_id}").get_data(
        as_text=True
    )


def test_a_decided_nomination_cannot_be_decided_again(
    app, client, coordinator, make_nomination, login_as
):
    nomination_id = make_nomination()
    login_as(coordinator)
    client.post(f"/nominations/{nomination_id}/decline", data={"comment": "Nej"})
    client.post(f"/nominations/{nomination_id}/approve")
    assert _nomination(app, nomination_id).status == "declined"


# --- the list, a page at a time ---------------------------------------------------------------


def test_a_long_list_of_nominations_is_shown_fifty_at_a_time_with_links_between_pages(
    make_nomination, coordinator, login_as, count_queries
):
    # given 60 nominations
    for n in range(60):
        make_nomination(pupil_name=f"Elev {n:02d}", pupil_email=f"elev{n:02d}@elev.example.se")
    client = login_as(coordinator)
    # when the coordinator opens the list
    with count_queries() as first_page:
        page = client.get("/nominations/").get_data(as_text=True)
    # then the newest 50 are shown, with the way to the next page
    assert page.count('href="/nominations/') - page.count('href="/nominations/new') >= 50
    assert "Elev 59" in page and "Elev 10" in page and "Elev 09" not in page
    assert "Sida 1 av 2 (60 totalt)" in page
    assert 'href="/nominations/?page=2" rel="next"' in page
    # and the second page holds the rest, in as many queries
    with count_queries() as second_page:
        rest = client.get("/nominations/?page=2").get_data(as_text=True)
    assert "Elev 09" in rest and "Elev 00" in rest and "Elev 59" not in rest
    assert len(second_page) == len(first_page)
    # and a page past the end, or no number at all, shows a page rather than an error
    assert "Elev 00" in client.get("/nominations/?page=99").get_data(as_text=True)
    assert "Elev 59" in client.get("/nominations/?page=x").get_data(as_text=True)


def test_the_nominations_list_finds_a_pupil_by_part_of_the_name_or_email_keeping_the_filter(
    make_nomination, coordinator, login_as
):
    for n in range(3):
        make_nomination(pupil_name=f"Elev {n}", pupil_email=f"elev{n}@elev.example.se")
    make_nomination(pupil_name="Alva Lindgren", pupil_email="alva.l@elev.example.se")
    client = login_as(coordinator)
    # when the coordinator searches for part of a name, in another case
    page = client.get("/nominations/?q=lindGR").get_data(as_text=True)
    # then only that pupil is listed, and the search is kept in its field
    assert "Alva Lindgren" in page and "Elev 1" not in page
    assert 'value="lindGR"' in page
    # and part of an email finds too; a search with LIKE's wildcards finds nothing by them
    assert "Alva Lindgren" in client.get("/nominations/?q=alva.l@").get_data(as_text=True)
    nothing = client.get("/nominations/?q=%25").get_data(as_text=True)
    assert "Ingen nominering matchar ”%”." in nothing
