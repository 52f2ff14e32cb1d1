"""Journey 8, concerns (oro): a home teacher raises a concern about her pupil; the special-needs
educator finds it through her notification, sets an action plan with a responsible person and a
review date, writes a review and closes it with a note; the pupil is refused the concern's page.
Every page is checked with axe."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from playwright.sync_api import expect

from tests.conftest import assert_accessible, browser_login

pytestmark = pytest.mark.browser

DESCRIPTION = "Alva har varit tyst och trött på de senaste tre lektionerna och lämnar inte in."
PLAN = "Samtal varje måndag med specialpedagogen. Kortare veckoplanering tillsammans med Alva."
REVIEW = "Alva säger att veckoplaneringen hjälper. Hon har lämnat in två uppgifter."
CLOSING = "Läget är bättre; följs vidare i mentorssamtalen."


def test_a_concern_from_raised_to_closed(care_team, new_page, either):
    alva = care_team["alva"]

    # the home teacher raises a concern about Alva
    teacher = new_page()
    browser_login(teacher, care_team["home_teacher"].email)
    teacher.goto(f"/concerns/pupils/{alva.id}/new")
    expect(teacher.get_by_role("heading", level=1)).to_have_text(
        either("Raise a concern about %(name)s", name="Alva Lindgren")
    )
    assert_accessible(teacher)
    # ... first forgetting the description: she is told, and her choice is kept
    teacher.get_by_label(either("Category")).select_option("wellbeing")
    teacher.get_by_role("button", name=either("Raise the concern")).click()
    expect(teacher.locator("#description-error")).to_have_text(either("Fill in this field."))
    expect(teacher.get_by_label(either("Category"))).to_have_value("wellbeing")
    assert_accessible(teacher)
    teacher.get_by_label(either("Description")).fill(DESCRIPTION)
    teacher.get_by_role("button", name=either("Raise the concern")).click()
    expect(teacher.get_by_role("heading", level=1)).to_have_text(
        either("Concern about %(name)s", name="Alva Lindgren")
    )
    expect(teacher.locator("body")).to_contain_text(DESCRIPTION)
    assert_accessible(teacher)
    concern_url = teacher.url

    # the special-needs educator sees the notification and opens the concern
    educator = new_page()
    browser_login(educator, care_team["special_educator"].email)
    educator.goto("/notifications/")
    assert_accessible(educator)
    educator.get_by_role(
        "link",
        name=either(
            "%(author)s raised a concern about %(pupil)s.",
            author="Eva Johansson",
            pupil="Alva Lindgren",
        ),
    ).click()
    expect(educator.locator("body")).to_contain_text(DESCRIPTION)
    assert_accessible(educator)

    # ... sets an action plan with the home teacher responsible and a review in two weeks
    review_on = date.today() + timedelta(days=14)
    educator.get_by_role("textbox", name=either("Action plan")).fill(PLAN)
    educator.get_by_label(either("Responsible")).select_option(label="Eva Johansson")
    educator.get_by_label(either("Next review"), exact=True).fill(review_on.isoformat())
    educator.get_by_role("button", name=either("Save the action plan")).click()
    expect(educator.locator("#plan")).to_contain_text(PLAN)
    expect(educator.locator(".concern-facts")).to_contain_text("Eva Johansson")
    expect(educator.locator(".concern-facts time[datetime='" + review_on.isoformat() + "']"))
    assert_accessible(educator)

    # ... writes a review with the next date a week later
    educator.get_by_label(either("Review note")).fill(REVIEW)
    educator.get_by_label(either("Next review (optional)")).fill(
        (review_on + timedelta(days=7)).isoformat()
    )
    educator.get_by_role("button", name=either("Save the review")).click()
    expect(educator.locator("#history")).to_contain_text(REVIEW)
    assert_accessible(educator)

    # ... and closes it with a note: the page is then read-only
    educator.get_by_label(either("Closing note")).fill(CLOSING)
    educator.get_by_role("button", name=either("Close the concern")).click()
    expect(educator.locator("body")).to_contain_text(
        either("The concern is closed and can no longer be changed.", part=True)
    )
    expect(educator.get_by_role("button", name=either("Save the review"))).to_have_count(0)
    history = educator.locator("#history li")
    expect(history).to_have_count(4)
    expect(history.last).to_contain_text(CLOSING)
    assert_accessible(educator)

    # the home teacher sees it closed in her list, with her name as raiser
    teacher.goto("/concerns/?status=closed")
    row = teacher.get_by_role("row", name="Alva Lindgren")
    expect(row).to_contain_text(either("Closed", part=True))
    assert_accessible(teacher)

    # the pupil is refused the concern's page and the list
    pupil = new_page()
    browser_login(pupil, alva.email)
    response = pupil.goto(concern_url)
    assert response.status == 403
    expect(pupil.locator("body")).not_to_contain_text(DESCRIPTION)
    assert_accessible(pupil)
    assert pupil.goto("/concerns/").status == 403
