"""Journey 1, set-up: the coordinator creates schools, subject areas and a term and deactivates a
staff member, by keyboard only, in Swedish and in English; then a shorter round on a phone.

No mouse: the coordinator moves with Tab and Shift+Tab, types, and presses Enter or Space (see
tests/browser/keyboard.py). Every page is checked with axe (WCAG 2.1 A/AA).
"""

from __future__ import annotations

import re
from datetime import date

import pytest
from babel.dates import format_date
from playwright.sync_api import expect

from mentorhub.accounts.models import Role
from tests.browser.keyboard import activate, is_focused, tab_to, type_date, type_into
from tests.conftest import PASSWORD, assert_accessible, browser_login

pytestmark = pytest.mark.browser

SCHOOLS = [
    ("Björkängsskolan", "Compulsory school (year 7–9)"),
    ("Ekbacka gymnasium – Studietorget", "Upper-secondary study centre"),
]
AREAS = [
    ("Matematik och naturvetenskap", "Problemlösning, bevis och modellering."),
    ("Samhällsorienterande ämnen", "Källkritik, argumentation och samhällsfrågor."),
    ("Språk", "Svenska, engelska och moderna språk på djupet."),
]
TERM = "Höstterminen 2026"
FIRST_DAY = date(2026, 8, 17)
LAST_DAY = date(2027, 1, 15)
WRONG_LAST_DAY = date(2026, 6, 12)
PHONE_WIDTH = 360


def path_is(path: str) -> re.Pattern:
    return re.compile(rf"^https?://[^/]+{re.escape(path)}(\?.*)?$")


def expect_page(page, t, heading: str, **params) -> None:
    """The page has this h1 and passes axe."""
    expect(page.get_by_role("heading", level=1)).to_have_text(t(heading, **params))
    assert_accessible(page)


def nav_link(page, t, text: str):
    return page.get_by_role("navigation", name=t("Main menu")).get_by_role("link", name=t(text))


def save(page, t) -> None:
    activate(page, page.get_by_role("button", name=t("Save")))


# --- the set-up journey, keyboard only ------------------------------------------------------------


@pytest.mark.parametrize("locale", ["sv", "en"])
def test_coordinator_sets_up_the_programme_by_keyboard_only(
    page, new_page, coordinator, make_user, locale, in_locale, say
):
    sv = in_locale("sv")
    staff_member = make_user(Role.MENTOR, name="Olle Nilsson", email="olle.nilsson@example.se")

    # Olle is signed in on his own computer
    olle = new_page()
    browser_login(olle, staff_member.email)
    expect(olle).to_have_url(path_is("/"))

    # The coordinator signs in: Swedish is what a first-time visitor gets
    page.goto("/login")
    expect(page.locator("html")).to_have_attribute("lang", "sv")
    expect_page(page, sv, "Sign in")
    type_into(page, page.get_by_label(sv("Email")), coordinator.email)
    type_into(page, page.get_by_label(sv("Password")), PASSWORD)
    page.keyboard.press("Enter")
    expect(page).to_have_url(path_is("/"))
    expect_page(page, sv, "Welcome, %(name)s", name=coordinator.name)

    if locale == "en":
        switch_language_by_keyboard(page, sv, "en")
    t = in_locale(locale)
    expect(page.locator("html")).to_have_attribute("lang", locale)
    expect_page(page, t, "Welcome, %(name)s", name=coordinator.name)

    add_schools(page, t)
    add_subject_areas(page, t)
    add_term_after_a_wrong_last_day(page, t, locale)

    # the programme overview counts what was made
    activate(page, nav_link(page, t, "Programme"))
    expect_page(page, t, "Programme")
    for msgid, plural, num in (
        ("%(num)d school", "%(num)d schools", 2),
        ("%(num)d subject area", "%(num)d subject areas", 3),
        ("%(num)d term", "%(num)d terms", 1),
    ):
        expect(page.get_by_role("main")).to_contain_text(say(msgid, locale, plural=plural, num=num))

    deactivate_staff_member(page, t, say, locale, "Olle Nilsson")

    # Olle's open session ends at his next page load: he is sent to sign in
    olle.reload()
    expect(olle).to_have_url(path_is("/login"))
    expect_page(olle, sv, "Sign in")
    # and he can no longer sign in, told only the neutral message
    browser_login(olle, staff_member.email)
    expect(olle).to_have_url(path_is("/login"))
    expect(olle.get_by_role("alert")).to_have_text(sv("Wrong email or password."))
    assert_accessible(olle)


def switch_language_by_keyboard(page, t, locale: str) -> None:
    """In the header: Tab to the language select, arrow to the language, Tab to the button."""
    language = page.get_by_label(t("Language"))
    tab_to(page, language)
    for _ in range(3):
        if language.input_value() == locale:
            break
        page.keyboard.press("ArrowDown")
    expect(language).to_have_value(locale)
    activate(page, page.get_by_role("button", name=t("Change")))
    expect(page).to_have_url(path_is("/"))


def add_schools(page, t) -> None:
    """A compulsory school and the upper-secondary study centre."""
    activate(page, nav_link(page, t, "Programme"))
    expect_page(page, t, "Programme")
    activate(page, page.get_by_role("link", name=t("Manage schools")))
    expect_page(page, t, "Schools")
    expect(page.get_by_role("main")).to_contain_text(t("No schools yet.", part=True))

    for name, kind in SCHOOLS:
        activate(page, page.get_by_role("link", name=t("Add school")))
        expect_page(page, t, "Add school")
        type_into(page, page.get_by_label(t("Name")), name)
        kind_select = page.get_by_label(t("Kind of school"))
        tab_to(page, kind_select)
        if kind == "Upper-secondary study centre":
            page.keyboard.press("ArrowDown")
        expect(kind_select.locator("option:checked")).to_have_text(t(kind))
        type_into(page, page.get_by_label(t("Municipality")), "Ekbacka kommun")
        expect(page.get_by_label(t("Active"))).to_be_checked()
        save(page, t)
        expect(page).to_have_url(path_is("/programme/schools"))
        expect(page.get_by_role("status")).to_have_text(t("The school has been saved."))
        row = page.get_by_role("table", name=t("Schools")).locator("tbody tr").filter(has_text=name)
        expect(row).to_contain_text(t(kind, part=True))
        expect(row).to_contain_text(t("Active", part=True))
        assert_accessible(page)
    expect(page.get_by_role("table", name=t("Schools")).locator("tbody tr")).to_have_count(2)


def add_subject_areas(page, t) -> None:
    activate(page, nav_link(page, t, "Programme"))
    activate(page, page.get_by_role("link", name=t("Manage subject areas")))
    expect_page(page, t, "Subject areas")
    for name, description in AREAS:
        activate(page, page.get_by_role("link", name=t("Add subject area")))
        expect_page(page, t, "Add subject area")
        type_into(page, page.get_by_label(t("Name")), name)
        type_into(page, page.get_by_label(t("Description")), description)
        save(page, t)
        expect(page).to_have_url(path_is("/programme/subject-areas"))
        expect(page.get_by_role("status")).to_have_text(t("The subject area has been saved."))
        assert_accessible(page)
    areas = page.get_by_role("table", name=t("Subject areas")).locator("tbody tr")
    expect(areas).to_have_count(3)
    for name, description in AREAS:
        expect(areas.filter(has_text=name)).to_contain_text(description)


def add_term_after_a_wrong_last_day(page, t, locale: str) -> None:
    activate(page, nav_link(page, t, "Programme"))
    activate(page, page.get_by_role("link", name=t("Manage terms")))
    expect_page(page, t, "Terms")
    activate(page, page.get_by_role("link", name=t("Add term")))
    expect_page(page, t, "Add term")
    type_into(page, page.get_by_label(t("Name")), TERM)
    type_date(page, page.get_by_label(t("First day")), FIRST_DAY)
    last_day = page.get_by_label(t("Last day"))
    type_date(page, last_day, WRONG_LAST_DAY)
    save(page, t)

    # the error sits at the last-day field, and everything typed is still there
    expect(page).to_have_url(path_is("/programme/terms/new"))
    summary = page.get_by_role("alert")
    expect(summary).to_contain_text(t("Check the fields marked below.", part=True))
    expect(summary.get_by_role("link", name=t("Last day"))).to_have_attribute("href", "#ends_on")
    expect(last_day).to_have_attribute("aria-invalid", "true")
    expect(last_day).to_have_accessible_description(
        t("The term must end after it starts.", part=True)
    )
    expect(page.locator("#ends_on-error")).to_be_visible()
    expect(page.get_by_label(t("Name"))).to_have_value(TERM)
    expect(page.get_by_label(t("First day"))).to_have_value(FIRST_DAY.isoformat())
    expect(page.get_by_label(t("First day"))).not_to_have_attribute("aria-invalid", "true")
    expect(last_day).to_have_value(WRONG_LAST_DAY.isoformat())
    assert_accessible(page)

    # correct it: forward to Save, back with Shift+Tab into the last day, retype, save
    tab_to(page, page.get_by_role("button", name=t("Save")))
    type_date(page, last_day, LAST_DAY, backwards=True)
    save(page, t)
    expect(page).to_have_url(path_is("/programme/terms"))
    expect(page.get_by_role("status")).to_have_text(t("The term has been saved."))
    row = page.get_by_role("table", name=t("Terms")).locator("tbody tr").filter(has_text=TERM)
    expect(row).to_contain_text(format_date(FIRST_DAY, "long", locale=locale))
    expect(row).to_contain_text(format_date(LAST_DAY, "long", locale=locale))
    assert_accessible(page)


def deactivate_staff_member(page, t, say, locale: str, name: str) -> None:
    activate(page, nav_link(page, t, "Staff"))
    expect_page(page, t, "Staff")
    button = re.compile(rf"^{re.escape(say('Deactivate', locale))}\s+{re.escape(name)}$")
    activate(page, page.get_by_role("button", name=button))
    # a confirmation step says what will happen before anything does
    expect(page.get_by_role("heading", level=1)).to_have_text(t("Deactivate %(name)s?", name=name))
    assert_accessible(page)
    activate(page, page.get_by_role("button", name=t("Yes, deactivate")))
    expect(page).to_have_url(path_is("/programme/staff"))
    expect(page.get_by_role("status")).to_have_text(
        t("%(name)s has been deactivated and can no longer sign in.", name=name)
    )
    row = page.get_by_role("table", name=t("Staff")).locator("tbody tr").filter(has_text=name)
    expect(row).to_contain_text(t("Deactivated", part=True))
    expect(row.get_by_role("button")).to_have_accessible_name(
        re.compile(rf"^{re.escape(say('Reactivate', locale))}\s+{re.escape(name)}$")
    )
    assert_accessible(page)


# --- the skip link --------------------------------------------------------------------------------


def test_first_tab_reaches_the_skip_link_and_enter_moves_focus_to_main(page, coordinator, either):
    for signed_in in (False, True):
        if signed_in:
            browser_login(page, coordinator.email)
            expect(page).to_have_url(path_is("/"))
        else:
            page.goto("/login")
        page.keyboard.press("Tab")
        skip = page.get_by_role("link", name=either("Skip to content"))
        assert is_focused(skip), "the first Tab stop is not the skip link"
        box = skip.bounding_box()
        assert box and box["x"] >= 0 and box["y"] >= 0, f"focused skip link is off screen: {box}"
        assert_accessible(page)

        page.keyboard.press("Enter")
        main = page.get_by_role("main")
        expect(main).to_be_focused()
        # the next Tab goes to the page's own content, not back through the header
        page.keyboard.press("Tab")
        assert main.evaluate("m => m.contains(document.activeElement)"), "Tab left main"
        if not signed_in:
            expect(page.get_by_label(either("Email"))).to_be_focused()


# --- the same set-up on a phone -------------------------------------------------------------------


def no_horizontal_scroll(page) -> None:
    # Measure the laid-out page: a tap that navigates returns before the stylesheet applies,
    # and an unstyled table is as wide as its content.
    page.wait_for_load_state("load")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE_WIDTH, f"{page.url} scrolls sideways: {width}px wide on a 360px screen"


def open_menu(page, either):
    menu = page.get_by_role("button", name=either("Menu"))
    expect(menu).to_be_visible()
    expect(menu).to_have_attribute("aria-expanded", "false")
    menu.tap()
    expect(menu).to_have_attribute("aria-expanded", "true")
    return page.get_by_role("navigation", name=either("Main menu"))


def checked_phone_page(page, either, heading: str) -> None:
    expect(page.get_by_role("heading", level=1)).to_have_text(either(heading))
    no_horizontal_scroll(page)
    assert_accessible(page)


def test_set_up_on_a_phone(phone_page, coordinator, either):
    page = phone_page
    page.goto("/login")
    checked_phone_page(page, either, "Sign in")
    browser_login(page, coordinator.email)
    expect(page).to_have_url(path_is("/"))
    no_horizontal_scroll(page)
    assert_accessible(page)

    # the menu is folded away behind its button until it is opened
    nav = page.get_by_role("navigation", name=either("Main menu"))
    expect(nav.get_by_role("link", name=either("Programme"))).to_be_hidden()
    nav = open_menu(page, either)
    expect(nav.get_by_role("link", name=either("Programme"))).to_be_visible()
    expect(nav.get_by_role("button", name=either("Sign out"))).to_be_visible()
    no_horizontal_scroll(page)
    assert_accessible(page)

    # Escape folds it again and gives focus back to the button
    page.keyboard.press("Escape")
    menu = page.get_by_role("button", name=either("Menu"))
    expect(menu).to_have_attribute("aria-expanded", "false")
    expect(menu).to_be_focused()
    expect(nav.get_by_role("link", name=either("Programme"))).to_be_hidden()

    # a school
    open_menu(page, either).get_by_role("link", name=either("Programme")).tap()
    checked_phone_page(page, either, "Programme")
    page.get_by_role("link", name=either("Manage schools")).tap()
    page.get_by_role("link", name=either("Add school")).tap()
    checked_phone_page(page, either, "Add school")
    page.get_by_label(either("Name")).fill(SCHOOLS[1][0])
    page.get_by_label(either("Kind of school")).select_option("study_centre")
    page.get_by_label(either("Municipality")).fill("Ekbacka kommun")
    page.get_by_role("button", name=either("Save")).tap()
    checked_phone_page(page, either, "Schools")
    expect(page.get_by_role("table", name=either("Schools"))).to_contain_text(SCHOOLS[1][0])

    # a term, with the wrong order of dates first
    open_menu(page, either).get_by_role("link", name=either("Programme")).tap()
    page.get_by_role("link", name=either("Manage terms")).tap()
    page.get_by_role("link", name=either("Add term")).tap()
    page.get_by_label(either("Name")).fill(TERM)
    page.get_by_label(either("First day")).fill(FIRST_DAY.isoformat())
    page.get_by_label(either("Last day")).fill(WRONG_LAST_DAY.isoformat())
    page.get_by_role("button", name=either("Save")).tap()
    checked_phone_page(page, either, "Add term")
    last_day = page.get_by_label(either("Last day"))
    expect(last_day).to_have_accessible_description(
        either("The term must end after it starts.", part=True)
    )
    expect(last_day).to_have_value(WRONG_LAST_DAY.isoformat())
    last_day.fill(LAST_DAY.isoformat())
    page.get_by_role("button", name=either("Save")).tap()
    checked_phone_page(page, either, "Terms")

    # the staff list, the widest table, and the audit log of what was just done
    open_menu(page, either).get_by_role("link", name=either("Staff")).tap()
    checked_phone_page(page, either, "Staff")
    # it scrolls sideways inside its own region, which a keyboard can reach and scroll
    region = page.get_by_role("region", name=either("Staff"))
    assert region.evaluate("r => r.scrollWidth > r.clientWidth"), "staff table fits: test is moot"
    tab_to(page, region)
    page.keyboard.press("ArrowRight")
    page.wait_for_function("r => r.scrollLeft > 0", arg=region.element_handle())
    open_menu(page, either).get_by_role("link", name=either("Audit log")).tap()
    checked_phone_page(page, either, "Audit log")
    expect(page.get_by_role("table", name=either("Audit log"))).to_contain_text(coordinator.name)
