"""Journey: a visitor who is not signed in finds the accessibility statement from the sign-in
page's footer and reports a problem with the keyboard alone; the privacy notice is reached the
same way. Every page is checked with axe (WCAG 2.1 A/AA)."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from playwright.sync_api import expect

from mentorhub.about.models import AccessibilityFeedback
from mentorhub.accounts.models import Role
from mentorhub.extensions import db
from tests.browser.keyboard import activate, tab_to, type_into
from tests.conftest import assert_accessible

pytestmark = pytest.mark.browser

PROBLEM = "Diagrammet på sidan Min utveckling går inte att förstora utan att texten klipps."


def _stored(app) -> list[tuple[str, str, int | None]]:
    with app.app_context():
        return [
            (f.message, f.reply_to, f.user_id)
            for f in db.session.scalars(sa.select(AccessibilityFeedback))
        ]


def test_a_visitor_reports_an_accessibility_problem_by_keyboard_only(
    app, page, make_user, either, outbox
):
    coordinator = make_user(Role.COORDINATOR, email="karin@example.se")
    # given a visitor on the sign-in page, not signed in
    page.goto("/login")
    assert_accessible(page)
    footer = page.locator("footer")

    # when they tab to the footer's accessibility link and press Enter
    activate(page, footer.get_by_role("link", name=either("Accessibility statement")))
    # then the statement opens, in Swedish, and passes axe
    expect(page.get_by_role("heading", level=1)).to_have_text(either("Accessibility statement"))
    expect(page.locator("html")).to_have_attribute("lang", "sv")
    expect(page.get_by_role("link", name=either("DIGG's website, digg.se"))).to_have_attribute(
        "href", "https://www.digg.se/"
    )
    assert_accessible(page)

    # when they follow the link to report a problem, still by keyboard
    activate(page, page.get_by_role("link", name=either("Report an accessibility problem")))
    expect(page.get_by_role("heading", level=1)).to_have_text(
        either("Report an accessibility problem")
    )
    assert_accessible(page)
    send = page.get_by_role("button", name=either("Send"))

    # and first send it empty: the refusal is announced, and axe still passes
    activate(page, send)
    expect(page.get_by_role("alert")).to_be_visible()
    expect(page.locator("main")).to_contain_text(
        either("Write what did not work for you.", part=True)
    )
    assert_accessible(page)
    assert _stored(app) == []

    # then write the problem and an address for the answer, and send with Enter on the button
    type_into(page, page.get_by_label(either("What did not work?")), PROBLEM)
    type_into(
        page, page.get_by_label(either("Your email (if you want an answer)")), "elev@example.se"
    )
    tab_to(page, send)
    page.keyboard.press("Enter")

    # then they are thanked, back on the statement, and the feedback is stored and mailed
    expect(page.get_by_role("status")).to_have_text(
        either("Thank you. Your feedback has been sent to the programme's coordinators.")
    )
    expect(page.get_by_role("heading", level=1)).to_have_text(either("Accessibility statement"))
    assert_accessible(page)
    assert _stored(app) == [(PROBLEM, "elev@example.se", None)]
    assert [m.recipient for m in outbox()] == [coordinator.email]


def test_the_privacy_notice_is_reached_from_the_sign_in_footer_and_passes_axe(app, page, either):
    page.goto("/login")
    activate(
        page, page.locator("footer").get_by_role("link", name=either("Privacy and personal data"))
    )
    expect(page.get_by_role("heading", level=1)).to_have_text(either("Privacy and personal data"))
    expect(page.locator("main")).to_contain_text("12")
    assert_accessible(page)
