"""Journey 8, concerns (oro): the staff around a pupil raise a concern; the special-needs
educator and the coordinators are told (the mail only links); it gets an action plan with a
responsible person and a review date, is reviewed and closed with a note, and is read-only after.
Pupils never see a concern. Every view and change is audited."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
import sqlalchemy as sa

from mentorhub.audit import AuditEntry
from mentorhub.concerns import services
from mentorhub.concerns.models import Concern, ConcernEvent
from mentorhub.extensions import db
from mentorhub.notifications.models import Notification
from tests.conftest import login

DESCRIPTION = "Alva har slutat lämna in uppgifter och säger att hon inte sover på nätterna."
STAFF_OF_ALVA = ["mentor", "home_teacher", "special_educator"]
NOT_LINKED = ["unlinked_teacher", "other_mentor", "alva", "noah"]


def client_for(app, user):
    client = app.test_client()
    assert login(client, user).status_code == 302
    return client


def raise_as(app, user, pupil, **changes):
    data = {"category": "wellbeing", "description": DESCRIPTION, **changes}
    return client_for(app, user).post(f"/concerns/pupils/{pupil.id}/new", data=data)


@pytest.fixture
def concern(app, care_team) -> int:
    """An open concern about Alva raised by her home teacher."""
    response = raise_as(app, care_team["home_teacher"], care_team["alva"])
    assert response.status_code == 302, response.get_data(as_text=True)
    return int(response.headers["Location"].rstrip("/").split("/")[-1])


def stored(app, concern_id: int) -> Concern:
    with app.app_context():
        found = db.session.get(Concern, concern_id)
        kinds = [e.kind for e in found.events]
        db.session.expunge_all()
        found.kinds = kinds
        return found


def audit_actions(app, action: str) -> list[AuditEntry]:
    with app.app_context():
        entries = db.session.scalars(sa.select(AuditEntry).where(AuditEntry.action == action))
        return [(e.actor_id, e.person_id, e.subject_id) for e in entries]


def notified(app, kind: str) -> set[int]:
    with app.app_context():
        return set(
            db.session.scalars(sa.select(Notification.user_id).where(Notification.kind == kind))
        )


def in_days(n: int) -> str:
    return (date.today() + timedelta(days=n)).isoformat()


def count_concerns(app) -> int:
    with app.app_context():
        return db.session.scalar(sa.select(sa.func.count(Concern.id)))


# --- raising --------------------------------------------------------------------------------


@pytest.mark.parametrize("role", STAFF_OF_ALVA)
def test_the_pupils_staff_can_raise_a_concern(app, care_team, role):
    # given a member of Alva's care team
    # when they raise a concern about her
    response = raise_as(app, care_team[role], care_team["alva"])
    # then it is stored with who raised it and a "raised" event, and audited about Alva
    assert response.status_code == 302
    concern = stored(app, int(response.headers["Location"].split("/")[-1]))
    assert concern.pupil_id == care_team["alva"].id
    assert concern.raised_by_id == care_team[role].id
    assert concern.category == "wellbeing" and concern.description == DESCRIPTION
    assert concern.status == "open" and concern.kinds == ["raised"]
    assert audit_actions(app, "concern.raise") == [
        (care_team[role].id, care_team["alva"].id, concern.id)
    ]


@pytest.mark.parametrize("role", [*NOT_LINKED, "coordinator"])
def test_others_cannot_raise_a_concern(app, care_team, role):
    # given someone not around Alva (or Alva herself, or a coordinator who is not linked)
    client = client_for(app, care_team[role])
    # when they open the form or send it
    assert client.get(f"/concerns/pupils/{care_team['alva'].id}/new").status_code == 403
    response = client.post(
        f"/concerns/pupils/{care_team['alva'].id}/new",
        data={"category": "study", "description": "x"},
    )
    # then they are refused and nothing is stored
    assert response.status_code == 403
    assert count_concerns(app) == 0


def test_a_concern_cannot_be_raised_about_a_staff_member(app, care_team):
    client = client_for(app, care_team["home_teacher"])
    assert client.get(f"/concerns/pupils/{care_team['mentor'].id}/new").status_code == 403


def test_raising_tells_the_special_educator_and_coordinators_but_mails_no_description(
    app, care_team, make_user, outbox
):
    # given a second, inactive coordinator who must not be told
    from mentorhub.accounts.models import Role

    make_user(Role.COORDINATOR, name="Slutat Samordnare", active=False)
    # when the home teacher raises a concern
    raise_as(app, care_team["home_teacher"], care_team["alva"])
    # then the linked special-needs educator and the active coordinator are told in the app
    assert notified(app, "concern.raised") == {
        care_team["special_educator"].id,
        care_team["coordinator"].id,
    }
    # ... and by mail, which names the people and links, but never holds the description
    mails = outbox()
    assert {m.recipient for m in mails} == {
        care_team["special_educator"].email,
        care_team["coordinator"].email,
    }
    for mail in mails:
        assert "Eva Johansson" in mail.body and "Alva Lindgren" in mail.body
        assert "/concerns/" in mail.body
        assert "sover" not in mail.body and "uppgifter" not in mail.body


@pytest.mark.parametrize(
    ("data", "field_error"),
    [
        ({"description": ""}, "Fyll i det här fältet."),
        ({"description": "   "}, "Fyll i det här fältet."),
        ({"category": "gossip"}, None),
        ({"category": ""}, "Välj ett område."),
        ({"description": "x" * 5001}, "Högst 5000 tecken."),
    ],
)
def test_bad_input_when_raising_is_refused_and_nothing_stored(
    app, care_team, outbox, data, field_error
):
    # when the home teacher sends a concern with a bad field
    response = raise_as(app, care_team["home_teacher"], care_team["alva"], **data)
    # then the form comes back with the message, the other input kept, and nothing is stored
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    if field_error:
        assert field_error in page
    if data.get("category") != "":
        assert 'aria-invalid="true"' in page
    assert count_concerns(app) == 0
    assert notified(app, "concern.raised") == set() and outbox() == []
    assert audit_actions(app, "concern.raise") == []


# --- viewing --------------------------------------------------------------------------------


@pytest.mark.parametrize("role", [*STAFF_OF_ALVA, "coordinator"])
def test_the_care_team_and_coordinators_see_a_concern_and_each_view_is_audited(
    app, care_team, concern, role
):
    client = client_for(app, care_team[role])
    # when they open the concern twice
    for _ in range(2):
        response = client.get(f"/concerns/{concern}")
        assert response.status_code == 200
    # then they see what it is about, and both views are in the audit log about Alva
    page = response.get_data(as_text=True)
    assert "Alva Lindgren" in page and DESCRIPTION in page and "Mående" in page
    assert "Eva Johansson" in page  # who raised it
    views = audit_actions(app, "concern.view")
    assert views == [(care_team[role].id, care_team["alva"].id, concern)] * 2


@pytest.mark.parametrize("role", NOT_LINKED)
def test_the_pupil_and_unlinked_people_cannot_see_a_concern(app, care_team, concern, role):
    client = client_for(app, care_team[role])
    response = client.get(f"/concerns/{concern}")
    assert response.status_code == 403
    assert DESCRIPTION not in response.get_data(as_text=True)
    assert audit_actions(app, "concern.view") == []


def test_the_list_shows_visible_concerns_open_first_with_overdue_reviews_in_words(
    app, care_team, concern
):
    # given a second concern that is closed, and the first one's review date passed
    second = raise_as(app, care_team["mentor"], care_team["alva"], category="attendance")
    second_id = int(second.headers["Location"].split("/")[-1])
    client_for(app, care_team["mentor"]).post(
        f"/concerns/{second_id}/close", data={"closing_note": "Löst"}
    )
    with app.app_context():
        db.session.get(Concern, concern).review_on = date.today() - timedelta(days=3)
        db.session.commit()
    client = client_for(app, care_team["special_educator"])
    # when the special-needs educator opens the list
    page = client.get("/concerns/").get_data(as_text=True)
    # then both are there, the open one first, its overdue review said in words
    assert page.index("Mående") < page.index("Närvaro")
    assert "Uppföljningen är försenad" in page
    # ... and the filters show only open or only closed ones
    only_open = client.get("/concerns/?status=open").get_data(as_text=True)
    assert "Mående" in only_open and "Närvaro" not in only_open
    only_closed = client.get("/concerns/?status=closed").get_data(as_text=True)
    assert "Närvaro" in only_closed and "Mående" not in only_closed


@pytest.mark.parametrize(
    ("role", "sees"), [("coordinator", True), ("other_mentor", False), ("unlinked_teacher", False)]
)
def test_the_list_holds_only_what_the_user_may_open(app, care_team, concern, role, sees):
    response = client_for(app, care_team[role]).get("/concerns/")
    assert response.status_code == 200
    assert ("Alva Lindgren" in response.get_data(as_text=True)) is sees


@pytest.mark.parametrize("role", ["alva", "noah"])
def test_pupils_get_no_concern_list_and_no_concern_notifications(app, care_team, concern, role):
    client = client_for(app, care_team[role])
    assert client.get("/concerns/").status_code == 403
    page = client.get("/notifications/").get_data(as_text=True)
    assert "/concerns/" not in page
    with app.app_context():
        kinds = db.session.scalars(
            sa.select(Notification.kind).where(Notification.user_id == care_team[role].id)
        ).all()
    assert not [k for k in kinds if k.startswith("concern.")]


# --- plan, review, close ------------------------------------------------------------------------


def test_a_refused_plan_still_logs_that_the_concern_was_shown(app, care_team, concern):
    # given the concern page shown again after a refused plan (no action plan written)
    client = client_for(app, care_team["special_educator"])
    response = client.post(f"/concerns/{concern}/plan", data=plan_data(care_team, action_plan=""))
    # then nothing of the plan is stored, but the read of the concern is in the log, once
    assert response.status_code == 422
    assert stored(app, concern).action_plan == ""
    assert audit_actions(app, "concern.view") == [
        (care_team["special_educator"].id, care_team["alva"].id, concern)
    ]


def plan_data(care_team, **changes) -> dict:
    return {
        "action_plan": "Veckovisa samtal med specialpedagogen; anpassad planering.",
        "responsible_id": str(care_team["special_educator"].id),
        "review_on": in_days(14),
        **changes,
    }


@pytest.mark.parametrize("role", [*STAFF_OF_ALVA, "coordinator"])
def test_the_care_team_and_coordinators_set_the_plan_review_and_close(
    app, care_team, concern, role
):
    client = client_for(app, care_team[role])
    # when they set a plan, review it and close it
    assert client.post(f"/concerns/{concern}/plan", data=plan_data(care_team)).status_code == 302
    response = client.post(
        f"/concerns/{concern}/review", data={"note": "Bättre nu.", "next_review_on": in_days(21)}
    )
    assert response.status_code == 302
    response = client.post(f"/concerns/{concern}/close", data={"closing_note": "Planen räcker."})
    assert response.status_code == 302
    # then the concern holds it all, with its history, and each step is audited about Alva
    found = stored(app, concern)
    assert found.action_plan.startswith("Veckovisa samtal")
    assert found.responsible_id == care_team["special_educator"].id
    assert found.review_on == date.today() + timedelta(days=21)
    assert found.status == "closed" and found.closing_note == "Planen räcker."
    assert found.closed_by_id == care_team[role].id and found.closed_at is not None
    assert found.kinds == ["raised", "plan", "review", "closed"]
    for action in ("concern.plan", "concern.review", "concern.close"):
        assert audit_actions(app, action) == [(care_team[role].id, care_team["alva"].id, concern)]


@pytest.mark.parametrize("role", NOT_LINKED)
@pytest.mark.parametrize("step", ["plan", "review", "close"])
def test_others_cannot_plan_review_or_close(app, care_team, concern, role, step):
    data = {**plan_data(care_team), "note": "x", "closing_note": "x"}
    response = client_for(app, care_team[role]).post(f"/concerns/{concern}/{step}", data=data)
    assert response.status_code == 403
    found = stored(app, concern)
    assert found.kinds == ["raised"] and found.status == "open" and found.action_plan == ""


def test_the_responsible_person_is_told_once(app, care_team, concern):
    client = client_for(app, care_team["special_educator"])
    # when the plan names the home teacher responsible, and the plan is then changed
    data = plan_data(care_team, responsible_id=str(care_team["home_teacher"].id))
    client.post(f"/concerns/{concern}/plan", data=data)
    client.post(f"/concerns/{concern}/plan", data={**data, "action_plan": "Ny plan."})
    # then the home teacher is told once that they are responsible
    with app.app_context():
        rows = db.session.scalars(
            sa.select(Notification.user_id).where(Notification.kind == "concern.responsible")
        ).all()
    assert rows == [care_team["home_teacher"].id]
    assert stored(app, concern).kinds == ["raised", "plan", "plan"]


def test_a_coordinator_may_be_made_responsible(app, care_team, concern):
    client = client_for(app, care_team["home_teacher"])
    data = plan_data(care_team, responsible_id=str(care_team["coordinator"].id))
    assert client.post(f"/concerns/{concern}/plan", data=data).status_code == 302
    assert stored(app, concern).responsible_id == care_team["coordinator"].id


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"action_plan": ""}, "Fyll i det här fältet."),
        ({"responsible_id": "other_mentor"}, "Välj någon i elevens personal eller en samordnare."),
        ({"responsible_id": "unlinked_teacher"}, "Välj någon i elevens personal"),
        ({"responsible_id": "alva"}, "Välj någon i elevens personal"),
        ({"responsible_id": "0"}, "Välj vem som är ansvarig."),
        ({"review_on": "yesterday"}, "Datumet för uppföljningen kan inte ha passerat."),
        ({"review_on": ""}, "Välj ett datum för nästa uppföljning."),
    ],
)
def test_a_bad_plan_is_refused_and_nothing_stored(app, care_team, concern, changes, message):
    if changes.get("review_on") == "yesterday":
        changes = {"review_on": in_days(-1)}
    if changes.get("responsible_id") in care_team:
        changes = {"responsible_id": str(care_team[changes["responsible_id"]].id)}
    client = client_for(app, care_team["special_educator"])
    response = client.post(f"/concerns/{concern}/plan", data=plan_data(care_team, **changes))
    # then the page comes back with the message at the field and the typed plan kept
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert message in page
    if "action_plan" not in changes:
        assert "Veckovisa samtal med specialpedagogen" in page
    found = stored(app, concern)
    assert found.kinds == ["raised"] and found.action_plan == "" and found.responsible_id is None
    assert audit_actions(app, "concern.plan") == []
    assert notified(app, "concern.responsible") == set()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"note": ""}, "Fyll i det här fältet."),
        (
            {"note": "Bra", "next_review_on": "past"},
            "Datumet för uppföljningen kan inte ha passerat.",
        ),
    ],
)
def test_a_bad_review_is_refused_and_nothing_stored(app, care_team, concern, data, message):
    if data.get("next_review_on") == "past":
        data = {**data, "next_review_on": in_days(-2)}
    client = client_for(app, care_team["mentor"])
    response = client.post(f"/concerns/{concern}/review", data=data)
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    assert stored(app, concern).kinds == ["raised"]
    assert audit_actions(app, "concern.review") == []


def test_a_review_without_a_date_keeps_the_review_date(app, care_team, concern):
    client = client_for(app, care_team["mentor"])
    client.post(f"/concerns/{concern}/plan", data=plan_data(care_team))
    client.post(f"/concerns/{concern}/review", data={"note": "Oförändrat."})
    found = stored(app, concern)
    assert found.review_on == date.today() + timedelta(days=14)
    assert found.kinds == ["raised", "plan", "review"]


def test_closing_needs_a_note(app, care_team, concern):
    client = client_for(app, care_team["special_educator"])
    response = client.post(f"/concerns/{concern}/close", data={"closing_note": "  "})
    assert response.status_code == 422
    assert "Fyll i det här fältet." in response.get_data(as_text=True)
    found = stored(app, concern)
    assert found.status == "open" and found.closed_at is None and found.kinds == ["raised"]


def test_closing_tells_the_raiser_and_the_responsible(app, care_team, concern, outbox):
    # given a plan with the mentor responsible
    se = client_for(app, care_team["special_educator"])
    se.post(
        f"/concerns/{concern}/plan",
        data=plan_data(care_team, responsible_id=str(care_team["mentor"].id)),
    )
    # when the special-needs educator closes it
    se.post(f"/concerns/{concern}/close", data={"closing_note": "Det har vänt."})
    # then the home teacher who raised it and the responsible mentor are told, not the closer
    assert notified(app, "concern.closed") == {care_team["home_teacher"].id, care_team["mentor"].id}
    assert all("Det har vänt" not in m.body and DESCRIPTION not in m.body for m in outbox())


def test_a_closed_concern_is_read_only(app, care_team, concern):
    client = client_for(app, care_team["special_educator"])
    client.post(f"/concerns/{concern}/close", data={"closing_note": "Klart."})
    # when anyone tries to change it
    for step, data in [
        ("plan", plan_data(care_team)),
        ("review", {"note": "Mer"}),
        ("close", {"closing_note": "Igen"}),
    ]:
        response = client.post(f"/concerns/{concern}/{step}", data=data, follow_redirects=True)
        # then they are told it is closed, and nothing changes
        assert "Oron är avslutad och kan inte längre ändras." in response.get_data(as_text=True)
    found = stored(app, concern)
    assert found.kinds == ["raised", "closed"] and found.closing_note == "Klart."
    assert found.action_plan == ""
    # ... and its page offers no forms, only the closing note and history
    page = client.get(f"/concerns/{concern}").get_data(as_text=True)
    assert "Klart." in page and 'action="/concerns/' not in page


def test_a_closed_concern_refuses_a_pupil_with_403_not_a_message(app, care_team, concern):
    client_for(app, care_team["home_teacher"]).post(
        f"/concerns/{concern}/close", data={"closing_note": "Klart."}
    )
    response = client_for(app, care_team["alva"]).post(
        f"/concerns/{concern}/close", data={"closing_note": "x"}
    )
    assert response.status_code == 403


# --- counts for the review list ------------------------------------------------------------------


def test_open_concern_counts_in_one_query(app, care_team, concern, count_queries):
    # given a second open concern about Alva and a closed one about Noah... (Noah has no team link
    # but his mentor does)
    raise_as(app, care_team["mentor"], care_team["alva"])
    noah = raise_as(app, care_team["mentor"], care_team["noah"])
    noah_id = int(noah.headers["Location"].split("/")[-1])
    client_for(app, care_team["mentor"]).post(
        f"/concerns/{noah_id}/close", data={"closing_note": "x"}
    )
    with app.app_context(), count_queries() as queries:
        counts = services.open_concern_counts(
            [care_team["alva"].id, care_team["noah"].id, care_team["outsider"].id]
        )
    assert counts == {care_team["alva"].id: 2}
    assert len(queries) == 1


def test_the_responsible_choices_are_the_care_team_and_coordinators(app, care_team):
    with app.app_context():
        names = [u.name for u in services.responsible_choices(care_team["alva"].id)]
    assert sorted(names) == sorted(
        ["Anna Bergström", "Eva Johansson", "Helena Olsson", "Karin Lindqvist"]
    )


def test_history_lists_each_event_with_its_note(app, care_team, concern):
    client = client_for(app, care_team["special_educator"])
    client.post(f"/concerns/{concern}/plan", data=plan_data(care_team))
    client.post(f"/concerns/{concern}/review", data={"note": "Första uppföljningen."})
    with app.app_context():
        bodies = db.session.scalars(
            sa.select(ConcernEvent.body).where(ConcernEvent.concern_id == concern)
        ).all()
    assert bodies[2] == "Första uppföljningen."
    page = client.get(f"/concerns/{concern}").get_data(as_text=True)
    history = page[page.index('id="history"') :]
    for word in ("Oro anmäld", "Åtgärdsplan satt", "Uppföljd", "Första uppföljningen."):
        assert word in history


def test_the_concern_page_has_no_two_fields_with_the_same_id(app, care_team, concern):
    # labels point at ids: the review's note and the closing note must not share one
    import re

    page = client_for(app, care_team["special_educator"]).get(f"/concerns/{concern}")
    ids = re.findall(r'\bid="([^"]+)"', page.get_data(as_text=True))
    repeated = {i for i in ids if ids.count(i) > 1} - {"csrf_token"}
    assert not repeated
