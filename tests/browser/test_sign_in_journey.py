"""Journey: signing in, a wrong password, a forgotten password, and signing out.

Every page the person sees is checked with axe (WCAG 2.1 A/AA).
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.conftest import PASSWORD, assert_accessible, link_in

pytestmark = pytest.mark.browser

NEW_PASSWORD = "a-brand-new-passphrase"


def path_is(path: str) -> re.Pattern:
    """A page URL with exactly this path (any query string)."""
    return re.compile(rf"^https?://[^/]+{re.escape(path)}(\?.*)?$")


def submit_sign_in(page, either, email: str, password: str) -> None:
    page.get_by_label(either("Email")).fill(email)
    page.get_by_label(either("Password")).fill(password)
    page.get_by_role("button", name=either("Sign in")).click()


def test_sign_in_with_the_right_password_lands_on_the_start_page(page, mentor, either):
    # given a visitor who is not signed in opens the start page
    page.goto("/")
    expect(page).to_have_url(path_is("/login"))
    expect(page.get_by_role("heading", level=1)).to_have_text(either("Sign in"))
    expect(page.get_by_role("status")).to_have_text(either("Sign in to see that page."))
    assert_accessible(page)

    # when they sign in
    submit_sign_in(page, either, mentor.email, PASSWORD)

    # then they land on their start page, greeted by name, with a way to sign out
    expect(page).to_have_url(path_is("/"))
    expect(page.get_by_role("heading", level=1)).to_have_text(
        either("Welcome, %(name)s", name=mentor.name)
    )
    expect(page.get_by_role("button", name=either("Sign out"))).to_be_visible()
    assert_accessible(page)


def test_wrong_password_shows_one_neutral_error_and_keeps_the_email(page, mentor, either):
    page.goto("/login")

    # when the password is wrong
    submit_sign_in(page, either, mentor.email, "not-the-password")

    # then one neutral message, no field singled out, the email kept and the password not
    expect(page).to_have_url(path_is("/login"))
    alerts = page.get_by_role("alert")
    expect(alerts).to_have_count(1)
    expect(alerts).to_have_text(either("Wrong email or password."))
    expect(page.locator("[aria-invalid=true]")).to_have_count(0)
    expect(page.get_by_label(either("Email"))).to_have_value(mentor.email)
    expect(page.get_by_label(either("Password"))).to_have_value("")
    assert_accessible(page)

    # and an unknown email gets exactly the same answer, so it tells nobody who has an account
    submit_sign_in(page, either, "nobody@example.se", PASSWORD)
    expect(alerts).to_have_count(1)
    expect(alerts).to_have_text(either("Wrong email or password."))
    expect(page.get_by_label(either("Email"))).to_have_value("nobody@example.se")
    assert_accessible(page)

    # and the right password still works afterwards
    page.get_by_label(either("Email")).fill(mentor.email)
    page.get_by_label(either("Password")).fill(PASSWORD)
    page.get_by_role("button", name=either("Sign in")).click()
    expect(page).to_have_url(path_is("/"))


def test_forgotten_password_reset_by_mail_link_then_sign_out(page, mentor, either, outbox):
    # the person asks for a link from the sign-in page
    page.goto("/login")
    page.get_by_role("link", name=either("Forgot your password?")).click()
    expect(page).to_have_url(path_is("/password/forgot"))
    expect(page.get_by_role("heading", level=1)).to_have_text(either("Forgot your password?"))
    assert_accessible(page)

    page.get_by_label(either("Email")).fill(mentor.email)
    page.get_by_role("button", name=either("Send link")).click()

    # back on sign-in, told the same thing whether or not the address has an account
    expect(page).to_have_url(path_is("/login"))
    expect(page.get_by_role("status")).to_have_text(
        either(
            "If the address belongs to an account, a link to choose a new password "
            "has been sent to it."
        )
    )
    assert_accessible(page)

    # the mail holds a single-use link
    mails = [m for m in outbox() if m.recipient == mentor.email]
    assert len(mails) == 1, [m.subject for m in outbox()]
    reset_link = link_in(mails[0].body)
    assert reset_link.startswith("/password/reset/")

    # opening it shows the form for a new password
    page.goto(reset_link)
    expect(page.get_by_role("heading", level=1)).to_have_text(either("Choose a new password"))
    assert_accessible(page)

    # two different passwords: the error is next to the repeat field, nothing is saved
    page.get_by_label(either("New password")).fill(NEW_PASSWORD)
    page.get_by_label(either("Repeat the password")).fill(NEW_PASSWORD + "x")
    page.get_by_role("button", name=either("Save password")).click()
    repeat = page.get_by_label(either("Repeat the password"))
    expect(repeat).to_have_attribute("aria-invalid", "true")
    expect(repeat).to_have_accessible_description(either("The passwords do not match.", part=True))
    assert_accessible(page)

    # then the same password twice
    page.get_by_label(either("New password")).fill(NEW_PASSWORD)
    page.get_by_label(either("Repeat the password")).fill(NEW_PASSWORD)
    page.get_by_role("button", name=either("Save password")).click()
    expect(page).to_have_url(path_is("/login"))
    expect(page.get_by_role("status")).to_have_text(
        either("Your password has been changed. Sign in with the new one.")
    )
    assert_accessible(page)

    # the old password no longer works; the new one does
    submit_sign_in(page, either, mentor.email, PASSWORD)
    expect(page.get_by_role("alert")).to_have_text(either("Wrong email or password."))
    submit_sign_in(page, either, mentor.email, NEW_PASSWORD)
    expect(page).to_have_url(path_is("/"))
    expect(page.get_by_role("heading", level=1)).to_have_text(
        either("Welcome, %(name)s", name=mentor.name)
    )
    assert_accessible(page)

    # the same link a second time is refused with a page that says why and what to do
    response = page.goto(reset_link)
    assert response.status == 410
    expect(page.get_by_role("heading", level=1)).to_have_text(either("The link cannot be used"))
    expect(page.get_by_role("main")).to_contain_text(
        either("This link has expired or has already been used. Ask for a new one.", part=True)
    )
    expect(page.get_by_role("link", name=either("Go to sign in"))).to_be_visible()
    assert_accessible(page)

    # signing out ends the session
    page.goto("/")
    page.get_by_role("button", name=either("Sign out")).click()
    expect(page).to_have_url(path_is("/login"))
    expect(page.get_by_role("status")).to_have_text(either("You are signed out."))
    expect(page.get_by_role("button", name=either("Sign out"))).to_have_count(0)
    assert_accessible(page)
    page.goto("/")
    expect(page).to_have_url(path_is("/login"))
