"""Journey 7, study-technique goals: who may see and change a pupil's goals (each role, linked and
not linked), creating from a template, the edit history, comments, check-ins and the weekly prompt,
state changes, "what to build up next", bad input refused with nothing stored, notifications and
the audit trail."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
import sqlalchemy as sa

from mentorhub.audit import AuditEntry
from mentorhub.extensions import db
from mentorhub.goals import services
from mentorhub.goals.models import BuildUpSummary, CheckIn, Goal, GoalEvent
from mentorhub.notifications.models import Notification
from tests.conftest import login


@pytest.fixture
def say(app):
    """The text the server shows for an English msgid, in Swedish (the default language)."""
    from flask_babel import force_locale, gettext

    def say(msgid: str, **params) -> str:
        with app.test_request_context(), force_locale("sv"):
            return gettext(msgid, **params)

    return say


FUTURE = (date.today() + timedelta(days=30)).isoformat()
GOAL = {
    "title": "Planera veckan",
    "why": "Gymnasiet kräver mer planering.",
    "steps": "Skriv ner veckans prov\nVälj tider för läxor",
    "target_date": FUTURE,
    "evidence": "En plan varje vecka.",
}


def client_for(app, user):
    client = app.test_client()
    assert login(client, user).status_code == 302
    return client


def make_goal(app, pupil, by, **fields) -> int:
    with app.app_context():
        goal = Goal(pupil_id=pupil.id, created_by_id=by.id, **{"title": "Planera veckan", **fields})
        db.session.add(goal)
        db.session.flush()
        db.session.add(GoalEvent(goal_id=goal.id, kind="created", author_id=by.id))
        db.session.commit()
        return goal.id


def rows(app, model, *where):
    with app.app_context():
        found = db.session.scalars(sa.select(model).where(*where)).unique().all()
        for row in found:
            db.session.expunge(row)
        return found


def notified(app, kind):
    """{user_id: params} of the notifications of a kind."""
    return {n.user_id: n.params for n in rows(app, Notification, Notification.kind == kind)}


# --- permissions: each role, linked and not linked ------------------------------------------

ACTIONS = ("view", "list", "create", "edit", "comment", "check_in", "status", "build_up")
ALLOWED = {
    "mentor": {"view", "list", "create", "edit", "comment", "check_in", "status", "build_up"},
    "home_teacher": {"view", "list", "create", "edit", "comment", "check_in", "status"},
    "special_educator": {"view", "list", "create", "edit", "comment", "check_in", "status"},
    "unlinked_teacher": set(),
    "other_mentor": set(),
    "coordinator": set(),
    "alva": {"view", "list", "comment", "check_in"},  # the pupil; "list" sends her to "My goals"
    "noah": set(),  # another pupil, even in the same room
}


def _request(client, action, pupil_id, goal_id):
    if action == "view":
        return client.get(f"/goals/{goal_id}")
    if action == "list":
        return client.get(f"/goals/pupils/{pupil_id}")
    if action == "create":
        return client.post(f"/goals/pupils/{pupil_id}/new", data=GOAL)
    if action == "edit":
        return client.post(f"/goals/{goal_id}/edit", data={**GOAL, "title": "Nytt"})
    if action == "comment":
        return client.post(f"/goals/{goal_id}/comments", data={"body": "Bra jobbat"})
    if action == "check_in":
        return client.post(f"/goals/{goal_id}/checkins", data={"rating": "3"})
    if action == "status":
        return client.post(f"/goals/{goal_id}/status", data={"to": "paused", "note": "Lov"})
    if action == "build_up":
        return client.post(f"/goals/pupils/{pupil_id}/build-up", data={"body": "Anteckna"})
    raise AssertionError(action)


@pytest.mark.parametrize("who", sorted(ALLOWED))
@pytest.mark.parametrize("action", ACTIONS)
def test_only_the_pupil_and_their_care_team_reach_a_goal(app, care_team, who, action):
    # given a goal for Alva, written by her mentor
    alva = care_team["alva"]
    goal_id = make_goal(app, alva, care_team["mentor"])
    # when someone in that position tries the action
    response = _request(client_for(app, care_team[who]), action, alva.id, goal_id)
    # then the care team and the pupil get what the rules allow, everyone else 403
    if action in ALLOWED[who]:
        assert response.status_code in (200, 302), response.get_data(as_text=True)[:500]
    else:
        assert response.status_code == 403


@pytest.mark.parametrize(
    "path", ["/goals/pupils/{id}", "/goals/pupils/{id}/new", "/goals/pupils/{id}/build-up"]
)
def test_an_outsider_cannot_tell_an_existing_pupil_from_a_missing_one(app, care_team, path):
    # given a mentor who is not in Alva's care team, and an id nobody has
    outsider = client_for(app, care_team["other_mentor"])
    missing = care_team["alva"].id + 10_000
    method = outsider.post if path.endswith("build-up") else outsider.get
    # when they ask for Alva's goal pages and for the missing pupil's
    existing = method(path.format(id=care_team["alva"].id))
    absent = method(path.format(id=missing))
    # then both are refused the same way, before anything is loaded
    assert existing.status_code == absent.status_code == 403


def test_the_pupil_is_sent_from_the_staff_list_to_her_own_goals(app, care_team):
    response = client_for(app, care_team["alva"]).get(f"/goals/pupils/{care_team['alva'].id}")
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/goals/mine")


def test_my_goals_lists_the_pupils_own_goals_and_the_latest_summary(app, care_team):
    alva, noah = care_team["alva"], care_team["noah"]
    make_goal(app, alva, care_team["mentor"], title="Anteckna på lektionen")
    make_goal(app, noah, care_team["mentor"], title="Noahs mål")
    with app.app_context():
        db.session.add(
            BuildUpSummary(
                pupil_id=alva.id, mentor_id=care_team["mentor"].id, body="Träna på att läsa aktivt."
            )
        )
        db.session.commit()
    page = client_for(app, alva).get("/goals/mine").get_data(as_text=True)
    assert "Anteckna på lektionen" in page
    assert "Noahs mål" not in page
    assert "Träna på att läsa aktivt." in page
    assert client_for(app, care_team["mentor"]).get("/goals/mine").status_code == 403


# --- creating -----------------------------------------------------------------------------------


def test_choosing_a_template_prefills_the_form_without_javascript(app, care_team):
    teacher = client_for(app, care_team["special_educator"])
    page = teacher.get(f"/goals/pupils/{care_team['alva'].id}/new?template=prepare_test")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert 'name="template" type="hidden" value="prepare_test"' in html
    # the template's text, in the default language Swedish, fills the form
    assert 'value="Förbered mig i tid inför prov"' in html
    assert "Skriv upp vad provet handlar om så fort det är bestämt" in html


def test_a_goal_from_a_template_is_stored_with_its_key_and_everyone_else_is_told(app, care_team):
    alva, educator = care_team["alva"], care_team["special_educator"]
    response = client_for(app, educator).post(
        f"/goals/pupils/{alva.id}/new", data={**GOAL, "template": "plan_week"}
    )
    assert response.status_code == 302
    [goal] = rows(app, Goal)
    assert (goal.pupil_id, goal.template, goal.created_by_id) == (alva.id, "plan_week", educator.id)
    assert goal.status == "active" and goal.target_date == date.fromisoformat(FUTURE)
    assert [e.kind for e in rows(app, GoalEvent)] == ["created"]
    told = notified(app, "goal.created")
    assert set(told) == {alva.id, care_team["mentor"].id, care_team["home_teacher"].id}
    assert told[alva.id] == {"author": educator.name, "pupil": alva.name, "goal": "Planera veckan"}


def test_the_steps_are_shown_as_a_list(app, care_team):
    goal_id = make_goal(app, care_team["alva"], care_team["mentor"], steps="Ett\nTvå")
    html = client_for(app, care_team["alva"]).get(f"/goals/{goal_id}").get_data(as_text=True)
    assert '<ol class="goal-steps"><li>Ett</li><li>Två</li></ol>' in html


@pytest.mark.parametrize(
    ("changes", "field_message"),
    [
        ({"title": ""}, "Fyll i det här fältet."),
        ({"title": "   "}, None),
        ({"target_date": (date.today() - timedelta(days=1)).isoformat()}, None),
    ],
)
def test_a_goal_without_title_or_with_a_past_date_is_refused_and_nothing_stored(
    app, care_team, changes, field_message
):
    response = client_for(app, care_team["mentor"]).post(
        f"/goals/pupils/{care_team['alva'].id}/new", data={**GOAL, **changes}
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert 'aria-invalid="true"' in html
    assert "Gymnasiet kräver mer planering." in html  # the other input is kept
    assert rows(app, Goal) == [] and rows(app, Notification) == []


def test_a_past_target_date_gets_a_clear_message(app, care_team, say):
    yesterday = (date.today() - timedelta(days=1)).isoformat()
    html = (
        client_for(app, care_team["mentor"])
        .post(f"/goals/pupils/{care_team['alva'].id}/new", data={**GOAL, "target_date": yesterday})
        .get_data(as_text=True)
    )
    assert say("The target date cannot be in the past.") in html


# --- editing --------------------------------------------------------------------------------------


def test_an_edit_records_who_changed_which_fields_from_what_to_what(app, care_team):
    alva, teacher = care_team["alva"], care_team["home_teacher"]
    goal_id = make_goal(
        app,
        alva,
        care_team["mentor"],
        why="Gymnasiet kräver mer planering.",
        steps="Skriv ner veckans prov\nVälj tider för läxor",
        evidence="En plan varje vecka.",
        target_date=date.fromisoformat(FUTURE),
    )
    response = client_for(app, teacher).post(
        f"/goals/{goal_id}/edit", data={**GOAL, "evidence": "En plan i kalendern."}
    )
    assert response.status_code == 302
    [edit] = rows(app, GoalEvent, GoalEvent.kind == "edited")
    assert edit.author_id == teacher.id
    assert edit.changes == {"evidence": ["En plan varje vecka.", "En plan i kalendern."]}
    # and the timeline shows it to the pupil
    html = client_for(app, alva).get(f"/goals/{goal_id}").get_data(as_text=True)
    assert "En plan varje vecka." in html and "En plan i kalendern." in html


def test_an_edit_that_changes_nothing_records_nothing_and_says_so(app, care_team, say):
    goal_id = make_goal(
        app,
        care_team["alva"],
        care_team["mentor"],
        why=GOAL["why"],
        steps=GOAL["steps"],
        evidence=GOAL["evidence"],
        target_date=date.fromisoformat(FUTURE),
    )
    client = client_for(app, care_team["mentor"])
    response = client.post(f"/goals/{goal_id}/edit", data=GOAL, follow_redirects=True)
    assert say("Nothing was changed.") in response.get_data(as_text=True)
    assert rows(app, GoalEvent, GoalEvent.kind == "edited") == []


def test_an_old_target_date_may_stay_when_other_fields_are_edited(app, care_team):
    past = date.today() - timedelta(days=10)
    goal_id = make_goal(app, care_team["alva"], care_team["mentor"], target_date=past)
    response = client_for(app, care_team["mentor"]).post(
        f"/goals/{goal_id}/edit",
        data={"title": "Planera veckan bättre", "target_date": past.isoformat()},
    )
    assert response.status_code == 302
    [edit] = rows(app, GoalEvent, GoalEvent.kind == "edited")
    assert set(edit.changes) == {"title"}


def test_an_edit_with_an_empty_title_changes_nothing(app, care_team):
    goal_id = make_goal(app, care_team["alva"], care_team["mentor"])
    response = client_for(app, care_team["mentor"]).post(
        f"/goals/{goal_id}/edit", data={**GOAL, "title": ""}
    )
    assert response.status_code == 422
    [goal] = rows(app, Goal)
    assert goal.title == "Planera veckan"
    assert rows(app, GoalEvent, GoalEvent.kind == "edited") == []


# --- comments ---------------------------------------------------------------------------------


def test_a_comment_by_the_pupil_reaches_the_care_team(app, care_team):
    alva = care_team["alva"]
    goal_id = make_goal(app, alva, care_team["mentor"])
    response = client_for(app, alva).post(f"/goals/{goal_id}/comments", data={"body": "Svårt!"})
    assert response.status_code == 302
    [event] = rows(app, GoalEvent, GoalEvent.kind == "comment")
    assert (event.author_id, event.body) == (alva.id, "Svårt!")
    told = notified(app, "goal.commented")
    assert set(told) == {
        care_team["mentor"].id,
        care_team["home_teacher"].id,
        care_team["special_educator"].id,
    }
    assert told[care_team["mentor"].id] == {"author": alva.name, "goal": "Planera veckan"}


def test_an_empty_comment_is_refused_visibly(app, care_team, say):
    goal_id = make_goal(app, care_team["alva"], care_team["mentor"])
    response = client_for(app, care_team["mentor"]).post(
        f"/goals/{goal_id}/comments", data={"body": "  "}
    )
    assert response.status_code == 422
    assert say("Write a comment before sending.") in response.get_data(as_text=True)
    assert rows(app, GoalEvent, GoalEvent.kind == "comment") == []
    assert rows(app, Notification) == []


# --- check-ins and the weekly prompt -----------------------------------------------------------


def test_a_check_in_is_stored_and_shown_in_the_chart_and_its_table(app, care_team, say):
    alva = care_team["alva"]
    goal_id = make_goal(app, alva, care_team["mentor"])
    client = client_for(app, alva)
    response = client.post(f"/goals/{goal_id}/checkins", data={"rating": "2", "comment": "Ibland"})
    assert response.status_code == 302
    [checkin] = rows(app, CheckIn)
    assert (checkin.rating, checkin.comment, checkin.author_id) == (2, "Ibland", alva.id)
    html = client.get(f"/goals/{goal_id}").get_data(as_text=True)
    assert 'role="img"' in html and "<circle" in html and "style=" not in html
    assert f"<td>2 – {say('A little')}</td>" in html and "<td>Ibland</td>" in html


@pytest.mark.parametrize("rating", ["0", "5", "x", ""])
def test_a_rating_outside_1_to_4_is_refused_and_nothing_stored(app, care_team, rating, say):
    goal_id = make_goal(app, care_team["alva"], care_team["mentor"])
    response = client_for(app, care_team["alva"]).post(
        f"/goals/{goal_id}/checkins", data={"rating": rating, "comment": "Mitt svar"}
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert say("Choose how it is going, from 1 to 4.") in html
    assert "Mitt svar" in html  # the comment is kept
    assert rows(app, CheckIn) == []


def test_a_goal_that_is_not_active_cannot_be_rated(app, care_team):
    goal_id = make_goal(app, care_team["alva"], care_team["mentor"], status="paused")
    response = client_for(app, care_team["alva"]).post(
        f"/goals/{goal_id}/checkins", data={"rating": "3"}
    )
    assert response.status_code == 403
    assert rows(app, CheckIn) == []


def test_the_start_page_prompts_the_pupil_until_she_has_rated_this_week(app, care_team):
    alva = care_team["alva"]
    goal_id = make_goal(app, alva, care_team["mentor"], title="Ställ frågor i tid")
    make_goal(app, alva, care_team["mentor"], title="Pausat mål", status="paused")
    client = client_for(app, alva)
    start = client.get("/").get_data(as_text=True)
    assert f'action="/goals/{goal_id}/checkins"' in start
    assert "Pausat mål" not in start
    # a rating by staff does not count as the pupil's own
    client_for(app, care_team["mentor"]).post(f"/goals/{goal_id}/checkins", data={"rating": "3"})
    assert f'action="/goals/{goal_id}/checkins"' in client.get("/").get_data(as_text=True)
    # she rates from the start page and comes back to it
    response = client.post(
        f"/goals/{goal_id}/checkins", data={"rating": "4", "comment": "Bra", "next": "/"}
    )
    assert response.status_code == 302 and response.headers["Location"] == "/"
    assert f'action="/goals/{goal_id}/checkins"' not in client.get("/").get_data(as_text=True)


def test_last_weeks_rating_brings_the_prompt_back(app, care_team):
    alva = care_team["alva"]
    goal_id = make_goal(app, alva, care_team["mentor"])
    with app.app_context():
        db.session.add(
            CheckIn(
                goal_id=goal_id,
                pupil_id=alva.id,
                author_id=alva.id,
                rating=3,
                created_at=datetime.utcnow() - timedelta(days=8),
            )
        )
        db.session.commit()
        assert [g.id for g in services.checkin_prompt_for(db.session.get(type(alva), alva.id))] == [
            goal_id
        ]


@pytest.mark.parametrize("target", ["https://evil.example/", "//evil.example/", "/\\evil.example"])
def test_a_check_in_never_sends_the_pupil_off_site(app, care_team, target):
    goal_id = make_goal(app, care_team["alva"], care_team["mentor"])
    response = client_for(app, care_team["alva"]).post(
        f"/goals/{goal_id}/checkins", data={"rating": "3", "next": target}
    )
    assert response.status_code == 302
    assert response.headers["Location"].startswith(f"/goals/{goal_id}")


def test_the_prompt_is_one_query_for_the_goals_whatever_their_number(app, care_team, count_queries):
    alva = care_team["alva"]
    for n in range(6):
        make_goal(app, alva, care_team["mentor"], title=f"Mål {n}")
    with app.app_context():
        pupil = db.session.get(type(alva), alva.id)
        with count_queries() as statements:
            due = services.checkin_prompt_for(pupil)
    assert len(due) == 6
    # the goals with their last rating, and the roles of the people named on them
    assert len(statements) <= 3, statements


# --- state ------------------------------------------------------------------------------------


def test_reaching_a_goal_needs_a_note_and_everyone_hears_of_it(app, care_team):
    alva, mentor = care_team["alva"], care_team["mentor"]
    goal_id = make_goal(app, alva, mentor)
    client = client_for(app, mentor)
    assert (
        client.post(f"/goals/{goal_id}/status", data={"to": "reached", "note": ""}).status_code
        == 422
    )
    assert rows(app, Goal)[0].status == "active"
    response = client.post(f"/goals/{goal_id}/status", data={"to": "reached", "note": "Klart!"})
    assert response.status_code == 302
    [goal] = rows(app, Goal)
    assert goal.status == "reached"
    [event] = rows(app, GoalEvent, GoalEvent.kind == "status")
    assert (event.changes, event.body) == ({"from": "active", "to": "reached"}, "Klart!")
    told = notified(app, "goal.status")
    assert set(told) == {alva.id, care_team["home_teacher"].id, care_team["special_educator"].id}
    assert told[alva.id] == {"goal": "Planera veckan", "status": "reached"}


@pytest.mark.parametrize(
    ("current", "to"),
    [("reached", "active"), ("replaced", "paused"), ("paused", "reached"), ("active", "bogus")],
)
def test_an_illegal_state_change_is_refused_visibly(app, care_team, current, to, say):
    goal_id = make_goal(app, care_team["alva"], care_team["mentor"], status=current)
    response = client_for(app, care_team["home_teacher"]).post(
        f"/goals/{goal_id}/status", data={"to": to, "note": "Försök"}
    )
    assert response.status_code == 422
    assert say("The goal cannot be moved to that state from its current one.") in (
        response.get_data(as_text=True)
    )
    assert rows(app, Goal)[0].status == current
    assert rows(app, GoalEvent, GoalEvent.kind == "status") == []


def test_a_paused_goal_can_be_resumed(app, care_team):
    goal_id = make_goal(app, care_team["alva"], care_team["mentor"], status="paused")
    client_for(app, care_team["home_teacher"]).post(
        f"/goals/{goal_id}/status", data={"to": "active", "note": "Efter lovet"}
    )
    assert rows(app, Goal)[0].status == "active"


# --- what to build up next ------------------------------------------------------------------


def test_the_mentor_writes_what_to_build_up_next_and_older_ones_are_kept(app, care_team):
    alva, mentor = care_team["alva"], care_team["mentor"]
    client = client_for(app, mentor)
    client.post(f"/goals/pupils/{alva.id}/build-up", data={"body": "Läsa aktivt."})
    client.post(f"/goals/pupils/{alva.id}/build-up", data={"body": "Planera längre arbeten."})
    assert [s.body for s in rows(app, BuildUpSummary)] == [
        "Läsa aktivt.",
        "Planera längre arbeten.",
    ]
    with app.app_context():
        assert services.latest_build_up(alva.id, reader=alva).body == "Planera längre arbeten."
    # the care team sees the latest first and the older one kept
    html = (
        client_for(app, care_team["special_educator"])
        .get(f"/goals/pupils/{alva.id}")
        .get_data(as_text=True)
    )
    assert html.index("Planera längre arbeten.") < html.index("Läsa aktivt.")
    told = notified(app, "build_up.written")
    assert set(told) == {alva.id, care_team["home_teacher"].id, care_team["special_educator"].id}


def test_an_empty_build_up_summary_is_refused(app, care_team, say):
    response = client_for(app, care_team["mentor"]).post(
        f"/goals/pupils/{care_team['alva'].id}/build-up", data={"body": " "}
    )
    assert response.status_code == 422
    assert say("Write what the pupil should build up next.") in response.get_data(as_text=True)
    assert rows(app, BuildUpSummary) == []


# --- audit and bulk reading -----------------------------------------------------------------


def test_staff_views_are_audited_and_the_pupils_own_are_not(app, care_team):
    alva, teacher = care_team["alva"], care_team["home_teacher"]
    goal_id = make_goal(app, alva, care_team["mentor"])
    staff = client_for(app, teacher)
    staff.get(f"/goals/pupils/{alva.id}")
    staff.get(f"/goals/{goal_id}")
    client_for(app, alva).get(f"/goals/{goal_id}")
    entries = rows(app, AuditEntry, AuditEntry.action.in_(["goals.view", "goal.view"]))
    assert sorted((e.action, e.actor_id, e.person_id) for e in entries) == [
        ("goal.view", teacher.id, alva.id),
        ("goals.view", teacher.id, alva.id),
    ]


def test_a_refused_comment_stores_only_that_the_goal_was_shown(app, care_team):
    # given a goal, and its page shown again to the home teacher after a refused comment
    alva, teacher = care_team["alva"], care_team["home_teacher"]
    goal_id = make_goal(app, alva, care_team["mentor"])
    # when
    response = client_for(app, teacher).post(f"/goals/{goal_id}/comments", data={"body": " "})
    # then the comment is refused and not stored, but the read of Alva's goal is logged once
    assert response.status_code == 422
    assert rows(app, GoalEvent, GoalEvent.kind == "comment") == []
    entries = rows(app, AuditEntry, AuditEntry.person_id == alva.id)
    assert [(e.action, e.actor_id) for e in entries] == [("goal.view", teacher.id)]


def test_goals_and_check_ins_load_in_bulk(app, care_team, count_queries):
    alva, noah, mentor = care_team["alva"], care_team["noah"], care_team["mentor"]
    active = make_goal(app, alva, mentor, title="Aktivt")
    reached = make_goal(app, alva, mentor, title="Nått", status="reached")
    other = make_goal(app, noah, mentor)
    with app.app_context():
        for rating in (1, 3):
            db.session.add(
                CheckIn(goal_id=active, pupil_id=alva.id, author_id=alva.id, rating=rating)
            )
        db.session.commit()
        with count_queries() as statements:
            goals = services.goals_for_pupils([alva.id, noah.id])
            checkins = services.checkins_for_goals([active, reached, other])
        # goals, check-ins, and the roles of the people named on them: not one per goal
        assert len(statements) <= 5, statements
        assert [g.id for g in goals[alva.id]] == [active, reached]  # active first
        assert [c.rating for c in checkins[active]] == [1, 3]  # oldest first
        assert checkins[other] == []


def test_a_comment_is_shown_with_its_markdown_rendered_and_sanitised(app, care_team):
    goal_id = make_goal(app, care_team["alva"], care_team["mentor"])
    client = client_for(app, care_team["mentor"])
    client.post(f"/goals/{goal_id}/comments", data={"body": "Det är **fet** <b>inte</b>"})
    page = client.get(f"/goals/{goal_id}").get_data(as_text=True)
    assert "<strong>fet</strong>" in page
    assert "&lt;b&gt;inte&lt;/b&gt;" in page and "**fet**" not in page
