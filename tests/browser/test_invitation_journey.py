"""Journey: the coordinator invites a staff member, who accepts and lands signed in.

Every page either person sees is checked with axe (WCAG 2.1 A/AA).
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.conftest import assert_accessible, browser_login, link_in

pytestmark = pytest.mark.browser

EMAIL = "lars.holm@bjorkangsskolan.se"
NAME = "Lars Holm"
NEW_PASSWORD = "lars-egna-losenord"


def path_is(path: str) -> re.Pattern:
    return re.compile(rf"^https?://[^/]+{re.escape(path)}(\?.*)?$")


def open_invite_form(page, either) -> None:
    page.get_by_role("navigation", name=either("Main menu")).get_by_role(
        "link", name=either("Staff")
    ).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(either("Staff"))
    assert_accessible(page)
    page.get_by_role("link", name=either("Invite staff")).click()
    expect(page).to_have_url(path_is("/programme/staff/invite"))
    expect(page.get_by_role("heading", level=1)).to_have_text(either("Invite staff"))
    assert_accessible(page)


def fill_invitation(page, either, *, email: str, name: str, school: str) -> None:
    page.get_by_label(either("Email")).fill(email)
    page.get_by_label(either("Name")).fill(name)
    roles = page.get_by_role("group", name=either("Roles"))
    roles.get_by_role("checkbox", name=either("Home teacher")).check()
    roles.get_by_role("checkbox", name=either("Special-needs educator")).check()
    page.get_by_label(either("School")).select_option(label=school)
    page.get_by_role("button", name=either("Send invitation")).click()


def expect_refused_and_kept(page, either, *, message: str, email: str, name: str, school: str):
    """The form is shown again: the error next to the email field, everything typed still there."""
    expect(page).to_have_url(path_is("/programme/staff/invite"))
    summary = page.get_by_role("alert")
    expect(summary).to_contain_text(either("Check the fields marked below.", part=True))
    expect(summary).to_be_focused()  # keyboard users start where the problems are listed
    expect(summary.get_by_role("link", name=either("Email"))).to_have_attribute("href", "#email")
    email_field = page.get_by_label(either("Email"))
    expect(email_field).to_have_attribute("aria-invalid", "true")
    expect(email_field).to_have_accessible_description(either(message, part=True))
    expect(email_field).to_have_value(email)
    expect(page.get_by_label(either("Name"))).to_have_value(name)
    roles = page.get_by_role("group", name=either("Roles"))
    expect(roles.get_by_role("checkbox", name=either("Home teacher"))).to_be_checked()
    expect(roles.get_by_role("checkbox", name=either("Special-needs educator"))).to_be_checked()
    expect(roles.get_by_role("checkbox", name=either("Knowledge mentor"))).not_to_be_checked()
    expect(page.get_by_label(either("School")).locator("option:checked")).to_have_text(school)
    assert_accessible(page)


def test_invited_staff_member_accepts_and_lands_signed_in_with_both_roles(
    page, new_page, coordinator, programme, either, outbox
):
    school = programme["schools"][0].name

    # the coordinator fills in the invitation form
    browser_login(page, coordinator.email)
    expect(page).to_have_url(path_is("/"))
    assert_accessible(page)
    open_invite_form(page, either)
    fill_invitation(page, either, email=EMAIL, name=NAME, school=school)

    # back on the staff page: told it was sent, and the invitation is listed as not yet accepted
    expect(page).to_have_url(path_is("/programme/staff"))
    expect(page.get_by_role("status")).to_have_text(either("The invitation has been sent."))
    pending = page.get_by_role("table", name=either("Invitations not yet accepted"))
    row = pending.locator("tbody tr").filter(has_text=EMAIL)
    expect(row).to_contain_text(school)
    assert_accessible(page)

    # a second invitation to the same address is refused at the email field, nothing lost
    page.get_by_role("link", name=either("Invite staff")).click()
    fill_invitation(page, either, email=EMAIL, name=NAME, school=school)
    expect_refused_and_kept(
        page,
        either,
        message="This email already has an invitation that has not been used yet.",
        email=EMAIL,
        name=NAME,
        school=school,
    )

    # the invited person gets one mail with a link, and opens it in their own browser
    mails = [m for m in outbox() if m.recipient == EMAIL]
    assert len(mails) == 1, [(m.recipient, m.subject) for m in outbox()]
    invitation_link = link_in(mails[0].body)
    invitee = new_page()
    invitee.goto(invitation_link)
    expect(invitee.get_by_role("heading", level=1)).to_have_text(either("Create your account"))
    expect(invitee.get_by_role("main")).to_contain_text(EMAIL)
    expect(invitee.get_by_role("main")).to_contain_text(either("Home teacher", part=True))
    expect(invitee.get_by_role("main")).to_contain_text(either("Special-needs educator", part=True))
    expect(invitee.get_by_label(either("Your name"))).to_have_value(NAME)
    assert_accessible(invitee)

    # they correct their name and choose a password
    invitee.get_by_label(either("Your name")).fill("Lars-Erik Holm")
    invitee.get_by_label(either("New password")).fill(NEW_PASSWORD)
    invitee.get_by_label(either("Repeat the password")).fill(NEW_PASSWORD)
    invitee.get_by_role("button", name=either("Create account")).click()

    # and land signed in on the start page, which names both roles and the school
    expect(invitee).to_have_url(path_is("/"))
    expect(invitee.get_by_role("status")).to_have_text(
        either("Welcome to MentorHub, %(name)s!", name="Lars-Erik Holm")
    )
    expect(invitee.get_by_role("heading", level=1)).to_have_text(
        either("Welcome, %(name)s", name="Lars-Erik Holm")
    )
    main = invitee.get_by_role("main")
    expect(main).to_contain_text(either("Home teacher", part=True))
    expect(main).to_contain_text(either("Special-needs educator", part=True))
    expect(main).to_contain_text(school)
    assert_accessible(invitee)

    # the link used again is refused, signed in or not
    response = invitee.goto(invitation_link)
    assert response.status == 410
    expect(invitee.get_by_role("heading", level=1)).to_have_text(either("The link cannot be used"))
    expect(invitee.get_by_role("main")).to_contain_text(
        either(
            "This invitation has already been used. Sign in with your email and password.",
            part=True,
        )
    )
    assert_accessible(invitee)

    # the coordinator now sees them as active staff, no longer as a pending invitation
    page.goto("/programme/staff")
    staff = page.get_by_role("table", name=either("Staff"))
    expect(staff.locator("tbody tr").filter(has_text=EMAIL)).to_contain_text("Lars-Erik Holm")
    expect(page.get_by_role("table", name=either("Invitations not yet accepted"))).to_have_count(0)
    assert_accessible(page)

    # and inviting the same address again is refused: there is an account now
    page.get_by_role("link", name=either("Invite staff")).click()
    fill_invitation(page, either, email=EMAIL, name="Someone Else", school=school)
    expect_refused_and_kept(
        page,
        either,
        message="Someone with this email already has an account.",
        email=EMAIL,
        name="Someone Else",
        school=school,
    )
