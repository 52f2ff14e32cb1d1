"""Journeys 4–5, problems: a mentor writes a problem with math and previews it, posts it in a
room; the pupil opens it, reveals a hint and submits an attempt; the mentor gives feedback and
raises the pupil's level; the pupil sees it on "My problems". Every page is checked with axe and
the math is typeset by KaTeX."""

from __future__ import annotations

import re

import pytest
import sqlalchemy as sa
from playwright.sync_api import expect

from mentorhub.extensions import db
from mentorhub.pupils.models import PupilLevel
from tests.conftest import assert_accessible, browser_login

pytestmark = pytest.mark.browser

STATEMENT = "Visa att $x^2 \\geq 0$ för alla reella tal $x$."
HINTS = "Tänk på fallen $x \\geq 0$ och $x < 0$.\nEn produkt av två negativa tal är positiv."
ATTEMPT = "Om $x<0$ är $x^2 = (-x)(-x) > 0$, och om $x \\geq 0$ är $x \\cdot x \\geq 0$."
FEEDBACK = "Mycket **tydlig** fallindelning!"
REASON = "Säkra bevis i flera uppgifter i rad."


def test_problem_from_bank_to_feedback_and_level(
    app, room, programme, new_page, either, live_socketio
):
    area = programme["areas"][0]
    with app.app_context():
        db.session.add(PupilLevel(pupil_id=room["alva"].id, subject_area_id=area, level=3))
        db.session.commit()

    # the mentor writes a problem with math and previews it
    mentor = new_page()
    browser_login(mentor, room["mentor"].email)
    mentor.goto("/problems/")
    assert_accessible(mentor)
    mentor.get_by_role("link", name=either("New problem")).first.click()
    mentor.get_by_label(either("Title")).fill("Kvadrater är aldrig negativa")
    mentor.get_by_label(either("Subject area")).select_option(str(area))
    mentor.get_by_role("checkbox", name="3", exact=True).check()
    mentor.get_by_label(either("Statement")).fill(STATEMENT)
    mentor.get_by_label(either("Hints")).fill(HINTS)
    mentor.get_by_label(either("Going further")).fill("Gäller det för $x \\in \\mathbb{C}$?")
    mentor.get_by_role("button", name=either("Preview")).click()
    preview = mentor.locator(".preview")
    expect(preview.locator(".katex").first).to_be_visible()
    expect(mentor.get_by_label(either("Statement"))).to_have_value(STATEMENT)
    assert_accessible(mentor)
    mentor.get_by_role("button", name=either("Save")).click()
    expect(mentor.get_by_role("heading", level=1)).to_have_text("Kvadrater är aldrig negativa")
    expect(mentor.locator(".problem-statement .katex").first).to_be_visible()
    assert_accessible(mentor)

    # ... and posts it in the room, to everyone at their level
    mentor.get_by_label(either("Room")).select_option(str(room["id"]))
    mentor.get_by_role("button", name=either("Choose pupils and levels")).click()
    expect(mentor.get_by_label(either("Level for %(name)s", name="Alva Lindgren"))).to_have_value(
        "3"
    )
    assert_accessible(mentor)
    mentor.get_by_role("button", name=either("Post the problem")).click()
    expect(mentor.get_by_role("heading", level=1)).to_have_text("Kvadrater är aldrig negativa")
    post_url = mentor.url

    # the pupil sees it in the room and opens it
    pupil = new_page()
    browser_login(pupil, room["alva"].email)
    pupil.goto(f"/rooms/{room['id']}")
    pupil.get_by_role("link", name="Kvadrater är aldrig negativa").click()
    expect(pupil.locator(".problem-statement .katex").first).to_be_visible()
    expect(pupil.locator(".problem-statement .katex-mathml math").first).to_be_attached()
    assert_accessible(pupil)

    # reveals a hint: only the first one shows
    pupil.get_by_role("button", name=either("Show a hint")).click()
    hints = pupil.locator(".hint-list li")
    expect(hints).to_have_count(1)
    expect(hints.first).to_contain_text("Tänk på fallen")
    expect(hints.first.locator(".katex").first).to_be_visible()
    assert_accessible(pupil)

    # submits an attempt (free text: it goes to the mentor)
    pupil.get_by_label(either("Your solution")).fill(ATTEMPT)
    pupil.get_by_role("button", name=either("Submit")).click()
    expect(pupil.locator(".attempt")).to_have_count(1)
    expect(pupil.locator(".attempt")).to_contain_text(either("Waiting for feedback", part=True))
    expect(pupil.locator(".attempt .katex").first).to_be_visible()
    assert_accessible(pupil)

    # the mentor sees who opened which hint, gives feedback and raises the level
    mentor.goto(post_url)
    expect(mentor.locator("#hints table")).to_contain_text("Alva Lindgren")
    assert_accessible(mentor)
    mentor.get_by_role(
        "link", name=either("Give feedback to %(name)s", name="Alva Lindgren")
    ).click()
    assert_accessible(mentor)
    mentor.get_by_label(either("Feedback"), exact=True).fill(FEEDBACK)
    mentor.get_by_role("radio", name=either("Solved")).check()
    mentor.get_by_role("radio", name=either("One level up")).check()
    mentor.get_by_label(either("Reason for the level change")).fill(REASON)
    mentor.get_by_role("button", name=either("Save the feedback")).click()
    expect(mentor.locator(".attempt .feedback")).to_contain_text("tydlig")
    assert_accessible(mentor)

    # the pupil sees the feedback, that it is solved, and the new level
    pupil.goto("/problems/mine")
    expect(pupil.get_by_role("heading", level=1)).to_have_text(either("My problems"))
    expect(pupil.locator(".feedback strong")).to_have_text("tydlig")
    expect(pupil.locator("body")).to_contain_text(REASON)
    expect(pupil.locator("#solved-h + ul")).to_contain_text("Kvadrater är aldrig negativa")
    expect(pupil.locator("body")).to_contain_text(re.compile(r"(nivå|level) 4"))
    assert_accessible(pupil)
    with app.app_context():
        level = db.session.scalar(
            sa.select(PupilLevel.level).where(PupilLevel.pupil_id == room["alva"].id)
        )
    assert level == 4
