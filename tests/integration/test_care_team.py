"""The pupil's team: the coordinator decides which home teachers and special-needs educators
follow a pupil, and a link is what gives them the pupil's record."""

import sqlalchemy as sa

from mentorhub.accounts.models import Role
from mentorhub.audit import AuditEntry
from mentorhub.extensions import db
from mentorhub.pupils.models import StaffLink
from tests.conftest import CONFIRMED


def _links(app, pupil_id: int) -> set[tuple[int, str]]:
    with app.app_context():
        rows = db.session.scalars(sa.select(StaffLink).where(StaffLink.pupil_id == pupil_id))
        return {(link.staff_id, link.relation) for link in rows}


def _switch_to(client, login_as, person):
    client.post("/logout")
    login_as(person)


def test_a_teacher_added_to_the_team_sees_the_pupil_page_and_loses_it_when_removed(
    app, client, login_as, care_team
):
    # given a home teacher of Alva's school who is not in her team
    alva, olle = care_team["alva"], care_team["unlinked_teacher"]
    _switch_to(client, login_as, olle)
    assert client.get(f"/progress/pupils/{alva.id}").status_code == 403
    # when the coordinator adds him
    _switch_to(client, login_as, care_team["coordinator"])
    page = client.get(f"/pupils/{alva.id}/team").get_data(as_text=True)
    assert f'value="{olle.id}:home_teacher"' in page
    response = client.post(f"/pupils/{alva.id}/team", data={"member": f"{olle.id}:home_teacher"})
    assert response.status_code == 302
    # then he sees her page
    _switch_to(client, login_as, olle)
    assert client.get(f"/progress/pupils/{alva.id}").status_code == 200
    # and when the coordinator removes him, he no longer does
    _switch_to(client, login_as, care_team["coordinator"])
    client.post(
        f"/pupils/{alva.id}/team/remove", data={"member": f"{olle.id}:home_teacher", **CONFIRMED}
    )
    _switch_to(client, login_as, olle)
    assert client.get(f"/progress/pupils/{alva.id}").status_code == 403
    with app.app_context():
        actions = db.session.scalars(
            sa.select(AuditEntry.action).where(AuditEntry.person_id == alva.id)
        ).all()
    assert "care_team.add" in actions and "care_team.remove" in actions


def test_only_staff_of_the_pupils_school_in_the_matching_role_can_be_added(
    app, client, login_as, care_team, make_user, make_school
):
    # given a home teacher of another school, and a mentor
    alva = care_team["alva"]
    elsewhere = make_user(Role.HOME_TEACHER, name="Annan Skola", school=make_school("Annan"))
    before = _links(app, alva.id)
    _switch_to(client, login_as, care_team["coordinator"])
    for member in (
        f"{elsewhere.id}:home_teacher",
        f"{care_team['other_mentor'].id}:home_teacher",
        f"{care_team['unlinked_teacher'].id}:special_educator",  # not his role
        "nonsense",
    ):
        # when the coordinator tries to add them
        response = client.post(f"/pupils/{alva.id}/team", data={"member": member})
        # then the page says why (422: a refused form) and nothing is stored
        assert response.status_code == 422, member
        assert "Välj" in response.get_data(as_text=True)
    assert _links(app, alva.id) == before


def test_nobody_but_a_coordinator_keeps_the_team(app, client, login_as, care_team):
    alva = care_team["alva"]
    before = _links(app, alva.id)
    for person in ("home_teacher", "special_educator", "mentor", "alva"):
        _switch_to(client, login_as, care_team[person])
        assert client.get(f"/pupils/{alva.id}/team").status_code == 403
        member = f"{care_team['home_teacher'].id}:home_teacher"
        assert (
            client.post(
                f"/pupils/{alva.id}/team/remove", data={"member": member, **CONFIRMED}
            ).status_code
            == 403
        )
    assert _links(app, alva.id) == before


def test_removing_someone_not_in_the_team_is_refused_visibly(app, client, login_as, care_team):
    alva = care_team["alva"]
    _switch_to(client, login_as, care_team["coordinator"])
    member = f"{care_team['unlinked_teacher'].id}:home_teacher"
    response = client.post(
        f"/pupils/{alva.id}/team/remove",
        data={"member": member, **CONFIRMED},
        follow_redirects=True,
    )
    assert "Den personen finns inte i elevens team." in response.get_data(as_text=True)
