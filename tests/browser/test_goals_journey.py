"""Journey 7, shared study-technique goals: the special-needs educator writes a goal from a
template; the pupil rates it from the weekly prompt on her start page; the mentor comments and
writes "what to build up next"; the goal's timeline shows the rating chart (with its table) and
the events; the goal is marked reached with a note. Every page is checked with axe."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
import sqlalchemy as sa
from playwright.sync_api import expect

from mentorhub.extensions import db
from mentorhub.goals.models import Goal
from tests.conftest import assert_accessible, browser_login

pytestmark = pytest.mark.browser


def test_a_goal_from_template_to_reached(app, care_team, new_page, say, either):
    alva = care_team["alva"]
    target = (date.today() + timedelta(days=42)).isoformat()

    # the special-needs educator opens Alva's goals and starts a new goal from a template
    educator = new_page()
    browser_login(educator, care_team["special_educator"].email)
    educator.goto(f"/goals/pupils/{alva.id}")
    expect(educator.get_by_role("heading", level=1)).to_have_text(
        either("Goals for %(name)s", name=alva.name)
    )
    assert_accessible(educator)
    educator.get_by_role("link", name=either("New goal")).click()
    assert_accessible(educator)
    educator.get_by_role("link", name=either("Plan my week")).click()
    expect(educator.get_by_label(either("Goal"), exact=True)).to_have_value(say("Plan my week"))
    expect(educator.get_by_label(either("Steps"))).to_have_value(re.compile("\n"))
    assert_accessible(educator)
    # she sets a target date and saves
    educator.get_by_label(either("Target date")).fill(target)
    educator.get_by_role("button", name=either("Save the goal")).click()
    expect(educator.get_by_role("heading", level=1)).to_have_text(say("Plan my week"))
    expect(educator.locator(".goal-steps li")).to_have_count(3)
    assert_accessible(educator)
    goal_url = educator.url
    with app.app_context():
        goal_id = db.session.scalar(sa.select(Goal.id))

    # the pupil is prompted on her start page, rates the goal and comments
    pupil = new_page()
    browser_login(pupil, alva.email)
    pupil.goto("/")
    prompt = pupil.locator(".goal-prompt")
    expect(prompt.get_by_role("heading", level=2)).to_have_text(
        either("Your goals: how did this week go?")
    )
    assert_accessible(pupil)
    group = prompt.get_by_role(
        "group", name=either("How is it going with “%(goal)s”?", goal=say("Plan my week"))
    )
    group.get_by_role("radio", name=re.compile(re.escape(say("Mostly")))).check()
    prompt.get_by_label(either("Comment (optional)")).fill("Jag glömde tisdagen.")
    prompt.get_by_role("button", name=re.compile(re.escape(say("Plan my week")))).click()
    expect(pupil.get_by_role("status").or_(pupil.locator(".alert-success")).first).to_contain_text(
        either("Thank you! Your check-in has been saved.", part=True)
    )
    expect(pupil.locator(".goal-prompt")).to_have_count(0)  # rated this week: no prompt
    assert_accessible(pupil)
    # her own goals page lists it
    pupil.goto("/goals/mine")
    expect(pupil.get_by_role("link", name=say("Plan my week"))).to_be_visible()
    assert_accessible(pupil)

    # the mentor comments on the goal
    mentor = new_page()
    browser_login(mentor, care_team["mentor"].email)
    mentor.goto(f"/goals/pupils/{alva.id}")
    mentor.get_by_role("link", name=say("Plan my week")).click()
    assert_accessible(mentor)
    mentor.get_by_label(either("Comment"), exact=True).fill("Bra att du ser det själv!")
    mentor.get_by_role("button", name=either("Send the comment")).click()
    expect(mentor.locator(".goal-timeline")).to_contain_text("Bra att du ser det själv!")
    assert_accessible(mentor)
    # and writes what to build up next
    mentor.goto(f"/goals/pupils/{alva.id}")
    mentor.get_by_role("textbox", name=either("What to build up next")).fill(
        "Längre arbeten med egna delmål, som på gymnasiet."
    )
    mentor.get_by_role("button", name=either("Save the summary")).click()
    expect(mentor.locator("#build-up")).to_contain_text("Längre arbeten med egna delmål")
    expect(mentor.locator("#build-up")).to_contain_text(care_team["mentor"].name)
    assert_accessible(mentor)

    # the timeline shows the chart with its text alternative, and the events in order
    pupil.goto(goal_url)
    chart = pupil.get_by_role(
        "img",
        name=either("Chart of the ratings of “%(goal)s”", goal=say("Plan my week"), part=True),
    )
    expect(chart).to_be_visible()
    table = pupil.get_by_role("table", name=either("The ratings as a table"))
    expect(table.get_by_role("row")).to_have_count(2)
    expect(table).to_contain_text(f"3 – {say('Mostly')}")
    expect(table).to_contain_text(alva.name)
    expect(table).to_contain_text("Jag glömde tisdagen.")
    events = pupil.locator(".goal-timeline > li")
    expect(events).to_have_count(3)
    expect(events.nth(0)).to_contain_text(care_team["special_educator"].name)
    expect(events.nth(1)).to_contain_text("Jag glömde tisdagen.")
    expect(events.nth(2)).to_contain_text("Bra att du ser det själv!")
    assert_accessible(pupil)
    # the pupil sees the mentor's summary on her goals page
    pupil.goto("/goals/mine")
    expect(pupil.locator("body")).to_contain_text("Längre arbeten med egna delmål")

    # the educator marks the goal reached with a note
    educator.goto(goal_url)
    educator.get_by_label(either("New state")).select_option("reached")
    educator.get_by_label(either("Note"), exact=True).fill("Alva planerar varje vecka nu.")
    educator.get_by_role("button", name=either("Change the state")).click()
    expect(educator.locator(".goal-status")).to_contain_text(say("reached"))
    expect(educator.locator(".goal-timeline > li").last).to_contain_text(
        "Alva planerar varje vecka nu."
    )
    assert_accessible(educator)
    with app.app_context():
        assert db.session.get(Goal, goal_id).status == "reached"
