"""A text field with a length limit says how much is left while the user types, instead of the
browser cutting the text silently; a line break counts once, as the server counts it."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.conftest import assert_accessible, browser_login

pytestmark = pytest.mark.browser


def test_the_counter_says_how_many_characters_are_left_while_typing(
    page, programme, school_staff, either
):
    # given a home teacher on the nomination form, reached from the nominations page
    browser_login(page, school_staff["home_teacher"].email)
    page.get_by_role("navigation", name=either("Main menu")).get_by_role(
        "link", name=either("Nominations", part=True)
    ).click()
    page.get_by_role("link", name=either("Nominate a pupil")).click()
    strengths = page.get_by_label(either("Strengths and interests"))
    counter = page.locator("#strengths-count .char-count-text")
    expect(counter).to_have_text("2000 tecken kvar")
    assert_accessible(page)

    # when they type, the counter follows, and a line break counts once
    strengths.press_sequentially("Schack")
    expect(counter).to_have_text("1994 tecken kvar")
    strengths.press("Enter")
    strengths.press_sequentially("Logik")
    expect(counter).to_have_text("1988 tecken kvar")

    # and past the limit it says by how much, nothing is cut, and the page stays accessible
    strengths.fill("x" * 2003)
    expect(counter).to_have_text("3 tecken för mycket")
    expect(strengths).to_have_value("x" * 2003)
    assert_accessible(page)
